//! Exact comparison of `where` values with data values. Numbers compare by decimal value
//! with no rounding (`5` = `5.0` = `5e0`; `9007199254740993` ≠ `9007199254740992`); a
//! string and a number match when the string is a JSON number of that value (so ids
//! beyond TOML's 64-bit integers can be named as strings); other values match only their
//! equal.

use super::value::Value;

/// A JSON number as an exact decimal: `digits` × 10^`exp`, `digits` without leading
/// or trailing zeros (empty for zero, whose sign is dropped).
#[derive(Debug, PartialEq, Eq)]
pub struct Decimal {
    negative: bool,
    digits: Vec<u8>,
    exp: i64,
}

impl Decimal {
    /// Reads text in JSON's number grammar; `None` for anything else (or an exponent
    /// too large to hold, which no real value has).
    pub fn parse(text: &str) -> Option<Decimal> {
        let b = text.as_bytes();
        let mut i = 0;
        let negative = b.first() == Some(&b'-');
        if negative {
            i += 1;
        }
        let int_start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let int = &b[int_start..i];
        if int.is_empty() || (int.len() > 1 && int[0] == b'0') {
            return None;
        }
        let mut frac: &[u8] = &[];
        if b.get(i) == Some(&b'.') {
            i += 1;
            let s = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            frac = &b[s..i];
            if frac.is_empty() {
                return None;
            }
        }
        let mut exp: i64 = 0;
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            let neg_exp = b.get(i) == Some(&b'-');
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let s = i;
            while let Some(&c @ b'0'..=b'9') = b.get(i) {
                exp = exp.checked_mul(10)?.checked_add(i64::from(c - b'0'))?;
                i += 1;
            }
            if i == s {
                return None;
            }
            if neg_exp {
                exp = -exp;
            }
        }
        if i != b.len() {
            return None;
        }
        let mut digits: Vec<u8> = int.iter().chain(frac).copied().collect();
        exp = exp.checked_sub(i64::try_from(frac.len()).ok()?)?;
        let lead = digits.iter().take_while(|&&d| d == b'0').count();
        digits.drain(..lead);
        while digits.last() == Some(&b'0') {
            digits.pop();
            exp = exp.checked_add(1)?;
        }
        if digits.is_empty() {
            return Some(Decimal {
                negative: false,
                digits,
                exp: 0,
            });
        }
        Some(Decimal {
            negative,
            digits,
            exp,
        })
    }
}

impl Decimal {
    /// The value as text that is equal for equal values: a whole number of up to
    /// [`PLAIN_DIGITS`] digits as its plain digits (`1001`, `-5`, `0`), any other value as
    /// its significant digits and exponent (`97e-3` for 0.097, `1e400`).
    pub fn canonical(&self) -> String {
        let sign = if self.negative { "-" } else { "" };
        let digits = String::from_utf8_lossy(&self.digits);
        if self.digits.is_empty() {
            return "0".into();
        }
        match usize::try_from(self.exp) {
            Ok(zeros) if self.digits.len() + zeros <= PLAIN_DIGITS => {
                format!("{sign}{digits}{}", "0".repeat(zeros))
            }
            _ => format!("{sign}{digits}e{}", self.exp),
        }
    }
}

/// The most digits a whole number is written out with in [`Decimal::canonical`].
pub const PLAIN_DIGITS: usize = 40;

impl Ord for Decimal {
    /// Numeric order, exact: the sign, then where the leading digit stands, then the
    /// digits (without trailing zeros, a shorter run of equal digits is the smaller).
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let sign = |d: &Decimal| match (d.digits.is_empty(), d.negative) {
            (true, _) => 0,
            (false, true) => -1,
            (false, false) => 1,
        };
        let (a, b) = (sign(self), sign(other));
        if a != b || a == 0 {
            return a.cmp(&b);
        }
        let lead = |d: &Decimal| d.digits.len() as i128 + i128::from(d.exp);
        let magnitude = lead(self)
            .cmp(&lead(other))
            .then_with(|| self.digits.cmp(&other.digits));
        if a < 0 {
            magnitude.reverse()
        } else {
            magnitude
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Whether well-formed JSON text is a number (its first character says).
pub fn is_number(json: &str) -> bool {
    json.starts_with(|c: char| c == '-' || c.is_ascii_digit())
}

/// Whether the spec value `wanted` matches the data value whose JSON text is `json`.
pub fn matches(wanted: &serde_json::Value, json: &str) -> bool {
    matches_value(wanted, &Value::from_json(json))
}

/// Whether the spec value `wanted` matches the data value `value`.
pub fn matches_value(wanted: &serde_json::Value, value: &Value) -> bool {
    match value {
        Value::Text(s) => matches_text(wanted, s),
        Value::Number(t) => match Decimal::parse(t) {
            Some(d) => match wanted {
                serde_json::Value::Number(n) => Decimal::parse(&n.to_string()) == Some(d),
                serde_json::Value::String(s) => Decimal::parse(s) == Some(d),
                _ => false,
            },
            None => same_json(wanted, t),
        },
        Value::Bool(b) => *wanted == serde_json::Value::Bool(*b),
        Value::Null => wanted.is_null(),
        Value::Json(t) => same_json(wanted, t),
    }
}

/// Whether `json` is JSON text of a value equal to `wanted`.
fn same_json(wanted: &serde_json::Value, json: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(json).is_ok_and(|v| &v == wanted)
}

/// Whether `wanted` matches a data string (or an id, which may have been a number).
pub fn matches_text(wanted: &serde_json::Value, text: &str) -> bool {
    match wanted {
        serde_json::Value::String(s) if s == text => true,
        serde_json::Value::String(s) => {
            Decimal::parse(s).is_some_and(|w| Decimal::parse(text) == Some(w))
        }
        serde_json::Value::Number(n) => {
            Decimal::parse(text).is_some_and(|d| Decimal::parse(&n.to_string()) == Some(d))
        }
        _ => false,
    }
}
