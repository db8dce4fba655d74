//! A layer's proportional symbols as rules: the `marker_size` rule and the legend block,
//! both from one [`SizeSymbols`] fitted to the layer's features.

use super::rules::{LayerSymbology, Rule};
use super::size::SizeSymbols;
use crate::scene::MarkerKind;
use crate::sources::Feature;
use crate::spec::{Layer, SizeEncoding};
use std::sync::Arc;

impl LayerSymbology {
    /// Makes the layer's symbols proportional to `enc` fitted to `features`: circles whose
    /// radius comes from the fitted scale ([`super::size`]), their legend block, and the
    /// fit's warnings.
    pub(super) fn fit_size(&mut self, l: &Layer, enc: &SizeEncoding, features: &[&Feature]) {
        let size = Arc::new(SizeSymbols::fit(enc, features));
        let scale = Arc::clone(&size);
        self.marker = Some(MarkerKind::Circle);
        self.marker_size = Rule::Mapped {
            map: Arc::new(move |f: &Feature| scale.radius(f).unwrap_or(0.0)),
            fallback: enc.max,
        };
        // Its own title, else the layer's legend title unless a colour block has it.
        let title = enc.title.clone().or_else(|| {
            if self.legend_blocks.is_empty() {
                l.legend.clone()
            } else {
                None
            }
        });
        let title = title.or_else(|| Some(enc.by.clone()));
        self.legend_blocks.extend(size.legend_block(
            title,
            self.resolve(None),
            l.legend_style.format.as_ref(),
        ));
        self.warnings.extend(size.warnings(&l.id));
        self.size = Some(size);
    }
}
