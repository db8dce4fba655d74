//! Geometry in projected metres and in pixels: projecting features once, fitting, clipping
//! to the frame, and the small planar helpers layout needs (areas, boxes, point-in-polygon).

pub mod path;
pub mod sphere;

use geo::Geometry;

pub type Pt = [f64; 2];
pub type Ring = Vec<Pt>;

/// A feature's geometry flattened by kind (a GeometryCollection may hold all three).
#[derive(Debug, Clone, Default)]
pub struct Flat {
    /// Polygons, each as exterior ring then holes.
    pub polygons: Vec<Vec<Ring>>,
    pub lines: Vec<Ring>,
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

/// Accumulates a bounding box.
#[derive(Debug, Clone, Copy)]
pub struct Bounds([f64; 4]);

impl Default for Bounds {
    fn default() -> Self {
        Bounds([
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ])
    }
}

impl Bounds {
    pub fn add(&mut self, p: Pt) {
        let b = &mut self.0;
        b[0] = b[0].min(p[0]);
        b[1] = b[1].min(p[1]);
        b[2] = b[2].max(p[0]);
        b[3] = b[3].max(p[1]);
    }

    pub fn add_all(&mut self, ps: &[Pt]) {
        for p in ps {
            self.add(*p);
        }
    }

    pub fn merge(&mut self, other: [f64; 4]) {
        self.add([other[0], other[1]]);
        self.add([other[2], other[3]]);
    }

    pub fn get(&self) -> Option<[f64; 4]> {
        (self.0[0] <= self.0[2] && self.0[1] <= self.0[3]).then_some(self.0)
    }
}

/// Flattens a `geo` geometry (lon/lat) into plain point lists.
pub fn flatten(g: &Geometry<f64>, out: &mut Flat) {
    let ring = |ls: &geo::LineString<f64>| -> Ring { ls.0.iter().map(|c| [c.x, c.y]).collect() };
    let poly = |p: &geo::Polygon<f64>| -> Vec<Ring> {
        std::iter::once(ring(p.exterior()))
            .chain(p.interiors().iter().map(ring))
            .collect()
    };
    match g {
        Geometry::Point(p) => out.points.push([p.x(), p.y()]),
        Geometry::MultiPoint(mp) => out.points.extend(mp.0.iter().map(|p| [p.x(), p.y()])),
        Geometry::Line(l) => out
            .lines
            .push(vec![[l.start.x, l.start.y], [l.end.x, l.end.y]]),
        Geometry::LineString(l) => out.lines.push(ring(l)),
        Geometry::MultiLineString(ml) => out.lines.extend(ml.0.iter().map(ring)),
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

/// Sutherland–Hodgman: the part of a ring inside `clip`. Concave rings may gain edges along
/// the clip border; they lie outside the visible frame when `clip` has a margin.
pub fn clip_ring(ring: &[Pt], clip: [f64; 4]) -> Ring {
    let mut rb = Bounds::default();
    rb.add_all(ring);
    if let Some(r) = rb.get() {
        if r[0] >= clip[0] && r[1] >= clip[1] && r[2] <= clip[2] && r[3] <= clip[3] {
            return ring.to_vec();
        }
        if r[2] < clip[0] || r[0] > clip[2] || r[3] < clip[1] || r[1] > clip[3] {
            return Vec::new();
        }
    }
    let mut pts: Vec<Pt> = ring.to_vec();
    for edge in 0..4 {
        let inside = |p: &Pt| match edge {
            0 => p[0] >= clip[0],
            1 => p[0] <= clip[2],
            2 => p[1] >= clip[1],
            _ => p[1] <= clip[3],
        };
        // The crossing lies on the edge and between a and b; rounding must not move it off
        // either, or points can land (by an ulp) outside the box.
        let between = |v: f64, a: f64, b: f64| within(v, a.min(b), a.max(b));
        let cross = |a: &Pt, b: &Pt| -> Pt {
            let t = match edge {
                0 => (clip[0] - a[0]) / (b[0] - a[0]),
                1 => (clip[2] - a[0]) / (b[0] - a[0]),
                2 => (clip[1] - a[1]) / (b[1] - a[1]),
                _ => (clip[3] - a[1]) / (b[1] - a[1]),
            };
            let x = between(a[0] + t * (b[0] - a[0]), a[0], b[0]);
            let y = between(a[1] + t * (b[1] - a[1]), a[1], b[1]);
            match edge {
                0 => [clip[0], y],
                1 => [clip[2], y],
                2 => [x, clip[1]],
                _ => [x, clip[3]],
            }
        };
        if pts.is_empty() {
            break;
        }
        let mut out = Vec::with_capacity(pts.len());
        let n = pts.len();
        for i in 0..n {
            let cur = pts[i];
            let prev = pts[(i + n - 1) % n];
            match (inside(&prev), inside(&cur)) {
                (true, true) => out.push(cur),
                (true, false) => out.push(cross(&prev, &cur)),
                (false, true) => {
                    out.push(cross(&prev, &cur));
                    out.push(cur);
                }
                (false, false) => {}
            }
        }
        pts = out;
    }
    if let (Some(f), Some(l)) = (pts.first().copied(), pts.last().copied()) {
        if f != l {
            pts.push(f);
        }
    }
    pts
}

/// Liang–Barsky per segment: the pieces of a polyline inside `clip`.
pub fn clip_line(line: &[Pt], clip: [f64; 4]) -> Vec<Ring> {
    let mut pieces: Vec<Ring> = Vec::new();
    let mut current: Ring = Vec::new();
    for w in line.windows(2) {
        match clip_segment(w[0], w[1], clip) {
            Some((a, b)) => {
                if current.last() != Some(&a) {
                    if current.len() >= 2 {
                        pieces.push(std::mem::take(&mut current));
                    }
                    current.clear();
                    current.push(a);
                }
                current.push(b);
            }
            None => {
                if current.len() >= 2 {
                    pieces.push(std::mem::take(&mut current));
                }
                current.clear();
            }
        }
    }
    if current.len() >= 2 {
        pieces.push(current);
    }
    pieces
}

fn clip_segment(a: Pt, b: Pt, c: [f64; 4]) -> Option<(Pt, Pt)> {
    // Exact rejection first: with far-off points the parameters below round, and a
    // segment that misses the box could otherwise be kept.
    if a[0].max(b[0]) < c[0]
        || a[0].min(b[0]) > c[2]
        || a[1].max(b[1]) < c[1]
        || a[1].min(b[1]) > c[3]
    {
        return None;
    }
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, a[0] - c[0]),
        (dx, c[2] - a[0]),
        (-dy, a[1] - c[1]),
        (dy, c[3] - a[1]),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    let at = |t: f64| [a[0] + t * dx, a[1] + t * dy];
    // The clipped segment is inside `c`; rounding must not move its ends out.
    let inside = |p: Pt| [within(p[0], c[0], c[2]), within(p[1], c[1], c[3])];
    Some((
        inside(if t0 > 0.0 { at(t0) } else { a }),
        inside(if t1 < 1.0 { at(t1) } else { b }),
    ))
}

/// `v` limited to `lo..=hi`; unlike `f64::clamp`, never panics (on NaN or `lo > hi`).
fn within(v: f64, lo: f64, hi: f64) -> f64 {
    v.max(lo).min(hi)
}

/// Signed area (shoelace), positive for counter-clockwise in a y-up system.
pub fn ring_area(r: &[Pt]) -> f64 {
    r.windows(2)
        .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
        .sum::<f64>()
        / 2.0
}

/// Area of a polygon (exterior minus holes), unsigned.
pub fn polygon_area(poly: &[Ring]) -> f64 {
    let mut it = poly.iter();
    let ext = it.next().map_or(0.0, |r| ring_area(r).abs());
    ext - it.map(|r| ring_area(r).abs()).sum::<f64>()
}

/// Even-odd point in polygon over all rings.
pub fn contains(poly: &[Ring], p: Pt) -> bool {
    let mut inside = false;
    for r in poly {
        for w in r.windows(2) {
            let (a, b) = (w[0], w[1]);
            if (a[1] > p[1]) != (b[1] > p[1]) {
                let x = a[0] + (p[1] - a[1]) / (b[1] - a[1]) * (b[0] - a[0]);
                if p[0] < x {
                    inside = !inside;
                }
            }
        }
    }
    inside
}

/// Distance from `p` to the nearest ring edge.
pub fn edge_distance(poly: &[Ring], p: Pt) -> f64 {
    let mut best = f64::INFINITY;
    for r in poly {
        for w in r.windows(2) {
            best = best.min(segment_distance(p, w[0], w[1]));
        }
    }
    best
}

pub fn segment_distance(p: Pt, a: Pt, b: Pt) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    };
    let (x, y) = (a[0] + t * dx, a[1] + t * dy);
    ((p[0] - x).powi(2) + (p[1] - y).powi(2)).sqrt()
}

/// Samples points along the edges of a lon/lat box, for projecting its outline.
pub fn densify_bbox(b: [f64; 4], steps: usize) -> Vec<Pt> {
    let [w, s, e, n] = b;
    let mut out = Vec::with_capacity(4 * steps + 1);
    for i in 0..=steps {
        let t = i as f64 / steps as f64;
        out.push([w + t * (e - w), s]);
        out.push([w + t * (e - w), n]);
        out.push([w, s + t * (n - s)]);
        out.push([e, s + t * (n - s)]);
    }
    out
}

/// [`densify_bbox`]'s edges and a grid over the inside: in most projections the edges hold
/// the extremes, but in some (an orthographic globe asked for the whole world) the edges fall
/// behind the horizon while the inside is what shows.
pub fn densify_bbox_area(b: [f64; 4], steps: usize) -> Vec<Pt> {
    let [w, s, e, n] = b;
    let mut out = densify_bbox(b, steps);
    out.reserve((steps + 1) * (steps + 1));
    for i in 1..steps {
        let x = w + i as f64 / steps as f64 * (e - w);
        for j in 1..steps {
            out.push([x, s + j as f64 / steps as f64 * (n - s)]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SQUARE: [Pt; 5] = [
        [0.0, 0.0],
        [10.0, 0.0],
        [10.0, 10.0],
        [0.0, 10.0],
        [0.0, 0.0],
    ];

    #[test]
    fn ring_clipping_keeps_the_inside() {
        let r = clip_ring(&SQUARE, [5.0, -1.0, 20.0, 20.0]);
        assert!((ring_area(&r).abs() - 50.0).abs() < 1e-9, "{r:?}");
        assert!(clip_ring(&SQUARE, [20.0, 20.0, 30.0, 30.0]).is_empty());
    }

    #[test]
    fn line_clipping_splits_into_pieces() {
        let line = [
            [-5.0, 5.0],
            [5.0, 5.0],
            [5.0, 15.0],
            [5.0, 20.0],
            [8.0, 8.0],
        ];
        let pieces = clip_line(&line, [0.0, 0.0, 10.0, 10.0]);
        assert_eq!(pieces.len(), 2, "{pieces:?}");
        assert_eq!(pieces[0], vec![[0.0, 5.0], [5.0, 5.0], [5.0, 10.0]]);
    }

    #[test]
    fn rounding_never_puts_clipped_points_outside_the_box() {
        // Found by tests/properties.rs: interpolation landed an ulp outside, and a segment
        // from a far-off point that misses the box was kept.
        let clip = [
            393.05133951896966,
            775.0960031397367,
            394.05133951896966,
            917.1201893347466,
        ];
        let line = [
            [906.4037258201663, 431.96425658213815],
            [-119.13612458112117, 1297.777746644665],
        ];
        for p in clip_line(&line, clip).concat() {
            assert!(
                p[0] >= clip[0] && p[0] <= clip[2] && p[1] >= clip[1] && p[1] <= clip[3],
                "{p:?}"
            );
        }
        let ring = [
            [0.0, 0.0],
            [2150902.06026912, 0.0],
            [0.0, 1292.929554337424],
            [0.0, 0.0],
        ];
        let clip = [393.05133951896966, 0.0, 394.05133951896966, 1.0];
        for p in clip_ring(&ring, clip) {
            assert!(
                p[0] >= clip[0] && p[0] <= clip[2] && p[1] >= clip[1] && p[1] <= clip[3],
                "{p:?}"
            );
        }
        let far = [[0.0, -1e300], [1358.4585129360025, 0.0]];
        assert!(clip_line(&far, [0.0, 418.07, 1381.32, 419.07]).is_empty());
    }

    #[test]
    fn containment_and_distance() {
        let poly = vec![SQUARE.to_vec()];
        assert!(contains(&poly, [5.0, 5.0]));
        assert!(!contains(&poly, [15.0, 5.0]));
        assert_eq!(edge_distance(&poly, [5.0, 4.0]), 4.0);
        assert_eq!(polygon_area(&poly), 100.0);
    }
}
