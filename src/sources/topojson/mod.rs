//! The TopoJSON reader (topojson-specification 1.0): a `"Topology"` whose `objects` are
//! geometry objects drawn from shared `arcs`, quantized and delta-encoded when the file
//! has a `transform`. Each object becomes a [`super::Object`] (file order), a
//! GeometryCollection's members its features. The decoded arcs stay with the dataset as a
//! [`SourceTopology`](super::SourceTopology), so simplification and inner borders use the file's own shared
//! arcs instead of rebuilding them from coordinates.
//!
//! ```
//! use mapfig::sources::parse;
//! use std::path::Path;
//!
//! let topo = br#"{"type": "Topology",
//!   "transform": {"scale": [0.5, 0.5], "translate": [60, 30]},
//!   "objects": {"fields": {"type": "GeometryCollection", "geometries": [
//!     {"type": "Polygon", "id": "west", "arcs": [[0, 1]]},
//!     {"type": "Polygon", "id": "east", "properties": {"crop": "wheat"}, "arcs": [[2, -1]]}]}},
//!   "arcs": [[[2, 0], [0, 4]], [[2, 4], [-2, 0], [0, -4], [2, 0]], [[2, 0], [2, 0], [0, 4], [-2, 0]]]}"#;
//! let data = parse(topo, Path::new("fields.topojson"))?;
//! assert_eq!(data.format, "TopoJSON");
//! assert_eq!(data.objects[0].name, "fields");
//! assert_eq!(data.features[1].property_text("crop").as_deref(), Some("wheat"));
//! // Arc 0 runs from (61, 30) to (61, 32); the east field ends walking it backwards.
//! let geo::Geometry::Polygon(east) = data.features[1].geometry.as_ref().unwrap() else { panic!() };
//! let end: Vec<(f64, f64)> = east.exterior().0[3..].iter().map(|c| (c.x, c.y)).collect();
//! assert_eq!(end, [(61.0, 32.0), (61.0, 30.0)]);
//! # Ok::<(), mapfig::Error>(())
//! ```

mod decode;
mod raw;

use super::dataset::{Dataset, Object};
use super::reader::{Budget, Input, Reader};
use super::shared_arcs::SourceTopology;
use super::MAX_JSON_DEPTH;
use crate::error::{Error, Result};
use decode::{decode_arcs, quantization, thousands, without_place, Decoder};
use std::path::Path;
use std::sync::Arc;

/// The TopoJSON format.
pub struct TopoJson;

impl Reader for TopoJson {
    fn name(&self) -> &'static str {
        "TopoJSON"
    }

    /// A JSON object whose own `"type"` member, within the first bytes, is `"Topology"`.
    fn sniff(&self, head: &[u8], _path: &Path) -> bool {
        is_topology(head)
    }

    fn read(&self, input: &Input, budget: &Budget) -> Result<Dataset> {
        crate::limits::check_text(input.path, input.bytes)?;
        parse(input, budget)
    }
}

/// Most positions a file's features may decode into per byte of the file: us-atlas and
/// world-atlas decode into 0.1 to 0.3.
const MAX_POSITIONS_PER_BYTE: u64 = 16;

/// Positions any file may decode into, however small (a hand-written topology reusing
/// its arcs freely).
const MIN_AMPLIFIED_POSITIONS: u64 = 1_000_000;

fn parse(input: &Input, budget: &Budget) -> Result<Dataset> {
    let path = input.path;
    let bytes = input
        .bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(input.bytes);
    check_depth(bytes, path)?;
    let doc: raw::Document = serde_json::from_slice(bytes).map_err(|e| json_error(path, &e))?;
    match doc.kind.as_deref() {
        Some("Topology") => {}
        Some(other) => {
            return Err(Error::data(
                path,
                "",
                format!("not TopoJSON: \"type\" is {other:?}, a TopoJSON file's is \"Topology\""),
            ))
        }
        None => return Err(Error::data(path, "", "not TopoJSON: no \"type\" member")),
    }
    let objects = doc
        .objects
        .ok_or_else(|| Error::data(path, "", "a Topology needs an \"objects\" member"))?;
    let q = doc
        .transform
        .as_ref()
        .map(quantization)
        .transpose()
        .map_err(|m| Error::data(path, "transform", m))?;
    let raw_arcs = doc.arcs.unwrap_or(raw::Arcs {
        positions: Vec::new(),
        starts: vec![0],
    });
    let left = budget.left();
    if raw_arcs.positions.len() as u64 > left {
        return Err(Error::data(
            path,
            "arcs",
            format!(
                "the arcs hold {} positions: {}",
                thousands(raw_arcs.positions.len()),
                budget.exceeded_message()
            ),
        ));
    }
    let arcs = decode_arcs(raw_arcs, q).map_err(|m| Error::data(path, "arcs", m))?;
    let planar = input.options.crs.is_some();
    // Shared arcs let a few bytes name millions of positions (one long arc, referenced
    // over and over): memory must stay in proportion to the file, whatever the budget.
    let amplified = (bytes.len() as u64)
        .saturating_mul(MAX_POSITIONS_PER_BYTE)
        .max(MIN_AMPLIFIED_POSITIONS);
    let (left, over_budget) = if amplified < left {
        (
            amplified,
            format!(
                "its arcs decode into more than {} positions, {MAX_POSITIONS_PER_BYTE} per byte of the file (real topologies decode into less than 1): arcs referenced over and over",
                thousands(usize::try_from(amplified).unwrap_or(usize::MAX))
            ),
        )
    } else {
        (left, budget.exceeded_message())
    };
    let mut decoder = Decoder {
        path,
        arcs: &arcs,
        quantization: q,
        planar,
        left,
        vertices: 0,
        over_budget,
    };
    let mut features = Vec::new();
    let mut shapes = Vec::new();
    let mut named = Vec::with_capacity(objects.0.len());
    for (name, object) in &objects.0 {
        let start = features.len();
        decoder
            .object(name, object, &mut features, &mut shapes)
            .map_err(|e| projected_hint(e, planar))?;
        named.push(Object {
            name: name.clone(),
            features: start..features.len(),
        });
    }
    let mut points = arcs.points;
    if !planar {
        // As the features' positions are (see `Validator::position`).
        for p in &mut points {
            *p = [p[0].clamp(-180.0, 180.0), p[1].clamp(-90.0, 90.0)];
        }
    }
    let mut dataset = Dataset::new(path, "TopoJSON", features);
    dataset.crs = input.options.crs.clone();
    dataset.objects = named;
    dataset.topology = Some(Arc::new(SourceTopology::new(points, arcs.starts, shapes)));
    Ok(dataset)
}

/// A position out of longitude/latitude range in a TopoJSON file is most often a
/// pre-projected file (us-atlas's `*-albers-10m.json`): say how to read one.
fn projected_hint(e: Error, planar: bool) -> Error {
    match e {
        Error::Data {
            file,
            place,
            message,
        } if !planar && message.contains("is not a longitude, latitude pair") => Error::Data {
            file,
            place,
            message: format!(
                "{message}; if the file is projected (us-atlas's *-albers-10m.json are), give its layer `crs = \"...\"`"
            ),
        },
        other => other,
    }
}

/// Whether `head`, the start of a file, is a JSON object whose own (top-level) `"type"`
/// is `"Topology"`, or that has a top-level `"arcs"` or `"objects"` member before any
/// `"type"`: one pass over the bytes, outside strings, tracking depth.
pub fn is_topology(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if head.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return false;
    }
    let mut depth = 0usize;
    let mut i = 0;
    // The last string read at depth 1, and whether a ':' followed it (a key).
    let mut key: Option<&[u8]> = None;
    let mut after_colon = false;
    while i < head.len() {
        match head[i] {
            b'"' => {
                let start = i + 1;
                i = start;
                while i < head.len() && head[i] != b'"' {
                    i += if head[i] == b'\\' { 2 } else { 1 };
                }
                let Some(text) = head.get(start..i) else {
                    return false;
                };
                if depth == 1 {
                    if after_colon {
                        if key == Some(b"type") {
                            return text == b"Topology";
                        }
                        key = None;
                        after_colon = false;
                    } else {
                        key = Some(text);
                    }
                }
            }
            // Members only a topology has, met before its "type" (which may come after
            // megabytes of arcs), tell as well.
            b':' if depth == 1 && matches!(key, Some(b"arcs" | b"objects")) => return true,
            b':' if depth == 1 => after_colon = true,
            b',' if depth == 1 => {
                key = None;
                after_colon = false;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    false
}

/// Refuses JSON nested past [`MAX_JSON_DEPTH`] anywhere in the file (properties included,
/// which serde skips without counting), naming the line and column. One pass, outside
/// strings.
pub(super) fn check_depth(bytes: &[u8], path: &Path) -> Result<()> {
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_JSON_DEPTH {
                    let (line, column) =
                        crate::error::line_column(&String::from_utf8_lossy(&bytes[..i]), i);
                    return Err(Error::data(
                        path,
                        format!("{line}:{column}"),
                        format!("JSON nested deeper than {MAX_JSON_DEPTH} levels"),
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

fn json_error(path: &Path, e: &serde_json::Error) -> Error {
    let place = if e.line() > 0 {
        format!("{}:{}", e.line(), e.column())
    } else {
        String::new()
    };
    let message = match e.classify() {
        serde_json::error::Category::Eof => format!("truncated JSON ({})", without_place(e)),
        serde_json::error::Category::Syntax => format!("malformed JSON ({})", without_place(e)),
        _ => format!("not valid TopoJSON: {}", without_place(e)),
    };
    Error::data(path, place, message)
}

#[cfg(test)]
mod tests;
