//! Clipping polygons and polylines to one side of an axis-parallel line (a meridian or a
//! parallel), joining the pieces of a polygon along the line so it stays closed.

use super::bridge;
use crate::geom::{contains, ring_area, Line, Pt, Ring};

/// Clipped rings with less area than this (square degrees, about 0.01 m²) are rounding
/// slivers, not geography.
const MIN_AREA: f64 = 1e-12;

/// Rings oriented for clipping (exterior counter-clockwise, holes clockwise), and whether
/// the exterior came in clockwise.
pub(super) fn oriented(mut rings: Vec<Ring>) -> (Vec<Ring>, bool) {
    let flip = rings.first().is_some_and(|r| ring_area(r) < 0.0);
    for (i, r) in rings.iter_mut().enumerate() {
        if (i == 0) == (ring_area(r) < 0.0) {
            r.reverse();
        }
    }
    (rings, flip)
}

/// Undoes [`oriented`]'s flip on a clipped polygon.
pub(super) fn restore(mut poly: Vec<Ring>, flip: bool) -> Vec<Ring> {
    if flip {
        for r in &mut poly {
            r.reverse();
        }
    }
    poly
}

/// The side of an axis-parallel line to keep: `axis` 0 cuts at x = `at` (a meridian), 1 at
/// y = `at` (a parallel); points on the line count as kept.
#[derive(Debug, Clone, Copy)]
pub(super) struct HalfPlane {
    axis: usize,
    at: f64,
    above: bool,
}

impl HalfPlane {
    pub(super) fn new(axis: usize, at: f64, above: bool) -> HalfPlane {
        HalfPlane { axis, at, above }
    }

    /// Signed distance into the kept side (negative outside).
    fn depth(&self, p: Pt) -> f64 {
        let d = p[self.axis] - self.at;
        if self.above {
            d
        } else {
            -d
        }
    }

    fn along(&self, p: Pt) -> f64 {
        p[1 - self.axis]
    }

    /// Where edge `a`–`b` (one end outside) meets the line, exactly on it; computed from the
    /// edge alone so both sides of a cut get the same point.
    fn meet(&self, a: Pt, b: Pt) -> Pt {
        let (k, o) = (self.axis, 1 - self.axis);
        if a[k] == self.at {
            return a;
        }
        if b[k] == self.at {
            return b;
        }
        let t = (self.at - a[k]) / (b[k] - a[k]);
        let mut p = [0.0; 2];
        p[k] = self.at;
        p[o] = a[o] + t * (b[o] - a[o]);
        p
    }

    /// The parts of a polygon (consistently oriented, see [`oriented`]) on the kept side.
    ///
    /// Each ring is split into arcs on the kept side; arcs are joined along the line. Along the
    /// line, sorted crossings pair up as the stretches inside the polygon (even–odd), and with
    /// consistent orientation each pair is one arc's exit and another's entry.
    pub(super) fn clip_polygon(&self, poly: &[Ring]) -> Vec<Vec<Ring>> {
        let mut whole: Vec<Ring> = Vec::new();
        let mut arcs: Vec<Ring> = Vec::new();
        let mut crossings: Vec<Crossing> = Vec::new();
        for ring in poly {
            let n = ring.len().saturating_sub(1);
            if n < 3 {
                continue;
            }
            let Some(start) = (0..n).find(|&i| self.depth(ring[i]) < 0.0) else {
                whole.push(ring.clone());
                continue;
            };
            if !ring.iter().any(|&p| self.depth(p) > 0.0) {
                // Outside, or touching the line: nothing with area on the kept side.
                continue;
            }
            let mut current: Ring = Vec::new();
            for k in 0..n {
                let (a, b) = (ring[(start + k) % n], ring[(start + k + 1) % n]);
                let (da, db) = (self.depth(a), self.depth(b));
                let tiebreak = || -(self.along(b) - self.along(a)) / (db - da);
                match (da >= 0.0, db >= 0.0) {
                    (false, true) => {
                        let x = self.meet(a, b);
                        crossings.push(Crossing {
                            along: self.along(x),
                            tiebreak: tiebreak(),
                            arc: arcs.len(),
                            enters: true,
                        });
                        current = vec![x];
                        if b != x {
                            current.push(b);
                        }
                    }
                    (true, true) => current.push(b),
                    (true, false) => {
                        let x = self.meet(a, b);
                        if current.last() != Some(&x) {
                            current.push(x);
                        }
                        crossings.push(Crossing {
                            along: self.along(x),
                            tiebreak: tiebreak(),
                            arc: arcs.len(),
                            enters: false,
                        });
                        arcs.push(std::mem::take(&mut current));
                    }
                    (false, false) => {}
                }
            }
        }

        crossings.sort_by(|a, b| {
            a.along
                .total_cmp(&b.along)
                .then(a.tiebreak.total_cmp(&b.tiebreak))
        });
        let mut exit_at = vec![0; arcs.len()];
        for (i, c) in crossings.iter().enumerate() {
            if !c.enters {
                exit_at[c.arc] = i;
            }
        }
        let mut used = vec![false; arcs.len()];
        let mut rings = whole;
        for first in 0..arcs.len() {
            if used[first] {
                continue;
            }
            let mut ring: Ring = Vec::new();
            let mut arc = first;
            loop {
                used[arc] = true;
                ring.extend_from_slice(&arcs[arc]);
                // Crossings come in pairs (each arc adds an entry and an exit), so the partner
                // always exists.
                let partner = &crossings[exit_at[arc] ^ 1];
                if !partner.enters {
                    break; // inconsistent rings (self-intersecting data): close what we have
                }
                let next = partner.arc;
                if let (Some(&from), Some(&to)) = (ring.last(), arcs[next].first()) {
                    if from != to {
                        bridge(from, to, &mut ring);
                    }
                    ring.pop();
                }
                if next == first || used[next] {
                    break;
                }
                arc = next;
            }
            if let Some(&f) = ring.first() {
                if ring.last() != Some(&f) {
                    ring.push(f);
                }
            }
            rings.push(ring);
        }
        assemble(rings)
    }

    /// The pieces of a polyline on the kept side. Pieces that only run along the line
    /// are kept when `keep_on_line`, so that a line on a cut goes to exactly one side.
    pub(super) fn clip_line(&self, line: &[Pt], keep_on_line: bool) -> Vec<Line> {
        let mut pieces: Vec<Line> = Vec::new();
        let mut current: Line = Vec::new();
        let mut finish = |piece: Line| {
            if piece.len() >= 2 && (keep_on_line || piece.iter().any(|&p| self.depth(p) > 0.0)) {
                pieces.push(piece);
            }
        };
        if let Some(&p) = line.first() {
            if self.depth(p) >= 0.0 {
                current.push(p);
            }
        }
        for w in line.windows(2) {
            let (a, b) = (w[0], w[1]);
            match (self.depth(a) >= 0.0, self.depth(b) >= 0.0) {
                (true, true) => {
                    if current.last() != Some(&b) {
                        current.push(b);
                    }
                }
                (true, false) => {
                    let x = self.meet(a, b);
                    if current.last() != Some(&x) {
                        current.push(x);
                    }
                    finish(std::mem::take(&mut current));
                }
                (false, true) => {
                    let x = self.meet(a, b);
                    current = vec![x];
                    if b != x {
                        current.push(b);
                    }
                }
                (false, false) => {}
            }
        }
        finish(current);
        pieces
    }
}

/// One end of a clipped arc, on the cutting line.
struct Crossing {
    along: f64,
    /// Orders crossings at the same point as if the line sat a hair outside the kept side,
    /// so that points lying on the line are strictly inside and the order is generic.
    tiebreak: f64,
    arc: usize,
    enters: bool,
}

/// Groups clipped rings into polygons: counter-clockwise rings are exteriors, clockwise ones
/// holes of the exterior that contains them; rings without area are dropped.
fn assemble(rings: Vec<Ring>) -> Vec<Vec<Ring>> {
    let (mut polys, mut holes): (Vec<Vec<Ring>>, Vec<Ring>) = (Vec::new(), Vec::new());
    for r in rings.into_iter().filter(|r| r.len() >= 4) {
        let a = ring_area(&r);
        if a > MIN_AREA {
            polys.push(vec![r]);
        } else if a < -MIN_AREA {
            holes.push(r);
        }
    }
    for hole in holes {
        let owner = if polys.len() == 1 {
            Some(0)
        } else {
            polys.iter().position(|p| {
                hole.iter()
                    .any(|&v| contains(std::slice::from_ref(&p[0]), v))
            })
        };
        // A hole outside every part would fill, not cut, under even–odd: drop it.
        if let Some(i) = owner {
            polys[i].push(hole);
        }
    }
    polys
}
