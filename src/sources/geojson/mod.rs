//! The GeoJSON reader (RFC 7946: FeatureCollection, Feature or bare Geometry). One pass of
//! serde over the document: the `features` array is streamed member by member (never held
//! as JSON), features are converted in parallel batches within the run's vertex limit,
//! coordinates are read by a parser of their own, and properties stay raw JSON text.

mod coords;
mod raw;
mod seq;

pub use seq::GeoJsonSeq;

use super::dataset::{Dataset, Feature};
use super::properties::Properties;
use super::reader::{Budget, Input, Reader};
use super::validate::Validator;
use crate::error::{Error, Result};
use geo::{Geometry, MultiLineString, MultiPoint, MultiPolygon, Point};
use rayon::prelude::*;
use serde::de::DeserializeSeed;
use std::path::Path;

/// The GeoJSON format.
pub struct GeoJson;

impl Reader for GeoJson {
    fn name(&self) -> &'static str {
        "GeoJSON"
    }

    /// A JSON object: the first character, after a byte-order mark and white space, is `{`.
    fn sniff(&self, head: &[u8], _path: &Path) -> bool {
        let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
    }

    fn read(&self, input: &Input, budget: &Budget) -> Result<Dataset> {
        crate::limits::check_text(input.path, input.bytes)?;
        let layer_crs = input.options.crs.is_some();
        parse(input.bytes, input.path, *budget, layer_crs)
    }
}

/// Parses a GeoJSON document; `path` names the file in errors. The vertex limit is
/// checked after every batch and bounds every coordinate array, so a file over it stops
/// there. While serde reads the `features` array on this thread, the batches already read
/// are converted on another ([`Converter`]): reading and converting overlap.
fn parse(bytes: &[u8], path: &Path, budget: Budget, layer_crs: bool) -> Result<Dataset> {
    // Editors on Windows often start UTF-8 files with a byte-order mark; JSON forbids it.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    check_start(bytes, path)?;
    // Positions in a declared CRS are checked after reprojection (the CRS step in
    // `formats::read`). The legacy `crs` member may follow the features it is about, so a
    // file that holds the text `"crs"` anywhere is read that way from the start; one fast
    // scan costs far less than a second parse.
    let planar = layer_crs || memchr::memmem::find(bytes, b"\"crs\"").is_some();
    let src = Source {
        path,
        bytes,
        planar,
    };
    let stopped = std::sync::atomic::AtomicBool::new(false);
    // A thread of the pool (a build renders specs in parallel) must not wait on a
    // converter that needs the pool: with every thread waiting so, none would be left to
    // convert. There each batch is converted as it is read, on the pool.
    let ((doc, crs), features) = if rayon::current_thread_index().is_some() {
        read_inline(src, budget, &stopped)?
    } else {
        read_overlapped(src, budget, &stopped)?
    };
    let features = match doc {
        Read::Collection => features,
        Read::Feature(f) => vec![Parse::new(src, budget, &stopped).convert_one(0, f)?],
    };
    let mut data = Dataset::new(path, "GeoJSON", features);
    data.crs = crs.map(|c| legacy_crs(c, path)).transpose()?;
    if planar && data.crs.is_none() && !layer_crs {
        // "crs" was only text somewhere (a property): the positions still need their check.
        super::crs::check_lon_lat(&mut data)?;
    }
    Ok(data)
}

/// A document once read: what it was, and its legacy `crs` member.
type Doc<'a> = (Read<'a>, Option<&'a serde_json::value::RawValue>);

/// Reads the document, each batch converted as soon as it is read, here.
fn read_inline<'a>(
    src: Source<'a>,
    budget: Budget,
    stopped: &'a std::sync::atomic::AtomicBool,
) -> Result<(Doc<'a>, Vec<Feature>)> {
    let mut state = Parse::new(src, budget, stopped);
    state.inline = Some(Converter::new(src, budget));
    let doc = read_document(&mut state)?;
    state.flush_last()?;
    let features = state.inline.take().map(|c| c.features).unwrap_or_default();
    Ok((doc, features))
}

/// Reads the document on this thread while a converter thread converts the batches read.
fn read_overlapped<'a>(
    src: Source<'a>,
    budget: Budget,
    stopped: &'a std::sync::atomic::AtomicBool,
) -> Result<(Doc<'a>, Vec<Feature>)> {
    let path = src.path;
    let (sink, batches) = std::sync::mpsc::sync_channel(IN_FLIGHT);
    std::thread::scope(|scope| {
        let converter = std::thread::Builder::new()
            .spawn_scoped(scope, || Converter::new(src, budget).run(batches, stopped))
            .map_err(|e| Error::data(path, "", format!("cannot start a thread: {e}")))?;
        let mut state = Parse::new(src, budget, stopped);
        state.sink = Some(sink);
        let read = read_document(&mut state);
        // Every batch read is sent; closing the channel lets the converter finish.
        let read = read.and_then(|doc| state.flush_last().map(|()| doc));
        state.sink = None;
        let converted = converter
            .join()
            .unwrap_or_else(|_| Err(Error::data(path, "", "converting the features failed")));
        match (read, converted) {
            // The converter's error is about a batch read before where the read stopped.
            (_, Err(e)) | (Err(e), _) => Err(e),
            (Ok(doc), Ok(features)) => Ok((doc, features)),
        }
    })
}

/// What a document turned out to be, once read.
enum Read<'a> {
    /// A FeatureCollection: its features went to the converter.
    Collection,
    /// A Feature or a bare geometry, not yet converted.
    Feature(raw::Feature<'a>),
}

/// Reads the document with serde, sending a FeatureCollection's features to the
/// converter batch by batch.
fn read_document<'a>(state: &mut Parse<'a>) -> Result<Doc<'a>> {
    let (path, bytes) = (state.src.path, state.src.bytes);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let doc = raw::DocumentSeed(&mut *state)
        .deserialize(&mut de)
        .and_then(|doc| de.end().map(|()| doc));
    let doc = match doc {
        Ok(doc) => doc,
        Err(e) => return Err(state.error(&e, (1, 1))),
    };
    let crs = doc.crs;
    let read = match doc.kind.as_str() {
        "FeatureCollection" => {
            match doc.features {
                raw::Features::Streamed => {}
                raw::Features::Later(text) => {
                    let at = offset_in(bytes, text.get());
                    let base = line_column_at(bytes, at);
                    let mut de = serde_json::Deserializer::from_str(text.get());
                    let seed = raw::FeaturesSeed(&mut *state);
                    if let Err(e) = seed.deserialize(&mut de) {
                        return Err(state.error(&e, base));
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
            Read::Collection
        }
        "Feature" => {
            let Some(geometry) = doc.geometry else {
                return Err(Error::data(
                    path,
                    "",
                    "a Feature needs a \"geometry\" member (null is allowed)",
                ));
            };
            Read::Feature(raw::Feature {
                id: doc.id,
                properties: doc.properties,
                geometry,
            })
        }
        _ => Read::Feature(raw::Feature {
            id: None,
            properties: None,
            geometry: Some(raw::Geometry {
                kind: doc.kind.into(),
                coordinates: doc.coordinates,
                geometries: doc.geometries,
            }),
        }),
    };
    Ok((read, crs))
}

/// The CRS a legacy (2008) GeoJSON `crs` member names: `{"type": "name", "properties":
/// {"name": "EPSG:3857"}}` (or a URN); a linked CRS is refused (mapfig never reads URLs
/// or other files named inside data).
fn legacy_crs(member: &serde_json::value::RawValue, path: &Path) -> Result<String> {
    let bad = |m: &str| Error::data(path, "crs", m.to_string());
    let v: serde_json::Value = serde_json::from_str(member.get())
        .map_err(|e| bad(&format!("the crs member is not valid JSON ({e})")))?;
    match v.get("type").and_then(|t| t.as_str()) {
        Some("name") => v
            .pointer("/properties/name")
            .and_then(|n| n.as_str())
            .map(str::to_string)
            .ok_or_else(|| bad("a named crs needs \"properties\": {\"name\": \"EPSG:…\"}")),
        Some("link") => Err(bad(&format!(
            "a linked crs (\"type\": \"link\") is not supported: mapfig never follows links in data; replace it with {{\"type\": \"name\", \"properties\": {{\"name\": \"EPSG:…\"}}}} or {}",
            super::crs::REPROJECT_HINT
        ))),
        _ if v.is_null() => Ok("OGC:CRS84".into()),
        _ => Err(bad("the crs member must be {\"type\": \"name\", \"properties\": {\"name\": \"EPSG:…\"}}")),
    }
}

/// Features converted per parallel batch: big enough to keep every core busy, small
/// enough that the vertex limit stops a file soon after it is passed.
const BATCH: usize = 1024;

/// Batches read but not yet converted, at most: reading runs at most this far ahead of
/// converting (the raw features borrow the file's text, so they are small).
const IN_FLIGHT: usize = 2;

/// A batch of features read but not converted, each with its index.
type Batch<'a> = Vec<(usize, raw::Feature<'a>)>;

/// The state of one file's read, threaded through the serde visitors.
struct Parse<'a> {
    src: Source<'a>,
    budget: Budget,
    /// Features sent to the converter.
    sent: usize,
    /// Features read but not yet sent, with their index.
    pending: Batch<'a>,
    /// Where batches go; `None` once the read is over.
    sink: Option<std::sync::mpsc::SyncSender<Batch<'a>>>,
    /// Converts the batches here instead, when there is no converter thread.
    inline: Option<Converter<'a>>,
    /// Set by the converter when it stops at an error: reading on is pointless.
    stopped: &'a std::sync::atomic::AtomicBool,
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
    /// The converter stopped at an error in a batch read earlier: that error is the one.
    Converter,
}

/// Converts batches of features in order, in parallel within a batch, and keeps the
/// file's vertex count within its budget. It stops at the first error.
struct Converter<'a> {
    src: Source<'a>,
    budget: Budget,
    /// Vertices of `features`.
    vertices: u64,
    features: Vec<Feature>,
}

impl<'a> Converter<'a> {
    fn new(src: Source<'a>, budget: Budget) -> Self {
        Converter {
            src,
            budget,
            vertices: 0,
            features: Vec::new(),
        }
    }

    /// Converts every batch that arrives until the channel closes; at an error it sets
    /// `stopped` and passes over the batches still coming.
    fn run(
        mut self,
        batches: std::sync::mpsc::Receiver<Batch<'a>>,
        stopped: &std::sync::atomic::AtomicBool,
    ) -> Result<Vec<Feature>> {
        let mut failed = None;
        for batch in batches {
            if failed.is_none() {
                if let Err(e) = self.convert(batch) {
                    stopped.store(true, std::sync::atomic::Ordering::Relaxed);
                    failed = Some(e);
                }
            }
        }
        match failed {
            Some(e) => Err(e),
            None => Ok(self.features),
        }
    }

    /// Converts one batch in parallel and checks the vertex limit.
    fn convert(&mut self, batch: Batch<'a>) -> Result<()> {
        use geo::CoordsIter;
        let left = self.budget.left().saturating_sub(self.vertices);
        let (src, budget) = (&self.src, &self.budget);
        let batch = batch
            .into_par_iter()
            .map(|(index, f)| feature(index, f, src, left, budget))
            .collect::<Result<Vec<_>>>()?;
        for f in batch {
            let n = f.geometry.as_ref().map_or(0, |g| g.coords_count() as u64);
            self.vertices = self.vertices.saturating_add(n);
            if self.vertices > self.budget.left() {
                return Err(self.budget.exceeded(self.src.path, self.features.len()));
            }
            self.features.push(f);
        }
        Ok(())
    }
}

impl<'a> Parse<'a> {
    fn new(src: Source<'a>, budget: Budget, stopped: &'a std::sync::atomic::AtomicBool) -> Self {
        Parse {
            src,
            budget,
            sent: 0,
            pending: Vec::new(),
            sink: None,
            inline: None,
            stopped,
            failure: None,
        }
    }

    /// Sends the pending features to the converter (or converts them here); an error when
    /// the conversion has stopped, its reason in `failure`.
    fn flush(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.pending);
        self.sent += batch.len();
        if let Some(converter) = &mut self.inline {
            return converter.convert(batch).map_err(|e| {
                self.failure = Some(Failure::Done(e));
                Error::data(self.src.path, "", "the conversion stopped")
            });
        }
        let sent = match &self.sink {
            _ if self.stopped.load(std::sync::atomic::Ordering::Relaxed) => false,
            Some(sink) => sink.send(batch).is_ok(),
            None => false,
        };
        if sent {
            Ok(())
        } else {
            self.failure = Some(Failure::Converter);
            Err(Error::data(self.src.path, "", "the conversion stopped"))
        }
    }

    /// [`flush`](Self::flush) after the read: the conversion's own error when it stops.
    fn flush_last(&mut self) -> Result<()> {
        self.flush().map_err(|e| match self.failure.take() {
            Some(Failure::Done(real)) => real,
            _ => e,
        })
    }

    /// Converts one feature here, within the file's budget.
    fn convert_one(&mut self, index: usize, f: raw::Feature<'a>) -> Result<Feature> {
        let mut converter = Converter::new(self.src, self.budget);
        converter.convert(vec![(index, f)])?;
        converter
            .features
            .pop()
            .ok_or_else(|| Error::data(self.src.path, "", "no feature was read"))
    }

    /// The error for a failed serde parse: the visitors' own reason when they stopped
    /// it, else a JSON error. `base` is where the parsed text starts in the file.
    fn error(&mut self, e: &serde_json::Error, base: (usize, usize)) -> Error {
        let (line, column) = shift(base, (e.line(), e.column()));
        match self.failure.take() {
            Some(Failure::Done(err)) => err,
            // The caller takes the converter's error instead of this one.
            Some(Failure::Converter) => Error::data(self.src.path, "", "the conversion stopped"),
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
#[derive(Clone, Copy)]
struct Source<'a> {
    path: &'a Path,
    bytes: &'a [u8],
    /// Positions are in a declared CRS: checked only for being finite here.
    planar: bool,
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

/// Converts one feature read by serde into a [`Feature`], checking its geometry; it may
/// hold `left` vertices of the file's `budget`.
fn feature(
    index: usize,
    f: raw::Feature,
    src: &Source,
    left: u64,
    budget: &Budget,
) -> Result<Feature> {
    let path = src.path;
    let properties = match f.properties {
        Some(raw) if raw.get().starts_with('{') => Properties::from_json_object(raw),
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
    let id = super::dataset::json_feature_id(f.id.map(|v| v.get()), &properties, index)
        .map_err(|m| Error::data(path, format!("feature {index}"), m))?;
    let place = format!("feature {index} (id {id:?})");
    let conversion = Convert {
        check: Validator {
            path,
            place: &place,
            planar: src.planar,
        },
        src,
        max_points: usize::try_from(left).unwrap_or(usize::MAX),
        budget,
    };
    let geometry = match &f.geometry {
        Some(g) => Some(convert(g, &conversion, 0)?),
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

/// Nesting deeper than this in GeometryCollections is refused (a stack guard).
const MAX_NESTING: usize = 32;

/// `points` cut at list `ends` into vectors of their own: each list after the first is
/// split off (copied), the first keeps the parsed vector (no copy), trimmed.
fn split(mut points: Vec<geo::Coord<f64>>, ends: &[usize]) -> Vec<Vec<geo::Coord<f64>>> {
    let mut lists = Vec::with_capacity(ends.len());
    // List k starts where list k - 1 ends: split from the last list back.
    for &start in ends.iter().rev().skip(1) {
        lists.push(points.split_off(start.min(points.len())));
    }
    if !ends.is_empty() {
        points.shrink_to_fit();
        lists.push(points);
    }
    lists.reverse();
    lists
}

/// How one feature's geometry is read: the checks, the file for error places, and the
/// positions one coordinate array may hold (what the file's budget leaves).
struct Convert<'a> {
    check: Validator<'a>,
    src: &'a Source<'a>,
    max_points: usize,
    budget: &'a Budget,
}

/// Converts a geometry read by serde, checking it (nested collections through `depth`).
fn convert(g: &raw::Geometry, cv: &Convert, depth: usize) -> Result<Geometry<f64>> {
    let c = &cv.check;
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
                .map(|p| convert(p, cv, depth + 1))
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
    let parsed = coords::parse(text.get(), cv.max_points).map_err(|(offset, message)| {
        if message == coords::TOO_MANY {
            return c.err("", cv.budget.exceeded_message());
        }
        // The place in the whole file: the raw text is a slice of it.
        let at = offset_in(cv.src.bytes, text.get()) + offset;
        let (line, column) = line_column_at(cv.src.bytes, at);
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
    let kind = g.kind.as_ref();
    let coords::Coordinates { points, ends, .. } = parsed;
    let [list_ends, polygon_ends] = ends;
    let at = |p: &geo::Coord<f64>| [p.x, p.y];
    Ok(match kind {
        "Point" => {
            let p = points
                .first()
                .ok_or_else(|| c.err("", "a Point needs a position"))?;
            Geometry::Point(Point(c.position(at(p), "")?))
        }
        "MultiPoint" => Geometry::MultiPoint(MultiPoint(
            points
                .iter()
                .enumerate()
                .map(|(i, p)| c.position(at(p), &format!("point {i}")).map(Point))
                .collect::<Result<_>>()?,
        )),
        "LineString" => Geometry::LineString(c.line_vec(points, "")?),
        "MultiLineString" => Geometry::MultiLineString(MultiLineString(
            split(points, &list_ends)
                .into_iter()
                .enumerate()
                .map(|(i, l)| c.line_vec(l, &format!("line {i}")))
                .collect::<Result<_>>()?,
        )),
        "Polygon" => Geometry::Polygon(c.polygon_vec(split(points, &list_ends), "")?),
        _ => {
            let mut rings = split(points, &list_ends).into_iter();
            let mut start = 0;
            let mut polys = Vec::with_capacity(polygon_ends.len());
            for (i, &end) in polygon_ends.iter().enumerate() {
                let these = rings.by_ref().take(end.saturating_sub(start)).collect();
                polys.push(c.polygon_vec(these, &format!("polygon {i}"))?);
                start = end;
            }
            Geometry::MultiPolygon(MultiPolygon(polys))
        }
    })
}
