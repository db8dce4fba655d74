//! Text templates over feature properties (`"{name}"`, `"{pop:,.1f}"`, `"{share:.0%|n/a}"`)
//! and word wrap. A template is parsed once (the spec checks every template when it is
//! loaded, so a malformed one is a spec error with its line and column) and filled per
//! feature.

use super::number_format::{Decimal, NumberFormat};
use crate::sources::Feature;
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

/// A parsed template: literal text and fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Literal(String),
    Field(Field),
}

/// `{name:format|fallback}`.
#[derive(Debug, Clone, PartialEq)]
struct Field {
    name: String,
    format: Option<NumberFormat>,
    /// Written instead of the value when it is missing (or, with a format, not a number).
    fallback: Option<String>,
}

impl Template {
    /// Parses `{key}`, `{key:format}` and `{key|fallback}` fields (both may be combined,
    /// format first); `{{` and `}}` are literal braces. The error says what is wrong and
    /// quotes the template.
    pub fn parse(template: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chars = template.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    literal.push('}');
                }
                '{' => {
                    let mut inside = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some('{') => {
                                return Err(format!(
                                    "'{{' inside a field in template {template:?} (write {{{{ for a literal brace)"
                                ))
                            }
                            Some(c) => inside.push(c),
                            None => {
                                return Err(format!(
                                    "unclosed '{{' in template {template:?}"
                                ))
                            }
                        }
                    }
                    if !literal.is_empty() {
                        parts.push(Part::Literal(std::mem::take(&mut literal)));
                    }
                    parts.push(Part::Field(Field::parse(&inside, template)?));
                }
                '}' => {
                    return Err(format!(
                        "unmatched '}}' in template {template:?} (write }}}} for a literal brace)"
                    ))
                }
                c => literal.push(c),
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Literal(literal));
        }
        Ok(Template { parts })
    }

    /// The properties the template names, in order.
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Field(f) => Some(f.name.as_str()),
            Part::Literal(_) => None,
        })
    }

    /// Fills the fields from the feature's properties. Without a feature, only literal
    /// text and fallbacks work.
    pub fn fill(&self, feature: Option<&Feature>) -> Result<String, TemplateError> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Literal(s) => out.push_str(s),
                Part::Field(f) => out.push_str(&f.fill(feature)?),
            }
        }
        Ok(out)
    }
}

impl Field {
    fn parse(inside: &str, template: &str) -> Result<Field, String> {
        let (head, fallback) = match inside.split_once('|') {
            Some((h, f)) => (h, Some(f.to_string())),
            None => (inside, None),
        };
        let (name, format) = match head.split_once(':') {
            Some((n, f)) => (n.trim(), f.trim()),
            None => (head.trim(), ""),
        };
        if name.is_empty() {
            return Err(format!(
                "a field without a property name ({{{inside}}}) in template {template:?}"
            ));
        }
        let format = if format.is_empty() {
            None
        } else {
            Some(
                NumberFormat::parse(format)
                    .map_err(|m| format!("{m}, in template {template:?}"))?,
            )
        };
        Ok(Field {
            name: name.to_string(),
            format,
            fallback,
        })
    }

    fn fill(&self, feature: Option<&Feature>) -> Result<String, TemplateError> {
        let Some(format) = &self.format else {
            return match (
                feature.and_then(|f| f.property_text(&self.name)),
                &self.fallback,
            ) {
                (Some(v), _) => Ok(v),
                (None, Some(fallback)) => Ok(fallback.clone()),
                (None, None) => Err(TemplateError::Missing(self.name.clone())),
            };
        };
        // The number as the file writes it (every digit), not as an f64 would keep it.
        let raw = feature.and_then(|f| raw_property(f, &self.name));
        match (raw.as_deref().and_then(number_text), &self.fallback) {
            (Some(n), _) => Ok(format.format(&n)),
            (None, Some(fallback)) => Ok(fallback.clone()),
            (None, None) => Err(TemplateError::NotNumber {
                field: self.name.clone(),
                value: raw.map(|v| shorten(&v)),
            }),
        }
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

/// Checks a template's syntax, as the spec does when it is loaded.
pub fn check(template: &str) -> Result<(), String> {
    Template::parse(template).map(|_| ())
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
        let t = Template::parse("{a} and {b:.1f|-}").unwrap();
        assert_eq!(t.fields().collect::<Vec<_>>(), ["a", "b"]);
        for bad in ["{a", "a}", "{}", "{:,}", "{a:q}", "{a{b}}", "{a:.1f,}"] {
            assert!(check(bad).is_err(), "{bad}");
        }
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
