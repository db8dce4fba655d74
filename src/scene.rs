//! The display list between cartography and output. Layout decides *where* things go and
//! writes a [`Scene`]; the emitters only decide *how* to write it (SVG, PNG, PDF).

use crate::color::{Paint, Rgba};
pub use crate::geom::path::{num, push_num, write_num, PathCommand, PathData, PRECISION};
pub use crate::spec::ids::{safe_id, ID_SEPARATOR};
use crate::text::{fonts, shape_line, ShapedLine};

/// A finished figure in pixel space.
#[derive(Debug, Clone)]
pub struct Scene {
    pub width: f64,
    pub height: f64,
    /// Short accessible name (`<title>`).
    pub title: String,
    /// Longer accessible description (`<desc>`).
    pub description: String,
    pub background: Paint,
    /// Clip rectangles `[x, y, w, h]` by id; groups refer to them by id. The first is the
    /// map frame.
    pub clips: Vec<(String, [f64; 4])>,
    pub nodes: Vec<Node>,
    /// The dark theme's colours for the scene's own, which the SVG also carries, applied by
    /// a browser when the reader prefers a dark colour scheme; `None` for no dark variant.
    /// Other outputs ignore it. Filled by the theme ([`crate::symbology::theme`]).
    pub dark_variant: Option<Palette>,
    /// Starts every id the SVG writes (`{id_prefix}_{id}`), and is the root element's own
    /// id, so any number of maps inlined in one page never share an id. Ids in the scene
    /// itself are local to the map; the SVG writer adds the prefix to ids and references.
    pub id_prefix: String,
}

#[derive(Debug, Clone)]
pub enum Node {
    Group(Group),
    Shape(Shape),
    Text(Text),
}

/// A named group; its style is inherited by its children.
#[derive(Debug, Clone, Default)]
pub struct Group {
    pub id: Option<String>,
    pub class: Option<String>,
    /// Accessible label (`aria-label`).
    pub label: Option<String>,
    /// Clip the children to the scene's clip rectangle with this id.
    pub clip: Option<String>,
    pub style: Option<Style>,
    pub children: Vec<Node>,
}

#[derive(Debug, Clone)]
pub struct Shape {
    pub id: Option<String>,
    pub class: Option<String>,
    /// Accessible label (`aria-label`), e.g. the feature's name.
    pub label: Option<String>,
    pub geometry: ShapeGeometry,
    /// Own style; `None` inherits the group's.
    pub style: Option<Style>,
}

#[derive(Debug, Clone)]
pub enum ShapeGeometry {
    /// Path commands, at the fixed precision every output writes.
    Path(PathData),
    Circle {
        cx: f64,
        cy: f64,
        r: f64,
    },
    Rect {
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        rx: f64,
    },
    /// The markers of one feature (a MultiPoint): the same symbol, `r` from centre to edge,
    /// at every centre, drawn one after another in order exactly as that many
    /// [`marker`](ShapeGeometry::marker) shapes would be. One node and 16 bytes a position,
    /// where a shape per position cost hundreds: memory stays a small multiple of the
    /// input's own bytes for a position (`[0,0],` is 6).
    Markers {
        kind: MarkerKind,
        r: f64,
        centers: Vec<[f64; 2]>,
    },
}

/// The symbol of a point marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerKind {
    Circle,
    Square,
}

impl ShapeGeometry {
    /// The geometry moved by `(dx, dy)` pixels.
    pub fn translate(&mut self, dx: f64, dy: f64) {
        let at = |p: [f64; 2]| [p[0] + dx, p[1] + dy];
        match self {
            ShapeGeometry::Path(d) => {
                let mut moved = PathData::with_capacity(d.len());
                for c in d.commands() {
                    match c {
                        PathCommand::MoveTo(p) => moved.move_to(at(p)),
                        PathCommand::LineTo(p) => moved.line_to(at(p)),
                        PathCommand::QuadTo(c, p) => moved.quad_to(at(c), at(p)),
                        PathCommand::CubicTo(c1, c2, p) => moved.cubic_to(at(c1), at(c2), at(p)),
                        PathCommand::Close => moved.close(),
                    }
                }
                *d = moved.finish();
            }
            ShapeGeometry::Circle { cx, cy, .. } => {
                *cx += dx;
                *cy += dy;
            }
            ShapeGeometry::Rect { x, y, .. } => {
                *x += dx;
                *y += dy;
            }
            ShapeGeometry::Markers { centers, .. } => {
                for c in centers {
                    *c = at(*c);
                }
            }
        }
    }

    /// One marker: a circle of radius `r`, or a square of side `2r`, centred on `c`.
    pub fn marker(kind: MarkerKind, r: f64, c: [f64; 2]) -> ShapeGeometry {
        match kind {
            MarkerKind::Square => ShapeGeometry::Rect {
                x: c[0] - r,
                y: c[1] - r,
                w: 2.0 * r,
                h: 2.0 * r,
                rx: 0.0,
            },
            MarkerKind::Circle => ShapeGeometry::Circle {
                cx: c[0],
                cy: c[1],
                r,
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Style {
    pub fill: Paint,
    pub fill_opacity: f64,
    pub stroke: Paint,
    pub stroke_width: f64,
    pub dash: Vec<f64>,
    pub opacity: f64,
    /// Round joins and caps (lines and borders); miter otherwise.
    pub round: bool,
    /// Diagonal lines of this colour drawn over `fill` (the hatch that marks missing data):
    /// [`HATCH_WIDTH`] wide, [`HATCH_SPACING`] apart, at [`HATCH_ANGLE`], identical in
    /// every output.
    pub hatch: Option<Paint>,
}

/// Distance between the hatch's lines, centre to centre, in pixels.
pub const HATCH_SPACING: f64 = 6.0;
/// Width of a hatch line, in pixels.
pub const HATCH_WIDTH: f64 = 2.0;
/// The hatch's rotation, in degrees clockwise (SVG's `rotate`): lines run from top right
/// to bottom left. A stripe of the unrotated pattern is a vertical band `[k·s, k·s + w]`,
/// so a point `(x, y)` of the page is on a line when `(x + y)/√2 mod s < w`.
pub const HATCH_ANGLE: f64 = 45.0;

impl Default for Style {
    fn default() -> Self {
        Style {
            fill: Paint::None,
            fill_opacity: 1.0,
            stroke: Paint::None,
            stroke_width: 1.0,
            dash: Vec::new(),
            opacity: 1.0,
            round: true,
            hatch: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextAnchor {
    Start,
    Middle,
    End,
}

/// A text run of one or more lines. `(x, y)` is the anchor point of the first line's baseline.
#[derive(Debug, Clone)]
pub struct Text {
    pub id: Option<String>,
    pub class: Option<String>,
    pub x: f64,
    pub y: f64,
    pub lines: Vec<String>,
    pub size: f64,
    pub bold: bool,
    pub italic: bool,
    pub fill: Paint,
    /// Outline drawn under the glyphs for legibility: colour and width.
    pub halo: Option<(Paint, f64)>,
    pub anchor: TextAnchor,
    /// Distance between baselines, in pixels.
    pub line_height: f64,
    pub letter_spacing: f64,
    /// Rotation in degrees (clockwise) about `(x, y)`.
    pub rotate: f64,
    /// The lines shaped in this text's face, size and letter spacing, one per line: what
    /// the emitters draw. Empty until shaped; layout shapes every text once (labels while
    /// measuring them, the rest in [`Scene::shape_texts`]).
    pub shaped: Vec<ShapedLine>,
}

impl Text {
    /// Shapes the lines, unless they are shaped already.
    pub fn shape(&mut self) {
        if self.shaped.len() == self.lines.len() {
            return;
        }
        let face = fonts::current().select(self.bold, self.italic);
        self.shaped = self
            .lines
            .iter()
            .map(|l| shape_line(l, self.size, face, self.letter_spacing))
            .collect();
    }

    /// The glyph outlines of the shaped lines, each line placed at its anchor, one
    /// `line_height` below the one before (rotation is left to the emitter).
    pub fn glyph_outlines(&self) -> PathData {
        let mut d = PathData::new();
        for (i, line) in self.shaped.iter().enumerate() {
            let x = self.line_start_x(line.width);
            line.outline_into(&mut d, x, self.y + i as f64 * self.line_height);
        }
        d
    }

    /// Where a line `width` pixels wide starts, so that the text's anchor point is its start,
    /// middle or end.
    pub fn line_start_x(&self, width: f64) -> f64 {
        match self.anchor {
            TextAnchor::Start => self.x,
            TextAnchor::Middle => self.x - width / 2.0,
            TextAnchor::End => self.x - width,
        }
    }
}

/// Text from data made safe for every output (see [`crate::text::clean_text`]): what
/// shaping draws is what the SVG writes.
pub use crate::text::clean_text;

/// What a paint colours: an area (a fill, a text's glyphs) or a line (a stroke, a text's
/// halo).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaintUse {
    Fill,
    Stroke,
}

/// Colours and the colours a theme gives them, looked up by red, green and blue: alpha is
/// written apart (an opacity) and themes keep it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Palette {
    /// Sorted by the first colour's channels, each first colour once.
    pairs: Vec<(Rgba, Rgba)>,
}

impl Palette {
    /// The colour `c` becomes, if the palette has one for it.
    pub fn get(&self, c: Rgba) -> Option<Rgba> {
        self.pairs
            .binary_search_by_key(&channels(c), |(from, _)| channels(*from))
            .ok()
            .map(|i| self.pairs[i].1)
    }
}

impl FromIterator<(Rgba, Rgba)> for Palette {
    fn from_iter<I: IntoIterator<Item = (Rgba, Rgba)>>(pairs: I) -> Self {
        let mut pairs: Vec<(Rgba, Rgba)> = pairs.into_iter().collect();
        pairs.sort_by_key(|(from, _)| channels(*from));
        pairs.dedup_by_key(|(from, _)| channels(*from));
        Palette { pairs }
    }
}

fn channels(c: Rgba) -> [u8; 3] {
    [c.r, c.g, c.b]
}

impl Scene {
    /// Calls `f` on every node, depth first in drawing order (a group before its children).
    pub fn for_each_node<'a>(&'a self, f: &mut impl FnMut(&'a Node)) {
        fn walk<'a>(nodes: &'a [Node], f: &mut impl FnMut(&'a Node)) {
            for n in nodes {
                f(n);
                if let Node::Group(g) = n {
                    walk(&g.children, f);
                }
            }
        }
        walk(&self.nodes, f);
    }

    /// Calls `f` on every node, mutably, depth first in drawing order (a group before its
    /// children).
    pub fn for_each_node_mut(&mut self, f: &mut impl FnMut(&mut Node)) {
        fn walk(nodes: &mut [Node], f: &mut impl FnMut(&mut Node)) {
            for n in nodes {
                f(n);
                if let Node::Group(g) = n {
                    walk(&mut g.children, f);
                }
            }
        }
        walk(&mut self.nodes, f);
    }

    /// Shapes every text not shaped yet ([`Text::shape`]): the one shaping pass layout ends
    /// with, so no emitter ever shapes.
    /// Moves everything by `(dx, dy)` pixels and starts every local id (and every reference
    /// to one) with `prefix`: how a panel of a figure of several maps takes its place.
    pub fn translate(&mut self, dx: f64, dy: f64, prefix: &str) {
        for (id, rect) in &mut self.clips {
            *id = format!("{prefix}{id}");
            rect[0] += dx;
            rect[1] += dy;
        }
        let pre = |id: &mut Option<String>| {
            if let Some(i) = id {
                *i = format!("{prefix}{i}");
            }
        };
        self.for_each_node_mut(&mut |n| match n {
            Node::Group(g) => {
                pre(&mut g.id);
                pre(&mut g.clip);
            }
            Node::Shape(sh) => {
                pre(&mut sh.id);
                sh.geometry.translate(dx, dy);
            }
            Node::Text(t) => {
                pre(&mut t.id);
                t.x += dx;
                t.y += dy;
            }
        });
    }

    pub fn shape_texts(&mut self) {
        self.for_each_node_mut(&mut |n| {
            if let Node::Text(t) = n {
                t.shape();
            }
        });
    }

    /// Bytes of SVG path data in the scene, and how many paths hold them.
    pub fn path_data_size(&self) -> (usize, usize) {
        let mut acc = (0, 0);
        self.for_each_node(&mut |n| {
            if let Node::Shape(Shape {
                geometry: ShapeGeometry::Path(d),
                ..
            }) = n
            {
                acc.0 += d.svg_len();
                acc.1 += 1;
            }
        });
        acc
    }

    /// How many markers [`ShapeGeometry::Markers`] shapes hold, over the whole scene.
    pub fn marker_count(&self) -> usize {
        let mut n = 0;
        self.for_each_node(&mut |node| {
            if let Node::Shape(Shape {
                geometry: ShapeGeometry::Markers { centers, .. },
                ..
            }) = node
            {
                n += centers.len();
            }
        });
        n
    }

    /// Calls `f` on every paint in the scene, with what it colours: the background, the
    /// styles of groups and shapes, and texts' glyphs and halos; the paints
    /// [`map_paints`](Self::map_paints) changes.
    pub fn for_each_paint(&self, f: &mut impl FnMut(PaintUse, Paint)) {
        f(PaintUse::Fill, self.background);
        self.for_each_node(&mut |n| match n {
            Node::Group(Group { style: Some(s), .. })
            | Node::Shape(Shape { style: Some(s), .. }) => {
                f(PaintUse::Fill, s.fill);
                f(PaintUse::Stroke, s.stroke);
                if let Some(h) = s.hatch {
                    f(PaintUse::Fill, h);
                }
            }
            Node::Text(t) => {
                f(PaintUse::Fill, t.fill);
                if let Some((halo, _)) = t.halo {
                    f(PaintUse::Stroke, halo);
                }
            }
            _ => {}
        });
    }

    /// Applies `f` to every colour in the scene (themes recolour a finished scene): the
    /// paints [`for_each_paint`](Self::for_each_paint) reads.
    pub fn map_paints(&mut self, f: &impl Fn(Paint) -> Paint) {
        self.background = f(self.background);
        self.for_each_node_mut(&mut |n| match n {
            Node::Group(Group { style: Some(s), .. })
            | Node::Shape(Shape { style: Some(s), .. }) => s.map_paints(f),
            Node::Text(t) => {
                t.fill = f(t.fill);
                if let Some((p, _)) = &mut t.halo {
                    *p = f(*p);
                }
            }
            _ => {}
        });
    }
}

impl Style {
    fn map_paints(&mut self, f: &impl Fn(Paint) -> Paint) {
        self.fill = f(self.fill);
        self.stroke = f(self.stroke);
        self.hatch = self.hatch.map(f);
    }
}

/// Constructors for the shapes and groups layout writes: a class and what to draw, then
/// only what differs from the defaults (no id, no label, the parent's style, no clip).
impl Shape {
    /// A shape of class `class` with no id, label or own style.
    pub fn new(class: &str, geometry: ShapeGeometry) -> Shape {
        Shape {
            id: None,
            class: Some(class.into()),
            label: None,
            geometry,
            style: None,
        }
    }

    /// A path of class `class`.
    pub fn path(class: &str, d: PathData) -> Shape {
        Shape::new(class, ShapeGeometry::Path(d.finish()))
    }

    pub fn with_id(self, id: impl Into<String>) -> Shape {
        Shape {
            id: Some(id.into()),
            ..self
        }
    }

    pub fn with_label(self, label: Option<String>) -> Shape {
        Shape { label, ..self }
    }

    pub fn with_style(self, style: Style) -> Shape {
        Shape {
            style: Some(style),
            ..self
        }
    }
}

impl Group {
    /// A group with id `id` and class `class` holding `children`.
    pub fn named(id: &str, class: &str, children: Vec<Node>) -> Group {
        Group {
            id: Some(id.into()),
            class: Some(class.into()),
            children,
            ..Group::default()
        }
    }

    pub fn with_label(self, label: impl Into<String>) -> Group {
        Group {
            label: Some(label.into()),
            ..self
        }
    }

    pub fn with_style(self, style: Style) -> Group {
        Group {
            style: Some(style),
            ..self
        }
    }

    /// The group with its children clipped to the scene's clip rectangle `clip`.
    pub fn clipped_to(self, clip: &str) -> Group {
        Group {
            clip: Some(clip.into()),
            ..self
        }
    }
}

/// Hands out ids unique among all it has handed out or reserved. A taken id gets the
/// first free `-2`, `-3`… suffix; the next free number is remembered per id, so n copies
/// of one id cost O(n), not O(n²).
#[derive(Debug, Default)]
pub struct IdRegistry {
    used: std::collections::HashSet<String>,
    next: std::collections::HashMap<String, usize>,
}

impl IdRegistry {
    /// Marks `id` as taken without handing it out (ids another part of the scene owns).
    pub fn reserve(&mut self, id: &str) {
        self.used.insert(id.to_string());
    }

    /// `raw` made safe ([`safe_id`]) and unique.
    pub fn claim(&mut self, raw: &str) -> String {
        let base = safe_id(raw);
        if self.used.insert(base.clone()) {
            return base;
        }
        let mut n = self.next.get(&base).copied().unwrap_or(2);
        let id = loop {
            let candidate = format!("{base}-{n}");
            n += 1;
            if self.used.insert(candidate.clone()) {
                break candidate;
            }
        };
        self.next.insert(base, n);
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_starts_where_its_anchor_puts_it() {
        let mut t = Text {
            id: None,
            class: None,
            x: 100.0,
            y: 0.0,
            lines: vec!["Kunduz".into()],
            size: 12.0,
            bold: false,
            italic: false,
            fill: Paint::None,
            halo: None,
            anchor: TextAnchor::Start,
            line_height: 14.0,
            letter_spacing: 0.0,
            rotate: 0.0,
            shaped: Vec::new(),
        };
        let mut starts = Vec::new();
        for anchor in [TextAnchor::Start, TextAnchor::Middle, TextAnchor::End] {
            t.anchor = anchor;
            starts.push(t.line_start_x(40.0));
        }
        assert_eq!(starts, [100.0, 80.0, 60.0]);
    }

    #[test]
    fn text_loses_controls_and_bidi_overrides() {
        assert_eq!(
            clean_text("a\u{0}b\tc\u{202E}d\u{2067}e\u{FFFF}"),
            "ab\tcde"
        );
    }

    #[test]
    fn palettes_look_colours_up_by_red_green_blue() {
        let red = Rgba::rgb(200, 0, 0);
        let faded_red = Rgba { a: 100, ..red };
        let palette: Palette = [
            (Rgba::rgb(0, 0, 9), Rgba::rgb(1, 1, 1)),
            (red, Rgba::rgb(250, 90, 90)),
            (Rgba::rgb(0, 0, 9), Rgba::rgb(1, 1, 1)),
        ]
        .into_iter()
        .collect();
        assert_eq!(palette.get(faded_red), Some(Rgba::rgb(250, 90, 90)));
        assert_eq!(palette.get(Rgba::rgb(0, 0, 9)), Some(Rgba::rgb(1, 1, 1)));
        assert_eq!(palette.get(Rgba::rgb(0, 0, 8)), None);
    }

    #[test]
    fn registry_ids_are_safe_and_unique() {
        let mut ids = IdRegistry::default();
        ids.reserve("frame");
        assert_eq!(ids.claim("frame"), "frame-2");
        assert_eq!(ids.claim("p-AF"), "p-AF");
        assert_eq!(ids.claim("p-AF"), "p-AF-2");
        assert_eq!(ids.claim("p-AF-3"), "p-AF-3");
        assert_eq!(ids.claim("p-AF"), "p-AF-4");
        assert_eq!(ids.claim("x-<b> \"q\""), "x-_b___q_");
    }
}
