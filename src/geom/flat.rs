//! A feature's geometry as plain point lists grouped by kind, the form every stage after
//! reading works on, and the cleanup of point lists before they are written.

use super::{Bounds, Line, Pt, Ring};
use geo::Geometry;

/// A feature's geometry flattened by kind (a GeometryCollection may hold all three).
#[derive(Debug, Clone, Default)]
pub struct Flat {
    /// Polygons, each as exterior ring then holes.
    pub polygons: Vec<Vec<Ring>>,
    pub lines: Vec<Line>,
    pub points: Vec<Pt>,
}

impl Flat {
    pub fn is_empty(&self) -> bool {
        self.polygons.is_empty() && self.lines.is_empty() && self.points.is_empty()
    }

    /// Bounding box `[minx, miny, maxx, maxy]`, or `None` when empty.
    pub fn bounds(&self) -> Option<[f64; 4]> {
        let mut b = Bounds::default();
        for p in &self.polygons {
            if let Some(ext) = p.first() {
                b.add_all(ext);
            }
        }
        for l in &self.lines {
            b.add_all(l);
        }
        b.add_all(&self.points);
        b.get()
    }

    /// Applies `f` to every point, dropping rings and lines that become too short.
    pub fn map(&self, f: impl Fn(&[Pt]) -> Vec<Pt>) -> Flat {
        Flat {
            polygons: self
                .polygons
                .iter()
                .filter_map(|poly| {
                    let rings: Vec<Ring> = poly.iter().map(|r| f(r)).collect();
                    (rings.first().is_some_and(|r| r.len() >= 4))
                        .then(|| rings.into_iter().filter(|r| r.len() >= 4).collect())
                })
                .collect(),
            lines: self
                .lines
                .iter()
                .map(|l| f(l))
                .filter(|l| l.len() >= 2)
                .collect(),
            points: f(&self.points),
        }
    }
}

/// Flattens a `geo` geometry (lon/lat) into plain point lists.
pub fn flatten(g: &Geometry<f64>, out: &mut Flat) {
    let points =
        |ls: &geo::LineString<f64>| -> Vec<Pt> { ls.0.iter().map(|c| [c.x, c.y]).collect() };
    let poly = |p: &geo::Polygon<f64>| -> Vec<Ring> {
        std::iter::once(points(p.exterior()))
            .chain(p.interiors().iter().map(points))
            .collect()
    };
    match g {
        Geometry::Point(p) => out.points.push([p.x(), p.y()]),
        Geometry::MultiPoint(mp) => out.points.extend(mp.0.iter().map(|p| [p.x(), p.y()])),
        Geometry::Line(l) => out
            .lines
            .push(vec![[l.start.x, l.start.y], [l.end.x, l.end.y]]),
        Geometry::LineString(l) => out.lines.push(points(l)),
        Geometry::MultiLineString(ml) => out.lines.extend(ml.0.iter().map(points)),
        Geometry::Polygon(p) => out.polygons.push(poly(p)),
        Geometry::MultiPolygon(mp) => out.polygons.extend(mp.0.iter().map(poly)),
        Geometry::Rect(r) => out.polygons.push(poly(&r.to_polygon())),
        Geometry::Triangle(t) => out.polygons.push(poly(&t.to_polygon())),
        Geometry::GeometryCollection(gc) => {
            for g in &gc.0 {
                flatten(g, out);
            }
        }
    }
}

/// Drops points closer than half the output precision to the previous kept point.
pub fn dedupe(pts: Vec<Pt>, closed: bool) -> Vec<Pt> {
    let mut out: Vec<Pt> = Vec::with_capacity(pts.len());
    for p in pts {
        if let Some(last) = out.last() {
            if (p[0] - last[0]).abs() < 0.005 && (p[1] - last[1]).abs() < 0.005 {
                continue;
            }
        }
        out.push(p);
    }
    if closed {
        if let (Some(f), Some(l)) = (out.first().copied(), out.last().copied()) {
            if f != l {
                out.push(f);
            }
        }
    }
    out
}
