//! Lines out of a [`Topology`]: inner borders, the outline, and the border between two
//! groups of features chained into as few polylines as its shape allows.

use super::{Sides, Topology};
use crate::geom::Line;

impl Topology {
    /// Arcs between two different features (inner borders), each once, as polylines in
    /// arc order. Seams between polygons of one feature are left out: they border nothing.
    pub fn inner_lines(&self) -> Vec<Line> {
        self.lines_where(|sides| sides.is_inner())
    }

    /// Arcs used by only one ring: the outline of the whole set, in arc order.
    pub fn outer_lines(&self) -> Vec<Line> {
        self.lines_where(|sides| sides.uses == 1)
    }

    fn lines_where(&self, keep: impl Fn(&Sides) -> bool) -> Vec<Line> {
        (0..self.sides.len())
            .filter(|&arc| keep(&self.sides[arc]))
            .map(|arc| self.arc_line(arc, false))
            .collect()
    }

    /// The kept points of an arc, in either direction.
    fn arc_line(&self, arc: usize, reversed: bool) -> Line {
        self.positions(arc, reversed)
            .filter(|&p| self.kept[p])
            .map(|p| self.points[self.arc_points[p] as usize])
            .collect()
    }

    /// The border between feature group `a` and group `b` (feature indices): the arcs with
    /// a feature of each group on their two sides, chained into as few polylines as the
    /// border's shape allows (a closed ring when one group encloses the other), in a
    /// deterministic order.
    pub fn shared_border(&self, a: &[usize], b: &[usize]) -> Vec<Line> {
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
    fn chain(&self, arcs: &[usize]) -> Vec<Line> {
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
            let mut line: Line = Vec::new();
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
}
