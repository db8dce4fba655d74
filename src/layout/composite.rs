//! The thin frames that set a composite projection's insets (Alaska and Hawaii in
//! `albers-usa`) apart from the mainland, as d3-composite-projections' composition borders:
//! each inset's box, drawn over the data and cut to the map frame.

use super::occupied::{Occupied, What};
use crate::color::Paint;
use crate::geom::{clip_line, BoxPx};
use crate::projection::{Fit, Projection};
use crate::scene::{Group, Node, PathData, Shape, ShapeGeometry, Style};

/// The id and class of the group holding the frames.
pub const INSET_FRAMES: &str = "inset-frames";

/// The frames round the insets of `projection` in the map `frame` (`[x, y, w, h]`), or
/// `None` when the projection has no insets or none reaches the frame.
pub(super) fn inset_frames(projection: &Projection, fit: &Fit, frame: [f64; 4]) -> Option<Node> {
    let [fx, fy, fw, fh] = frame;
    let clip = [fx, fy, fx + fw, fy + fh];
    let mut d = PathData::new();
    for b in inset_boxes(projection, fit) {
        let ring = [
            [b.x0, b.y0],
            [b.x1, b.y0],
            [b.x1, b.y1],
            [b.x0, b.y1],
            [b.x0, b.y0],
        ];
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

/// The insets' boxes in pixels (none for a projection without insets): furniture keeps
/// out of them, since each belongs to its inset's map.
pub(super) fn inset_boxes(projection: &Projection, fit: &Fit) -> Vec<BoxPx> {
    let Some(composite) = projection.composite() else {
        return Vec::new();
    };
    composite
        .inset_boxes()
        .iter()
        .map(|&[x0, y0, x1, y1]| {
            let (a, b) = (fit.to_pixel([x0, y1]), fit.to_pixel([x1, y0]));
            BoxPx::new(a[0], a[1], b[0], b[1])
        })
        .collect()
}

/// Registers the insets' frames with the collision index: labels and their leaders stay on
/// one side of a frame (a label of Hawaii inside its inset, of Texas outside it).
pub(super) fn occupy_inset_frames(projection: &Projection, fit: &Fit, occupied: &mut Occupied) {
    for b in inset_boxes(projection, fit) {
        let corners = [
            [b.x0, b.y0],
            [b.x1, b.y0],
            [b.x1, b.y1],
            [b.x0, b.y1],
            [b.x0, b.y0],
        ];
        for w in corners.windows(2) {
            occupied.add_segment(w[0], w[1], What::Furniture);
        }
    }
}
