//! A FlatGeobuf feature's geometry: flat `xy` coordinates cut into lines and rings by
//! `ends`, multi-polygons and collections as `parts`. Z, M, T and TM are not read.

use super::buffer::{Fb, Table};
use crate::error::{Error, Result};
use crate::sources::validate::Validator;
use geo::{Geometry, GeometryCollection, MultiLineString, MultiPoint, MultiPolygon, Point};

/// FlatGeobuf's geometry type codes (the `GeometryType` enum of its schema).
pub const TYPE_NAMES: [&str; 18] = [
    "Unknown",
    "Point",
    "LineString",
    "Polygon",
    "MultiPoint",
    "MultiLineString",
    "MultiPolygon",
    "GeometryCollection",
    "CircularString",
    "CompoundCurve",
    "CurvePolygon",
    "MultiCurve",
    "MultiSurface",
    "Curve",
    "Surface",
    "PolyhedralSurface",
    "TIN",
    "Triangle",
];

/// How deeply collections may nest.
const MAX_DEPTH: usize = 32;

/// The geometry table's fields.
const ENDS: usize = 0;
const XY: usize = 1;
const TYPE: usize = 6;
const PARTS: usize = 7;

/// Reads a feature's geometry table; `kind` is the header's geometry type (0: each
/// geometry says its own). `None` for a geometry without positions.
pub fn read(table: Table, kind: u8, v: &Validator) -> Result<Option<Geometry<f64>>> {
    // Positions and parts may not add up to more than the buffer holds: offsets that share
    // or loop back on data (which no writer makes) cannot multiply the work.
    let mut room = table.buffer_len();
    Reading { v, room: &mut room }.geometry(table, kind, 0)
}

struct Reading<'r, 'v> {
    v: &'r Validator<'v>,
    room: &'r mut usize,
}

impl Reading<'_, '_> {
    fn bad(&self, message: String) -> Error {
        self.v
            .err("", format!("corrupt FlatGeobuf geometry: {message}"))
    }

    fn fb<T>(&self, r: Fb<T>) -> Result<T> {
        r.map_err(|m| self.bad(m))
    }

    fn spend(&mut self, bytes: usize) -> Result<()> {
        match self.room.checked_sub(bytes) {
            Some(left) => {
                *self.room = left;
                Ok(())
            }
            None => Err(self.bad("parts overlap (shared or looping offsets)".into())),
        }
    }

    fn positions(&mut self, t: Table) -> Result<Vec<[f64; 2]>> {
        let xy = self.fb(t.vector(XY, 8))?.unwrap_or_default();
        if !xy.len().is_multiple_of(16) {
            return Err(self.bad(format!("an odd number ({}) of xy values", xy.len() / 8)));
        }
        self.spend(xy.len())?;
        let f = |b: &[u8]| f64::from_le_bytes(b.try_into().unwrap_or([0; 8]));
        Ok(xy
            .chunks_exact(16)
            .map(|p| [f(&p[..8]), f(&p[8..])])
            .collect())
    }

    /// The positions cut at `ends` (one piece when there are none).
    fn pieces<'p>(&self, t: Table, ps: &'p [[f64; 2]]) -> Result<Vec<&'p [[f64; 2]]>> {
        let Some(ends) = self.fb(t.vector(ENDS, 4))? else {
            return Ok(vec![ps]);
        };
        let mut out = Vec::with_capacity(ends.len() / 4);
        let mut start = 0;
        for e in ends.chunks_exact(4) {
            let end = u32::from_le_bytes([e[0], e[1], e[2], e[3]]) as usize;
            match ps.get(start..end) {
                Some(piece) => out.push(piece),
                None => {
                    return Err(self.bad(format!(
                        "ends run {start}..{end} is outside its {} positions",
                        ps.len()
                    )))
                }
            }
            start = end;
        }
        if start != ps.len() {
            return Err(self.bad(format!("ends stop at {start} of {} positions", ps.len())));
        }
        Ok(out)
    }

    fn geometry(&mut self, t: Table, kind: u8, depth: usize) -> Result<Option<Geometry<f64>>> {
        if depth > MAX_DEPTH {
            return Err(self.bad(format!("parts nested deeper than {MAX_DEPTH} levels")));
        }
        self.spend(4)?;
        let own = self.fb(t.u8(TYPE, 0))?;
        let kind = if kind == 0 { own } else { kind };
        let v = self.v;
        let sub = |i: usize, what: &str| format!("{what} {i}");
        Ok(match kind {
            1 => self
                .positions(t)?
                .first()
                .map(|p| v.position(*p, "").map(|c| Point(c).into()))
                .transpose()?,
            2 => {
                let ps = self.positions(t)?;
                (!ps.is_empty())
                    .then(|| v.line(&ps, "").map(Geometry::LineString))
                    .transpose()?
            }
            3 => {
                let ps = self.positions(t)?;
                let rings = self.pieces(t, &ps)?;
                (!ps.is_empty())
                    .then(|| v.polygon(&rings, "").map(Geometry::Polygon))
                    .transpose()?
            }
            4 => {
                let ps = self.positions(t)?;
                let points = ps
                    .iter()
                    .map(|p| v.position(*p, "").map(Point))
                    .collect::<Result<Vec<_>>>()?;
                (!points.is_empty()).then(|| MultiPoint(points).into())
            }
            5 => {
                let ps = self.positions(t)?;
                let lines = self
                    .pieces(t, &ps)?
                    .iter()
                    .enumerate()
                    .map(|(i, l)| v.line(l, &sub(i, "line")))
                    .collect::<Result<Vec<_>>>()?;
                (!ps.is_empty()).then(|| MultiLineString(lines).into())
            }
            6 => {
                let mut polygons = Vec::new();
                for (i, part) in self.fb(t.tables(PARTS))?.into_iter().enumerate() {
                    match self.geometry(part, 3, depth + 1)? {
                        Some(Geometry::Polygon(p)) => polygons.push(p),
                        Some(_) => {
                            return Err(self.bad(format!("part {i} is not a polygon")));
                        }
                        None => {}
                    }
                }
                (!polygons.is_empty()).then(|| MultiPolygon(polygons).into())
            }
            7 => {
                let mut parts = Vec::new();
                for part in self.fb(t.tables(PARTS))? {
                    let own = self.fb(part.u8(TYPE, 0))?;
                    if own == 0 {
                        return Err(self.bad("a collection's part has no geometry type".into()));
                    }
                    parts.extend(self.geometry(part, own, depth + 1)?);
                }
                (!parts.is_empty())
                    .then_some(Geometry::GeometryCollection(GeometryCollection(parts)))
            }
            k => {
                let name = TYPE_NAMES.get(k as usize).copied().unwrap_or("unknown");
                return Err(self.v.err(
                    "",
                    format!(
                        "FlatGeobuf geometry type {k} ({name}) is not read: mapfig reads points, lines, polygons, their multi forms and collections (convert curves with `ogr2ogr -nlt CONVERT_TO_LINEAR`)"
                    ),
                ));
            }
        })
    }
}
