//! Map furniture: scale bar, north arrow, and choosing a corner for each piece (legends
//! too, drawn in `legend.rs`) that covers as little of the data as possible.

use super::labels::measure;
use crate::color::Paint;
use crate::geom::BoxPx;
use crate::geom::{contains, Bounds, Pt, Ring};
use crate::projection::{Fit, Projection};
use crate::scene::{Group, Node, PathData, Shape, ShapeGeometry, Style, Text, TextAnchor};
use geo::{Distance, Geodesic, Point};

pub const INK: Paint = Paint::Color(crate::color::Rgba::rgb(0x22, 0x22, 0x22));
pub const MUTED: Paint = Paint::Color(crate::color::Rgba::rgb(0x59, 0x59, 0x59));
pub const WHITE: Paint = Paint::Color(crate::color::Rgba::rgb(0xff, 0xff, 0xff));

/// A corner of the map frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corner {
    BottomLeft,
    BottomRight,
    TopLeft,
    TopRight,
}

pub const CORNERS: [Corner; 4] = [
    Corner::BottomLeft,
    Corner::BottomRight,
    Corner::TopLeft,
    Corner::TopRight,
];

/// The box of size w×h in `corner` of `frame`, inset by `inset`.
pub fn corner_box(frame: BoxPx, corner: Corner, w: f64, h: f64, inset: f64) -> BoxPx {
    let (x0, y0) = match corner {
        Corner::BottomLeft => (frame.x0 + inset, frame.y1 - inset - h),
        Corner::BottomRight => (frame.x1 - inset - w, frame.y1 - inset - h),
        Corner::TopLeft => (frame.x0 + inset, frame.y0 + inset),
        Corner::TopRight => (frame.x1 - inset - w, frame.y0 + inset),
    };
    BoxPx::new(x0, y0, x0 + w, y0 + h)
}

/// Polygons and lines (in pixels) that furniture should avoid covering.
pub struct DataMask {
    polygons: Vec<(BoxPx, Vec<Ring>)>,
    /// Points every few pixels along the lines.
    line_points: Vec<Pt>,
}

impl DataMask {
    pub fn new(polygons: Vec<Vec<Ring>>, lines: &[Ring]) -> Self {
        let mut line_points = Vec::new();
        for l in lines {
            for w in l.windows(2) {
                let len = crate::geom::distance(w[0], w[1]);
                let n = (len / 4.0).ceil().max(1.0) as usize;
                for i in 0..n {
                    let t = i as f64 / n as f64;
                    line_points.push([
                        w[0][0] + t * (w[1][0] - w[0][0]),
                        w[0][1] + t * (w[1][1] - w[0][1]),
                    ]);
                }
            }
        }
        DataMask {
            line_points,
            polygons: polygons
                .into_iter()
                .filter_map(|p| {
                    let ext = p.first()?;
                    let mut b = Bounds::default();
                    b.add_all(ext);
                    let [x0, y0, x1, y1] = b.get()?;
                    Some((BoxPx::new(x0, y0, x1, y1), p))
                })
                .collect(),
        }
    }

    /// Share of a 6×6 grid of sample points in `b` that fall on data, plus a penalty for
    /// every few pixels of line inside `b`.
    pub fn coverage(&self, b: &BoxPx) -> f64 {
        let line_hits = self
            .line_points
            .iter()
            .filter(|p| p[0] >= b.x0 && p[0] <= b.x1 && p[1] >= b.y0 && p[1] <= b.y1)
            .count();
        let mut hits = 0;
        for i in 0..6 {
            for j in 0..6 {
                let p: Pt = [
                    b.x0 + (f64::from(i) + 0.5) / 6.0 * b.width(),
                    b.y0 + (f64::from(j) + 0.5) / 6.0 * b.height(),
                ];
                if self.polygons.iter().any(|(bb, poly)| {
                    p[0] >= bb.x0
                        && p[0] <= bb.x1
                        && p[1] >= bb.y0
                        && p[1] <= bb.y1
                        && contains(poly, p)
                }) {
                    hits += 1;
                }
            }
        }
        f64::from(hits) / 36.0 + line_hits as f64 * 0.05
    }

    /// The free corner whose box covers the least data (ties go to the earlier corner);
    /// `None` when the box does not fit inside the frame or every corner is taken.
    pub fn best_corner(&self, frame: BoxPx, w: f64, h: f64, taken: &[BoxPx]) -> Option<BoxPx> {
        CORNERS
            .iter()
            .map(|&c| corner_box(frame, c, w, h, 10.0))
            .filter(|b| b.inside(&frame))
            .filter(|b| !taken.iter().any(|t| t.inflate(4.0).intersects(b)))
            .map(|b| (self.coverage(&b), b))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, b)| b)
    }
}

/// The white, lightly outlined panel under a piece of furniture.
pub(super) fn panel_rect(b: BoxPx) -> Node {
    let rect = ShapeGeometry::Rect {
        x: b.x0,
        y: b.y0,
        w: b.width(),
        h: b.height(),
        rx: 2.0,
    };
    Node::Shape(Shape::new("furniture-background", rect).with_style(Style {
        fill: WHITE,
        fill_opacity: 0.88,
        stroke: Paint::rgb(0xbb, 0xbb, 0xbb),
        stroke_width: 0.6,
        ..Style::default()
    }))
}

pub fn label_text(text: &str, x: f64, y: f64, size: f64, anchor: TextAnchor, fill: Paint) -> Text {
    Text {
        id: None,
        class: None,
        x,
        y,
        lines: vec![text.to_string()],
        size,
        bold: false,
        italic: false,
        fill,
        halo: None,
        anchor,
        line_height: size * 1.2,
        letter_spacing: 0.0,
        rotate: 0.0,
        shaped: Vec::new(),
    }
}

/// A unit of length for scale bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Km,
    Mi,
}

impl Unit {
    pub fn metres(self) -> f64 {
        match self {
            Unit::Km => 1000.0,
            Unit::Mi => 1609.344,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Unit::Km => "km",
            Unit::Mi => "mi",
        }
    }
}

/// A scale bar true at the map centre, measured geodesically along its own (horizontal)
/// direction.
#[derive(Debug, Clone, PartialEq)]
pub struct ScaleBar {
    /// Length in `unit` (a round number: 1, 2 or 5 times a power of ten).
    pub length: f64,
    pub unit: Unit,
    /// Length in pixels.
    pub pixels: f64,
}

/// Ground metres per pixel along a horizontal 100 px span centred on `centre`.
pub fn metres_per_pixel(projection: &Projection, fit: &Fit, centre: Pt) -> Option<f64> {
    let a = fit.to_projected([centre[0] - 50.0, centre[1]]);
    let b = fit.to_projected([centre[0] + 50.0, centre[1]]);
    let la = projection.inverse(a[0], a[1])?;
    let lb = projection.inverse(b[0], b[1])?;
    let metres = Geodesic.distance(Point::new(la[0], la[1]), Point::new(lb[0], lb[1]));
    (metres.is_finite() && metres > 0.0).then_some(metres / 100.0)
}

/// Picks a round length no longer than `target_px` pixels for a horizontal bar at the
/// frame centre. `None` when the projection cannot measure the ground there, or no bar of
/// at least a metre and a few pixels fits: no bar rather than one that reads 0 or lies.
pub fn scale_bar(
    projection: &Projection,
    fit: &Fit,
    centre: Pt,
    target_px: f64,
    unit: Unit,
) -> Option<ScaleBar> {
    let units_per_px = metres_per_pixel(projection, fit, centre)? / unit.metres();
    let target = target_px * units_per_px;
    if !(target.is_finite() && target > 0.0 && units_per_px > 0.0) {
        return None;
    }
    let magnitude = 10f64.powf(target.log10().floor());
    let length = [5.0, 2.0, 1.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|v| *v <= target)
        .unwrap_or(magnitude);
    let pixels = length / units_per_px;
    let sensible = length.is_finite()
        && length * unit.metres() >= MIN_BAR_METRES
        && pixels.is_finite()
        && (MIN_BAR_PX..=target_px.max(MIN_BAR_PX)).contains(&pixels);
    sensible.then_some(ScaleBar {
        length,
        unit,
        pixels,
    })
}

/// The shortest ground length a scale bar shows (its labels go down to 1 m).
const MIN_BAR_METRES: f64 = 1.0;
/// A bar shorter than this cannot be read.
const MIN_BAR_PX: f64 = 8.0;

/// The unit a bar of `length` (in `unit`) is labelled in: metres below a kilometre, so a
/// short bar reads "200 m", not "0.2 km". Returns the factor from `unit` and the name.
fn display_unit(length: f64, unit: Unit) -> (f64, &'static str) {
    match unit {
        Unit::Km if length < 1.0 => (1000.0, "m"),
        _ => (1.0, unit.name()),
    }
}

/// A length for a label: whole numbers with thousands separators, fractions to three
/// significant digits, so no length above zero ever prints as 0.
fn format_number(v: f64) -> String {
    if v >= 1.0 && v.fract() == 0.0 && v < 1e15 {
        return crate::layout::template::thousands(&format!("{}", v as i64));
    }
    let decimals = (2.0 - v.abs().log10().floor()).clamp(0.0, 15.0) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn format_length(length: f64, unit: Unit) -> String {
    let (factor, name) = display_unit(length, unit);
    format!("{} {name}", format_number(length * factor))
}

const BAR_ROW: f64 = 26.0;

pub fn scale_bar_size(bars: &[ScaleBar]) -> (f64, f64) {
    let w = bars
        .iter()
        .map(|b| {
            b.pixels
                + measure(&[format_length(b.length, b.unit)], 10.5, false, false, 0.0).width / 2.0
                + 24.0
        })
        .fold(0.0, f64::max);
    (w, 8.0 + BAR_ROW * bars.len() as f64)
}

pub fn scale_bar_node(bars: &[ScaleBar], b: BoxPx) -> Node {
    let mut children = vec![panel_rect(b)];
    let mut labels = Vec::new();
    for (i, bar) in bars.iter().enumerate() {
        let x0 = b.x0 + 10.0;
        let y = b.y0 + 4.0 + BAR_ROW * (i as f64 + 1.0);
        let x1 = x0 + bar.pixels;
        let mut d = PathData::new();
        d.polyline(&[[x0, y - 5.0], [x0, y], [x1, y], [x1, y - 5.0]], false);
        d.polyline(&[[(x0 + x1) / 2.0, y], [(x0 + x1) / 2.0, y - 3.5]], false);
        let full = format_length(bar.length, bar.unit);
        // The half mark in the unit of the full length ("250" of "500 m").
        let (factor, _) = display_unit(bar.length, bar.unit);
        let half = format_number(bar.length / 2.0 * factor);
        let class = format!("scale-bar-{}", bar.unit.name());
        children.push(Node::Shape(Shape::path(&class, d).with_style(Style {
            stroke: INK,
            stroke_width: 1.2,
            round: false,
            ..Style::default()
        })));
        children.push(Node::Text(label_text(
            "0",
            x0,
            y - 8.0,
            10.5,
            TextAnchor::Middle,
            INK,
        )));
        children.push(Node::Text(label_text(
            &half,
            (x0 + x1) / 2.0,
            y - 8.0,
            10.5,
            TextAnchor::Middle,
            INK,
        )));
        children.push(Node::Text(label_text(
            &full,
            x1,
            y - 8.0,
            10.5,
            TextAnchor::Middle,
            INK,
        )));
        labels.push(full);
    }
    let label = format!("Scale bar: {} (true at the map centre)", labels.join(", "));
    Node::Group(Group::named("scale-bar", "scale-bar", children).with_label(label))
}

/// Angle of true north at pixel `p`, in degrees clockwise from straight up.
pub fn north_angle(projection: &Projection, fit: &Fit, p: Pt) -> Option<f64> {
    let m = fit.to_projected(p);
    let ll = projection.inverse(m[0], m[1])?;
    let lat2 = (ll[1] + 0.05).min(89.999);
    let up = projection.forward(ll[0], lat2)?;
    let q = fit.to_pixel(up);
    let (dx, dy) = (q[0] - p[0], q[1] - p[1]);
    (dx != 0.0 || dy != 0.0).then(|| dx.atan2(-dy).to_degrees())
}

pub const NORTH_SIZE: (f64, f64) = (30.0, 46.0);

pub fn north_arrow(angle: f64, b: BoxPx) -> Node {
    let c = [b.center()[0], b.y0 + 26.0];
    let rot = |p: Pt| -> Pt {
        let (s, co) = angle.to_radians().sin_cos();
        [c[0] + p[0] * co - p[1] * s, c[1] + p[0] * s + p[1] * co]
    };
    let mut left = PathData::new();
    left.polyline(
        &[
            rot([0.0, -14.0]),
            rot([-6.0, 8.0]),
            rot([0.0, 4.0]),
            rot([0.0, -14.0]),
        ],
        true,
    );
    let mut right = PathData::new();
    right.polyline(
        &[
            rot([0.0, -14.0]),
            rot([6.0, 8.0]),
            rot([0.0, 4.0]),
            rot([0.0, -14.0]),
        ],
        true,
    );
    let n_pos = rot([0.0, -17.0]);
    let children = vec![
        Node::Shape(Shape {
            id: None,
            class: None,
            label: None,
            geometry: ShapeGeometry::Path(left.finish()),
            style: Some(Style {
                fill: INK,
                stroke: INK,
                stroke_width: 0.8,
                ..Style::default()
            }),
        }),
        Node::Shape(Shape {
            id: None,
            class: None,
            label: None,
            geometry: ShapeGeometry::Path(right.finish()),
            style: Some(Style {
                fill: WHITE,
                stroke: INK,
                stroke_width: 0.8,
                ..Style::default()
            }),
        }),
        Node::Text(Text {
            bold: true,
            halo: Some((WHITE, 2.5)),
            ..label_text("N", n_pos[0], n_pos[1] - 1.0, 11.0, TextAnchor::Middle, INK)
        }),
    ];
    let label = format!("North arrow, {angle:.1}° from vertical");
    Node::Group(Group::named("north-arrow", "north-arrow", children).with_label(label))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_bar_is_round_and_true_at_the_centre() {
        let p = Projection::auto([60.0, 29.0, 75.0, 39.0]).unwrap();
        let bounds_a = p.forward(60.0, 29.0).unwrap();
        let bounds_b = p.forward(75.0, 39.0).unwrap();
        let fit = Fit::new(
            [bounds_a[0], bounds_a[1], bounds_b[0], bounds_b[1]],
            [0.0, 0.0, 1000.0, 800.0],
            0.0,
        );
        let bar = scale_bar(&p, &fit, [500.0, 400.0], 150.0, Unit::Km).unwrap();
        let first = bar.length / 10f64.powf(bar.length.log10().floor());
        assert!(
            [1.0, 2.0, 5.0].iter().any(|m| (m - first).abs() < 1e-9),
            "{bar:?}"
        );
        assert!(bar.pixels <= 150.0 && bar.pixels > 150.0 / 2.6, "{bar:?}");
        let miles = scale_bar(&p, &fit, [500.0, 400.0], 150.0, Unit::Mi).unwrap();
        let ratio = (miles.length * 1609.344 / miles.pixels) / (bar.length * 1000.0 / bar.pixels);
        assert!(
            (ratio - 1.0).abs() < 1e-9,
            "same ground scale in both units"
        );
        assert_eq!(format_length(0.5, Unit::Mi), "0.5 mi");
        assert_eq!(format_length(1000.0, Unit::Km), "1,000 km");
        assert_eq!(format_length(0.2, Unit::Km), "200 m");
        assert_eq!(format_length(0.001, Unit::Km), "1 m");
        assert_eq!(format_length(0.002, Unit::Mi), "0.002 mi");
        assert_eq!(format_number(0.00025), "0.00025");
        assert_eq!(format_number(2.5), "2.5");
    }

    #[test]
    fn north_points_up_on_the_central_meridian() {
        let p = Projection::parse("+proj=lcc +lat_1=30 +lat_2=37 +lat_0=33 +lon_0=68 +datum=WGS84")
            .unwrap();
        let a = p.forward(60.0, 29.0).unwrap();
        let b = p.forward(76.0, 39.0).unwrap();
        let fit = Fit::new([a[0], a[1], b[0], b[1]], [0.0, 0.0, 1000.0, 800.0], 0.0);
        let on_meridian = fit.to_pixel(p.forward(68.0, 34.0).unwrap());
        assert!(north_angle(&p, &fit, on_meridian).unwrap().abs() < 0.01);
        let east = fit.to_pixel(p.forward(75.0, 34.0).unwrap());
        // East of the central meridian, meridians lean west toward the pole.
        assert!(north_angle(&p, &fit, east).unwrap() < -1.0);
    }
}
