//! Simplifying a [`Topology`]: Visvalingam–Whyatt on the shared arcs, so neighbours stay
//! identical along their border, and keep-shapes, so no ring collapses.

use super::visvalingam::EffectiveAreas;
use super::Topology;

impl Topology {
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
}
