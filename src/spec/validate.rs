//! The checks of a spec's top table and the value readers every table shares (colours,
//! templates, paths, `where` filters, sizes, keywords). Each problem is recorded with its
//! place and reading goes on with the default, so one pass finds them all.

use super::ids::{check_id_prefix, id_prefix_for};
use super::keywords::{Keywords, Theme, PANEL};
use super::reader::{self, At, Problems, Table};
use super::{Extent, ProjectionChoice, Spec, MAX_SIDE, MIN_PANEL_WIDTH, MIN_SIDE};
use crate::color::Paint;
use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::de::DeValue;

/// Checks a spec key by key, recording each problem and going on with a stand-in value, so
/// one pass finds them all; the result is used only when there were none.
pub(super) struct Validator<'a> {
    pub(super) path: &'a Path,
    /// The spec's text, for positions kept past validation (`graticule_at`).
    pub(super) text: &'a str,
    pub(super) problems: Problems,
}

/// The layer ids of a spec, for duplicate and reference checks in linear time.
pub(super) type LayerIds = HashSet<String>;

/// Parses a simplify amount, the share of removable vertices to keep: `"10%"` or `"0.1"`.
pub fn parse_share(s: &str) -> Result<f64, String> {
    let text = s.trim();
    let (number, scale) = match text.strip_suffix('%') {
        Some(number) => (number.trim_end(), 100.0),
        None => (text, 1.0),
    };
    let value: f64 = number.parse().map_err(|_| {
        format!("simplify amount {s:?} is not a number: write the share of vertices to keep, like \"10%\" or \"0.1\"")
    })?;
    let share = value / scale;
    if (0.0..=1.0).contains(&share) {
        Ok(share)
    } else if scale == 1.0 && (0.0..=100.0).contains(&value) {
        Err(format!(
            "simplify amount {s:?} is more than 1: for a percentage write \"{number}%\""
        ))
    } else {
        Err(format!(
            "simplify amount {s:?} is out of range: keep between 0% and 100% (0 to 1)"
        ))
    }
}

impl Validator<'_> {
    pub(super) fn problem(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.problems.add(span, message);
    }

    /// What a word under `words.key` means, else a problem listing the words.
    pub(super) fn keyword<T: Clone + PartialEq>(
        &mut self,
        v: &At<String>,
        words: &Keywords<T>,
    ) -> Option<T> {
        words
            .parse(&v.value)
            .map_err(|m| self.problem(v.span.clone(), m))
            .ok()
    }

    /// The word under `words.key` in `t`, or `default` when it is absent or wrong.
    pub(super) fn keyword_or<T: Clone + PartialEq>(
        &mut self,
        t: &mut Table,
        words: &Keywords<T>,
        default: T,
    ) -> T {
        match t.string(words.key, &mut self.problems) {
            Some(v) => self.keyword(&v, words).unwrap_or(default),
            None => default,
        }
    }

    pub(super) fn paint(&mut self, v: &At<String>) -> Option<Paint> {
        match Paint::parse(&v.value) {
            Ok(p) => Some(p),
            Err(m) => {
                self.problem(v.span.clone(), m);
                None
            }
        }
    }

    /// A label, callout or badge text, checked as a template: a malformed one is an error
    /// at the string.
    pub(super) fn template(&mut self, v: At<String>) -> String {
        if let Err(m) = super::template::check(&v.value) {
            self.problem(v.span, m);
        }
        v.value
    }

    pub(super) fn opt_template(&mut self, t: &mut Table, key: &'static str) -> Option<String> {
        let v = t.string(key, &mut self.problems)?;
        Some(self.template(v))
    }

    pub(super) fn opt_paint(&mut self, t: &mut Table, key: &'static str) -> Option<Paint> {
        let v = t.string(key, &mut self.problems)?;
        self.paint(&v)
    }

    /// A number above 0 and at most `max`.
    pub(super) fn positive(&mut self, t: &mut Table, key: &'static str, max: f64) -> Option<f64> {
        let v = t.number(key, &mut self.problems)?;
        if !(v.value.is_finite() && v.value > 0.0 && v.value <= max) {
            self.problem(
                v.span,
                format!(
                    "{key} must be a number above 0 and at most {max}, got {}",
                    v.value
                ),
            );
            return None;
        }
        Some(v.value)
    }

    fn path(&mut self, v: &At<String>) -> Option<PathBuf> {
        self.relative_path(v, "source path is empty")
    }

    /// A font file named in `fonts`, relative to the spec.
    fn font_path(&mut self, v: &At<String>) -> Option<PathBuf> {
        self.relative_path(v, "a font path is empty")
    }

    /// A path the spec names, relative to the spec's folder; `empty` is the problem an
    /// empty one is.
    fn relative_path(&mut self, v: &At<String>, empty: &str) -> Option<PathBuf> {
        let p = v.value.trim();
        if p.is_empty() {
            self.problem(v.span.clone(), empty);
            return None;
        }
        let base = self.path.parent().unwrap_or(Path::new(""));
        Some(base.join(p))
    }

    /// The `source` key of a table (required when `required`).
    pub(super) fn source(&mut self, t: &mut Table, required: bool) -> Option<PathBuf> {
        match t.string("source", &mut self.problems) {
            Some(s) => self.path(&s),
            None => {
                if required && t.key_span("source").is_none() {
                    self.problem(
                        t.span.clone(),
                        format!("{} needs `source = \"file.geojson\"`", t.name),
                    );
                }
                None
            }
        }
    }

    pub(super) fn lon_lat(&mut self, t: &mut Table, key: &'static str) -> Option<[f64; 2]> {
        let v = t.numbers(
            key,
            Some(2),
            "a [longitude, latitude] pair of numbers",
            &mut self.problems,
        )?;
        let [lon, lat] = <[f64; 2]>::try_from(v.value.as_slice()).ok()?;
        if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
            self.problem(
                v.span,
                format!("[{lon}, {lat}] is not a longitude, latitude pair (longitude -180..180, latitude -90..90)"),
            );
            return None;
        }
        Some([lon, lat])
    }

    fn size(&mut self, t: &mut Table) -> Option<At<(f64, f64)>> {
        let s = t.numbers(
            "size",
            Some(2),
            "[width, height], two numbers",
            &mut self.problems,
        )?;
        let [w, h] = <[f64; 2]>::try_from(s.value.as_slice()).ok()?;
        if [w, h]
            .iter()
            .any(|side| !(MIN_SIDE..=MAX_SIDE).contains(side))
        {
            self.problem(
                s.span,
                format!("size must be two numbers from {MIN_SIDE} to {MAX_SIDE} (CSS pixels), got [{w}, {h}]"),
            );
            return None;
        }
        Some(At {
            value: (w, h),
            span: s.span,
        })
    }

    /// The spec's top table: the plan of the map, each key read over the defaults of
    /// [`Spec::new`].
    pub(super) fn spec(&mut self, mut t: Table) -> Spec {
        let stem = self
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "map".into());
        let mut plan = Spec::new(self.path.to_path_buf(), stem);
        let p = &mut self.problems;
        // Where an editor finds the spec's JSON Schema (Taplo reads a URL here): not mapfig's.
        t.string("$schema", p);
        plan.title = t.string("title", p).map(|v| v.value);
        plan.subtitle = t.string("subtitle", p).map(|v| v.value);
        plan.credit = t.string("credit", p).map(|v| v.value);
        plan.description = t.string("description", p).map(|v| v.value);
        let size = self.size(&mut t);
        if let Some(s) = &size {
            (plan.width, plan.height) = s.value;
        }
        if let Some(p) = t.string("projection", &mut self.problems) {
            match ProjectionChoice::parse(p.value.trim()) {
                Ok(choice) => plan.projection = choice,
                Err(m) => self.problem(p.span, m),
            }
        }
        let mut ids = LayerIds::new();
        let raw_layers = t.tables("layer", "[[layer]]", &mut self.problems);
        if raw_layers.is_empty() {
            let at = t.key_span("layer").unwrap_or(0..0);
            self.problem(at, "a spec needs at least one [[layer]]");
        }
        for l in raw_layers {
            if let Some(layer) = self.layer(l, &mut ids) {
                plan.layers.push(layer);
            }
        }
        if let Some(extent) = self.extent(&mut t, &ids) {
            plan.extent = extent;
        }
        plan.callouts = t
            .tables("callout", "[[callout]]", &mut self.problems)
            .into_iter()
            .filter_map(|c| self.callout(c))
            .collect();
        plan.badges = t
            .tables("badge", "[[badge]]", &mut self.problems)
            .into_iter()
            .filter_map(|b| self.badge(b))
            .collect();
        // A spec with badges gets the panel that holds them unless it says otherwise.
        plan.panel = match t.string(PANEL.key, &mut self.problems) {
            None => t.key_span("badge").is_some(),
            Some(p) => self.keyword(&p, &PANEL).unwrap_or(true),
        };
        if plan.panel && plan.width < MIN_PANEL_WIDTH {
            let span = size.as_ref().map_or(0..0, |s| s.span.clone());
            self.problem(
                span,
                format!("a map with a side panel (badges) needs a width of at least {MIN_PANEL_WIDTH} px, got {}", plan.width),
            );
        }
        if let Some(output) = self.output(&mut t) {
            plan.output = output;
        }
        plan.id_prefix = match t.string("id_prefix", &mut self.problems) {
            Some(p) => {
                if let Err(m) = check_id_prefix(&p.value) {
                    self.problem(p.span, m);
                }
                p.value
            }
            None => id_prefix_for(&plan.output),
        };
        if let Some(background) = self.opt_paint(&mut t, "background") {
            plan.background = background;
        }
        if let Some(v) = t.string("theme", &mut self.problems) {
            match Theme::parse(&v.value) {
                Ok(theme) => plan.theme = theme,
                Err(m) => self.problem(v.span, m),
            }
        }
        plan.strict = t
            .boolean("strict", &mut self.problems)
            .unwrap_or(plan.strict);
        if let Some(embed) = t.boolean("embed_fonts", &mut self.problems) {
            plan.embed_fonts = embed;
        }
        if let Some(strict) = t.boolean("strict_text", &mut self.problems) {
            plan.strict_text = strict;
        }
        if let Some(files) = t.strings("fonts", &mut self.problems) {
            plan.fonts = files.iter().filter_map(|f| self.font_path(f)).collect();
        }
        if let Some(dark) = t.boolean("dark_variant", &mut self.problems) {
            plan.dark_variant = dark;
        }
        if let Some(v) = t.string("simplify", &mut self.problems) {
            match parse_share(&v.value) {
                Ok(share) => plan.simplify = Some(share),
                Err(m) => self.problem(v.span, m),
            }
        }
        if let Some(f) = t.get("facet") {
            if let Some(f) = Table::of("[facet]", f, "facet", &mut self.problems) {
                plan.facet = self.facet(f, &ids);
            }
        }
        if let Some(a) = t.get("atlas") {
            if let Some(a) = Table::of("[atlas]", a, "atlas", &mut self.problems) {
                plan.atlas = self.atlas(a, &ids);
            }
        }
        if let Some(f) = t.get("furniture") {
            if let Some(f) = Table::of("[furniture]", f, "furniture", &mut self.problems) {
                plan.furniture = self.furniture(f);
            }
        }
        t.finish(&mut self.problems);
        plan
    }

    /// The `output` file name, if the spec names one.
    fn output(&mut self, t: &mut Table) -> Option<String> {
        let o = t.string("output", &mut self.problems)?;
        let s = &o.value;
        if s.is_empty()
            || !s
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            || s.starts_with('.')
        {
            self.problem(
                o.span.clone(),
                format!(
                    "output must be a plain file name (letters, digits, '-', '_', '.'), got {s:?}"
                ),
            );
        }
        Some(o.value)
    }

    /// The `extent` table, if the spec has a valid one.
    fn extent(&mut self, t: &mut Table, ids: &LayerIds) -> Option<Extent> {
        let v = t.get("extent")?;
        let mut e = Table::of("`extent`", v, "extent", &mut self.problems)?;
        let pad = match e.number("pad", &mut self.problems) {
            Some(p) if !(0.0..0.45).contains(&p.value) => {
                self.problem(
                    p.span,
                    format!(
                        "extent.pad must be from 0 to 0.45 (a share of the frame), got {}",
                        p.value
                    ),
                );
                Extent::DEFAULT_PAD
            }
            Some(p) => p.value,
            None => Extent::DEFAULT_PAD,
        };
        let bbox = e.numbers(
            "bbox",
            Some(4),
            "[west, south, east, north], four numbers",
            &mut self.problems,
        );
        let fit = match e.get("fit") {
            None => None,
            Some(f) => match f.get_ref() {
                DeValue::String(s) => Some(vec![At {
                    value: s.to_string(),
                    span: f.span(),
                }]),
                DeValue::Array(_) => e.strings("fit", &mut self.problems),
                other => {
                    self.problem(
                        f.span(),
                        format!(
                            "invalid type: `fit` must be a layer id or a list of them, got {}",
                            reader::describe(other)
                        ),
                    );
                    None
                }
            },
        };
        let (has_bbox, has_fit) = (e.key_span("bbox").is_some(), e.key_span("fit").is_some());
        let span = e.span.clone();
        e.finish(&mut self.problems);
        if has_bbox == has_fit {
            self.problem(span, "extent needs exactly one of `bbox = [west, south, east, north]` or `fit = \"layer id\"`");
            return None;
        }
        if let Some(b) = bbox {
            let [w, s, east, n] = <[f64; 4]>::try_from(b.value.as_slice()).ok()?;
            let ok = [w, s, east, n].iter().all(|x| x.is_finite())
                && (-180.0..=180.0).contains(&w)
                && (-180.0..=180.0).contains(&east)
                && (-90.0..=90.0).contains(&s)
                && (-90.0..=90.0).contains(&n)
                && w < east
                && s < n;
            if !ok {
                self.problem(b.span, format!("extent.bbox must be [west, south, east, north] in degrees with west < east and south < north, got {:?}", b.value));
                return None;
            }
            return Some(Extent::BBox([w, s, east, n]));
        }
        let names = fit?;
        for n in &names {
            if !ids.contains(&n.value) {
                self.problem(
                    n.span.clone(),
                    format!(
                        "extent.fit names layer {:?}, but no [[layer]] has that id",
                        n.value
                    ),
                );
            }
        }
        Some(Extent::Fit {
            layers: names.into_iter().map(|n| n.value).collect(),
            pad,
        })
    }
}
