//! A layer's `legend`: a string (the legend row's text, or the title of the layer's scale
//! legend) or a table `{ title, format, position, direction, missing_label }` saying how
//! the legend of the layer's scales reads and where it goes.

use super::keywords::Keywords;
use super::number_format::NumberFormat;
use super::reader::{describe, Table};
use super::validate::Validator;
use toml::de::DeValue;

/// How a layer's legend is written and where it goes; the title is [`super::Layer::legend`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LegendStyle {
    /// Numbers in class ranges, ticks and circle values (d3-format, e.g. ".1%").
    pub format: Option<NumberFormat>,
    pub position: LegendPosition,
    /// `None`: horizontal above or below the map, vertical elsewhere.
    pub direction: Option<LegendDirection>,
    /// The missing-data row's text, instead of "No data".
    pub missing_label: Option<String>,
}

/// Where a legend goes: a corner of the map frame (the emptiest free one for `Auto`), or
/// beside the map, which then gives up room for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord)]
pub enum LegendPosition {
    #[default]
    Auto,
    TopLeft,
    TopRight,
    BottomLeft,
    BottomRight,
    Above,
    Below,
    Right,
}

impl LegendPosition {
    /// Is the legend outside the map frame, beside the map?
    pub fn is_outside(self) -> bool {
        matches!(
            self,
            LegendPosition::Above | LegendPosition::Below | LegendPosition::Right
        )
    }
}

pub const LEGEND_POSITION: Keywords<LegendPosition> = Keywords {
    key: "position",
    words: &[
        ("auto", LegendPosition::Auto),
        ("top-left", LegendPosition::TopLeft),
        ("top-right", LegendPosition::TopRight),
        ("bottom-left", LegendPosition::BottomLeft),
        ("bottom-right", LegendPosition::BottomRight),
        ("above", LegendPosition::Above),
        ("below", LegendPosition::Below),
        ("right", LegendPosition::Right),
    ],
};

/// How a legend's entries run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegendDirection {
    Vertical,
    Horizontal,
}

pub const LEGEND_DIRECTION: Keywords<LegendDirection> = Keywords {
    key: "direction",
    words: &[
        ("vertical", LegendDirection::Vertical),
        ("horizontal", LegendDirection::Horizontal),
    ],
};

impl Validator<'_> {
    /// The layer's `legend`: its title (or row text) and style.
    pub(super) fn legend(&mut self, l: &mut Table) -> (Option<String>, LegendStyle) {
        let Some(v) = l.get("legend") else {
            return (None, LegendStyle::default());
        };
        match v.get_ref() {
            DeValue::String(s) => (Some(s.to_string()), LegendStyle::default()),
            DeValue::Table(_) => {
                let Some(mut t) = Table::of("`legend`", v, "legend", &mut self.problems) else {
                    return (None, LegendStyle::default());
                };
                let p = &mut self.problems;
                let title = t.string("title", p).map(|s| s.value);
                let mut style = LegendStyle {
                    missing_label: t.string("missing_label", p).map(|s| s.value),
                    ..LegendStyle::default()
                };
                if let Some(f) = t.string("format", p) {
                    match NumberFormat::parse(&f.value) {
                        Ok(format) => style.format = Some(format),
                        Err(m) => self.problem(f.span, format!("legend format: {m}")),
                    }
                }
                style.position = self.keyword_or(&mut t, &LEGEND_POSITION, style.position);
                if let Some(d) = t.string(LEGEND_DIRECTION.key, &mut self.problems) {
                    style.direction = self.keyword(&d, &LEGEND_DIRECTION);
                }
                t.finish(&mut self.problems);
                (title, style)
            }
            other => {
                self.problem(
                    v.span(),
                    format!(
                        "invalid type: `legend` must be a string (the legend's text) or a table such as {{ title = \"Rate\", format = \".1%\", position = \"right\" }}, got {}",
                        describe(other)
                    ),
                );
                (None, LegendStyle::default())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::spec::{parse, Spec};
    use std::path::Path;

    fn layer(legend: &str) -> crate::Result<Spec> {
        parse(
            &format!("[[layer]]\nid = \"a\"\nsource = \"a.geojson\"\nlegend = {legend}\n"),
            Path::new("m.toml"),
        )
    }

    #[test]
    fn a_string_is_the_text_and_a_table_the_style() {
        let s = layer("\"Roads\"").unwrap();
        assert_eq!(s.layers[0].legend.as_deref(), Some("Roads"));
        assert_eq!(s.layers[0].legend_style, Default::default());
        let s = layer(
            "{ title = \"Rate\", format = \".1%\", position = \"below\", direction = \"vertical\", missing_label = \"n/a\" }",
        )
        .unwrap();
        let (l, st) = (&s.layers[0], &s.layers[0].legend_style);
        assert_eq!(l.legend.as_deref(), Some("Rate"));
        assert_eq!(st.position, super::LegendPosition::Below);
        assert_eq!(st.direction, Some(super::LegendDirection::Vertical));
        assert_eq!(st.missing_label.as_deref(), Some("n/a"));
        let d = crate::spec::number_format::Decimal::parse("0.0456").unwrap();
        assert_eq!(
            st.format.as_ref().map(|f| f.format(&d)).as_deref(),
            Some("4.6%")
        );
    }

    #[test]
    fn wrong_legends_are_errors_at_their_place() {
        let e = layer("{ format = \".1q\" }").unwrap_err().to_string();
        assert!(
            e.starts_with("m.toml:4:21:") && e.contains("legend format"),
            "{e}"
        );
        let e = layer("{ position = \"top-middle\" }")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("position must be") && e.contains("\"top-left\""),
            "{e}"
        );
        let e = layer("{ titel = \"x\" }").unwrap_err().to_string();
        assert!(e.contains("did you mean `title`"), "{e}");
        let e = layer("3").unwrap_err().to_string();
        assert!(e.contains("`legend` must be a string"), "{e}");
    }
}
