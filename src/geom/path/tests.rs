use super::*;

/// The path text as it was written before paths held commands: each number pushed with
/// [`push_num`] as the path was built.
fn text_as_built(commands: &[(u8, Vec<[f64; 2]>)]) -> String {
    let mut d = Vec::new();
    for (letter, points) in commands {
        d.push(*letter);
        for (i, p) in points.iter().enumerate() {
            if i > 0 {
                d.push(b' ');
            }
            push_num(&mut d, p[0]);
            d.push(b',');
            push_num(&mut d, p[1]);
        }
    }
    String::from_utf8(d).unwrap()
}

/// A small xorshift, so the samples are the same on every run.
struct Samples(u64);

impl Samples {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A coordinate of any magnitude up to about 1e17, often fractional.
    fn coordinate(&mut self) -> f64 {
        let mantissa = (self.next() % 2_000_000_001) as f64 / 1e6 - 1000.0;
        let exponent = (self.next() % 15) as i32;
        mantissa * 10f64.powi(exponent)
    }
}

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
    assert_eq!(d.to_svg(), "M0.00,0.33L0.00,2.50Z");
    assert_eq!(d.svg_len(), d.to_svg().len());
}

/// The SVG text of the commands is, byte for byte, the text the numbers were written as
/// when the path was built, for every magnitude, including the ones kept wide.
#[test]
fn svg_text_is_the_text_written_as_built() {
    let mut samples = Samples(0x9e37_79b9_7f4a_7c15);
    let specials = [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        1e16,
        -1e40,
        21_474_836.47,
        21_474_836.475,
        -21_474_836.48,
        -21_474_836.485,
        8.99e13,
        -0.0,
        -0.004,
    ];
    let mut built = Vec::new();
    let mut d = PathData::new();
    let point = |samples: &mut Samples, i: usize| {
        let v = samples.coordinate();
        [
            specials.get(i % 50).copied().unwrap_or(v),
            samples.coordinate(),
        ]
    };
    for i in 0..20_000 {
        let p = point(&mut samples, i);
        match i % 5 {
            0 => {
                d.move_to(p);
                built.push((b'M', vec![p]));
            }
            1 => {
                let c = point(&mut samples, i + 1);
                d.quad_to(c, p);
                built.push((b'Q', vec![c, p]));
            }
            2 => {
                let (c1, c2) = (point(&mut samples, i + 2), point(&mut samples, i + 3));
                d.cubic_to(c1, c2, p);
                built.push((b'C', vec![c1, c2, p]));
            }
            3 => {
                d.close();
                built.push((b'Z', vec![]));
            }
            _ => {
                d.line_to(p);
                built.push((b'L', vec![p]));
            }
        }
    }
    let want = text_as_built(&built);
    assert_eq!(d.to_svg(), want);
    assert_eq!(d.svg_len(), want.len());
    assert_eq!(d.finish().to_svg(), want);
}

/// What a renderer reading the SVG text gets for `v` (`f32`, as usvg and the PNG writer
/// read it), against what the commands give, cast to `f32`.
fn same_f32(v: f64) {
    let mut d = PathData::new();
    d.move_to([v, 0.0]);
    let Some(PathCommand::MoveTo([x, _])) = d.commands().next() else {
        panic!("no move for {v}");
    };
    let text = num(v);
    let parsed: f32 = text.parse().unwrap_or(f32::NAN);
    let from_commands = x as f32;
    assert!(
        from_commands.to_bits() == parsed.to_bits() || (from_commands.is_nan() && parsed.is_nan()),
        "{v}: the text {text} reads as {parsed}, the command gives {from_commands}"
    );
}

/// Hundredths divided by 100 in f64 and then rounded to f32 give exactly the f32 nearest
/// the decimal text: the decimal is never within f64 error of an f32 rounding midpoint.
#[test]
fn coordinates_read_as_the_svg_text_reads() {
    // Every value to ±20,000.00 pixels.
    for n in -2_000_000..=2_000_000i64 {
        same_f32(n as f64 / 100.0);
    }
    // Hundredths next to the f32 rounding midpoints, where double rounding would show.
    let mut f = 0.01f32;
    while f < 9.0e13 {
        let midpoint = (f64::from(f) + f64::from(f32::from_bits(f.to_bits() + 1))) / 2.0;
        let n = (midpoint * 100.0).round();
        for k in -2..=2 {
            same_f32((n + f64::from(k)) / 100.0);
            same_f32(-(n + f64::from(k)) / 100.0);
        }
        f *= 1.000_37;
    }
    let mut samples = Samples(12345);
    for _ in 0..500_000 {
        same_f32(samples.coordinate());
    }
    for v in [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        1e16,
        -1e40,
        9.0e13,
        1e300,
    ] {
        same_f32(v);
    }
}

/// The digit-at-a-time writer `push_hundredths` replaced, as the reference.
fn hundredths_one_digit_at_a_time(n: i64) -> Vec<u8> {
    let mut out = Vec::new();
    let mut n = n;
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
    out
}

#[test]
fn hundredths_are_written_as_one_digit_at_a_time() {
    let mut seed = 0x2545_F491_4F6C_DD1D_u64;
    let mut values: Vec<i64> = (-100_000..100_000).collect();
    values.extend([
        i64::from(i32::MAX),
        i64::from(i32::MIN) + 1,
        9_000_000_000_000_000,
    ]);
    for _ in 0..100_000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        values.push((seed % 20_000_000_000) as i64 - 10_000_000_000);
    }
    for n in values {
        let mut out = Vec::new();
        push_hundredths(&mut out, n);
        assert_eq!(out, hundredths_one_digit_at_a_time(n), "{n}");
        assert_eq!(out.len(), hundredths_len(n), "{n}");
    }
}
