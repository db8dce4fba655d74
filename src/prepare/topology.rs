//! Shared-border topology for polygon layers, the way mapshaper and TopoJSON build it:
//! vertices are snapped to a grid, every ring is cut into arcs at junctions, and an arc
//! that two rings share is stored once. Simplifying the arcs, not the rings, keeps
//! neighbours identical along their border, and inner borders and outlines fall out of how
//! many rings use each arc instead of stroking every polygon twice.
//!
//! ```
//! use mapfig::prepare::topology::Topology;
//!
//! let left = vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]];
//! let right = vec![[1.0, 0.0], [2.0, 0.0], [2.0, 1.0], [1.0, 1.0], [1.0, 0.0]];
//! let topology = Topology::build(&[vec![vec![left]], vec![vec![right]]]);
//! assert_eq!(topology.inner_lines(), vec![vec![[1.0, 0.0], [1.0, 1.0]]]);
//! assert_eq!(topology.outer_lines().len(), 2);
//! ```

mod visvalingam;

use crate::geom::{Bounds, Pt, Ring};
use std::collections::HashMap;
use std::ops::Range;
use visvalingam::EffectiveAreas;

/// One feature's polygons, each an exterior ring then its holes.
pub type Polygons = Vec<Vec<Ring>>;

/// Shared arcs for a set of polygon features, in any planar or lon/lat space.
#[derive(Debug, Clone)]
pub struct Topology {
    /// Snapped coordinates, one per distinct grid point (sorted, so ids are deterministic).
    points: Vec<Pt>,
    /// Every arc's point ids back to back: arc `a` is `arc_points[arc_starts[a]..arc_starts[a + 1]]`.
    arc_points: Vec<u32>,
    arc_starts: Vec<usize>,
    /// Which positions of `arc_points` survive simplification; arc endpoints always do.
    kept: Vec<bool>,
    sides: Vec<Sides>,
    rings: Vec<RingArcs>,
    /// `shapes[feature][polygon]` = indices into `rings`, exterior first.
    shapes: Vec<Vec<Vec<usize>>>,
}

/// Who uses an arc: how many rings, and the lowest and highest feature among them.
#[derive(Debug, Clone, Copy)]
struct Sides {
    uses: u32,
    low: u32,
    high: u32,
}

impl Sides {
    /// Both sides are rings, of two different features: a border a map draws.
    fn is_inner(&self) -> bool {
        self.uses >= 2 && self.low != self.high
    }
}

/// A ring as arcs, plus where the input ring started: rings are cut at their first
/// junction, and `origin` (positions into the unsimplified ring) lets `polygons` hand
/// back the input's own start point.
#[derive(Debug, Clone)]
struct RingArcs {
    arcs: Vec<ArcUse>,
    origin: usize,
}

#[derive(Debug, Clone, Copy)]
struct ArcUse {
    arc: usize,
    reversed: bool,
}

impl Topology {
    /// Builds the topology of `features` (each a list of polygons of closed rings), snapping
    /// coordinates to a grid of 1e-7 of the larger side of their bounding box so that
    /// nearly identical vertices of neighbours match.
    pub fn build(features: &[Polygons]) -> Topology {
        let mut bounds = Bounds::default();
        for ring in features.iter().flatten().flatten() {
            bounds.add_all(ring);
        }
        let extent = bounds.get().map_or(0.0, |b| (b[2] - b[0]).max(b[3] - b[1]));
        Topology::build_with_grid(features, extent * 1e-7)
    }

    /// Like [`Topology::build`], snapping coordinates to multiples of `cell` (a cell that is
    /// not a positive finite number falls back to 1).
    pub fn build_with_grid(features: &[Polygons], cell: f64) -> Topology {
        let cell = if cell.is_finite() && cell > 0.0 {
            cell
        } else {
            1.0
        };
        let snapped = SnappedRings::new(features, cell);
        let (points, ids) = number_points(&snapped.grid, cell);
        let junction = find_junctions(&ids, &snapped.ranges, points.len());

        let mut topology = Topology {
            points,
            arc_points: Vec::new(),
            arc_starts: vec![0],
            kept: Vec::new(),
            sides: Vec::new(),
            rings: Vec::with_capacity(snapped.ranges.len()),
            shapes: Vec::with_capacity(features.len()),
        };
        let mut arc_index = HashMap::new();
        let mut ranges = snapped.ranges.iter();
        for (feature, polygons) in features.iter().enumerate() {
            let mut shape = Vec::with_capacity(polygons.len());
            for polygon in polygons {
                let mut rings = Vec::with_capacity(polygon.len());
                for _ in polygon {
                    let range = ranges.next().cloned().unwrap_or_default();
                    let ring = topology.cut_ring(&ids[range], &junction, &mut arc_index);
                    for arc_use in &ring.arcs {
                        let sides = &mut topology.sides[arc_use.arc];
                        sides.uses += 1;
                        sides.low = sides.low.min(feature as u32);
                        sides.high = sides.high.max(feature as u32);
                    }
                    rings.push(topology.rings.len());
                    topology.rings.push(ring);
                }
                shape.push(rings);
            }
            topology.shapes.push(shape);
        }
        topology.kept = vec![true; topology.arc_points.len()];
        topology
    }

    /// Cuts one ring (point ids, cyclic, no closing repeat) into arcs at its junctions,
    /// reusing an arc another ring already produced.
    fn cut_ring(
        &mut self,
        ring: &[u32],
        junction: &[bool],
        arc_index: &mut HashMap<(u32, u32), ArcUse>,
    ) -> RingArcs {
        let n = ring.len();
        if n == 0 {
            return RingArcs {
                arcs: Vec::new(),
                origin: 0,
            };
        }
        // A ring without junctions is one closed arc; starting it at its lowest point id
        // lets the identical ring of a neighbour (an enclave and the hole it fills) find it.
        let start = (0..n)
            .find(|&i| junction[ring[i] as usize])
            .unwrap_or_else(|| (0..n).min_by_key(|&i| ring[i]).unwrap_or(0));
        let mut arcs = Vec::new();
        let mut run = vec![ring[start]];
        for step in 1..=n {
            let id = ring[(start + step) % n];
            run.push(id);
            if step == n || junction[id as usize] {
                arcs.push(self.intern_arc(&run, arc_index));
                run.clear();
                run.push(id);
            }
        }
        RingArcs {
            arcs,
            origin: (n - start) % n,
        }
    }

    /// The arc with exactly these points, in either direction, added if new.
    ///
    /// Between junctions every point has the same two neighbours wherever it occurs, so an
    /// arc is fixed by its first two points; the full comparison only guards that reasoning.
    fn intern_arc(&mut self, run: &[u32], arc_index: &mut HashMap<(u32, u32), ArcUse>) -> ArcUse {
        let last = run.len() - 1;
        if let Some(&found) = arc_index.get(&(run[0], run[1])) {
            let stored = &self.arc_points[self.arc_range(found.arc)];
            let same = stored.len() == run.len()
                && if found.reversed {
                    stored.iter().rev().eq(run.iter())
                } else {
                    stored == run
                };
            if same {
                return found;
            }
        }
        let arc = self.sides.len();
        self.arc_points.extend_from_slice(run);
        self.arc_starts.push(self.arc_points.len());
        self.sides.push(Sides {
            uses: 0,
            low: u32::MAX,
            high: 0,
        });
        let forward = ArcUse {
            arc,
            reversed: false,
        };
        arc_index.entry((run[0], run[1])).or_insert(forward);
        arc_index
            .entry((run[last], run[last - 1]))
            .or_insert(ArcUse {
                arc,
                reversed: true,
            });
        forward
    }

    fn arc_range(&self, arc: usize) -> Range<usize> {
        self.arc_starts[arc]..self.arc_starts[arc + 1]
    }

    /// Visvalingam–Whyatt simplification of the arcs, keeping `share` (0..=1, clamped) of
    /// the vertices inside arcs, like `mapshaper -simplify 10% keep-shapes`. Each arc is
    /// simplified once, so neighbours stay identical; arc endpoints are never removed; and
    /// a ring that would fall below three distinct points gets back its most important
    /// vertices. Always starts from the unsimplified arcs, so calls do not compound.
    pub fn simplify(&mut self, share: f64) {
        let share = if share.is_nan() {
            1.0
        } else {
            share.clamp(0.0, 1.0)
        };
        let areas = self.effective_areas();
        let mut interior: Vec<(f64, usize)> = (0..self.sides.len())
            .flat_map(|arc| {
                let r = self.arc_range(arc);
                r.start + 1..r.end - 1
            })
            .map(|position| (areas[position], position))
            .collect();
        let keep = ((interior.len() as f64) * share).round() as usize;
        if keep > 0 && keep < interior.len() {
            // Most important first; ties go to the earlier position so results never vary.
            interior.select_nth_unstable_by(keep, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        }
        self.kept.fill(false);
        for arc in 0..self.sides.len() {
            let r = self.arc_range(arc);
            self.kept[r.start] = true;
            self.kept[r.end - 1] = true;
        }
        for &(_, position) in &interior[..keep] {
            self.kept[position] = true;
        }
        self.keep_shapes(&areas);
    }

    /// Each arc position's Visvalingam effective area; endpoints get infinity.
    fn effective_areas(&self) -> Vec<f64> {
        let mut areas = vec![f64::INFINITY; self.arc_points.len()];
        let mut workspace = EffectiveAreas::default();
        let mut line = Vec::new();
        for arc in 0..self.sides.len() {
            let range = self.arc_range(arc);
            line.clear();
            line.extend(
                self.arc_points[range.clone()]
                    .iter()
                    .map(|&id| self.points[id as usize]),
            );
            workspace.compute(&line, &mut areas[range]);
        }
        areas
    }

    /// keep-shapes: a ring left with fewer than three distinct points gets back its
    /// interior vertices in order of importance until it has three (or has none left).
    fn keep_shapes(&mut self, areas: &[f64]) {
        let mut kept_in_arc: Vec<usize> = (0..self.sides.len())
            .map(|arc| {
                self.kept[self.arc_range(arc)]
                    .iter()
                    .filter(|k| **k)
                    .count()
            })
            .collect();
        for ring in &self.rings {
            let distinct = |kept_in_arc: &[usize]| -> usize {
                ring.arcs.iter().map(|u| kept_in_arc[u.arc] - 1).sum()
            };
            // Every arc adds at least one point, so only rings of one or two arcs get here.
            if distinct(&kept_in_arc) >= 3 {
                continue;
            }
            let mut spare: Vec<(usize, usize)> = ring
                .arcs
                .iter()
                .flat_map(|u| {
                    let r = self.arc_range(u.arc);
                    (r.start + 1..r.end - 1).map(move |position| (position, u.arc))
                })
                .filter(|(position, _)| !self.kept[*position])
                .collect();
            spare.sort_by(|a, b| areas[b.0].total_cmp(&areas[a.0]).then(a.0.cmp(&b.0)));
            spare.dedup();
            for (position, arc) in spare {
                if distinct(&kept_in_arc) >= 3 {
                    break;
                }
                self.kept[position] = true;
                kept_in_arc[arc] += 1;
            }
        }
    }

    /// The polygons rebuilt from the (simplified) arcs: same features, polygons and rings
    /// in the same order, each ring closed, in its input direction and from its input start
    /// point (or the first vertex after it that survived simplification).
    pub fn polygons(&self) -> Vec<Polygons> {
        self.shapes
            .iter()
            .map(|shape| {
                shape
                    .iter()
                    .map(|rings| rings.iter().map(|&r| self.ring(&self.rings[r])).collect())
                    .collect()
            })
            .collect()
    }

    fn ring(&self, ring: &RingArcs) -> Ring {
        // Kept points with their position in the unsimplified ring, closing point left out.
        let mut points: Vec<(usize, Pt)> = Vec::new();
        let mut position = 0;
        for (i, arc_use) in ring.arcs.iter().enumerate() {
            let skip = usize::from(i > 0);
            for p in self.positions(arc_use.arc, arc_use.reversed).skip(skip) {
                let point = self.points[self.arc_points[p] as usize];
                if self.kept[p] && points.last().is_none_or(|last| last.1 != point) {
                    points.push((position, point));
                }
                position += 1;
            }
        }
        if points.len() > 1 && points[0].1 == points[points.len() - 1].1 {
            points.pop();
        }
        let start = points
            .iter()
            .position(|(p, _)| *p >= ring.origin)
            .unwrap_or(0);
        points.rotate_left(start);
        let mut out: Ring = points.into_iter().map(|(_, point)| point).collect();
        if let Some(&first) = out.first() {
            out.push(first);
        }
        out
    }

    /// Arcs between two different features (inner borders), each once, as polylines in
    /// arc order. Seams between polygons of one feature are left out: they border nothing.
    pub fn inner_lines(&self) -> Vec<Ring> {
        self.lines_where(|sides| sides.is_inner())
    }

    /// Arcs used by only one ring: the outline of the whole set, in arc order.
    pub fn outer_lines(&self) -> Vec<Ring> {
        self.lines_where(|sides| sides.uses == 1)
    }

    fn lines_where(&self, keep: impl Fn(&Sides) -> bool) -> Vec<Ring> {
        (0..self.sides.len())
            .filter(|&arc| keep(&self.sides[arc]))
            .map(|arc| self.arc_line(arc, false))
            .collect()
    }

    /// The kept points of an arc, in either direction.
    fn arc_line(&self, arc: usize, reversed: bool) -> Ring {
        self.positions(arc, reversed)
            .filter(|&p| self.kept[p])
            .map(|p| self.points[self.arc_points[p] as usize])
            .collect()
    }

    /// Positions of an arc in `arc_points`, walked in either direction.
    fn positions(&self, arc: usize, reversed: bool) -> impl Iterator<Item = usize> {
        let range = self.arc_range(arc);
        (0..range.len()).map(move |k| {
            if reversed {
                range.end - 1 - k
            } else {
                range.start + k
            }
        })
    }

    /// The border between feature group `a` and group `b` (feature indices): the arcs with
    /// a feature of each group on their two sides, chained into as few polylines as the
    /// border's shape allows (a closed ring when one group encloses the other), in a
    /// deterministic order.
    pub fn shared_border(&self, a: &[usize], b: &[usize]) -> Vec<Ring> {
        let mut group = vec![0u8; self.shapes.len()];
        for (bit, members) in [(1u8, a), (2u8, b)] {
            for &f in members {
                if let Some(g) = group.get_mut(f) {
                    *g |= bit;
                }
            }
        }
        let arcs: Vec<usize> = (0..self.sides.len())
            .filter(|&arc| {
                let s = self.sides[arc];
                let (low, high) = (group[s.low as usize], group[s.high as usize]);
                s.is_inner() && ((low & 1 != 0 && high & 2 != 0) || (low & 2 != 0 && high & 1 != 0))
            })
            .collect();
        self.chain(&arcs)
    }

    /// Chains arcs into the fewest polylines: an Euler tour (Hierholzer) of the graph of
    /// arcs, with every odd-degree junction tied to one extra vertex so the tour exists;
    /// cutting the tour at those extra edges leaves (odd junctions) / 2 trails per piece.
    fn chain(&self, arcs: &[usize]) -> Vec<Ring> {
        const EXTRA: u32 = u32::MAX;
        let range = |arc: usize| self.arc_range(arc);
        // Edges as (from, to, arc); the extra edges carry no arc.
        let mut edges: Vec<(u32, u32, Option<usize>)> = arcs
            .iter()
            .map(|&arc| {
                let r = range(arc);
                (
                    self.arc_points[r.start],
                    self.arc_points[r.end - 1],
                    Some(arc),
                )
            })
            .collect();
        let mut vertices: Vec<u32> = edges.iter().flat_map(|e| [e.0, e.1]).collect();
        vertices.sort_unstable();
        let odd: Vec<u32> = vertices
            .chunk_by(|a, b| a == b)
            .filter(|ends| ends.len() % 2 == 1)
            .map(|ends| ends[0])
            .collect();
        edges.extend(odd.iter().map(|&v| (EXTRA, v, None)));
        vertices.dedup();
        if !odd.is_empty() {
            vertices.push(EXTRA);
        }

        let local = |v: u32| vertices.binary_search(&v).unwrap_or(0);
        let mut adjacency = vec![Vec::new(); vertices.len()];
        for (e, &(from, to, _)) in edges.iter().enumerate() {
            adjacency[local(from)].push(e);
            adjacency[local(to)].push(e);
        }
        let mut used = vec![false; edges.len()];
        let mut cursor = vec![0; vertices.len()];
        let mut lines = Vec::new();
        // The extra vertex first: its tour covers every piece with odd junctions.
        let starts = (0..vertices.len()).rev().take(usize::from(!odd.is_empty()));
        for start in starts.chain(0..vertices.len()) {
            let mut stack: Vec<(usize, Option<(usize, bool)>)> = vec![(start, None)];
            let mut tour = Vec::new();
            while let Some(&(v, step)) = stack.last() {
                while cursor[v] < adjacency[v].len() && used[adjacency[v][cursor[v]]] {
                    cursor[v] += 1;
                }
                if let Some(&e) = adjacency[v].get(cursor[v]) {
                    used[e] = true;
                    let forward = local(edges[e].0) == v;
                    let w = local(if forward { edges[e].1 } else { edges[e].0 });
                    stack.push((w, Some((e, forward))));
                } else {
                    stack.pop();
                    tour.extend(step);
                }
            }
            tour.reverse();
            let mut line: Ring = Vec::new();
            for (e, forward) in tour {
                let Some(arc) = edges[e].2 else {
                    lines.extend((!line.is_empty()).then(|| std::mem::take(&mut line)));
                    continue;
                };
                let points = self.arc_line(arc, !forward);
                let skip = usize::from(!line.is_empty());
                line.extend(points.into_iter().skip(skip));
            }
            lines.extend((!line.is_empty()).then_some(line));
        }
        lines
    }

    /// Distinct points left after simplification: each arc endpoint once, plus the kept
    /// vertices inside arcs.
    pub fn vertex_count(&self) -> usize {
        let mut ends: Vec<u32> = (0..self.sides.len())
            .flat_map(|arc| {
                let r = self.arc_range(arc);
                [self.arc_points[r.start], self.arc_points[r.end - 1]]
            })
            .collect();
        ends.sort_unstable();
        ends.dedup();
        let inside: usize = (0..self.sides.len())
            .map(|arc| {
                let r = self.arc_range(arc);
                self.kept[r.start + 1..r.end - 1]
                    .iter()
                    .filter(|k| **k)
                    .count()
            })
            .sum();
        ends.len() + inside
    }
}

/// All rings snapped to the grid, back to back, each without consecutive repeats and
/// without its closing point (rings are cyclic from here on).
struct SnappedRings {
    grid: Vec<[i64; 2]>,
    ranges: Vec<Range<usize>>,
}

impl SnappedRings {
    fn new(features: &[Polygons], cell: f64) -> SnappedRings {
        let total = features.iter().flatten().flatten().map(Vec::len).sum();
        let mut grid: Vec<[i64; 2]> = Vec::with_capacity(total);
        let mut ranges = Vec::new();
        for ring in features.iter().flatten().flatten() {
            let start = grid.len();
            for p in ring {
                let q = [(p[0] / cell).round() as i64, (p[1] / cell).round() as i64];
                if grid.len() == start || grid[grid.len() - 1] != q {
                    grid.push(q);
                }
            }
            while grid.len() > start + 1 && grid[start] == grid[grid.len() - 1] {
                grid.pop();
            }
            ranges.push(start..grid.len());
        }
        SnappedRings { grid, ranges }
    }
}

/// Numbers the distinct grid points in coordinate order: returns each point's coordinates
/// and, for every ring position, its point id.
fn number_points(grid: &[[i64; 2]], cell: f64) -> (Vec<Pt>, Vec<u32>) {
    let mut order: Vec<([i64; 2], u32)> = (0..).zip(grid).map(|(i, &q)| (q, i)).collect();
    order.sort_unstable();
    let mut points = Vec::new();
    let mut ids = vec![0u32; grid.len()];
    let mut previous = None;
    for (q, i) in order {
        if previous != Some(q) {
            points.push([q[0] as f64 * cell, q[1] as f64 * cell]);
            previous = Some(q);
        }
        ids[i as usize] = points.len() as u32 - 1;
    }
    (points, ids)
}

/// Junctions: points whose pair of neighbours is not the same everywhere they occur,
/// i.e. where the set of rings running alongside changes (borders meeting, rings touching
/// at a point, a ring touching itself).
fn find_junctions(ids: &[u32], ranges: &[Range<usize>], point_count: usize) -> Vec<bool> {
    const UNSEEN: (u32, u32) = (u32::MAX, u32::MAX);
    let mut neighbours = vec![UNSEEN; point_count];
    let mut junction = vec![false; point_count];
    for range in ranges {
        let ring = &ids[range.clone()];
        let n = ring.len();
        for i in 0..n {
            let (before, after) = (ring[(i + n - 1) % n], ring[(i + 1) % n]);
            let pair = (before.min(after), before.max(after));
            let seen = &mut neighbours[ring[i] as usize];
            if *seen == UNSEEN {
                *seen = pair;
            } else if *seen != pair {
                junction[ring[i] as usize] = true;
            }
        }
    }
    junction
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A closed ring through `points`.
    fn ring(points: &[[f64; 2]]) -> Ring {
        let mut r = points.to_vec();
        r.push(points[0]);
        r
    }

    /// An axis-aligned square with a vertex every 5 units, counter-clockwise from its
    /// lower-left corner.
    fn square(x: f64, y: f64, side: f64) -> Ring {
        let steps = (side / 5.0) as usize;
        let mut points = Vec::new();
        for (start, dir) in [
            ([x, y], [1.0, 0.0]),
            ([x + side, y], [0.0, 1.0]),
            ([x + side, y + side], [-1.0, 0.0]),
            ([x, y + side], [0.0, -1.0]),
        ] {
            for k in 0..steps {
                let t = 5.0 * k as f64;
                points.push([start[0] + dir[0] * t, start[1] + dir[1] * t]);
            }
        }
        ring(&points)
    }

    /// A wiggly border from (10, 0) up to (10, 40), 21 vertices.
    fn wiggly_border() -> Vec<Pt> {
        (0..=20)
            .map(|i| {
                let wiggle = if i == 0 || i == 20 {
                    0.0
                } else {
                    ((i * 7) % 5) as f64 - 2.0
                };
                [10.0 + wiggle, 2.0 * i as f64]
            })
            .collect()
    }

    /// Two neighbours along the wiggly border: the left one counter-clockwise, the right
    /// one clockwise, so both walk the border upwards.
    fn neighbours() -> Vec<Polygons> {
        let border = wiggly_border();
        let mut left = border.clone();
        left.extend([[0.0, 40.0], [0.0, 0.0]]);
        let mut right = border;
        right.extend([[20.0, 40.0], [20.0, 0.0]]);
        vec![vec![vec![ring(&left)]], vec![vec![ring(&right)]]]
    }

    /// Whether closed `ring` runs through all of `line` in order, either way round.
    fn contains_run(ring: &[Pt], line: &[Pt]) -> bool {
        let n = ring.len() - 1;
        let at = |i: usize| ring[i % n];
        (0..n).any(|start| {
            (0..line.len()).all(|k| at(start + k) == line[k])
                || (0..line.len()).all(|k| at(start + n - k) == line[k])
        })
    }

    fn same_either_way(a: &[Pt], b: &[Pt]) -> bool {
        a == b || a.iter().rev().eq(b.iter())
    }

    /// Four squares of side 10 in a 2 × 2 block: 0 lower left, 1 lower right, 2 upper
    /// left, 3 upper right.
    fn block() -> Vec<Polygons> {
        [[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 10.0]]
            .iter()
            .map(|&[x, y]| vec![vec![square(x, y, 10.0)]])
            .collect()
    }

    #[test]
    fn neighbours_store_their_border_once() {
        let topology = Topology::build_with_grid(&neighbours(), 1.0);
        let inner = topology.inner_lines();
        assert_eq!(inner.len(), 1);
        assert!(same_either_way(&inner[0], &wiggly_border()));
        let outer = topology.outer_lines();
        assert_eq!(outer.len(), 2);
        assert!(outer.iter().all(|l| l.len() == 4 && l[1][0] != 10.0));
        assert_eq!(topology.sides.len(), 3);
    }

    #[test]
    fn simplified_border_is_identical_on_both_sides() {
        let mut topology = Topology::build_with_grid(&neighbours(), 1.0);
        topology.simplify(0.3);
        let border = &topology.inner_lines()[0];
        assert!(border.len() > 2 && border.len() < wiggly_border().len());
        let polygons = topology.polygons();
        for feature in &polygons {
            assert!(contains_run(&feature[0][0], border));
        }
        // Both rings hold exactly the border's points on the border line and nothing else.
        let on_border = |r: &Ring| -> Vec<Pt> {
            let mut pts: Vec<Pt> = r[..r.len() - 1]
                .iter()
                .filter(|p| p[0] > 5.0 && p[0] < 15.0)
                .copied()
                .collect();
            pts.sort_by(|a, b| a[1].total_cmp(&b[1]));
            pts
        };
        assert_eq!(on_border(&polygons[0][0][0]), on_border(&polygons[1][0][0]));
    }

    #[test]
    fn keep_shapes_never_leaves_a_ring_below_four_positions() {
        let circle = |cx: f64, cy: f64, r: f64| -> Ring {
            let points: Vec<Pt> = (0..32)
                .map(|k| {
                    let a = k as f64 * std::f64::consts::TAU / 32.0;
                    [cx + r * a.cos(), cy + r * a.sin()]
                })
                .collect();
            ring(&points)
        };
        let diamond = |cx: f64| ring(&[[cx - 5.0, 0.0], [cx, -5.0], [cx + 5.0, 0.0], [cx, 5.0]]);
        let mut features = neighbours();
        features.push(vec![vec![circle(100.0, 0.0, 10.0)]]);
        features.push(vec![vec![
            circle(200.0, 0.0, 20.0),
            circle(200.0, 0.0, 10.0),
        ]]);
        // Two islands touching at (305, 0), one feature each.
        features.push(vec![vec![diamond(300.0)]]);
        features.push(vec![vec![diamond(310.0)]]);
        let mut topology = Topology::build(&features);
        topology.simplify(0.0);
        for ring in topology.polygons().iter().flatten().flatten() {
            assert!(ring.len() >= 4, "{ring:?}");
            assert_eq!(ring[0], ring[ring.len() - 1]);
            let mut distinct = ring.clone();
            distinct.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
            distinct.dedup();
            assert!(distinct.len() >= 3, "{ring:?}");
        }
    }

    #[test]
    fn full_share_returns_the_input_after_snapping() {
        let mut features = neighbours();
        features.extend(block());
        // A repeated point, and a feature of an island and a polygon with a hole.
        let repeated = features[0][0][0][3];
        features[0][0][0].insert(3, repeated);
        features.push(vec![
            vec![
                square(100.0, 0.0, 20.0),
                ring(&[[105.0, 5.0], [105.0, 10.0], [110.0, 5.0]]),
            ],
            vec![ring(&[[130.0, 0.0], [140.0, 0.0], [135.0, 5.0]])],
        ]);
        let mut topology = Topology::build_with_grid(&features, 1.0);
        topology.simplify(0.0);
        topology.simplify(1.0);
        features[0][0][0].remove(3);
        assert_eq!(topology.polygons(), features);

        // The default grid moves points by less than half a cell.
        let shifted: Vec<Polygons> = features
            .iter()
            .map(|f| {
                f.iter()
                    .map(|p| {
                        p.iter()
                            .map(|r| r.iter().map(|q| [q[0] * 0.013, q[1] * 0.017]).collect())
                            .collect()
                    })
                    .collect()
            })
            .collect();
        let rebuilt = Topology::build(&shifted).polygons();
        let cell = 140.0 * 0.013 * 1e-7;
        for (a, b) in shifted
            .iter()
            .flatten()
            .flatten()
            .zip(rebuilt.iter().flatten().flatten())
        {
            assert_eq!(a.len(), b.len());
            for (p, q) in a.iter().zip(b) {
                assert!((p[0] - q[0]).abs() <= cell && (p[1] - q[1]).abs() <= cell);
            }
        }
    }

    #[test]
    fn zero_share_keeps_only_arc_endpoints() {
        let mut topology = Topology::build_with_grid(&block(), 1.0);
        assert_eq!(topology.vertex_count(), 21);
        topology.simplify(0.0);
        // The centre and the four midpoints of the block's sides.
        assert_eq!(topology.vertex_count(), 5);
        let polygons = topology.polygons();
        // Its start corner is gone, so the ring starts at the next vertex that is left.
        assert_eq!(
            polygons[0][0][0],
            vec![[10.0, 0.0], [10.0, 10.0], [0.0, 10.0], [10.0, 0.0]]
        );
        // keep-shapes adds only what a ring needs: one vertex each for the two neighbours.
        let mut topology = Topology::build_with_grid(&neighbours(), 1.0);
        topology.simplify(0.0);
        assert!(topology.vertex_count() <= 4);
    }

    #[test]
    fn shared_border_chains_arcs_between_groups() {
        let topology = Topology::build_with_grid(&block(), 1.0);
        let vertical = vec![
            [10.0, 0.0],
            [10.0, 5.0],
            [10.0, 10.0],
            [10.0, 15.0],
            [10.0, 20.0],
        ];
        let left_right = topology.shared_border(&[0, 2], &[1, 3]);
        assert_eq!(left_right.len(), 1);
        assert!(same_either_way(&left_right[0], &vertical));
        assert_eq!(left_right, topology.shared_border(&[0, 2], &[1, 3]));
        assert_eq!(topology.shared_border(&[1, 3], &[0, 2]).len(), 1);
        assert!(same_either_way(
            &topology.shared_border(&[0], &[1])[0],
            &vertical[..3]
        ));
        // Corners touching at a point share no border.
        assert!(topology.shared_border(&[0], &[3]).is_empty());
        assert!(topology.shared_border(&[0], &[0]).is_empty());
        // A checkerboard meets in a cross: four ends, so two lines at best.
        let cross = topology.shared_border(&[0, 3], &[1, 2]);
        assert_eq!(cross.len(), 2);
        assert_eq!(cross.iter().map(|l| l.len() - 1).sum::<usize>(), 8);
    }

    #[test]
    fn an_enclave_shares_one_closed_arc_with_its_hole() {
        let hole = square(5.0, 5.0, 10.0);
        // The enclave starts elsewhere and runs the other way round.
        let mut enclave: Ring = hole[..hole.len() - 1].iter().rev().copied().collect();
        enclave.rotate_left(3);
        enclave.push(enclave[0]);
        let features = vec![
            vec![vec![square(0.0, 0.0, 20.0), hole]],
            vec![vec![enclave.clone()]],
        ];
        let topology = Topology::build_with_grid(&features, 1.0);
        let inner = topology.inner_lines();
        assert_eq!(inner.len(), 1);
        assert_eq!(inner[0].len(), 9);
        assert_eq!(inner[0][0], inner[0][8]);
        assert_eq!(topology.outer_lines().len(), 1);
        let border = topology.shared_border(&[1], &[0]);
        assert_eq!(border.len(), 1);
        assert!(contains_run(&enclave, &border[0]));
        assert_eq!(topology.polygons(), features);
    }

    #[test]
    fn seams_inside_one_feature_are_neither_inner_nor_outer() {
        let features = vec![vec![
            vec![square(0.0, 0.0, 10.0)],
            vec![square(10.0, 0.0, 10.0)],
        ]];
        let topology = Topology::build_with_grid(&features, 1.0);
        assert!(topology.inner_lines().is_empty());
        let outer = topology.outer_lines();
        assert_eq!(outer.len(), 2);
        assert!(outer.iter().all(|l| !l.iter().all(|p| p[0] == 10.0)));
    }

    #[test]
    fn rings_touching_at_a_point_share_no_arc() {
        let diamond = |cx: f64| ring(&[[cx - 5.0, 0.0], [cx, -5.0], [cx + 5.0, 0.0], [cx, 5.0]]);
        let features = vec![vec![vec![diamond(0.0)]], vec![vec![diamond(10.0)]]];
        let mut topology = Topology::build_with_grid(&features, 1.0);
        assert!(topology.inner_lines().is_empty());
        assert!(topology.shared_border(&[0], &[1]).is_empty());
        // Each diamond is one closed arc from the point they touch at.
        let outer = topology.outer_lines();
        assert_eq!(outer.len(), 2);
        assert!(outer
            .iter()
            .all(|l| l.len() == 5 && l[0] == [5.0, 0.0] && l[4] == l[0]));
        assert_eq!(topology.polygons(), features);
        // At 0% keep-shapes leaves each a triangle, the touching point among its corners.
        topology.simplify(0.0);
        for ring in topology.polygons().iter().flatten().flatten() {
            assert_eq!(ring.len(), 4);
            assert!(ring.contains(&[5.0, 0.0]));
        }
    }

    #[test]
    fn empty_and_degenerate_input_does_not_panic() {
        let mut topology = Topology::build(&[]);
        topology.simplify(0.5);
        assert!(topology.polygons().is_empty());
        let features = vec![
            vec![vec![vec![], vec![[1.0, 1.0], [1.0, 1.0]]]],
            vec![vec![vec![[0.0, 0.0], [1.0, 0.0], [0.0, 0.0]]]],
        ];
        let mut topology = Topology::build(&features);
        topology.simplify(0.0);
        let polygons = topology.polygons();
        assert_eq!(polygons[0][0].len(), 2);
        assert!(polygons[0][0][0].is_empty());
        assert!(topology.shared_border(&[0, 7], &[1]).is_empty());
    }
}
