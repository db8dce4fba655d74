//! Path data in pixel space: structured commands (move, line, quadratic and cubic curve,
//! close) whose coordinates are kept at the fixed precision every output states them at,
//! so the SVG text, the PNG and the PDF draw the same numbers and output is byte-stable.

/// Decimal places of every coordinate written.
pub const PRECISION: usize = 2;

/// The commands of one path, built with [`move_to`](Self::move_to),
/// [`line_to`](Self::line_to) and the like, and read by the emitters with
/// [`write_svg`](Self::write_svg) and [`commands`](Self::commands).
///
/// ```
/// use mapfig::geom::path::{PathCommand, PathData};
///
/// let mut d = PathData::new();
/// d.polyline(&[[0.0, 1.0 / 3.0], [10.0, 2.5]], true);
/// assert_eq!(d.to_svg(), "M0.00,0.33L10.00,2.50Z");
/// // Every output reads the coordinates the SVG text states, not the unrounded input.
/// let first = d.commands().next();
/// assert_eq!(first, Some(PathCommand::MoveTo([0.0, 0.33])));
/// ```
#[derive(Debug, Default, Clone, PartialEq)]
pub struct PathData {
    verbs: Vec<Verb>,
    /// The commands' points, x then y, in hundredths of a pixel: the numbers the SVG text
    /// writes, rounded once when the path is built. Four bytes a coordinate, so a line
    /// vertex costs 9 bytes with its verb, less than its SVG text (`L1234.56,789.01`).
    coords: Vec<i32>,
    /// Coordinates whose hundredths do not fit an `i32` (beyond ±21 million pixels, or not
    /// finite), as given, in order; each one's place in `coords` holds [`WIDE`]. No map
    /// coordinate needs one; they keep such input written exactly as before.
    wide: Vec<f64>,
    /// Bytes of the SVG text, counted as the path is built ([`svg_len`](Self::svg_len)).
    text_len: usize,
}

/// The place in [`PathData::coords`] of a coordinate kept in [`PathData::wide`].
const WIDE: i32 = i32::MIN;

/// One byte a command; its points follow in [`PathData::coords`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    Move,
    Line,
    Quad,
    Cubic,
    Close,
}

impl Verb {
    fn letter(self) -> u8 {
        match self {
            Verb::Move => b'M',
            Verb::Line => b'L',
            Verb::Quad => b'Q',
            Verb::Cubic => b'C',
            Verb::Close => b'Z',
        }
    }

    fn points(self) -> usize {
        match self {
            Verb::Move | Verb::Line => 1,
            Verb::Quad => 2,
            Verb::Cubic => 3,
            Verb::Close => 0,
        }
    }
}

/// One command of a path, with its points at the precision the SVG text states them
/// (e.g. `0.33` for a point built at `1/3`). The rare coordinate beyond 9e13 pixels, or not
/// finite, comes as given.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PathCommand {
    MoveTo([f64; 2]),
    LineTo([f64; 2]),
    /// Control point, end point.
    QuadTo([f64; 2], [f64; 2]),
    /// First and second control points, end point.
    CubicTo([f64; 2], [f64; 2], [f64; 2]),
    Close,
}

impl PathData {
    pub fn new() -> Self {
        PathData::default()
    }

    /// An empty path with room for `points` points (a line vertex each) before it grows.
    pub fn with_capacity(points: usize) -> Self {
        PathData {
            verbs: Vec::with_capacity(points),
            coords: Vec::with_capacity(2 * points),
            wide: Vec::new(),
            text_len: 0,
        }
    }

    fn push(&mut self, verb: Verb, points: &[[f64; 2]]) {
        self.verbs.push(verb);
        // The letter, a comma a point and a space between points.
        self.text_len += 1 + 2 * points.len() - 1;
        for p in points {
            self.push_coord(p[0]);
            self.push_coord(p[1]);
        }
    }

    fn push_coord(&mut self, v: f64) {
        // The same rounding as `push_num`, so the text written later is what it writes.
        let scaled = (v * 100.0).round();
        if scaled > f64::from(WIDE) && scaled <= f64::from(i32::MAX) {
            self.coords.push(scaled as i32);
            self.text_len += hundredths_len(scaled as i64);
        } else {
            self.coords.push(WIDE);
            self.wide.push(v);
            let mut text = Vec::new();
            push_num(&mut text, v);
            self.text_len += text.len();
        }
    }

    pub fn move_to(&mut self, p: [f64; 2]) {
        self.push(Verb::Move, &[p]);
    }

    pub fn line_to(&mut self, p: [f64; 2]) {
        self.push(Verb::Line, &[p]);
    }

    pub fn cubic_to(&mut self, c1: [f64; 2], c2: [f64; 2], p: [f64; 2]) {
        self.push(Verb::Cubic, &[c1, c2, p]);
    }

    pub fn quad_to(&mut self, c: [f64; 2], p: [f64; 2]) {
        self.push(Verb::Quad, &[c, p]);
    }

    pub fn close(&mut self) {
        self.verbs.push(Verb::Close);
        self.text_len += 1;
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

    /// How many commands the path holds.
    pub fn len(&self) -> usize {
        self.verbs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.verbs.is_empty()
    }

    /// Ends building: hands back the room reserved beyond what the path holds, since a
    /// finished path lives as long as its scene.
    pub fn finish(mut self) -> Self {
        self.verbs.shrink_to_fit();
        self.coords.shrink_to_fit();
        self
    }

    /// The commands with their points, in order.
    pub fn commands(&self) -> impl Iterator<Item = PathCommand> + '_ {
        let mut coords = Coords {
            coords: self.coords.iter(),
            wide: self.wide.iter(),
        };
        self.verbs.iter().map(move |verb| match verb {
            Verb::Move => PathCommand::MoveTo(coords.point()),
            Verb::Line => PathCommand::LineTo(coords.point()),
            Verb::Quad => PathCommand::QuadTo(coords.point(), coords.point()),
            Verb::Cubic => PathCommand::CubicTo(coords.point(), coords.point(), coords.point()),
            Verb::Close => PathCommand::Close,
        })
    }

    /// Appends the SVG `d` text: absolute commands, `x,y` pairs at [`PRECISION`] decimals,
    /// a curve's points apart by a space (`M1.00,2.00L3.00,4.00Q5.00,6.00 7.00,8.00Z`).
    pub fn write_svg(&self, out: &mut String) {
        // Written as bytes (only ASCII is ever written) and checked once when copied out:
        // a map's paths hold millions of numbers.
        let mut text = Vec::with_capacity(self.text_len);
        self.write_bytes(&mut text);
        out.push_str(std::str::from_utf8(&text).unwrap_or_default());
    }

    /// The SVG `d` text as bytes.
    fn write_bytes(&self, text: &mut Vec<u8>) {
        let mut coords = self.coords.iter();
        let mut wide = self.wide.iter();
        for verb in &self.verbs {
            text.push(verb.letter());
            for i in 0..verb.points() {
                if i > 0 {
                    text.push(b' ');
                }
                push_coord_text(text, coords.next(), &mut wide);
                text.push(b',');
                push_coord_text(text, coords.next(), &mut wide);
            }
        }
    }

    /// The SVG `d` text ([`write_svg`](Self::write_svg)) as a string of its own, written
    /// in place (no copy).
    pub fn to_svg(&self) -> String {
        let mut text = Vec::with_capacity(self.svg_len());
        self.write_bytes(&mut text);
        String::from_utf8(text).unwrap_or_default()
    }

    /// Bytes of the SVG `d` text, counted as the path was built.
    pub fn svg_len(&self) -> usize {
        self.text_len
    }
}

/// Reads a path's coordinates in order, as [`PathCommand`] gives them.
struct Coords<'a> {
    coords: std::slice::Iter<'a, i32>,
    wide: std::slice::Iter<'a, f64>,
}

impl Coords<'_> {
    fn point(&mut self) -> [f64; 2] {
        [self.value(), self.value()]
    }

    fn value(&mut self) -> f64 {
        match self.coords.next() {
            Some(&WIDE) => self.wide.next().map_or(0.0, |&v| stated(v)),
            Some(&c) => f64::from(c) / 100.0,
            None => 0.0,
        }
    }
}

/// The value the text [`push_num`] writes for `v` states (as f64), or `v` itself where
/// that text is not a 2-decimal number (NaN, infinities) or `v` is beyond 9e13, where the
/// two round to the same `f32`.
fn stated(v: f64) -> f64 {
    let scaled = (v * 100.0).round();
    if scaled.is_nan() || scaled.abs() >= 9.0e15 {
        v
    } else {
        scaled / 100.0
    }
}

/// Writes the coordinate `c` read from [`PathData::coords`], taking it from `wide` when
/// it is kept there.
fn push_coord_text<'a>(
    out: &mut Vec<u8>,
    c: Option<&i32>,
    wide: &mut impl Iterator<Item = &'a f64>,
) {
    match c {
        Some(&WIDE) => push_num(out, wide.next().copied().unwrap_or(0.0)),
        Some(&c) => push_hundredths(out, i64::from(c)),
        None => {}
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

/// [`write_num`] into bytes.
pub fn push_num(out: &mut Vec<u8>, v: f64) {
    let scaled = (v * 100.0).round();
    if scaled.is_nan() || scaled.abs() >= 9.0e15 {
        // Beyond exact integers (or not finite): no map coordinate gets here.
        out.extend_from_slice(format!("{v:.PRECISION$}").as_bytes());
        return;
    }
    push_hundredths(out, scaled as i64);
}

/// `n` hundredths as a decimal with two places (`-1234` → `-12.34`), two digits at a time
/// from a table.
fn push_hundredths(out: &mut Vec<u8>, n: i64) {
    const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
        2021222324252627282930313233343536373839\
        4041424344454647484950515253545556575859\
        6061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899";
    let pair = |d: u64| {
        let at = (d as usize % 100) * 2;
        [PAIRS[at], PAIRS[at + 1]]
    };
    let m = n.unsigned_abs();
    let mut digits = [0u8; 24];
    let mut i = digits.len() - 3;
    let [a, b] = pair(m % 100);
    digits[i..].copy_from_slice(&[b'.', a, b]);
    let mut int = m / 100;
    while int >= 100 {
        i -= 2;
        digits[i..i + 2].copy_from_slice(&pair(int % 100));
        int /= 100;
    }
    if int >= 10 {
        i -= 2;
        digits[i..i + 2].copy_from_slice(&pair(int));
    } else {
        i -= 1;
        digits[i] = b'0' + int as u8;
    }
    if n < 0 {
        i -= 1;
        digits[i] = b'-';
    }
    out.extend_from_slice(&digits[i..]);
}

/// Bytes [`push_hundredths`] writes for `n`.
fn hundredths_len(n: i64) -> usize {
    let sign = usize::from(n < 0);
    let int = n.unsigned_abs() / 100;
    let digits = int.checked_ilog10().map_or(1, |l| l as usize + 1);
    sign + digits + 3
}

pub fn num(v: f64) -> String {
    let mut s = String::new();
    write_num(&mut s, v);
    s
}

#[cfg(test)]
mod tests;
