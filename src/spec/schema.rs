//! A JSON Schema (draft 2020-12) of the map spec, for editors that complete and check TOML
//! against one (Taplo, Even Better TOML: `#:schema mapfig.schema.json` atop a spec). The
//! parser stays the authority: the schema says the keys, their types and ranges, and the
//! words a key takes, read from the same keyword tables the parser uses; checks across keys
//! that a schema cannot say simply (a class count that only some scales take, layer ids
//! named elsewhere) are the parser's alone. `tests/schema.rs` holds the two to each other:
//! every key the parser knows is here, every key here the parser knows, and every spec of
//! the repository validates.

use super::encoding::{MAX_CLASSES, SCALE, SIZE_SCALE};
use super::filter::OPERATORS;
use super::ids::MAX_ID_PREFIX;
use super::join::MAX_PAD;
use super::keywords::{
    Keywords, INSET, LABEL_TRANSFORM, LABEL_WEIGHT, LINES, MARKER, PANEL, SCALE_UNITS, THEME,
};
use super::legend::{LEGEND_DIRECTION, LEGEND_POSITION};
use super::{MAX_SIDE, MIN_SIDE};
use crate::color::scheme::Scheme;
use serde_json::{json, Map, Value};

// The tables of many maps (`[atlas]`, `[facet]`), in their own file.
#[path = "schema_many.rs"]
mod many;

/// The JSON Schema of a map spec.
///
/// ```
/// let schema = mapfig::spec::schema::json_schema();
/// assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
/// assert_eq!(schema["$defs"]["layer"]["properties"]["marker"]["enum"][1], "square");
/// ```
pub fn json_schema() -> Value {
    let mut defs = Map::new();
    defs.insert("colour".into(), colour_def());
    defs.insert("layer".into(), layer());
    defs.insert("fill".into(), encoding("fill", Channel::Fill));
    defs.insert("stroke".into(), encoding("stroke", Channel::Stroke));
    defs.insert("opacity".into(), encoding("opacity", Channel::Opacity));
    defs.insert("size".into(), size());
    defs.insert("legend".into(), legend());
    defs.insert("join".into(), join());
    defs.insert("where".into(), filter());
    defs.insert("test".into(), test());
    defs.insert("value".into(), scalar());
    defs.insert("bound".into(), bound());
    defs.insert("extent".into(), extent());
    defs.insert("callout".into(), callout());
    defs.insert("badge".into(), badge());
    defs.insert("furniture".into(), furniture());
    defs.insert("atlas".into(), many::atlas());
    defs.insert("facet".into(), many::facet());
    let mut schema = table(
        "A mapfig map spec: one TOML file per map; paths are relative to the spec's folder.",
        vec![
            ("$schema", string("Where an editor finds this schema (ignored by mapfig; Taplo reads a URL here, or a `#:schema path` comment atop the file).")),
            ("title", string("The map's title, in the title block and the SVG <title>.")),
            ("subtitle", string("A line under the title.")),
            ("credit", string("The source line under the map; also in the SVG <desc>.")),
            ("description", string("The SVG <desc> for screen readers (generated from the spec when absent).")),
            ("output", output()),
            ("id_prefix", id_prefix()),
            ("size", size_pair()),
            ("projection", projection()),
            ("extent", reference("extent")),
            ("background", colour("The page colour (default white).")),
            ("panel", words(&PANEL, "The side panel that holds badges: \"right\" (the default when there are badges) or \"none\".")),
            ("theme", theme()),
            ("strict", boolean("true: a `where` that matches nothing and a join that leaves features without a row fail the render instead of warning.")),
            ("fonts", strings("Font files (TTF, OTF, TTC) text may be set in after the bundled ones, relative to the spec.")),
            ("strict_text", boolean("true: a character no font has a glyph for fails the render instead of warning.")),
            ("embed_fonts", boolean("true: the SVG carries a subset of each font its texts use, so browsers draw the same glyphs as the PNG.")),
            ("dark_variant", boolean("true: the SVG also carries the dark theme's colours, shown when the reader prefers a dark colour scheme.")),
            ("simplify", string("Keep this share of polygon vertices, e.g. \"10%\" or \"0.1\" (Visvalingam on shared arcs: neighbours never come apart).")),
            ("layer", json!({
                "type": "array",
                "minItems": 1,
                "items": {"$ref": "#/$defs/layer"},
                "description": "The map's layers ([[layer]] tables), drawn in order: at least one."
            })),
            ("callout", array_of("callout", "Boxed notes with a leader line ([[callout]] tables).")),
            ("badge", array_of("badge", "Big numbers with a caption in the side panel ([[badge]] tables).")),
            ("furniture", reference("furniture")),
            ("atlas", reference("atlas")),
            ("facet", reference("facet")),
        ],
        &["layer"],
    );
    let object = schema.as_object_mut().expect("a table is an object");
    object.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    object.insert("title".into(), json!("mapfig map spec"));
    object.insert("$defs".into(), Value::Object(defs));
    schema
}

/// A table of `properties` that takes no other key (the parser reports any other as
/// unknown), with its `required` keys.
fn table(description: &str, properties: Vec<(&str, Value)>, required: &[&str]) -> Value {
    let properties: Map<String, Value> = properties
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let mut t = json!({
        "type": "object",
        "description": description,
        "additionalProperties": false,
        "properties": properties,
    });
    if !required.is_empty() {
        t["required"] = json!(required);
    }
    t
}

fn with_description(mut v: Value, description: &str) -> Value {
    v["description"] = json!(description);
    v
}

fn reference(def: &str) -> Value {
    json!({ "$ref": format!("#/$defs/{def}") })
}

fn array_of(def: &str, description: &str) -> Value {
    json!({ "type": "array", "items": reference(def), "description": description })
}

fn string(description: &str) -> Value {
    json!({ "type": "string", "description": description })
}

fn strings(description: &str) -> Value {
    json!({ "type": "array", "items": {"type": "string"}, "description": description })
}

fn boolean(description: &str) -> Value {
    json!({ "type": "boolean", "description": description })
}

fn number(description: &str) -> Value {
    json!({ "type": "number", "description": description })
}

/// A number in `[min, max]`.
fn number_in(min: f64, max: f64, description: &str) -> Value {
    json!({ "type": "number", "minimum": min, "maximum": max, "description": description })
}

/// A number above 0 and at most `max`.
fn positive(max: f64, description: &str) -> Value {
    json!({ "type": "number", "exclusiveMinimum": 0, "maximum": max, "description": description })
}

/// `n` numbers, each in `[min, max]` when given.
fn numbers(n: usize, range: Option<(f64, f64)>, description: &str) -> Value {
    let mut item = json!({ "type": "number" });
    if let Some((min, max)) = range {
        item["minimum"] = json!(min);
        item["maximum"] = json!(max);
    }
    json!({ "type": "array", "items": item, "minItems": n, "maxItems": n, "description": description })
}

fn colour(description: &str) -> Value {
    json!({ "$ref": "#/$defs/colour", "description": description })
}

fn colour_def() -> Value {
    json!({
        "type": "string",
        "description": "A CSS colour (\"#c0392b\", \"steelblue\", \"rgb(10 20 30)\", \"hsl(…)\") or \"none\".",
        "examples": ["#c0392b", "steelblue", "none"]
    })
}

/// The words a keyword key takes, aliases included; the description offers the main ones.
fn words<T: Clone + PartialEq>(k: &Keywords<T>, description: &str) -> Value {
    let all: Vec<&str> = k.words.iter().map(|(w, _)| *w).collect();
    json!({ "type": "string", "enum": all, "description": description })
}

/// `words` with the spaces around a word allowed too, as the parser trims them.
fn trimmed_words(all: &[&str], description: &str) -> Value {
    json!({
        "description": description,
        "anyOf": [
            { "enum": all },
            { "type": "string", "pattern": format!("^\\s*(?:{})\\s*$", all.join("|")) }
        ]
    })
}

fn theme() -> Value {
    let all: Vec<&str> = THEME.words.iter().map(|(w, _)| *w).collect();
    trimmed_words(
        &all,
        "Recolours the finished map: \"light\" (the default: the spec's colours), \"dark\" (lightness inverted, hues kept) or \"print\" (greys).",
    )
}

/// Scheme names, in any case: each letter as a class of its two cases.
fn scheme() -> Value {
    let names: Vec<&str> = Scheme::all().iter().map(|s| s.name).collect();
    let any_case: Vec<String> = names
        .iter()
        .map(|n| {
            n.chars()
                .map(|c| match (c.to_ascii_lowercase(), c.to_ascii_uppercase()) {
                    (l, u) if l != u => format!("[{u}{l}]"),
                    _ => regex_literal(c),
                })
                .collect()
        })
        .collect();
    json!({
        "description": "A ColorBrewer scheme (Blues, YlOrRd, RdBu, Set2…) or viridis, magma, inferno, plasma, cividis, turbo; any case.",
        "anyOf": [
            { "enum": names },
            { "type": "string", "pattern": format!("^\\s*(?:{})\\s*$", any_case.join("|")) }
        ]
    })
}

fn regex_literal(c: char) -> String {
    if "\\^$.|?*+()[]{}".contains(c) {
        format!("\\{c}")
    } else {
        c.to_string()
    }
}

fn output() -> Value {
    json!({
        "type": "string",
        "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]*$",
        "description": "The output file name without extension (default: the spec's file name): letters, digits, '-', '_', '.', not starting with '.'."
    })
}

fn id_prefix() -> Value {
    json!({
        "type": "string",
        "pattern": format!("^[A-Za-z][A-Za-z0-9-]{{0,{}}}$", MAX_ID_PREFIX - 1),
        "description": "Starts every SVG id (default: the output name made into an identifier): a letter, then letters, digits and '-'."
    })
}

fn size_pair() -> Value {
    numbers(
        2,
        Some((MIN_SIDE, MAX_SIDE)),
        "[width, height] in CSS pixels (default [1200, 900]; at least 340 wide with the side panel).",
    )
}

fn projection() -> Value {
    json!({
        "description": "\"auto\" (the default: chosen from the data's extent), \"albers-usa\" (the US with Alaska and Hawaii in insets), \"EPSG:nnnn\" or a proj string such as \"+proj=lcc +lat_1=33 +lat_2=38 +lon_0=68\".",
        "anyOf": [
            { "enum": ["auto", "albers-usa"] },
            { "type": "string" }
        ],
        "examples": ["auto", "albers-usa", "EPSG:32642", "+proj=robin"]
    })
}

fn extent() -> Value {
    let mut t = table(
        "The part of the world the map shows: exactly one of `bbox` or `fit` (default: fit all layers).",
        vec![
            ("bbox", json!({
                "type": "array",
                "prefixItems": [
                    {"type": "number", "minimum": -180, "maximum": 180},
                    {"type": "number", "minimum": -90, "maximum": 90},
                    {"type": "number", "minimum": -180, "maximum": 180},
                    {"type": "number", "minimum": -90, "maximum": 90}
                ],
                "items": {"type": "number"},
                "minItems": 4,
                "maxItems": 4,
                "description": "[west, south, east, north] in degrees, west < east and south < north."
            })),
            ("fit", json!({
                "description": "Fit the map to this layer's features, or to these layers'.",
                "anyOf": [
                    {"type": "string"},
                    {"type": "array", "items": {"type": "string"}}
                ]
            })),
            ("pad", json!({
                "type": "number",
                "minimum": 0,
                "exclusiveMaximum": 0.45,
                "description": "With `fit`: the margin round the data, a share of the frame from 0 to below 0.45 (default 0.04)."
            })),
        ],
        &[],
    );
    t["oneOf"] = json!([{ "required": ["bbox"] }, { "required": ["fit"] }]);
    t
}

fn layer() -> Value {
    let mut t = table(
        "A layer: the features of one data file (or a part of them, by `where`) drawn in one style.",
        vec![
            ("id", json!({
                "type": "string",
                "pattern": "^[A-Za-z0-9_-]+$",
                "description": "The layer's name, unique in the spec: letters, digits, '-' and '_' (it becomes an SVG id)."
            })),
            ("source", string("The data file, relative to the spec: GeoJSON, TopoJSON, Shapefile, FlatGeobuf, GeoPackage, CSV/TSV…, told apart by content.")),
            ("object", string("Which collection of a file of several the layer draws: a TopoJSON object, a GeoPackage table, a Shapefile in a .zip.")),
            ("layer", string("The same as `object` (GeoPackage's word); give one, not both.")),
            ("crs", string("The CRS of the source's coordinates when the file declares none or declares it wrongly: \"EPSG:5070\", a proj string, WKT, \"screen\" or \"planar\".")),
            ("x", string("A table's longitude (or easting) column, when it is not found by name.")),
            ("y", string("A table's latitude (or northing) column, when it is not found by name.")),
            ("join", reference("join")),
            ("where", reference("where")),
            ("fill", json!({
                "description": "The fill: a colour, or a table mapping a property to colours.",
                "anyOf": [reference("colour"), reference("fill")]
            })),
            ("stroke", json!({
                "description": "The outline or line colour: a colour, or a table mapping a property to colours.",
                "anyOf": [reference("colour"), reference("stroke")]
            })),
            ("opacity", json!({
                "description": "Opacity from 0 to 1 (default 1), or a table mapping a property to opacities.",
                "anyOf": [{"type": "number", "minimum": 0, "maximum": 1}, reference("opacity")]
            })),
            ("size", reference("size")),
            ("hatch", colour("Diagonal lines of this colour over the fill (2 px wide, 6 px apart, at 45°).")),
            ("stroke_width", number_in(0.0, 100.0, "The stroke width in pixels, 0 to 100.")),
            ("dash", json!({
                "type": "array",
                "items": {"type": "number", "minimum": 0, "maximum": 1000},
                "description": "A dash pattern in pixels, e.g. [4, 2]; not all zero."
            })),
            ("label", string("The label: a template over feature properties, e.g. \"{name}\".")),
            ("label_size", positive(200.0, "The label size in pixels (default 11).")),
            ("label_color", colour("The label colour (default #333333).")),
            ("label_weight", words(&LABEL_WEIGHT, "\"normal\" (the default) or \"bold\".")),
            ("label_transform", words(&LABEL_TRANSFORM, "\"uppercase\" or \"none\" (the default).")),
            ("label_priority", number("Labels with a higher priority are placed first (default 0).")),
            ("label_required", boolean("true: a label that cannot be placed fails the render under --strict-labels.")),
            ("label_leader", boolean("Allow an outside label with a leader line for small polygons (default true).")),
            ("marker", words(&MARKER, "The symbol at each point: \"circle\" (the default), \"square\" or \"none\".")),
            ("marker_size", positive(100.0, "The marker radius in pixels (default 3.5).")),
            ("legend", json!({
                "description": "The layer's legend row text (or the title of its scale's legend), or a table saying how its legend reads and where it goes.",
                "anyOf": [{"type": "string"}, reference("legend")]
            })),
            ("description", string("The layer's accessible name.")),
            ("arrow", boolean("Lines: an arrowhead at the end.")),
            ("curve", boolean("Lines: a smooth curve through the points.")),
            ("lines", words(&LINES, "Draw the shared borders of the layer's polygons instead: \"inner\" (each border between two features once) or \"outer\" (their common outline).")),
            ("border_with", table(
                "Draw the border between this layer's features and those of another file.",
                vec![
                    ("source", string("The other data file, relative to the spec.")),
                    ("where", reference("where")),
                ],
                &["source"],
            )),
        ],
        &["id", "source"],
    );
    t["not"] = json!({ "anyOf": [
        { "required": ["object", "layer"] },
        { "required": ["lines", "border_with"] },
        { "required": ["size", "lines"] },
        { "required": ["size", "border_with"] }
    ]});
    t
}

#[derive(Clone, Copy, PartialEq)]
enum Channel {
    Fill,
    Stroke,
    Opacity,
}

/// The table under `fill`, `stroke` or `opacity` that maps a property.
fn encoding(key: &str, channel: Channel) -> Value {
    let mut keys = vec![
        ("by", string("The property whose values are mapped (\"id\" reads the feature id when there is no such property).")),
        ("scale", words(&SCALE, "How values become colours: \"quantile\", \"equal\", \"jenks\", \"threshold\" (classes at `breaks`), \"linear\", \"log\", \"sqrt\", \"diverging\" or \"categorical\".")),
        ("classes", json!({
            "type": "integer",
            "minimum": 2,
            "maximum": MAX_CLASSES,
            "description": "How many classes (quantile, equal, jenks; default 5)."
        })),
        ("breaks", json!({
            "type": "array",
            "items": {"type": "number"},
            "minItems": 1,
            "maxItems": MAX_CLASSES - 1,
            "description": "threshold: the class bounds, increasing; a value equal to a break falls in the lower class."
        })),
        ("domain", numbers(2, None, "[low, high]: the ends of a continuous scale or of equal classes, instead of the data's.")),
        ("midpoint", number("diverging: the value at the middle colour (default 0).")),
        ("reverse", boolean("The colours (or opacities) in reverse order.")),
        ("nice", boolean("Round numbers: a widened domain, or rounded class bounds.")),
        ("title", string("This channel's legend title.")),
    ];
    if channel == Channel::Opacity {
        keys.push((
            "range",
            numbers(
                2,
                Some((0.0, 1.0)),
                "The opacities the scale maps onto (default [0.2, 1]).",
            ),
        ));
    } else {
        let missing_table = if channel == Channel::Fill {
            table(
                "Features without a value: a fill, with hatching over it.",
                vec![
                    ("fill", colour("The fill of features without a value.")),
                    ("hatch", colour("Diagonal lines of this colour over it.")),
                ],
                &[],
            )
        } else {
            table(
                "Features without a value.",
                vec![("fill", colour("The colour of features without a value."))],
                &[],
            )
        };
        keys.extend([
            ("scheme", scheme()),
            ("colors", json!({
                "description": "Your own colours instead of a scheme: a list (interpolated), or for categorical a table of value = colour.",
                "anyOf": [
                    {"type": "array", "items": reference("colour"), "minItems": 2},
                    {"type": "object", "additionalProperties": reference("colour"), "minProperties": 1}
                ]
            })),
            ("missing", json!({
                "description": "The colour of features without a usable value (default #cccccc), or a table.",
                "anyOf": [reference("colour"), missing_table]
            })),
            ("missing_label", string("The legend row for features without a value (default \"No data\").")),
        ]);
    }
    let mut t = table(
        &format!("`{key}` mapped from the data: {{ by = \"rate\", scale = \"quantile\", classes = 5, scheme = \"Blues\" }}."),
        keys,
        &["by"],
    );
    if channel != Channel::Opacity {
        t["not"] = json!({ "required": ["scheme", "colors"] });
    }
    t
}

fn size() -> Value {
    table(
        "Proportional symbols: each feature drawn as a circle sized by a property.",
        vec![
            ("by", string("The property the circles are sized by.")),
            ("max", positive(200.0, "The radius in pixels of the largest value, or of `domain` (default 24).")),
            ("scale", words(&SIZE_SCALE, "\"sqrt\" (the default: areas proportional to the values) or \"linear\" (radii proportional).")),
            ("domain", json!({
                "description": "The value drawn at `max`: a number above 0, or [0, that number].",
                "anyOf": [
                    {"type": "number", "exclusiveMinimum": 0},
                    {
                        "type": "array",
                        "prefixItems": [{"enum": [0]}, {"type": "number", "exclusiveMinimum": 0}],
                        "minItems": 2,
                        "maxItems": 2
                    }
                ]
            })),
            ("title", string("The circles' legend title.")),
        ],
        &["by"],
    )
}

fn legend() -> Value {
    table(
        "How the layer's legend reads and where it goes.",
        vec![
            ("title", string("The row's text (a constant layer) or the title over the scale's entries.")),
            ("format", string("How numbers are written: a d3-format string such as \".1%\", \",.0f\" or \"$,.2s\".")),
            ("position", words(&LEGEND_POSITION, "\"auto\" (the default: the emptiest corner), a corner (\"top-left\"…) or beside the map (\"above\", \"below\", \"right\").")),
            ("direction", words(&LEGEND_DIRECTION, "\"vertical\" or \"horizontal\" (default: horizontal above and below the map).")),
            ("missing_label", string("The text of the missing-data row (default \"No data\").")),
        ],
        &[],
    )
}

fn join() -> Value {
    table(
        "A table (CSV, TSV or a JSON array of records) whose columns become the features' properties, row to feature by key.",
        vec![
            ("data", string("The table, relative to the spec.")),
            ("key", string("The table's column holding the keys.")),
            ("on", string("The feature property holding the keys, or \"id\" for the feature id (default: `key`).")),
            ("pad", json!({
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_PAD,
                "description": "Whole-number keys of fewer digits get leading zeros up to this many, on both sides (1001 → 01001)."
            })),
            ("strict", boolean("true: features without a row fail the render.")),
        ],
        &["data", "key"],
    )
}

/// A `where` table: property = test, every test must hold; a top-level `not` may negate a
/// whole sub-filter.
fn filter() -> Value {
    json!({
        "type": "object",
        "description": "Which features to take: property = a value, a list of values, or a table of comparisons; all must hold.",
        "properties": {
            "not": {
                "description": "A test of the property `not`, or (a table of properties) a filter that must not hold.",
                "anyOf": [reference("test"), reference("where")]
            }
        },
        "additionalProperties": reference("test")
    })
}

fn test() -> Value {
    let mut comparisons = Map::new();
    for op in OPERATORS {
        let v = match *op {
            "eq" => with_description(reference("value"), "Equal to this value."),
            "ne" => with_description(
                reference("value"),
                "Not equal to this value (also true without the property).",
            ),
            "gt" | "gte" | "lt" | "lte" => {
                with_description(reference("bound"), "Ordered against this bound.")
            }
            "in" => {
                json!({ "type": "array", "items": reference("value"), "description": "One of these values." })
            }
            "between" => json!({
                "type": "array",
                "items": reference("bound"),
                "minItems": 2,
                "maxItems": 2,
                "description": "[low, high], both included."
            }),
            _ => with_description(reference("test"), "This test does not hold."),
        };
        comparisons.insert((*op).to_string(), v);
    }
    json!({
        "description": "A value, a list of values (any of them), or a table of comparisons.",
        "anyOf": [
            reference("value"),
            { "type": "array", "items": reference("value") },
            {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": false,
                "properties": comparisons
            }
        ]
    })
}

fn scalar() -> Value {
    json!({ "type": ["string", "number", "boolean"] })
}

fn bound() -> Value {
    json!({ "type": ["string", "number"] })
}

fn lon_lat(description: &str) -> Value {
    json!({
        "type": "array",
        "prefixItems": [
            {"type": "number", "minimum": -180, "maximum": 180},
            {"type": "number", "minimum": -90, "maximum": 90}
        ],
        "items": {"type": "number"},
        "minItems": 2,
        "maxItems": 2,
        "description": description
    })
}

fn callout() -> Value {
    let mut t = table(
        "A boxed note with a leader line, at a place or a feature: exactly one of `at` or `source`.",
        vec![
            ("at", lon_lat("[longitude, latitude] the callout points at.")),
            ("source", string("A data file whose (first matching) feature the callout points at.")),
            ("where", reference("where")),
            ("title", string("The callout's title: a template over the feature's properties.")),
            ("text", string("The text: a template over the feature's properties; \\n breaks lines.")),
            ("offset", numbers(2, None, "[dx, dy] in pixels from the point (placed automatically without it).")),
            ("color", colour("The text colour (default #222222).")),
        ],
        &["text"],
    );
    t["oneOf"] = json!([{ "required": ["at"] }, { "required": ["source"] }]);
    t
}

fn badge() -> Value {
    let number_or_template = |d: &str| json!({ "type": ["number", "string"], "description": d });
    table(
        "A headline number with a caption in the side panel.",
        vec![
            (
                "value",
                number_or_template(
                    "The number, or a template such as \"{count}\" over the source feature.",
                ),
            ),
            (
                "total",
                number_or_template("Out of how many, or a template."),
            ),
            ("caption", string("The words under the number.")),
            ("note", string("A smaller note under the caption.")),
            (
                "units",
                boolean("true: a unit bar of `total` cells, `value` of them filled."),
            ),
            (
                "source",
                string("A data file whose feature the templates read."),
            ),
            ("where", reference("where")),
            ("color", colour("The number's colour (default #8c2d19).")),
        ],
        &["value", "caption"],
    )
}

fn furniture() -> Value {
    table(
        "Legend, scale bar, north arrow, frame, graticule and locator inset (default: legend and scale bar).",
        vec![
            ("legend", boolean("The legend of layers that declare `legend` (default true).")),
            ("scale_bar", boolean("A geodesic scale bar, true at the map centre (default true).")),
            ("scale_units", words(&SCALE_UNITS, "\"km\" (the default), \"mi\" or \"km+mi\" (two bars).")),
            ("north_arrow", boolean("An arrow to true north at the map centre.")),
            ("frame", boolean("A frame round the map.")),
            ("graticule", json!({
                "description": "Lines every N degrees, 0.1 to 90 (0 for none).",
                "anyOf": [{"enum": [0]}, {"type": "number", "minimum": 0.1, "maximum": 90}]
            })),
            ("inset", words(&INSET, "\"locator\": a small map of the surroundings; \"none\" (the default).")),
        ],
        &[],
    )
}
