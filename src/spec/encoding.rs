//! Channels mapped from data: `fill`, `stroke` and `opacity` written as a table
//! (`fill = { by = "rate", scale = "quantile", classes = 5, scheme = "Blues" }`) instead
//! of a constant, and proportional symbols (`size = { by = "pop", max = 24 }`). Parsing
//! only: the spec says which scale and colours; `symbology::scale` fits them to the data.

use super::keywords::Keywords;
use super::reader::{self, At, Table};
use super::validate::Validator;
use crate::color::scheme::{Scheme, SchemeKind};
use crate::color::Paint;
use toml::de::DeValue;
use toml::Spanned;

/// Most classes a classed scale may ask for (more cannot be told apart by colour).
pub const MAX_CLASSES: usize = 20;
/// Classes when a classed scale does not say.
pub const DEFAULT_CLASSES: usize = 5;

/// How values become colours (or opacities).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScaleKind {
    /// Classes holding equal numbers of values (mapclassify's `Quantiles`).
    Quantile,
    /// Classes of equal width between the minimum and maximum (`EqualInterval`).
    Equal,
    /// Fisher-Jenks optimal classes: least within-class sum of squared deviations.
    Jenks,
    /// Classes at the spec's `breaks`.
    Threshold,
    Linear,
    Log,
    Sqrt,
    /// Linear on each side of `midpoint`, which takes the scheme's middle colour.
    Diverging,
    /// One colour per distinct value.
    Categorical,
}

impl ScaleKind {
    /// Does the scale put values into classes (one colour each)?
    pub fn is_classed(self) -> bool {
        matches!(
            self,
            ScaleKind::Quantile | ScaleKind::Equal | ScaleKind::Jenks | ScaleKind::Threshold
        )
    }
}

pub(super) const SCALE: Keywords<ScaleKind> = Keywords {
    key: "scale",
    words: &[
        ("quantile", ScaleKind::Quantile),
        ("equal", ScaleKind::Equal),
        ("jenks", ScaleKind::Jenks),
        ("threshold", ScaleKind::Threshold),
        ("linear", ScaleKind::Linear),
        ("log", ScaleKind::Log),
        ("sqrt", ScaleKind::Sqrt),
        ("diverging", ScaleKind::Diverging),
        ("categorical", ScaleKind::Categorical),
        ("quantiles", ScaleKind::Quantile),
        ("equal-interval", ScaleKind::Equal),
        ("fisher-jenks", ScaleKind::Jenks),
        ("natural-breaks", ScaleKind::Jenks),
        ("ordinal", ScaleKind::Categorical),
    ],
};

/// A channel mapped from the data (the spec's table under `fill`, `stroke` or `opacity`).
#[derive(Debug, Clone, PartialEq)]
pub struct Encoding {
    /// The property whose values are mapped.
    pub by: String,
    pub scale: ScaleKind,
    /// How many classes (classed scales but `threshold`, whose classes its breaks make).
    pub classes: Option<usize>,
    /// `threshold`'s class bounds, increasing; a value equal to one is in the lower class.
    pub breaks: Vec<f64>,
    /// The values at the ends of a continuous scale (else the data's minimum and maximum).
    pub domain: Option<[f64; 2]>,
    /// The value at the middle colour of a diverging scale (else 0).
    pub midpoint: Option<f64>,
    pub reverse: bool,
    /// Round breaks (classed) or extend the domain (continuous) to round numbers.
    pub nice: bool,
    /// A scheme name as [`Scheme::find`] knows it.
    pub scheme: Option<String>,
    /// The spec's own colours (`colors = ["#fee", "#900"]`).
    pub colors: Vec<Paint>,
    /// A categorical scale's own value → colour table, in the spec's order.
    pub categories: Vec<(String, Paint)>,
    pub missing: Missing,
    /// The numbers a numeric channel (opacity) maps onto, low to high.
    pub range: Option<[f64; 2]>,
    /// This channel's legend title (`title = "..."`), over the layer's `legend` title.
    pub title: Option<String>,
}

/// How features without a usable value are drawn and named in the legend.
#[derive(Debug, Clone, PartialEq)]
pub struct Missing {
    pub fill: Paint,
    /// Diagonal lines of this colour over `fill`.
    pub hatch: Option<Paint>,
    pub label: String,
}

impl Default for Missing {
    fn default() -> Self {
        Missing {
            fill: Paint::rgb(0xcc, 0xcc, 0xcc),
            hatch: None,
            label: "No data".into(),
        }
    }
}

/// Proportional symbols: `size = { by = "mag", max = 24 }`.
#[derive(Debug, Clone, PartialEq)]
pub struct SizeEncoding {
    pub by: String,
    /// The radius, in pixels, of the largest value (or of `domain_max`).
    pub max: f64,
    pub scale: SizeScale,
    /// The value drawn at `max` (else the data's largest).
    pub domain_max: Option<f64>,
    /// The circles' legend title (`title = "..."`).
    pub title: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeScale {
    /// Circle area proportional to the value.
    Sqrt,
    /// Radius proportional to the value.
    Linear,
}

pub(super) const SIZE_SCALE: Keywords<SizeScale> = Keywords {
    key: "scale",
    words: &[("sqrt", SizeScale::Sqrt), ("linear", SizeScale::Linear)],
};

/// A layer's channels as its `fill`, `stroke`, `opacity` and `size` keys give them: each
/// a constant, a mapping from data, or not given.
#[derive(Debug, Default)]
pub(super) struct Channels {
    pub fill: Option<Paint>,
    pub stroke: Option<Paint>,
    pub opacity: Option<f64>,
    pub fill_by: Option<Encoding>,
    pub stroke_by: Option<Encoding>,
    pub opacity_by: Option<Encoding>,
    pub size: Option<SizeEncoding>,
}

/// What a mapped channel produces, which decides the keys its table takes.
#[derive(Clone, Copy, PartialEq)]
enum Channel {
    Colour,
    Number,
}

impl Validator<'_> {
    /// The layer's `fill`, `stroke` and `opacity` (each a constant or a table mapping a
    /// property) and its `size` table.
    pub(super) fn encodings(&mut self, l: &mut Table) -> Channels {
        let mut layer = Channels::default();
        if let Some(v) = l.get("fill") {
            match v.get_ref() {
                DeValue::Table(_) => layer.fill_by = self.encoding(v, "fill", Channel::Colour),
                _ => layer.fill = self.constant_paint(v, "fill"),
            }
        }
        if let Some(v) = l.get("stroke") {
            match v.get_ref() {
                DeValue::Table(_) => layer.stroke_by = self.encoding(v, "stroke", Channel::Colour),
                _ => layer.stroke = self.constant_paint(v, "stroke"),
            }
        }
        if let Some(v) = l.get("opacity") {
            match v.get_ref() {
                DeValue::Table(_) => {
                    layer.opacity_by = self.encoding(v, "opacity", Channel::Number)
                }
                other => match reader::number(other) {
                    Some(o) if (0.0..=1.0).contains(&o) => layer.opacity = Some(o),
                    Some(o) => self.problem(v.span(), format!("opacity must be from 0 to 1, got {o}")),
                    None => self.problem(
                        v.span(),
                        format!(
                            "invalid type: `opacity` must be a number from 0 to 1 or a table such as {{ by = \"share\" }}, got {}",
                            reader::describe(other)
                        ),
                    ),
                },
            }
        }
        if let Some(v) = l.get("size") {
            layer.size = self.size_encoding(v);
        }
        layer
    }

    fn constant_paint(&mut self, v: &Spanned<DeValue>, key: &str) -> Option<Paint> {
        match v.get_ref() {
            DeValue::String(s) => self.paint(&At {
                value: s.to_string(),
                span: v.span(),
            }),
            other => {
                self.problem(
                    v.span(),
                    format!(
                        "invalid type: `{key}` must be a colour or a table such as {{ by = \"rate\", scheme = \"Blues\" }}, got {}",
                        reader::describe(other)
                    ),
                );
                None
            }
        }
    }

    /// One mapped channel's table; `None` (with problems recorded) when it is wrong.
    fn encoding(&mut self, v: &Spanned<DeValue>, key: &str, channel: Channel) -> Option<Encoding> {
        let mut t = Table::of(format!("`{key}`"), v, key, &mut self.problems)?;
        let errors_before = self.problems.count();
        let by = self.required_by(&mut t, key);
        let scale = t.string("scale", &mut self.problems);
        let scale_kind = scale.as_ref().and_then(|s| self.keyword(s, &SCALE));
        let classes = self.classes(&mut t);
        let breaks = self.breaks(&mut t);
        let domain = self.domain(&mut t);
        let midpoint = t.number("midpoint", &mut self.problems);
        if let Some(m) = &midpoint {
            if !m.value.is_finite() {
                self.problem(m.span.clone(), "midpoint must be a finite number");
            }
        }
        let reverse = t.boolean("reverse", &mut self.problems).unwrap_or(false);
        let nice = t.boolean("nice", &mut self.problems).unwrap_or(false);
        let title = t.string("title", &mut self.problems).map(|v| v.value);
        let mut e = Encoding {
            title,
            by: by.unwrap_or_default(),
            scale: ScaleKind::Linear,
            classes: classes.as_ref().map(|c| c.value),
            breaks: breaks.as_ref().map(|b| b.value.clone()).unwrap_or_default(),
            domain: domain.as_ref().map(|d| d.value),
            midpoint: midpoint.as_ref().map(|m| m.value),
            reverse,
            nice,
            scheme: None,
            colors: Vec::new(),
            categories: Vec::new(),
            missing: Missing::default(),
            range: None,
        };
        let mut qualitative = false;
        match channel {
            Channel::Colour => {
                if let Some(s) = t.string("scheme", &mut self.problems) {
                    match Scheme::find(&s.value) {
                        Some(found) => {
                            qualitative = found.kind == SchemeKind::Qualitative;
                            e.scheme = Some(found.name.to_string());
                        }
                        None => self.problem(s.span.clone(), unknown_scheme(&s.value)),
                    }
                    if t.key_span("colors").is_some() {
                        self.problem(s.span, "give `scheme` or `colors`, not both");
                    }
                }
                self.colors(&mut t, &mut e);
                self.missing(&mut t, &mut e.missing, key == "fill");
            }
            Channel::Number => e.range = self.range(&mut t),
        }
        e.scale = match scale_kind {
            Some(k) => k,
            None if !e.breaks.is_empty() => ScaleKind::Threshold,
            None if !e.categories.is_empty() || qualitative => ScaleKind::Categorical,
            None if e.classes.is_some() => ScaleKind::Quantile,
            None => ScaleKind::Linear,
        };
        let place = scale.map_or(t.span.clone(), |s| s.span);
        self.check_encoding(&e, place, classes, breaks, domain, midpoint);
        t.finish(&mut self.problems);
        (self.problems.count() == errors_before).then_some(e)
    }

    /// `by`, which every mapped channel needs.
    fn required_by(&mut self, t: &mut Table, key: &str) -> Option<String> {
        match t.string("by", &mut self.problems) {
            Some(b) if b.value.trim().is_empty() => {
                self.problem(b.span, "`by` must name a property of the features");
                None
            }
            Some(b) => Some(b.value),
            None => {
                if t.key_span("by").is_none() {
                    self.problem(
                        t.span.clone(),
                        format!("`{key}` as a table needs `by = \"property\"`, the property whose values it maps"),
                    );
                }
                None
            }
        }
    }

    fn classes(&mut self, t: &mut Table) -> Option<At<usize>> {
        let c = t.number("classes", &mut self.problems)?;
        let ok = c.value.fract() == 0.0 && (2.0..=MAX_CLASSES as f64).contains(&c.value);
        if !ok {
            self.problem(
                c.span,
                format!(
                    "classes must be a whole number from 2 to {MAX_CLASSES}, got {}",
                    c.value
                ),
            );
            return None;
        }
        Some(At {
            value: c.value as usize,
            span: c.span,
        })
    }

    fn breaks(&mut self, t: &mut Table) -> Option<At<Vec<f64>>> {
        let b = t.numbers("breaks", None, "a list of numbers", &mut self.problems)?;
        let increasing = b.value.windows(2).all(|w| w[0] < w[1]);
        if b.value.is_empty()
            || b.value.len() >= MAX_CLASSES
            || !increasing
            || b.value.iter().any(|v| !v.is_finite())
        {
            self.problem(
                b.span,
                format!(
                    "breaks must be 1 to {} finite numbers in increasing order, e.g. [0.05, 0.1]",
                    MAX_CLASSES - 1
                ),
            );
            return None;
        }
        Some(b)
    }

    fn domain(&mut self, t: &mut Table) -> Option<At<[f64; 2]>> {
        let d = t.numbers(
            "domain",
            Some(2),
            "[low, high], two numbers",
            &mut self.problems,
        )?;
        let [lo, hi] = <[f64; 2]>::try_from(d.value.as_slice()).ok()?;
        if !(lo.is_finite() && hi.is_finite() && lo < hi) {
            self.problem(
                d.span,
                format!("domain must be [low, high] with low < high, got [{lo}, {hi}]"),
            );
            return None;
        }
        Some(At {
            value: [lo, hi],
            span: d.span,
        })
    }

    fn range(&mut self, t: &mut Table) -> Option<[f64; 2]> {
        let r = t.numbers(
            "range",
            Some(2),
            "[low, high], two numbers",
            &mut self.problems,
        )?;
        let [lo, hi] = <[f64; 2]>::try_from(r.value.as_slice()).ok()?;
        if !((0.0..=1.0).contains(&lo) && (0.0..=1.0).contains(&hi)) {
            self.problem(
                r.span,
                format!("an opacity range must be two numbers from 0 to 1, got [{lo}, {hi}]"),
            );
            return None;
        }
        Some([lo, hi])
    }

    /// `colors`: a list of colours, or (categorical) a table of value = colour.
    fn colors(&mut self, t: &mut Table, e: &mut Encoding) {
        let Some(v) = t.get("colors") else { return };
        match v.get_ref() {
            DeValue::Array(items) => {
                for i in items.iter() {
                    if let Some(p) = self.constant_paint(i, "colors") {
                        e.colors.push(p);
                    }
                }
                if items.len() < 2 {
                    self.problem(v.span(), "colors must list at least two colours");
                }
            }
            DeValue::Table(entries) => {
                for (value, colour) in entries.iter() {
                    if let Some(p) = self.constant_paint(colour, "colors") {
                        e.categories.push((value.get_ref().to_string(), p));
                    }
                }
                if entries.is_empty() {
                    self.problem(v.span(), "colors must give at least one value = colour");
                }
            }
            other => self.problem(
                v.span(),
                format!(
                    "invalid type: `colors` must be a list of colours or a table of value = colour, got {}",
                    reader::describe(other)
                ),
            ),
        }
    }

    /// `missing` (a colour, or `{ fill, hatch }`) and `missing_label`.
    fn missing(&mut self, t: &mut Table, m: &mut Missing, hatch: bool) {
        if let Some(v) = t.get("missing") {
            match v.get_ref() {
                DeValue::Table(_) => {
                    if let Some(mut mt) = Table::of("`missing`", v, "missing", &mut self.problems) {
                        if let Some(fill) = self.opt_paint(&mut mt, "fill") {
                            m.fill = fill;
                        }
                        if hatch {
                            m.hatch = self.opt_paint(&mut mt, "hatch");
                        }
                        mt.finish(&mut self.problems);
                    }
                }
                _ => m.fill = self.constant_paint(v, "missing").unwrap_or(m.fill),
            }
        }
        if let Some(label) = t.string("missing_label", &mut self.problems) {
            m.label = label.value;
        }
    }

    /// The checks between keys: what each scale takes and needs.
    fn check_encoding(
        &mut self,
        e: &Encoding,
        scale: std::ops::Range<usize>,
        classes: Option<At<usize>>,
        breaks: Option<At<Vec<f64>>>,
        domain: Option<At<[f64; 2]>>,
        midpoint: Option<At<f64>>,
    ) {
        use ScaleKind as S;
        let name = SCALE
            .words
            .iter()
            .find(|(_, k)| *k == e.scale)
            .map_or("", |(w, _)| *w);
        if e.scale == S::Threshold && e.breaks.is_empty() && breaks.is_none() {
            self.problem(
                scale.clone(),
                "scale = \"threshold\" needs `breaks = [..]`, the class bounds",
            );
        }
        if let Some(b) = breaks.filter(|_| e.scale != S::Threshold) {
            self.problem(
                b.span,
                format!("`breaks` are for scale = \"threshold\", not \"{name}\""),
            );
        }
        if let Some(c) = classes {
            if !matches!(e.scale, S::Quantile | S::Equal | S::Jenks) {
                let why = if e.scale == S::Threshold {
                    " (its breaks make the classes)"
                } else {
                    ""
                };
                self.problem(c.span, format!("`classes` is for scale = \"quantile\", \"equal\" or \"jenks\", not \"{name}\"{why}"));
            }
        }
        if let Some(d) = domain {
            if !matches!(
                e.scale,
                S::Linear | S::Log | S::Sqrt | S::Diverging | S::Equal
            ) {
                self.problem(
                    d.span.clone(),
                    format!("`domain` is for continuous scales and \"equal\", not \"{name}\""),
                );
            }
            if e.scale == S::Log && d.value[0] <= 0.0 {
                self.problem(d.span.clone(), "a log scale's domain must be above 0");
            }
            if e.scale == S::Sqrt && d.value[0] < 0.0 {
                self.problem(d.span, "a sqrt scale's domain must not be below 0");
            }
        }
        if let Some(m) = midpoint.filter(|_| e.scale != S::Diverging) {
            self.problem(
                m.span,
                format!("`midpoint` is for scale = \"diverging\", not \"{name}\""),
            );
        }
        if let (Some(m), Some([lo, hi])) = (e.midpoint, e.domain) {
            if e.scale == S::Diverging && !(lo < m && m < hi) {
                self.problem(
                    scale.clone(),
                    format!(
                        "a diverging scale's midpoint {m} must lie inside its domain [{lo}, {hi}]"
                    ),
                );
            }
        }
        if !e.categories.is_empty() && e.scale != S::Categorical {
            self.problem(scale, format!("colors as a table of value = colour is for scale = \"categorical\", not \"{name}\""));
        }
    }

    /// `size = { by, max, scale, domain }`.
    fn size_encoding(&mut self, v: &Spanned<DeValue>) -> Option<SizeEncoding> {
        let mut t = Table::of("`size`", v, "size", &mut self.problems)?;
        let errors_before = self.problems.count();
        let by = self.required_by(&mut t, "size");
        let max = self.positive(&mut t, "max", 200.0).unwrap_or(24.0);
        let scale = self.keyword_or(&mut t, &SIZE_SCALE, SizeScale::Sqrt);
        let title = t.string("title", &mut self.problems).map(|v| v.value);
        let domain_max = match t.get("domain") {
            None => None,
            Some(d) => {
                let value = match d.get_ref() {
                    DeValue::Array(items) if items.len() == 2 => {
                        let lo = items.first().and_then(|i| reader::number(i.get_ref()));
                        let hi = items.get(1).and_then(|i| reader::number(i.get_ref()));
                        lo.filter(|lo| *lo == 0.0).and(hi)
                    }
                    other => reader::number(other),
                };
                match value {
                    Some(m) if m.is_finite() && m > 0.0 => Some(m),
                    _ => {
                        self.problem(d.span(), "a size domain is the value drawn at `max`: a number above 0, or [0, that number] (sizes start at 0 so areas stay true)");
                        None
                    }
                }
            }
        };
        t.finish(&mut self.problems);
        (self.problems.count() == errors_before).then(|| SizeEncoding {
            by: by.unwrap_or_default(),
            max,
            scale,
            domain_max,
            title,
        })
    }
}

/// The error for an unknown scheme name: the closest names, and every name.
fn unknown_scheme(name: &str) -> String {
    let names: Vec<&str> = Scheme::all().iter().map(|s| s.name).collect();
    let lower = name.trim().to_ascii_lowercase();
    let mut close: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| {
            let n = n.to_ascii_lowercase();
            lower.len() >= 3 && (n.contains(lower.as_str()) || lower.contains(n.as_str()))
        })
        .collect();
    if close.is_empty() {
        let lowered: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
        let known: Vec<&str> = lowered.iter().map(String::as_str).collect();
        if let Some(best) = reader::closest(&lower, &known) {
            close.extend(
                names
                    .iter()
                    .copied()
                    .filter(|n| n.eq_ignore_ascii_case(best)),
            );
        }
    }
    let all = names.join(", ");
    if close.is_empty() {
        format!("unknown colour scheme {name:?}; the schemes are {all}")
    } else {
        format!(
            "unknown colour scheme {name:?}; did you mean {}? (the schemes: {all})",
            close.join(" or ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(extra: &str) -> Result<crate::spec::Layer, String> {
        let text = format!("[[layer]]\nid = \"a\"\nsource = \"a.geojson\"\n{extra}\n");
        crate::spec::parse(&text, std::path::Path::new("t.toml"))
            .map(|s| s.layers[0].clone())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn a_fill_table_is_an_encoding_and_a_string_a_colour() {
        let l = layer("fill = { by = \"rate\", scale = \"quantile\", classes = 5, scheme = \"blues\", missing = \"#ccc\" }").unwrap();
        let e = l.fill_by.unwrap();
        assert_eq!(
            (e.scale, e.classes, e.scheme.as_deref()),
            (ScaleKind::Quantile, Some(5), Some("Blues"))
        );
        assert_eq!(e.missing.fill, Paint::rgb(0xcc, 0xcc, 0xcc));
        assert_eq!(l.fill, None);
        let l = layer("fill = \"#c0392b\"\nstroke = \"none\"\nopacity = 0.5").unwrap();
        assert_eq!(
            (l.fill, l.fill_by, l.opacity),
            (Some(Paint::rgb(0xc0, 0x39, 0x2b)), None, 0.5)
        );
    }

    #[test]
    fn defaults_follow_the_keys_given() {
        let scale = |t: &str| {
            layer(&format!("fill = {{ by = \"v\", {t} }}"))
                .unwrap()
                .fill_by
                .unwrap()
                .scale
        };
        assert_eq!(scale("classes = 4"), ScaleKind::Quantile);
        assert_eq!(scale("scheme = \"viridis\""), ScaleKind::Linear);
        assert_eq!(scale("breaks = [1, 2]"), ScaleKind::Threshold);
        assert_eq!(scale("scheme = \"Set2\""), ScaleKind::Categorical);
        assert_eq!(
            scale("colors = { a = \"red\", b = \"blue\" }"),
            ScaleKind::Categorical
        );
        let l = layer("fill = { by = \"k\", colors = { b = \"red\", a = \"blue\" } }").unwrap();
        let names: Vec<&str> = l
            .fill_by
            .as_ref()
            .unwrap()
            .categories
            .iter()
            .map(|(v, _)| v.as_str())
            .collect();
        assert_eq!(names.len(), 2);
    }

    #[test]
    fn missing_hatch_size_and_opacity_tables() {
        let l = layer("fill = { by = \"v\", missing = { fill = \"#fff\", hatch = \"#999\" }, missing_label = \"n/a\" }\nsize = { by = \"mag\", max = 24, domain = [0, 10] }\nopacity = { by = \"v\", range = [0.2, 1] }").unwrap();
        let m = l.fill_by.unwrap().missing;
        assert_eq!(
            (m.fill, m.hatch, m.label.as_str()),
            (
                Paint::rgb(255, 255, 255),
                Some(Paint::rgb(0x99, 0x99, 0x99)),
                "n/a"
            )
        );
        assert_eq!(
            l.size,
            Some(SizeEncoding {
                by: "mag".into(),
                max: 24.0,
                scale: SizeScale::Sqrt,
                domain_max: Some(10.0),
                title: None,
            })
        );
        assert_eq!(l.opacity_by.unwrap().range, Some([0.2, 1.0]));
    }

    #[test]
    fn every_mistake_is_reported_at_its_place() {
        let e = layer("fill = { scale = \"quantil\", classes = 40, scheme = \"Blus\", breaks = [3, 1] }\nstroke = { by = \"x\", midpoint = 3, range = [0, 1] }\nopacity = { by = \"v\", scheme = \"Blues\" }\nsize = { max = -1 }").unwrap_err();
        for want in [
            "4:8: `fill` as a table needs `by",
            "did you mean \"quantile\"",
            "classes must be a whole number from 2 to 20, got 40",
            "unknown colour scheme \"Blus\"; did you mean Blues?",
            "breaks must be 1 to 19 finite numbers in increasing order",
            "`midpoint` is for scale = \"diverging\", not \"linear\"",
            "unknown key `range` in `stroke`",
            "unknown key `scheme` in `opacity`",
            "`size` as a table needs `by",
            "max must be a number above 0",
        ] {
            assert!(e.contains(want), "{want:?} not in {e}");
        }
        let e = layer("fill = { by = \"v\", scale = \"log\", domain = [0, 10], classes = 3 }")
            .unwrap_err();
        assert!(
            e.contains("a log scale's domain must be above 0") && e.contains("`classes` is for"),
            "{e}"
        );
        let e = layer("fill = { by = \"v\", scale = \"threshold\" }\nstroke = 3").unwrap_err();
        assert!(
            e.contains("needs `breaks") && e.contains("`stroke` must be a colour or a table"),
            "{e}"
        );
        let e = layer("stroke = { by = \"v\", missing = { fill = \"#fff\", hatch = \"#999\" } }")
            .unwrap_err();
        assert!(e.contains("unknown key `hatch` in `missing`"), "{e}");
        // Hostile numbers: every one an error at its place, never a panic.
        let e = layer("fill = { by = \"v\", scale = \"diverging\", domain = [inf, 1], midpoint = nan }\nstroke = { by = \"v\", breaks = [nan, 1] }\nopacity = { by = \"v\", classes = nan, range = [-inf, 2] }\nsize = { by = \"v\", max = nan, domain = [0, inf] }").unwrap_err();
        for want in [
            "domain must be [low, high] with low < high",
            "midpoint must be a finite number",
            "breaks must be 1 to 19 finite numbers",
            "classes must be a whole number from 2 to 20",
            "an opacity range must be two numbers from 0 to 1",
            "max must be a number above 0",
            "a size domain is the value drawn at `max`",
        ] {
            assert!(e.contains(want), "{want:?} not in {e}");
        }
    }
}
