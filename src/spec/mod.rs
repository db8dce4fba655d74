//! Map specs: one TOML file per map. Parsing is strict (unknown keys and wrong types are
//! errors with `file:line:column`, every one of them at once) and paths are resolved
//! relative to the spec file.

pub mod reader;

use crate::color::Paint;
use crate::error::{line_column, Error, Result};
use reader::{At, Problems, Table};
use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::de::DeValue;
use toml::Spanned;

/// A validated map spec, ready to render.
#[derive(Debug, Clone)]
pub struct Spec {
    pub file: PathBuf,
    pub output: String,
    /// Starts every id in the SVG ([`crate::scene::Scene::id_prefix`]).
    pub id_prefix: String,
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub credit: Option<String>,
    pub description: Option<String>,
    pub width: f64,
    pub height: f64,
    pub projection: ProjectionChoice,
    pub extent: Extent,
    pub background: Paint,
    pub theme: crate::symbology::theme::Theme,
    /// Write a dark variant into the SVG for readers whose system prefers dark (see
    /// [`crate::scene::Scene::dark_variant`]).
    pub dark_variant: bool,
    /// Share of vertices kept by topology-preserving simplification (all polygon layers
    /// together, so shared borders stay shared).
    pub simplify: Option<f64>,
    pub panel: bool,
    pub layers: Vec<Layer>,
    pub callouts: Vec<Callout>,
    pub badges: Vec<Badge>,
    pub furniture: Furniture,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ProjectionChoice {
    /// A conic fitted to the data's extent (or a world projection for world-sized data).
    Auto,
    /// `EPSG:nnnn` or a `+proj=` string, passed to proj4rs.
    Named(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Extent {
    /// Fit the map to a lon/lat box `[west, south, east, north]`.
    BBox([f64; 4]),
    /// Fit the map to the features of these layers (all layers when empty).
    Fit { layers: Vec<String>, pad: f64 },
}

/// Feature filter: every key must match; a value list means any of them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter(pub Vec<(String, Vec<serde_json::Value>)>);

#[derive(Debug, Clone)]
pub struct Layer {
    pub id: String,
    pub source: PathBuf,
    pub filter: Filter,
    pub fill: Option<Paint>,
    pub stroke: Option<Paint>,
    pub stroke_width: Option<f64>,
    pub dash: Vec<f64>,
    pub opacity: f64,
    pub label: Option<String>,
    pub label_size: f64,
    pub label_color: Paint,
    pub label_bold: bool,
    pub label_priority: f64,
    pub label_required: bool,
    pub label_upper: bool,
    pub label_leader: bool,
    pub marker: Marker,
    pub marker_size: f64,
    pub legend: Option<String>,
    pub arrow: bool,
    pub curve: bool,
    pub description: Option<String>,
    pub geometry: LayerGeometry,
}

/// What a layer draws of its features.
#[derive(Debug, Clone, PartialEq)]
pub enum LayerGeometry {
    /// The features themselves.
    Features,
    /// Borders shared by two of its polygon features, each once.
    InnerLines,
    /// The outline of all its polygon features together.
    OuterLines,
    /// The border between its features and those of another file.
    BorderWith { source: PathBuf, filter: Filter },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Marker {
    Circle,
    Square,
    None,
}

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

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Furniture {
    pub legend: bool,
    pub scale_bar: bool,
    pub scale_km: bool,
    pub scale_miles: bool,
    pub north_arrow: bool,
    pub frame: bool,
    /// Graticule spacing in degrees.
    pub graticule: Option<f64>,
    /// Line and column of the `graticule` key, for errors found when it is drawn.
    pub graticule_at: (usize, usize),
    pub locator_inset: bool,
}

impl Furniture {
    /// No furniture at all.
    pub const NONE: Furniture = Furniture {
        legend: false,
        scale_bar: false,
        scale_km: true,
        scale_miles: false,
        north_arrow: false,
        frame: false,
        graticule: None,
        graticule_at: (0, 0),
        locator_inset: false,
    };

    /// What a spec gets without a `[furniture]` table: legend and scale bar.
    pub const DEFAULT: Furniture = Furniture {
        legend: true,
        scale_bar: true,
        ..Furniture::NONE
    };
}

pub use crate::limits::MAX_SIDE;

/// Smallest canvas side a spec may ask for, in CSS pixels: the map frame (at least 80 px)
/// inside the page margins, with room for the furniture, so every accepted size renders.
pub const MIN_SIDE: f64 = 120.0;

/// Smallest canvas width with the side panel (badges): the panel's 200 px, its gutter, the
/// margins and an 80 px map frame.
pub const MIN_PANEL_WIDTH: f64 = 340.0;

/// Reads and validates a spec file.
pub fn load(path: &Path) -> Result<Spec> {
    if path.is_dir() {
        return Err(Error::Io {
            path: path.to_path_buf(),
            message: "is a folder, not a spec file".into(),
        });
    }
    let text = read_text(path)?;
    parse(&text, path)
}

/// Reads a spec or manifest (bounded, see [`crate::limits::read_spec`]) as UTF-8 text.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = crate::limits::read_spec(path)?;
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        let before = bytes.get(..at).unwrap_or_default();
        let (line, column) = line_column(&String::from_utf8_lossy(before), at);
        Error::Spec {
            file: path.to_path_buf(),
            line,
            column,
            message: format!(
                "invalid UTF-8 (byte 0x{:02x}): a spec must be UTF-8 text",
                bytes.get(at).copied().unwrap_or_default()
            ),
        }
    })
}

/// Parses spec text; `path` names the file in errors and anchors relative paths. Every
/// problem is reported, sorted by place (see [`reader::Problems::finish`]).
pub fn parse(text: &str, path: &Path) -> Result<Spec> {
    let mut v = Validator {
        path,
        text,
        problems: Problems::default(),
    };
    let Some(doc) = reader::parse(text, &mut v.problems) else {
        // Only syntax errors: a tree recovered around them would add follow-up noise.
        return v.problems.finish(path, text, ()).and_then(|()| {
            Err(Error::Spec {
                file: path.to_path_buf(),
                line: 1,
                column: 1,
                message: "not TOML".into(),
            })
        });
    };
    let spec = v.spec(Table::new("the spec", &doc));
    v.problems.finish(path, text, spec)
}

/// Checks a spec key by key, recording each problem and going on with a stand-in value, so
/// one pass finds them all; the result is used only when there were none.
struct Validator<'a> {
    path: &'a Path,
    /// The spec's text, for positions kept past validation (`graticule_at`).
    text: &'a str,
    problems: Problems,
}

/// The layer ids of a spec, for duplicate and reference checks in linear time.
type LayerIds = HashSet<String>;

impl Validator<'_> {
    fn problem(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.problems.add(span, message);
    }

    /// One of `choices` (`(word, value)`), else a problem listing them.
    fn choice<T: Copy>(&mut self, v: &At<String>, key: &str, choices: &[(&str, T)]) -> Option<T> {
        if let Some((_, t)) = choices.iter().find(|(w, _)| *w == v.value) {
            return Some(*t);
        }
        let words: Vec<String> = choices.iter().map(|(w, _)| format!("{w:?}")).collect();
        let list = match words.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => words.join(""),
        };
        let known: Vec<&str> = choices.iter().map(|(w, _)| *w).collect();
        let hint = reader::closest(&v.value, &known)
            .map(|w| format!("; did you mean {w:?}?"))
            .unwrap_or_default();
        self.problem(
            v.span.clone(),
            format!("{key} must be {list}, got {:?}{hint}", v.value),
        );
        None
    }

    fn paint(&mut self, v: &At<String>) -> Option<Paint> {
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
    fn template(&mut self, v: At<String>) -> String {
        if let Err(m) = crate::layout::template::check(&v.value) {
            self.problem(v.span, m);
        }
        v.value
    }

    fn opt_template(&mut self, t: &mut Table, key: &'static str) -> Option<String> {
        let v = t.string(key, &mut self.problems)?;
        Some(self.template(v))
    }

    fn opt_paint(&mut self, t: &mut Table, key: &'static str) -> Option<Paint> {
        let v = t.string(key, &mut self.problems)?;
        self.paint(&v)
    }

    /// A number above 0 and at most `max`.
    fn positive(&mut self, t: &mut Table, key: &'static str, max: f64) -> Option<f64> {
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
        let p = v.value.trim();
        if p.is_empty() {
            self.problem(v.span.clone(), "source path is empty");
            return None;
        }
        let base = self.path.parent().unwrap_or(Path::new(""));
        Some(base.join(p))
    }

    /// The `source` key of a table (required when `required`).
    fn source(&mut self, t: &mut Table, required: bool) -> Option<PathBuf> {
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

    fn filter(&mut self, t: &mut Table) -> Filter {
        let Some(v) = t.get("where") else {
            return Filter::default();
        };
        let DeValue::Table(entries) = v.get_ref() else {
            self.problem(
                v.span(),
                format!(
                    "invalid type: `where` must be a table such as {{ id = \"AF-KDZ\" }}, got {}",
                    reader::describe(v.get_ref())
                ),
            );
            return Filter::default();
        };
        let mut out = Vec::with_capacity(entries.len());
        for (key, value) in entries.iter() {
            let values = match value.get_ref() {
                DeValue::Array(items) => items.iter().filter_map(|i| self.scalar(i)).collect(),
                _ => self.scalar(value).into_iter().collect(),
            };
            out.push((key.get_ref().to_string(), values));
        }
        Filter(out)
    }

    fn scalar(&mut self, v: &Spanned<DeValue>) -> Option<serde_json::Value> {
        let value = match v.get_ref() {
            DeValue::String(s) => serde_json::Value::String(s.to_string()),
            DeValue::Integer(_) => match reader::integer(v.get_ref()) {
                Some(i) => serde_json::Value::from(i),
                None => {
                    self.problem(v.span(), "`where` numbers must fit in 64 bits");
                    return None;
                }
            },
            DeValue::Float(_) => {
                match reader::number(v.get_ref()).and_then(serde_json::Number::from_f64) {
                    Some(n) => serde_json::Value::Number(n),
                    None => {
                        self.problem(v.span(), "`where` values must be finite numbers");
                        return None;
                    }
                }
            }
            DeValue::Boolean(b) => serde_json::Value::Bool(*b),
            other => {
                self.problem(
                    v.span(),
                    format!(
                        "`where` values must be strings, numbers, booleans or lists of them, got {}",
                        reader::describe(other)
                    ),
                );
                return None;
            }
        };
        Some(value)
    }

    fn lon_lat(&mut self, t: &mut Table, key: &'static str) -> Option<[f64; 2]> {
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

    fn spec(&mut self, mut t: Table) -> Spec {
        let title = t.string("title", &mut self.problems).map(|v| v.value);
        let subtitle = t.string("subtitle", &mut self.problems).map(|v| v.value);
        let credit = t.string("credit", &mut self.problems).map(|v| v.value);
        let description = t.string("description", &mut self.problems).map(|v| v.value);
        let size = self.size(&mut t);
        let (width, height) = size.as_ref().map_or((1200.0, 900.0), |s| s.value);
        let projection = match t.string("projection", &mut self.problems) {
            None => ProjectionChoice::Auto,
            Some(p) if p.value.trim().eq_ignore_ascii_case("auto") => ProjectionChoice::Auto,
            Some(p) => {
                let s = p.value.trim().to_string();
                if let Err(m) = crate::projection::Projection::parse(&s) {
                    self.problem(p.span, m);
                }
                ProjectionChoice::Named(s)
            }
        };
        let mut ids = LayerIds::new();
        let mut layers = Vec::new();
        let raw_layers = t.tables("layer", "[[layer]]", &mut self.problems);
        if raw_layers.is_empty() {
            let at = t.key_span("layer").unwrap_or(0..0);
            self.problem(at, "a spec needs at least one [[layer]]");
        }
        for l in raw_layers {
            if let Some(layer) = self.layer(l, &mut ids) {
                layers.push(layer);
            }
        }
        let extent = self.extent(&mut t, &ids);
        let callouts = t
            .tables("callout", "[[callout]]", &mut self.problems)
            .into_iter()
            .filter_map(|c| self.callout(c))
            .collect();
        let badges: Vec<Badge> = t
            .tables("badge", "[[badge]]", &mut self.problems)
            .into_iter()
            .filter_map(|b| self.badge(b))
            .collect();
        let has_badges = t.key_span("badge").is_some();
        let panel = match t.string("panel", &mut self.problems) {
            None => has_badges,
            Some(p) => self
                .choice(&p, "panel", &[("right", true), ("none", false)])
                .unwrap_or(true),
        };
        if panel && width < MIN_PANEL_WIDTH {
            let span = size.as_ref().map_or(0..0, |s| s.span.clone());
            self.problem(
                span,
                format!("a map with a side panel (badges) needs a width of at least {MIN_PANEL_WIDTH} px, got {width}"),
            );
        }
        let output = match t.string("output", &mut self.problems) {
            Some(o) => {
                let s = &o.value;
                if s.is_empty()
                    || !s
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                    || s.starts_with('.')
                {
                    self.problem(o.span.clone(), format!("output must be a plain file name (letters, digits, '-', '_', '.'), got {s:?}"));
                }
                o.value
            }
            None => self
                .path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "map".into()),
        };
        let id_prefix = match t.string("id_prefix", &mut self.problems) {
            Some(p) => {
                if let Err(m) = crate::scene::check_id_prefix(&p.value) {
                    self.problem(p.span, m);
                }
                p.value
            }
            None => crate::scene::id_prefix_for(&output),
        };
        let background = self
            .opt_paint(&mut t, "background")
            .unwrap_or(Paint::rgb(255, 255, 255));
        let theme = match t.string("theme", &mut self.problems) {
            Some(v) => crate::symbology::theme::Theme::parse(&v.value).unwrap_or_else(|m| {
                self.problem(v.span, m);
                crate::symbology::theme::Theme::Light
            }),
            None => crate::symbology::theme::Theme::Light,
        };
        let dark_variant = t
            .boolean("dark_variant", &mut self.problems)
            .unwrap_or(false);
        let simplify = t.string("simplify", &mut self.problems).and_then(|v| {
            match crate::prepare::topology::parse_share(&v.value) {
                Ok(s) => Some(s),
                Err(m) => {
                    self.problem(v.span, m);
                    None
                }
            }
        });
        let furniture = match t.get("furniture") {
            Some(f) => match Table::of("[furniture]", f, "furniture", &mut self.problems) {
                Some(f) => self.furniture(f),
                None => Furniture::DEFAULT,
            },
            None => Furniture::DEFAULT,
        };
        t.finish(&mut self.problems);
        Spec {
            file: self.path.to_path_buf(),
            output,
            id_prefix,
            title,
            subtitle,
            credit,
            description,
            width,
            height,
            projection,
            extent,
            background,
            theme,
            dark_variant,
            simplify,
            panel,
            layers,
            callouts,
            badges,
            furniture,
        }
    }

    fn extent(&mut self, t: &mut Table, ids: &LayerIds) -> Extent {
        let default = Extent::Fit {
            layers: Vec::new(),
            pad: 0.04,
        };
        let Some(v) = t.get("extent") else {
            return default;
        };
        let Some(mut e) = Table::of("`extent`", v, "extent", &mut self.problems) else {
            return default;
        };
        let pad = match e.number("pad", &mut self.problems) {
            Some(p) if !(0.0..0.45).contains(&p.value) => {
                self.problem(
                    p.span,
                    format!(
                        "extent.pad must be from 0 to 0.45 (a share of the frame), got {}",
                        p.value
                    ),
                );
                0.04
            }
            Some(p) => p.value,
            None => 0.04,
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
            return default;
        }
        if let Some(b) = bbox {
            let Ok([w, s, east, n]) = <[f64; 4]>::try_from(b.value.as_slice()) else {
                return default;
            };
            let ok = [w, s, east, n].iter().all(|x| x.is_finite())
                && (-180.0..=180.0).contains(&w)
                && (-180.0..=180.0).contains(&east)
                && (-90.0..=90.0).contains(&s)
                && (-90.0..=90.0).contains(&n)
                && w < east
                && s < n;
            if !ok {
                self.problem(b.span, format!("extent.bbox must be [west, south, east, north] in degrees with west < east and south < north, got {:?}", b.value));
                return default;
            }
            return Extent::BBox([w, s, east, n]);
        }
        let Some(names) = fit else {
            return default;
        };
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
        Extent::Fit {
            layers: names.into_iter().map(|n| n.value).collect(),
            pad,
        }
    }

    fn furniture(&mut self, mut f: Table) -> Furniture {
        let p = &mut self.problems;
        let (legend, scale_bar) = (f.boolean("legend", p), f.boolean("scale_bar", p));
        let (north_arrow, frame) = (f.boolean("north_arrow", p), f.boolean("frame", p));
        let (scale_km, scale_miles) = match f.string("scale_units", &mut self.problems) {
            None => (true, false),
            Some(u) => self
                .choice(
                    &u,
                    "scale_units",
                    &[
                        ("km", (true, false)),
                        ("mi", (false, true)),
                        ("km+mi", (true, true)),
                    ],
                )
                .unwrap_or((true, false)),
        };
        let graticule_key = f.number("graticule", &mut self.problems);
        let graticule_at = graticule_key.as_ref().map_or((0, 0), |g| {
            crate::error::line_column(self.text, g.span.start)
        });
        let graticule = match graticule_key {
            Some(g) if g.value == 0.0 => None,
            Some(g) if !(g.value.is_finite() && g.value >= 0.1 && g.value <= 90.0) => {
                self.problem(
                    g.span,
                    format!(
                        "graticule is the spacing in degrees, from 0.1 to 90 (0 for none), got {}",
                        g.value
                    ),
                );
                None
            }
            Some(g) => Some(g.value),
            None => None,
        };
        let locator_inset = match f.string("inset", &mut self.problems) {
            None => false,
            Some(i) => self
                .choice(&i, "inset", &[("locator", true), ("none", false)])
                .unwrap_or(false),
        };
        f.finish(&mut self.problems);
        Furniture {
            legend: legend.unwrap_or(true),
            scale_bar: scale_bar.unwrap_or(true),
            scale_km,
            scale_miles,
            north_arrow: north_arrow.unwrap_or(false),
            frame: frame.unwrap_or(false),
            graticule,
            graticule_at,
            locator_inset,
        }
    }

    /// One `[[layer]]`; `ids` collects the ids seen so far (a hash map: 100,000 layers
    /// check in linear time).
    fn layer(&mut self, mut l: Table, ids: &mut LayerIds) -> Option<Layer> {
        let id = l.string("id", &mut self.problems);
        if let Some(id) = &id {
            let s = &id.value;
            if s.is_empty()
                || !s
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                self.problem(id.span.clone(), format!("layer id must be letters, digits, '-' or '_' (it becomes an SVG id), got {s:?}"));
            }
            if !ids.insert(s.clone()) {
                self.problem(id.span.clone(), format!("layer id {s:?} is used twice"));
            }
        } else if l.key_span("id").is_none() {
            self.problem(l.span.clone(), "[[layer]] needs an `id = \"name\"`");
        }
        let source = self.source(&mut l, true);
        let filter = self.filter(&mut l);
        let fill = self.opt_paint(&mut l, "fill");
        let stroke = self.opt_paint(&mut l, "stroke");
        let stroke_width = match l.number("stroke_width", &mut self.problems) {
            Some(w) if w.value == 0.0 => Some(0.0),
            Some(w) if !(w.value.is_finite() && w.value > 0.0 && w.value <= 100.0) => {
                self.problem(
                    w.span,
                    format!(
                        "stroke_width must be a number from 0 to 100, got {}",
                        w.value
                    ),
                );
                None
            }
            other => other.map(|w| w.value),
        };
        let dash = match l.numbers("dash", None, "a list of numbers", &mut self.problems) {
            Some(d) => {
                if d.value
                    .iter()
                    .any(|v| !(v.is_finite() && *v >= 0.0 && *v <= 1000.0))
                    || d.value.iter().all(|v| *v == 0.0)
                {
                    self.problem(d.span, "dash must be a list of lengths in pixels from 0 to 1000, not all zero, e.g. [4, 2]");
                    Vec::new()
                } else {
                    d.value
                }
            }
            None => Vec::new(),
        };
        let opacity = match l.number("opacity", &mut self.problems) {
            Some(o) if !(0.0..=1.0).contains(&o.value) => {
                self.problem(
                    o.span,
                    format!("opacity must be from 0 to 1, got {}", o.value),
                );
                1.0
            }
            Some(o) => o.value,
            None => 1.0,
        };
        let label = self.opt_template(&mut l, "label");
        let label_size = self.positive(&mut l, "label_size", 200.0).unwrap_or(11.0);
        let label_color = self
            .opt_paint(&mut l, "label_color")
            .unwrap_or(Paint::rgb(0x33, 0x33, 0x33));
        let label_bold = match l.string("label_weight", &mut self.problems) {
            None => false,
            Some(w) => self
                .choice(&w, "label_weight", &[("normal", false), ("bold", true)])
                .unwrap_or(false),
        };
        let label_priority = match l.number("label_priority", &mut self.problems) {
            Some(v) if !v.value.is_finite() => {
                self.problem(v.span, "label_priority must be a finite number");
                0.0
            }
            Some(v) => v.value,
            None => 0.0,
        };
        let label_required = l.boolean("label_required", &mut self.problems);
        let label_upper = match l.string("label_transform", &mut self.problems) {
            None => false,
            Some(t) => self
                .choice(
                    &t,
                    "label_transform",
                    &[("uppercase", true), ("none", false)],
                )
                .unwrap_or(false),
        };
        let label_leader = l.boolean("label_leader", &mut self.problems);
        let marker = match l.string("marker", &mut self.problems) {
            None => Marker::Circle,
            Some(m) => self
                .choice(
                    &m,
                    "marker",
                    &[
                        ("circle", Marker::Circle),
                        ("square", Marker::Square),
                        ("none", Marker::None),
                    ],
                )
                .unwrap_or(Marker::Circle),
        };
        let marker_size = self.positive(&mut l, "marker_size", 100.0).unwrap_or(3.5);
        let legend = l.string("legend", &mut self.problems).map(|v| v.value);
        let arrow = l.boolean("arrow", &mut self.problems);
        let curve = l.boolean("curve", &mut self.problems);
        let description = l.string("description", &mut self.problems).map(|v| v.value);
        let lines = l.string("lines", &mut self.problems);
        let border_with = match l.get("border_with") {
            Some(b) => {
                Table::of("`border_with`", b, "border_with", &mut self.problems).map(|mut b| {
                    let source = self.source(&mut b, true);
                    let filter = self.filter(&mut b);
                    b.finish(&mut self.problems);
                    (source, filter)
                })
            }
            None => None,
        };
        let geometry = match (&lines, border_with) {
            (None, None) => LayerGeometry::Features,
            (Some(v), None) => {
                match self.choice(v, "lines", &[("inner", true), ("outer", false)]) {
                    Some(true) => LayerGeometry::InnerLines,
                    Some(false) => LayerGeometry::OuterLines,
                    None => LayerGeometry::Features,
                }
            }
            (None, Some((source, filter))) => LayerGeometry::BorderWith {
                source: source.unwrap_or_default(),
                filter,
            },
            (Some(v), Some(_)) => {
                self.problem(
                    v.span.clone(),
                    "a layer takes `lines` or `border_with`, not both",
                );
                LayerGeometry::Features
            }
        };
        l.finish(&mut self.problems);
        Some(Layer {
            id: id?.value,
            source: source?,
            filter,
            fill,
            stroke,
            stroke_width,
            dash,
            opacity,
            label,
            label_size,
            label_color,
            label_bold,
            label_priority,
            label_required: label_required.unwrap_or(false),
            label_upper,
            label_leader: label_leader.unwrap_or(true),
            marker,
            marker_size,
            legend,
            arrow: arrow.unwrap_or(false),
            curve: curve.unwrap_or(false),
            description,
            geometry,
        })
    }

    fn callout(&mut self, mut c: Table) -> Option<Callout> {
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
            .unwrap_or(Paint::rgb(0x22, 0x22, 0x22));
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

    fn badge(&mut self, mut b: Table) -> Option<Badge> {
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
            .unwrap_or(Paint::rgb(0x8c, 0x2d, 0x19));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<Spec> {
        parse(s, Path::new("maps/test.toml"))
    }

    const MINIMAL: &str = "[[layer]]\nid = \"p\"\nsource = \"../geodata/a.geojson\"\n";

    #[test]
    fn minimal_spec_gets_defaults() {
        let s = parse_str(MINIMAL).unwrap();
        assert_eq!((s.width, s.height), (1200.0, 900.0));
        assert_eq!(s.output, "test");
        assert_eq!(s.layers[0].source, Path::new("maps/../geodata/a.geojson"));
        assert_eq!(s.projection, ProjectionChoice::Auto);
    }

    #[test]
    fn unknown_key_reports_line_and_column() {
        let e = parse_str(&format!("{MINIMAL}fil = \"red\"\n")).unwrap_err();
        match e {
            Error::Spec {
                line,
                column,
                message,
                ..
            } => {
                assert_eq!((line, column), (4, 1), "{message}");
                assert!(message.contains("fil"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn wrong_type_reports_place() {
        let e = parse_str("size = \"big\"\n[[layer]]\nid = \"p\"\nsource = \"a\"\n").unwrap_err();
        assert!(e.to_string().starts_with("maps/test.toml:1:8:"), "{e}");
    }

    #[test]
    fn bad_colour_points_at_the_value() {
        let e = parse_str(&format!("{MINIMAL}fill = \"reddish\"\n")).unwrap_err();
        assert!(e.to_string().starts_with("maps/test.toml:4:8:"), "{e}");
    }

    #[test]
    fn absurd_size_is_rejected() {
        let e = parse_str(&format!("size = [1000000, 1000000]\n{MINIMAL}")).unwrap_err();
        assert!(e.to_string().contains("size must be"), "{e}");
    }

    #[test]
    fn where_takes_scalars_and_lists() {
        let s = parse_str(&format!(
            "{MINIMAL}where = {{ id = [\"AF-KDZ\", \"AF-TAK\"], n = 3 }}\n"
        ))
        .unwrap();
        let f = &s.layers[0].filter.0;
        assert_eq!(f[0].0, "id");
        assert_eq!(f[0].1.len(), 2);
        assert_eq!(f[1].1, vec![serde_json::json!(3)]);
    }

    #[test]
    fn unknown_projection_is_a_spec_error() {
        let e = parse_str(&format!("projection = \"+proj=nonsense\"\n{MINIMAL}")).unwrap_err();
        assert!(matches!(e, Error::Spec { line: 1, .. }), "{e}");
    }
}
