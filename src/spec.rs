//! Map specs: one TOML file per map. Parsing is strict (unknown keys and wrong types are
//! errors with `file:line:column`) and paths are resolved relative to the spec file.

use crate::color::Paint;
use crate::error::{line_column, Error, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The spec as written, before validation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    title: Option<String>,
    subtitle: Option<String>,
    credit: Option<String>,
    /// Longer text for the SVG `<desc>` (screen readers); generated when absent.
    description: Option<String>,
    /// Output file name without extension; defaults to the spec file's name.
    output: Option<Spanned<String>>,
    /// Starts every SVG id; defaults to the output name made into an id.
    id_prefix: Option<Spanned<String>>,
    size: Option<Spanned<[f64; 2]>>,
    projection: Option<Spanned<String>>,
    extent: Option<Spanned<RawExtent>>,
    background: Option<Spanned<String>>,
    /// "light" (default), "dark" or "print".
    theme: Option<Spanned<String>>,
    /// Also write the dark theme's colours into the SVG, used where the reader's system
    /// prefers a dark colour scheme (CSS `prefers-color-scheme`).
    dark_variant: Option<bool>,
    /// Share of removable polygon vertices to keep, e.g. "10%" (topology-preserving).
    simplify: Option<Spanned<String>>,
    /// Room kept free beside the map for badges: "right" (default when badges exist) or "none".
    panel: Option<Spanned<String>>,
    #[serde(default, rename = "layer")]
    layers: Vec<RawLayer>,
    #[serde(default, rename = "callout")]
    callouts: Vec<RawCallout>,
    #[serde(default, rename = "badge")]
    badges: Vec<RawBadge>,
    furniture: Option<RawFurniture>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExtent {
    bbox: Option<[f64; 4]>,
    fit: Option<FitTargets>,
    pad: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum FitTargets {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLayer {
    id: Spanned<String>,
    source: Spanned<String>,
    #[serde(rename = "where")]
    filter: Option<Spanned<BTreeMap<String, toml::Value>>>,
    fill: Option<Spanned<String>>,
    stroke: Option<Spanned<String>>,
    stroke_width: Option<Spanned<f64>>,
    dash: Option<Spanned<Vec<f64>>>,
    opacity: Option<Spanned<f64>>,
    label: Option<Spanned<String>>,
    label_size: Option<Spanned<f64>>,
    label_color: Option<Spanned<String>>,
    label_weight: Option<Spanned<String>>,
    label_priority: Option<f64>,
    label_required: Option<bool>,
    label_transform: Option<Spanned<String>>,
    /// Small polygons may get an outside label with a leader line (default true).
    label_leader: Option<bool>,
    marker: Option<Spanned<String>>,
    marker_size: Option<Spanned<f64>>,
    legend: Option<String>,
    arrow: Option<bool>,
    curve: Option<bool>,
    description: Option<String>,
    /// Draw shared arcs instead of features: "inner" (borders between features, once)
    /// or "outer" (the outline of them all).
    lines: Option<Spanned<String>>,
    /// Draw the border between this layer's features and another source's.
    border_with: Option<RawBorderWith>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBorderWith {
    source: Spanned<String>,
    #[serde(rename = "where")]
    filter: Option<Spanned<BTreeMap<String, toml::Value>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCallout {
    at: Option<Spanned<[f64; 2]>>,
    source: Option<Spanned<String>>,
    #[serde(rename = "where")]
    filter: Option<Spanned<BTreeMap<String, toml::Value>>>,
    text: Spanned<String>,
    title: Option<Spanned<String>>,
    offset: Option<Spanned<[f64; 2]>>,
    color: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBadge {
    value: Spanned<toml::Value>,
    total: Option<Spanned<toml::Value>>,
    caption: Spanned<String>,
    note: Option<Spanned<String>>,
    source: Option<Spanned<String>>,
    #[serde(rename = "where")]
    filter: Option<Spanned<BTreeMap<String, toml::Value>>>,
    units: Option<bool>,
    color: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFurniture {
    legend: Option<bool>,
    scale_bar: Option<bool>,
    /// "km" (default), "mi" or "km+mi".
    scale_units: Option<Spanned<String>>,
    north_arrow: Option<bool>,
    frame: Option<bool>,
    /// Graticule spacing in degrees; absent or 0 for none.
    graticule: Option<Spanned<f64>>,
    /// "locator" for an automatic locator inset, "none" (default) for none.
    inset: Option<Spanned<String>>,
}

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
    pub theme: crate::theme::Theme,
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
}

pub use crate::limits::MAX_SIDE;

/// Reads and validates a spec file.
pub fn load(path: &Path) -> Result<Spec> {
    if path.is_dir() {
        return Err(Error::Io {
            path: path.to_path_buf(),
            message: "is a folder, not a spec file".into(),
        });
    }
    let bytes = crate::limits::read_spec(path)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        let (line, column) = line_column(&String::from_utf8_lossy(&bytes[..at]), at);
        Error::Spec {
            file: path.to_path_buf(),
            line,
            column,
            message: format!(
                "invalid UTF-8 (byte 0x{:02x}): a spec must be UTF-8 text",
                bytes[at]
            ),
        }
    })?;
    parse(&text, path)
}

/// Parses spec text; `path` names the file in errors and anchors relative paths.
pub fn parse(text: &str, path: &Path) -> Result<Spec> {
    let raw: RawSpec = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |s| line_column(text, s.start));
        Error::Spec {
            file: path.to_path_buf(),
            line,
            column,
            message: e.message().trim().to_string(),
        }
    })?;
    Validator { text, path }.spec(raw)
}

struct Validator<'a> {
    text: &'a str,
    path: &'a Path,
}

impl Validator<'_> {
    fn err(&self, span: Range<usize>, message: impl Into<String>) -> Error {
        let (line, column) = line_column(self.text, span.start);
        Error::Spec {
            file: self.path.to_path_buf(),
            line,
            column,
            message: message.into(),
        }
    }

    fn paint(&self, v: &Spanned<String>) -> Result<Paint> {
        Paint::parse(v.get_ref()).map_err(|m| self.err(v.span(), m))
    }

    /// A label, callout or badge text, checked as a template: a malformed one is an error
    /// at the string.
    fn template(&self, v: &Spanned<String>) -> Result<String> {
        crate::layout::template::check(v.get_ref()).map_err(|m| self.err(v.span(), m))?;
        Ok(v.get_ref().clone())
    }

    fn opt_template(&self, v: &Option<Spanned<String>>) -> Result<Option<String>> {
        v.as_ref().map(|v| self.template(v)).transpose()
    }

    fn opt_paint(&self, v: &Option<Spanned<String>>) -> Result<Option<Paint>> {
        v.as_ref().map(|v| self.paint(v)).transpose()
    }

    fn positive(&self, v: &Option<Spanned<f64>>, what: &str, max: f64) -> Result<Option<f64>> {
        match v {
            Some(s) if !(s.get_ref().is_finite() && *s.get_ref() > 0.0 && *s.get_ref() <= max) => {
                Err(self.err(
                    s.span(),
                    format!(
                        "{what} must be a number above 0 and at most {max}, got {}",
                        s.get_ref()
                    ),
                ))
            }
            Some(s) => Ok(Some(*s.get_ref())),
            None => Ok(None),
        }
    }

    fn path(&self, v: &Spanned<String>) -> Result<PathBuf> {
        let p = v.get_ref().trim();
        if p.is_empty() {
            return Err(self.err(v.span(), "source path is empty"));
        }
        let base = self.path.parent().unwrap_or(Path::new(""));
        Ok(base.join(p))
    }

    fn filter(&self, v: &Option<Spanned<BTreeMap<String, toml::Value>>>) -> Result<Filter> {
        let Some(v) = v else {
            return Ok(Filter::default());
        };
        let mut out = Vec::new();
        for (key, value) in v.get_ref() {
            let values = match value {
                toml::Value::Array(items) => items
                    .iter()
                    .map(|i| self.scalar(i, v))
                    .collect::<Result<Vec<_>>>()?,
                other => vec![self.scalar(other, v)?],
            };
            out.push((key.clone(), values));
        }
        Ok(Filter(out))
    }

    fn scalar(
        &self,
        v: &toml::Value,
        at: &Spanned<BTreeMap<String, toml::Value>>,
    ) -> Result<serde_json::Value> {
        Ok(match v {
            toml::Value::String(s) => serde_json::Value::String(s.clone()),
            toml::Value::Integer(i) => serde_json::Value::from(*i),
            toml::Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .ok_or_else(|| self.err(at.span(), "`where` values must be finite numbers"))?,
            toml::Value::Boolean(b) => serde_json::Value::Bool(*b),
            _ => {
                return Err(self.err(
                    at.span(),
                    "`where` values must be strings, numbers, booleans or lists of them",
                ))
            }
        })
    }

    fn lon_lat(&self, v: &Spanned<[f64; 2]>) -> Result<[f64; 2]> {
        let [lon, lat] = *v.get_ref();
        if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
            return Err(self.err(
                v.span(),
                format!("[{lon}, {lat}] is not a longitude, latitude pair (longitude -180..180, latitude -90..90)"),
            ));
        }
        Ok([lon, lat])
    }

    fn spec(&self, raw: RawSpec) -> Result<Spec> {
        let (width, height) = match &raw.size {
            Some(s) => {
                let [w, h] = *s.get_ref();
                for side in [w, h] {
                    if !((50.0..=MAX_SIDE).contains(&side)) {
                        return Err(self.err(
                            s.span(),
                            format!("size must be two numbers from 50 to {MAX_SIDE} (CSS pixels), got [{w}, {h}]"),
                        ));
                    }
                }
                (w, h)
            }
            None => (1200.0, 900.0),
        };
        let projection = match &raw.projection {
            None => ProjectionChoice::Auto,
            Some(p) if p.get_ref().trim().eq_ignore_ascii_case("auto") => ProjectionChoice::Auto,
            Some(p) => {
                let s = p.get_ref().trim().to_string();
                crate::projection::Projection::parse(&s).map_err(|m| self.err(p.span(), m))?;
                ProjectionChoice::Named(s)
            }
        };
        let mut layers = Vec::new();
        for l in &raw.layers {
            let layer = self.layer(l)?;
            if layers.iter().any(|o: &Layer| o.id == layer.id) {
                return Err(self.err(
                    l.id.span(),
                    format!("layer id {:?} is used twice", layer.id),
                ));
            }
            layers.push(layer);
        }
        if layers.is_empty() {
            return Err(self.err(0..0, "a spec needs at least one [[layer]]"));
        }
        let extent = match &raw.extent {
            None => Extent::Fit {
                layers: Vec::new(),
                pad: 0.04,
            },
            Some(e) => {
                let span = e.span();
                let e = e.get_ref();
                let pad = e.pad.unwrap_or(0.04);
                if !(0.0..0.45).contains(&pad) {
                    return Err(self.err(
                        span,
                        format!(
                            "extent.pad must be from 0 to 0.45 (a share of the frame), got {pad}"
                        ),
                    ));
                }
                match (&e.bbox, &e.fit) {
                    (Some(b), None) => {
                        let [w, s, east, n] = *b;
                        let ok = w.is_finite() && s.is_finite() && east.is_finite() && n.is_finite()
                            && (-180.0..=180.0).contains(&w) && (-180.0..=180.0).contains(&east)
                            && (-90.0..=90.0).contains(&s) && (-90.0..=90.0).contains(&n)
                            && w < east && s < n;
                        if !ok {
                            return Err(self.err(span, format!("extent.bbox must be [west, south, east, north] in degrees with west < east and south < north, got {b:?}")));
                        }
                        Extent::BBox(*b)
                    }
                    (None, Some(f)) => {
                        let names = match f {
                            FitTargets::One(s) => vec![s.clone()],
                            FitTargets::Many(v) => v.clone(),
                        };
                        for n in &names {
                            if !layers.iter().any(|l| &l.id == n) {
                                return Err(self.err(span, format!("extent.fit names layer {n:?}, but no [[layer]] has that id")));
                            }
                        }
                        Extent::Fit { layers: names, pad }
                    }
                    _ => return Err(self.err(span, "extent needs exactly one of `bbox = [west, south, east, north]` or `fit = \"layer id\"`")),
                }
            }
        };
        let mut callouts = Vec::new();
        for c in &raw.callouts {
            callouts.push(self.callout(c)?);
        }
        let mut badges = Vec::new();
        for b in &raw.badges {
            badges.push(self.badge(b)?);
        }
        let panel = match &raw.panel {
            None => !badges.is_empty(),
            Some(p) => match p.get_ref().as_str() {
                "right" => true,
                "none" => false,
                other => {
                    return Err(self.err(
                        p.span(),
                        format!("panel must be \"right\" or \"none\", got {other:?}"),
                    ))
                }
            },
        };
        let output = match &raw.output {
            Some(o) => {
                let s = o.get_ref();
                if s.is_empty()
                    || !s
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                    || s.starts_with('.')
                {
                    return Err(self.err(o.span(), format!("output must be a plain file name (letters, digits, '-', '_', '.'), got {s:?}")));
                }
                s.clone()
            }
            None => self
                .path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "map".into()),
        };
        let id_prefix = match &raw.id_prefix {
            Some(p) => {
                crate::scene::check_id_prefix(p.get_ref()).map_err(|m| self.err(p.span(), m))?;
                p.get_ref().clone()
            }
            None => crate::scene::id_prefix_for(&output),
        };
        let f = raw.furniture.unwrap_or_default();
        Ok(Spec {
            file: self.path.to_path_buf(),
            output,
            id_prefix,
            title: raw.title,
            subtitle: raw.subtitle,
            credit: raw.credit,
            description: raw.description,
            width,
            height,
            projection,
            extent,
            background: match &raw.background {
                Some(b) => self.paint(b)?,
                None => Paint::rgb(255, 255, 255),
            },
            theme: match &raw.theme {
                Some(t) => {
                    crate::theme::Theme::parse(t.get_ref()).map_err(|m| self.err(t.span(), m))?
                }
                None => crate::theme::Theme::Light,
            },
            dark_variant: raw.dark_variant.unwrap_or(false),
            simplify: match &raw.simplify {
                Some(v) => Some(
                    crate::topology::parse_share(v.get_ref()).map_err(|m| self.err(v.span(), m))?,
                ),
                None => None,
            },
            panel,
            layers,
            callouts,
            badges,
            furniture: self.furniture(&f)?,
        })
    }

    fn furniture(&self, f: &RawFurniture) -> Result<Furniture> {
        let (scale_km, scale_miles) = match &f.scale_units {
            None => (true, false),
            Some(u) => match u.get_ref().as_str() {
                "km" => (true, false),
                "mi" => (false, true),
                "km+mi" => (true, true),
                other => {
                    return Err(self.err(
                        u.span(),
                        format!("scale_units must be \"km\", \"mi\" or \"km+mi\", got {other:?}"),
                    ))
                }
            },
        };
        let graticule = match &f.graticule {
            Some(g) if *g.get_ref() == 0.0 => None,
            Some(g)
                if !(g.get_ref().is_finite() && *g.get_ref() >= 0.1 && *g.get_ref() <= 90.0) =>
            {
                return Err(self.err(
                    g.span(),
                    format!(
                        "graticule is the spacing in degrees, from 0.1 to 90 (0 for none), got {}",
                        g.get_ref()
                    ),
                ))
            }
            Some(g) => Some(*g.get_ref()),
            None => None,
        };
        let locator_inset = match &f.inset {
            None => false,
            Some(i) => match i.get_ref().as_str() {
                "locator" => true,
                "none" => false,
                other => {
                    return Err(self.err(
                        i.span(),
                        format!("inset must be \"locator\" or \"none\", got {other:?}"),
                    ))
                }
            },
        };
        Ok(Furniture {
            legend: f.legend.unwrap_or(true),
            scale_bar: f.scale_bar.unwrap_or(true),
            scale_km,
            scale_miles,
            north_arrow: f.north_arrow.unwrap_or(false),
            frame: f.frame.unwrap_or(false),
            graticule,
            graticule_at: f
                .graticule
                .as_ref()
                .map_or((0, 0), |g| line_column(self.text, g.span().start)),
            locator_inset,
        })
    }

    fn layer(&self, l: &RawLayer) -> Result<Layer> {
        let id = l.id.get_ref().clone();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(self.err(l.id.span(), format!("layer id must be letters, digits, '-' or '_' (it becomes an SVG id), got {id:?}")));
        }
        let dash = match &l.dash {
            Some(d) => {
                if d.get_ref()
                    .iter()
                    .any(|v| !(v.is_finite() && *v >= 0.0 && *v <= 1000.0))
                    || d.get_ref().iter().all(|v| *v == 0.0)
                {
                    return Err(self.err(d.span(), "dash must be a list of lengths in pixels from 0 to 1000, not all zero, e.g. [4, 2]"));
                }
                d.get_ref().clone()
            }
            None => Vec::new(),
        };
        let opacity = match &l.opacity {
            Some(o) if !(0.0..=1.0).contains(o.get_ref()) => {
                return Err(self.err(
                    o.span(),
                    format!("opacity must be from 0 to 1, got {}", o.get_ref()),
                ))
            }
            Some(o) => *o.get_ref(),
            None => 1.0,
        };
        let marker = match &l.marker {
            None => Marker::Circle,
            Some(m) => match m.get_ref().as_str() {
                "circle" => Marker::Circle,
                "square" => Marker::Square,
                "none" => Marker::None,
                other => {
                    return Err(self.err(
                        m.span(),
                        format!("marker must be \"circle\", \"square\" or \"none\", got {other:?}"),
                    ))
                }
            },
        };
        let label_bold = match &l.label_weight {
            None => false,
            Some(w) => match w.get_ref().as_str() {
                "bold" => true,
                "normal" => false,
                other => {
                    return Err(self.err(
                        w.span(),
                        format!("label_weight must be \"normal\" or \"bold\", got {other:?}"),
                    ))
                }
            },
        };
        let label_upper = match &l.label_transform {
            None => false,
            Some(t) => match t.get_ref().as_str() {
                "uppercase" => true,
                "none" => false,
                other => {
                    return Err(self.err(
                        t.span(),
                        format!("label_transform must be \"uppercase\" or \"none\", got {other:?}"),
                    ))
                }
            },
        };
        Ok(Layer {
            id,
            source: self.path(&l.source)?,
            filter: self.filter(&l.filter)?,
            fill: self.opt_paint(&l.fill)?,
            stroke: self.opt_paint(&l.stroke)?,
            stroke_width: match &l.stroke_width {
                Some(w) if *w.get_ref() == 0.0 => Some(0.0),
                other => self.positive(other, "stroke_width", 100.0)?,
            },
            dash,
            opacity,
            label: self.opt_template(&l.label)?,
            label_size: self
                .positive(&l.label_size, "label_size", 200.0)?
                .unwrap_or(11.0),
            label_color: match &l.label_color {
                Some(c) => self.paint(c)?,
                None => Paint::rgb(0x33, 0x33, 0x33),
            },
            label_bold,
            label_priority: l.label_priority.unwrap_or(0.0),
            label_required: l.label_required.unwrap_or(false),
            label_upper,
            label_leader: l.label_leader.unwrap_or(true),
            marker,
            marker_size: self
                .positive(&l.marker_size, "marker_size", 100.0)?
                .unwrap_or(3.5),
            legend: l.legend.clone(),
            arrow: l.arrow.unwrap_or(false),
            curve: l.curve.unwrap_or(false),
            description: l.description.clone(),
            geometry: match (&l.lines, &l.border_with) {
                (None, None) => LayerGeometry::Features,
                (Some(v), None) => match v.get_ref().as_str() {
                    "inner" => LayerGeometry::InnerLines,
                    "outer" => LayerGeometry::OuterLines,
                    other => {
                        return Err(self.err(
                            v.span(),
                            format!("lines must be \"inner\" or \"outer\", got {other:?}"),
                        ))
                    }
                },
                (None, Some(b)) => LayerGeometry::BorderWith {
                    source: self.path(&b.source)?,
                    filter: self.filter(&b.filter)?,
                },
                (Some(v), Some(_)) => {
                    return Err(
                        self.err(v.span(), "a layer takes `lines` or `border_with`, not both")
                    )
                }
            },
        })
    }

    fn callout(&self, c: &RawCallout) -> Result<Callout> {
        let anchor = match (&c.at, &c.source) {
            (Some(at), None) => Anchor::At(self.lon_lat(at)?),
            (None, Some(src)) => Anchor::Feature {
                source: self.path(src)?,
                filter: self.filter(&c.filter)?,
            },
            _ => return Err(self.err(c.text.span(), "a callout needs exactly one of `at = [lon, lat]` or `source = \"file.geojson\"` (with an optional `where`)")),
        };
        if c.text.get_ref().trim().is_empty() {
            return Err(self.err(c.text.span(), "callout text is empty"));
        }
        Ok(Callout {
            anchor,
            text: self.template(&c.text)?,
            title: self.opt_template(&c.title)?,
            offset: c.offset.as_ref().map(|o| *o.get_ref()),
            color: match &c.color {
                Some(col) => self.paint(col)?,
                None => Paint::rgb(0x22, 0x22, 0x22),
            },
        })
    }

    fn badge(&self, b: &RawBadge) -> Result<Badge> {
        let as_text = |v: &Spanned<toml::Value>| -> Result<String> {
            match v.get_ref() {
                toml::Value::String(s) => {
                    crate::layout::template::check(s).map_err(|m| self.err(v.span(), m))?;
                    Ok(s.clone())
                }
                toml::Value::Integer(i) => Ok(i.to_string()),
                toml::Value::Float(f) => Ok(f.to_string()),
                _ => Err(self.err(v.span(), "badge value and total must be a number or a template string such as \"{count}\"")),
            }
        };
        let source = match &b.source {
            Some(s) => Some((self.path(s)?, self.filter(&b.filter)?)),
            None => None,
        };
        Ok(Badge {
            value: as_text(&b.value)?,
            total: b.total.as_ref().map(as_text).transpose()?,
            caption: self.template(&b.caption)?,
            note: self.opt_template(&b.note)?,
            source,
            units: b.units.unwrap_or(false),
            color: match &b.color {
                Some(c) => self.paint(c)?,
                None => Paint::rgb(0x8c, 0x2d, 0x19),
            },
        })
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
