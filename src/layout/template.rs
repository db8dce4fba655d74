//! Text templates over feature properties (`"{name}"`, `"{fighters_min:,}"`) and word wrap.

use crate::data::Feature;
use crate::fonts;

/// Why a template could not be filled.
#[derive(Debug, Clone, PartialEq)]
pub enum TemplateError {
    /// The feature has no such property (or it is null).
    Missing(String),
    /// The template itself is malformed.
    Syntax(String),
}

/// Fills `{key}` and `{key:,}` (number with thousands separators) from the feature's
/// properties; `{{` and `}}` are literal braces. Without a feature, only literal text works.
pub fn fill(template: &str, feature: Option<&Feature>) -> Result<String, TemplateError> {
    let mut out = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let mut key = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(c) => key.push(c),
                        None => {
                            return Err(TemplateError::Syntax(format!(
                                "unclosed '{{' in template {template:?}"
                            )))
                        }
                    }
                }
                let (name, format) = match key.split_once(':') {
                    Some((n, f)) => (n.trim(), f.trim()),
                    None => (key.trim(), ""),
                };
                if name.is_empty() {
                    return Err(TemplateError::Syntax(format!(
                        "empty '{{}}' in template {template:?}"
                    )));
                }
                let value = feature
                    .and_then(|f| f.property_text(name))
                    .ok_or_else(|| TemplateError::Missing(name.to_string()))?;
                match format {
                    "" => out.push_str(&value),
                    "," => out.push_str(&thousands(&value)),
                    other => {
                        return Err(TemplateError::Syntax(format!(
                            "unknown format ':{other}' in template {template:?} (only ':,' for thousands separators)"
                        )))
                    }
                }
            }
            '}' => {
                return Err(TemplateError::Syntax(format!(
                    "unmatched '}}' in template {template:?}"
                )))
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

/// `1234567` → `1,234,567`; non-integers are returned as they are.
pub fn thousands(s: &str) -> String {
    let (sign, digits) = match s.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", s),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return s.to_string();
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// Splits text at explicit newlines, then wraps each paragraph at word boundaries so no line
/// is wider than `max_width` pixels (a single long word stays whole).
pub fn wrap(text: &str, max_width: f64, size: f64, bold: bool, italic: bool) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if !line.is_empty()
                && fonts::text_width(&candidate, size, bold, italic, 0.0) > max_width
            {
                lines.push(std::mem::replace(&mut line, word.to_string()));
            } else {
                line = candidate;
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feature() -> Feature {
        let props = serde_json::json!({"name": "Kunduz", "n": 1000, "none": null});
        Feature {
            id: "AF-KDZ".into(),
            properties: crate::data::Properties::from_object(
                props.as_object().cloned().unwrap_or_default(),
            ),
            geometry: None,
        }
    }

    #[test]
    fn fills_properties_and_formats() {
        let f = feature();
        assert_eq!(fill("{name} ({id})", Some(&f)).unwrap(), "Kunduz (AF-KDZ)");
        assert_eq!(
            fill("{n:,} fighters {{x}}", Some(&f)).unwrap(),
            "1,000 fighters {x}"
        );
        assert_eq!(
            fill("{none}", Some(&f)),
            Err(TemplateError::Missing("none".into()))
        );
        assert!(matches!(
            fill("{name", Some(&f)),
            Err(TemplateError::Syntax(_))
        ));
        assert_eq!(fill("plain", None).unwrap(), "plain");
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands("1000"), "1,000");
        assert_eq!(thousands("-1234567"), "-1,234,567");
        assert_eq!(thousands("12.5"), "12.5");
    }

    #[test]
    fn wrapping_respects_width_and_newlines() {
        let lines = wrap(
            "one two three four five six\nseven",
            60.0,
            12.0,
            false,
            false,
        );
        assert!(lines.len() >= 3, "{lines:?}");
        assert_eq!(lines.last().map(String::as_str), Some("seven"));
        for l in &lines[..lines.len() - 1] {
            assert!(
                fonts::text_width(l, 12.0, false, false, 0.0) <= 60.0 || !l.contains(' '),
                "{l}"
            );
        }
    }
}
