//! Reading geodata: each format is a [`Reader`] (GeoJSON and its text sequences, TopoJSON,
//! Shapefile, FlatGeobuf, GeoPackage, CSV/TSV), chosen by the file's content
//! ([`formats`]); it turns the file's bytes into a [`Dataset`] of plain features (an id,
//! format-neutral [`Value`] properties, `geo` geometry), checking every position and ring
//! within the run's [`Limits`]; the CRS step ([`crs`]) then brings data in a declared CRS
//! to longitude/latitude degrees. A [`DataCache`], shared by
//! every thread of a run, reads each file once.

mod authority;
mod cache;
pub mod crs;
mod csv;
mod dataset;
pub mod exact;
pub mod filter;
mod flatgeobuf;
pub mod formats;
mod geojson;
mod geopackage;
pub mod join;
mod properties;
mod reader;
mod shapefile;
mod shared_arcs;
pub mod summary;
pub mod table;
mod topojson;
mod validate;
mod value;
pub mod wkb;

pub use cache::DataCache;
pub use csv::Csv;
pub use dataset::{Dataset, Feature, Object};
pub use flatgeobuf::FlatGeobuf;
pub use geojson::{GeoJson, GeoJsonSeq, MAX_JSON_DEPTH};
pub use geopackage::GeoPackage;
pub use properties::Properties;
pub use reader::{Budget, Input, Reader};
pub use shapefile::{parse_shapefile, Shapefile};
pub use shared_arcs::{ArcRef, ShapeArcs, SourceTopology};
pub use summary::Summary;
pub use topojson::TopoJson;
pub use value::Value;

use crate::error::Result;
use crate::limits::Limits;
use crate::spec::ReadOptions;
use std::path::Path;

/// Reads and checks a data file (GeoJSON: FeatureCollection, Feature or bare Geometry).
pub fn load(path: &Path) -> Result<Dataset> {
    load_limited(path, &Limits::default())
}

/// [`load`], keeping `limits`: reading no more than `limits.max_input_bytes`, and stopping
/// as soon as the file holds more than `limits.max_vertices`.
pub fn load_limited(path: &Path, limits: &Limits) -> Result<Dataset> {
    let bytes = crate::limits::read_input(path, limits)?;
    parse_within(&bytes, path, limits, 0)
}

/// [`load_limited`], reading the file as `options` say.
pub fn load_with(path: &Path, limits: &Limits, options: &ReadOptions) -> Result<Dataset> {
    let bytes = crate::limits::read_input(path, limits)?;
    parse_with(&bytes, path, limits, 0, options)
}

/// Reads a data file's bytes with the reader for its format; `path` names the file in
/// errors. The entry point of the stage: what [`load`] and [`DataCache`] do after reading
/// the file.
///
/// ```
/// use mapfig::sources::{parse, Value};
/// use std::path::Path;
///
/// let geojson = br#"{"type": "FeatureCollection", "features": [
///     {"type": "Feature", "id": "AF-KDZ",
///      "properties": {"name": "Kunduz", "population": 1136000.0},
///      "geometry": {"type": "Point", "coordinates": [68.86, 36.73]}}]}"#;
/// let data = parse(geojson, Path::new("kunduz.geojson"))?;
/// let kunduz = &data.features[0];
/// assert_eq!(kunduz.id, "AF-KDZ");
/// // Numbers keep the digits the file writes.
/// assert_eq!(kunduz.property_text("population").as_deref(), Some("1136000.0"));
/// assert_eq!(kunduz.properties.value("name"), Some(Value::Text("Kunduz".into())));
/// assert_eq!(data.vertex_count(), 1);
///
/// // Every position is checked: errors name the file, the feature and the problem.
/// let far = br#"{"type": "Point", "coordinates": [268.86, 36.73]}"#;
/// let e = parse(far, Path::new("far.geojson")).unwrap_err();
/// assert!(e.to_string().starts_with("far.geojson: feature 0"));
/// # Ok::<(), mapfig::Error>(())
/// ```
pub fn parse(bytes: &[u8], path: &Path) -> Result<Dataset> {
    parse_within(bytes, path, &Limits::default(), 0)
}

/// [`parse`], keeping `limits`, `held` vertices being loaded already in this run.
pub fn parse_within(bytes: &[u8], path: &Path, limits: &Limits, held: u64) -> Result<Dataset> {
    parse_with(bytes, path, limits, held, &ReadOptions::default())
}

/// [`parse_within`], reading the file as `options` say (a layer's `crs`, `x`, `y`).
pub fn parse_with(
    bytes: &[u8],
    path: &Path,
    limits: &Limits,
    held: u64,
    options: &ReadOptions,
) -> Result<Dataset> {
    let input = Input {
        path,
        bytes,
        limits,
        options,
    };
    let budget = Budget {
        limit: limits.max_vertices,
        held,
    };
    formats::read(&input, &budget)
}

#[cfg(test)]
mod tests;
