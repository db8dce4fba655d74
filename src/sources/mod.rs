//! Loading GeoJSON: parse once per file, streaming the `features` array within the run's
//! limits, check every member, position and ring, and hand out plain features (id and
//! properties as their exact JSON text, `geo` geometry in lon/lat degrees).

use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::spec::Filter;
use geo::{Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};
use geojson::JsonObject;
use rayon::prelude::*;
use serde::de::DeserializeSeed;
use serde_json::value::RawValue;
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

/// A feature's properties: raw JSON, parsed once when first asked for. Empty or absent
/// properties take no memory beyond one pointer (files of millions of bare features).
#[derive(Debug, Clone, Default)]
pub struct Properties(Option<Box<PropertiesText>>);

#[derive(Debug, Clone, Default)]
struct PropertiesText {
    raw: Option<Box<RawValue>>,
    parsed: std::sync::OnceLock<JsonObject>,
}

impl Properties {
    pub fn from_object(map: JsonObject) -> Self {
        Properties(Some(Box::new(PropertiesText {
            raw: None,
            parsed: std::sync::OnceLock::from(map),
        })))
    }

    /// Keeps the raw text of a properties object; `{}` is kept as nothing.
    fn from_raw(raw: &RawValue) -> Self {
        let inner = raw.get().trim_start_matches('{').trim_end_matches('}');
        if inner.trim().is_empty() {
            return Properties(None);
        }
        Properties(Some(Box::new(PropertiesText {
            raw: Some(raw.to_owned()),
            parsed: std::sync::OnceLock::new(),
        })))
    }

    /// One member, read without building the rest (unless they are built already).
    pub fn member(&self, key: &str) -> Option<serde_json::Value> {
        let p = self.0.as_ref()?;
        if let Some(m) = p.parsed.get() {
            return m.get(key).cloned();
        }
        serde_json::from_str(self.member_json(key)?.as_ref()).ok()
    }

    /// One member as the JSON text the file holds: numbers keep every digit as written.
    pub fn member_json(&self, key: &str) -> Option<std::borrow::Cow<'_, str>> {
        let p = self.0.as_ref()?;
        if let Some(m) = p.parsed.get() {
            return m.get(key).map(|v| v.to_string().into());
        }
        let raw = p.raw.as_ref()?;
        let mut de = serde_json::Deserializer::from_str(raw.get());
        serde::Deserializer::deserialize_any(&mut de, Member(key))
            .ok()
            .flatten()
            .map(|v| v.get().into())
    }

    /// The properties as a JSON object (empty when absent, null or not an object).
    pub fn get(&self) -> &JsonObject {
        static EMPTY: std::sync::OnceLock<JsonObject> = std::sync::OnceLock::new();
        let Some(p) = self.0.as_ref() else {
            return EMPTY.get_or_init(JsonObject::new);
        };
        p.parsed.get_or_init(|| match &p.raw {
            Some(raw) => match serde_json::from_str::<serde_json::Value>(raw.get()) {
                Ok(serde_json::Value::Object(m)) => m,
                _ => JsonObject::new(),
            },
            None => JsonObject::new(),
        })
    }
}

/// Finds one key in a JSON object, skipping the other values without building them, and
/// returns its value's raw text.
struct Member<'a>(&'a str);

impl<'de> serde::de::Visitor<'de> for Member<'_> {
    type Value = Option<&'de RawValue>;

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
                found = Some(map.next_value::<&'de RawValue>()?);
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

impl Feature {
    /// A property as display text (`id` falls back to the feature id). Numbers are shown
    /// exactly as the file writes them, however many digits.
    pub fn property_text(&self, key: &str) -> Option<String> {
        let text = self.properties.member_json(key);
        match text.as_deref().map(str::trim) {
            None | Some("null") if key == "id" => Some(self.id.clone()),
            None | Some("null") => None,
            Some(t) if t.starts_with('"') => serde_json::from_str::<String>(t).ok(),
            Some(t) if exact::is_number(t) => Some(t.to_string()),
            Some(t) => Some(
                serde_json::from_str::<serde_json::Value>(t)
                    .map_or_else(|_| t.to_string(), |v| v.to_string()),
            ),
        }
    }

    /// Whether the feature passes `filter`: see [`exact::matches`] for when values match.
    pub fn matches(&self, filter: &Filter) -> bool {
        filter.0.iter().all(|(key, wanted)| {
            let text = self.properties.member_json(key);
            match text.as_deref().map(str::trim) {
                Some(t) if t != "null" => wanted.iter().any(|w| exact::matches(w, t)),
                _ if key == "id" => wanted.iter().any(|w| exact::matches_text(w, &self.id)),
                _ => false,
            }
        })
    }
}

/// Exact comparison of `where` values with data values. Numbers compare by decimal value
/// with no rounding (`5` = `5.0` = `5e0`; `9007199254740993` ≠ `9007199254740992`); a
/// string and a number match when the string is a JSON number of that value (so ids
/// beyond TOML's 64-bit integers can be named as strings); other values match only their
/// equal.
pub mod exact {
    /// A JSON number as an exact decimal: `digits` × 10^`exp`, `digits` without leading
    /// or trailing zeros (empty for zero, whose sign is dropped).
    #[derive(Debug, PartialEq, Eq)]
    pub struct Decimal {
        negative: bool,
        digits: Vec<u8>,
        exp: i64,
    }

    impl Decimal {
        /// Reads text in JSON's number grammar; `None` for anything else (or an exponent
        /// too large to hold, which no real value has).
        pub fn parse(text: &str) -> Option<Decimal> {
            let b = text.as_bytes();
            let mut i = 0;
            let negative = b.first() == Some(&b'-');
            if negative {
                i += 1;
            }
            let int_start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            let int = &b[int_start..i];
            if int.is_empty() || (int.len() > 1 && int[0] == b'0') {
                return None;
            }
            let mut frac: &[u8] = &[];
            if b.get(i) == Some(&b'.') {
                i += 1;
                let s = i;
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
                frac = &b[s..i];
                if frac.is_empty() {
                    return None;
                }
            }
            let mut exp: i64 = 0;
            if matches!(b.get(i), Some(b'e' | b'E')) {
                i += 1;
                let neg_exp = b.get(i) == Some(&b'-');
                if matches!(b.get(i), Some(b'+' | b'-')) {
                    i += 1;
                }
                let s = i;
                while let Some(&c @ b'0'..=b'9') = b.get(i) {
                    exp = exp.checked_mul(10)?.checked_add(i64::from(c - b'0'))?;
                    i += 1;
                }
                if i == s {
                    return None;
                }
                if neg_exp {
                    exp = -exp;
                }
            }
            if i != b.len() {
                return None;
            }
            let mut digits: Vec<u8> = int.iter().chain(frac).copied().collect();
            exp = exp.checked_sub(i64::try_from(frac.len()).ok()?)?;
            let lead = digits.iter().take_while(|&&d| d == b'0').count();
            digits.drain(..lead);
            while digits.last() == Some(&b'0') {
                digits.pop();
                exp = exp.checked_add(1)?;
            }
            if digits.is_empty() {
                return Some(Decimal {
                    negative: false,
                    digits,
                    exp: 0,
                });
            }
            Some(Decimal {
                negative,
                digits,
                exp,
            })
        }
    }

    /// Whether well-formed JSON text is a number (its first character says).
    pub fn is_number(json: &str) -> bool {
        json.starts_with(|c: char| c == '-' || c.is_ascii_digit())
    }

    /// Whether the spec value `wanted` matches the data value whose JSON text is `json`.
    pub fn matches(wanted: &serde_json::Value, json: &str) -> bool {
        if json.starts_with('"') {
            return serde_json::from_str::<String>(json).is_ok_and(|s| matches_text(wanted, &s));
        }
        if let Some(d) = Decimal::parse(json) {
            return match wanted {
                serde_json::Value::Number(n) => Decimal::parse(&n.to_string()) == Some(d),
                serde_json::Value::String(s) => Decimal::parse(s) == Some(d),
                _ => false,
            };
        }
        serde_json::from_str::<serde_json::Value>(json).is_ok_and(|v| &v == wanted)
    }

    /// Whether `wanted` matches a data string (or an id, which may have been a number).
    pub fn matches_text(wanted: &serde_json::Value, text: &str) -> bool {
        match wanted {
            serde_json::Value::String(s) if s == text => true,
            serde_json::Value::String(s) => {
                Decimal::parse(s).is_some_and(|w| Decimal::parse(text) == Some(w))
            }
            serde_json::Value::Number(n) => {
                Decimal::parse(text).is_some_and(|d| Decimal::parse(&n.to_string()) == Some(d))
            }
            _ => false,
        }
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
        let bytes = crate::limits::read_input(path, &self.limits)?;
        let d = Arc::new(parse_within(&bytes, path, &self.limits, self.vertices)?);
        self.vertices =
            crate::limits::add_vertices(&d.path, d.vertex_count(), self.vertices, &self.limits)?;
        self.loaded.insert(path.to_path_buf(), Arc::clone(&d));
        Ok(d)
    }
}

/// Reads and checks a GeoJSON file (FeatureCollection, Feature or bare Geometry).
pub fn load(path: &Path) -> Result<Dataset> {
    load_limited(path, &Limits::default())
}

/// [`load`], keeping `limits`: reading no more than `limits.max_input_bytes`, and stopping
/// as soon as the file holds more than `limits.max_vertices`.
pub fn load_limited(path: &Path, limits: &Limits) -> Result<Dataset> {
    let bytes = crate::limits::read_input(path, limits)?;
    parse_within(&bytes, path, limits, 0)
}

/// Parses GeoJSON bytes; `path` names the file in errors.
pub fn parse(bytes: &[u8], path: &Path) -> Result<Dataset> {
    parse_within(bytes, path, &Limits::default(), 0)
}

/// Parses GeoJSON bytes, `held` vertices being loaded already in this run.
///
/// One pass of serde over the document: features are read one by one out of the
/// `features` array (never a list of all of them as JSON), checked, and converted in
/// parallel batches; the vertex limit is checked after every batch and bounds every
/// coordinate array, so a file over it stops there. Coordinates are read straight into
/// flat point lists, and properties stay raw JSON until something asks for them.
pub fn parse_within(bytes: &[u8], path: &Path, limits: &Limits, held: u64) -> Result<Dataset> {
    // Editors on Windows often start UTF-8 files with a byte-order mark; JSON forbids it.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    check_start(bytes, path)?;
    let mut reader = Reader {
        src: Source { path, bytes },
        budget: limits.max_vertices.saturating_sub(held),
        limit: limits.max_vertices,
        held,
        vertices: 0,
        features: Vec::new(),
        pending: Vec::new(),
        failure: None,
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let doc = raw::DocumentSeed(&mut reader)
        .deserialize(&mut de)
        .and_then(|doc| de.end().map(|()| doc));
    let doc = match doc {
        Ok(doc) => doc,
        Err(e) => return Err(reader.error(&e, (1, 1))),
    };
    let features = match doc.kind.as_str() {
        "FeatureCollection" => {
            match doc.features {
                raw::Features::Streamed => {}
                raw::Features::Later(text) => {
                    let at = offset_in(bytes, text.get());
                    let base = line_column_at(bytes, at);
                    let mut de = serde_json::Deserializer::from_str(text.get());
                    let seed = raw::FeaturesSeed(&mut reader);
                    if let Err(e) = seed.deserialize(&mut de) {
                        return Err(reader.error(&e, base));
                    }
                }
                raw::Features::Absent => {
                    return Err(Error::data(
                        path,
                        "",
                        "a FeatureCollection needs a \"features\" array",
                    ))
                }
            }
            reader.flush()?;
            std::mem::take(&mut reader.features)
        }
        "Feature" => {
            let Some(geometry) = doc.geometry else {
                return Err(Error::data(
                    path,
                    "",
                    "a Feature needs a \"geometry\" member (null is allowed)",
                ));
            };
            let f = raw::Feature {
                id: doc.id,
                properties: doc.properties,
                geometry,
            };
            vec![reader.convert_one(0, f)?]
        }
        _ => {
            let f = raw::Feature {
                id: None,
                properties: None,
                geometry: Some(raw::Geometry {
                    kind: doc.kind.into(),
                    coordinates: doc.coordinates,
                    geometries: doc.geometries,
                }),
            };
            vec![reader.convert_one(0, f)?]
        }
    };
    Ok(Dataset {
        path: path.to_path_buf(),
        features,
    })
}

/// Features converted per parallel batch: big enough to keep every core busy, small
/// enough that the vertex limit stops a file soon after it is passed.
const BATCH: usize = 1024;

/// The state of one file's parse, threaded through the serde visitors.
struct Reader<'a> {
    src: Source<'a>,
    /// Vertices this file may still hold.
    budget: u64,
    /// The run's vertex limit and what other files hold already, for the error.
    limit: u64,
    held: u64,
    /// Vertices of `features`.
    vertices: u64,
    features: Vec<Feature>,
    /// Features read but not yet converted, with their index.
    pending: Vec<(usize, raw::Feature<'a>)>,
    /// Why the parse stopped, when a visitor stopped it: serde only carries a message.
    failure: Option<Failure>,
}

/// A reason a visitor stopped the parse.
enum Failure {
    /// A finished error (its place is known).
    Done(Error),
    /// A member of `features` that is not a Feature: its index and what it is; the place
    /// in the file comes from the serde error.
    NotAFeature(usize, String),
}

impl<'a> Reader<'a> {
    /// Converts the pending features in parallel and checks the vertex limit.
    fn flush(&mut self) -> Result<()> {
        use geo::CoordsIter;
        if self.pending.is_empty() {
            return Ok(());
        }
        let budget = Budget {
            left: self.budget.saturating_sub(self.vertices),
            limit: self.limit,
            held: self.held,
        };
        let src = &self.src;
        let batch = std::mem::take(&mut self.pending)
            .into_par_iter()
            .map(|(index, f)| feature(index, f, src, budget))
            .collect::<Result<Vec<_>>>()?;
        for f in batch {
            let n = f.geometry.as_ref().map_or(0, |g| g.coords_count() as u64);
            self.vertices = self.vertices.saturating_add(n);
            if self.vertices > self.budget {
                return Err(self.over_limit(self.features.len()));
            }
            self.features.push(f);
        }
        Ok(())
    }

    fn convert_one(&mut self, index: usize, f: raw::Feature<'a>) -> Result<Feature> {
        self.pending.push((index, f));
        self.flush()?;
        self.features
            .pop()
            .ok_or_else(|| Error::data(self.src.path, "", "no feature was read"))
    }

    fn over_limit(&self, index: usize) -> Error {
        crate::limits::vertex_limit_error(self.src.path, index, self.held, self.limit)
    }

    /// The error for a failed serde parse: the visitors' own reason when they stopped
    /// it, else a JSON error. `base` is where the parsed text starts in the file.
    fn error(&mut self, e: &serde_json::Error, base: (usize, usize)) -> Error {
        let (line, column) = shift(base, (e.line(), e.column()));
        match self.failure.take() {
            Some(Failure::Done(err)) => err,
            Some(Failure::NotAFeature(index, message)) => Error::data(
                self.src.path,
                format!("{line}:{column}, feature {index}"),
                message,
            ),
            None if e.to_string().starts_with("recursion limit exceeded") => {
                too_deep(self.src.path, (line, column))
            }
            None => json_error(self.src.path, e, (line, column)),
        }
    }
}

/// A line and column found in a slice of the file, made a place in the whole file.
fn shift(base: (usize, usize), at: (usize, usize)) -> (usize, usize) {
    match at {
        (0, _) => (0, 0),
        (1, c) => (base.0, base.1 + c.saturating_sub(1)),
        (l, c) => (base.0 + l - 1, c),
    }
}

/// Where `part`, a slice of `whole`, starts in it.
fn offset_in(whole: &[u8], part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize)
}

fn line_column_at(bytes: &[u8], at: usize) -> (usize, usize) {
    let at = at.min(bytes.len());
    crate::error::line_column(&String::from_utf8_lossy(&bytes[..at]), at)
}

/// The file being read, for error places.
struct Source<'a> {
    path: &'a Path,
    bytes: &'a [u8],
}

/// Deepest JSON nesting accepted anywhere in a file, as README promises. serde counts it
/// for what it walks; the raw properties it skips are counted by [`check_depth`].
pub const MAX_JSON_DEPTH: usize = 128;

/// The error for nesting past [`MAX_JSON_DEPTH`] at a line and column.
fn too_deep(path: &Path, (line, column): (usize, usize)) -> Error {
    Error::data(
        path,
        format!("{line}:{column}"),
        format!("JSON nested deeper than {MAX_JSON_DEPTH} levels (recursion limit)"),
    )
}

/// Refuses raw JSON text (a slice of the file) that, starting `outer` levels deep, nests past
/// [`MAX_JSON_DEPTH`], naming the line and column where it does. One pass, outside strings.
fn check_depth(text: &str, outer: usize, src: &Source) -> Result<()> {
    let bytes = text.as_bytes();
    let mut depth = outer;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 2,
                        b'"' => break,
                        _ => i += 1,
                    }
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_JSON_DEPTH {
                    let at = offset_in(src.bytes, text) + i;
                    return Err(too_deep(src.path, line_column_at(src.bytes, at)));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// Vertices a feature may still hold, and the run's limit and what other files hold.
#[derive(Clone, Copy)]
struct Budget {
    left: u64,
    limit: u64,
    held: u64,
}

/// Converts one feature read by serde into a [`Feature`], checking its geometry;
/// `budget` bounds the vertices it may hold.
fn feature(index: usize, f: raw::Feature, src: &Source, budget: Budget) -> Result<Feature> {
    let path = src.path;
    let properties = match f.properties {
        Some(raw) if raw.get().starts_with('{') => Properties::from_raw(raw),
        Some(raw) if raw.get() == "null" => Properties::default(),
        None => Properties::default(),
        Some(_) => {
            return Err(Error::data(
                path,
                format!("feature {index}"),
                "\"properties\" must be an object or null",
            ))
        }
    };
    let id = match f.id.map(|v| v.get()) {
        Some(t) if t.starts_with('"') => serde_json::from_str::<String>(t).map_err(|e| {
            Error::data(path, format!("feature {index}"), format!("bad \"id\": {e}"))
        })?,
        Some(t) if exact::is_number(t) => t.to_string(),
        Some("null") | None => match properties.member_json("id").as_deref() {
            Some(t) if t.starts_with('"') => {
                serde_json::from_str::<String>(t).unwrap_or_else(|_| index.to_string())
            }
            Some(t) if exact::is_number(t) => t.to_string(),
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
        budget: usize::try_from(budget.left).unwrap_or(usize::MAX),
        limit: budget.limit,
        held: budget.held,
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
    let (line, column) = line_column_at(bytes, at);
    Err(Error::data(
        path,
        format!("{line}:{column}"),
        "not GeoJSON: a GeoJSON file is one JSON object, {\"type\": ...}",
    ))
}

fn json_error(path: &Path, e: &serde_json::Error, (line, column): (usize, usize)) -> Error {
    let place = if line > 0 {
        format!("{line}:{column}")
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

/// The document as serde reads it: only the members mapfig uses. Coordinates, ids and
/// properties are kept as borrowed raw JSON text (serde only checks it is well-formed);
/// coordinates are read by [`coords`]. The `features` array is not collected: each member
/// goes to the [`Reader`](super::Reader) as soon as it is read.
mod raw {
    use super::{check_depth, Failure, Reader, BATCH};
    use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use serde::{Deserialize, Deserializer};
    use serde_json::value::RawValue;
    use std::borrow::Cow;
    use std::fmt;

    pub struct Document<'a> {
        pub kind: String,
        pub features: Features<'a>,
        /// `Some(None)` for `"geometry": null`, `None` when the member is missing.
        pub geometry: Option<Option<Geometry<'a>>>,
        pub id: Option<&'a RawValue>,
        pub properties: Option<&'a RawValue>,
        pub coordinates: Option<&'a RawValue>,
        pub geometries: Option<Vec<Geometry<'a>>>,
    }

    /// What became of a document's `features` member.
    pub enum Features<'a> {
        Absent,
        /// Read into the reader as it was parsed (`"type"` came first, as usual).
        Streamed,
        /// Met before the document said it is a FeatureCollection: read after.
        Later(&'a RawValue),
    }

    pub struct Feature<'a> {
        pub id: Option<&'a RawValue>,
        pub properties: Option<&'a RawValue>,
        pub geometry: Option<Geometry<'a>>,
    }

    pub struct Geometry<'a> {
        pub kind: Cow<'static, str>,
        pub coordinates: Option<&'a RawValue>,
        pub geometries: Option<Vec<Geometry<'a>>>,
    }

    impl<'de: 'a, 'a> Deserialize<'de> for Geometry<'a> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Geometry<'a>, D::Error> {
            d.deserialize_map(GeometryVisitor(std::marker::PhantomData))
        }
    }

    struct GeometryVisitor<'a>(std::marker::PhantomData<&'a ()>);

    impl<'de: 'a, 'a> Visitor<'de> for GeometryVisitor<'a> {
        type Value = Geometry<'a>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a GeoJSON geometry object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Geometry<'a>, A::Error> {
            let mut kind: Option<TypeName> = None;
            let mut coordinates: Option<&'a RawValue> = None;
            let mut geometries: Option<Vec<Geometry<'a>>> = None;
            while let Some(key) = map.next_key::<Name>()? {
                match key {
                    Name::Type => once(&mut kind, "type", &mut map)?,
                    Name::Coordinates => once(&mut coordinates, "coordinates", &mut map)?,
                    Name::Geometries => once(&mut geometries, "geometries", &mut map)?,
                    _ => {
                        map.next_value::<Checked>()?;
                    }
                }
            }
            Ok(Geometry {
                kind: kind.ok_or_else(|| A::Error::missing_field("type"))?.0,
                coordinates,
                geometries,
            })
        }
    }

    /// A member mapfig does not use, walked (not built) so serde counts its nesting
    /// against the recursion limit, which skipping it as `IgnoredAny` would not.
    struct Checked;

    impl<'de> Deserialize<'de> for Checked {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Checked, D::Error> {
            d.deserialize_any(Checked)
        }
    }

    impl<'de> Visitor<'de> for Checked {
        type Value = Checked;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_bool<E>(self, _: bool) -> Result<Checked, E> {
            Ok(Checked)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Checked, E> {
            Ok(Checked)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Checked, E> {
            Ok(Checked)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Checked, E> {
            Ok(Checked)
        }
        fn visit_str<E>(self, _: &str) -> Result<Checked, E> {
            Ok(Checked)
        }
        fn visit_unit<E>(self) -> Result<Checked, E> {
            Ok(Checked)
        }
        fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Checked, S::Error> {
            while seq.next_element::<Checked>()?.is_some() {}
            Ok(Checked)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Checked, A::Error> {
            while map.next_key::<IgnoredAny>()?.is_some() {
                map.next_value::<Checked>()?;
            }
            Ok(Checked)
        }
    }

    const GEOMETRY_TYPES: [&str; 7] = [
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
    ];

    /// A member name, read without allocating.
    #[derive(Clone, Copy, PartialEq)]
    enum Name {
        Type,
        Features,
        Geometry,
        Id,
        Properties,
        Coordinates,
        Geometries,
        Other,
    }

    impl<'de> Deserialize<'de> for Name {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Name, D::Error> {
            struct V;
            impl Visitor<'_> for V {
                type Value = Name;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a member name")
                }
                fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Name, E> {
                    Ok(match s {
                        "type" => Name::Type,
                        "features" => Name::Features,
                        "geometry" => Name::Geometry,
                        "id" => Name::Id,
                        "properties" => Name::Properties,
                        "coordinates" => Name::Coordinates,
                        "geometries" => Name::Geometries,
                        _ => Name::Other,
                    })
                }
            }
            d.deserialize_identifier(V)
        }
    }

    /// A `"type"` value; the GeoJSON names without allocating.
    struct TypeName(Cow<'static, str>);

    impl<'de> Deserialize<'de> for TypeName {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<TypeName, D::Error> {
            struct V;
            impl Visitor<'_> for V {
                type Value = TypeName;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a GeoJSON type name")
                }
                fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<TypeName, E> {
                    Ok(TypeName(
                        GEOMETRY_TYPES
                            .iter()
                            .chain(&["Feature", "FeatureCollection"])
                            .find(|&&t| t == s)
                            .map_or_else(|| Cow::Owned(s.to_string()), |&t| Cow::Borrowed(t)),
                    ))
                }
            }
            d.deserialize_str(V)
        }
    }

    /// Sets `slot` once, refusing a member given twice (JSON allows it; GeoJSON means one).
    fn once<'de, T, A: MapAccess<'de>>(
        slot: &mut Option<T>,
        name: &'static str,
        map: &mut A,
    ) -> Result<(), A::Error>
    where
        T: Deserialize<'de>,
    {
        if slot.is_some() {
            return Err(A::Error::duplicate_field(name));
        }
        *slot = Some(map.next_value()?);
        Ok(())
    }

    pub struct DocumentSeed<'r, 'a>(pub &'r mut Reader<'a>);

    impl<'a> DeserializeSeed<'a> for DocumentSeed<'_, 'a> {
        type Value = Document<'a>;

        fn deserialize<D: Deserializer<'a>>(self, d: D) -> Result<Document<'a>, D::Error> {
            d.deserialize_map(self)
        }
    }

    impl<'a> Visitor<'a> for DocumentSeed<'_, 'a> {
        type Value = Document<'a>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a GeoJSON object")
        }

        fn visit_map<A: MapAccess<'a>>(self, mut map: A) -> Result<Document<'a>, A::Error> {
            let mut kind: Option<TypeName> = None;
            let mut features = Features::Absent;
            let mut geometry = None;
            let mut id = None;
            let mut properties: Option<&'a RawValue> = None;
            let mut coordinates = None;
            let mut geometries = None;
            while let Some(key) = map.next_key::<Name>()? {
                match key {
                    Name::Type => once(&mut kind, "type", &mut map)?,
                    Name::Features => {
                        if !matches!(features, Features::Absent) {
                            return Err(A::Error::duplicate_field("features"));
                        }
                        if kind.as_ref().map(|k| k.0.as_ref()) == Some("FeatureCollection") {
                            map.next_value_seed(FeaturesSeed(&mut *self.0))?;
                            features = Features::Streamed;
                        } else {
                            features = Features::Later(map.next_value()?);
                        }
                    }
                    Name::Geometry => {
                        if geometry.is_some() {
                            return Err(A::Error::duplicate_field("geometry"));
                        }
                        geometry = Some(map.next_value::<Option<Geometry<'a>>>()?);
                    }
                    Name::Id => once(&mut id, "id", &mut map)?,
                    Name::Properties => once(&mut properties, "properties", &mut map)?,
                    Name::Coordinates => once(&mut coordinates, "coordinates", &mut map)?,
                    Name::Geometries => once(&mut geometries, "geometries", &mut map)?,
                    Name::Other => {
                        map.next_value::<Checked>()?;
                    }
                }
            }
            if let Some(p) = properties {
                if let Err(e) = check_depth(p.get(), 1, &self.0.src) {
                    self.0.failure = Some(Failure::Done(e));
                    return Err(A::Error::custom("too deep"));
                }
            }
            Ok(Document {
                kind: kind
                    .ok_or_else(|| A::Error::missing_field("type"))?
                    .0
                    .into_owned(),
                features,
                geometry,
                id,
                properties,
                coordinates,
                geometries,
            })
        }
    }

    /// Reads a `features` array member by member into the reader.
    pub struct FeaturesSeed<'r, 'a>(pub &'r mut Reader<'a>);

    impl<'a> DeserializeSeed<'a> for FeaturesSeed<'_, 'a> {
        type Value = ();

        fn deserialize<D: Deserializer<'a>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_seq(self)
        }
    }

    impl<'a> Visitor<'a> for FeaturesSeed<'_, 'a> {
        type Value = ();

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a sequence (the \"features\" array)")
        }

        fn visit_seq<S: SeqAccess<'a>>(self, mut seq: S) -> Result<(), S::Error> {
            let reader = self.0;
            let mut index = reader.pending.len() + reader.features.len();
            loop {
                let seed = FeatureSeed {
                    index,
                    reader: &mut *reader,
                };
                let Some(f) = seq.next_element_seed(seed)? else {
                    return Ok(());
                };
                reader.pending.push((index, f));
                if reader.pending.len() >= BATCH {
                    if let Err(e) = reader.flush() {
                        reader.failure = Some(Failure::Done(e));
                        return Err(S::Error::custom("stopped"));
                    }
                }
                index += 1;
            }
        }
    }

    /// One member of `features`, which must be a Feature object.
    struct FeatureSeed<'r, 'a> {
        index: usize,
        reader: &'r mut Reader<'a>,
    }

    impl<'a> FeatureSeed<'_, 'a> {
        fn refuse<T, E: serde::de::Error>(self, message: String) -> Result<T, E> {
            self.reader.failure = Some(Failure::NotAFeature(self.index, message));
            Err(E::custom("not a Feature"))
        }

        fn not_an_object<T, E: serde::de::Error>(self, what: &str) -> Result<T, E> {
            self.refuse(format!(
                "each member of \"features\" must be a Feature object {{\"type\": \"Feature\", \"geometry\": …}}, this one is {what}"
            ))
        }
    }

    impl<'a> DeserializeSeed<'a> for FeatureSeed<'_, 'a> {
        type Value = Feature<'a>;

        fn deserialize<D: Deserializer<'a>>(self, d: D) -> Result<Feature<'a>, D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'a> Visitor<'a> for FeatureSeed<'_, 'a> {
        type Value = Feature<'a>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a Feature object")
        }

        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Feature<'a>, E> {
            self.not_an_object("a boolean")
        }
        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Feature<'a>, E> {
            self.not_an_object("a number")
        }
        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Feature<'a>, E> {
            self.not_an_object("a number")
        }
        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Feature<'a>, E> {
            self.not_an_object("a number")
        }
        fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Feature<'a>, E> {
            self.not_an_object("a string")
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Feature<'a>, E> {
            self.not_an_object("null")
        }
        fn visit_seq<S: SeqAccess<'a>>(self, _: S) -> Result<Feature<'a>, S::Error> {
            self.not_an_object("an array")
        }

        fn visit_map<A: MapAccess<'a>>(self, mut map: A) -> Result<Feature<'a>, A::Error> {
            let mut kind: Option<TypeName> = None;
            let mut geometry: Option<Option<Geometry<'a>>> = None;
            let mut id: Option<&'a RawValue> = None;
            let mut properties: Option<&'a RawValue> = None;
            while let Some(key) = map.next_key::<Name>()? {
                match key {
                    Name::Type => once(&mut kind, "type", &mut map)?,
                    Name::Geometry => {
                        if geometry.is_some() {
                            return Err(A::Error::duplicate_field("geometry"));
                        }
                        geometry = Some(map.next_value()?);
                    }
                    Name::Id => once(&mut id, "id", &mut map)?,
                    Name::Properties => once(&mut properties, "properties", &mut map)?,
                    _ => {
                        map.next_value::<Checked>()?;
                    }
                }
            }
            match kind.as_ref().map(|k| k.0.as_ref()) {
                Some("Feature") => {}
                None => return self.refuse(
                    "has no \"type\": each member of \"features\" must be a Feature object {\"type\": \"Feature\", \"geometry\": …}".into(),
                ),
                Some(t) if GEOMETRY_TYPES.contains(&t) => return self.refuse(format!(
                    "is a bare {t} geometry, not a Feature: wrap it as {{\"type\": \"Feature\", \"properties\": {{}}, \"geometry\": …}}"
                )),
                Some(t) => return self.refuse(format!(
                    "has \"type\": {t:?}; each member of \"features\" must be a Feature"
                )),
            }
            let Some(geometry) = geometry else {
                return self.refuse(
                    "has no \"geometry\" member: a Feature needs one (null is allowed)".into(),
                );
            };
            if let Some(p) = properties {
                if !(p.get().starts_with('{') || p.get() == "null") {
                    return self.refuse("\"properties\" must be an object or null".into());
                }
                // Inside the document, the features array and the feature: 3 levels.
                if let Err(e) = check_depth(p.get(), 3, &self.reader.src) {
                    self.reader.failure = Some(Failure::Done(e));
                    return Err(A::Error::custom("too deep"));
                }
            }
            if let Some(i) = id {
                let t = i.get();
                if !(t.starts_with('"') || t == "null" || super::exact::is_number(t)) {
                    return self.refuse("\"id\" must be a string or a number".into());
                }
            }
            Ok(Feature {
                id,
                properties,
                geometry,
            })
        }
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

    /// What a [`Failure`] says when the positions pass `max_points`.
    pub const TOO_MANY: &str = "";

    /// Parses coordinate text holding at most `max_points` positions.
    pub fn parse(text: &str, max_points: usize) -> Result<Coordinates, Failure> {
        let mut p = Parser {
            b: text.as_bytes(),
            i: 0,
            c: Coordinates::default(),
            max_points,
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
        max_points: usize,
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
            if self.c.points.len() >= self.max_points {
                return Err((self.i, TOO_MANY.to_string()));
            }
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

        fn parse(text: &str) -> Result<Coordinates, Failure> {
            super::parse(text, usize::MAX)
        }

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
    /// Most positions one coordinate array may hold: the run's vertex limit, less what is
    /// loaded already.
    budget: usize,
    /// The run's vertex limit and what other files hold, for the error.
    limit: u64,
    held: u64,
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
    let want = match g.kind.as_ref() {
        "Point" => 1,
        "MultiPoint" | "LineString" => 2,
        "MultiLineString" | "Polygon" => 3,
        "MultiPolygon" => 4,
        other => return Err(c.err("", format!("unknown geometry type {other:?}"))),
    };
    let text = g
        .coordinates
        .ok_or_else(|| c.err("", format!("a {} needs \"coordinates\"", g.kind)))?;
    let parsed = coords::parse(text.get(), c.budget).map_err(|(offset, message)| {
        if message == coords::TOO_MANY {
            return c.err("", crate::limits::vertex_limit_message(c.held, c.limit));
        }
        // The place in the whole file: the raw text is a slice of it.
        let at = offset_in(c.src.bytes, text.get()) + offset;
        let (line, column) = line_column_at(c.src.bytes, at);
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
    Ok(match g.kind.as_ref() {
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
    fn where_numbers_compare_by_exact_decimal_value() {
        use serde_json::json;
        let d = exact::Decimal::parse;
        assert_eq!(d("5"), d("5.0"));
        assert_eq!(d("5"), d("50e-1"));
        assert_eq!(d("-0"), d("0.000"));
        assert_ne!(d("9007199254740993"), d("9007199254740992"));
        assert!(d("05").is_none() && d("5.").is_none() && d("1e").is_none() && d("x").is_none());
        assert!(exact::matches(&json!(5), "5.0"));
        assert!(exact::matches(&json!(0.1), "0.1"));
        assert!(exact::matches(&json!("5"), "5"));
        assert!(exact::matches(&json!(5), "\"5\""));
        assert!(!exact::matches(&json!(5), "\"05\""));
        assert!(!exact::matches(
            &json!(9007199254740992u64),
            "9007199254740993"
        ));
        assert!(exact::matches(&json!(true), "true") && !exact::matches(&json!(true), "1"));
    }

    #[test]
    fn out_of_range_coordinates_are_errors() {
        let e = parse_str(r#"{"type":"Point","coordinates":[1e308, 0]}"#).unwrap_err();
        assert!(e.to_string().contains("not a longitude"), "{e}");
    }
}
