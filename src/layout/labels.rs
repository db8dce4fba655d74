//! Label placement: candidates per feature, a collision index shared with every other
//! element on the map, and a report of what could not be placed. A label is dropped rather
//! than drawn over anything.

use super::occupied::{Occupied, What};
use super::polygon_index::{pole_of_inaccessibility, PolygonIndex};
use crate::color::Paint;
use crate::geom::BoxPx;
use crate::geom::{polygon_area, Pt, Ring};
use crate::text::{fonts, shape_line, ShapedLine};

/// Size of a block of text lines: width, and the box's top/bottom relative to the first
/// baseline (`top` negative).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextMetrics {
    pub width: f64,
    pub top: f64,
    pub bottom: f64,
    pub line_height: f64,
}

/// Measures lines with the bundled font. The box covers cap height to descender, plus the
/// halo, so two boxes that do not touch never show touching glyphs.
pub fn measure(lines: &[String], size: f64, bold: bool, italic: bool, halo: f64) -> TextMetrics {
    let face = fonts::current().select(bold, italic);
    let shaped: Vec<ShapedLine> = lines
        .iter()
        .map(|l| shape_line(l, size, face, 0.0))
        .collect();
    measure_shaped(&shaped, size, bold, halo)
}

/// [`measure`] for lines already shaped at `size`: the width is their widest glyph
/// advances (letter spacing left out), the height the upright face's of that weight.
pub fn measure_shaped(lines: &[ShapedLine], size: f64, bold: bool, halo: f64) -> TextMetrics {
    let width = lines.iter().map(|l| l.advance_width).fold(0.0, f64::max);
    let (ascent, descent) = fonts::ascent_descent(size, bold);
    // Cap height to descender suits Latin; a line in another script (Arabic's tall letters
    // and low tails, Devanagari's head line and vowel signs) gets at least its glyphs' ink.
    let (mut above, mut below) = (ascent * 0.78, descent * 0.85);
    if let (Some(first), Some(last)) = (lines.first(), lines.last()) {
        if first.uses_fallback() {
            above = above.max(first.ink_extent().0);
        }
        if last.uses_fallback() {
            below = below.max(last.ink_extent().1);
        }
    }
    let line_height = (size * 1.2).round();
    TextMetrics {
        width: width + 2.0 * halo,
        top: -above - halo,
        bottom: below + (lines.len().saturating_sub(1)) as f64 * line_height + halo,
        line_height,
    }
}

/// What a label belongs to.
#[derive(Debug, Clone)]
pub enum Target {
    /// The polygon to label, in pixels (its largest part, cut to the frame); `whole` when
    /// none of it lies outside the frame.
    Polygon {
        rings: Vec<Ring>,
        whole: bool,
    },
    /// A marker at a point with this radius.
    Point(Pt, f64),
    Line(Ring),
}

#[derive(Debug, Clone)]
pub struct Request {
    pub layer: String,
    pub feature: String,
    pub lines: Vec<String>,
    pub size: f64,
    pub bold: bool,
    pub color: Paint,
    pub required: bool,
    pub priority: f64,
    pub target: Target,
    /// Letter spacing in pixels (used for uppercase country names).
    pub letter_spacing: f64,
    /// A small polygon may be labelled outside, with a leader line.
    pub leader: bool,
}

#[derive(Debug, Clone)]
pub struct Placed {
    pub request: usize,
    /// Centre of the text block's box.
    pub center: Pt,
    pub size: f64,
    pub bbox: BoxPx,
    pub metrics: TextMetrics,
    /// The label's lines, shaped at `size` with its letter spacing: the glyphs measured
    /// for `bbox`, handed to the scene to draw.
    pub lines: Vec<ShapedLine>,
    /// Leader line from the feature to the label.
    pub leader: Option<(Pt, Pt)>,
    /// Rotation in degrees (clockwise) about `center`, for labels that follow a line.
    pub rotate: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Dropped {
    pub layer: String,
    pub feature: String,
    pub text: String,
    pub required: bool,
}

pub const HALO: f64 = 1.5;

/// Places labels in priority order, each avoiding `occupied` and staying in `frame`; placed
/// labels join `occupied`.
pub fn place(
    requests: &[Request],
    frame: BoxPx,
    occupied: &mut Occupied,
) -> (Vec<Placed>, Vec<Dropped>) {
    let mut order: Vec<usize> = (0..requests.len()).collect();
    // Areas once each, not once per comparison.
    let weight: Vec<f64> = requests
        .iter()
        .map(|r| match &r.target {
            Target::Polygon { rings, .. } => polygon_area(rings),
            Target::Point(..) | Target::Line(_) => 0.0,
        })
        .collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (&requests[a], &requests[b]);
        rb.required
            .cmp(&ra.required)
            .then(rb.priority.total_cmp(&ra.priority))
            .then(weight[b].total_cmp(&weight[a]))
            .then(a.cmp(&b))
    });
    let inner = frame.inflate(-2.0);
    let mut placed = Vec::new();
    let mut dropped = Vec::new();
    for i in order {
        let r = &requests[i];
        match place_one(i, r, inner, occupied) {
            Some(p) => {
                occupied.add_as(p.bbox, What::Label);
                if let Some((a, b)) = p.leader {
                    occupied.add_segment(a, b, What::Leader);
                }
                placed.push(p);
            }
            None => dropped.push(Dropped {
                layer: r.layer.clone(),
                feature: r.feature.clone(),
                text: r.lines.join(" "),
                required: r.required,
            }),
        }
    }
    (placed, dropped)
}

fn place_one(index: usize, r: &Request, frame: BoxPx, occupied: &Occupied) -> Option<Placed> {
    // A polygon's edges indexed once: every inside test and distance below is logarithmic.
    let polygon = match &r.target {
        Target::Polygon { rings, .. } => Some((PolygonIndex::new(rings), pole(rings))),
        Target::Point(..) | Target::Line(_) => None,
    };
    let face = fonts::current().select(r.bold, false);
    for size in [r.size, (r.size * 0.85).max(6.0)] {
        let lines: Vec<ShapedLine> = r
            .lines
            .iter()
            .map(|l| shape_line(l, size, face, r.letter_spacing))
            .collect();
        let m = measure_shaped(&lines, size, r.bold, HALO);
        let m = TextMetrics {
            width: m.width
                + r.letter_spacing * lines.iter().map(|l| l.chars).max().unwrap_or(0) as f64,
            ..m
        };
        let (w, h) = (m.width, m.bottom - m.top);
        let ok = |b: &BoxPx| b.inside(&frame) && !occupied.collides(b);
        let make = |c: Pt, leader: Option<(Pt, Pt)>| Placed {
            request: index,
            center: c,
            size,
            bbox: BoxPx::centered(c, w, h),
            metrics: m,
            lines: lines.clone(),
            leader,
            rotate: 0.0,
        };
        match &r.target {
            Target::Polygon { rings: poly, whole } => {
                let Some((edges, anchor)) = &polygon else {
                    continue;
                };
                let anchor = *anchor;
                let offsets = inside_offsets(w, h);
                // 1. Fully inside the polygon.
                for (dx, dy) in &offsets {
                    let c = [anchor[0] + dx, anchor[1] + dy];
                    let b = BoxPx::centered(c, w, h);
                    if ok(&b) && b.corners_and_mids().iter().all(|p| edges.contains(*p)) {
                        return Some(make(c, None));
                    }
                }
                // 2. Small polygon: outside, with a leader line (not for polygons cut by the
                // frame: a leader into the frame's edge would point at nothing visible).
                if r.leader && *whole && polygon_area(poly) < 6.0 * w * h {
                    let d = edges.edge_distance(anchor).min(30.0);
                    for c in around(anchor, w, h, &[d + 10.0, d + 24.0, d + 42.0, d + 64.0]) {
                        let b = BoxPx::centered(c, w, h);
                        let end = b.nearest(anchor);
                        if ok(&b) && !occupied.segment_collides(anchor, end) {
                            return Some(make(c, Some((anchor, end))));
                        }
                    }
                }
                // 3. Centred on the feature, spilling over its edge.
                for (dx, dy) in &offsets {
                    let c = [anchor[0] + dx, anchor[1] + dy];
                    if edges.contains(c) && ok(&BoxPx::centered(c, w, h)) {
                        return Some(make(c, None));
                    }
                }
            }
            Target::Point(p, radius) => {
                for c in around(*p, w, h, &[radius + 2.0]) {
                    if ok(&BoxPx::centered(c, w, h)) {
                        return Some(make(c, None));
                    }
                }
            }
            Target::Line(line) => {
                // Along the line where a stretch of it is straight enough, else level.
                for t in [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8] {
                    let Some((mid, angle)) = straight_stretch(line, t, w + 8.0, h * 0.3) else {
                        continue;
                    };
                    let (sin, cos) = angle.to_radians().sin_cos();
                    for side in [1.0, -1.0] {
                        let off = side * (h / 2.0 + 3.0);
                        let c = [mid[0] + sin * off, mid[1] - cos * off];
                        let b = rotated_bounds(c, w, h, angle);
                        if ok(&b) {
                            return Some(Placed {
                                bbox: b,
                                rotate: angle,
                                ..make(c, None)
                            });
                        }
                    }
                }
                for t in [0.5, 0.4, 0.6, 0.3, 0.7] {
                    let Some(mid) = point_along(line, t) else {
                        continue;
                    };
                    for dy in [-(h / 2.0 + 4.0), h / 2.0 + 4.0] {
                        let c = [mid[0], mid[1] + dy];
                        if ok(&BoxPx::centered(c, w, h)) {
                            return Some(make(c, None));
                        }
                    }
                }
            }
        }
    }
    None
}

fn inside_offsets(w: f64, h: f64) -> Vec<(f64, f64)> {
    let mut v = Vec::new();
    for dy in [0.0, -0.6, 0.6, -1.2, 1.2, -1.8, 1.8] {
        for dx in [0.0, -0.3, 0.3, -0.6, 0.6] {
            v.push((dx * w, dy * h));
        }
    }
    v
}

/// Centres of a w×h box placed around `p` at each gap (distance from p to the box's edge),
/// in the cartographic order of preference: right, left, upper right, upper left, lower
/// right, lower left, above, below.
fn around(p: Pt, w: f64, h: f64, gaps: &[f64]) -> Vec<Pt> {
    let mut v = Vec::new();
    for &g in gaps {
        let d = g * std::f64::consts::FRAC_1_SQRT_2;
        v.extend([
            [p[0] + g + w / 2.0, p[1]],
            [p[0] - g - w / 2.0, p[1]],
            [p[0] + d + w / 2.0, p[1] - d - h / 2.0],
            [p[0] - d - w / 2.0, p[1] - d - h / 2.0],
            [p[0] + d + w / 2.0, p[1] + d + h / 2.0],
            [p[0] - d - w / 2.0, p[1] + d + h / 2.0],
            [p[0], p[1] - g - h / 2.0],
            [p[0], p[1] + g + h / 2.0],
        ]);
    }
    v
}

/// Where the stretch of `line` of length `len` centred at share `t` of its length deviates
/// less than `tolerance` from its chord: the stretch's middle and the chord's angle in
/// degrees, turned to read left to right.
pub fn straight_stretch(line: &[Pt], t: f64, len: f64, tolerance: f64) -> Option<(Pt, f64)> {
    let seg = crate::geom::distance;
    let total = crate::geom::length(line);
    let (from, to) = (total * t - len / 2.0, total * t + len / 2.0);
    if from < 0.0 || to > total {
        return None;
    }
    let a = point_along(line, from / total)?;
    let b = point_along(line, to / total)?;
    // Vertices strictly inside the stretch.
    let mut inner = Vec::new();
    let mut at = 0.0;
    for w in line.windows(2) {
        at += seg(w[0], w[1]);
        if at > from && at < to {
            inner.push(w[1]);
        }
    }
    if inner
        .iter()
        .any(|p| crate::geom::segment_distance(*p, a, b) > tolerance)
    {
        return None;
    }
    let mut angle = (b[1] - a[1]).atan2(b[0] - a[0]).to_degrees();
    if angle > 90.0 {
        angle -= 180.0;
    } else if angle <= -90.0 {
        angle += 180.0;
    }
    Some(([(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0], angle))
}

/// The axis-aligned bounds of a w×h box centred on `c` and rotated by `angle` degrees.
pub fn rotated_bounds(c: Pt, w: f64, h: f64, angle: f64) -> BoxPx {
    let (s, co) = angle.to_radians().sin_cos();
    let hw = (w / 2.0 * co).abs() + (h / 2.0 * s).abs();
    let hh = (w / 2.0 * s).abs() + (h / 2.0 * co).abs();
    BoxPx::new(c[0] - hw, c[1] - hh, c[0] + hw, c[1] + hh)
}

/// The pole of inaccessibility (the interior point farthest from the edges); the mean of
/// the exterior's vertices for a polygon without area.
pub fn pole(poly: &[Ring]) -> Pt {
    if let Some(p) = pole_of_inaccessibility(poly, 0.5) {
        return p;
    }
    let Some(ext) = poly.first() else {
        return [0.0, 0.0];
    };
    let n = ext.len().max(1) as f64;
    [
        ext.iter().map(|p| p[0]).sum::<f64>() / n,
        ext.iter().map(|p| p[1]).sum::<f64>() / n,
    ]
}

/// The point at share `t` of a polyline's length.
pub fn point_along(line: &[Pt], t: f64) -> Option<Pt> {
    let len = crate::geom::distance;
    let total = crate::geom::length(line);
    if line.is_empty() || total == 0.0 {
        return line.first().copied();
    }
    let mut want = total * t;
    for w in line.windows(2) {
        let l = len(w[0], w[1]);
        if want <= l && l > 0.0 {
            let f = want / l;
            return Some([
                w[0][0] + f * (w[1][0] - w[0][0]),
                w[0][1] + f * (w[1][1] - w[0][1]),
            ]);
        }
        want -= l;
    }
    line.last().copied()
}

#[cfg(test)]
mod tests;
