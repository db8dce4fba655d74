//! A rule per visual channel (fill, stroke, stroke width, dash, opacity, marker size),
//! built from a layer's spec in one place and resolved per feature: a constant, or a value
//! mapped from the feature's data by a fitted scale. The layer's legend blocks come from
//! the same rules and scales.

use super::legend::{LegendBlock, LegendEntry, SwatchKind};
use crate::color::Paint;
use crate::geom::Flat;
use crate::scene::{MarkerKind, Style};
use crate::sources::Feature;
use crate::spec::{Layer, Marker};
use std::sync::Arc;

/// How one visual channel gets its value for a feature.
#[derive(Clone)]
pub enum Rule<T> {
    /// The same value for every feature.
    Constant(T),
    /// A value computed from each feature by a fitted scale; `None` feature (shared borders)
    /// gets `fallback`.
    Mapped {
        map: Arc<dyn Fn(&Feature) -> T + Send + Sync>,
        fallback: T,
    },
}

impl<T: std::fmt::Debug> std::fmt::Debug for Rule<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rule::Constant(v) => f.debug_tuple("Constant").field(v).finish(),
            Rule::Mapped { fallback, .. } => f
                .debug_struct("Mapped")
                .field("fallback", fallback)
                .finish_non_exhaustive(),
        }
    }
}

impl<T: Clone> Rule<T> {
    /// The channel's value for `feature` (`None` for lines made from shared borders).
    pub fn resolve(&self, feature: Option<&Feature>) -> T {
        match (self, feature) {
            (Rule::Constant(v), _) => v.clone(),
            (Rule::Mapped { map, .. }, Some(f)) => map(f),
            (Rule::Mapped { fallback, .. }, None) => fallback.clone(),
        }
    }

    /// Is the value the same for every feature?
    pub fn is_constant(&self) -> bool {
        matches!(self, Rule::Constant(_))
    }
}

/// What a layer mostly holds, which sets its default style and its legend swatch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Area,
    Line,
    Point,
}

impl Kind {
    /// The kind of a layer holding `features`: whatever it has most parts of (polygons
    /// first on a tie), points when it has nothing.
    pub fn of<'a>(features: impl IntoIterator<Item = &'a Flat>) -> Kind {
        let (mut a, mut l, mut p) = (0, 0, 0);
        for f in features {
            a += f.polygons.len();
            l += f.lines.len();
            p += f.points.len();
        }
        if a >= l && a >= p && a > 0 {
            Kind::Area
        } else if l >= p && l > 0 {
            Kind::Line
        } else {
            Kind::Point
        }
    }
}

/// The rules of one layer: a rule per channel, its marker symbol and its legend text.
#[derive(Debug, Clone)]
pub struct LayerSymbology {
    pub kind: Kind,
    pub fill: Rule<Paint>,
    /// Diagonal lines over the fill, or none.
    pub hatch: Rule<Option<Paint>>,
    pub stroke: Rule<Paint>,
    pub stroke_width: Rule<f64>,
    pub dash: Rule<Vec<f64>>,
    pub opacity: Rule<f64>,
    /// The point marker's symbol; `None` when the layer draws no markers.
    pub marker: Option<MarkerKind>,
    /// Marker radius (half a square's side), in pixels.
    pub marker_size: Rule<f64>,
    /// The fitted proportional-symbol scale of a layer with `size`: it draws each
    /// feature as a circle of the radius this gives (`marker_size` is made from it).
    pub size: Option<std::sync::Arc<super::size::SizeSymbols>>,
    /// The legend blocks of the mapped channels, from the scales that map them.
    pub legend_blocks: Vec<LegendBlock>,
    /// What fitting the scales left out (values that are not numbers...), one sentence each.
    pub warnings: Vec<String>,
    legend: Option<String>,
}

impl LayerSymbology {
    /// The rules of layer `l` holding features of `kind`: the spec's values where it sets
    /// them, else the kind's defaults.
    ///
    /// ```
    /// use mapfig::symbology::rules::{Kind, LayerSymbology};
    /// let spec = mapfig::spec::parse(
    ///     "[[layer]]\nid = \"roads\"\nsource = \"roads.geojson\"\nstroke_width = 3\n",
    ///     std::path::Path::new("map.toml"),
    /// )
    /// .unwrap();
    /// let roads = LayerSymbology::new(&spec.layers[0], Kind::Line);
    /// assert_eq!(roads.resolve(None).stroke_width, 3.0);
    /// assert!(roads.shared_style().is_some());
    /// ```
    pub fn new(l: &Layer, kind: Kind) -> LayerSymbology {
        let (fill, stroke, width) = match kind {
            Kind::Area => (
                Paint::rgb(0xe8, 0xe4, 0xda),
                Paint::rgb(0xff, 0xff, 0xff),
                0.8,
            ),
            Kind::Line => (Paint::None, Paint::rgb(0x33, 0x33, 0x33), 1.5),
            Kind::Point => (
                Paint::rgb(0x22, 0x22, 0x22),
                Paint::rgb(0xff, 0xff, 0xff),
                1.0,
            ),
        };
        LayerSymbology {
            kind,
            fill: Rule::Constant(l.fill.unwrap_or(fill)),
            hatch: Rule::Constant(l.hatch),
            stroke: Rule::Constant(l.stroke.unwrap_or(stroke)),
            stroke_width: Rule::Constant(l.stroke_width.unwrap_or(width)),
            dash: Rule::Constant(l.dash.clone()),
            opacity: Rule::Constant(l.opacity),
            marker: match l.marker {
                Marker::None => None,
                Marker::Square => Some(MarkerKind::Square),
                Marker::Circle => Some(MarkerKind::Circle),
            },
            marker_size: Rule::Constant(l.marker_size),
            size: None,
            legend_blocks: Vec::new(),
            warnings: Vec::new(),
            legend: l.legend.clone(),
        }
    }

    /// The style of `feature` (`None` for lines made from shared borders).
    pub fn resolve(&self, feature: Option<&Feature>) -> Style {
        Style {
            fill: self.fill.resolve(feature),
            fill_opacity: 1.0,
            stroke: self.stroke.resolve(feature),
            stroke_width: self.stroke_width.resolve(feature),
            dash: self.dash.resolve(feature),
            opacity: self.opacity.resolve(feature),
            round: true,
            hatch: self.hatch.resolve(feature),
        }
    }

    /// The style every feature shares when each channel is constant: written once, on the
    /// layer's group.
    pub fn shared_style(&self) -> Option<Style> {
        let constant = self.fill.is_constant()
            && self.hatch.is_constant()
            && self.stroke.is_constant()
            && self.stroke_width.is_constant()
            && self.dash.is_constant()
            && self.opacity.is_constant();
        constant.then(|| self.resolve(None))
    }

    /// How far a label keeps from `feature`'s point: its marker's radius, 0 without one.
    pub fn marker_radius(&self, feature: Option<&Feature>) -> f64 {
        match self.marker {
            Some(_) => self.marker_size.resolve(feature),
            None => 0.0,
        }
    }

    /// The shape of the layer's legend swatches.
    pub fn swatch_kind(&self) -> SwatchKind {
        match self.kind {
            Kind::Area => SwatchKind::Area,
            Kind::Line => SwatchKind::Line,
            Kind::Point if self.marker == Some(MarkerKind::Square) => SwatchKind::Square,
            Kind::Point => SwatchKind::Point,
        }
    }

    /// The layer's legend block when it has a legend text: one row for constant rules
    /// (a layer with mapped channels has its [`LayerSymbology::legend_blocks`] instead).
    pub fn legend(&self) -> Option<LegendEntry> {
        if !self.legend_blocks.is_empty() {
            return None;
        }
        let text = self.legend.clone()?;
        Some(LegendEntry {
            text,
            kind: self.swatch_kind(),
            style: self.resolve(None),
            marker_radius: self.marker_size.resolve(None),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(extra: &str) -> Layer {
        let text = format!("[[layer]]\nid = \"a\"\nsource = \"a.geojson\"\n{extra}");
        let spec = crate::spec::parse(&text, std::path::Path::new("t.toml")).unwrap();
        spec.layers[0].clone()
    }

    #[test]
    fn kind_is_what_a_layer_holds_most_of() {
        let line = Flat {
            lines: vec![vec![[0.0, 0.0], [1.0, 1.0]]],
            ..Flat::default()
        };
        assert_eq!(Kind::of([&line]), Kind::Line);
        assert_eq!(Kind::of([&Flat::default()]), Kind::Point);
    }

    #[test]
    fn legend_block_is_made_from_the_same_rules_as_the_marks() {
        let sym = LayerSymbology::new(
            &layer(
                "fill = \"#c0392b\"\nmarker = \"square\"\nmarker_size = 5\nlegend = \"Sites\"\n",
            ),
            Kind::Point,
        );
        let entry = sym.legend().unwrap();
        assert_eq!(entry.kind, SwatchKind::Square);
        assert_eq!(entry.style, sym.resolve(None));
        assert_eq!(entry.marker_radius, 5.0);
        assert_eq!(sym.marker_radius(None), 5.0);
        assert!(sym.shared_style().is_some());
        assert!(LayerSymbology::new(&layer(""), Kind::Area)
            .legend()
            .is_none());
    }
}
