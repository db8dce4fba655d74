//! Reading coordinate arrays: a small parser for the one grammar GeoJSON coordinates use
//! (nested arrays of numbers), several times faster than going through serde per number.

/// Nested coordinate arrays of any depth, flattened: the positions in order, and for
/// each level of nesting where its arrays end. `depth` 1 is a position, 2 a list of
/// positions, 3 a list of those (a polygon), 4 a list of polygons; 0 an empty array.
#[derive(Default, Debug)]
pub struct Coordinates {
    pub depth: u8,
    pub points: Vec<[f64; 2]>,
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
        b: text.as_bytes(),
        i: 0,
        c: Coordinates::default(),
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
        self.c.points.push([x, y]);
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
        let text = std::str::from_utf8(&b[start..i]).unwrap_or("");
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            Ok(_) => Err((start, format!("number out of range: {text}"))),
            Err(_) => Err((start, "coordinates must be JSON numbers".to_string())),
        }
    }
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
            assert_eq!(c.points[0][0], t.parse::<f64>().unwrap(), "{t}");
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
