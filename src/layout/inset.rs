//! The locator inset: a small map of the surroundings in the map's own projection, so it
//! agrees with the main map exactly.

use super::furniture::{INK, WHITE};
use crate::color::Paint;
use crate::geom::BoxPx;
use crate::geom::{Flat, Pt};
use crate::projection::Fit;
use crate::scene::{Group, Node, PathData, Shape, ShapeGeometry, Style};

/// Projected box `[minx, miny, maxx, maxy]` the inset shows: the main map's frame grown
/// `factor` times around its centre.
/// The narrowest locator inset drawn: a smaller one shows nothing (it is left out, with a
/// warning).
pub const MIN_WIDTH: f64 = 60.0;

pub fn inset_extent(fit: &Fit, frame: BoxPx, factor: f64) -> [f64; 4] {
    let a = fit.to_projected([frame.x0, frame.y1]);
    let b = fit.to_projected([frame.x1, frame.y0]);
    let (cx, cy) = ((a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0);
    let (hw, hh) = ((b[0] - a[0]) / 2.0 * factor, (b[1] - a[1]) / 2.0 * factor);
    [cx - hw, cy - hh, cx + hw, cy + hh]
}

/// One polygon layer as the inset draws it: its features in projected metres and its style.
pub struct InsetLayer<'a> {
    pub features: Vec<&'a Flat>,
    pub style: Style,
}

/// The inset: the layers redrawn small inside `b`, with the main map's frame as a rectangle.
pub fn locator(
    layers: &[InsetLayer],
    extent: [f64; 4],
    main_fit: &Fit,
    main_frame: BoxPx,
    b: BoxPx,
) -> Node {
    let fit = Fit::new(extent, [b.x0, b.y0, b.width(), b.height()], 0.0);
    let clip = [b.x0 - 4.0, b.y0 - 4.0, b.x1 + 4.0, b.y1 + 4.0];
    let rect = ShapeGeometry::Rect {
        x: b.x0,
        y: b.y0,
        w: b.width(),
        h: b.height(),
        rx: 0.0,
    };
    let mut children = vec![Node::Shape(
        Shape::new("inset-background", rect.clone()).with_style(Style {
            fill: WHITE,
            ..Style::default()
        }),
    )];
    for l in layers {
        let mut d = PathData::new();
        for f in &l.features {
            let px = crate::projection::to_pixels(f, &fit, clip);
            for poly in &px.polygons {
                for ring in poly {
                    d.polyline(&ring[..ring.len() - 1], true);
                }
            }
        }
        if !d.is_empty() {
            children.push(Node::Shape(Shape::path("inset-layer", d).with_style(
                Style {
                    stroke_width: (l.style.stroke_width * 0.5).min(0.6),
                    ..l.style.clone()
                },
            )));
        }
    }
    // The main map's frame, in the inset's pixels.
    let corners: Vec<Pt> = [
        [main_frame.x0, main_frame.y0],
        [main_frame.x1, main_frame.y0],
        [main_frame.x1, main_frame.y1],
        [main_frame.x0, main_frame.y1],
        [main_frame.x0, main_frame.y0],
    ]
    .iter()
    .map(|p| fit.to_pixel(main_fit.to_projected(*p)))
    .collect();
    let mut d = PathData::new();
    d.polyline(&corners[..4], true);
    children.push(Node::Shape(Shape::path("inset-extent", d).with_style(
        Style {
            stroke: Paint::rgb(0xb0, 0x28, 0x1a),
            stroke_width: 1.5,
            round: false,
            ..Style::default()
        },
    )));
    let border = Node::Shape(Shape::new("inset-border", rect).with_style(Style {
        stroke: INK,
        stroke_width: 0.8,
        round: false,
        ..Style::default()
    }));
    let clipped = Group {
        clip: Some("inset-clip".into()),
        children,
        ..Group::default()
    };
    let inset = Group::named("inset", "inset", vec![Node::Group(clipped), border])
        .with_label("Locator map: the red rectangle shows the area of the main map");
    Node::Group(inset)
}
