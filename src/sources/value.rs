//! A property value as every reader hands it out, whatever the format: JSON, a CSV cell,
//! a Shapefile attribute. Numbers keep the exact text the file holds, so a template prints
//! `1000.50` as written and `where` compares it by decimal value, never through a float.

use std::borrow::Cow;

/// One property value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// A number as the file writes it, every digit kept (JSON's number grammar).
    Number(String),
    Text(String),
    /// An array or object, as JSON text (JSON is the only format that has them).
    Json(String),
}

impl Value {
    /// The value whose JSON text is `json`. Text that is not a JSON scalar (an array, an
    /// object, or not JSON at all) is kept whole as [`Value::Json`].
    pub fn from_json(json: &str) -> Value {
        match json {
            "null" => Value::Null,
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            t if t.starts_with('"') => match serde_json::from_str::<String>(t) {
                Ok(s) => Value::Text(s),
                Err(_) => Value::Json(t.to_string()),
            },
            t if t.starts_with(|c: char| c == '-' || c.is_ascii_digit()) => {
                Value::Number(t.to_string())
            }
            t => Value::Json(t.to_string()),
        }
    }

    /// A table cell (CSV) as a value: empty is [`Value::Null`]; a number in JSON's grammar
    /// is a [`Value::Number`] of that text, also when it omits the zero before its point
    /// (`.097`, `-.5`: spreadsheets write them; the zero is added, the value unchanged);
    /// anything else, leading zeros included (`01001`, an id), is [`Value::Text`].
    pub fn from_cell(cell: &str) -> Value {
        if cell.is_empty() {
            return Value::Null;
        }
        if is_json_number(cell) {
            return Value::Number(cell.to_string());
        }
        let (sign, rest) = match cell.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", cell),
        };
        if rest.starts_with('.') {
            let with_zero = format!("{sign}0{rest}");
            if is_json_number(&with_zero) {
                return Value::Number(with_zero);
            }
        }
        Value::Text(cell.to_string())
    }

    /// A JSON value as a [`Value`]; numbers as serde_json writes them.
    pub fn from_serde(value: &serde_json::Value) -> Value {
        match value {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(n.to_string()),
            serde_json::Value::String(s) => Value::Text(s.clone()),
            other => Value::Json(other.to_string()),
        }
    }

    /// The value as JSON text.
    pub fn to_json(&self) -> Cow<'_, str> {
        match self {
            Value::Null => "null".into(),
            Value::Bool(true) => "true".into(),
            Value::Bool(false) => "false".into(),
            Value::Number(t) | Value::Json(t) => t.as_str().into(),
            Value::Text(s) => serde_json::Value::String(s.clone()).to_string().into(),
        }
    }
}

/// Whether `t` is a number in JSON's grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
pub fn is_json_number(t: &str) -> bool {
    let b = t.as_bytes();
    let digits = |mut i: usize| {
        let s = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        (i, i - s)
    };
    let mut i = usize::from(b.first() == Some(&b'-'));
    let (end, n) = digits(i);
    if n == 0 || (n > 1 && b.get(i) == Some(&b'0')) {
        return false;
    }
    i = end;
    if b.get(i) == Some(&b'.') {
        let (end, n) = digits(i + 1);
        if n == 0 {
            return false;
        }
        i = end;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let (end, n) = digits(i);
        if n == 0 {
            return false;
        }
        i = end;
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_text_round_trips_exactly() {
        for t in [
            "null",
            "true",
            "false",
            "9007199254740993",
            "1000.50",
            "-0.0e+2",
            "\"K\\u00fcnduz \\\"x\\\"\"",
            "[1,2]",
            "{\"a\":1}",
        ] {
            let v = Value::from_json(t);
            let back = v.to_json();
            assert_eq!(Value::from_json(&back), v, "{t}");
        }
        assert_eq!(Value::from_json("1000.50"), Value::Number("1000.50".into()));
        assert_eq!(Value::from_json("\"a\""), Value::Text("a".into()));
        assert_eq!(Value::from_json("[1]"), Value::Json("[1]".into()));
    }

    #[test]
    fn cells_are_numbers_only_in_json_grammar() {
        for (cell, value) in [
            ("", Value::Null),
            ("0", Value::Number("0".into())),
            ("-12.50e+3", Value::Number("-12.50e+3".into())),
            (".097", Value::Number("0.097".into())),
            ("-.5", Value::Number("-0.5".into())),
            ("01001", Value::Text("01001".into())),
            ("1.", Value::Text("1.".into())),
            ("+1", Value::Text("+1".into())),
            ("1e", Value::Text("1e".into())),
            (".", Value::Text(".".into())),
            ("NaN", Value::Text("NaN".into())),
            ("true", Value::Text("true".into())),
            ("1,5", Value::Text("1,5".into())),
        ] {
            assert_eq!(Value::from_cell(cell), value, "{cell:?}");
        }
    }
}
