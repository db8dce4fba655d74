//! The map's accessible description (the SVG's `<desc>`): the spec's own, or sentences
//! made from the subtitle, the layers, the badges and the credit.

use crate::spec::Spec;

/// `spec`'s description, or one written from what the map shows; `badges` are the
/// one-line summaries of the badges drawn.
pub fn accessible_description(spec: &Spec, badges: &[String]) -> String {
    if let Some(d) = &spec.description {
        return d.clone();
    }
    let mut parts = Vec::new();
    if let Some(s) = &spec.subtitle {
        parts.push(end_sentence(s));
    }
    let shown: Vec<String> = spec
        .layers
        .iter()
        .map(|l| {
            l.description
                .clone()
                .or_else(|| l.legend.clone())
                .unwrap_or_else(|| l.id.replace(['-', '_'], " "))
        })
        .collect();
    parts.push(end_sentence(&format!("Map layers: {}", shown.join("; "))));
    for b in badges {
        parts.push(end_sentence(b));
    }
    if let Some(c) = &spec.credit {
        parts.push(end_sentence(c));
    }
    parts.join(" ")
}

fn end_sentence(s: &str) -> String {
    let s = s.trim();
    if s.ends_with(['.', '!', '?']) {
        s.to_string()
    } else {
        format!("{s}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_are_ended_once() {
        assert_eq!(end_sentence(" Roads "), "Roads.");
        assert_eq!(end_sentence("Why?"), "Why?");
    }
}
