//! The thin frames that set a composite projection's insets (Alaska and Hawaii in
//! `albers-usa`) apart from the mainland, as d3-composite-projections' composition borders:
//! each inset's box, drawn over the data and cut to the map frame.

use crate::color::Paint;
use crate::geom::clip_line;
use crate::projection::{Fit, Projection};
use crate::scene::{Group, Node, PathData, Shape, ShapeGeometry, Style};

/// The id and class of the group holding the frames.
pub const INSET_FRAMES: &str = "inset-frames";

/// The frames round the insets of `projection` in the map `frame` (`[x, y, w, h]`), or
/// `None` when the projection has no insets or none reaches the frame.
pub(super) fn inset_frames(projection: &Projection, fit: &Fit, frame: [f64; 4]) -> Option<Node> {
    let composite = projection.composite()?;
    let [fx, fy, fw, fh] = frame;
    let clip = [fx, fy, fx + fw, fy + fh];
    let mut d = PathData::new();
    for [x0, y0, x1, y1] in composite.inset_boxes() {
        let ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]].map(|m| fit.to_pixel(m));
        for piece in clip_line(&ring, clip) {
            d.polyline(&piece, false);
        }
    }
    if d.is_empty() {
        return None;
    }
    let style = Style {
        stroke: Paint::rgb(0x99, 0x99, 0x99),
        stroke_width: 0.75,
        round: false,
        ..Style::default()
    };
    let shape = Shape::new(INSET_FRAMES, ShapeGeometry::Path(d.finish()));
    Some(Node::Group(
        Group::named(INSET_FRAMES, INSET_FRAMES, vec![Node::Shape(shape)])
            .with_label("Frames round the Alaska and Hawaii insets")
            .with_style(style),
    ))
}
