//! The schema of the tables that make many maps from one spec: `[atlas]` and `[facet]`.

use super::{colour, reference, string, table};
use serde_json::{json, Value};

pub(super) fn atlas() -> Value {
    table(
        "One map per feature of a coverage layer (an atlas): each page fitted to its feature.",
        vec![
            ("layer", string("The coverage layer's id: one page per feature it draws.")),
            ("output", string("Each page's file name, a template over the feature (e.g. \"state-{id}\"); default the spec's output, a dash and the feature id.")),
            ("title", string("Each page's title, a template over the feature (e.g. \"{name}\").")),
            ("subtitle", string("Each page's subtitle, a template over the feature.")),
            ("pad", json!({"type": "number", "minimum": 0, "exclusiveMaximum": 0.45, "description": "Room round the page's feature, a share of the frame, from 0 to under 0.45 (default 0.15)."})),
            ("highlight", colour("Fill of the page's feature, drawn over its neighbours (default: not drawn).")),
            ("where", reference("where")),
        ],
        &["layer"],
    )
}

pub(super) fn facet() -> Value {
    table(
        "Small multiples: one figure of panels, one per value of a layer's property, sharing projection, extent, scales and one legend.",
        vec![
            ("layer", string("The layer split into panels.")),
            ("by", string("The property whose values make the panels.")),
            ("values", json!({
                "type": "array",
                "minItems": 1,
                "maxItems": crate::spec::MAX_PANELS,
                "items": {"type": ["string", "number", "boolean"]},
                "description": "Which values, in this order (default: every value the layer holds, sorted)."
            })),
            ("columns", json!({"type": "integer", "minimum": 1, "maximum": crate::spec::MAX_PANELS, "description": "Panels a row (default: up to 3)."})),
            ("title", string("Each panel's title; {value} is the panel's value (default \"{value}\").")),
        ],
        &["layer", "by"],
    )
}
