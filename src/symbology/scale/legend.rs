//! Legend blocks made from fitted scales: classes with their formatted ranges, a ramp
//! with ticks, categories, and the missing-data row, each swatch drawn with the colour the
//! marks get from the same scale.

use super::{ColorScale, Fit, NumberScale, Position};
use crate::color::Paint;
use crate::scene::Style;
use crate::spec::number_format::{Decimal, NumberFormat};
use crate::symbology::legend::{LegendBlock, LegendBody, Swatch, SwatchKind};

/// How a legend block's swatches and numbers look.
pub struct BlockStyle<'a> {
    pub title: Option<String>,
    /// The layer's legend number format; `None` writes numbers in up to 12 significant
    /// digits with thousands grouped (`,.12~r`), which shows the breaks as the data
    /// writes them and hides floating-point tails (`0.11599999999999999` → `0.116`).
    pub format: Option<&'a NumberFormat>,
    /// The legend table's `missing_label`, over the encoding's own.
    pub missing_label: Option<&'a str>,
    pub kind: SwatchKind,
    /// The layer's style, each swatch's starting point.
    pub base: &'a Style,
}

impl BlockStyle<'_> {
    /// `v` as the legend writes it.
    pub fn number(&self, v: f64) -> String {
        if v.is_infinite() {
            return if v > 0.0 {
                "∞".into()
            } else {
                "−∞".into()
            };
        }
        let default;
        let format = match self.format {
            Some(f) => f,
            None => match NumberFormat::parse(",.12~r") {
                Ok(f) => {
                    default = f;
                    &default
                }
                Err(_) => return format!("{v}"),
            },
        };
        match Decimal::parse(&format!("{v}")) {
            Some(d) => format.format(&d),
            None => format!("{v}"),
        }
    }

    fn swatch(&self, text: String, style: Style) -> Swatch {
        Swatch {
            text,
            kind: self.kind,
            style,
        }
    }
}

/// Which paint of the swatch a colour scale sets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Painted {
    Fill,
    Stroke,
}

/// The legend block of a colour scale.
pub fn color_block(scale: &ColorScale, s: &BlockStyle, painted: Painted) -> LegendBlock {
    let paint = |p: Paint, hatch: Option<Paint>| {
        let mut style = s.base.clone();
        match painted {
            Painted::Fill => style.fill = p,
            Painted::Stroke => style.stroke = p,
        }
        style.hatch = hatch;
        style
    };
    let f = &scale.fitted;
    let missing = (f.missing + f.unusable + f.nonpositive > 0).then(|| {
        s.swatch(
            s.missing_label.unwrap_or(&scale.missing.label).to_string(),
            paint(scale.missing.fill, scale.missing.hatch),
        )
    });
    let positions = slot_positions(&scale.fitted.fit);
    let swatches = |texts: Vec<String>| -> Vec<Swatch> {
        texts
            .into_iter()
            .zip(&positions)
            .map(|(t, p)| s.swatch(t, paint(Paint::Color(scale.color_at(*p)), None)))
            .chain(missing.clone())
            .collect()
    };
    let body = match &scale.fitted.fit {
        Fit::Classes { bins, lowest } => LegendBody::Classes {
            swatches: swatches(class_texts(bins, *lowest, s)),
        },
        Fit::Categories { values } => LegendBody::Categories {
            swatches: swatches(values.clone()),
        },
        Fit::Continuous(c) => {
            let ticks = c
                .ticks()
                .into_iter()
                .map(|v| (c.t(v), s.number(v)))
                .collect();
            return LegendBlock {
                title: s.title.clone(),
                body: LegendBody::Ramp {
                    stops: scale.stops(),
                    ticks,
                },
                missing,
            };
        }
    };
    LegendBlock {
        title: s.title.clone(),
        body,
        missing: None,
    }
}

/// The legend block of an opacity scale: the layer's swatch at each class's opacity (a
/// continuous one at five round values).
pub fn opacity_block(scale: &NumberScale, s: &BlockStyle) -> LegendBlock {
    let at = |p: Position| {
        let mut style = s.base.clone();
        style.opacity = scale.value_at(p);
        style
    };
    let swatches: Vec<Swatch> = match &scale.fitted.fit {
        Fit::Classes { bins, lowest } => class_texts(bins, *lowest, s)
            .into_iter()
            .zip(slot_positions(&scale.fitted.fit))
            .map(|(t, p)| s.swatch(t, at(p)))
            .collect(),
        Fit::Categories { values } => values
            .iter()
            .zip(slot_positions(&scale.fitted.fit))
            .map(|(t, p)| s.swatch(t.clone(), at(p)))
            .collect(),
        Fit::Continuous(c) => c
            .ticks()
            .into_iter()
            .map(|v| s.swatch(s.number(v), at(Position::T(c.t(v)))))
            .collect(),
    };
    LegendBlock {
        title: s.title.clone(),
        body: LegendBody::Classes { swatches },
        missing: None,
    }
}

/// The position of each class or category, in order.
fn slot_positions(fit: &Fit) -> Vec<Position> {
    match fit {
        Fit::Classes { bins, .. } => (0..bins.len()).map(Position::Class).collect(),
        Fit::Categories { values } => (0..values.len()).map(Position::Category).collect(),
        Fit::Continuous(_) => Vec::new(),
    }
}

/// Each class's range, `low – high` (the high bound belongs to the class): threshold
/// classes open at the ends read `≤ b` and `> b`.
fn class_texts(bins: &[f64], lowest: f64, s: &BlockStyle) -> Vec<String> {
    let mut out = Vec::with_capacity(bins.len());
    let mut low = lowest;
    for (i, &high) in bins.iter().enumerate() {
        let text = if low == f64::NEG_INFINITY {
            format!("≤ {}", s.number(high))
        } else if high == f64::INFINITY {
            format!("> {}", s.number(low))
        } else if i == 0 || low == high {
            format!("{} – {}", s.number(low.min(high)), s.number(high))
        } else {
            format!("{} – {}", s.number(low), s.number(high))
        };
        out.push(text);
        low = high;
    }
    out
}
