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

/// A legend block: what one fitted scale of a layer shows, with an optional title.
#[derive(Debug, Clone)]
pub struct LegendBlock {
    pub title: Option<String>,
    pub body: LegendBody,
    /// The missing-data row of a [`LegendBody::Ramp`].
    pub missing: Option<Swatch>,
}

/// What a legend block shows.
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
    /// Proportional symbols: nested circles, radius in px, with their value text, largest
    /// first.
    Circles {
        circles: Vec<(f64, String)>,
        style: Style,
    },
}

/// One swatch of a legend block.
#[derive(Debug, Clone)]
pub struct Swatch {
    pub text: String,
    pub kind: SwatchKind,
    pub style: Style,
}
