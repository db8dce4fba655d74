//! Clipping lon/lat geometry to a spherical cap — the points within `radius` degrees of a
//! centre — before it is projected: the horizon of an orthographic map, the safe part of a
//! stereographic or gnomonic one, and the neighbourhood of a regional map, so that polygons
//! on the far side of the globe never reach the projection (d3-geo's clipCircle, for the
//! planar lon/lat data mapfig reads).
//!
//! The work happens in the azimuthal equidistant plane around the cap's centre, where the cap
//! is a disc whose radius is `radius` and a vertex's distance from the centre is exact.
//! Vertices that stay keep their lon/lat values bit for bit; points added along the cap's
//! edge are computed back from the plane. Input is planar lon/lat as
//! [`crate::prepare::antimeridian::cut_at`] leaves it (every ring within one 360° strip, polar rings
//! closed along the pole). The interior of a polygon lies on the same side of each ring in
//! lon/lat and in the plane, so crossings of the cap's edge pair up the same way whichever
//! hemisphere the polygon covers; a polygon that encloses the whole cap becomes the cap.

use crate::geom::sphere::Plane;
pub use crate::geom::sphere::{angular_distance, Cap};
use crate::geom::{contains, ring_area, Flat, Line, Pt, Ring};

/// New points along the cap's edge are at most this far apart, in degrees of azimuth.
const EDGE_STEP: f64 = 2.0;

/// Edges that may meet the cap's edge are split into pieces of at most this many degrees of
/// lon/lat, so that a straight lon/lat edge meets the circle where it really does...
const PIECE: f64 = 1.0;

/// ...but into no more than this many pieces, which bounds the work per input edge.
const MAX_PIECES: f64 = 64.0;

/// The part of `flat` inside `cap`. Polygons are closed along the cap's edge.
pub fn clip_to_cap(flat: &Flat, cap: Cap) -> Flat {
    let plane = Plane::new(cap);
    let mut out = Flat::default();
    for poly in &flat.polygons {
        plane.clip_polygon(poly, &mut out.polygons);
    }
    for line in &flat.lines {
        plane.clip_line(line, &mut out.lines);
    }
    out.points = flat
        .points
        .iter()
        .copied()
        .filter(|&p| plane.distance(p) <= cap.radius)
        .collect();
    out
}

/// A vertex in the plane, with the lon/lat it stands for.
#[derive(Debug, Clone, Copy, PartialEq)]
struct V {
    xy: Pt,
    ll: Pt,
    /// Part of an edge that cannot come near the cap: never a crossing.
    far: bool,
}

struct Crossing {
    angle: f64,
    /// Orders crossings at the same angle as if the circle sat a hair further out.
    tiebreak: f64,
    arc: usize,
    enters: bool,
}

impl Plane {
    /// The path `pts` in the plane. Edges that may meet the cap's edge are split into short
    /// pieces; edges wholly inside or wholly outside are kept as they are.
    fn vertices(&self, pts: &[Pt]) -> Vec<V> {
        let r = self.cap.radius;
        let mut out: Vec<V> = Vec::with_capacity(pts.len());
        let mut prev: Option<(Pt, f64)> = None;
        for &b in pts {
            let db = self.distance(b);
            if let Some((a, da)) = prev {
                let len = (b[0] - a[0]).hypot(b[1] - a[1]);
                // A point of a straight lon/lat edge is never further (in angle) from the
                // nearer end than half the edge's length in degrees.
                let inside = da.max(db) + len / 2.0 < r;
                let outside = da.min(db) - len / 2.0 > r;
                if !inside && !outside {
                    let n = (len / PIECE).ceil().clamp(1.0, MAX_PIECES) as usize;
                    for i in 1..n {
                        let t = i as f64 / n as f64;
                        let p = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
                        out.push(V {
                            xy: self.to_plane(p),
                            ll: p,
                            far: false,
                        });
                    }
                }
                if let Some(last) = out.last_mut() {
                    last.far = outside;
                }
            }
            out.push(V {
                xy: self.to_plane(b),
                ll: b,
                far: false,
            });
            prev = Some((b, db));
        }
        out
    }

    /// A cheap answer from the lon/lat box of `pts` (straight lon/lat edges stay inside it):
    /// `Some(true)` when the box is inside the cap, `Some(false)` when it misses it, `None`
    /// when the points must be looked at one by one.
    fn box_test(&self, pts: &[Pt]) -> Option<bool> {
        let mut b = crate::geom::Bounds::default();
        b.add_all(pts);
        let [w, s, e, n] = b.get()?;
        let r = self.cap.radius;
        let [lc, pc] = self.cap.centre;
        // Longitudes relative to the centre's, by whole turns nearest to the box.
        let shift = 360.0 * (((w + e) / 2.0 - lc) / 360.0).round();
        let (dw, de) = (w - lc - shift, e - lc - shift);
        if e - w <= 180.0 && dw >= -90.0 && de <= 90.0 {
            // Every meridian of the box is within 90° of the centre's: on each, and on each
            // parallel, the distance is largest at a corner.
            if [[w, s], [w, n], [e, s], [e, n]]
                .iter()
                .all(|&p| self.distance(p) < r)
            {
                return Some(true);
            }
        }
        if e - w >= 360.0 {
            return None;
        }
        // The nearest point of the box: on a side meridian, or straight south or north of
        // the centre, or a corner.
        let mut nearest = f64::INFINITY;
        for (lon, d) in [(w, dw), (e, de)] {
            for lat in [s, n] {
                nearest = nearest.min(self.distance([lon, lat]));
            }
            if d.to_radians().cos() >= 0.0 {
                let lat = pc
                    .to_radians()
                    .sin()
                    .atan2(pc.to_radians().cos() * d.to_radians().cos())
                    .to_degrees()
                    .clamp(s, n);
                nearest = nearest.min(self.distance([lon, lat]));
            }
        }
        if dw <= 0.0 && de >= 0.0 {
            nearest = nearest.min(self.distance([lc + shift, pc.clamp(s, n)]));
        }
        (nearest > r).then_some(false)
    }

    fn inside(&self, v: &V) -> bool {
        v.xy[0].hypot(v.xy[1]) <= self.cap.radius
    }

    /// Where the piece `a`→`b` (one end inside, one outside) meets the circle.
    fn meet(&self, a: &V, b: &V) -> V {
        let r = self.cap.radius;
        let (d0, d1) = (b.xy[0] - a.xy[0], b.xy[1] - a.xy[1]);
        let qa = d0 * d0 + d1 * d1;
        let qb = 2.0 * (a.xy[0] * d0 + a.xy[1] * d1);
        let qc = a.xy[0] * a.xy[0] + a.xy[1] * a.xy[1] - r * r;
        let disc = (qb * qb - 4.0 * qa * qc).max(0.0).sqrt();
        let t = if qa == 0.0 {
            0.0
        } else if self.inside(a) {
            (-qb + disc) / (2.0 * qa)
        } else {
            (-qb - disc) / (2.0 * qa)
        };
        let t = t.clamp(0.0, 1.0);
        let p = [a.xy[0] + t * d0, a.xy[1] + t * d1];
        let rho = p[0].hypot(p[1]);
        let xy = if rho > 0.0 {
            [p[0] * r / rho, p[1] * r / rho]
        } else {
            [r, 0.0]
        };
        V {
            xy,
            ll: self.to_lon_lat(xy, a.ll[0]),
            far: false,
        }
    }

    fn circle_point(&self, angle: f64, near: f64) -> V {
        let r = self.cap.radius;
        let xy = [r * angle.cos(), r * angle.sin()];
        V {
            xy,
            ll: self.to_lon_lat(xy, near),
            far: false,
        }
    }

    /// Appends the circle from angle `from` counter-clockwise to `to` (exclusive of both).
    fn arc(&self, from: f64, to: f64, ring: &mut Vec<V>) {
        self.arc_span(from, (to - from).rem_euclid(std::f64::consts::TAU), ring);
    }

    /// Appends the circle from angle `from` counter-clockwise through `span` radians
    /// (exclusive of both ends).
    fn arc_span(&self, from: f64, span: f64, ring: &mut Vec<V>) {
        let n = (span.to_degrees() / EDGE_STEP).ceil().max(1.0) as usize;
        for i in 1..n {
            let near = ring.last().map_or(f64::NAN, |v| v.ll[0]);
            let a = from + span * i as f64 / n as f64;
            ring.push(self.circle_point(a, near));
        }
    }

    fn clip_polygon(&self, poly: &[Ring], out: &mut Vec<Vec<Ring>>) {
        let r = self.cap.radius;
        let Some(exterior) = poly.first().filter(|e| e.len() >= 4) else {
            return;
        };
        match self.box_test(exterior) {
            Some(true) => return out.push(poly.to_vec()),
            Some(false) => return,
            None => {}
        }
        // Quick answers: wholly inside (kept as it is) or wholly outside and not around the
        // cap (dropped).
        let reach = |ring: &Ring| {
            let mut lo = f64::INFINITY;
            let mut hi: f64 = 0.0;
            let mut prev: Option<(Pt, f64)> = None;
            for &b in ring {
                let db = self.distance(b);
                if let Some((a, da)) = prev {
                    let half = (b[0] - a[0]).hypot(b[1] - a[1]) / 2.0;
                    lo = lo.min(da.min(db) - half);
                    hi = hi.max(da.max(db) + half);
                }
                prev = Some((b, db));
            }
            (lo, hi)
        };
        let reaches: Vec<(f64, f64)> = poly.iter().map(reach).collect();
        if reaches.iter().all(|&(_, hi)| hi < r) {
            out.push(poly.to_vec());
            return;
        }
        let test = self.circle_point(0.0, exterior[0][0]).ll;
        if reaches.iter().all(|&(lo, _)| lo > r) {
            if self.polygon_contains(poly, test) {
                out.push(vec![self.full_circle(exterior[0][0])]);
            }
            return;
        }

        // Interior on the left of every ring, in lon/lat and so also in the plane.
        let mut whole: Vec<Vec<V>> = Vec::new();
        let mut arcs: Vec<Vec<V>> = Vec::new();
        let mut crossings: Vec<Crossing> = Vec::new();
        for (i, ring) in poly.iter().enumerate() {
            if ring.len() < 4 {
                continue;
            }
            let (lo, hi) = reaches[i];
            if lo > r {
                continue;
            }
            let mut vs = self.vertices(ring);
            let ccw = ring_area(ring) > 0.0;
            if (i == 0) != ccw {
                vs.reverse();
                // `far` marks the piece that starts at a vertex; reversed, it ends there.
                let n = vs.len();
                let fars: Vec<bool> = vs.iter().map(|v| v.far).collect();
                for k in 0..n {
                    vs[k].far = k + 1 < n && fars[k + 1];
                }
            }
            // `hi` is an upper bound (half an edge's length past its far end): a ring may
            // come near the circle and still never leave the cap.
            if hi < r || vs.iter().all(|v| self.inside(v)) {
                whole.push(vs);
                continue;
            }
            self.split_ring(&vs, &mut arcs, &mut crossings);
        }
        if crossings.is_empty() {
            if self.polygon_contains(poly, test) {
                whole.push(self.full_circle_v(exterior[0][0]));
            }
        } else {
            self.join(arcs, crossings, &mut whole);
        }
        out.extend(assemble(whole));
    }

    /// Even–odd containment in lon/lat, with `p` moved by whole turns next to the polygon.
    fn polygon_contains(&self, poly: &[Ring], p: Pt) -> bool {
        let Some(ext) = poly.first() else {
            return false;
        };
        let (lo, hi) = ext
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), q| {
                (lo.min(q[0]), hi.max(q[0]))
            });
        if !lo.is_finite() || !hi.is_finite() {
            return false;
        }
        let mid = (lo + hi) / 2.0;
        let p = [p[0] + 360.0 * ((mid - p[0]) / 360.0).round(), p[1]];
        contains(poly, p)
    }

    fn full_circle_v(&self, near: f64) -> Vec<V> {
        let mut ring = vec![self.circle_point(0.0, near)];
        self.arc_span(0.0, std::f64::consts::TAU, &mut ring);
        let first = ring[0];
        ring.push(first);
        ring
    }

    fn full_circle(&self, near: f64) -> Ring {
        self.full_circle_v(near).into_iter().map(|v| v.ll).collect()
    }

    /// Splits a closed ring into its arcs inside the cap, recording where each enters and
    /// leaves. A ring none of whose vertices (edges split near the circle) leaves the cap is
    /// one arc-less whole and must not be passed here: it would give no arc at all.
    fn split_ring(&self, vs: &[V], arcs: &mut Vec<Vec<V>>, crossings: &mut Vec<Crossing>) {
        let n = vs.len().saturating_sub(1);
        if n < 3 {
            return;
        }
        let Some(start) = (0..n).find(|&i| !self.inside(&vs[i])) else {
            return;
        };
        let angle = |v: &V| v.xy[1].atan2(v.xy[0]);
        let mut current: Vec<V> = Vec::new();
        let mut open = false;
        for k in 0..n {
            let (a, b) = (&vs[(start + k) % n], &vs[(start + k + 1) % n]);
            if a.far {
                continue;
            }
            match (self.inside(a), self.inside(b)) {
                (false, true) => {
                    let x = self.meet(a, b);
                    let along = angle(&x);
                    crossings.push(Crossing {
                        angle: along,
                        tiebreak: wrap_pi(angle(a) - along),
                        arc: arcs.len(),
                        enters: true,
                    });
                    current = vec![x];
                    if b.xy != x.xy {
                        current.push(*b);
                    }
                    open = true;
                }
                (true, true) => {
                    if open {
                        current.push(*b);
                    }
                }
                (true, false) => {
                    if !open {
                        continue;
                    }
                    let x = self.meet(a, b);
                    let along = angle(&x);
                    if current.last().map(|v| v.xy) != Some(x.xy) {
                        current.push(x);
                    }
                    crossings.push(Crossing {
                        angle: along,
                        tiebreak: wrap_pi(angle(b) - along),
                        arc: arcs.len(),
                        enters: false,
                    });
                    arcs.push(std::mem::take(&mut current));
                    open = false;
                }
                (false, false) => {}
            }
        }
    }

    /// Joins arcs along the circle: from where one leaves the cap, counter-clockwise (the
    /// polygon's interior is on the left) to where the next one enters.
    fn join(&self, arcs: Vec<Vec<V>>, mut crossings: Vec<Crossing>, rings: &mut Vec<Vec<V>>) {
        crossings.sort_by(|a, b| {
            a.angle
                .total_cmp(&b.angle)
                .then(a.tiebreak.total_cmp(&b.tiebreak))
        });
        let m = crossings.len();
        if m == 0 {
            return;
        }
        let mut exit_at = vec![usize::MAX; arcs.len()];
        let mut entry_of = vec![usize::MAX; arcs.len()];
        for (i, c) in crossings.iter().enumerate() {
            if let Some(slot) = if c.enters {
                entry_of.get_mut(c.arc)
            } else {
                exit_at.get_mut(c.arc)
            } {
                *slot = i;
            }
        }
        let mut used = vec![false; arcs.len()];
        for first in 0..arcs.len() {
            if used[first] || exit_at[first] == usize::MAX || entry_of[first] == usize::MAX {
                continue;
            }
            let mut ring: Vec<V> = Vec::new();
            let mut arc = first;
            loop {
                used[arc] = true;
                ring.extend_from_slice(&arcs[arc]);
                let k = exit_at[arc];
                let Some(next_c) = crossings.get((k + 1) % m) else {
                    break;
                };
                if !next_c.enters {
                    break; // inconsistent rings (self-intersecting data): close what we have
                }
                self.arc(crossings[k].angle, next_c.angle, &mut ring);
                let next = next_c.arc;
                if next == first || used[next] {
                    break;
                }
                arc = next;
            }
            if let Some(&f) = ring.first() {
                if ring.last().map(|v| v.xy) != Some(f.xy) {
                    ring.push(f);
                }
            }
            rings.push(ring);
        }
    }

    fn clip_line(&self, line: &[Pt], out: &mut Vec<Line>) {
        if line.len() < 2 {
            return;
        }
        match self.box_test(line) {
            Some(true) => return out.push(line.to_vec()),
            Some(false) => return,
            None => {}
        }
        let vs = self.vertices(line);
        let mut current: Line = Vec::new();
        if let Some(v) = vs.first() {
            if self.inside(v) {
                current.push(v.ll);
            }
        }
        for w in vs.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            if a.far {
                if current.len() >= 2 {
                    out.push(std::mem::take(&mut current));
                }
                current.clear();
                continue;
            }
            match (self.inside(a), self.inside(b)) {
                (true, true) => current.push(b.ll),
                (true, false) => {
                    current.push(self.meet(a, b).ll);
                    if current.len() >= 2 {
                        out.push(std::mem::take(&mut current));
                    }
                    current.clear();
                }
                (false, true) => {
                    current = vec![self.meet(a, b).ll, b.ll];
                }
                (false, false) => {}
            }
        }
        if current.len() >= 2 {
            out.push(current);
        }
    }
}

fn wrap_pi(a: f64) -> f64 {
    let t = std::f64::consts::TAU;
    (a + std::f64::consts::PI).rem_euclid(t) - std::f64::consts::PI
}

/// Groups clipped rings (in the plane) into polygons: counter-clockwise rings are exteriors,
/// clockwise ones holes of the exterior that contains them; rings without area are dropped.
fn assemble(rings: Vec<Vec<V>>) -> Vec<Vec<Ring>> {
    let mut exteriors: Vec<(Ring, Ring)> = Vec::new();
    let mut holes: Vec<(Ring, Ring)> = Vec::new();
    for r in rings.into_iter().filter(|r| r.len() >= 4) {
        let xy: Ring = r.iter().map(|v| v.xy).collect();
        let ll: Ring = r.iter().map(|v| v.ll).collect();
        let a = ring_area(&xy);
        if a > 1e-12 {
            exteriors.push((xy, ll));
        } else if a < -1e-12 {
            holes.push((xy, ll));
        }
    }
    let mut polys: Vec<Vec<Ring>> = exteriors.iter().map(|(_, ll)| vec![ll.clone()]).collect();
    let boxes: Vec<Option<[f64; 4]>> = exteriors
        .iter()
        .map(|(e, _)| {
            let mut b = crate::geom::Bounds::default();
            b.add_all(e);
            b.get()
        })
        .collect();
    for (xy, ll) in holes {
        let owner = if polys.len() == 1 {
            Some(0)
        } else {
            // The box first: most exteriors are far from most holes.
            let inside_box = |b: &Option<[f64; 4]>, p: Pt| {
                b.is_some_and(|b| p[0] >= b[0] && p[0] <= b[2] && p[1] >= b[1] && p[1] <= b[3])
            };
            exteriors.iter().zip(&boxes).position(|((e, _), b)| {
                xy.iter()
                    .any(|&p| inside_box(b, p) && contains(std::slice::from_ref(e), p))
            })
        };
        // A hole outside every part would fill, not cut, under even–odd: drop it.
        if let Some(p) = owner.and_then(|i| polys.get_mut(i)) {
            p.push(ll);
        }
    }
    polys
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::polygon_area;

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Ring {
        vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    }

    fn polys(p: Vec<Vec<Ring>>) -> Flat {
        Flat {
            polygons: p,
            ..Flat::default()
        }
    }

    #[test]
    fn inside_is_kept_bit_for_bit_and_far_is_dropped() {
        let cap = Cap {
            centre: [45.0, 41.0],
            radius: 20.0,
        };
        let near = rect(40.0, 40.0, 42.0, 42.0);
        let far = rect(-180.0, -90.0, 180.0, -60.0);
        let out = clip_to_cap(&polys(vec![vec![near.clone()], vec![far]]), cap);
        assert_eq!(out.polygons, vec![vec![near]]);
    }

    #[test]
    fn polygon_around_the_cap_becomes_the_cap() {
        let cap = Cap {
            centre: [10.0, 0.0],
            radius: 5.0,
        };
        for ring in [rect(-30.0, -30.0, 30.0, 30.0), {
            let mut r = rect(-30.0, -30.0, 30.0, 30.0);
            r.reverse();
            r
        }] {
            let out = clip_to_cap(&polys(vec![vec![ring]]), cap);
            assert_eq!(out.polygons.len(), 1);
            let area = polygon_area(&out.polygons[0]);
            // A 5° cap near the equator: about π·5² square degrees.
            assert!((area - std::f64::consts::PI * 25.0).abs() < 1.0, "{area}");
        }
    }

    #[test]
    fn half_covered_cap_is_cut_along_the_circle() {
        let cap = Cap {
            centre: [0.0, 0.0],
            radius: 10.0,
        };
        let east = rect(0.0, -40.0, 40.0, 40.0);
        let out = clip_to_cap(&polys(vec![vec![east]]), cap);
        assert_eq!(out.polygons.len(), 1, "{:?}", out.polygons);
        let area = polygon_area(&out.polygons[0]);
        assert!((area - std::f64::consts::PI * 50.0).abs() < 2.0, "{area}");
        for p in &out.polygons[0][0] {
            assert!(angular_distance([0.0, 0.0], *p) <= 10.0 + 1e-6, "{p:?}");
            assert!(p[0] >= -1e-9, "{p:?}");
        }
    }

    #[test]
    fn hemisphere_with_the_pole_is_whole() {
        // Orthographic from lat 10: the north pole is in view; a band round it must come back
        // as the whole visible part, not a sliver.
        let cap = Cap {
            centre: [20.0, 10.0],
            radius: 90.0,
        };
        let band = rect(-180.0, 60.0, 180.0, 90.0);
        let out = clip_to_cap(&polys(vec![vec![band]]), cap);
        assert!(!out.polygons.is_empty());
        for p in out.polygons.iter().flatten().flatten() {
            assert!(cap.contains(*p) || angular_distance(cap.centre, *p) < 90.0 + 1e-6);
        }
        let lines = Flat {
            lines: vec![vec![[20.0, 0.0], [200.0, 0.0]]],
            ..Flat::default()
        };
        let out = clip_to_cap(&lines, cap);
        assert_eq!(out.lines.len(), 1);
    }
}
