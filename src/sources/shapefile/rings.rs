//! A Shapefile polygon is a flat list of rings: outer rings clockwise, holes
//! counter-clockwise, in any order. This groups them into polygons, each hole with the
//! smallest outer ring that contains it. Real files wind rings the wrong way round too: when
//! a counter-clockwise ring lies in no clockwise one, the winding cannot be trusted, and
//! rings are grouped by nesting instead (a ring inside an even number of others is an outer
//! ring, inside an odd number a hole of the smallest). Winding is decided as GDAL decides
//! it, and one outer ring takes every other ring as a hole, as GDAL does, so both read the
//! same polygons from a file, degenerate slivers included. Rings keep the winding the file
//! gives them, and polygons come in the file order of their outer rings, each with its
//! holes in file order.

use geo::{Coord, LineString, Polygon};

/// Containment tests allowed per vertex of the shape (plus a fixed allowance): a shape of
/// many rings whose boxes all overlap is refused rather than taking quadratic time.
const WORK_PER_VERTEX: u64 = 64;
const WORK_BASE: u64 = 1_000_000;

struct Ring {
    /// Twice the signed area: negative for a clockwise ring.
    area2: f64,
    /// Wound clockwise: an outer ring.
    clockwise: bool,
    min: Coord<f64>,
    max: Coord<f64>,
}

/// The polygons made of `rings`; an error message when the shape is too tangled to group
/// within the work limit.
pub(super) fn assemble(rings: Vec<LineString<f64>>) -> Result<Vec<Polygon<f64>>, String> {
    if rings.len() == 1 {
        return Ok(rings
            .into_iter()
            .map(|r| Polygon::new(r, Vec::new()))
            .collect());
    }
    let info: Vec<Ring> = rings.iter().map(describe).collect();
    let vertices: u64 = rings.iter().map(|r| r.0.len() as u64).sum();
    let mut work = Work {
        left: WORK_BASE + WORK_PER_VERTEX * vertices,
    };
    let parents = match by_winding(&rings, &info, &mut work)? {
        Some(parents) => parents,
        None => by_nesting(&rings, &info, &mut work)?,
    };
    Ok(group(rings, &parents))
}

/// Builds the polygons: `parents[i]` is the outer ring hole `i` belongs to, `None` for an
/// outer ring.
fn group(rings: Vec<LineString<f64>>, parents: &[Option<usize>]) -> Vec<Polygon<f64>> {
    let mut slot = vec![usize::MAX; rings.len()];
    let mut polygons: Vec<(LineString<f64>, Vec<LineString<f64>>)> = Vec::new();
    let mut holes = Vec::new();
    for (i, ring) in rings.into_iter().enumerate() {
        match parents.get(i).copied().flatten() {
            None => {
                slot[i] = polygons.len();
                polygons.push((ring, Vec::new()));
            }
            Some(p) => holes.push((p, ring)),
        }
    }
    for (p, ring) in holes {
        if let Some(poly) = slot.get(p).and_then(|&s| polygons.get_mut(s)) {
            poly.1.push(ring);
        }
    }
    polygons
        .into_iter()
        .map(|(outer, holes)| Polygon::new(outer, holes))
        .collect()
}

/// Grouping by winding: each counter-clockwise ring goes to the smallest clockwise ring
/// that contains it (to the one clockwise ring, when there is one). `None` when some counter-clockwise ring lies in none (the file winds
/// its rings otherwise).
fn by_winding(
    rings: &[LineString<f64>],
    info: &[Ring],
    work: &mut Work,
) -> Result<Option<Vec<Option<usize>>>, String> {
    let outers: Vec<usize> = (0..rings.len()).filter(|&i| info[i].clockwise).collect();
    let mut parents = vec![None; rings.len()];
    // One outer ring whose box holds every other ring: they are its holes (as GDAL reads
    // them, without testing each). A flat sliver (no area) may lie anywhere: it draws
    // nothing wherever it goes, and GDAL makes it a hole too.
    if let [outer] = outers[..] {
        let flat = |r: &Ring| r.area2.abs() <= 1e-9 * info[outer].area2.abs();
        let holds_all = info.iter().all(|r| flat(r) || encloses(&info[outer], r));
        if holds_all {
            for (i, p) in parents.iter_mut().enumerate() {
                if i != outer {
                    *p = Some(outer);
                }
            }
            return Ok(Some(parents));
        }
    }
    for hole in (0..rings.len()).filter(|&i| !info[i].clockwise) {
        let mut best: Option<usize> = None;
        for &o in &outers {
            work.spend(1)?;
            let fits = best.is_none_or(|b| info[o].area2.abs() < info[b].area2.abs());
            if fits && encloses(&info[o], &info[hole]) && inside(&rings[hole], &rings[o], work)? {
                best = Some(o);
            }
        }
        match best {
            Some(o) => parents[hole] = Some(o),
            None => return Ok(None),
        }
    }
    Ok(Some(parents))
}

/// Grouping by nesting, whatever the winding: rings from the largest down, each inside
/// the smallest ring already placed that contains it.
fn by_nesting(
    rings: &[LineString<f64>],
    info: &[Ring],
    work: &mut Work,
) -> Result<Vec<Option<usize>>, String> {
    let mut order: Vec<usize> = (0..rings.len()).collect();
    order.sort_by(|&a, &b| info[b].area2.abs().total_cmp(&info[a].area2.abs()));
    let mut depth = vec![0usize; rings.len()];
    let mut parents = vec![None; rings.len()];
    for (k, &r) in order.iter().enumerate() {
        // Placed rings from the smallest up: the first that contains `r` is its container.
        let mut container = None;
        for &c in order[..k].iter().rev() {
            work.spend(1)?;
            if encloses(&info[c], &info[r]) && inside(&rings[r], &rings[c], work)? {
                container = Some(c);
                break;
            }
        }
        if let Some(c) = container {
            depth[r] = depth[c] + 1;
            // A hole's parent is its container; a ring inside a hole is an outer ring.
            if depth[r] % 2 == 1 {
                parents[r] = Some(c);
            }
        }
    }
    Ok(parents)
}

/// The work left for one shape.
struct Work {
    left: u64,
}

impl Work {
    fn spend(&mut self, n: u64) -> Result<(), String> {
        self.left = self.left.checked_sub(n).ok_or_else(|| {
            "the polygon's rings overlap so much that matching holes to outer rings would take too long; simplify or repair it (e.g. ogr2ogr -makevalid)".to_string()
        })?;
        Ok(())
    }
}

fn describe(ring: &LineString<f64>) -> Ring {
    let mut min = Coord {
        x: f64::INFINITY,
        y: f64::INFINITY,
    };
    let mut max = Coord {
        x: f64::NEG_INFINITY,
        y: f64::NEG_INFINITY,
    };
    let mut area2 = 0.0;
    for w in ring.0.windows(2) {
        area2 += w[0].x * w[1].y - w[1].x * w[0].y;
    }
    for c in &ring.0 {
        min.x = min.x.min(c.x);
        min.y = min.y.min(c.y);
        max.x = max.x.max(c.x);
        max.y = max.y.max(c.y);
    }
    Ring {
        area2,
        clockwise: clockwise(&ring.0),
        min,
        max,
    }
}

/// Whether a closed ring winds clockwise, decided as GDAL decides it (so both read a file's
/// rings alike, flat slivers included): by the turn at the lowest, then rightmost vertex,
/// or, where that vertex is repeated or has a neighbour within 1e-5, by the sign of the
/// area.
fn clockwise(ring: &[Coord<f64>]) -> bool {
    let n = ring.len();
    if n < 4 {
        return false;
    }
    let mut v = 0;
    let mut fallback = false;
    for (i, p) in ring.iter().enumerate().take(n - 1).skip(1) {
        let low = ring[v];
        if p.y < low.y || (p.y == low.y && p.x > low.x) {
            v = i;
            fallback = false;
        } else if p.y == low.y && p.x == low.x {
            fallback = true;
        }
    }
    let near = |a: Coord<f64>, b: Coord<f64>| (a.x - b.x).abs() < 1e-5 && (a.y - b.y).abs() < 1e-5;
    let prev = ring[if v == 0 { n - 2 } else { v - 1 }];
    let next = ring[if v + 1 >= n - 1 { 0 } else { v + 1 }];
    let at = ring[v];
    fallback |= near(prev, at) || near(next, at);
    let (dx0, dy0) = (prev.x - at.x, prev.y - at.y);
    let (dx1, dy1) = (next.x - at.x, next.y - at.y);
    let cross = dx1 * dy0 - dx0 * dy1;
    if !fallback && cross != 0.0 {
        return cross < 0.0;
    }
    let mut sum = ring[0].x * (ring[1].y - ring[n - 1].y);
    for i in 1..n - 1 {
        sum += ring[i].x * (ring[i + 1].y - ring[i - 1].y);
    }
    sum += ring[n - 1].x * (ring[0].y - ring[n - 2].y);
    sum < 0.0
}

/// Whether `outer`'s box holds `inner`'s.
fn encloses(outer: &Ring, inner: &Ring) -> bool {
    outer.min.x <= inner.min.x
        && outer.min.y <= inner.min.y
        && outer.max.x >= inner.max.x
        && outer.max.y >= inner.max.y
}

/// Whether ring `a` lies inside ring `b`: its first vertex that is not on `b`'s boundary
/// is inside `b` (a ring touching `b` at every vertex counts as inside).
fn inside(a: &LineString<f64>, b: &LineString<f64>, work: &mut Work) -> Result<bool, String> {
    for p in &a.0 {
        work.spend(b.0.len() as u64)?;
        match point_in_ring(*p, &b.0) {
            Where::Inside => return Ok(true),
            Where::Outside => return Ok(false),
            Where::Boundary => {}
        }
    }
    Ok(true)
}

enum Where {
    Inside,
    Outside,
    Boundary,
}

/// Crossing-number test of `p` against a closed ring.
fn point_in_ring(p: Coord<f64>, ring: &[Coord<f64>]) -> Where {
    let mut inside = false;
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        if a == p {
            return Where::Boundary;
        }
        let cross = (b.x - a.x) * (p.y - a.y) - (p.x - a.x) * (b.y - a.y);
        let within_x = p.x >= a.x.min(b.x) && p.x <= a.x.max(b.x);
        let within_y = p.y >= a.y.min(b.y) && p.y <= a.y.max(b.y);
        if cross == 0.0 && within_x && within_y {
            return Where::Boundary;
        }
        if (a.y > p.y) != (b.y > p.y) && p.x < a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y) {
            inside = !inside;
        }
    }
    if inside {
        Where::Inside
    } else {
        Where::Outside
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(pts: &[(f64, f64)]) -> LineString<f64> {
        LineString::from(pts.to_vec())
    }

    fn square(x: f64, y: f64, s: f64, clockwise: bool) -> LineString<f64> {
        let mut pts = vec![(x, y), (x + s, y), (x + s, y + s), (x, y + s), (x, y)];
        if clockwise {
            pts.reverse();
        }
        ring(&pts)
    }

    #[test]
    fn holes_join_the_smallest_outer_ring_holding_them() {
        let big = square(0.0, 0.0, 10.0, true);
        let island = square(20.0, 0.0, 10.0, true);
        let lake = square(22.0, 2.0, 2.0, false);
        let pond = square(1.0, 1.0, 1.0, false);
        let polys = assemble(vec![
            big.clone(),
            lake.clone(),
            island.clone(),
            pond.clone(),
        ])
        .unwrap();
        assert_eq!(
            polys,
            vec![
                Polygon::new(big, vec![pond]),
                Polygon::new(island, vec![lake])
            ]
        );
    }

    #[test]
    fn a_flat_ring_is_a_hole_of_the_ring_around_it() {
        let outer = square(0.0, 0.0, 10.0, true);
        let sliver = ring(&[(1.0, 1.0), (2.0, 2.0), (3.0, 3.0), (2.0, 2.0), (1.0, 1.0)]);
        let polys = assemble(vec![sliver.clone(), outer.clone()]).unwrap();
        assert_eq!(polys, vec![Polygon::new(outer, vec![sliver])]);
    }

    #[test]
    fn wrongly_wound_rings_are_grouped_by_nesting() {
        // Outer ring counter-clockwise, hole clockwise, a separate island counter-clockwise.
        let outer = square(0.0, 0.0, 10.0, false);
        let hole = square(2.0, 2.0, 2.0, true);
        let island = square(20.0, 0.0, 5.0, false);
        let polys = assemble(vec![hole.clone(), outer.clone(), island.clone()]).unwrap();
        assert_eq!(
            polys,
            vec![
                Polygon::new(outer, vec![hole]),
                Polygon::new(island, vec![])
            ]
        );
    }

    #[test]
    fn hostile_overlap_is_refused_not_slow() {
        // Thousands of triangles on one base with their apexes along a parallel line: the
        // same box and area, none inside another, so every pair must be tested.
        let rings: Vec<_> = (0..20_000)
            .map(|i| {
                let t = 0.5 * f64::from(i) / 20_000.0;
                ring(&[(0.0, 0.0), (1.0, 1.0), (t, t + 0.5), (0.0, 0.0)])
            })
            .collect();
        let e = assemble(rings).unwrap_err();
        assert!(e.contains("too long"), "{e}");
    }
}
