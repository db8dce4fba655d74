//! What a dataset holds, for `mapfig inspect`: its format and CRS, its collections, and
//! for each the feature count, geometry types, bounding box, vertex count and a profile of
//! every property (type, nulls, distinct values, range, examples). Written against
//! [`Dataset`] alone, so it describes every format the same way. Memory stays bounded
//! whatever the file: distinct values are counted by hash up to a cap, and at most
//! [`MAX_PROPERTIES`] properties are profiled.

use super::dataset::{Dataset, Feature};
use super::value::Value;
use geo::{BoundingRect, CoordsIter, Geometry};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

/// Distinct values counted per property; past it the count is "at least".
pub const MAX_DISTINCT: usize = 10_000;

/// Properties profiled per collection; the rest are only counted.
pub const MAX_PROPERTIES: usize = 1_000;

/// Example values shown per property.
const EXAMPLES: usize = 3;

/// Characters an example value is cut to.
const EXAMPLE_CHARS: usize = 40;

/// A summary of one dataset.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub file: String,
    pub format: &'static str,
    /// The CRS the file declared (or the layer gave), verbatim; `None` for WGS 84
    /// longitude/latitude.
    pub crs: Option<String>,
    /// Features in the whole file.
    pub features: usize,
    /// What the format calls its collections (`object`, `table`).
    #[serde(skip)]
    pub noun: &'static str,
    /// One entry per collection, in file order; a file of one collection has one, named
    /// `None`.
    pub objects: Vec<ObjectSummary>,
}

/// A summary of one collection of features.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectSummary {
    pub name: Option<String>,
    pub features: usize,
    /// Geometry types with their counts, in a fixed order; `none` for features without
    /// geometry.
    pub geometry_types: Vec<GeometryCount>,
    /// West, south, east, north in degrees; `None` when no feature has geometry.
    pub bbox: Option<[f64; 4]>,
    pub vertices: u64,
    /// Properties in the order they first appear.
    pub properties: Vec<PropertySummary>,
    /// Properties past [`MAX_PROPERTIES`], not profiled.
    pub more_properties: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GeometryCount {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub count: usize,
}

/// The profile of one property over a collection.
#[derive(Debug, Clone, Serialize)]
pub struct PropertySummary {
    pub name: String,
    /// `number`, `text`, `bool`, `json` (arrays and objects), `mixed` (several of
    /// these) or `null` (no feature has a value).
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Features where the property is null, empty (a table's empty cell) or missing.
    pub nulls: usize,
    /// Distinct non-null values, counted up to [`MAX_DISTINCT`].
    pub distinct: usize,
    /// Whether there were more distinct values than counted.
    pub distinct_capped: bool,
    /// The least and greatest numbers, as the file writes them.
    #[serde(serialize_with = "number_text")]
    pub min: Option<String>,
    #[serde(serialize_with = "number_text")]
    pub max: Option<String>,
    /// The first distinct values, as text, cut to 40 characters.
    pub examples: Vec<String>,
}

/// A number's exact text as a JSON number (it is in JSON's grammar), else as a string.
fn number_text<S: serde::Serializer>(v: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        None => s.serialize_none(),
        Some(t) => match serde_json::value::RawValue::from_string(t.clone()) {
            Ok(raw) => raw.serialize(s),
            Err(_) => s.serialize_str(t),
        },
    }
}

impl Summary {
    /// Summarises `data`, or only its collection `object` when asked (an error listing
    /// the collections when there is no such one).
    pub fn of(data: &Dataset, object: Option<&str>) -> Result<Summary, String> {
        let objects = match (object, data.objects.as_slice()) {
            (None, []) => vec![ObjectSummary::of(None, &data.features)],
            (None, all) => all
                .iter()
                .map(|o| {
                    let features = data.features.get(o.features.clone()).unwrap_or(&[]);
                    ObjectSummary::of(Some(o.name.clone()), features)
                })
                .collect(),
            (Some(name), _) => {
                let range = data.object_range(Some(name), "--object")?;
                let features = data.features.get(range).unwrap_or(&[]);
                vec![ObjectSummary::of(Some(name.to_string()), features)]
            }
        };
        Ok(Summary {
            file: data.path.display().to_string(),
            format: data.format,
            crs: data.crs.clone(),
            features: data.features.len(),
            noun: data.object_noun(),
            objects,
        })
    }

    /// The summary as JSON text (the schema README describes), ending in a newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

impl ObjectSummary {
    fn of(name: Option<String>, features: &[Feature]) -> ObjectSummary {
        let mut types = [0usize; GEOMETRY_KINDS.len()];
        let mut bbox: Option<[f64; 4]> = None;
        let mut vertices = 0u64;
        let mut profiles = Profiles::default();
        for f in features {
            types[kind_index(f.geometry.as_ref())] += 1;
            if let Some(g) = &f.geometry {
                vertices += g.coords_count() as u64;
                if let Some(r) = g.bounding_rect() {
                    let [w, s, e, n] = bbox.get_or_insert([f64::MAX, f64::MAX, f64::MIN, f64::MIN]);
                    *w = w.min(r.min().x);
                    *s = s.min(r.min().y);
                    *e = e.max(r.max().x);
                    *n = n.max(r.max().y);
                }
            }
            profiles.add(f);
        }
        let total = features.len();
        ObjectSummary {
            name,
            features: total,
            geometry_types: GEOMETRY_KINDS
                .iter()
                .zip(types)
                .filter(|(_, n)| *n > 0)
                .map(|(kind, count)| GeometryCount { kind, count })
                .collect(),
            bbox,
            vertices,
            more_properties: profiles.more.len(),
            properties: profiles.list.into_iter().map(|p| p.finish(total)).collect(),
        }
    }
}

impl Summary {
    /// The summary as aligned text for people, ending in a newline.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let crs = match &self.crs {
            Some(c) => shown(c),
            None => "EPSG:4326 (longitude/latitude)".to_string(),
        };
        let mut head = vec![
            ("file", shown(&self.file)),
            ("format", self.format.to_string()),
            ("crs", crs),
            ("features", self.features.to_string()),
        ];
        let named: Vec<String> = self
            .objects
            .iter()
            .filter_map(|o| {
                let n = o.name.as_deref()?;
                Some(format!(
                    "{} ({} feature{})",
                    quoted(n),
                    o.features,
                    if o.features == 1 { "" } else { "s" }
                ))
            })
            .collect();
        if !named.is_empty() {
            head.push(("collections", named.join(", ")));
        }
        push_pairs(&mut out, "", &head);
        for o in &self.objects {
            out.push('\n');
            let indent = match &o.name {
                Some(n) => {
                    out.push_str(&format!("{} {}\n", self.noun, quoted(n)));
                    "  "
                }
                None => "",
            };
            o.push_text(&mut out, indent);
        }
        out
    }
}

impl ObjectSummary {
    fn push_text(&self, out: &mut String, indent: &str) {
        let types: Vec<String> = self
            .geometry_types
            .iter()
            .map(|g| format!("{} {}", g.kind, g.count))
            .collect();
        let bbox = self.bbox.map_or_else(
            || "none (no geometry)".to_string(),
            |[w, s, e, n]| {
                format!("{w:.6}, {s:.6}, {e:.6}, {n:.6} (west, south, east, north; degrees)")
            },
        );
        let mut pairs = Vec::new();
        // A file of one collection says its count once, at the top.
        if self.name.is_some() {
            pairs.push(("features", self.features.to_string()));
        }
        pairs.extend([
            (
                "geometry",
                if types.is_empty() {
                    "none".into()
                } else {
                    types.join(", ")
                },
            ),
            ("bbox", bbox),
            ("vertices", self.vertices.to_string()),
            ("properties", self.properties.len().to_string()),
        ]);
        if self.more_properties > 0 {
            pairs.push((
                "not profiled",
                format!("{} more properties", self.more_properties),
            ));
        }
        push_pairs(out, indent, &pairs);
        if self.properties.is_empty() {
            return;
        }
        let mut rows = vec![[
            "property", "type", "nulls", "distinct", "min", "max", "examples",
        ]
        .map(String::from)];
        for p in &self.properties {
            let distinct = if p.distinct_capped {
                format!("{}+", p.distinct)
            } else {
                p.distinct.to_string()
            };
            let examples: Vec<String> = p
                .examples
                .iter()
                .map(|e| {
                    if p.kind == "text" || p.kind == "mixed" {
                        quoted(e)
                    } else {
                        shown(e)
                    }
                })
                .collect();
            rows.push([
                shown(&p.name),
                p.kind.to_string(),
                p.nulls.to_string(),
                distinct,
                p.min.clone().unwrap_or_default(),
                p.max.clone().unwrap_or_default(),
                examples.join(", "),
            ]);
        }
        out.push('\n');
        push_table(out, indent, &rows);
    }
}

/// `name  value` lines, the values aligned.
fn push_pairs(out: &mut String, indent: &str, pairs: &[(&str, String)]) {
    let width = pairs.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in pairs {
        out.push_str(&format!("{indent}{k:<width$}  {v}\n"));
    }
}

/// Rows as columns: text left-aligned, counts and numbers right-aligned, the last
/// column as it is.
fn push_table(out: &mut String, indent: &str, rows: &[[String; 7]]) {
    let mut widths = [0usize; 7];
    for r in rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for r in rows {
        let mut line = indent.to_string();
        for (i, (cell, w)) in r.iter().zip(widths).enumerate() {
            let pad = " ".repeat(w.saturating_sub(cell.chars().count()));
            match i {
                0 | 1 => line.push_str(&format!("{cell}{pad}  ")),
                6 => line.push_str(cell),
                _ => line.push_str(&format!("{pad}{cell}  ")),
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

/// Text from a file as shown on a terminal: control characters escaped.
fn shown(s: &str) -> String {
    if s.chars().any(char::is_control) {
        s.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect()
    } else {
        s.to_string()
    }
}

/// Text in double quotes, as JSON writes it.
fn quoted(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// Geometry type names, in the order they are listed.
const GEOMETRY_KINDS: [&str; 8] = [
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
    "none",
];

fn kind_index(g: Option<&Geometry<f64>>) -> usize {
    match g {
        Some(Geometry::Point(_)) => 0,
        Some(Geometry::MultiPoint(_)) => 1,
        Some(Geometry::LineString(_) | Geometry::Line(_)) => 2,
        Some(Geometry::MultiLineString(_)) => 3,
        Some(Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_)) => 4,
        Some(Geometry::MultiPolygon(_)) => 5,
        Some(Geometry::GeometryCollection(_)) => 6,
        None => 7,
    }
}

/// The properties of a collection being profiled, in the order first seen.
#[derive(Default)]
struct Profiles {
    list: Vec<Profile>,
    index: HashMap<String, usize>,
    /// Names past [`MAX_PROPERTIES`] (at most as many again are remembered).
    more: HashSet<String>,
}

impl Profiles {
    fn add(&mut self, f: &Feature) {
        for (name, value) in f.properties.members() {
            let i = match self.index.get(name.as_ref()) {
                Some(&i) => i,
                None if self.list.len() < MAX_PROPERTIES => {
                    self.index.insert(name.to_string(), self.list.len());
                    self.list.push(Profile::new(name.to_string()));
                    self.list.len() - 1
                }
                None => {
                    if self.more.len() < MAX_PROPERTIES {
                        self.more.insert(name.into_owned());
                    }
                    continue;
                }
            };
            if let Some(p) = self.list.get_mut(i) {
                p.add(&value);
            }
        }
    }
}

/// What is known so far of one property.
struct Profile {
    name: String,
    /// Features with a non-null value.
    present: usize,
    kinds: [bool; 4],
    /// Hashes of the distinct values seen, up to [`MAX_DISTINCT`].
    seen: HashSet<u64>,
    capped: bool,
    min: Option<(f64, String)>,
    max: Option<(f64, String)>,
    examples: Vec<String>,
}

impl Profile {
    fn new(name: String) -> Profile {
        Profile {
            name,
            present: 0,
            kinds: [false; 4],
            seen: HashSet::new(),
            capped: false,
            min: None,
            max: None,
            examples: Vec::new(),
        }
    }

    fn add(&mut self, value: &Value) {
        let (kind, text) = match value {
            Value::Null => return,
            Value::Number(t) => (0, t.as_str()),
            Value::Text(t) => (1, t.as_str()),
            Value::Bool(true) => (2, "true"),
            Value::Bool(false) => (2, "false"),
            Value::Json(t) => (3, t.as_str()),
        };
        self.present += 1;
        self.kinds[kind] = true;
        // Hashed with fixed keys, so the counts are the same on every run.
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (kind, text).hash(&mut h);
        let new = if self.seen.len() < MAX_DISTINCT {
            self.seen.insert(h.finish())
        } else {
            let fresh = !self.seen.contains(&h.finish());
            self.capped |= fresh;
            false
        };
        if new && self.examples.len() < EXAMPLES {
            self.examples.push(example(value, text));
        }
        if let Value::Number(t) = value {
            if let Ok(v) = t.parse::<f64>() {
                if self.min.as_ref().is_none_or(|(m, _)| v < *m) {
                    self.min = Some((v, t.clone()));
                }
                if self.max.as_ref().is_none_or(|(m, _)| v > *m) {
                    self.max = Some((v, t.clone()));
                }
            }
        }
    }

    fn finish(self, features: usize) -> PropertySummary {
        const NAMES: [&str; 4] = ["number", "text", "bool", "json"];
        let mut kinds = NAMES.iter().zip(self.kinds).filter(|(_, k)| *k);
        let kind = match (kinds.next(), kinds.next()) {
            (None, _) => "null",
            (Some((name, _)), None) => name,
            _ => "mixed",
        };
        PropertySummary {
            name: self.name,
            kind,
            nulls: features.saturating_sub(self.present),
            distinct: self.seen.len(),
            distinct_capped: self.capped,
            min: self.min.map(|(_, t)| t),
            max: self.max.map(|(_, t)| t),
            examples: self.examples,
        }
    }
}

/// An example value as shown: text as it is, other values as JSON, cut to
/// [`EXAMPLE_CHARS`] characters with an ellipsis.
fn example(value: &Value, text: &str) -> String {
    let shown = match value {
        Value::Json(t) => serde_json::from_str::<serde_json::Value>(t)
            .map_or_else(|_| t.clone(), |v| v.to_string()),
        _ => text.to_string(),
    };
    match shown.char_indices().nth(EXAMPLE_CHARS) {
        Some((at, _)) => format!("{}…", &shown[..at]),
        None => shown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::parse;
    use std::path::Path;

    #[test]
    fn properties_are_profiled_in_file_order() {
        let text = br#"{"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"name": "a", "n": 10, "m": 1},
             "geometry": {"type": "Point", "coordinates": [1, 2]}},
            {"type": "Feature", "properties": {"name": "a", "n": 9.5, "m": "x", "j": [1, 2]},
             "geometry": {"type": "LineString", "coordinates": [[3, 4], [5, -6]]}},
            {"type": "Feature", "properties": {"name": null, "n": 1e3},
             "geometry": null}]}"#;
        let data = parse(text, Path::new("t.geojson")).unwrap();
        let s = Summary::of(&data, None).unwrap();
        assert_eq!(s.features, 3);
        let o = &s.objects[0];
        assert_eq!(o.name, None);
        assert_eq!(o.vertices, 3);
        assert_eq!(o.bbox, Some([1.0, -6.0, 5.0, 4.0]));
        let types: Vec<(&str, usize)> =
            o.geometry_types.iter().map(|g| (g.kind, g.count)).collect();
        assert_eq!(types, [("Point", 1), ("LineString", 1), ("none", 1)]);
        let names: Vec<&str> = o.properties.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["name", "n", "m", "j"]);
        let p = |i: usize| &o.properties[i];
        assert_eq!((p(0).kind, p(0).nulls, p(0).distinct), ("text", 1, 1));
        assert_eq!(p(0).examples, ["a"]);
        assert_eq!(
            (p(1).kind, p(1).min.as_deref(), p(1).max.as_deref()),
            ("number", Some("9.5"), Some("1e3"))
        );
        assert_eq!((p(2).kind, p(2).nulls), ("mixed", 1));
        assert_eq!(
            (p(3).kind, p(3).nulls, p(3).examples.as_slice()),
            ("json", 2, &["[1,2]".to_string()][..])
        );
        let json: serde_json::Value = serde_json::from_str(&s.to_json()).unwrap();
        assert_eq!(
            json["objects"][0]["properties"][1]["max"],
            serde_json::json!(1000.0)
        );
        assert_eq!(json["crs"], serde_json::Value::Null);
        let e = Summary::of(&data, Some("x")).unwrap_err();
        assert!(e.contains("remove `object`"), "{e}");
    }

    #[test]
    fn collections_are_summarised_each_in_file_order() {
        let text = br#"{"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"a": 1}, "geometry": {"type": "Point", "coordinates": [1, 2]}},
            {"type": "Feature", "properties": {"b": true}, "geometry": null},
            {"type": "Feature", "properties": {"b": false, "a": "x"}, "geometry": null}]}"#;
        let mut data = parse(text, Path::new("t.json")).unwrap();
        // As a reader of several collections (TopoJSON objects) leaves them.
        data.format = "TopoJSON";
        data.objects = vec![
            crate::sources::Object {
                name: "states".into(),
                features: 0..1,
            },
            crate::sources::Object {
                name: "nation".into(),
                features: 1..3,
            },
        ];
        let s = Summary::of(&data, None).unwrap();
        let names: Vec<Option<&str>> = s.objects.iter().map(|o| o.name.as_deref()).collect();
        assert_eq!(names, [Some("states"), Some("nation")]);
        assert_eq!((s.objects[0].features, s.objects[1].features), (1, 2));
        assert_eq!(s.objects[1].properties[0].name, "b");
        assert_eq!(s.objects[1].properties[0].kind, "bool");
        assert_eq!(s.objects[1].properties[1].nulls, 1);
        let text = s.to_text();
        assert!(
            text.contains("collections  \"states\" (1 feature), \"nation\" (2 features)\n"),
            "{text}"
        );
        assert!(
            text.contains("\nobject \"nation\"\n  features    2\n"),
            "{text}"
        );
        let one = Summary::of(&data, Some("nation")).unwrap();
        assert_eq!(one.objects.len(), 1);
        assert_eq!(one.objects[0].features, 2);
        let e = Summary::of(&data, Some("counties")).unwrap_err();
        assert!(e.contains("\"states\" (1 feature)"), "{e}");
    }

    #[test]
    fn examples_are_cut() {
        let long = "é".repeat(50);
        let shown = example(&Value::Text(long.clone()), &long);
        assert_eq!(shown.chars().count(), EXAMPLE_CHARS + 1);
        assert!(shown.ends_with('…'));
    }
}
