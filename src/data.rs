//! Loading GeoJSON: parse once per file, check every position and ring, and hand out
//! plain features (id, properties, `geo` geometry in lon/lat degrees).

use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::spec::Filter;
use geo::{Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};
use geojson::JsonObject;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One feature of a data file.
#[derive(Debug, Clone)]
pub struct Feature {
    /// The GeoJSON `id`, else a property `id`, else the feature's position in the file.
    pub id: String,
    /// Properties, parsed from the raw JSON on first use (many renders never need them).
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
    /// The features that pass `filter`, in file order.
    pub fn select<'a>(&'a self, filter: &'a Filter) -> impl Iterator<Item = &'a Feature> + 'a {
        self.features.iter().filter(move |f| f.matches(filter))
    }
}

/// A feature's properties: raw JSON, parsed once when first asked for.
#[derive(Debug, Clone, Default)]
pub struct Properties {
    raw: Option<Box<serde_json::value::RawValue>>,
    parsed: std::sync::OnceLock<JsonObject>,
}

impl Properties {
    pub fn from_object(map: JsonObject) -> Self {
        Properties {
            raw: None,
            parsed: std::sync::OnceLock::from(map),
        }
    }

    /// One member, read without building the rest (unless they are built already).
    pub fn member(&self, key: &str) -> Option<serde_json::Value> {
        if let Some(m) = self.parsed.get() {
            return m.get(key).cloned();
        }
        let raw = self.raw.as_ref()?;
        let mut de = serde_json::Deserializer::from_str(raw.get());
        serde::Deserializer::deserialize_any(&mut de, Member(key))
            .ok()
            .flatten()
    }

    /// The properties as a JSON object (empty when absent, null or not an object).
    pub fn get(&self) -> &JsonObject {
        self.parsed.get_or_init(|| match &self.raw {
            Some(raw) => match serde_json::from_str::<serde_json::Value>(raw.get()) {
                Ok(serde_json::Value::Object(m)) => m,
                _ => JsonObject::new(),
            },
            None => JsonObject::new(),
        })
    }
}

/// Finds one key in a JSON object, skipping the other values without building them.
struct Member<'a>(&'a str);

impl<'de> serde::de::Visitor<'de> for Member<'_> {
    type Value = Option<serde_json::Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(k) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if k == self.0 && found.is_none() {
                found = Some(map.next_value::<serde_json::Value>()?);
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

impl Feature {
    /// A property as display text (`id` falls back to the feature id).
    pub fn property_text(&self, key: &str) -> Option<String> {
        match self.properties.member(key) {
            Some(serde_json::Value::String(s)) => Some(s),
            Some(serde_json::Value::Null) | None if key == "id" => Some(self.id.clone()),
            Some(serde_json::Value::Null) | None => None,
            Some(other) => Some(other.to_string()),
        }
    }

    pub fn matches(&self, filter: &Filter) -> bool {
        filter.0.iter().all(|(key, wanted)| {
            let value = match self.properties.member(key) {
                Some(v) if !v.is_null() => v,
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

/// Files already loaded during one run, so layers sharing a source parse it once; and the
/// run's [`Limits`], which every file loaded through it must keep.
#[derive(Default)]
pub struct DataCache {
    loaded: HashMap<PathBuf, Arc<Dataset>>,
    /// One-shot renders (`draw`) let layout free geometry once it is projected: the file
    /// will not be asked for again, and big inputs then need half the memory.
    pub one_shot: bool,
    limits: Limits,
    /// Vertices of everything in `loaded`.
    vertices: u64,
}

impl DataCache {
    pub fn new(limits: Limits) -> Self {
        DataCache {
            limits,
            ..DataCache::default()
        }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Drops the cache's hold on a file, so its last user may take its features apart.
    pub fn forget(&mut self, path: &Path) {
        self.loaded.remove(path);
    }

    pub fn get(&mut self, path: &Path) -> Result<Arc<Dataset>> {
        if let Some(d) = self.loaded.get(path) {
            return Ok(Arc::clone(d));
        }
        let d = Arc::new(load_limited(path, &self.limits)?);
        self.vertices = crate::limits::add_vertices(&d, self.vertices, &self.limits)?;
        self.loaded.insert(path.to_path_buf(), Arc::clone(&d));
        Ok(d)
    }
}

/// Reads and checks a GeoJSON file (FeatureCollection, Feature or bare Geometry).
pub fn load(path: &Path) -> Result<Dataset> {
    load_limited(path, &Limits::default())
}

/// [`load`], reading no more than `limits.max_input_bytes`.
pub fn load_limited(path: &Path, limits: &Limits) -> Result<Dataset> {
    if path.is_dir() {
        return Err(Error::Io {
            path: path.to_path_buf(),
            message: "is a folder, not a GeoJSON file".into(),
        });
    }
    let bytes = crate::limits::read_input(path, limits)?;
    parse(&bytes, path)
}

/// Parses GeoJSON bytes; `path` names the file in errors.
///
/// Serde visitors read coordinates straight into flat point lists (no intermediate JSON
/// values), and properties stay raw JSON until something asks for them.
pub fn parse(bytes: &[u8], path: &Path) -> Result<Dataset> {
    // Editors on Windows often start UTF-8 files with a byte-order mark; JSON forbids it.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    check_start(bytes, path)?;
    let doc: raw::Document = serde_json::from_slice(bytes).map_err(|e| json_error(path, &e))?;
    let raw_features: Vec<raw::Feature> = match doc.kind.as_str() {
        "FeatureCollection" => doc.features.ok_or_else(|| {
            Error::data(path, "", "a FeatureCollection needs a \"features\" array")
        })?,
        "Feature" => vec![raw::Feature {
            id: doc.id,
            properties: doc.properties,
            geometry: doc.geometry.ok_or_else(|| {
                Error::data(
                    path,
                    "",
                    "a Feature needs a \"geometry\" member (null is allowed)",
                )
            })?,
        }],
        _ => vec![raw::Feature {
            id: None,
            properties: None,
            geometry: Some(raw::Geometry {
                kind: doc.kind,
                coordinates: doc.coordinates,
                geometries: doc.geometries,
            }),
        }],
    };
    let source = Source { path, bytes };
    let features = raw_features
        .into_par_iter()
        .enumerate()
        .map(|(index, f)| feature(index, f, &source))
        .collect::<Result<Vec<_>>>()?;
    Ok(Dataset {
        path: path.to_path_buf(),
        features,
    })
}

/// The file being read, for error places.
struct Source<'a> {
    path: &'a Path,
    bytes: &'a [u8],
}

fn feature(index: usize, f: raw::Feature, src: &Source) -> Result<Feature> {
    let path = src.path;
    // Properties stay raw; only an `id` inside them is looked at now, and only when the
    // feature has no id of its own.
    let raw_props = match f.properties {
        Some(raw) if raw.get().trim_start().starts_with('{') || raw.get() == "null" => Some(raw),
        None => None,
        Some(_) => {
            return Err(Error::data(
                path,
                format!("feature {index}"),
                "\"properties\" must be an object or null",
            ))
        }
    };
    let properties = Properties {
        raw: raw_props,
        parsed: std::sync::OnceLock::new(),
    };
    let id = match &f.id {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        Some(serde_json::Value::Null) | None => match properties.member("id") {
            Some(serde_json::Value::String(s)) => s,
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => index.to_string(),
        },
        Some(_) => {
            return Err(Error::data(
                path,
                format!("feature {index}"),
                "\"id\" must be a string or a number",
            ))
        }
    };
    let place = format!("feature {index} (id {id:?})");
    let checker = Checker {
        path,
        place: &place,
        src,
    };
    let geometry = match &f.geometry {
        Some(g) => Some(convert(g, &checker, 0)?),
        None => None,
    };
    Ok(Feature {
        id,
        properties,
        geometry,
    })
}

/// Every GeoJSON document is one JSON object: say so plainly for a CSV, an array or an
/// empty file, instead of a JSON syntax error about their first character.
fn check_start(bytes: &[u8], path: &Path) -> Result<()> {
    let Some(at) = bytes.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Err(Error::data(path, "", "the file is empty: GeoJSON is a JSON object such as {\"type\": \"FeatureCollection\", ...}"));
    };
    if bytes[at] == b'{' {
        return Ok(());
    }
    let (line, column) = crate::error::line_column(&String::from_utf8_lossy(&bytes[..at]), at);
    Err(Error::data(
        path,
        format!("{line}:{column}"),
        "not GeoJSON: a GeoJSON file is one JSON object, {\"type\": ...}",
    ))
}

fn json_error(path: &Path, e: &serde_json::Error) -> Error {
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
}

/// The document as serde reads it: only the members mapfig uses. Coordinates are kept as
/// borrowed raw JSON text (serde only checks it is well-formed) and read by [`coords`].
mod raw {
    use serde::{Deserialize, Deserializer};
    use serde_json::value::RawValue;

    #[derive(Deserialize)]
    pub struct Document<'a> {
        #[serde(rename = "type")]
        pub kind: String,
        #[serde(borrow)]
        pub features: Option<Vec<Feature<'a>>>,
        #[serde(default, deserialize_with = "present", borrow)]
        pub geometry: Option<Option<Geometry<'a>>>,
        pub id: Option<serde_json::Value>,
        pub properties: Option<Box<RawValue>>,
        #[serde(borrow)]
        pub coordinates: Option<&'a RawValue>,
        #[serde(borrow)]
        pub geometries: Option<Vec<Geometry<'a>>>,
    }

    /// Tells a member set to `null` (`Some(None)`) from a missing one (`None`).
    fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<Geometry<'de>>>, D::Error> {
        Option::<Geometry<'de>>::deserialize(d).map(Some)
    }

    #[derive(Deserialize)]
    pub struct Feature<'a> {
        pub id: Option<serde_json::Value>,
        pub properties: Option<Box<RawValue>>,
        #[serde(borrow)]
        pub geometry: Option<Geometry<'a>>,
    }

    #[derive(Deserialize)]
    pub struct Geometry<'a> {
        #[serde(rename = "type")]
        pub kind: String,
        #[serde(borrow)]
        pub coordinates: Option<&'a RawValue>,
        #[serde(borrow)]
        pub geometries: Option<Vec<Geometry<'a>>>,
    }
}

/// Reading coordinate arrays: a small parser for the one grammar GeoJSON coordinates use
/// (nested arrays of numbers), several times faster than going through serde per number.
mod coords {
    /// Nested coordinate arrays of any depth, flattened: the positions in order, and for
    /// each level of nesting where its arrays end. `depth` 1 is a position, 2 a list of
    /// positions, 3 a list of those (a polygon), 4 a list of polygons; 0 an empty array.
    #[derive(Default, Debug)]
    pub struct Coordinates {
        pub depth: u8,
        pub points: Vec<[f64; 2]>,
        /// `ends[0]`: where each list of positions ends (index into `points`);
        /// `ends[1]`: where each list of lists ends (index into `ends[0]`).
        pub ends: [Vec<usize>; 2],
    }

    /// A parse failure: byte offset into the text, and what is wrong.
    pub type Failure = (usize, String);

    pub fn parse(text: &str) -> Result<Coordinates, Failure> {
        let mut p = Parser {
            b: text.as_bytes(),
            i: 0,
            c: Coordinates::default(),
        };
        p.ws();
        let depth = p.array(0)?;
        p.ws();
        if p.i != p.b.len() {
            return Err((p.i, "unexpected text after the coordinates".into()));
        }
        let mut c = p.c;
        c.depth = depth;
        Ok(c)
    }

    struct Parser<'a> {
        b: &'a [u8],
        i: usize,
        c: Coordinates,
    }

    impl Parser<'_> {
        fn ws(&mut self) {
            while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.b.get(self.i) {
                self.i += 1;
            }
        }

        fn fail<T>(&self, m: &str) -> Result<T, Failure> {
            Err((self.i, m.to_string()))
        }

        /// An array at nesting `level`; returns its depth.
        fn array(&mut self, level: usize) -> Result<u8, Failure> {
            if level > 8 {
                return self.fail("coordinates nested deeper than a MultiPolygon");
            }
            if self.b.get(self.i) != Some(&b'[') {
                return self.fail("coordinates must be arrays of positions");
            }
            self.i += 1;
            self.ws();
            match self.b.get(self.i) {
                Some(b']') => {
                    self.i += 1;
                    return Ok(0);
                }
                Some(b'[') => {}
                Some(_) => return self.position(),
                None => return self.fail("unterminated coordinate array"),
            }
            let mut depth = 0u8;
            loop {
                let d = self.array(level + 1)?;
                if d != 0 && depth != 0 && d != depth {
                    return self.fail("coordinate arrays of mixed depth");
                }
                depth = depth.max(d);
                self.ws();
                match self.b.get(self.i) {
                    Some(b',') => {
                        self.i += 1;
                        self.ws();
                    }
                    Some(b']') => {
                        self.i += 1;
                        break;
                    }
                    _ => return self.fail("expected ',' or ']' in coordinates"),
                }
            }
            let depth = depth.max(1) + 1;
            match depth {
                2 => self.c.ends[0].push(self.c.points.len()),
                3 => self.c.ends[1].push(self.c.ends[0].len()),
                4 => {}
                _ => return self.fail("coordinates nested deeper than a MultiPolygon"),
            }
            Ok(depth)
        }

        /// The numbers of a position, after its '['.
        fn position(&mut self) -> Result<u8, Failure> {
            let x = self.number()?;
            self.ws();
            if self.b.get(self.i) != Some(&b',') {
                return self.fail("a position needs at least two numbers");
            }
            self.i += 1;
            self.ws();
            let y = self.number()?;
            self.ws();
            // Altitude and beyond are allowed and ignored.
            while self.b.get(self.i) == Some(&b',') {
                self.i += 1;
                self.ws();
                self.number()?;
                self.ws();
            }
            if self.b.get(self.i) != Some(&b']') {
                return self.fail("expected ',' or ']' in a position");
            }
            self.i += 1;
            self.c.points.push([x, y]);
            Ok(1)
        }

        /// A JSON number. Up to 19 significant digits with a small exponent are computed
        /// exactly (both factors exact, one rounding); anything else goes through the
        /// standard library's correctly rounded parser.
        fn number(&mut self) -> Result<f64, Failure> {
            const POW10: [f64; 23] = [
                1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
                1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
            ];
            let start = self.i;
            let b = self.b;
            let mut i = self.i;
            let neg = b.get(i) == Some(&b'-');
            if neg {
                i += 1;
            }
            let mut mantissa: u64 = 0;
            let mut digits = 0u32;
            let int_start = i;
            while let Some(&c @ b'0'..=b'9') = b.get(i) {
                mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
                digits += 1;
                i += 1;
            }
            if i == int_start || (b[int_start] == b'0' && i - int_start > 1) {
                self.i = start;
                // Say what was found instead: a quoted string, a word, or the character.
                let rest = &b[start..];
                let found = if rest.first() == Some(&b'"') {
                    let end = rest[1..]
                        .iter()
                        .position(|&c| c == b'"')
                        .map_or(rest.len().min(24), |e| e + 2);
                    format!("string {}", String::from_utf8_lossy(&rest[..end.min(40)]))
                } else {
                    let end = rest
                        .iter()
                        .position(|c| {
                            !c.is_ascii_alphanumeric() && !matches!(c, b'.' | b'-' | b'+')
                        })
                        .unwrap_or(rest.len())
                        .clamp(1, 24);
                    format!("{:?}", String::from_utf8_lossy(&rest[..end]))
                };
                return Err((
                    start,
                    format!("coordinates must be JSON numbers, found {found}"),
                ));
            }
            let mut exp: i32 = 0;
            if b.get(i) == Some(&b'.') {
                i += 1;
                let frac_start = i;
                while let Some(&c @ b'0'..=b'9') = b.get(i) {
                    mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
                    digits += 1;
                    exp -= 1;
                    i += 1;
                }
                if i == frac_start {
                    self.i = i;
                    return self.fail("a number needs digits after its '.'");
                }
            }
            let mut slow = false;
            if let Some(b'e' | b'E') = b.get(i) {
                slow = true;
                i += 1;
                if let Some(b'+' | b'-') = b.get(i) {
                    i += 1;
                }
                let e_start = i;
                while let Some(b'0'..=b'9') = b.get(i) {
                    i += 1;
                }
                if i == e_start {
                    self.i = i;
                    return self.fail("a number needs digits in its exponent");
                }
            }
            self.i = i;
            if !slow && digits <= 19 && mantissa < (1u64 << 53) && exp >= -22 {
                let v = mantissa as f64 / POW10[(-exp) as usize];
                return Ok(if neg { -v } else { v });
            }
            let text = std::str::from_utf8(&b[start..i]).unwrap_or("");
            match text.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(v),
                Ok(_) => Err((start, format!("number out of range: {text}"))),
                Err(_) => Err((start, "coordinates must be JSON numbers".to_string())),
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn numbers_match_the_standard_parser() {
            for t in [
                "0",
                "-0.5",
                "67.25912927200011",
                "-111.12345678901234",
                "1e3",
                "1.5E-7",
                "180",
                "0.1",
                "123456789012345678901234",
            ] {
                let c = parse(&format!("[{t}, 1]")).unwrap();
                assert_eq!(c.points[0][0], t.parse::<f64>().unwrap(), "{t}");
            }
        }

        #[test]
        fn nesting_is_recorded() {
            let c = parse("[[[0,0],[1,0],[1,1],[0,0]],[[2,2],[3,2],[3,3],[2,2]]]").unwrap();
            assert_eq!(
                (c.depth, c.points.len(), c.ends[0].clone()),
                (3, 8, vec![4, 8])
            );
            assert_eq!(parse("[]").unwrap().depth, 0);
            assert_eq!(parse("[1, 2, 3]").unwrap().depth, 1);
        }

        #[test]
        fn bad_coordinates_name_the_offset() {
            assert_eq!(parse("[[0,0],[1]]").unwrap_err().0, 9);
            assert!(parse("[[0,0],[[1,1]]]")
                .unwrap_err()
                .1
                .contains("mixed depth"));
            assert!(parse("[\"1\", 2]").is_err());
            assert!(parse("[01, 2]").is_err());
        }
    }
}

struct Checker<'a> {
    path: &'a Path,
    place: &'a str,
    src: &'a Source<'a>,
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

    fn coord(&self, p: [f64; 2], sub: &str) -> Result<Coord<f64>> {
        let [x, y] = p;
        // Accept a hair outside the valid range (rounding in real data), clamp it.
        const SLACK: f64 = 1e-6;
        if !(x.is_finite() && y.is_finite()) || x.abs() > 180.0 + SLACK || y.abs() > 90.0 + SLACK {
            return Err(self.err(
                sub,
                format!("position [{x:?}, {y:?}] is not a longitude, latitude pair in degrees (RFC 7946: longitude -180..180, latitude -90..90)"),
            ));
        }
        Ok(Coord {
            x: x.clamp(-180.0, 180.0),
            y: y.clamp(-90.0, 90.0),
        })
    }

    fn line(&self, ps: &[[f64; 2]], sub: &str) -> Result<LineString<f64>> {
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
                .map(|p| self.coord(*p, sub))
                .collect::<Result<_>>()?,
        ))
    }

    fn ring(&self, ps: &[[f64; 2]], sub: &str) -> Result<LineString<f64>> {
        if ps.len() < 4 {
            return Err(self.err(
                sub,
                format!("a polygon ring needs at least 4 positions (a closed triangle), this one has {}", ps.len()),
            ));
        }
        if ps.first() != ps.last() {
            return Err(self.err(
                sub,
                "ring is not closed: its first and last positions differ (RFC 7946 §3.1.6)",
            ));
        }
        self.line(ps, sub)
    }

    fn polygon(&self, rings: &[&[[f64; 2]]], sub: &str) -> Result<Polygon<f64>> {
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

/// Slices `points` by list ends.
fn lists<'a>(points: &'a [[f64; 2]], ends: &[usize]) -> Vec<&'a [[f64; 2]]> {
    let mut start = 0;
    ends.iter()
        .map(|&e| {
            let s = &points[start..e];
            start = e;
            s
        })
        .collect()
}

fn convert(g: &raw::Geometry, c: &Checker, depth: usize) -> Result<Geometry<f64>> {
    if g.kind == "GeometryCollection" {
        if depth >= MAX_NESTING {
            return Err(c.err(
                "",
                format!("GeometryCollections nested deeper than {MAX_NESTING} levels"),
            ));
        }
        let parts = g
            .geometries
            .as_ref()
            .ok_or_else(|| c.err("", "a GeometryCollection needs a \"geometries\" array"))?;
        return Ok(Geometry::GeometryCollection(geo::GeometryCollection(
            parts
                .iter()
                .map(|p| convert(p, c, depth + 1))
                .collect::<Result<_>>()?,
        )));
    }
    let want = match g.kind.as_str() {
        "Point" => 1,
        "MultiPoint" | "LineString" => 2,
        "MultiLineString" | "Polygon" => 3,
        "MultiPolygon" => 4,
        other => return Err(c.err("", format!("unknown geometry type {other:?}"))),
    };
    let text = g
        .coordinates
        .ok_or_else(|| c.err("", format!("a {} needs \"coordinates\"", g.kind)))?;
    let parsed = coords::parse(text.get()).map_err(|(offset, message)| {
        // The place in the whole file: the raw text is a slice of it.
        let at =
            (text.get().as_ptr() as usize).saturating_sub(c.src.bytes.as_ptr() as usize) + offset;
        let (line, column) = crate::error::line_column(
            &String::from_utf8_lossy(&c.src.bytes[..at.min(c.src.bytes.len())]),
            at,
        );
        Error::data(c.path, format!("{line}:{column}, {}", c.place), message)
    })?;
    let co = &parsed;
    // An empty array has depth 0 and is an empty geometry of any type except Point.
    if co.depth != want && !(co.depth == 0 && want > 1) {
        return Err(c.err(
            "",
            format!(
                "{} coordinates must be nested {want} deep, these are nested {} deep",
                g.kind, co.depth
            ),
        ));
    }
    let pts = &co.points;
    Ok(match g.kind.as_str() {
        "Point" => Geometry::Point(Point(c.coord(pts[0], "")?)),
        "MultiPoint" => Geometry::MultiPoint(MultiPoint(
            pts.iter()
                .enumerate()
                .map(|(i, p)| c.coord(*p, &format!("point {i}")).map(Point))
                .collect::<Result<_>>()?,
        )),
        "LineString" => Geometry::LineString(c.line(pts, "")?),
        "MultiLineString" => Geometry::MultiLineString(MultiLineString(
            lists(pts, &co.ends[0])
                .iter()
                .enumerate()
                .map(|(i, l)| c.line(l, &format!("line {i}")))
                .collect::<Result<_>>()?,
        )),
        "Polygon" => Geometry::Polygon(c.polygon(&lists(pts, &co.ends[0]), "")?),
        _ => {
            let rings = lists(pts, &co.ends[0]);
            let mut start = 0;
            let mut polys = Vec::with_capacity(co.ends[1].len());
            for (i, &end) in co.ends[1].iter().enumerate() {
                polys.push(c.polygon(&rings[start..end], &format!("polygon {i}"))?);
                start = end;
            }
            Geometry::MultiPolygon(MultiPolygon(polys))
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
