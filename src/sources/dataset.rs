//! What every reader produces: a [`Dataset`] of plain [`Feature`]s (an id, properties,
//! `geo` geometry in lon/lat degrees), the same whatever the format was.

use super::exact;
use super::properties::Properties;
use super::shared_arcs::SourceTopology;
use super::value::Value;
use crate::spec::Filter;
use geo::Geometry;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One feature of a data file.
#[derive(Debug, Clone)]
pub struct Feature {
    /// The format's feature id (GeoJSON's `id`), else a property `id`, else the feature's
    /// position in the file.
    pub id: String,
    /// Properties, read member by member when asked for (many renders never need them).
    pub properties: Properties,
    /// `None` for features without geometry (they can still feed badges and callouts).
    pub geometry: Option<Geometry<f64>>,
}

/// All features of one file.
#[derive(Debug)]
pub struct Dataset {
    pub path: PathBuf,
    /// The format the file was read as, as users know it (`"TopoJSON"`).
    pub format: &'static str,
    /// The CRS the file's coordinates were in, as declared (by the file or the layer's
    /// `crs`); `None` for longitude/latitude (WGS 84), the default. Features are held in
    /// longitude/latitude degrees whatever it was, except planar data (`"screen"`,
    /// `"planar"`: see [`Dataset::planar`]), held as it is.
    pub crs: Option<String>,
    /// The named collections of a file that holds several (TopoJSON objects, GeoPackage
    /// tables), in file order, each a run of `features`; empty for a file that is one
    /// collection (GeoJSON, a Shapefile, a CSV table).
    pub objects: Vec<Object>,
    pub features: Vec<Feature>,
    /// The shared arcs the features were drawn from, for a format that stores them
    /// (TopoJSON): prepare simplifies and draws inner borders over them.
    pub topology: Option<Arc<SourceTopology>>,
}

/// One named collection of a file: a TopoJSON object, a GeoPackage table.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    pub name: String,
    /// Its features: `Dataset::features[features]`.
    pub features: Range<usize>,
}

impl Dataset {
    /// A dataset of one collection, in longitude/latitude.
    pub fn new(path: &Path, format: &'static str, features: Vec<Feature>) -> Dataset {
        Dataset {
            path: path.to_path_buf(),
            format,
            crs: None,
            objects: Vec::new(),
            features,
            topology: None,
        }
    }

    /// The features of collection `name` (all of them for `None`): an error, listing the
    /// file's collections, when there is no such collection or the file holds several and
    /// `name` is `None`. `what` names who asks (`layer "counties"`).
    pub fn object_range(
        &self,
        name: Option<&str>,
        what: &str,
    ) -> std::result::Result<Range<usize>, String> {
        let list = || {
            self.objects
                .iter()
                .map(|o| {
                    let n = o.features.len();
                    format!(
                        "{:?} ({n} feature{})",
                        o.name,
                        if n == 1 { "" } else { "s" }
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let noun = self.object_noun();
        match (name, self.objects.as_slice()) {
            (None, []) => Ok(0..self.features.len()),
            (Some(n), []) => Err(format!(
                "{what} asks for {noun} {n:?}, but {} is {}, which holds one collection of features: remove `object`",
                self.path.display(),
                self.format
            )),
            (None, [one]) => Ok(one.features.clone()),
            (None, _) => Err(format!(
                "{what}: {} holds {} {noun}s, so the layer must name one with `object = \"name\"`: {}",
                self.path.display(),
                self.objects.len(),
                list()
            )),
            (Some(n), objects) => objects
                .iter()
                .find(|o| o.name == n)
                .map(|o| o.features.clone())
                .ok_or_else(|| {
                    format!(
                        "{what} asks for {noun} {n:?}, which {} does not hold; it holds {}",
                        self.path.display(),
                        list()
                    )
                }),
        }
    }

    /// The same number for datasets that hold the same source features at the same
    /// indices: a dataset and its joined copies (see [`super::join`]), which share its
    /// topology. Prepare builds one topology per source, whichever copy a layer draws.
    pub fn source_key(self: &Arc<Self>) -> usize {
        match &self.topology {
            Some(t) => Arc::as_ptr(t) as *const () as usize,
            None => Arc::as_ptr(self) as *const () as usize,
        }
    }

    /// What the format calls its collections.
    pub fn object_noun(&self) -> &'static str {
        match self.format {
            "GeoPackage" => "table",
            "TopoJSON" => "object",
            _ => "collection",
        }
    }

    /// Whether the features are planar coordinates drawn as they are (the layer said
    /// `crs = "screen"` or `"planar"`) rather than longitude/latitude.
    pub fn planar(&self) -> Option<crate::projection::Planar> {
        self.crs
            .as_deref()
            .and_then(crate::projection::Planar::parse)
    }

    /// Vertices (positions) in the dataset.
    pub fn vertex_count(&self) -> u64 {
        use geo::CoordsIter;
        self.features
            .iter()
            .filter_map(|f| f.geometry.as_ref())
            .map(|g| g.coords_count() as u64)
            .sum()
    }

    /// The features that pass `filter`, in file order.
    pub fn select<'a>(&'a self, filter: &'a Filter) -> impl Iterator<Item = &'a Feature> + 'a {
        self.features.iter().filter(move |f| f.matches(filter))
    }
}

impl Feature {
    /// A property as display text (`id` falls back to the feature id). Numbers are shown
    /// exactly as the file writes them, however many digits.
    pub fn property_text(&self, key: &str) -> Option<String> {
        match self.properties.value(key) {
            None | Some(Value::Null) if key == "id" => Some(self.id.clone()),
            None | Some(Value::Null) => None,
            Some(Value::Text(s)) => Some(s),
            Some(Value::Number(t)) => Some(t),
            Some(Value::Bool(b)) => Some(b.to_string()),
            // Arrays and objects are shown as compact JSON.
            Some(Value::Json(t)) => {
                Some(serde_json::from_str::<serde_json::Value>(&t).map_or(t, |v| v.to_string()))
            }
        }
    }

    /// Whether the feature passes `filter`: see [`super::filter`] for when values match.
    pub fn matches(&self, filter: &Filter) -> bool {
        super::filter::matches(&self.properties, &self.id, filter)
    }
}

/// A JSON feature's id (GeoJSON's and TopoJSON's rule): the `id` member as text (a string,
/// or a number as written), else a property `id`, else the feature's `index` in the file.
/// `raw` is the member's JSON text; an id of another type is an error (the message).
pub(crate) fn json_feature_id(
    raw: Option<&str>,
    properties: &Properties,
    index: usize,
) -> std::result::Result<String, String> {
    match raw {
        Some(t) if t.starts_with('"') => {
            serde_json::from_str::<String>(t).map_err(|e| format!("bad \"id\": {e}"))
        }
        Some(t) if exact::is_number(t) => Ok(t.to_string()),
        Some("null") | None => Ok(match properties.member_json("id").as_deref() {
            Some(t) if t.starts_with('"') => {
                serde_json::from_str::<String>(t).unwrap_or_else(|_| index.to_string())
            }
            Some(t) if exact::is_number(t) => t.to_string(),
            _ => index.to_string(),
        }),
        Some(_) => Err("\"id\" must be a string or a number".into()),
    }
}
