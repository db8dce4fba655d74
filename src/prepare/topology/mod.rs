//! Shared-border topology for polygon layers, the way mapshaper and TopoJSON build it:
//! vertices are snapped to a grid, every ring is cut into arcs at junctions, and an arc
//! that two rings share is stored once. Simplifying the arcs, not the rings, keeps
//! neighbours identical along their border, and inner borders and outlines fall out of how
//! many rings use each arc instead of stroking every polygon twice.
//!
//! Building the arcs is in `build.rs` (or taking a TopoJSON file's own, `arcs.rs`), simplifying them in `simplify.rs` (Visvalingam areas
//! in `visvalingam.rs`), borders and outlines in `lines.rs`; this file holds the arcs and
//! turns them back into polygons.
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

mod arcs;
mod build;
mod lines;
mod simplify;
mod visvalingam;

pub use arcs::ShapeArcUses;

use crate::geom::{Pt, Ring};
use std::ops::Range;

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
    fn arc_range(&self, arc: usize) -> Range<usize> {
        self.arc_starts[arc]..self.arc_starts[arc + 1]
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

#[cfg(test)]
mod tests;
