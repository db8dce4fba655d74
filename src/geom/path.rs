//! Path data in pixel space at a fixed precision, so output is byte-stable.

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

    pub fn quad_to(&mut self, c: [f64; 2], p: [f64; 2]) {
        self.pair(b'Q', c);
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
