//! The parts of a legend panel, each measured and drawn at a given top-left point: the
//! rows of constant layers, and the blocks of scales (classes, ramp, categories, nested
//! circles, the missing-data row), vertical or horizontal.

use super::furniture::{label_text, INK};
use super::labels::measure;
use crate::color::{Paint, Rgba};
use crate::scene::{Node, PathData, Shape, ShapeGeometry, Style, Text, TextAnchor};
use crate::spec::LegendDirection;
use crate::symbology::legend::{LegendBlock, LegendBody, LegendEntry, Swatch, SwatchKind, NO_DATA};

pub(super) const LEGEND_SIZE: f64 = 11.5;
pub(super) const LEGEND_ROW: f64 = 19.0;
/// Swatch width and height.
const SW: (f64, f64) = (18.0, 12.0);
/// From a row's left edge to its text.
pub(super) const TEXT_X: f64 = 26.0;
const TITLE_H: f64 = 19.0;
/// Between the rows of constant layers side by side.
const ROW_GAP: f64 = 16.0;
/// A ramp's length along its axis and its thickness.
const RAMP_LEN: (f64, f64) = (150.0, 12.0);
/// Smallest width of a horizontal class cell.
const CELL_MIN: f64 = 40.0;
/// Gap between a body and its missing-data entry (horizontal), and between labels of
/// nested circles.
const GAP: f64 = 12.0;

pub(super) fn text_width(s: &str, bold: bool) -> f64 {
    measure(&[s.to_string()], LEGEND_SIZE, bold, false, 0.0).width
}

/// One part of a legend panel.
#[derive(Debug, Clone)]
pub(super) enum Part {
    /// The rows of constant layers, one under another (or side by side).
    Rows(Vec<LegendEntry>, LegendDirection),
    Block(LegendBlock, LegendDirection),
}

impl Part {
    /// Width and height of the part.
    pub(super) fn size(&self) -> (f64, f64) {
        match self {
            Part::Rows(rows, LegendDirection::Horizontal) => {
                let w: f64 = rows
                    .iter()
                    .map(|e| TEXT_X + text_width(&e.text, false))
                    .sum();
                let gaps = ROW_GAP * rows.len().saturating_sub(1) as f64;
                (w + gaps, LEGEND_ROW)
            }
            Part::Rows(rows, LegendDirection::Vertical) => {
                let w = rows
                    .iter()
                    .map(|e| text_width(&e.text, false))
                    .fold(0.0, f64::max);
                (TEXT_X + w, rows.len() as f64 * LEGEND_ROW)
            }
            Part::Block(b, dir) => {
                let (tw, th) = match &b.title {
                    Some(t) => (text_width(t, true), TITLE_H),
                    None => (0.0, 0.0),
                };
                let (bw, bh) = body_size(b, *dir);
                (tw.max(bw), th + bh)
            }
        }
    }

    /// Draws the part with its top-left corner at `(x, y)`.
    pub(super) fn draw(&self, x: f64, y: f64, out: &mut Vec<Node>) {
        match self {
            Part::Rows(rows, dir) => {
                let (mut left, mut top) = (x, y);
                for e in rows {
                    let r = e.marker_radius.min(6.0);
                    out.push(swatch_node(e.kind, &e.style, left, top + 3.0, r));
                    out.push(text(&e.text, left + TEXT_X, top + 13.0, TextAnchor::Start));
                    match dir {
                        LegendDirection::Vertical => top += LEGEND_ROW,
                        LegendDirection::Horizontal => {
                            left += TEXT_X + text_width(&e.text, false) + ROW_GAP;
                        }
                    }
                }
            }
            Part::Block(b, dir) => {
                let mut top = y;
                if let Some(t) = &b.title {
                    out.push(Node::Text(Text {
                        bold: true,
                        ..label_text(t, x, y + 12.0, LEGEND_SIZE, TextAnchor::Start, INK)
                    }));
                    top += TITLE_H;
                }
                draw_body(b, *dir, x, top, out);
            }
        }
    }

    /// Cuts the part's texts (with an ellipsis) so it is at most `max_width` wide,
    /// pushing the full text of each one cut to `cut`.
    pub(super) fn fit(&mut self, max_width: f64, cut: &mut Vec<String>) {
        let mut fit = |t: &mut String, room: f64, bold: bool| {
            let (fitted, was_cut) = super::fit::fit_line(t, room.max(0.0), LEGEND_SIZE, bold);
            if was_cut {
                cut.push(std::mem::replace(t, fitted));
            }
        };
        let rows_room = max_width - TEXT_X;
        let (b, dir) = match self {
            Part::Rows(rows, dir) => {
                let room = match dir {
                    LegendDirection::Vertical => rows_room,
                    LegendDirection::Horizontal => {
                        (max_width + ROW_GAP) / rows.len().max(1) as f64 - ROW_GAP - TEXT_X
                    }
                };
                rows.iter_mut().for_each(|e| fit(&mut e.text, room, false));
                return;
            }
            Part::Block(b, dir) => (b, *dir),
        };
        let horizontal = dir == LegendDirection::Horizontal;
        if let Some(t) = &mut b.title {
            fit(t, max_width, true);
        }
        match &mut b.body {
            LegendBody::Classes { swatches } | LegendBody::Categories { swatches } => {
                let room = if horizontal {
                    max_width / swatches.len().max(1) as f64 - 8.0
                } else {
                    rows_room
                };
                swatches
                    .iter_mut()
                    .for_each(|s| fit(&mut s.text, room, false));
            }
            LegendBody::Ramp { ticks, .. } => {
                let room = if horizontal {
                    RAMP_LEN.0 / ticks.len().max(1) as f64
                } else {
                    max_width - RAMP_LEN.1 - 8.0
                };
                ticks.iter_mut().for_each(|(_, t)| fit(t, room, false));
            }
            LegendBody::Circles { circles, .. } => {
                let room = max_width - 2.0 * max_radius(circles) - GAP;
                circles.iter_mut().for_each(|(_, t)| fit(t, room, false));
            }
        }
        if let Some(m) = &mut b.missing {
            let room = if horizontal {
                max_width / 3.0
            } else {
                max_width
            };
            fit(&mut m.text, room - TEXT_X, false);
        }
    }
}

/// The largest radius of nested circles (0 for none, never NaN).
fn max_radius(circles: &[(f64, String)]) -> f64 {
    circles
        .iter()
        .map(|c| c.0)
        .filter(|r| r.is_finite() && *r > 0.0)
        .fold(0.0, f64::max)
}

/// Width and height of a block's body and its missing-data entry.
fn body_size(b: &LegendBlock, dir: LegendDirection) -> (f64, f64) {
    let (w, h) = bare_size(b, dir);
    let missing = b
        .missing
        .as_ref()
        .map(|m| TEXT_X + text_width(&m.text, false));
    match (missing, dir == LegendDirection::Horizontal) {
        (Some(mw), true) => (w + GAP + mw, h.max(LEGEND_ROW)),
        (Some(mw), false) => (w.max(mw), h + LEGEND_ROW),
        (None, _) => (w, h),
    }
}

/// Width and height of a block's body alone.
fn bare_size(b: &LegendBlock, dir: LegendDirection) -> (f64, f64) {
    let widest = |texts: &mut dyn Iterator<Item = &String>| {
        texts.map(|t| text_width(t, false)).fold(0.0, f64::max)
    };
    let horizontal = dir == LegendDirection::Horizontal;
    match &b.body {
        LegendBody::Classes { swatches } | LegendBody::Categories { swatches } if horizontal => {
            let cell = cell_width(swatches);
            let apart = if missing_last(swatches) { GAP } else { 0.0 };
            (cell * swatches.len() as f64 + apart, SW.1 + 18.0)
        }
        LegendBody::Classes { swatches } | LegendBody::Categories { swatches } => (
            TEXT_X + widest(&mut swatches.iter().map(|s| &s.text)),
            swatches.len() as f64 * LEGEND_ROW,
        ),
        LegendBody::Ramp { ticks, .. } if horizontal => {
            let (left, right) = ramp_overhang(ticks);
            (left + RAMP_LEN.0 + right, RAMP_LEN.1 + 20.0)
        }
        LegendBody::Ramp { ticks, .. } => (
            RAMP_LEN.1 + 10.0 + widest(&mut ticks.iter().map(|t| &t.1)),
            RAMP_LEN.0 + 10.0,
        ),
        LegendBody::Circles { circles, .. } => {
            let r = max_radius(circles);
            let labels = circle_labels(circles, 0.0);
            let bottom = labels.last().map_or(0.0, |l| l.1 + 4.0);
            (
                2.0 * r + GAP + widest(&mut circles.iter().map(|c| &c.1)),
                (2.0 * r + 8.0).max(bottom),
            )
        }
    }
}

/// Width of each cell of horizontal classes: room for the widest text.
fn cell_width(swatches: &[Swatch]) -> f64 {
    let widest = swatches
        .iter()
        .map(|s| text_width(&s.text, false))
        .fold(0.0, f64::max);
    (widest + 8.0).max(CELL_MIN)
}

/// Is the last swatch the missing-data one (hatched, or "No data"), which stands apart
/// from the classes in a row?
fn missing_last(swatches: &[Swatch]) -> bool {
    swatches.len() > 1
        && swatches
            .last()
            .is_some_and(|s| s.style.hatch.is_some() || s.text == NO_DATA)
}

/// How far the first and last tick labels of a horizontal ramp reach past its ends.
fn ramp_overhang(ticks: &[(f64, String)]) -> (f64, f64) {
    let mut left: f64 = 0.0;
    let mut right: f64 = 0.0;
    for (t, s) in ticks {
        let half = text_width(s, false) / 2.0;
        let at = t.clamp(0.0, 1.0) * RAMP_LEN.0;
        left = left.max(half - at);
        right = right.max(half - (RAMP_LEN.0 - at));
    }
    (left, right)
}

/// Where each nested circle's value is written: `(circle top, label baseline)`, largest
/// circle first, with the circles' common bottom at `bottom` and each label at least a
/// line below the one before.
fn circle_labels(circles: &[(f64, String)], top: f64) -> Vec<(f64, f64)> {
    let r_max = max_radius(circles);
    let bottom = top + 4.0 + 2.0 * r_max;
    let mut last = f64::NEG_INFINITY;
    sorted_circles(circles)
        .iter()
        .map(|(r, _)| {
            let circle_top = bottom - 2.0 * r;
            let baseline = (circle_top + 4.0).max(last + GAP);
            last = baseline;
            (circle_top, baseline)
        })
        .collect()
}

/// The drawable circles, largest first (drawn first, so smaller ones stay in front).
fn sorted_circles(circles: &[(f64, String)]) -> Vec<&(f64, String)> {
    let mut v: Vec<&(f64, String)> = circles
        .iter()
        .filter(|c| c.0.is_finite() && c.0 > 0.0)
        .collect();
    v.sort_by(|a, b| b.0.total_cmp(&a.0));
    v
}

fn draw_body(b: &LegendBlock, dir: LegendDirection, x: f64, y: f64, out: &mut Vec<Node>) {
    let horizontal = dir == LegendDirection::Horizontal;
    let (w, h) = bare_size(b, dir);
    match &b.body {
        LegendBody::Classes { swatches } | LegendBody::Categories { swatches } if horizontal => {
            let cell = cell_width(swatches);
            let contiguous = matches!(b.body, LegendBody::Classes { .. });
            let apart = missing_last(swatches);
            for (i, s) in swatches.iter().enumerate() {
                let gap = if apart && i + 1 == swatches.len() {
                    GAP
                } else {
                    0.0
                };
                let cx = x + (i as f64 + 0.5) * cell + gap;
                let (sx, sw) = match (contiguous, s.kind) {
                    (true, SwatchKind::Area) => (cx - cell / 2.0, cell),
                    _ => (cx - SW.0 / 2.0, SW.0),
                };
                out.push(swatch_node_sized(s.kind, &s.style, sx, y, sw, 5.0));
                out.push(text(&s.text, cx, y + SW.1 + 14.0, TextAnchor::Middle));
            }
        }
        LegendBody::Classes { swatches } | LegendBody::Categories { swatches } => {
            for (i, s) in swatches.iter().enumerate() {
                let top = y + i as f64 * LEGEND_ROW;
                out.push(swatch_node(s.kind, &s.style, x, top + 3.0, 5.0));
                out.push(text(&s.text, x + TEXT_X, top + 13.0, TextAnchor::Start));
            }
        }
        LegendBody::Ramp { stops, ticks } => draw_ramp(stops, ticks, horizontal, x, y, out),
        LegendBody::Circles { circles, style } => {
            let r_max = max_radius(circles);
            let cx = x + r_max;
            let bottom = y + 4.0 + 2.0 * r_max;
            let labels = circle_labels(circles, y);
            let mut ticks = PathData::new();
            for ((r, value), (circle_top, baseline)) in sorted_circles(circles).iter().zip(&labels)
            {
                let circle = ShapeGeometry::Circle {
                    cx,
                    cy: bottom - r,
                    r: *r,
                };
                out.push(Node::Shape(
                    Shape::new("legend-circle", circle).with_style(style.clone()),
                ));
                let end = x + 2.0 * r_max + GAP - 4.0;
                ticks.polyline(&[[cx, *circle_top], [end, *circle_top]], false);
                if (baseline - 4.0 - circle_top).abs() > 0.5 {
                    ticks.polyline(&[[end, *circle_top], [end + 2.0, baseline - 4.0]], false);
                }
                out.push(text(
                    value,
                    x + 2.0 * r_max + GAP,
                    *baseline,
                    TextAnchor::Start,
                ));
            }
            push_ticks(ticks, out);
        }
    }
    if let Some(m) = &b.missing {
        let (mx, my) = if horizontal {
            (x + w + GAP, y)
        } else {
            (x, y + h)
        };
        out.push(swatch_node(m.kind, &m.style, mx, my + 3.0, 5.0));
        out.push(text(&m.text, mx + TEXT_X, my + 13.0, TextAnchor::Start));
    }
}

/// The tick marks of a ramp or of nested circles, one path, unless there are none.
fn push_ticks(marks: PathData, out: &mut Vec<Node>) {
    if marks.is_empty() {
        return;
    }
    let style = Style {
        stroke: INK,
        stroke_width: 0.8,
        round: false,
        ..Style::default()
    };
    out.push(Node::Shape(
        Shape::path("legend-tick", marks).with_style(style),
    ));
}

/// The colour at `t` of a ramp through `stops` (sorted by t): linear in sRGB between
/// neighbouring stops, the end colours beyond them.
pub(super) fn ramp_color(stops: &[(f64, Rgba)], t: f64) -> Option<Rgba> {
    let first = stops.first()?;
    let last = stops.last()?;
    if t <= first.0 {
        return Some(first.1);
    }
    if t >= last.0 {
        return Some(last.1);
    }
    let i = stops.partition_point(|s| s.0 <= t);
    let (a, b) = (stops.get(i.checked_sub(1)?)?, stops.get(i)?);
    let span = b.0 - a.0;
    let u = if span > 0.0 { (t - a.0) / span } else { 0.0 };
    let mix = |p: u8, q: u8| (f64::from(p) + u * (f64::from(q) - f64::from(p))).round() as u8;
    Some(Rgba {
        r: mix(a.1.r, b.1.r),
        g: mix(a.1.g, b.1.g),
        b: mix(a.1.b, b.1.b),
        a: mix(a.1.a, b.1.a),
    })
}

/// Strips of the ramp this many pixels long: colour steps no eye sees, in the same
/// rectangles for every output.
const STRIP: f64 = 2.0;

fn draw_ramp(
    stops: &[(f64, Rgba)],
    ticks: &[(f64, String)],
    horizontal: bool,
    x: f64,
    y: f64,
    out: &mut Vec<Node>,
) {
    let mut stops: Vec<(f64, Rgba)> = stops.iter().copied().filter(|s| s.0.is_finite()).collect();
    stops.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (len, thick) = RAMP_LEN;
    let (left, _) = ramp_overhang(ticks);
    // Along the ramp from t = 0: rightwards, or upwards from the bottom.
    let (x0, y0) = if horizontal {
        (x + left, y)
    } else {
        (x, y + 5.0)
    };
    let at = |t: f64| -> (f64, f64) {
        if horizontal {
            (x0 + t * len, y0)
        } else {
            (x0, y0 + (1.0 - t) * len)
        }
    };
    let n = (len / STRIP) as usize;
    for k in 0..n {
        let t = (k as f64 + 0.5) / n as f64;
        let Some(c) = ramp_color(&stops, t) else {
            break;
        };
        let from = k as f64 * STRIP;
        // Each strip reaches half a pixel into the next, so no seam shows between them.
        let reach = if k + 1 < n { STRIP + 0.5 } else { STRIP };
        let rect = if horizontal {
            ShapeGeometry::Rect {
                x: x0 + from,
                y: y0,
                w: reach,
                h: thick,
                rx: 0.0,
            }
        } else {
            let y1 = y0 + len - from;
            ShapeGeometry::Rect {
                x: x0,
                y: y1 - reach,
                w: thick,
                h: reach,
                rx: 0.0,
            }
        };
        out.push(Node::Shape(Shape::new("legend-ramp", rect).with_style(
            Style {
                fill: Paint::Color(Rgba { a: 255, ..c }),
                fill_opacity: c.alpha(),
                ..Style::default()
            },
        )));
    }
    let mut marks = PathData::new();
    for (t, label) in ticks {
        if !t.is_finite() {
            continue;
        }
        let (px, py) = at(t.clamp(0.0, 1.0));
        if horizontal {
            marks.polyline(&[[px, py + thick], [px, py + thick + 4.0]], false);
            out.push(text(label, px, py + thick + 16.0, TextAnchor::Middle));
        } else {
            marks.polyline(&[[px + thick, py], [px + thick + 4.0, py]], false);
            out.push(text(label, px + thick + 8.0, py + 4.0, TextAnchor::Start));
        }
    }
    push_ticks(marks, out);
}

fn text(s: &str, x: f64, y: f64, anchor: TextAnchor) -> Node {
    Node::Text(label_text(s, x, y, LEGEND_SIZE, anchor, INK))
}

/// A swatch of `kind` in the 18×12 box at `(x, y)`; points of radius `r`.
fn swatch_node(kind: SwatchKind, style: &Style, x: f64, y: f64, r: f64) -> Node {
    swatch_node_sized(kind, style, x, y, SW.0, r)
}

fn swatch_node_sized(kind: SwatchKind, style: &Style, x: f64, y: f64, w: f64, r: f64) -> Node {
    let (cx, cy) = (x + w / 2.0, y + SW.1 / 2.0);
    let geometry = match kind {
        SwatchKind::Area => ShapeGeometry::Rect {
            x,
            y,
            w,
            h: SW.1,
            rx: 0.0,
        },
        SwatchKind::Line => {
            let mut d = PathData::new();
            d.polyline(&[[x, cy], [x + w, cy]], false);
            ShapeGeometry::Path(d.finish())
        }
        SwatchKind::Point => ShapeGeometry::Circle { cx, cy, r },
        SwatchKind::Square => ShapeGeometry::Rect {
            x: cx - r,
            y: cy - r,
            w: 2.0 * r,
            h: 2.0 * r,
            rx: 0.0,
        },
    };
    Node::Shape(Shape::new("legend-swatch", geometry).with_style(style.clone()))
}
