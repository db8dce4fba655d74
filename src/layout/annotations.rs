//! Callouts (boxed text with a leader line to a point) and stat badges (a big number, a
//! caption, an optional unit bar) for the side panel.

use super::fit::{fit_line, preview, wrap_cut};
use super::furniture::{label_text, INK, MUTED, WHITE};
use super::labels::measure;
use super::occupied::{Occupied, What};
use super::template::wrap;
use crate::color::Paint;
use crate::geom::BoxPx;
use crate::geom::Pt;
use crate::scene::{Group, Node, PathData, Shape, ShapeGeometry, Style, Text, TextAnchor};

const PAD: f64 = 6.0;
const TITLE_SIZE: f64 = 12.5;
const BODY_SIZE: f64 = 11.5;
const MAX_TEXT_WIDTH: f64 = 200.0;

/// A callout's text, measured.
pub struct CalloutText {
    pub title: Option<Vec<String>>,
    pub body: Vec<String>,
    pub w: f64,
    pub h: f64,
}

pub fn callout_text(title: Option<&str>, body: &str) -> CalloutText {
    let title = title.map(|t| wrap(t, MAX_TEXT_WIDTH, TITLE_SIZE, true, false));
    let body = wrap(body, MAX_TEXT_WIDTH, BODY_SIZE, false, false);
    measured(title, body)
}

/// A callout's text shrunk for a small map frame: wrapped to fit half of `frame`'s width
/// and cut (with an ellipsis) to fit half its height, the title to one line. `None` when
/// not even one line of it fits; the flag says whether anything was cut.
pub fn callout_text_within(
    title: Option<&str>,
    body: &str,
    frame: BoxPx,
) -> Option<(CalloutText, bool)> {
    let width = ((frame.width() - 8.0) / 2.0 - 2.0 * PAD).min(MAX_TEXT_WIDTH);
    let height = (frame.height() - 8.0) / 2.0;
    if width < 10.0 {
        return None;
    }
    let title = title.map(|t| wrap_cut(t, width, 1, TITLE_SIZE, true, false));
    let title_h = title.as_ref().map_or(0.0, |_| 16.0);
    let room = ((height - 2.0 * PAD + 1.0 - title_h) / 15.0).floor();
    if room < 1.0 {
        return None;
    }
    let (body, body_cut) = wrap_cut(body, width, room as usize, BODY_SIZE, false, false);
    let cut = body_cut || title.as_ref().is_some_and(|t| t.1);
    Some((measured(title.map(|t| t.0), body), cut))
}

fn measured(title: Option<Vec<String>>, body: Vec<String>) -> CalloutText {
    let tm = title
        .as_ref()
        .map(|t| measure(t, TITLE_SIZE, true, false, 0.0));
    let bm = measure(&body, BODY_SIZE, false, false, 0.0);
    let w = tm.map_or(0.0, |m| m.width).max(bm.width) + 2.0 * PAD;
    let title_h = title.as_ref().map_or(0.0, |t| t.len() as f64 * 16.0);
    let h = title_h + body.len() as f64 * 15.0 + 2.0 * PAD - 1.0;
    CalloutText { title, body, w, h }
}

/// Why a callout found no place.
#[derive(Debug)]
pub struct Unplaced {
    pub why: String,
    /// Only the frame's edge, furniture or other callouts were in the way: the page is
    /// too small for everything the spec asks (rather than the data too crowded).
    pub page: bool,
}

/// Finds a place for a callout box beside `p`: at `offset` (box centre relative to p) when
/// given, else the first free spot around it, nearest first, whose box covers nothing and
/// whose leader crosses nothing (the marker at `p` itself aside). When none is free, the
/// error says what was in the way.
pub fn place_callout(
    p: Pt,
    t: &CalloutText,
    offset: Option<[f64; 2]>,
    frame: BoxPx,
    occupied: &Occupied,
) -> Result<BoxPx, Unplaced> {
    let inner = frame.inflate(-4.0);
    if let Some([dx, dy]) = offset {
        let b = BoxPx::centered([p[0] + dx, p[1] + dy], t.w, t.h);
        return if b.inside(&inner) {
            Ok(b)
        } else {
            Err(Unplaced {
                why: format!(
                    "its `offset` [{dx}, {dy}] puts its {:.0}×{:.0} px box outside the map frame",
                    t.w, t.h
                ),
                page: true,
            })
        };
    }
    let (w, h) = (t.w, t.h);
    let mut outside = 0usize;
    let mut tried = 0usize;
    let mut in_the_way = Vec::new();
    for gap in [28.0, 48.0, 72.0, 100.0, 140.0] {
        let d = gap * std::f64::consts::FRAC_1_SQRT_2;
        // Diagonals first (a callout reads best off to one side), then level, then
        // straight above and below.
        let centres = [
            [p[0] + d + w / 2.0, p[1] - d - h / 2.0],
            [p[0] - d - w / 2.0, p[1] - d - h / 2.0],
            [p[0] + gap + w / 2.0, p[1]],
            [p[0] - gap - w / 2.0, p[1]],
            [p[0] + d + w / 2.0, p[1] + d + h / 2.0],
            [p[0] - d - w / 2.0, p[1] + d + h / 2.0],
            [p[0], p[1] - gap - h / 2.0],
            [p[0], p[1] + gap + h / 2.0],
        ];
        for c in centres {
            tried += 1;
            let b = BoxPx::centered(c, w, h);
            if !b.inside(&inner) {
                outside += 1;
                continue;
            }
            let mut blocked = occupied.blockers(&b.inflate(2.0));
            blocked.extend(occupied.segment_blockers(p, b.nearest(p), true));
            if blocked.is_empty() {
                return Ok(b);
            }
            in_the_way.extend(blocked);
        }
    }
    in_the_way.sort();
    in_the_way.dedup();
    // The spec's own furniture and callouts crowd a small frame; markers and arrowheads
    // are the data, which the map must not hide.
    let page = in_the_way
        .iter()
        .all(|w| matches!(w, What::Furniture | What::Callout | What::Leader));
    let mut reasons: Vec<String> = in_the_way.iter().map(|w| w.name().to_string()).collect();
    if outside > 0 {
        reasons.push(format!("the frame's edge ({outside} of {tried} places)"));
    }
    Err(Unplaced {
        why: format!(
            "no place beside its point at ({:.0}, {:.0}) px fits its {:.0}×{:.0} px box; in the way: {}",
            p[0],
            p[1],
            w,
            h,
            reasons.join(", ")
        ),
        page,
    })
}

pub fn callout_node(id: String, p: Pt, t: &CalloutText, b: BoxPx, color: Paint) -> Node {
    let mut leader = PathData::new();
    leader.polyline(&[p, b.nearest(p)], false);
    let frame = ShapeGeometry::Rect {
        x: b.x0,
        y: b.y0,
        w: b.width(),
        h: b.height(),
        rx: 2.0,
    };
    let point = ShapeGeometry::Circle {
        cx: p[0],
        cy: p[1],
        r: 3.0,
    };
    let mut children = vec![
        Node::Shape(Shape::path("leader", leader).with_style(Style {
            stroke: color,
            stroke_width: 1.0,
            ..Style::default()
        })),
        Node::Shape(Shape::new("callout-box", frame).with_style(Style {
            fill: WHITE,
            fill_opacity: 0.94,
            stroke: color,
            stroke_width: 0.8,
            ..Style::default()
        })),
        Node::Shape(Shape::new("callout-point", point).with_style(Style {
            fill: color,
            stroke: WHITE,
            stroke_width: 1.2,
            ..Style::default()
        })),
    ];
    let mut y = b.y0 + PAD + 11.0;
    let mut all = Vec::new();
    if let Some(title) = &t.title {
        for line in title {
            children.push(Node::Text(Text {
                bold: true,
                ..label_text(line, b.x0 + PAD, y, TITLE_SIZE, TextAnchor::Start, color)
            }));
            all.push(line.clone());
            y += 16.0;
        }
    }
    children.push(Node::Text(Text {
        lines: t.body.clone(),
        line_height: 15.0,
        ..label_text("", b.x0 + PAD, y, BODY_SIZE, TextAnchor::Start, INK)
    }));
    all.extend(t.body.iter().cloned());
    Node::Group(Group::named(&id, "callout", children).with_label(all.join(" ")))
}

/// A badge, with its numbers already resolved.
#[derive(Debug, Clone)]
pub struct BadgeContent {
    pub value: String,
    pub total: Option<String>,
    pub caption: String,
    pub note: Option<String>,
    pub units: Option<(u32, u32)>,
    pub color: Paint,
}

const VALUE_SIZE: f64 = 38.0;
const CAPTION_SIZE: f64 = 14.0;
const NOTE_SIZE: f64 = 11.5;

/// Most lines a badge caption and note take; longer ones are cut with an ellipsis.
const CAPTION_LINES: usize = 3;
const NOTE_LINES: usize = 4;
/// The smallest type a badge's number shrinks to when it is wider than the panel.
const MIN_VALUE_SIZE: f64 = 16.0;

/// Lays out a badge at the top of `area` (x0, y0, width); returns the node and its height.
/// Its number shrinks to the panel's width (and is cut below `MIN_VALUE_SIZE`); caption
/// and note are cut to their line budgets: each cut is reported in `cuts`.
pub fn badge_node(
    id: String,
    b: &BadgeContent,
    x: f64,
    y: f64,
    width: f64,
    cuts: &mut Vec<String>,
) -> (Node, f64) {
    let mut children = Vec::new();
    let headline = match &b.total {
        Some(t) => format!("{} of {}", b.value, t),
        None => b.value.clone(),
    };
    let full = crate::text::text_width(&headline, VALUE_SIZE, true, false, 0.0);
    let value_size = if full > width && full > 0.0 {
        // A hair under the exact ratio, so rounding never leaves it a pixel too wide.
        (VALUE_SIZE * width / full * 0.99).max(MIN_VALUE_SIZE)
    } else {
        VALUE_SIZE
    };
    let (shown, cut) = fit_line(&headline, width, value_size, true);
    if cut {
        cuts.push(format!(
            "its number {:?} cut to fit the panel",
            preview(&headline)
        ));
    }
    let mut cy = y + value_size * 0.9;
    children.push(Node::Text(Text {
        bold: true,
        class: Some("badge-value".into()),
        ..label_text(&shown, x, cy, value_size, TextAnchor::Start, b.color)
    }));
    cy += 8.0;
    let (caption, cut) = wrap_cut(&b.caption, width, CAPTION_LINES, CAPTION_SIZE, false, false);
    if cut {
        cuts.push(format!(
            "caption {:?} cut to {CAPTION_LINES} lines",
            preview(&b.caption)
        ));
    }
    cy += CAPTION_SIZE;
    children.push(Node::Text(Text {
        class: Some("badge-caption".into()),
        lines: caption.clone(),
        line_height: 19.0,
        ..label_text("", x, cy, CAPTION_SIZE, TextAnchor::Start, INK)
    }));
    cy += (caption.len() as f64 - 1.0) * 19.0 + 10.0;
    if let Some((filled, total)) = b.units {
        let per_row = total.clamp(1, 17);
        let rows = total.div_ceil(per_row);
        let gap = 3.0;
        let cell = ((width - f64::from(per_row - 1) * gap) / f64::from(per_row)).min(18.0);
        let mut cells = Vec::new();
        for i in 0..total {
            let (r, c) = (i / per_row, i % per_row);
            let on = i < filled;
            let (class, fill) = if on {
                ("unit unit-filled", b.color)
            } else {
                ("unit unit-empty", Paint::rgb(0xe3, 0xe0, 0xda))
            };
            let square = ShapeGeometry::Rect {
                x: x + f64::from(c) * (cell + gap),
                y: cy + f64::from(r) * (cell + gap),
                w: cell,
                h: cell,
                rx: 1.5,
            };
            cells.push(Node::Shape(Shape::new(class, square).with_style(Style {
                fill,
                ..Style::default()
            })));
        }
        let units = Group::named(&format!("{id}-units"), "unit-bar", cells).with_label(format!(
            "{filled} of {total} units filled; the cells are counts, not places"
        ));
        children.push(Node::Group(units));
        cy += f64::from(rows) * (cell + gap) + 8.0;
    }
    if let Some(note) = &b.note {
        let (lines, cut) = wrap_cut(note, width, NOTE_LINES, NOTE_SIZE, false, true);
        if cut {
            cuts.push(format!(
                "note {:?} cut to {NOTE_LINES} lines",
                preview(note)
            ));
        }
        cy += NOTE_SIZE;
        children.push(Node::Text(Text {
            class: Some("badge-note".into()),
            italic: true,
            lines: lines.clone(),
            line_height: 15.0,
            ..label_text("", x, cy, NOTE_SIZE, TextAnchor::Start, MUTED)
        }));
        cy += (lines.len() as f64 - 1.0) * 15.0 + 4.0;
    }
    let label = format!("{headline} {}", b.caption);
    (
        Node::Group(Group::named(&id, "badge", children).with_label(label)),
        cy - y,
    )
}
