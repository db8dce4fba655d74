//! Number formats for label templates, in the style of d3-format: `,.1f`, `.0%`, `.3s`,
//! `,d`, `.2e`, with fill, alignment, sign, width and `~` trimming. Numbers are held as
//! decimal digits, exactly as the data writes them, so `0.07` formats as `7%` (never
//! `7.000000000000001%`) and integers above 2^53 keep every digit. Rounding is half away
//! from zero on those digits. No locale: `,` groups thousands, `.` is the decimal point,
//! `-` the minus sign, on every machine.

/// Longest width a format may ask for (a label wider than this is a mistake).
pub const MAX_WIDTH: usize = 200;
/// Most digits a precision may ask for.
pub const MAX_PRECISION: usize = 20;
/// Numbers smaller than 10^-`UNDERFLOW` are zero (far below any f64), so no format can
/// write more than a few hundred digits.
const UNDERFLOW: i64 = 400;

/// A finite number as decimal digits: `0.d₀d₁d₂… × 10^point`, digits without leading or
/// trailing zeros. Zero has no digits (and `point` 1, so its exponent is 0).
#[derive(Debug, Clone, PartialEq)]
pub struct Decimal {
    negative: bool,
    digits: Vec<u8>,
    point: i64,
}

impl Decimal {
    /// Reads a number written as JSON writes one (`-12`, `0.5`, `1.2e-7`, an optional `+`),
    /// with surrounding spaces. `None` for anything else, and for numbers beyond f64.
    pub fn parse(text: &str) -> Option<Decimal> {
        let t = text.trim();
        let (negative, unsigned) = match t.as_bytes().first()? {
            b'-' => (true, &t[1..]),
            b'+' => (false, &t[1..]),
            _ => (false, t),
        };
        let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
            Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
            None => (unsigned, None),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if int.len() + frac.len() == 0 || !all_digits(int) || !all_digits(frac) {
            return None;
        }
        let exponent: i64 = match exponent {
            None => 0,
            Some(e) => {
                let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
                if digits.is_empty() || !all_digits(digits) {
                    return None;
                }
                // Saturates: such exponents are refused or underflow below.
                let magnitude = digits.bytes().fold(0i64, |acc, b| {
                    acc.saturating_mul(10).saturating_add(i64::from(b - b'0'))
                });
                if e.starts_with('-') {
                    -magnitude
                } else {
                    magnitude
                }
            }
        };
        // Beyond f64 (1e400) is not a number any data meant.
        if !t.parse::<f64>().is_ok_and(f64::is_finite) {
            return None;
        }
        let all: Vec<u8> = int.bytes().chain(frac.bytes()).map(|b| b - b'0').collect();
        let Some(first) = all.iter().position(|&d| d != 0) else {
            return Some(Decimal::zero());
        };
        let last = all.iter().rposition(|&d| d != 0).unwrap_or(first);
        let int_len = i64::try_from(int.len()).ok()?;
        let first_i = i64::try_from(first).ok()?;
        let point = int_len.saturating_sub(first_i).saturating_add(exponent);
        if point < -UNDERFLOW {
            return Some(Decimal::zero());
        }
        Some(Decimal {
            negative,
            digits: all[first..=last].to_vec(),
            point,
        })
    }

    /// A JSON value as a number: a number, or a string holding one (`"1234"`).
    pub fn from_json(v: &serde_json::Value) -> Option<Decimal> {
        match v {
            serde_json::Value::Number(n) => Decimal::parse(&n.to_string()),
            serde_json::Value::String(s) => Decimal::parse(s),
            _ => None,
        }
    }

    fn zero() -> Decimal {
        Decimal {
            negative: false,
            digits: Vec::new(),
            point: 1,
        }
    }

    fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    /// Keeps the first `keep` digits, rounding half away from zero.
    fn round_at(&mut self, keep: i64) {
        let len = self.digits.len() as i64;
        if keep >= len {
            return;
        }
        if keep < 0 {
            *self = Decimal::zero();
            return;
        }
        let k = keep as usize;
        let up = self.digits.get(k).is_some_and(|&d| d >= 5);
        self.digits.truncate(k);
        if up {
            let mut i = k;
            loop {
                if i == 0 {
                    self.digits.insert(0, 1);
                    self.point += 1;
                    break;
                }
                i -= 1;
                if self.digits[i] == 9 {
                    self.digits[i] = 0;
                } else {
                    self.digits[i] += 1;
                    break;
                }
            }
        }
        while self.digits.last() == Some(&0) {
            self.digits.pop();
        }
        if self.digits.is_empty() {
            *self = Decimal::zero();
        }
    }

    /// Rounds to `decimals` digits after the decimal point.
    fn round_decimals(&mut self, decimals: usize) {
        self.round_at(self.point.saturating_add(decimals as i64));
    }

    /// Rounds to `significant` digits (at least 1).
    fn round_significant(&mut self, significant: usize) {
        self.round_at(significant.max(1) as i64);
    }

    /// Multiplies by 10^k, exactly.
    fn shift(&mut self, k: i64) {
        if !self.is_zero() {
            self.point += k;
        }
    }

    /// The exponent of scientific notation (`1.23e+4` → 4).
    fn exponent(&self) -> i64 {
        if self.is_zero() {
            0
        } else {
            self.point - 1
        }
    }

    fn digit(&self, index: i64) -> char {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.digits.get(i))
            .map_or('0', |d| char::from(b'0' + d))
    }

    /// Decimal notation with exactly `decimals` digits after the point (no rounding: round
    /// first).
    fn fixed(&self, decimals: usize) -> Body {
        let int = if self.point <= 0 {
            "0".to_string()
        } else {
            (0..self.point).map(|i| self.digit(i)).collect()
        };
        let frac = (0..decimals as i64)
            .map(|i| self.digit(self.point + i))
            .collect();
        Body {
            int,
            frac,
            exponent: None,
        }
    }

    /// Scientific notation with `decimals` digits after the point.
    fn scientific(&self, decimals: usize) -> Body {
        Body {
            int: self.digit(0).to_string(),
            frac: (1..=decimals as i64).map(|i| self.digit(i)).collect(),
            exponent: Some(self.exponent()),
        }
    }

    /// How JavaScript writes a number: every digit, in decimal notation from 10^-7 up to
    /// 10^21 and in scientific notation beyond.
    fn plain(&self) -> Body {
        let e = self.exponent();
        let len = self.digits.len();
        if (-7..21).contains(&e) {
            self.fixed((len as i64 - self.point).max(0) as usize)
        } else {
            self.scientific(len.saturating_sub(1))
        }
    }
}

/// A formatted number before grouping and padding.
struct Body {
    int: String,
    frac: String,
    exponent: Option<i64>,
}

impl Body {
    fn trim(&mut self) {
        while self.frac.ends_with('0') {
            self.frac.pop();
        }
    }

    fn write(&self, int: &str) -> String {
        let mut s = int.to_string();
        if !self.frac.is_empty() {
            s.push('.');
            s.push_str(&self.frac);
        }
        if let Some(e) = self.exponent {
            s.push_str(&format!("e{}{}", if e < 0 { '-' } else { '+' }, e.abs()));
        }
        s
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Align {
    Left,
    Right,
    Center,
    /// Padding between the sign and the digits.
    AfterSign,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Sign {
    /// `-` for negative numbers only (the default).
    Minus,
    /// `+` or `-`.
    Plus,
    /// A space or `-`.
    Space,
    /// Negative numbers in parentheses.
    Parens,
}

/// A parsed format such as `,.1f` (d3-format's
/// `[[fill]align][sign][$][0][width][,][.precision][~][type]`).
#[derive(Debug, Clone, PartialEq)]
pub struct NumberFormat {
    fill: char,
    align: Align,
    sign: Sign,
    currency: bool,
    zero: bool,
    width: usize,
    comma: bool,
    precision: Option<usize>,
    trim: bool,
    kind: Option<char>,
}

/// The format types, for error messages.
const TYPES: &str = "e, f, g, r, s, %, p, d or n";

impl NumberFormat {
    pub fn parse(spec: &str) -> Result<NumberFormat, String> {
        let chars: Vec<char> = spec.chars().collect();
        let mut i = 0;
        let align_of = |c: Option<&char>| match c {
            Some('<') => Some(Align::Left),
            Some('>') => Some(Align::Right),
            Some('^') => Some(Align::Center),
            Some('=') => Some(Align::AfterSign),
            _ => None,
        };
        let mut f = NumberFormat {
            fill: ' ',
            align: Align::Right,
            sign: Sign::Minus,
            currency: false,
            zero: false,
            width: 0,
            comma: false,
            precision: None,
            trim: false,
            kind: None,
        };
        if let (Some(&fill), Some(a)) = (chars.first(), align_of(chars.get(1))) {
            f.fill = fill;
            f.align = a;
            i = 2;
        } else if let Some(a) = align_of(chars.first()) {
            f.align = a;
            i = 1;
        }
        let sign = match chars.get(i) {
            Some('+') => Some(Sign::Plus),
            Some(' ') => Some(Sign::Space),
            Some('(') => Some(Sign::Parens),
            Some('-') => Some(Sign::Minus),
            _ => None,
        };
        if let Some(sign) = sign {
            f.sign = sign;
            i += 1;
        }
        match chars.get(i) {
            Some('$') => {
                f.currency = true;
                i += 1;
            }
            Some('#') => {
                return Err(format!(
                    "'#' (alternate form) is not supported in number format {spec:?}"
                ))
            }
            _ => {}
        }
        if chars.get(i) == Some(&'0') {
            f.zero = true;
            f.fill = '0';
            f.align = Align::AfterSign;
            i += 1;
        }
        let number = |i: &mut usize| -> Option<usize> {
            let start = *i;
            while chars.get(*i).is_some_and(char::is_ascii_digit) {
                *i += 1;
            }
            // Long digit runs are refused by the limits below, not overflowed.
            (*i > start).then(|| {
                chars[start..*i].iter().fold(0usize, |acc, c| {
                    acc.saturating_mul(10)
                        .saturating_add(c.to_digit(10).unwrap_or(0) as usize)
                })
            })
        };
        if let Some(w) = number(&mut i) {
            if w > MAX_WIDTH {
                return Err(format!(
                    "width {w} in number format {spec:?} is more than {MAX_WIDTH}"
                ));
            }
            f.width = w;
        }
        if chars.get(i) == Some(&',') {
            f.comma = true;
            i += 1;
        }
        if chars.get(i) == Some(&'.') {
            i += 1;
            let p = number(&mut i).ok_or_else(|| {
                format!("'.' needs a precision (digits) in number format {spec:?}")
            })?;
            if p > MAX_PRECISION {
                return Err(format!(
                    "precision {p} in number format {spec:?} is more than {MAX_PRECISION}"
                ));
            }
            f.precision = Some(p);
        }
        if chars.get(i) == Some(&'~') {
            f.trim = true;
            i += 1;
        }
        match chars.get(i) {
            None => {}
            Some(&c) if "efgrs%pdn".contains(c) => {
                f.kind = Some(c);
                i += 1;
            }
            Some(c) if c.is_ascii_alphabetic() => {
                return Err(format!(
                    "unknown format type '{c}' in number format {spec:?} (use {TYPES})"
                ))
            }
            Some(_) => {}
        }
        if i < chars.len() {
            return Err(format!(
                "unknown number format {spec:?}: expected [[fill]align][sign][$][0][width][,][.precision][~][type], with type {TYPES} (e.g. \",.1f\", \".0%\", \".3s\")"
            ));
        }
        if f.kind == Some('n') {
            f.comma = true;
            f.kind = Some('g');
        }
        Ok(f)
    }

    /// Writes `value` in this format.
    pub fn format(&self, value: &Decimal) -> String {
        let mut v = value.clone();
        let mut si = "";
        let mut percent = false;
        let mut body = match (self.kind, self.precision) {
            (Some('f'), p) => {
                let p = p.unwrap_or(6);
                v.round_decimals(p);
                v.fixed(p)
            }
            (Some('%'), p) => {
                let p = p.unwrap_or(6);
                percent = true;
                v.shift(2);
                v.round_decimals(p);
                v.fixed(p)
            }
            (Some('d'), _) => {
                v.round_decimals(0);
                v.fixed(0)
            }
            (Some('e'), p) => {
                let p = p.unwrap_or(6);
                v.round_significant(p + 1);
                v.scientific(p)
            }
            (Some('r'), p) => rounded(&mut v, p.unwrap_or(6)),
            (Some('p'), p) => {
                percent = true;
                v.shift(2);
                rounded(&mut v, p.unwrap_or(6))
            }
            (Some('s'), p) => {
                let p = p.unwrap_or(6).max(1);
                v.round_significant(p);
                let i = v.exponent().div_euclid(3).clamp(-8, 8);
                v.shift(-3 * i);
                si = SI[(i + 8) as usize];
                v.fixed((p as i64 - v.point).max(0) as usize)
            }
            (Some(_), p) => general(&mut v, p.unwrap_or(6)),
            (None, Some(p)) => {
                let mut b = general(&mut v, p);
                b.trim();
                b
            }
            (None, None) => v.plain(),
        };
        if self.trim {
            body.trim();
        }
        // A number that rounds to zero has no sign.
        let negative = v.negative && !v.is_zero();
        let mut prefix = String::new();
        match (negative, self.sign) {
            (true, Sign::Parens) => prefix.push('('),
            (true, _) => prefix.push('-'),
            (false, Sign::Plus) => prefix.push('+'),
            (false, Sign::Space) => prefix.push(' '),
            (false, _) => {}
        }
        if self.currency {
            prefix.push('$');
        }
        let mut suffix = si.to_string();
        if percent {
            suffix.push('%');
        }
        if negative && self.sign == Sign::Parens {
            suffix.push(')');
        }
        let len = |s: &str| s.chars().count();
        let mut int = body.int.clone();
        if self.comma {
            if self.zero {
                // Zero padding is grouped with the digits: 00,001,234.
                let rest = len(&prefix) + len(&body.write("")) + len(&suffix);
                while len(&group(&int)) + rest < self.width {
                    int.insert(0, '0');
                }
            }
            int = group(&int);
        }
        let number = body.write(&int);
        let used = len(&prefix) + len(&number) + len(&suffix);
        let pad: String = std::iter::repeat_n(self.fill, self.width.saturating_sub(used)).collect();
        match self.align {
            Align::Left => format!("{prefix}{number}{suffix}{pad}"),
            Align::AfterSign => format!("{prefix}{pad}{number}{suffix}"),
            Align::Center => {
                let half = pad.chars().count() / 2;
                let (a, b): (String, String) = (
                    pad.chars().take(half).collect(),
                    pad.chars().skip(half).collect(),
                );
                format!("{a}{prefix}{number}{suffix}{b}")
            }
            Align::Right => format!("{pad}{prefix}{number}{suffix}"),
        }
    }
}

/// SI prefixes from 10^-24 to 10^24, by thousands.
const SI: [&str; 17] = [
    "y", "z", "a", "f", "p", "n", "µ", "m", "", "k", "M", "G", "T", "P", "E", "Z", "Y",
];

/// Decimal notation rounded to `significant` digits (type `r`).
fn rounded(v: &mut Decimal, significant: usize) -> Body {
    let p = significant.max(1);
    v.round_significant(p);
    v.fixed((p as i64 - v.point).max(0) as usize)
}

/// Decimal or scientific notation rounded to `significant` digits, as JavaScript's
/// `toPrecision` chooses (type `g`).
fn general(v: &mut Decimal, significant: usize) -> Body {
    let p = significant.max(1);
    v.round_significant(p);
    let e = v.exponent();
    if e < -6 || e >= p as i64 {
        v.scientific(p - 1)
    } else {
        v.fixed((p as i64 - 1 - e).max(0) as usize)
    }
}

/// `1234567` → `1,234,567`.
fn group(int: &str) -> String {
    let n = int.chars().count();
    let mut out = String::with_capacity(n + n / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(spec: &str, value: &str) -> String {
        let f = NumberFormat::parse(spec).unwrap_or_else(|e| panic!("{spec}: {e}"));
        let v = Decimal::parse(value).unwrap_or_else(|| panic!("{value}"));
        f.format(&v)
    }

    #[test]
    fn d3_examples() {
        for (spec, value, want) in [
            (",", "1234.5", "1,234.5"),
            (",", "1234567", "1,234,567"),
            (",", "-1234567.891", "-1,234,567.891"),
            (",.1f", "1234.56", "1,234.6"),
            (",.1f", "-0.04", "0.0"),
            (".2f", "1.005", "1.01"),
            (".0f", "2.5", "3"),
            (".0f", "-2.5", "-3"),
            (".0%", "0.123", "12%"),
            (".1%", "0.07", "7.0%"),
            (".3s", "1234", "1.23k"),
            (".3s", "999.5", "1.00k"),
            (".3s", "0.00123", "1.23m"),
            (".3s", "1500000", "1.50M"),
            (".3~s", "1500000", "1.5M"),
            (".3s", "0", "0.00"),
            (",d", "1234567.6", "1,234,568"),
            (",d", "12345678901234567890", "12,345,678,901,234,567,890"),
            (".2e", "1234", "1.23e+3"),
            (".2e", "0.000123", "1.23e-4"),
            (".2e", "0", "0.00e+0"),
            ("e", "1234", "1.234000e+3"),
            (".3g", "1234", "1.23e+3"),
            (".3g", "12.345", "12.3"),
            (".2r", "1234.5", "1200"),
            (".1p", "0.1234", "10%"),
            (".3p", "0.1234", "12.3%"),
            ("n", "1234.5", "1,234.50"),
            (".3", "1234.5", "1.23e+3"),
            (".4", "0.5", "0.5"),
            ("+.1f", "3", "+3.0"),
            ("+.1f", "-3", "-3.0"),
            (" .1f", "3", " 3.0"),
            ("(.1f", "-3", "(3.0)"),
            ("(.1f", "3", "3.0"),
            ("$,.2f", "-1234.5", "-$1,234.50"),
            ("8.1f", "3.14159", "     3.1"),
            ("<8.1f", "3.14159", "3.1     "),
            ("^8.1f", "3.14159", "  3.1   "),
            ("*^9d", "42", "***42****"),
            ("08.2f", "-3.14159", "-0003.14"),
            ("010,.0f", "1234", "00,001,234"),
            ("=+8d", "42", "+     42"),
            ("", "1e21", "1e+21"),
            ("", "0.00000001", "1e-8"),
            ("", "0.000001", "0.000001"),
            ("", "+7", "7"),
            (".2f", "1e-999", "0.00"),
        ] {
            assert_eq!(fmt(spec, value), want, "{spec:?} of {value}");
        }
    }

    #[test]
    fn formats_that_are_not_understood_are_errors() {
        for spec in [
            "x", ".2q", "#x", ",.f", "abc", ".1f,", "10000d", ".99f", ".1ff",
        ] {
            assert!(NumberFormat::parse(spec).is_err(), "{spec:?}");
        }
    }

    #[test]
    fn only_numbers_are_numbers() {
        for s in ["12", "-1.5", " 3 ", "1e5", "1E-5", ".5", "5.", "+2"] {
            assert!(Decimal::parse(s).is_some(), "{s:?}");
        }
        for s in [
            "", "-", "abc", "1,000", "1.2.3", "NaN", "inf", "Infinity", "1e", "1e400", "0x10",
            "1 000", "--1",
        ] {
            assert!(Decimal::parse(s).is_none(), "{s:?}");
        }
        assert_eq!(
            Decimal::from_json(&serde_json::json!(0.07)),
            Decimal::parse("7e-2")
        );
        assert!(Decimal::from_json(&serde_json::json!(true)).is_none());
        assert!(Decimal::from_json(&serde_json::json!(null)).is_none());
    }
}
