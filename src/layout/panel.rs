//! The map panel every stage after projection lays out into (features, furniture,
//! callouts, labels): one value instead of the same four arguments to each.

use crate::geom::BoxPx;
use crate::prepare::preclip::Preclip;
use crate::projection::{Fit, Projection};
use crate::spec::Spec;

/// The map panel every stage after projection lays out into: the spec, how lon/lat
/// geometry is clipped and projected, and the fitted frame.
pub struct MapPanel<'a> {
    pub spec: &'a Spec,
    pub preclip: &'a Preclip<'a>,
    /// Projected metres → pixels of the frame.
    pub fit: &'a Fit,
    /// The map frame, `[x, y, w, h]` in pixels.
    pub frame: [f64; 4],
}

impl MapPanel<'_> {
    pub fn projection(&self) -> &Projection {
        self.preclip.projection
    }

    pub fn frame_box(&self) -> BoxPx {
        let [x, y, w, h] = self.frame;
        BoxPx::new(x, y, x + w, y + h)
    }
}
