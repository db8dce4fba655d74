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
}
