//! The FlatGeobuf reader (flatgeobuf.org, format version 3): a header (geometry type,
//! columns, CRS, feature count), an optional spatial index, then size-prefixed features,
//! each a FlatBuffers table of a geometry and a property blob. Read from the bytes mapfig
//! already holds, checked at every offset (the format has no checksum, and the `flatgeobuf`
//! crate asserts on some corrupt input); features are decoded in parallel batches, the
//! vertex budget checked after each.

mod buffer;
mod geometry;
mod properties;

use super::authority;
use super::dataset::{Dataset, Feature};
use super::reader::{Budget, Input, Reader};
use super::validate::Validator;
use crate::error::{Error, Result};
use buffer::{u32_at, Table};
use properties::Column;
use rayon::prelude::*;
use std::path::Path;

/// The FlatGeobuf format.
pub struct FlatGeobuf;

/// `fgb`, the major version, `fgb`, the patch version.
const MAGIC: &[u8; 3] = b"fgb";
const VERSION: u8 = 3;

/// Features decoded together between vertex-budget checks.
const BATCH: usize = 4096;

impl Reader for FlatGeobuf {
    fn name(&self) -> &'static str {
        "FlatGeobuf"
    }

    fn sniff(&self, head: &[u8], _path: &Path) -> bool {
        head.len() >= 8 && &head[..3] == MAGIC && &head[4..7] == MAGIC
    }

    fn read(&self, input: &Input, budget: &Budget) -> Result<Dataset> {
        read(input, budget)
    }
}

/// What the header says about the features.
struct Header {
    kind: u8,
    columns: Vec<Column>,
    count: u64,
    crs: Option<String>,
    /// Where the first feature starts.
    features_at: usize,
}

fn read(input: &Input, budget: &Budget) -> Result<Dataset> {
    let (path, bytes) = (input.path, input.bytes);
    let header = header(path, bytes)?;
    let slices = feature_slices(path, bytes, &header)?;
    let crs = input.options.crs.clone().or(header.crs.clone());
    let planar = crs.is_some();
    let mut features = Vec::with_capacity(slices.len());
    let mut vertices = 0u64;
    for (b, batch) in slices.chunks(BATCH).enumerate() {
        let decoded: Vec<Result<(Feature, u64)>> = batch
            .par_iter()
            .enumerate()
            .map(|(i, s)| feature(path, s, b * BATCH + i, &header, planar))
            .collect();
        for (i, r) in decoded.into_iter().enumerate() {
            let (f, n) = r?;
            vertices += n;
            if vertices > budget.left() {
                return Err(budget.exceeded(path, b * BATCH + i));
            }
            features.push(f);
        }
    }
    let mut data = Dataset::new(path, "FlatGeobuf", features);
    data.crs = crs;
    Ok(data)
}

fn header(path: &Path, bytes: &[u8]) -> Result<Header> {
    let bad = |m: String| Error::data(path, "header", format!("corrupt FlatGeobuf header: {m}"));
    let magic = bytes.get(..8).unwrap_or_default();
    if magic.len() < 8 || &magic[..3] != MAGIC || &magic[4..7] != MAGIC {
        return Err(Error::data(
            path,
            "",
            "not a FlatGeobuf file (no fgb signature)",
        ));
    }
    if magic[3] != VERSION {
        return Err(Error::data(
            path,
            "header",
            format!(
                "FlatGeobuf version {} is not read (mapfig reads version {VERSION}); rewrite the file with a current ogr2ogr",
                magic[3]
            ),
        ));
    }
    let size = u32_at(bytes, 8).map_err(bad)? as usize;
    let buf = bytes.get(12..).and_then(|b| b.get(..size)).ok_or_else(|| {
        bad(format!(
            "it declares {size} bytes, the file has {} after the signature",
            bytes.len().saturating_sub(12)
        ))
    })?;
    let t = Table::root(buf).map_err(bad)?;
    let kind = t.u8(2, 0).map_err(bad)?;
    if kind as usize >= geometry::TYPE_NAMES.len() {
        return Err(bad(format!(
            "geometry type {kind} is not a FlatGeobuf type"
        )));
    }
    let columns = t
        .tables(7)
        .and_then(|cs| cs.iter().map(Column::read).collect())
        .map_err(bad)?;
    let count = t.u64(8, 0).map_err(bad)?;
    let node_size = t.u16(9, 16).map_err(bad)?;
    let crs = match t.table(10).map_err(bad)? {
        None => None,
        Some(c) => crs(&c).map_err(bad)?,
    };
    let index = index_bytes(count, node_size).ok_or_else(|| {
        bad(format!(
            "its spatial index for {count} features would be larger than any file"
        ))
    })?;
    let features_at = (12 + size).checked_add(index).filter(|&e| e <= bytes.len());
    let features_at = features_at.ok_or_else(|| {
        Error::data(
            path,
            "index",
            format!(
                "truncated FlatGeobuf file: its spatial index of {count} features needs {index} bytes, {} are left",
                bytes.len() - 12 - size
            ),
        )
    })?;
    Ok(Header {
        kind,
        columns,
        count,
        crs,
        features_at,
    })
}

/// The declared CRS; `None` for longitude/latitude on WGS 84 or no CRS.
fn crs(c: &Table) -> buffer::Fb<Option<String>> {
    let org = c.string(0)?;
    let code = c.i32(1, 0)?;
    let wkt = c.string(4)?;
    let code_string = c.string(5)?;
    Ok(authority::declared(org, code, code_string, wkt))
}

/// The bytes of the packed Hilbert R-tree after the header: every level's nodes, 40
/// bytes each (a bounding box and an offset). `None` when that passes `usize`.
fn index_bytes(count: u64, node_size: u16) -> Option<usize> {
    if node_size == 0 || count == 0 {
        return Some(0);
    }
    let node_size = u64::from(node_size.max(2));
    let (mut n, mut nodes) = (count, count);
    loop {
        n = n.div_ceil(node_size);
        nodes = nodes.checked_add(n)?;
        if n == 1 {
            break;
        }
    }
    usize::try_from(nodes.checked_mul(40)?).ok()
}

/// The features' buffers, each after its 4-byte size; as many as the header counts when
/// it counts them.
fn feature_slices<'a>(path: &Path, bytes: &'a [u8], h: &Header) -> Result<Vec<&'a [u8]>> {
    let mut out = Vec::new();
    let mut at = h.features_at;
    while at < bytes.len() {
        let place = || format!("feature {}", out.len());
        let size = u32_at(bytes, at).map_err(|_| {
            Error::data(
                path,
                place(),
                "truncated FlatGeobuf file: a feature's size is cut off",
            )
        })? as usize;
        let Some(body) = bytes.get(at + 4..).and_then(|b| b.get(..size)) else {
            return Err(Error::data(
                path,
                place(),
                format!(
                    "truncated FlatGeobuf file: the feature declares {size} bytes, {} are left",
                    bytes.len() - at - 4
                ),
            ));
        };
        out.push(body);
        at += 4 + size;
    }
    if h.count != 0 && h.count != out.len() as u64 {
        return Err(Error::data(
            path,
            "",
            format!(
                "the FlatGeobuf header counts {} features, the file holds {}: it is truncated or corrupt",
                h.count,
                out.len()
            ),
        ));
    }
    Ok(out)
}

/// One feature, and its vertex count.
fn feature(
    path: &Path,
    buf: &[u8],
    index: usize,
    h: &Header,
    planar: bool,
) -> Result<(Feature, u64)> {
    let place = format!("feature {index}");
    let bad = |m: String| {
        Error::data(
            path,
            place.as_str(),
            format!("corrupt FlatGeobuf feature: {m}"),
        )
    };
    let t = Table::root(buf).map_err(bad)?;
    // A feature may carry its own columns (a schemaless file).
    let own: Vec<Column> = t
        .tables(2)
        .and_then(|cs| cs.iter().map(Column::read).collect())
        .map_err(bad)?;
    let columns = if own.is_empty() { &h.columns } else { &own };
    let props = t.vector(1, 1).map_err(bad)?.unwrap_or_default();
    let properties = properties::read(props, columns).map_err(bad)?;
    let id = properties
        .iter()
        .find(|(k, _)| k == "id")
        .and_then(|(_, v)| match v {
            super::Value::Number(t) | super::Value::Text(t) => Some(t.clone()),
            _ => None,
        });
    let id_text = id.unwrap_or_else(|| index.to_string());
    let place = format!("feature {index} (id {id_text:?})");
    let v = Validator {
        path,
        place: &place,
        planar,
    };
    let geometry = match t.table(0).map_err(bad)? {
        None => None,
        Some(g) => geometry::read(g, h.kind, &v)?,
    };
    use geo::CoordsIter;
    let n = geometry.as_ref().map_or(0, |g| g.coords_count() as u64);
    Ok((
        Feature {
            id: id_text,
            properties: super::Properties::from_values(properties),
            geometry,
        },
        n,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_size_matches_the_packed_r_tree() {
        // 1 item: a leaf and the root; 17 items of 16 per node: 17 + 2 + 1.
        assert_eq!(index_bytes(1, 16), Some(2 * 40));
        assert_eq!(index_bytes(17, 16), Some(20 * 40));
        assert_eq!(index_bytes(5, 0), Some(0));
        assert_eq!(index_bytes(u64::MAX, 16), None);
    }

    #[test]
    fn sniffs_the_signature() {
        let p = Path::new("x");
        assert!(FlatGeobuf.sniff(b"fgb\x03fgb\x01....", p));
        assert!(FlatGeobuf.sniff(b"fgb\x03fgb\x00", p));
        assert!(!FlatGeobuf.sniff(b"fgb\x03fg", p));
        assert!(!FlatGeobuf.sniff(b"{\"type\": 1}", p));
    }
}
