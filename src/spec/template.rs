//! The template language of label, callout and badge texts (`"{name}"`, `"{pop:,.1f}"`,
//! `"{share:.0%|n/a}"`): its syntax, parsed once. The spec checks every template when it
//! is loaded, so a malformed one is a spec error with its line and column; layout fills
//! parsed templates from each feature ([`crate::layout::template`]).

use super::number_format::NumberFormat;

/// A parsed template: literal text and fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    parts: Vec<Part>,
}

/// A piece of a template.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Literal(String),
    Field(Field),
}

/// `{name:format|fallback}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The property it writes.
    pub name: String,
    pub format: Option<NumberFormat>,
    /// Written instead of the value when it is missing (or, with a format, not a number).
    pub fallback: Option<String>,
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

    /// The literal texts and fields, in order.
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// The properties the template names, in order.
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Field(f) => Some(f.name.as_str()),
            Part::Literal(_) => None,
        })
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
}

/// Checks a template's syntax, as the spec does when it is loaded.
pub fn check(template: &str) -> Result<(), String> {
    Template::parse(template).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_formats_and_fallbacks_parse() {
        let t = Template::parse("{a} and {b:.1f|-} {{x}}").unwrap();
        assert_eq!(t.fields().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(t.parts().last(), Some(&Part::Literal(" {x}".into())));
        let fallback = Template::parse("{x|a:b}").unwrap();
        assert!(matches!(
            fallback.parts(),
            [Part::Field(Field { format: None, fallback: Some(f), .. })] if f == "a:b"
        ));
    }

    #[test]
    fn malformed_templates_are_errors() {
        for bad in ["{a", "a}", "{}", "{:,}", "{a:q}", "{a{b}}", "{a:.1f,}"] {
            assert!(check(bad).is_err(), "{bad}");
        }
        assert_eq!(
            check("{name"),
            Err("unclosed '{' in template \"{name\"".into())
        );
    }
}
