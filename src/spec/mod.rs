//! Map specs: one TOML file per map, read into the plan of that map. Parsing is strict
//! (unknown keys and wrong types are errors with `file:line:column`, every one of them at
//! once) and paths are resolved relative to the spec file. A validated [`Spec`] is a plan:
//! one map with every default resolved, which the later stages only read.

mod annotations;
mod atlas;
pub mod draw;
pub mod encoding;
mod encoding_size;
mod facet;
mod filter;
mod furniture;
pub mod ids;
mod join;
pub mod keywords;
mod layer;
mod legend;
pub mod number_format;
pub mod reader;
pub mod schema;
pub mod template;
mod validate;

use crate::color::Paint;
use crate::error::{line_column, Error, Result};
pub use crate::limits::{MAX_SIDE, MIN_SIDE};
pub use annotations::{Anchor, Badge, Callout};
pub use atlas::{Atlas, DEFAULT_ATLAS_PAD};
pub use encoding::{Encoding, Missing, ScaleKind, SizeEncoding, SizeScale};
pub use facet::{Facet, MAX_PANELS};
pub use filter::{Cmp, Filter, Test};
pub use furniture::Furniture;
pub use ids::{check_id_prefix, id_prefix_for, safe_id};
pub use join::Join;
pub use keywords::{Marker, Theme};
pub use layer::{Layer, LayerGeometry, ReadOptions};
pub use legend::{LegendDirection, LegendPosition, LegendStyle};
use reader::{Problems, Table};
use std::path::{Path, PathBuf};
pub use validate::parse_share;
use validate::Validator;

/// A validated map spec: the plan of one map, ready to render. Every default is resolved
/// here (see [`Spec::new`] and [`Layer::new`]), so a spec file and `mapfig draw` that ask
/// for the same thing get the same map.
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
    pub theme: Theme,
    /// Write a dark variant into the SVG for readers whose system prefers dark (see
    /// [`crate::scene::Scene::dark_variant`]).
    pub dark_variant: bool,
    /// Share of vertices kept by topology-preserving simplification (all polygon layers
    /// together, so shared borders stay shared).
    pub simplify: Option<f64>,
    pub panel: bool,
    /// `strict = true`: a `where` filter that matches nothing and a join that leaves
    /// features without a row are errors instead of warnings.
    pub strict: bool,
    /// Font files (TTF, OTF, TTC) text may be set in after the bundled faces: `fonts = [...]`.
    pub fonts: Vec<PathBuf>,
    /// `strict_text = true`: a character no font has a glyph for fails the render.
    pub strict_text: bool,
    /// `embed_fonts = true`: the SVG carries a subset of each font its texts use.
    pub embed_fonts: bool,
    /// `[atlas]`: one map per feature of a coverage layer.
    pub atlas: Option<Atlas>,
    /// `[facet]`: one figure of panels, one per value of a layer's property.
    pub facet: Option<Facet>,
    pub layers: Vec<Layer>,
    pub callouts: Vec<Callout>,
    pub badges: Vec<Badge>,
    pub furniture: Furniture,
}

impl Spec {
    /// The plan of a map read from `file` and written as `output` with everything left
    /// at its default: 1200 × 900 px, an automatic projection fitted to all the data with
    /// a small margin, a white background, the light theme, a legend and a scale bar, ids
    /// prefixed after `output`, and no layers yet.
    pub fn new(file: PathBuf, output: String) -> Spec {
        Spec {
            id_prefix: id_prefix_for(&output),
            file,
            output,
            title: None,
            subtitle: None,
            credit: None,
            description: None,
            width: 1200.0,
            height: 900.0,
            projection: ProjectionChoice::Auto,
            extent: Extent::fit_all(Extent::DEFAULT_PAD),
            background: Paint::rgb(255, 255, 255),
            theme: Theme::Light,
            dark_variant: false,
            simplify: None,
            panel: false,
            strict: false,
            fonts: Vec::new(),
            strict_text: false,
            embed_fonts: false,
            atlas: None,
            facet: None,
            layers: Vec::new(),
            callouts: Vec::new(),
            badges: Vec::new(),
            furniture: Furniture::DEFAULT,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ProjectionChoice {
    /// A conic fitted to the data's extent (or a world projection for world-sized data).
    Auto,
    /// `EPSG:nnnn` or a `+proj=` string, passed to proj4rs.
    Named(String),
}

impl ProjectionChoice {
    /// `auto` (in any case), or a projection proj4rs accepts, kept as written.
    pub fn parse(text: &str) -> Result<ProjectionChoice, String> {
        if text.eq_ignore_ascii_case("auto") {
            return Ok(ProjectionChoice::Auto);
        }
        crate::projection::Projection::parse(text)?;
        Ok(ProjectionChoice::Named(text.to_string()))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Extent {
    /// Fit the map to a lon/lat box `[west, south, east, north]`.
    BBox([f64; 4]),
    /// Fit the map to the features of these layers (all layers when empty).
    Fit { layers: Vec<String>, pad: f64 },
}

impl Extent {
    /// The margin around fitted data when a spec names none, as a share of the frame.
    pub const DEFAULT_PAD: f64 = 0.04;

    /// Fit the map to all its layers, with `pad` of the frame left around them.
    pub fn fit_all(pad: f64) -> Extent {
        Extent::Fit {
            layers: Vec::new(),
            pad,
        }
    }
}

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

/// Parses spec text into the plan of one map; `path` names the file in errors and anchors
/// relative paths. Every problem is reported, sorted by place (see
/// [`reader::Problems::finish`]).
///
/// ```
/// use mapfig::spec::{self, Marker};
/// use std::path::Path;
///
/// let text = r#"
/// title = "Kunduz"
/// [[layer]]
/// id = "districts"
/// source = "../geodata/districts.geojson"
/// marker = "square"
/// "#;
/// let plan = spec::parse(text, Path::new("maps/kunduz.toml"))?;
/// assert_eq!(plan.output, "kunduz");
/// assert_eq!(plan.layers[0].source, Path::new("maps/../geodata/districts.geojson"));
/// assert_eq!(plan.layers[0].marker, Marker::Square);
/// assert_eq!(plan.layers[0].opacity, 1.0, "unset keys get their defaults");
///
/// let wrong = spec::parse("[[layer]]\nid = \"d\"\nsource = \"d.geojson\"\nmarker = \"star\"\n", Path::new("m.toml"));
/// assert!(wrong.unwrap_err().to_string().starts_with("m.toml:4:10: marker must be"));
/// # Ok::<(), mapfig::Error>(())
/// ```
pub fn parse(text: &str, path: &Path) -> Result<Spec> {
    let mut problems = Problems::default();
    let Some(doc) = reader::parse(text, &mut problems) else {
        // Only syntax errors: a tree recovered around them would add follow-up noise.
        return problems.finish(path, text, ()).and_then(|()| {
            Err(Error::Spec {
                file: path.to_path_buf(),
                line: 1,
                column: 1,
                message: "not TOML".into(),
            })
        });
    };
    let mut v = Validator {
        path,
        text,
        problems,
    };
    let spec = v.spec(Table::new("the spec", &doc));
    v.problems.finish(path, text, spec)
}

#[cfg(test)]
mod tests;
