//! The display list between cartography and output. Layout decides *where* things go and
//! writes a [`Scene`]; the emitters only decide *how* to write it (SVG, PNG, PDF).

use crate::color::Paint;

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
    /// The SVG also carries the dark theme's colours, applied by a browser when the reader
    /// prefers a dark colour scheme. Other outputs ignore it.
    pub dark_variant: bool,
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
    /// SVG path data, already written at fixed precision.
    Path(String),
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
}

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

    /// Bytes of SVG path data in the scene, and how many paths hold them.
    pub fn path_data_size(&self) -> (usize, usize) {
        let mut acc = (0, 0);
        self.for_each_node(&mut |n| {
            if let Node::Shape(Shape {
                geometry: ShapeGeometry::Path(d),
                ..
            }) = n
            {
                acc.0 += d.len();
                acc.1 += 1;
            }
        });
        acc
    }

    /// Applies `f` to every colour in the scene (themes recolour a finished scene).
    pub fn map_paints(&mut self, f: &impl Fn(Paint) -> Paint) {
        self.background = f(self.background);
        for n in &mut self.nodes {
            n.map_paints(f);
        }
    }
}

impl Node {
    fn map_paints(&mut self, f: &impl Fn(Paint) -> Paint) {
        match self {
            Node::Group(g) => {
                if let Some(s) = &mut g.style {
                    s.map_paints(f);
                }
                for c in &mut g.children {
                    c.map_paints(f);
                }
            }
            Node::Shape(s) => {
                if let Some(st) = &mut s.style {
                    st.map_paints(f);
                }
            }
            Node::Text(t) => {
                t.fill = f(t.fill);
                if let Some((p, _)) = &mut t.halo {
                    *p = f(*p);
                }
            }
        }
    }
}

impl Style {
    fn map_paints(&mut self, f: &impl Fn(Paint) -> Paint) {
        self.fill = f(self.fill);
        self.stroke = f(self.stroke);
    }
}

/// Writes coordinates at fixed precision so output is byte-stable.
#[derive(Debug, Default)]
pub struct PathData {
    d: Vec<u8>,
}

/// Decimal places of every coordinate written.
pub const PRECISION: usize = 2;

impl PathData {
    pub fn new() -> Self {
        PathData::default()
    }

    pub fn with_capacity(bytes: usize) -> Self {
        PathData {
            d: Vec::with_capacity(bytes),
        }
    }

    fn pair(&mut self, cmd: u8, p: [f64; 2]) {
        self.d.push(cmd);
        push_num(&mut self.d, p[0]);
        self.d.push(b',');
        push_num(&mut self.d, p[1]);
    }

    pub fn move_to(&mut self, p: [f64; 2]) {
        self.pair(b'M', p);
    }

    pub fn line_to(&mut self, p: [f64; 2]) {
        self.pair(b'L', p);
    }

    pub fn cubic_to(&mut self, c1: [f64; 2], c2: [f64; 2], p: [f64; 2]) {
        self.pair(b'C', c1);
        self.d.push(b' ');
        push_num(&mut self.d, c2[0]);
        self.d.push(b',');
        push_num(&mut self.d, c2[1]);
        self.d.push(b' ');
        push_num(&mut self.d, p[0]);
        self.d.push(b',');
        push_num(&mut self.d, p[1]);
    }

    pub fn close(&mut self) {
        self.d.push(b'Z');
    }

    /// Adds a polyline; with `closed`, a ring.
    pub fn polyline(&mut self, points: &[[f64; 2]], closed: bool) {
        let mut it = points.iter();
        if let Some(first) = it.next() {
            self.move_to(*first);
            for p in it {
                self.line_to(*p);
            }
            if closed {
                self.close();
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.d.is_empty()
    }

    pub fn finish(self) -> String {
        // Only ASCII digits, signs, '.', ',', ' ' and command letters are ever pushed.
        String::from_utf8(self.d).unwrap_or_default()
    }
}

/// A number at [`PRECISION`] (2) decimals, rounded half away from zero, without `-0.00`.
/// Integer arithmetic: several times faster than `format!("{v:.2}")`, which matters when a
/// map has millions of vertices.
pub fn write_num(out: &mut String, v: f64) {
    let mut buf = Vec::with_capacity(24);
    push_num(&mut buf, v);
    out.push_str(std::str::from_utf8(&buf).unwrap_or("0.00"));
}

/// [`write_num`] into bytes: the hot path of path data.
pub fn push_num(out: &mut Vec<u8>, v: f64) {
    let scaled = (v * 100.0).round();
    if scaled.is_nan() || scaled.abs() >= 9.0e15 {
        // Beyond exact integers (or not finite): no map coordinate gets here.
        out.extend_from_slice(format!("{v:.PRECISION$}").as_bytes());
        return;
    }
    let mut n = scaled as i64;
    if n < 0 {
        out.push(b'-');
        n = -n;
    }
    let mut digits = [0u8; 24];
    let mut i = digits.len();
    let frac = (n % 100) as u8;
    digits[i - 1] = b'0' + frac % 10;
    digits[i - 2] = b'0' + frac / 10;
    digits[i - 3] = b'.';
    i -= 3;
    let mut int = n / 100;
    loop {
        i -= 1;
        digits[i] = b'0' + (int % 10) as u8;
        int /= 10;
        if int == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

pub fn num(v: f64) -> String {
    let mut s = String::new();
    write_num(&mut s, v);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_half_away_from_zero() {
        for (v, want) in [
            (0.0, "0.00"),
            (-0.004, "0.00"),
            (-0.005, "-0.01"),
            (1.005, "1.00"),
            (2.675, "2.68"),
            (-12.3456, "-12.35"),
            (1234567.891, "1234567.89"),
            (99.999, "100.00"),
        ] {
            assert_eq!(num(v), want, "{v}");
        }
    }

    #[test]
    fn path_data_is_fixed_precision() {
        let mut d = PathData::new();
        d.polyline(&[[0.0, 1.0 / 3.0], [-0.001, 2.5]], true);
        assert_eq!(d.finish(), "M0.00,0.33L0.00,2.50Z");
    }
}
