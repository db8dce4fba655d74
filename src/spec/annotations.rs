//! Callouts (`[[callout]]`: a note pointing at a place or a feature) and badges
//! (`[[badge]]`: a headline number in the side panel). Their texts are templates over the
//! feature they name, checked here and filled by layout.

use super::reader::{self, At, Table};
use super::validate::Validator;
use super::Filter;
use crate::color::{Paint, Rgba};
use std::path::PathBuf;
use toml::de::DeValue;

#[derive(Debug, Clone)]
pub enum Anchor {
    At([f64; 2]),
    Feature { source: PathBuf, filter: Filter },
}

#[derive(Debug, Clone)]
pub struct Callout {
    pub anchor: Anchor,
    /// Body text, a template over the anchor feature's properties; `\n` breaks lines.
    pub text: String,
    pub title: Option<String>,
    /// Where to put the text relative to the point, in pixels; automatic when absent.
    pub offset: Option<[f64; 2]>,
    pub color: Paint,
}

impl Callout {
    /// Callout text unless the spec says otherwise: near-black.
    pub const DEFAULT_COLOR: Paint = Paint::Color(Rgba::rgb(0x22, 0x22, 0x22));
}

#[derive(Debug, Clone)]
pub struct Badge {
    /// A number, or a template over the source feature's properties.
    pub value: String,
    pub total: Option<String>,
    pub caption: String,
    pub note: Option<String>,
    pub source: Option<(PathBuf, Filter)>,
    /// Draw a unit bar: `total` cells, `value` of them filled.
    pub units: bool,
    pub color: Paint,
}

impl Badge {
    /// A badge's number and unit bar unless the spec says otherwise: brick red.
    pub const DEFAULT_COLOR: Paint = Paint::Color(Rgba::rgb(0x8c, 0x2d, 0x19));
}

impl Validator<'_> {
    pub(super) fn callout(&mut self, mut c: Table) -> Option<Callout> {
        let at = if c.key_span("at").is_some() {
            self.lon_lat(&mut c, "at")
        } else {
            None
        };
        let source = self.source(&mut c, false);
        let filter = self.filter(&mut c);
        let text = c.string("text", &mut self.problems);
        let title = self.opt_template(&mut c, "title");
        let offset = c
            .numbers(
                "offset",
                Some(2),
                "[x, y] in pixels, two numbers",
                &mut self.problems,
            )
            .and_then(|o| <[f64; 2]>::try_from(o.value.as_slice()).ok());
        let color = self
            .opt_paint(&mut c, "color")
            .unwrap_or(Callout::DEFAULT_COLOR);
        let (has_at, has_source) = (c.key_span("at").is_some(), c.key_span("source").is_some());
        if has_at == has_source {
            self.problem(c.span.clone(), "a callout needs exactly one of `at = [lon, lat]` or `source = \"file.geojson\"` (with an optional `where`)");
        }
        match &text {
            None if c.key_span("text").is_none() => {
                self.problem(c.span.clone(), "[[callout]] needs a `text = \"…\"`")
            }
            Some(t) if t.value.trim().is_empty() => {
                self.problem(t.span.clone(), "callout text is empty")
            }
            _ => {}
        }
        c.finish(&mut self.problems);
        let anchor = match (at, source) {
            (Some(at), None) => Anchor::At(at),
            (None, Some(source)) => Anchor::Feature { source, filter },
            _ => return None,
        };
        Some(Callout {
            anchor,
            text: self.template(text?),
            title,
            offset,
            color,
        })
    }

    pub(super) fn badge(&mut self, mut b: Table) -> Option<Badge> {
        let value = self.badge_number(&mut b, "value", true);
        let total = self.badge_number(&mut b, "total", false);
        let caption = b.string("caption", &mut self.problems);
        if caption.is_none() && b.key_span("caption").is_none() {
            self.problem(b.span.clone(), "[[badge]] needs a `caption = \"…\"`");
        }
        let note = self.opt_template(&mut b, "note");
        let source = self.source(&mut b, false);
        let filter = self.filter(&mut b);
        let units = b.boolean("units", &mut self.problems).unwrap_or(false);
        let color = self
            .opt_paint(&mut b, "color")
            .unwrap_or(Badge::DEFAULT_COLOR);
        b.finish(&mut self.problems);
        Some(Badge {
            value: value?,
            total,
            caption: self.template(caption?),
            note,
            source: source.map(|s| (s, filter)),
            units,
            color,
        })
    }

    /// A badge's `value` or `total`: a number, or a template string such as "{count}".
    fn badge_number(&mut self, b: &mut Table, key: &'static str, required: bool) -> Option<String> {
        let Some(v) = b.get(key) else {
            if required {
                self.problem(b.span.clone(), format!("[[badge]] needs a `{key}`"));
            }
            return None;
        };
        match v.get_ref() {
            DeValue::String(s) => Some(self.template(At {
                value: s.to_string(),
                span: v.span(),
            })),
            DeValue::Integer(i) => match reader::integer(v.get_ref()) {
                Some(n) => Some(n.to_string()),
                None => Some(i.as_str().to_string()),
            },
            DeValue::Float(_) => reader::number(v.get_ref()).map(|f| f.to_string()),
            other => {
                self.problem(
                    v.span(),
                    format!("invalid type: badge value and total must be a number or a template string such as \"{{count}}\", got {}", reader::describe(other)),
                );
                None
            }
        }
    }
}
