//! Legend blocks: what a legend shows for one layer's rules. They are made from the same
//! [`LayerSymbology`](super::rules::LayerSymbology) that styles the features, so marks and
//! legend cannot disagree; layout only places and draws them.

use crate::scene::Style;

/// One legend row: what its swatch looks like and its text.
#[derive(Debug, Clone)]
pub struct LegendEntry {
    pub text: String,
    pub kind: SwatchKind,
    pub style: Style,
    pub marker_radius: f64,
}

/// The shape of a legend swatch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SwatchKind {
    Area,
    Line,
    Point,
    Square,
}
