//! Building a [`Topology`]: snapping every ring to the grid, numbering the distinct points,
//! finding the junctions where the set of rings running alongside changes, and cutting each
//! ring into arcs there, an arc two rings share stored once.

use super::{ArcUse, Polygons, RingArcs, Sides, Topology};
use crate::geom::{Bounds, Pt};
use std::collections::HashMap;
use std::ops::Range;

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
