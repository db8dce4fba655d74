//! The `.shp` file: its header, where each record lies (from the `.shx` index, else by
//! walking the records), and one record's shape as `geo` geometry. Every count and offset
//! is checked against the bytes present before it is used, so a truncated or lying file
//! is an error naming the record, never a read past the end or an allocation from a count.

use super::rings;
use crate::error::{Error, Result};
use crate::sources::validate::Validator;
use geo::{Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point};
use std::path::Path;

/// Bytes in the header of a `.shp` or `.shx` file.
pub(super) const HEADER: usize = 100;

/// The file code at byte 0 of a `.shp` or `.shx` (9994, big-endian).
pub(super) const MAGIC: [u8; 4] = [0x00, 0x00, 0x27, 0x0a];

/// Whether `head` starts like a `.shp` (or `.shx`) file: the file code and version 1000.
pub(super) fn is_shp(head: &[u8]) -> bool {
    head.starts_with(&MAGIC) && head.get(28..32) == Some(&1000u32.to_le_bytes()[..])
}

/// Where one record's content (its shape) lies in the `.shp`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Record {
    pub start: usize,
    pub len: usize,
}

/// Checks a `.shp` or `.shx` header; returns the length of the file it declares, which
/// must fit in the bytes present.
pub(super) fn check_header(bytes: &[u8], path: &Path) -> Result<usize> {
    if bytes.len() < HEADER || !is_shp(bytes) {
        return Err(Error::data(
            path,
            "header",
            format!(
                "not a Shapefile: a .shp or .shx file starts with a {HEADER}-byte header holding the file code 9994 and version 1000 ({} bytes here)",
                bytes.len()
            ),
        ));
    }
    let declared = u64::from(be_u32(bytes, 24)) * 2;
    if declared > bytes.len() as u64 {
        return Err(Error::data(
            path,
            "header",
            format!(
                "the header says the file is {declared} bytes long, but it holds only {}: the file is truncated",
                bytes.len()
            ),
        ));
    }
    if declared < HEADER as u64 {
        return Err(Error::data(
            path,
            "header",
            format!(
                "the header says the file is {declared} bytes long, shorter than the header itself"
            ),
        ));
    }
    Ok(declared as usize)
}

/// The records, located through the `.shx` index: entry `i` gives record `i`'s offset,
/// and the record's own header (checked to lie within the `.shp`) gives its length.
pub(super) fn records_from_index(
    shp: &[u8],
    shp_end: usize,
    shx: &[u8],
    shx_path: &Path,
    shp_path: &Path,
) -> Result<Vec<Record>> {
    let shx_end = check_header(shx, shx_path)?;
    let entries = &shx[HEADER..shx_end];
    if !entries.len().is_multiple_of(8) {
        return Err(Error::data(
            shx_path,
            "",
            format!(
                "the index holds {} bytes of entries, not a whole number of 8-byte entries: the file is truncated or corrupt",
                entries.len()
            ),
        ));
    }
    entries
        .chunks_exact(8)
        .enumerate()
        .map(|(i, entry)| {
            let offset = u64::from(be_u32(entry, 0)) * 2;
            if offset < HEADER as u64 || offset > shp_end as u64 {
                return Err(Error::data(
                    shx_path,
                    format!("entry {i}"),
                    format!(
                        "record offset {offset} is outside {} ({shp_end} bytes, records from byte {HEADER}): the index does not match the .shp",
                        shp_path.display()
                    ),
                ));
            }
            record_at(shp, shp_end, offset as usize, i, shp_path)
        })
        .collect()
}

/// The records, found by walking the `.shp` from its header to its end (no `.shx`).
pub(super) fn records_by_walking(shp: &[u8], shp_end: usize, path: &Path) -> Result<Vec<Record>> {
    let mut records = Vec::new();
    let mut at = HEADER;
    while at < shp_end {
        let r = record_at(shp, shp_end, at, records.len(), path)?;
        at = r.start + r.len;
        records.push(r);
    }
    Ok(records)
}

/// The record whose header is at byte `at`, its content checked to end by `end`.
fn record_at(shp: &[u8], end: usize, at: usize, index: usize, path: &Path) -> Result<Record> {
    let place = || format!("record {index} (byte {at})");
    if at.saturating_add(8) > end {
        return Err(Error::data(
            path,
            place(),
            format!("the record header runs past the end of the file ({end} bytes): the file is truncated"),
        ));
    }
    let len = u64::from(be_u32(shp, at + 4)) * 2;
    let start = at + 8;
    if start as u64 + len > end as u64 {
        return Err(Error::data(
            path,
            place(),
            format!(
                "the record says its shape is {len} bytes long, which runs past the end of the file ({end} bytes): the file is truncated or the length is wrong"
            ),
        ));
    }
    Ok(Record {
        start,
        len: len as usize,
    })
}

/// The vertices a record's shape declares, known before anything is allocated for it; 0
/// for a null shape, or one whose counts do not fit its record (reading it then fails).
pub(super) fn declared_vertices(content: &[u8]) -> u64 {
    let len = content.len() as u64;
    let fits = |at: u64, n: u64| at + 16 * n <= len;
    match shape_type(content) {
        Some(1 | 11 | 21) => 1,
        Some(8 | 18 | 28) if len >= 40 => {
            let n = u64::from(le_u32(content, 36));
            if fits(40, n) {
                n
            } else {
                0
            }
        }
        Some(3 | 13 | 23 | 5 | 15 | 25) if len >= 44 => {
            let parts = u64::from(le_u32(content, 36));
            let n = u64::from(le_u32(content, 40));
            if fits(44 + 4 * parts, n) {
                n
            } else {
                0
            }
        }
        _ => 0,
    }
}

fn shape_type(content: &[u8]) -> Option<u32> {
    (content.len() >= 4).then(|| le_u32(content, 0))
}

/// One record's shape: `None` for a null shape or one with no points. Z and M values are
/// skipped (mapfig draws x and y).
pub(super) fn shape(content: &[u8], v: &Validator) -> Result<Option<Geometry<f64>>> {
    let Some(kind) = shape_type(content) else {
        return Err(v.err(
            "",
            format!(
                "the record is {} bytes long, too short to hold a shape type",
                content.len()
            ),
        ));
    };
    match kind {
        0 => Ok(None),
        1 | 11 | 21 => {
            need(content, 20, "a point", v)?;
            let c = v.position(xy(content, 4), "")?;
            Ok(Some(Geometry::Point(Point(c))))
        }
        8 | 18 | 28 => {
            need(content, 40, "a multipoint header", v)?;
            let n = le_u32(content, 36) as usize;
            need(content, 40 + 16 * n as u64, "its points", v)?;
            if n == 0 {
                return Ok(None);
            }
            let points = (0..n)
                .map(|i| v.position(xy(content, 40 + 16 * i), &format!("point {i}")).map(Point))
                .collect::<Result<Vec<_>>>()?;
            Ok(Some(Geometry::MultiPoint(MultiPoint(points))))
        }
        3 | 13 | 23 => {
            let parts = parts(content, v)?;
            let mut lines = Vec::with_capacity(parts.len());
            for (i, part) in parts.iter().enumerate() {
                let sub = format!("part {i}");
                // A one-point part (the format forbids it, files have it) draws nothing.
                if part.len() < 2 {
                    check_positions(part, &sub, v)?;
                    continue;
                }
                lines.push(v.line(part, &sub)?);
            }
            Ok(match lines.len() {
                0 => None,
                1 => lines.pop().map(Geometry::LineString),
                _ => Some(Geometry::MultiLineString(MultiLineString(lines))),
            })
        }
        5 | 15 | 25 => polygon(content, v),
        31 => Err(v.err(
            "",
            "a MultiPatch shape (3D surfaces), which mapfig does not read: convert the file to polygons first (ogr2ogr -nlt MULTIPOLYGON)",
        )),
        other => Err(v.err("", format!("unknown shape type {other}"))),
    }
}

/// A polygon record: its rings grouped into polygons, holes with the outer ring that
/// holds them.
fn polygon(content: &[u8], v: &Validator) -> Result<Option<Geometry<f64>>> {
    let parts = parts(content, v)?;
    let mut rings_read: Vec<LineString<f64>> = Vec::with_capacity(parts.len());
    for (i, mut part) in parts.into_iter().enumerate() {
        // The format requires closed rings; some writers leave the last point off.
        if let (Some(&first), Some(&last)) = (part.first(), part.last()) {
            if first != last {
                part.push(first);
            }
        }
        let sub = format!("ring {i}");
        // A ring of under 4 positions, closed, has no area and draws nothing: left out.
        if part.len() < 4 {
            check_positions(&part, &sub, v)?;
            continue;
        }
        rings_read.push(v.ring(&part, &sub)?);
    }
    if rings_read.is_empty() {
        return Ok(None);
    }
    let mut polygons = rings::assemble(rings_read).map_err(|m| v.err("", m))?;
    Ok(match polygons.len() {
        1 => polygons.pop().map(Geometry::Polygon),
        _ => Some(Geometry::MultiPolygon(MultiPolygon(polygons))),
    })
}

/// Checks the positions of a part that is left out (a bad number is still an error).
fn check_positions(part: &[[f64; 2]], sub: &str, v: &Validator) -> Result<()> {
    for p in part {
        v.position(*p, sub)?;
    }
    Ok(())
}

/// The parts of a PolyLine or Polygon record, as point lists (empty for no points).
fn parts(content: &[u8], v: &Validator) -> Result<Vec<Vec<[f64; 2]>>> {
    need(content, 44, "a shape header", v)?;
    let n_parts = le_u32(content, 36) as usize;
    let n_points = le_u32(content, 40) as usize;
    let points_at = 44 + 4 * n_parts as u64;
    need(
        content,
        points_at + 16 * n_points as u64,
        "its parts and points",
        v,
    )?;
    let points_at = points_at as usize;
    if n_parts == 0 || n_points == 0 {
        return Ok(Vec::new());
    }
    let mut out = Vec::with_capacity(n_parts);
    for i in 0..n_parts {
        let from = le_u32(content, 44 + 4 * i) as usize;
        let to = if i + 1 < n_parts {
            le_u32(content, 44 + 4 * (i + 1)) as usize
        } else {
            n_points
        };
        if from >= to || to > n_points || (i == 0 && from != 0) {
            return Err(v.err(
                &format!("part {i}"),
                format!(
                    "the part index says it spans points {from} to {to} of {n_points}: part starts must rise from 0 and stay below the number of points"
                ),
            ));
        }
        out.push(
            (from..to)
                .map(|p| xy(content, points_at + 16 * p))
                .collect(),
        );
    }
    Ok(out)
}

/// Fails unless the record holds at least `n` bytes, saying what they are for.
fn need(content: &[u8], n: u64, what: &str, v: &Validator) -> Result<()> {
    if (content.len() as u64) < n {
        return Err(v.err(
            "",
            format!(
                "the record is {} bytes long, too short for {what} ({n} bytes): the record length or a count in it is wrong",
                content.len()
            ),
        ));
    }
    Ok(())
}

/// The x, y pair at byte `at` (callers check the bounds first).
fn xy(b: &[u8], at: usize) -> [f64; 2] {
    [le_f64(b, at), le_f64(b, at + 8)]
}

fn le_f64(b: &[u8], at: usize) -> f64 {
    f64::from_le_bytes(bytes8(b, at))
}

fn bytes8(b: &[u8], at: usize) -> [u8; 8] {
    let mut out = [0; 8];
    if let Some(s) = b.get(at..at + 8) {
        out.copy_from_slice(s);
    }
    out
}

pub(super) fn le_u32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes4(b, at))
}

pub(super) fn be_u32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(bytes4(b, at))
}

fn bytes4(b: &[u8], at: usize) -> [u8; 4] {
    let mut out = [0; 4];
    if let Some(s) = b.get(at..at + 4) {
        out.copy_from_slice(s);
    }
    out
}
