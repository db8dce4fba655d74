//! Reading coordinate arrays: a small parser for the one grammar GeoJSON coordinates use
//! (nested arrays of numbers), several times faster than going through serde per number.

use geo::Coord;

/// Nested coordinate arrays of any depth, flattened: the positions in order, and for
/// each level of nesting where its arrays end. `depth` 1 is a position, 2 a list of
/// positions, 3 a list of those (a polygon), 4 a list of polygons; 0 an empty array.
#[derive(Default, Debug)]
pub struct Coordinates {
    pub depth: u8,
    pub points: Vec<Coord<f64>>,
    /// `ends[0]`: where each list of positions ends (index into `points`);
    /// `ends[1]`: where each list of lists ends (index into `ends[0]`).
    pub ends: [Vec<usize>; 2],
}

/// A parse failure: byte offset into the text, and what is wrong.
pub type Failure = (usize, String);

/// What a [`Failure`] says when the positions pass `max_points`.
pub const TOO_MANY: &str = "";

/// Parses coordinate text holding at most `max_points` positions.
pub fn parse(text: &str, max_points: usize) -> Result<Coordinates, Failure> {
    let mut p = Parser {
        text,
        b: text.as_bytes(),
        i: 0,
        c: Coordinates {
            // A position takes 12 bytes of text at the least (`[1.5,2.5],` has 10, real
            // data twice that): sized once instead of grown by copying.
            points: Vec::with_capacity((text.len() / 24).min(max_points)),
            ..Coordinates::default()
        },
        max_points,
    };
    p.ws();
    let depth = p.array(0)?;
    p.ws();
    if p.i != p.b.len() {
        return Err((p.i, "unexpected text after the coordinates".into()));
    }
    let mut c = p.c;
    c.depth = depth;
    Ok(c)
}

struct Parser<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
    c: Coordinates,
    max_points: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn fail<T>(&self, m: &str) -> Result<T, Failure> {
        Err((self.i, m.to_string()))
    }

    /// An array at nesting `level`; returns its depth.
    fn array(&mut self, level: usize) -> Result<u8, Failure> {
        if level > 8 {
            return self.fail("coordinates nested deeper than a MultiPolygon");
        }
        if self.b.get(self.i) != Some(&b'[') {
            return self.fail("coordinates must be arrays of positions");
        }
        self.i += 1;
        self.ws();
        match self.b.get(self.i) {
            Some(b']') => {
                self.i += 1;
                return Ok(0);
            }
            Some(b'[') => {}
            Some(_) => return self.position(),
            None => return self.fail("unterminated coordinate array"),
        }
        let mut depth = 0u8;
        loop {
            let d = self.array(level + 1)?;
            if d != 0 && depth != 0 && d != depth {
                return self.fail("coordinate arrays of mixed depth");
            }
            depth = depth.max(d);
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => {
                    self.i += 1;
                    self.ws();
                }
                Some(b']') => {
                    self.i += 1;
                    break;
                }
                _ => return self.fail("expected ',' or ']' in coordinates"),
            }
        }
        let depth = depth.max(1) + 1;
        match depth {
            2 => self.c.ends[0].push(self.c.points.len()),
            3 => self.c.ends[1].push(self.c.ends[0].len()),
            4 => {}
            _ => return self.fail("coordinates nested deeper than a MultiPolygon"),
        }
        Ok(depth)
    }

    /// The numbers of a position, after its '['.
    fn position(&mut self) -> Result<u8, Failure> {
        let x = self.number()?;
        self.ws();
        if self.b.get(self.i) != Some(&b',') {
            return self.fail("a position needs at least two numbers");
        }
        self.i += 1;
        self.ws();
        let y = self.number()?;
        self.ws();
        // Altitude and beyond are allowed and ignored.
        while self.b.get(self.i) == Some(&b',') {
            self.i += 1;
            self.ws();
            self.number()?;
            self.ws();
        }
        if self.b.get(self.i) != Some(&b']') {
            return self.fail("expected ',' or ']' in a position");
        }
        self.i += 1;
        if self.c.points.len() >= self.max_points {
            return Err((self.i, TOO_MANY.to_string()));
        }
        self.c.points.push(Coord { x, y });
        Ok(1)
    }

    /// A JSON number. Up to 19 significant digits with a small exponent are computed
    /// exactly (both factors exact, one rounding); anything else goes through the
    /// standard library's correctly rounded parser.
    fn number(&mut self) -> Result<f64, Failure> {
        const POW10: [f64; 23] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
            1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
        ];
        let start = self.i;
        let b = self.b;
        let mut i = self.i;
        let neg = b.get(i) == Some(&b'-');
        if neg {
            i += 1;
        }
        let mut mantissa: u64 = 0;
        let mut digits = 0u32;
        let int_start = i;
        while let Some(&c @ b'0'..=b'9') = b.get(i) {
            mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
            digits += 1;
            i += 1;
        }
        if i == int_start || (b[int_start] == b'0' && i - int_start > 1) {
            self.i = start;
            // Say what was found instead: a quoted string, a word, or the character.
            let rest = &b[start..];
            let found = if rest.first() == Some(&b'"') {
                let end = rest[1..]
                    .iter()
                    .position(|&c| c == b'"')
                    .map_or(rest.len().min(24), |e| e + 2);
                format!("string {}", String::from_utf8_lossy(&rest[..end.min(40)]))
            } else {
                let end = rest
                    .iter()
                    .position(|c| !c.is_ascii_alphanumeric() && !matches!(c, b'.' | b'-' | b'+'))
                    .unwrap_or(rest.len())
                    .clamp(1, 24);
                format!("{:?}", String::from_utf8_lossy(&rest[..end]))
            };
            return Err((
                start,
                format!("coordinates must be JSON numbers, found {found}"),
            ));
        }
        let mut exp: i32 = 0;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let frac_start = i;
            // Eight digits at a time while there are eight (the same sum, mod 2^64, as one
            // digit at a time).
            while let Some(eight) = eight_digits(b, i) {
                mantissa = mantissa.wrapping_mul(100_000_000).wrapping_add(eight);
                digits += 8;
                exp -= 8;
                i += 8;
            }
            while let Some(&c @ b'0'..=b'9') = b.get(i) {
                mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
                digits += 1;
                exp -= 1;
                i += 1;
            }
            if i == frac_start {
                self.i = i;
                return self.fail("a number needs digits after its '.'");
            }
        }
        let mut slow = false;
        if let Some(b'e' | b'E') = b.get(i) {
            slow = true;
            i += 1;
            if let Some(b'+' | b'-') = b.get(i) {
                i += 1;
            }
            let e_start = i;
            while let Some(b'0'..=b'9') = b.get(i) {
                i += 1;
            }
            if i == e_start {
                self.i = i;
                return self.fail("a number needs digits in its exponent");
            }
        }
        self.i = i;
        if !slow && digits <= 19 && mantissa < (1u64 << 53) && exp >= -22 {
            let v = mantissa as f64 / POW10[(-exp) as usize];
            return Ok(if neg { -v } else { v });
        }
        // 17 to 19 significant digits (a third of real coordinates): one exact division.
        if !slow && digits <= 19 {
            if let Some(v) = divide_exactly(mantissa, exp.unsigned_abs()) {
                return Ok(if neg { -v } else { v });
            }
        }
        // A slice at ASCII bytes of the text: no second UTF-8 check.
        let text = self.text.get(start..i).unwrap_or("");
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            Ok(_) => Err((start, format!("number out of range: {text}"))),
            Err(_) => Err((start, "coordinates must be JSON numbers".to_string())),
        }
    }
}

/// `m / 10^k` correctly rounded (to nearest, ties to even), for `k` in 1..=19: the quotient
/// of `m` shifted to the top of 128 bits, rounded to 53 bits with the remainder as the
/// sticky bit, then scaled by a power of two (exact). `None` outside that range.
fn divide_exactly(m: u64, k: u32) -> Option<f64> {
    if m == 0 || !(1..=19).contains(&k) {
        return None;
    }
    let d = 10u128.pow(k);
    let lz = m.leading_zeros();
    let n = u128::from(m) << (64 + lz);
    let (q, r) = (n / d, n % d);
    // q ≥ 2^127 / 10^19 > 2^63: at least 64 bits, so shift ≥ 11.
    let shift = (128 - q.leading_zeros())
        .checked_sub(53)
        .filter(|s| *s > 0)?;
    let mut mant = u64::try_from(q >> shift).ok()?;
    let rest = q & ((1u128 << shift) - 1);
    let half = 1u128 << (shift - 1);
    if rest > half || (rest == half && (r != 0 || mant & 1 == 1)) {
        mant += 1;
    }
    // 2^e with e = shift - 64 - lz in -115..=8: a normal number.
    let e = i64::from(shift) - 64 - i64::from(lz);
    let scale = f64::from_bits(u64::try_from(1023 + e).ok()? << 52);
    Some(mant as f64 * scale)
}

/// The value of the eight ASCII digits at `b[i..i + 8]`, if they are eight digits (SWAR,
/// as in fast_float: a check and three multiplications instead of eight steps).
fn eight_digits(b: &[u8], i: usize) -> Option<u64> {
    let bytes: [u8; 8] = b.get(i..i + 8)?.try_into().ok()?;
    let v = u64::from_le_bytes(bytes);
    let above = v.wrapping_add(0x4646_4646_4646_4646);
    let below = v.wrapping_sub(0x3030_3030_3030_3030);
    if (above | below) & 0x8080_8080_8080_8080 != 0 {
        return None;
    }
    const MASK: u64 = 0x0000_00FF_0000_00FF;
    const MUL1: u64 = 0x000F_4240_0000_0064;
    const MUL2: u64 = 0x0000_2710_0000_0001;
    let v = below.wrapping_mul(10).wrapping_add(below >> 8);
    let v1 = (v & MASK).wrapping_mul(MUL1);
    let v2 = ((v >> 16) & MASK).wrapping_mul(MUL2);
    Some(u64::from((v1.wrapping_add(v2) >> 32) as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Coordinates, Failure> {
        super::parse(text, usize::MAX)
    }

    #[test]
    fn numbers_match_the_standard_parser() {
        for t in [
            "0",
            "-0.5",
            "67.25912927200011",
            "-111.12345678901234",
            "1e3",
            "1.5E-7",
            "180",
            "0.1",
            "123456789012345678901234",
        ] {
            let c = parse(&format!("[{t}, 1]")).unwrap();
            assert_eq!(c.points[0].x, t.parse::<f64>().unwrap(), "{t}");
        }
    }

    #[test]
    fn eight_digit_runs_match_the_standard_parser() {
        let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..20_000 {
            let int = next() % 400;
            let frac = next() % 10_u64.pow(1 + (next() % 19) as u32);
            let width = 1 + (next() % 20) as usize;
            let t = format!("-{int}.{frac:0width$}");
            let c = parse(&format!("[{t}, 1]")).unwrap();
            assert_eq!(c.points[0].x, t.parse::<f64>().unwrap(), "{t}");
        }
        assert_eq!(eight_digits(b"12345678", 0), Some(12_345_678));
        assert_eq!(eight_digits(b"1234567/", 0), None);
        assert_eq!(eight_digits(b"1234567:", 0), None);
        assert_eq!(eight_digits(b"1234567", 0), None);
    }

    #[test]
    fn long_mantissas_match_the_standard_parser() {
        let mut seed = 0x2545_F491_4F6C_DD1D_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..200_000 {
            // 16 to 19 significant digits, the point anywhere among them.
            let digits = 16 + (next() % 4) as usize;
            let m = next() % 10_u64.pow(digits as u32 - 1) + 10_u64.pow(digits as u32 - 1);
            let m = if digits == 19 {
                next() % 9_000_000_000_000_000_000 + 1_000_000_000_000_000_000
            } else {
                m
            };
            let text = m.to_string();
            let point = 1 + (next() as usize % (text.len() - 1));
            let t = format!("{}.{}", &text[..point], &text[point..]);
            let c = parse(&format!("[{t}, -{t}]")).unwrap();
            let want = t.parse::<f64>().unwrap();
            assert_eq!([c.points[0].x, c.points[0].y], [want, -want], "{t}");
        }
        // Halfway cases and neighbours: 2^53 + 1 and friends over powers of ten.
        for m in [
            9_007_199_254_740_993_u64,
            9_007_199_254_740_995,
            18_014_398_509_481_987,
        ] {
            for k in 1..=19 {
                let t = format!("{}", m as f64 / 10f64.powi(k as i32));
                let exact = divide_exactly(m, k).unwrap();
                let text = format!("{m}");
                let padded = format!("{:0>width$}", text, width = k as usize + 1);
                let (int, frac) = padded.split_at(padded.len() - k as usize);
                let want = format!("{int}.{frac}").parse::<f64>().unwrap();
                assert_eq!(exact, want, "{m} / 10^{k} ({t})");
            }
        }
    }

    #[test]
    fn nesting_is_recorded() {
        let c = parse("[[[0,0],[1,0],[1,1],[0,0]],[[2,2],[3,2],[3,3],[2,2]]]").unwrap();
        assert_eq!(
            (c.depth, c.points.len(), c.ends[0].clone()),
            (3, 8, vec![4, 8])
        );
        assert_eq!(parse("[]").unwrap().depth, 0);
        assert_eq!(parse("[1, 2, 3]").unwrap().depth, 1);
    }

    #[test]
    fn bad_coordinates_name_the_offset() {
        assert_eq!(parse("[[0,0],[1]]").unwrap_err().0, 9);
        assert!(parse("[[0,0],[[1,1]]]")
            .unwrap_err()
            .1
            .contains("mixed depth"));
        assert!(parse("[\"1\", 2]").is_err());
        assert!(parse("[01, 2]").is_err());
    }
}
