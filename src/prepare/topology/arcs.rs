//! A [`Topology`] from arcs that are shared already (a TopoJSON file's), instead of
//! finding them by snapping coordinates: the file's own arcs, only the ones the features
//! use, numbered in file order.

use super::{ArcUse, RingArcs, Sides, Topology};
use crate::geom::Pt;

/// One feature's polygons as arcs: polygons, each its rings (exterior first), each its arcs
/// as `(arc index, reversed)`.
pub type ShapeArcUses = Vec<Vec<Vec<(usize, bool)>>>;

impl Topology {
    /// The topology of `features`, each a list of polygons whose rings are runs of
    /// `arcs` (each arc 2 positions or more, a ring's arcs meeting end to start). `None`
    /// when a ring names an arc that is not there or holds fewer than 2 positions.
    ///
    /// ```
    /// use mapfig::prepare::topology::Topology;
    ///
    /// let border = vec![[1.0, 0.0], [1.0, 1.0]];
    /// let west = vec![[1.0, 1.0], [0.0, 1.0], [0.0, 0.0], [1.0, 0.0]];
    /// let east = vec![[1.0, 0.0], [2.0, 0.0], [2.0, 1.0], [1.0, 1.0]];
    /// let features = vec![
    ///     vec![vec![vec![(0, false), (1, false)]]],
    ///     vec![vec![vec![(2, false), (0, true)]]],
    /// ];
    /// let topology = Topology::from_arcs(&[&border, &west, &east], &features).unwrap();
    /// assert_eq!(topology.inner_lines(), vec![border.clone()]);
    /// assert_eq!(topology.polygons()[1][0][0], [[1.0, 0.0], [2.0, 0.0], [2.0, 1.0], [1.0, 1.0], [1.0, 0.0]]);
    /// ```
    pub fn from_arcs(arcs: &[&[Pt]], features: &[ShapeArcUses]) -> Option<Topology> {
        // Only the arcs the features use, in file order, so simplification shares out
        // the kept vertices among those alone.
        let mut local = vec![usize::MAX; arcs.len()];
        for &(arc, _) in features.iter().flatten().flatten().flatten() {
            if arcs.get(arc)?.len() < 2 {
                return None;
            }
            local[arc] = 0;
        }
        let mut used = Vec::new();
        for (arc, slot) in local.iter_mut().enumerate() {
            if *slot == 0 {
                *slot = used.len();
                used.push(arc);
            }
        }
        // Points numbered in coordinate order, so equal positions (arc ends) share an id.
        let mut order: Vec<(Pt, usize)> = used
            .iter()
            .flat_map(|&arc| arcs[arc].iter().copied())
            .zip(0..)
            .collect();
        order.sort_unstable_by(|a, b| {
            a.0[0]
                .total_cmp(&b.0[0])
                .then(a.0[1].total_cmp(&b.0[1]))
                .then(a.1.cmp(&b.1))
        });
        let mut points: Vec<Pt> = Vec::new();
        let mut arc_points = vec![0u32; order.len()];
        for (p, position) in order {
            if points.last() != Some(&p) {
                points.push(p);
            }
            arc_points[position] = u32::try_from(points.len() - 1).ok()?;
        }
        let mut arc_starts = Vec::with_capacity(used.len() + 1);
        arc_starts.push(0);
        for &arc in &used {
            arc_starts.push(arc_starts[arc_starts.len() - 1] + arcs[arc].len());
        }
        let mut topology = Topology {
            kept: vec![true; arc_points.len()],
            points,
            arc_points,
            arc_starts,
            sides: vec![
                Sides {
                    uses: 0,
                    low: u32::MAX,
                    high: 0,
                };
                used.len()
            ],
            rings: Vec::new(),
            shapes: Vec::with_capacity(features.len()),
        };
        for (feature, polygons) in features.iter().enumerate() {
            let feature = u32::try_from(feature).ok()?;
            let mut shape = Vec::with_capacity(polygons.len());
            for polygon in polygons {
                let mut rings = Vec::with_capacity(polygon.len());
                for ring in polygon {
                    let arcs: Vec<ArcUse> = ring
                        .iter()
                        .map(|&(arc, reversed)| ArcUse {
                            arc: local[arc],
                            reversed,
                        })
                        .collect();
                    for u in &arcs {
                        let sides = &mut topology.sides[u.arc];
                        sides.uses += 1;
                        sides.low = sides.low.min(feature);
                        sides.high = sides.high.max(feature);
                    }
                    rings.push(topology.rings.len());
                    topology.rings.push(RingArcs { arcs, origin: 0 });
                }
                shape.push(rings);
            }
            topology.shapes.push(shape);
        }
        Some(topology)
    }
}
