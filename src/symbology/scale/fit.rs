//! A layer's rules fitted to its features: each channel the spec maps from data (`fill`,
//! `stroke`, `opacity` as tables) becomes a [`Rule::Mapped`] reading one fitted scale,
//! and the layer's legend blocks are made from those same scales.

use super::legend::{color_block, opacity_block, BlockStyle, Painted};
use super::{ColorScale, NumberScale};
use crate::error::{Error, Result};
use crate::sources::Feature;
use crate::spec::{Encoding, Layer};
use crate::symbology::rules::{Kind, LayerSymbology, Rule};
use std::sync::Arc;

impl LayerSymbology {
    /// The rules of layer `l` holding `features` (those left after its filter) of `kind`:
    /// [`LayerSymbology::new`]'s, with each mapped channel fitted to the features' values.
    /// An error (exit 1) when the data cannot take a scale (text in a numeric scale with
    /// no number at all, a value at or below 0 in a log scale, more categories than
    /// colours).
    pub fn fit(l: &Layer, kind: Kind, features: &[&Feature]) -> Result<LayerSymbology> {
        let mut sym = LayerSymbology::new(l, kind);
        if l.fill_by.is_none() && l.stroke_by.is_none() && l.opacity_by.is_none() {
            return Ok(sym);
        }
        let base = sym.resolve(None);
        let kind = sym.swatch_kind();
        let fail = |channel: &str, e: &Encoding, message: String| {
            Error::data(
                &l.source,
                format!("layer {:?}, {channel} by {:?}", l.id, e.by),
                message,
            )
        };
        let mut titled = false;
        let mut style = |e: &Encoding| {
            // The legend's title heads the first block; later ones are named by property.
            let title = if titled {
                Some(e.by.clone())
            } else {
                l.legend.clone()
            };
            titled = true;
            BlockStyle {
                title,
                format: None,
                kind,
                base: &base,
            }
        };
        if let Some(e) = &l.fill_by {
            let scale = Arc::new(ColorScale::fit(e, features).map_err(|m| fail("fill", e, m))?);
            sym.warnings.extend(scale.fitted.warnings(&l.id, "fill"));
            sym.legend_blocks
                .push(color_block(&scale, &style(e), Painted::Fill));
            if let Some(hatch) = scale.missing.hatch {
                let s = scale.clone();
                sym.hatch = Rule::Mapped {
                    map: Arc::new(move |f| s.color(f).is_none().then_some(hatch)),
                    fallback: None,
                };
            }
            let fallback = scale.missing.fill;
            sym.fill = Rule::Mapped {
                map: Arc::new(move |f| scale.paint(f)),
                fallback,
            };
        }
        if let Some(e) = &l.stroke_by {
            let scale = Arc::new(ColorScale::fit(e, features).map_err(|m| fail("stroke", e, m))?);
            sym.warnings.extend(scale.fitted.warnings(&l.id, "stroke"));
            sym.legend_blocks
                .push(color_block(&scale, &style(e), Painted::Stroke));
            let fallback = scale.missing.fill;
            sym.stroke = Rule::Mapped {
                map: Arc::new(move |f| scale.paint(f)),
                fallback,
            };
        }
        if let Some(e) = &l.opacity_by {
            let scale = Arc::new(NumberScale::fit(e, features).map_err(|m| fail("opacity", e, m))?);
            sym.warnings.extend(scale.fitted.warnings(&l.id, "opacity"));
            sym.legend_blocks.push(opacity_block(&scale, &style(e)));
            // Missing values keep the layer fully opaque: their colour says they are missing.
            sym.opacity = Rule::Mapped {
                map: Arc::new(move |f| scale.value(f).unwrap_or(1.0)),
                fallback: 1.0,
            };
        }
        Ok(sym)
    }
}
