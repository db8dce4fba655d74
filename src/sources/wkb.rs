//! Well-known binary (WKB) geometry, as GeoPackage (and PostGIS, Spatialite, GeoParquet)
//! store it: OGC/ISO WKB with Z, M and ZM type codes (1000, 2000, 3000 added), and
//! PostGIS's EWKB flags (Z, M, SRID in the high bits), in either byte order. Z and M are
//! read past and dropped. Every count is checked against the bytes left before anything is
//! allocated, so a blob can never claim more than it holds.

use super::validate::Validator;
use crate::error::{Error, Result};
use geo::{
    Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon, Point,
};

/// How deeply collections may nest (a collection of collections …).
pub const MAX_DEPTH: usize = 32;

/// Reads one WKB geometry, the whole of `bytes`. `None` for an empty geometry (no
/// positions at all: `POINT EMPTY`, written as NaN coordinates, or no parts). Errors name
/// `v`'s file and feature and say what is wrong with the blob.
pub fn read(bytes: &[u8], v: &Validator) -> Result<Option<Geometry<f64>>> {
    let mut r = WkbReader { bytes, pos: 0, v };
    let g = r.geometry(0, None)?;
    if r.pos != bytes.len() {
        return Err(v.err(
            "",
            format!(
                "WKB geometry ends at byte {} of its {}-byte blob: the blob is corrupt",
                r.pos,
                bytes.len()
            ),
        ));
    }
    Ok(g)
}

/// The seven OGC geometry types WKB codes 1 to 7 name.
const TYPE_NAMES: [&str; 8] = [
    "Geometry",
    "Point",
    "LineString",
    "Polygon",
    "MultiPoint",
    "MultiLineString",
    "MultiPolygon",
    "GeometryCollection",
];

struct WkbReader<'a, 'v> {
    bytes: &'a [u8],
    pos: usize,
    v: &'v Validator<'v>,
}

/// A geometry's header: its byte order, type (1 to 7) and coordinate dimensions (2 to 4).
#[derive(Clone, Copy)]
struct Header {
    little: bool,
    kind: u32,
    dims: usize,
}

impl WkbReader<'_, '_> {
    fn corrupt(&self, what: impl std::fmt::Display) -> Error {
        self.v.err(
            "",
            format!("WKB geometry corrupt at byte {}: {what}", self.pos),
        )
    }

    fn take(&mut self, n: usize) -> Result<&[u8]> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        match end {
            Some(end) => {
                let s = &self.bytes[self.pos..end];
                self.pos = end;
                Ok(s)
            }
            None => Err(self.corrupt(format!(
                "needs {n} more bytes, the blob has {} left",
                self.bytes.len() - self.pos.min(self.bytes.len())
            ))),
        }
    }

    fn u32(&mut self, little: bool) -> Result<u32> {
        let b: [u8; 4] = self.take(4)?.try_into().unwrap_or([0; 4]);
        Ok(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    /// A count of items each at least `item_bytes` long, refused when the bytes left
    /// cannot hold that many.
    fn count(&mut self, little: bool, item_bytes: usize, what: &str) -> Result<usize> {
        let n = self.u32(little)? as usize;
        let left = self.bytes.len() - self.pos;
        if n.checked_mul(item_bytes).is_none_or(|need| need > left) {
            return Err(self.corrupt(format!("{n} {what} cannot fit in the {left} bytes left")));
        }
        Ok(n)
    }

    fn header(&mut self) -> Result<Header> {
        let little = match self.take(1)?[0] {
            0 => false,
            1 => true,
            b => return Err(self.corrupt(format!("byte order {b} (must be 0 or 1)"))),
        };
        let code = self.u32(little)?;
        // EWKB: flags in the high bits, an SRID after the type when flagged.
        let (mut z, mut m) = (code & 0x8000_0000 != 0, code & 0x4000_0000 != 0);
        if code & 0x2000_0000 != 0 {
            self.take(4)?;
        }
        let iso = code & 0x0FFF_FFFF;
        let (kind, dim) = (iso % 1000, iso / 1000);
        match dim {
            0 => {}
            1 => z = true,
            2 => m = true,
            3 => (z, m) = (true, true),
            _ => return Err(self.corrupt(format!("unknown geometry type code {code}"))),
        }
        if !(1..=7).contains(&kind) {
            return Err(self.corrupt(format!(
                "geometry type code {code} is not one of Point … GeometryCollection (curves, surfaces and TINs are not read)"
            )));
        }
        Ok(Header {
            little,
            kind,
            dims: 2 + usize::from(z) + usize::from(m),
        })
    }

    /// `n` positions, each `dims` doubles of which the first two are kept.
    fn positions(&mut self, h: Header, n: usize) -> Result<Vec<[f64; 2]>> {
        let raw = self.take(n * h.dims * 8)?;
        let f = |b: &[u8]| {
            let b: [u8; 8] = b.try_into().unwrap_or([0; 8]);
            if h.little {
                f64::from_le_bytes(b)
            } else {
                f64::from_be_bytes(b)
            }
        };
        Ok(raw
            .chunks_exact(h.dims * 8)
            .map(|p| [f(&p[..8]), f(&p[8..16])])
            .collect())
    }

    fn rings(&mut self, h: Header) -> Result<Vec<Vec<[f64; 2]>>> {
        let n = self.count(h.little, 4, "rings")?;
        let mut rings = Vec::with_capacity(n);
        for _ in 0..n {
            let k = self.count(h.little, h.dims * 8, "positions")?;
            rings.push(self.positions(h, k)?);
        }
        Ok(rings)
    }

    /// One geometry; `want` is the type a multi-geometry's members must have.
    fn geometry(&mut self, depth: usize, want: Option<u32>) -> Result<Option<Geometry<f64>>> {
        if depth > MAX_DEPTH {
            return Err(self.corrupt(format!("collections nested deeper than {MAX_DEPTH} levels")));
        }
        let h = self.header()?;
        if let Some(w) = want.filter(|&w| w != h.kind) {
            return Err(self.corrupt(format!(
                "a {} member of a Multi{}",
                TYPE_NAMES[h.kind as usize], TYPE_NAMES[w as usize]
            )));
        }
        let v = self.v;
        let sub = |i: usize| format!("part {i}");
        Ok(match h.kind {
            1 => {
                let p = self.positions(h, 1)?;
                match p.first() {
                    Some(p) if p[0].is_nan() && p[1].is_nan() => None,
                    Some(p) => Some(Point(v.position(*p, "")?).into()),
                    None => None,
                }
            }
            2 => {
                let n = self.count(h.little, h.dims * 8, "positions")?;
                let ps = self.positions(h, n)?;
                (!ps.is_empty())
                    .then(|| v.line(&ps, ""))
                    .transpose()?
                    .map(Geometry::LineString)
            }
            3 => {
                let rings = self.rings(h)?;
                let rings: Vec<&[[f64; 2]]> = rings.iter().map(Vec::as_slice).collect();
                (!rings.is_empty())
                    .then(|| v.polygon(&rings, ""))
                    .transpose()?
                    .map(Geometry::Polygon)
            }
            kind => {
                let n = self.count(h.little, 9, "members")?;
                let member = (kind != 7).then_some(kind - 3);
                let mut parts = Vec::new();
                for i in 0..n {
                    if let Some(g) = self.geometry(depth + 1, member)? {
                        parts.push((i, g));
                    }
                }
                collect(kind, parts, v, &sub)?
            }
        })
    }
}

/// A multi-geometry or collection of its non-empty members; `None` when none is left.
fn collect(
    kind: u32,
    parts: Vec<(usize, Geometry<f64>)>,
    v: &Validator,
    sub: &dyn Fn(usize) -> String,
) -> Result<Option<Geometry<f64>>> {
    if parts.is_empty() {
        return Ok(None);
    }
    let wrong = |i: usize| v.err(&sub(i), "a member of the wrong type");
    Ok(Some(match kind {
        4 => MultiPoint(
            parts
                .into_iter()
                .map(|(i, g)| Point::try_from(g).map_err(|_| wrong(i)))
                .collect::<Result<_>>()?,
        )
        .into(),
        5 => MultiLineString(
            parts
                .into_iter()
                .map(|(i, g)| LineString::try_from(g).map_err(|_| wrong(i)))
                .collect::<Result<_>>()?,
        )
        .into(),
        6 => MultiPolygon(
            parts
                .into_iter()
                .map(|(i, g)| geo::Polygon::try_from(g).map_err(|_| wrong(i)))
                .collect::<Result<_>>()?,
        )
        .into(),
        _ => Geometry::GeometryCollection(GeometryCollection(
            parts.into_iter().map(|(_, g)| g).collect(),
        )),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn v() -> Validator<'static> {
        Validator {
            path: Path::new("t.gpkg"),
            place: "feature 0",
            planar: false,
        }
    }

    fn le_point(code: u32, coords: &[f64]) -> Vec<u8> {
        let mut b = vec![1];
        b.extend(code.to_le_bytes());
        for c in coords {
            b.extend(c.to_le_bytes());
        }
        b
    }

    #[test]
    fn points_in_every_dimension_and_byte_order() {
        for (code, coords) in [
            (1, &[1.5, 2.5][..]),
            (1001, &[1.5, 2.5, 9.0]),
            (2001, &[1.5, 2.5, 7.0]),
            (3001, &[1.5, 2.5, 9.0, 7.0]),
            (0x8000_0001, &[1.5, 2.5, 9.0]),
            (0xC000_0001, &[1.5, 2.5, 9.0, 7.0]),
        ] {
            let g = read(&le_point(code, coords), &v()).unwrap();
            assert_eq!(g, Some(Point::new(1.5, 2.5).into()), "{code}");
        }
        let mut be = vec![0];
        be.extend(1u32.to_be_bytes());
        be.extend(1.5f64.to_be_bytes());
        be.extend(2.5f64.to_be_bytes());
        assert_eq!(read(&be, &v()).unwrap(), Some(Point::new(1.5, 2.5).into()));
        // EWKB with an SRID.
        let mut e = vec![1];
        e.extend(0x2000_0001u32.to_le_bytes());
        e.extend(4326u32.to_le_bytes());
        e.extend(1.5f64.to_le_bytes());
        e.extend(2.5f64.to_le_bytes());
        assert_eq!(read(&e, &v()).unwrap(), Some(Point::new(1.5, 2.5).into()));
        assert_eq!(
            read(&le_point(1, &[f64::NAN, f64::NAN]), &v()).unwrap(),
            None
        );
    }

    #[test]
    fn a_multipolygon_of_z_polygons() {
        let mut b = vec![1];
        b.extend(1006u32.to_le_bytes());
        b.extend(1u32.to_le_bytes());
        b.push(1);
        b.extend(1003u32.to_le_bytes());
        b.extend(1u32.to_le_bytes());
        b.extend(4u32.to_le_bytes());
        for [x, y] in [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]] {
            for c in [x, y, 5.0] {
                b.extend(f64::to_le_bytes(c));
            }
        }
        let g = read(&b, &v()).unwrap().unwrap();
        let ring: Vec<geo::Coord> = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]
            .map(|(x, y)| geo::Coord { x, y })
            .into();
        let expected = geo::Polygon::new(LineString(ring), vec![]);
        assert_eq!(g, MultiPolygon(vec![expected]).into());
    }

    #[test]
    fn hostile_blobs_are_refused() {
        let huge = {
            let mut b = vec![1];
            b.extend(2u32.to_le_bytes());
            b.extend(u32::MAX.to_le_bytes());
            b
        };
        let nested = {
            let mut b = Vec::new();
            for _ in 0..40 {
                b.push(1);
                b.extend(7u32.to_le_bytes());
                b.extend(1u32.to_le_bytes());
            }
            b.extend(le_point(1, &[0.0, 0.0]));
            b
        };
        let mut wrong_member = vec![1];
        wrong_member.extend(4u32.to_le_bytes());
        wrong_member.extend(1u32.to_le_bytes());
        wrong_member.extend(le_point(2, &[0.0, 0.0]));
        for (bytes, says) in [
            (&b""[..], "needs 1 more bytes"),
            (&[7u8][..], "byte order 7"),
            (&huge[..], "cannot fit"),
            (&le_point(1, &[0.0])[..], "needs 16 more bytes"),
            (&le_point(8, &[0.0, 0.0])[..], "not one of Point"),
            (&le_point(4001, &[0.0, 0.0])[..], "unknown geometry type"),
            (&nested[..], "nested deeper"),
            (&wrong_member[..], "a LineString member of a MultiPoint"),
            (&le_point(1, &[0.0, 0.0, 1.0])[..], "ends at byte 21"),
            (&le_point(1, &[200.0, 0.0])[..], "longitude"),
        ] {
            let e = read(bytes, &v()).unwrap_err().to_string();
            assert!(e.starts_with("t.gpkg: feature 0: "), "{e}");
            assert!(e.contains(says), "{says}: {e}");
        }
    }
}
