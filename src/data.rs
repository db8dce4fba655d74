//! Loading GeoJSON: parse once per file, check every position and ring, and hand out
//! plain features (id, properties, `geo` geometry in lon/lat degrees).

use crate::error::{Error, Result};
use crate::spec::Filter;
use geo::{Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};
use geojson::{GeoJson, GeometryValue, JsonObject, Position};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One feature of a data file.
#[derive(Debug, Clone)]
pub struct Feature {
    /// The GeoJSON `id`, else a property `id`, else the feature's position in the file.
    pub id: String,
    pub properties: JsonObject,
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
    /// The features that pass `filter`, in file order.
    pub fn select<'a>(&'a self, filter: &'a Filter) -> impl Iterator<Item = &'a Feature> + 'a {
        self.features.iter().filter(move |f| f.matches(filter))
    }
}

impl Feature {
    /// A property as display text (`id` falls back to the feature id).
    pub fn property_text(&self, key: &str) -> Option<String> {
        match self.properties.get(key) {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(serde_json::Value::Null) | None if key == "id" => Some(self.id.clone()),
            Some(serde_json::Value::Null) | None => None,
            Some(other) => Some(other.to_string()),
        }
    }

    pub fn matches(&self, filter: &Filter) -> bool {
        filter.0.iter().all(|(key, wanted)| {
            let value = match self.properties.get(key) {
                Some(v) if !v.is_null() => v.clone(),
                _ if key == "id" => serde_json::Value::String(self.id.clone()),
                _ => return false,
            };
            wanted.iter().any(|w| json_equal(w, &value))
        })
    }
}

fn json_equal(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// Files already loaded during one render, so layers sharing a source parse it once.
#[derive(Default)]
pub struct DataCache {
    loaded: HashMap<PathBuf, Arc<Dataset>>,
}

impl DataCache {
    pub fn get(&mut self, path: &Path) -> Result<Arc<Dataset>> {
        if let Some(d) = self.loaded.get(path) {
            return Ok(Arc::clone(d));
        }
        let d = Arc::new(load(path)?);
        self.loaded.insert(path.to_path_buf(), Arc::clone(&d));
        Ok(d)
    }
}

/// Reads and checks a GeoJSON file (FeatureCollection, Feature or bare Geometry).
pub fn load(path: &Path) -> Result<Dataset> {
    if path.is_dir() {
        return Err(Error::Io {
            path: path.to_path_buf(),
            message: "is a folder, not a GeoJSON file".into(),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, &e))?;
    parse(&bytes, path)
}

/// Parses GeoJSON bytes; `path` names the file in errors.
pub fn parse(bytes: &[u8], path: &Path) -> Result<Dataset> {
    let gj: GeoJson = serde_json::from_slice(bytes).map_err(|e| {
        let place = if e.line() > 0 {
            format!("{}:{}", e.line(), e.column())
        } else {
            String::new()
        };
        let message = match e.classify() {
            serde_json::error::Category::Eof => format!("truncated JSON ({e})"),
            serde_json::error::Category::Syntax => format!("malformed JSON ({e})"),
            _ => format!("not valid GeoJSON ({e})"),
        };
        Error::data(path, place, message)
    })?;
    let raw: Vec<geojson::Feature> = match gj {
        GeoJson::FeatureCollection(fc) => fc.features,
        GeoJson::Feature(f) => vec![f],
        GeoJson::Geometry(g) => vec![geojson::Feature {
            geometry: Some(g),
            ..Default::default()
        }],
    };
    let mut features = Vec::with_capacity(raw.len());
    for (index, f) in raw.into_iter().enumerate() {
        let id = match &f.id {
            Some(geojson::feature::Id::String(s)) => s.clone(),
            Some(geojson::feature::Id::Number(n)) => n.to_string(),
            None => match f.properties.as_ref().and_then(|p| p.get("id")) {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(serde_json::Value::Number(n)) => n.to_string(),
                _ => index.to_string(),
            },
        };
        let place = format!("feature {index} (id {id:?})");
        let geometry = match &f.geometry {
            Some(g) => Some(convert(
                &g.value,
                &Checker {
                    path,
                    place: &place,
                },
                0,
            )?),
            None => None,
        };
        features.push(Feature {
            id,
            properties: f.properties.unwrap_or_default(),
            geometry,
        });
    }
    Ok(Dataset {
        path: path.to_path_buf(),
        features,
    })
}

struct Checker<'a> {
    path: &'a Path,
    place: &'a str,
}

impl Checker<'_> {
    fn err(&self, sub: &str, message: impl Into<String>) -> Error {
        let place = if sub.is_empty() {
            self.place.to_string()
        } else {
            format!("{}, {sub}", self.place)
        };
        Error::data(self.path, place, message)
    }

    fn coord(&self, p: &Position, sub: &str) -> Result<Coord<f64>> {
        let s = p.as_slice();
        let (x, y) = (s[0], s[1]);
        // Accept a hair outside the valid range (rounding in real data), clamp it.
        const SLACK: f64 = 1e-6;
        if !(x.is_finite() && y.is_finite()) || x.abs() > 180.0 + SLACK || y.abs() > 90.0 + SLACK {
            return Err(self.err(
                sub,
                format!("position [{x}, {y}] is not a longitude, latitude pair in degrees (RFC 7946: longitude -180..180, latitude -90..90)"),
            ));
        }
        Ok(Coord {
            x: x.clamp(-180.0, 180.0),
            y: y.clamp(-90.0, 90.0),
        })
    }

    fn line(&self, ps: &[Position], sub: &str) -> Result<LineString<f64>> {
        if ps.len() < 2 {
            return Err(self.err(
                sub,
                format!(
                    "a line needs at least 2 positions, this one has {}",
                    ps.len()
                ),
            ));
        }
        Ok(LineString(
            ps.iter()
                .map(|p| self.coord(p, sub))
                .collect::<Result<_>>()?,
        ))
    }

    fn ring(&self, ps: &[Position], sub: &str) -> Result<LineString<f64>> {
        if ps.len() < 4 {
            return Err(self.err(
                sub,
                format!("a polygon ring needs at least 4 positions (a closed triangle), this one has {}", ps.len()),
            ));
        }
        if ps.first().map(|p| &p.as_slice()[..2]) != ps.last().map(|p| &p.as_slice()[..2]) {
            return Err(self.err(
                sub,
                "ring is not closed: its first and last positions differ (RFC 7946 §3.1.6)",
            ));
        }
        self.line(ps, sub)
    }

    fn polygon(&self, rings: &[Vec<Position>], sub: &str) -> Result<Polygon<f64>> {
        if rings.is_empty() {
            return Err(self.err(sub, "polygon has no rings"));
        }
        let mut out = Vec::with_capacity(rings.len());
        for (i, r) in rings.iter().enumerate() {
            let s = if sub.is_empty() {
                format!("ring {i}")
            } else {
                format!("{sub}, ring {i}")
            };
            out.push(self.ring(r, &s)?);
        }
        let exterior = out.remove(0);
        Ok(Polygon::new(exterior, out))
    }
}

/// Nesting deeper than this in GeometryCollections is refused (a stack guard).
const MAX_NESTING: usize = 32;

fn convert(v: &GeometryValue, c: &Checker, depth: usize) -> Result<Geometry<f64>> {
    Ok(match v {
        GeometryValue::Point { coordinates } => Geometry::Point(Point(c.coord(coordinates, "")?)),
        GeometryValue::MultiPoint { coordinates } => Geometry::MultiPoint(MultiPoint(
            coordinates
                .iter()
                .enumerate()
                .map(|(i, p)| c.coord(p, &format!("point {i}")).map(Point))
                .collect::<Result<_>>()?,
        )),
        GeometryValue::LineString { coordinates } => Geometry::LineString(c.line(coordinates, "")?),
        GeometryValue::MultiLineString { coordinates } => {
            Geometry::MultiLineString(MultiLineString(
                coordinates
                    .iter()
                    .enumerate()
                    .map(|(i, l)| c.line(l, &format!("line {i}")))
                    .collect::<Result<_>>()?,
            ))
        }
        GeometryValue::Polygon { coordinates } => Geometry::Polygon(c.polygon(coordinates, "")?),
        GeometryValue::MultiPolygon { coordinates } => Geometry::MultiPolygon(MultiPolygon(
            coordinates
                .iter()
                .enumerate()
                .map(|(i, p)| c.polygon(p, &format!("polygon {i}")))
                .collect::<Result<_>>()?,
        )),
        GeometryValue::GeometryCollection { geometries } => {
            if depth >= MAX_NESTING {
                return Err(c.err(
                    "",
                    format!("GeometryCollections nested deeper than {MAX_NESTING} levels"),
                ));
            }
            Geometry::GeometryCollection(geo::GeometryCollection(
                geometries
                    .iter()
                    .map(|g| convert(&g.value, c, depth + 1))
                    .collect::<Result<_>>()?,
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<Dataset> {
        parse(s.as_bytes(), Path::new("d.geojson"))
    }

    #[test]
    fn reads_ids_properties_and_geometry() {
        let d = parse_str(
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","id":"AF-KDZ","properties":{"name":"Kunduz"},
             "geometry":{"type":"Point","coordinates":[68.86,36.73]}},
            {"type":"Feature","properties":{"n":3},"geometry":null}]}"#,
        )
        .unwrap();
        assert_eq!(d.features[0].id, "AF-KDZ");
        assert_eq!(d.features[1].id, "1");
        assert_eq!(
            d.features[0].property_text("name").as_deref(),
            Some("Kunduz")
        );
        assert!(d.features[1].geometry.is_none());
    }

    #[test]
    fn one_element_ring_is_an_error_naming_the_feature() {
        let e = parse_str(
            r#"{"type":"Feature","id":"x","properties":{},
            "geometry":{"type":"Polygon","coordinates":[[[1,2]]]}}"#,
        )
        .unwrap_err();
        let m = e.to_string();
        assert!(
            m.starts_with("d.geojson: feature 0 (id \"x\"), ring 0:"),
            "{m}"
        );
        assert!(m.contains("has 1"), "{m}");
    }

    #[test]
    fn malformed_json_reports_line_and_column() {
        let e = parse_str("{\"type\":\n\"FeatureCollection\",, }").unwrap_err();
        assert!(e.to_string().starts_with("d.geojson: 2:"), "{e}");
    }

    #[test]
    fn filter_matches_properties_and_id() {
        let d = parse_str(
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","id":"a","properties":{"k":1},"geometry":null},
            {"type":"Feature","id":"b","properties":{"k":2.0},"geometry":null}]}"#,
        )
        .unwrap();
        let f = Filter(vec![("k".into(), vec![serde_json::json!(2)])]);
        assert_eq!(
            d.select(&f).map(|f| f.id.as_str()).collect::<Vec<_>>(),
            ["b"]
        );
        let f = Filter(vec![("id".into(), vec![serde_json::json!("a")])]);
        assert_eq!(d.select(&f).count(), 1);
    }

    #[test]
    fn out_of_range_coordinates_are_errors() {
        let e = parse_str(r#"{"type":"Point","coordinates":[1e308, 0]}"#).unwrap_err();
        assert!(e.to_string().contains("not a longitude"), "{e}");
    }
}
