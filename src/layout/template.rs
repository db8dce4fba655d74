//! Filling templates from features, and word wrap. The template language itself (its
//! syntax, checked when a spec is loaded) is the spec's ([`crate::spec::template`]); here a
//! parsed template meets each feature's properties.

use crate::sources::Feature;
use crate::spec::number_format::Decimal;
pub use crate::spec::template::Template;
use crate::spec::template::{Field, Part};
use crate::text::shape;

/// Why a template could not be filled.
#[derive(Debug, Clone, PartialEq)]
pub enum TemplateError {
    /// The feature has no such property (or it is null), and the field has no fallback.
    Missing(String),
    /// A field with a number format found no number, and has no fallback: `value` is what
    /// it found instead (`None` when the property is missing or null).
    NotNumber {
        field: String,
        value: Option<String>,
    },
    /// The template itself is malformed.
    Syntax(String),
}

impl TemplateError {
    /// The property the error is about (none for syntax errors).
    pub fn field(&self) -> Option<&str> {
        match self {
            TemplateError::Missing(f) | TemplateError::NotNumber { field: f, .. } => Some(f),
            TemplateError::Syntax(_) => None,
        }
    }

    /// Says what went wrong, for a message that already names the template's owner and
    /// feature.
    pub fn describe(&self) -> String {
        match self {
            TemplateError::Missing(f) => format!("property {f:?} is missing"),
            TemplateError::NotNumber { field, value: None } => format!(
                "property {field:?} has a number format but is missing; add a fallback such as {{{field}|n/a}}"
            ),
            TemplateError::NotNumber {
                field,
                value: Some(v),
            } => format!(
                "property {field:?} has a number format but is {v}, not a number; add a fallback such as {{{field}|n/a}}"
            ),
            TemplateError::Syntax(m) => m.clone(),
        }
    }
}

impl Template {
    /// Fills the fields from the feature's properties. Without a feature, only literal
    /// text and fallbacks work.
    pub fn fill(&self, feature: Option<&Feature>) -> Result<String, TemplateError> {
        let mut out = String::new();
        for p in self.parts() {
            match p {
                Part::Literal(s) => out.push_str(s),
                Part::Field(f) => out.push_str(&fill_field(f, feature)?),
            }
        }
        Ok(out)
    }
}

/// One field's text: the property, formatted when the field has a number format, or the
/// fallback.
fn fill_field(field: &Field, feature: Option<&Feature>) -> Result<String, TemplateError> {
    let Some(format) = &field.format else {
        return match (
            feature.and_then(|f| f.property_text(&field.name)),
            &field.fallback,
        ) {
            (Some(v), _) => Ok(v),
            (None, Some(fallback)) => Ok(fallback.clone()),
            (None, None) => Err(TemplateError::Missing(field.name.clone())),
        };
    };
    // The number as the file writes it (every digit), not as an f64 would keep it.
    let raw = feature.and_then(|f| raw_property(f, &field.name));
    match (raw.as_deref().and_then(number_text), &field.fallback) {
        (Some(n), _) => Ok(format.format(&n)),
        (None, Some(fallback)) => Ok(fallback.clone()),
        (None, None) => Err(TemplateError::NotNumber {
            field: field.name.clone(),
            value: raw.map(|v| shorten(&v)),
        }),
    }
}

/// A property's JSON text; `id` falls back to the feature id (as a JSON string); null is
/// missing.
fn raw_property(f: &Feature, key: &str) -> Option<String> {
    match f.properties.member_json(key).as_deref().map(str::trim) {
        None | Some("null") if key == "id" => serde_json::to_string(&f.id).ok(),
        None | Some("null") => None,
        Some(t) => Some(t.to_string()),
    }
}

/// A JSON number, or a JSON string holding one (`"1234"`), read digit for digit.
fn number_text(json: &str) -> Option<Decimal> {
    if json.starts_with('"') {
        Decimal::parse(&serde_json::from_str::<String>(json).ok()?)
    } else {
        Decimal::parse(json)
    }
}

/// A value quoted in an error message, cut to a readable length.
fn shorten(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(MAX).collect::<String>())
    }
}

/// Parses and fills a template in one go (for texts filled once, such as a callout's).
pub fn fill(template: &str, feature: Option<&Feature>) -> Result<String, TemplateError> {
    Template::parse(template)
        .map_err(TemplateError::Syntax)?
        .fill(feature)
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
                && shape::text_width(&candidate, size, bold, italic, 0.0) > max_width
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
            properties: crate::sources::Properties::from_object(
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
    fn fallbacks_and_number_errors() {
        let f = feature();
        assert_eq!(fill("{none|n/a}", Some(&f)).unwrap(), "n/a");
        assert_eq!(fill("{name:.1f|?}", Some(&f)).unwrap(), "?");
        assert_eq!(fill("{n:.1f|a:b}", Some(&f)).unwrap(), "1000.0");
        assert_eq!(fill("{x|a:b}", Some(&f)).unwrap(), "a:b");
        assert_eq!(
            fill("{name:,}", Some(&f)),
            Err(TemplateError::NotNumber {
                field: "name".into(),
                value: Some("\"Kunduz\"".into())
            })
        );
        assert_eq!(
            fill("{none:,}", Some(&f)),
            Err(TemplateError::NotNumber {
                field: "none".into(),
                value: None
            })
        );
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
                shape::text_width(l, 12.0, false, false, 0.0) <= 60.0 || !l.contains(' '),
                "{l}"
            );
        }
    }
}
