//! What every reader produces: a [`Dataset`] of plain [`Feature`]s (an id, properties,
//! `geo` geometry in lon/lat degrees), the same whatever the format was.

use super::exact;
use super::properties::Properties;
use super::value::Value;
use crate::spec::Filter;
use geo::Geometry;
use std::path::PathBuf;

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
    pub features: Vec<Feature>,
}

impl Dataset {
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

    /// Whether the feature passes `filter`: see [`exact::matches`] for when values match.
    pub fn matches(&self, filter: &Filter) -> bool {
        filter
            .0
            .iter()
            .all(|(key, wanted)| match self.properties.value(key) {
                Some(v) if v != Value::Null => wanted.iter().any(|w| exact::matches_value(w, &v)),
                _ if key == "id" => wanted.iter().any(|w| exact::matches_text(w, &self.id)),
                _ => false,
            })
    }
}
