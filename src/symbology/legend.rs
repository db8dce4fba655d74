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

// The legend blocks of mapped channels (issue 11's contract between the scales, symbols
// and legends work; the legends work draws them).

/// What a legend shows for one mapped channel of a layer.
#[derive(Debug, Clone)]
pub struct LegendBlock {
    pub title: Option<String>,
    pub body: LegendBody,
    /// The missing-data row of a ramp (classes and categories append theirs as a swatch).
    pub missing: Option<Swatch>,
}

#[derive(Debug, Clone)]
pub enum LegendBody {
    /// Classed colours: one swatch per class, lowest first; text is the formatted range.
    Classes { swatches: Vec<Swatch> },
    /// A continuous colour ramp: stops at t in 0..=1 (left/bottom = domain min), ticks at t.
    Ramp {
        stops: Vec<(f64, crate::color::Rgba)>,
        ticks: Vec<(f64, String)>,
    },
    /// Categorical entries, in the scale's order.
    Categories { swatches: Vec<Swatch> },
    /// Proportional symbols: nested circles, radius in px, with their value text, largest first.
    Circles {
        circles: Vec<(f64, String)>,
        style: Style,
    },
}

/// One legend row of a mapped channel.
#[derive(Debug, Clone)]
pub struct Swatch {
    pub text: String,
    pub kind: SwatchKind,
    pub style: Style,
}
