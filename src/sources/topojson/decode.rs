//! Turning a topology's geometry objects into features: arcs decoded once (delta-encoding
//! undone, the transform applied), then each line and ring stitched from its arcs the way
//! topojson-client does (each arc after the first replaces the previous arc's last
//! position with its own first), checked as GeoJSON's are, and counted against the vertex
//! budget before it is built.

use super::raw::{Arcs, GeometryObject, Position, Transform};
use crate::error::{Error, Result};
use crate::sources::properties::Properties;
use crate::sources::shared_arcs::{ArcRef, ShapeArcs};
use crate::sources::validate::Validator;
use crate::sources::Feature;
use geo::{Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};
use std::path::Path;

/// Quantized positions are integers; past 2^53 an f64 no longer holds every one.
const MAX_QUANTIZED: f64 = 9_007_199_254_740_992.0;

/// GeometryCollections nested deeper than this are refused (a stack guard).
const MAX_NESTING: usize = 32;

/// The arcs in the file's coordinates: arc `a` is `points[starts[a]..starts[a + 1]]`.
#[derive(Debug)]
pub struct DecodedArcs {
    pub points: Vec<[f64; 2]>,
    pub starts: Vec<usize>,
}

impl DecodedArcs {
    pub fn count(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    fn arc(&self, a: usize) -> &[[f64; 2]] {
        match (self.starts.get(a), self.starts.get(a + 1)) {
            (Some(&s), Some(&e)) => self.points.get(s..e).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// A checked transform: `[scale x, scale y, translate x, translate y]`.
pub type Quantization = [f64; 4];

/// The transform, checked: a zero, infinite or NaN scale would put every position in one
/// place or nowhere.
pub fn quantization(t: &Transform) -> std::result::Result<Quantization, String> {
    let [sx, sy] = t.scale;
    let [tx, ty] = t.translate;
    if !(sx.is_finite() && sy.is_finite() && sx != 0.0 && sy != 0.0) {
        return Err(format!(
            "\"transform\" has scale [{sx:?}, {sy:?}]: both must be finite and not zero"
        ));
    }
    if !(tx.is_finite() && ty.is_finite()) {
        return Err(format!(
            "\"transform\" has translate [{tx:?}, {ty:?}]: both must be finite"
        ));
    }
    Ok([sx, sy, tx, ty])
}

/// Undoes the delta-encoding of quantized arcs and applies the transform, in place
/// (topojson-client's arithmetic: running integer sums, then `x * scale + translate`).
pub fn decode_arcs(raw: Arcs, q: Option<Quantization>) -> std::result::Result<DecodedArcs, String> {
    let Arcs {
        mut positions,
        starts,
    } = raw;
    if let Some([sx, sy, tx, ty]) = q {
        for (a, w) in starts.windows(2).enumerate() {
            let (mut x, mut y) = (0.0f64, 0.0f64);
            for (k, p) in positions[w[0]..w[1]].iter_mut().enumerate() {
                x += p[0];
                y += p[1];
                if !(x.abs() <= MAX_QUANTIZED && y.abs() <= MAX_QUANTIZED) {
                    return Err(format!(
                        "arc {a}, position {k}: the delta-encoded positions add up to [{x:?}, {y:?}], past any quantized position (at most 2^53)"
                    ));
                }
                *p = [x * sx + tx, y * sy + ty];
            }
        }
    }
    Ok(DecodedArcs {
        points: positions,
        starts,
    })
}

/// What features are built from, and the budget they share.
pub struct Decoder<'a> {
    pub path: &'a Path,
    pub arcs: &'a DecodedArcs,
    pub quantization: Option<Quantization>,
    pub planar: bool,
    /// Positions every feature of the file may hold together.
    pub left: u64,
    /// Positions the features built so far hold.
    pub vertices: u64,
    pub over_budget: String,
}

impl Decoder<'_> {
    /// The features of one object: a GeometryCollection's members, or the object itself.
    pub fn object(
        &mut self,
        name: &str,
        object: &GeometryObject,
        features: &mut Vec<Feature>,
        shapes: &mut Vec<ShapeArcs>,
    ) -> Result<()> {
        let whole = format!("object {name:?}");
        match kind(object, self.path, &whole)? {
            Some("GeometryCollection") => {
                let members = object.geometries.as_deref().ok_or_else(|| {
                    Error::data(
                        self.path,
                        &whole,
                        "a GeometryCollection needs a \"geometries\" array",
                    )
                })?;
                for (i, member) in members.iter().enumerate() {
                    let (f, shape) = self.feature(name, i, member)?;
                    features.push(f);
                    shapes.push(shape);
                }
            }
            _ => {
                let (f, shape) = self.feature(name, 0, object)?;
                features.push(f);
                shapes.push(shape);
            }
        }
        Ok(())
    }

    fn feature(
        &mut self,
        name: &str,
        index: usize,
        g: &GeometryObject,
    ) -> Result<(Feature, ShapeArcs)> {
        let path = self.path;
        let bare = format!("object {name:?}, feature {index}");
        let properties = match g.properties.map(|r| (r, r.get())) {
            Some((raw, t)) if t.starts_with('{') => Properties::from_json_object(raw),
            Some((_, "null")) | None => Properties::default(),
            Some(_) => {
                return Err(Error::data(
                    path,
                    bare,
                    "\"properties\" must be an object or null",
                ))
            }
        };
        let id =
            crate::sources::dataset::json_feature_id(g.id.map(|v| v.get()), &properties, index)
                .map_err(|m| Error::data(path, &bare, m))?;
        let place = format!("{bare} (id {id:?})");
        let check = Validator {
            path,
            place: &place,
            planar: self.planar,
        };
        let mut shape = ShapeArcs::new();
        let geometry = self.geometry(g, &check, &mut shape, 0)?;
        Ok((
            Feature {
                id,
                properties,
                geometry,
            },
            shape,
        ))
    }

    /// A geometry object's geometry (`None` for a null one), its polygons' arcs added to
    /// `shape`.
    fn geometry(
        &mut self,
        g: &GeometryObject,
        c: &Validator,
        shape: &mut ShapeArcs,
        depth: usize,
    ) -> Result<Option<Geometry<f64>>> {
        let Some(kind) = kind(g, c.path, c.place)? else {
            return Ok(None);
        };
        Ok(Some(match kind {
            "GeometryCollection" => {
                if depth >= MAX_NESTING {
                    return Err(c.err(
                        "",
                        format!("GeometryCollections nested deeper than {MAX_NESTING} levels"),
                    ));
                }
                let members = g.geometries.as_deref().ok_or_else(|| {
                    c.err("", "a GeometryCollection needs a \"geometries\" array")
                })?;
                let mut parts = Vec::with_capacity(members.len());
                for m in members {
                    parts.extend(self.geometry(m, c, shape, depth + 1)?);
                }
                Geometry::GeometryCollection(geo::GeometryCollection(parts))
            }
            "Point" => {
                let p: Position = self.member(g.coordinates, "coordinates", kind, c)?;
                self.count(1, c)?;
                Geometry::Point(Point(c.position(self.position(p.0), "")?))
            }
            "MultiPoint" => {
                let ps: Vec<Position> = self.member(g.coordinates, "coordinates", kind, c)?;
                self.count(ps.len(), c)?;
                let mut points = Vec::with_capacity(ps.len());
                for (i, p) in ps.iter().enumerate() {
                    points.push(Point(
                        c.position(self.position(p.0), &format!("point {i}"))?,
                    ));
                }
                Geometry::MultiPoint(MultiPoint(points))
            }
            "LineString" => {
                let refs: Vec<i64> = self.member(g.arcs, "arcs", kind, c)?;
                Geometry::LineString(self.line(&refs, c, "")?)
            }
            "MultiLineString" => {
                let lines: Vec<Vec<i64>> = self.member(g.arcs, "arcs", kind, c)?;
                let mut out = Vec::with_capacity(lines.len());
                for (i, refs) in lines.iter().enumerate() {
                    out.push(self.line(refs, c, &format!("line {i}"))?);
                }
                Geometry::MultiLineString(MultiLineString(out))
            }
            "Polygon" => {
                let rings: Vec<Vec<i64>> = self.member(g.arcs, "arcs", kind, c)?;
                match self.polygon(&rings, c, "", shape)? {
                    Some(p) => Geometry::Polygon(p),
                    // Collapsed by quantization: no area left to draw.
                    None => Geometry::MultiPolygon(MultiPolygon(Vec::new())),
                }
            }
            "MultiPolygon" => {
                let polygons: Vec<Vec<Vec<i64>>> = self.member(g.arcs, "arcs", kind, c)?;
                let mut out = Vec::with_capacity(polygons.len());
                for (i, rings) in polygons.iter().enumerate() {
                    out.extend(self.polygon(rings, c, &format!("polygon {i}"), shape)?);
                }
                Geometry::MultiPolygon(MultiPolygon(out))
            }
            other => return Err(c.err("", format!("unknown geometry type {other:?}"))),
        }))
    }

    /// A member (`arcs`, `coordinates`) read as the geometry type needs it.
    fn member<T: serde::de::DeserializeOwned>(
        &self,
        raw: Option<&serde_json::value::RawValue>,
        member: &str,
        kind: &str,
        c: &Validator,
    ) -> Result<T> {
        let raw = raw.ok_or_else(|| c.err("", format!("a {kind} needs {member:?}")))?;
        serde_json::from_str(raw.get()).map_err(|e| {
            let shape = match (member, kind) {
                ("coordinates", "Point") => "a position",
                ("coordinates", _) => "an array of positions",
                (_, "LineString") => "an array of arc indices",
                (_, "MultiPolygon") => {
                    "an array of polygons, each an array of rings, each an array of arc indices"
                }
                (_, "Polygon") => "an array of rings, each an array of arc indices",
                _ => "an array of lines, each an array of arc indices",
            };
            c.err(
                "",
                format!(
                    "a {kind}'s {member:?} must be {shape} (integers; ~i is arc i reversed): {}",
                    without_place(&e)
                ),
            )
        })
    }

    /// A Point's or MultiPoint's position, dequantized (not delta-encoded).
    fn position(&self, p: [f64; 2]) -> [f64; 2] {
        match self.quantization {
            Some([sx, sy, tx, ty]) => [p[0] * sx + tx, p[1] * sy + ty],
            None => p,
        }
    }

    /// Counts `n` more positions against the budget.
    fn count(&mut self, n: usize, c: &Validator) -> Result<()> {
        self.vertices = self.vertices.saturating_add(n as u64);
        if self.vertices > self.left {
            return Err(c.err("", self.over_budget.clone()));
        }
        Ok(())
    }

    /// The arcs a geometry names, each checked to exist.
    fn refs(&self, refs: &[i64], c: &Validator, sub: &str) -> Result<Vec<ArcRef>> {
        refs.iter()
            .map(|&i| {
                let (arc, reversed) = if i < 0 { (!i, true) } else { (i, false) };
                match u32::try_from(arc) {
                    Ok(a) if (a as usize) < self.arcs.count() => Ok(ArcRef { arc: a, reversed }),
                    _ => Err(c.err(
                        sub,
                        format!(
                            "arc index {i} out of range (the file has {} arcs)",
                            thousands(self.arcs.count())
                        ),
                    )),
                }
            })
            .collect()
    }

    /// The positions of arcs stitched end to end, counted against the budget first.
    fn stitch(&mut self, refs: &[ArcRef], c: &Validator, sub: &str) -> Result<Vec<[f64; 2]>> {
        let n: usize = refs
            .iter()
            .enumerate()
            .map(|(k, r)| self.arcs.arc(r.arc as usize).len() - usize::from(k > 0))
            .sum();
        self.vertices = self.vertices.saturating_add(n as u64);
        if self.vertices > self.left {
            return Err(c.err(sub, self.over_budget.clone()));
        }
        let mut points = Vec::with_capacity(n);
        for r in refs {
            let arc = self.arcs.arc(r.arc as usize);
            points.pop();
            if r.reversed {
                points.extend(arc.iter().rev());
            } else {
                points.extend_from_slice(arc);
            }
        }
        Ok(points)
    }

    fn line(&mut self, refs: &[i64], c: &Validator, sub: &str) -> Result<LineString<f64>> {
        let refs = self.refs(refs, c, sub)?;
        let points = self.stitch(&refs, c, sub)?;
        c.line(&points, sub)
    }

    /// Closes a ring that quantization left open by one step of its grid (us-atlas's
    /// counties-10m.json has one: Illinois in its `states`), by repeating its first
    /// position, as every renderer closes a path. A wider gap is left for the ring check
    /// to refuse.
    fn close_quantization_gap(&mut self, points: &mut Vec<[f64; 2]>) {
        let (Some([sx, sy, _, _]), Some(&first), Some(&last)) =
            (self.quantization, points.first(), points.last())
        else {
            return;
        };
        let step = |d: f64, s: f64| d.abs() <= 1.5 * s.abs();
        if first != last && step(last[0] - first[0], sx) && step(last[1] - first[1], sy) {
            points.push(first);
            self.vertices = self.vertices.saturating_add(1);
        }
    }

    /// A polygon from its rings, or `None` when quantization collapsed its exterior.
    ///
    /// A ring that decodes to fewer than 4 positions yet is closed holds at most two
    /// distinct points: quantization collapsed it to a point or a back-and-forth line
    /// (us-atlas and world-atlas have dozens). It encloses nothing, so it is left out, and
    /// with its exterior the polygon (topojson-client pads such rings to 4 positions,
    /// which draw nothing either). Any other ring is checked as GeoJSON's are.
    fn polygon(
        &mut self,
        rings: &[Vec<i64>],
        c: &Validator,
        sub: &str,
        shape: &mut ShapeArcs,
    ) -> Result<Option<Polygon<f64>>> {
        if rings.is_empty() {
            return Err(c.err(sub, "polygon has no rings"));
        }
        let mut arcs = Vec::with_capacity(rings.len());
        let mut out = Vec::with_capacity(rings.len());
        for (i, ring) in rings.iter().enumerate() {
            let s = if sub.is_empty() {
                format!("ring {i}")
            } else {
                format!("{sub}, ring {i}")
            };
            let refs = self.refs(ring, c, &s)?;
            let mut points = self.stitch(&refs, c, &s)?;
            self.close_quantization_gap(&mut points);
            if collapsed(&points) {
                // Its positions are still checked: a collapsed ring is no excuse for bad ones.
                for p in &points {
                    c.position(*p, &s)?;
                }
                if i == 0 {
                    return Ok(None);
                }
                continue;
            }
            out.push(c.ring(&points, &s)?);
            arcs.push(refs);
        }
        shape.push(arcs);
        let exterior = out.remove(0);
        Ok(Some(Polygon::new(exterior, out)))
    }
}

/// A closed ring of fewer than 4 positions: at most two distinct points, no area.
fn collapsed(points: &[[f64; 2]]) -> bool {
    (2..4).contains(&points.len()) && points.first() == points.last()
}

/// A geometry object's type: `None` for a null geometry.
fn kind<'g>(g: &'g GeometryObject, path: &Path, place: &str) -> Result<Option<&'g str>> {
    match &g.kind {
        None => Err(Error::data(
            path,
            place,
            "a geometry object needs a \"type\" (null for a feature without geometry)",
        )),
        Some(k) => Ok(k.as_deref()),
    }
}

/// A serde message without its " at line 1 column 9" (a place in a slice, not the file).
pub fn without_place(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rsplit_once(" at line ") {
        Some((message, _)) => message.to_string(),
        None => text,
    }
}

/// `9000` as `9,000`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delta_encoded_arcs_are_summed_then_transformed() {
        let raw = Arcs {
            positions: vec![[10.0, 20.0], [1.0, -2.0], [3.0, 4.0], [5.0, 5.0]],
            starts: vec![0, 3, 4],
        };
        let arcs = decode_arcs(raw, Some([0.5, 2.0, 100.0, -1.0])).unwrap();
        assert_eq!(
            arcs.points,
            vec![[105.0, 39.0], [105.5, 35.0], [107.0, 43.0], [102.5, 9.0]]
        );
        let huge = Arcs {
            positions: vec![[9e15, 0.0], [9e15, 0.0]],
            starts: vec![0, 2],
        };
        assert!(decode_arcs(huge, Some([1.0, 1.0, 0.0, 0.0]))
            .unwrap_err()
            .contains("2^53"));
    }

    #[test]
    fn numbers_are_written_with_thousands_separators() {
        assert_eq!(thousands(9000), "9,000");
        assert_eq!(thousands(123), "123");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
