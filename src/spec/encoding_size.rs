//! A layer's `size` (parsed with the other encodings in [`super::encoding`]) draws its
//! features as circles: checks of what it cannot be combined with.

use super::reader::Table;
use super::validate::Validator;

impl Validator<'_> {
    /// A layer with `size` draws its features as circles: it cannot draw shared borders
    /// (`lines`, `border_with`) instead, which belong to no one feature.
    pub(super) fn check_size_draws_features(&mut self, l: &Table, layer: &super::Layer) {
        if layer.size.is_some() && layer.geometry != super::LayerGeometry::Features {
            let key = ["lines", "border_with"]
                .into_iter()
                .find_map(|k| l.key_span(k))
                .unwrap_or_else(|| l.span.clone());
            self.problem(
                key,
                "a layer with `size` draws each feature as a circle; it cannot draw `lines` or `border_with` (make a second layer of the same source for those)",
            );
        }
    }
}
