//! The shared topology of polygons read from a TopoJSON file, taken from the file's own
//! arcs (projected) instead of rebuilt from coordinates: exact, and no snapping.
//!
//! The file's arcs describe a feature only while preclip left its rings intact, so that
//! each projected ring is, position for position, its arcs projected and stitched. Features
//! are grouped by the arcs they share (a group is everything connected by borders); a group
//! whose features are all intact uses the file's arcs. The rest fall back to
//! [`Topology::build`], which finds shared borders by snapping: a group with a ring cut at
//! the antimeridian (Alaska's Aleutians, Russia's Chukotka) or clipped to the map's
//! neighbourhood or the projection's domain, a position the projection could not take, or
//! polygons simplified already; and everything when the features are not all from one
//! TopoJSON file. Groups share no arc, so simplifying each on its own opens no gap.

use super::topology::{ShapeArcUses, Topology};
use crate::geom::{Pt, Ring};
use crate::projection::Projection;
use crate::sources::{Dataset, SourceTopology};
use std::sync::Arc;

/// A feature to cover: its dataset, its index there, and its projected polygons.
pub type SourceFeature<'a> = (&'a Arc<Dataset>, usize, &'a [Vec<Ring>]);

/// Topologies that together cover `features`, each with the indices (into `features`) of
/// the features it holds, in order: the file's own arcs for the groups that allow it, a
/// snapped build for the rest (see the module's documentation).
pub fn topologies(
    features: &[SourceFeature],
    projection: &Projection,
) -> Vec<(Topology, Vec<usize>)> {
    let (mut parts, rest) = match from_source(features, projection) {
        Some((topology, members, rest)) => (vec![(topology, members)], rest),
        None => (Vec::new(), (0..features.len()).collect()),
    };
    if !rest.is_empty() {
        let polygons: Vec<Vec<Vec<Ring>>> = rest.iter().map(|&k| features[k].2.to_vec()).collect();
        parts.push((Topology::build(&polygons), rest));
    }
    parts
}

/// The topology of the features whose group the file's arcs describe exactly, those
/// features, and the others; `None` when there are none.
fn from_source(
    features: &[SourceFeature],
    projection: &Projection,
) -> Option<(Topology, Vec<usize>, Vec<usize>)> {
    let (first, _, _) = features.first()?;
    let source: &SourceTopology = first.topology.as_deref()?;
    if !features
        .iter()
        .all(|(d, _, _)| d.source_key() == first.source_key())
    {
        return None;
    }
    let mut projected: Vec<Option<Vec<Pt>>> = vec![None; source.arc_count()];
    let mut intact = vec![true; features.len()];
    let mut uses: Vec<ShapeArcUses> = Vec::with_capacity(features.len());
    let mut groups = Groups::new(features.len(), source.arc_count());
    for (k, (_, index, polygons)) in features.iter().enumerate() {
        let shape = source.shapes.get(*index)?;
        let feature_uses: ShapeArcUses = shape
            .iter()
            .map(|rings| {
                rings
                    .iter()
                    .map(|arcs| arcs.iter().map(|r| (r.arc as usize, r.reversed)).collect())
                    .collect()
            })
            .collect();
        for &(arc, _) in feature_uses.iter().flatten().flatten() {
            groups.share(k, arc)?;
            let slot = projected.get_mut(arc)?;
            if slot.is_none() {
                let points = source.arc(arc);
                let p = projection.forward_lenient(points);
                // A position the projection could not take leaves no arc to compare.
                *slot = Some(if p.len() == points.len() {
                    p
                } else {
                    Vec::new()
                });
            }
        }
        intact[k] = feature_uses.len() == polygons.len()
            && feature_uses
                .iter()
                .zip(polygons.iter())
                .all(|(rings_uses, rings)| {
                    rings_uses.len() == rings.len()
                        && rings_uses
                            .iter()
                            .zip(rings)
                            .all(|(ring_uses, ring)| stitches_to(&projected, ring_uses, ring))
                });
        uses.push(feature_uses);
    }
    let group_intact = groups.all(&intact);
    let (members, rest): (Vec<usize>, Vec<usize>) =
        (0..features.len()).partition(|&k| group_intact[groups.root(k)]);
    if members.is_empty() {
        return None;
    }
    let arcs: Vec<&[Pt]> = projected
        .iter()
        .map(|a| a.as_deref().unwrap_or(&[]))
        .collect();
    let member_uses: Vec<ShapeArcUses> = members.iter().map(|&k| uses[k].clone()).collect();
    let topology = Topology::from_arcs(&arcs, &member_uses)?;
    Some((topology, members, rest))
}

/// Features joined by the arcs they share (union-find).
struct Groups {
    parent: Vec<usize>,
    /// The first feature seen using each arc.
    arc_user: Vec<usize>,
}

impl Groups {
    fn new(features: usize, arcs: usize) -> Groups {
        Groups {
            parent: (0..features).collect(),
            arc_user: vec![usize::MAX; arcs],
        }
    }

    fn root(&self, mut k: usize) -> usize {
        while self.parent[k] != k {
            k = self.parent[k];
        }
        k
    }

    /// Feature `k` uses `arc`: it joins the group of the arc's other users.
    fn share(&mut self, k: usize, arc: usize) -> Option<()> {
        let user = *self.arc_user.get(arc)?;
        if user == usize::MAX {
            self.arc_user[arc] = k;
            return Some(());
        }
        let (a, b) = (self.root(user), self.root(k));
        // The lower root wins, so chains stay short enough and the result is deterministic.
        let (low, high) = (a.min(b), a.max(b));
        self.parent[high] = low;
        // Path halving for `k`'s chain keeps later lookups short.
        let mut j = k;
        while self.parent[j] != j {
            let next = self.parent[j];
            self.parent[j] = low;
            j = next;
        }
        Some(())
    }

    /// For each root, whether every feature of its group is `intact`.
    fn all(&self, intact: &[bool]) -> Vec<bool> {
        let mut ok = vec![true; self.parent.len()];
        for (k, &i) in intact.iter().enumerate() {
            if !i {
                ok[self.root(k)] = false;
            }
        }
        ok
    }
}

/// Whether `ring` is exactly the arcs stitched as the reader stitched them (each arc after
/// the first starts where the previous ends; a ring open by a quantization step closed).
fn stitches_to(projected: &[Option<Vec<Pt>>], uses: &[(usize, bool)], ring: &[Pt]) -> bool {
    let mut at = 0usize;
    for (k, &(arc, reversed)) in uses.iter().enumerate() {
        let Some(Some(points)) = projected.get(arc) else {
            return false;
        };
        if points.is_empty() {
            return false;
        }
        if k > 0 {
            // This arc's first position stands where the previous arc's last did.
            at = at.saturating_sub(1);
        }
        let n = points.len();
        for i in 0..n {
            let p = points[if reversed { n - 1 - i } else { i }];
            if ring.get(at) != Some(&p) {
                return false;
            }
            at += 1;
        }
    }
    // What is left can only be the closing position the reader added.
    match ring.len().checked_sub(at) {
        Some(0) => true,
        Some(1) => ring.first() == ring.last(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::{flatten, Flat};
    use crate::prepare::preclip::Preclip;

    fn registry(file: &str) -> std::path::PathBuf {
        let root = std::env::var_os("MAPFIG_REGISTRY_DATA").map_or_else(
            || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/registry-data"),
            std::path::PathBuf::from,
        );
        let path = root.join(file);
        assert!(
            path.exists(),
            "{} is missing: run: bash tests/data/fetch-registry.sh",
            path.display()
        );
        path
    }

    #[test]
    fn us_states_use_the_files_arcs_except_where_the_antimeridian_cuts() {
        let data = Arc::new(crate::sources::load(&registry("us-atlas/states-10m.json")).unwrap());
        let projection = Projection::parse("+proj=lcc +lat_1=33 +lat_2=45 +lon_0=-96").unwrap();
        let preclip = Preclip::new(
            &projection,
            [-180.0, 18.0, 180.0, 72.0],
            [0.0, 0.0, 1600.0, 1200.0],
            Some(0.0),
            false,
        );
        let range = data.object_range(Some("states"), "test").unwrap();
        let flats: Vec<(usize, Flat)> = range
            .map(|i| {
                let mut flat = Flat::default();
                flatten(data.features[i].geometry.as_ref().unwrap(), &mut flat);
                (i, preclip.project(flat))
            })
            .collect();
        let features: Vec<SourceFeature> = flats
            .iter()
            .map(|(i, f)| (&data, *i, f.polygons.as_slice()))
            .collect();
        let parts = topologies(&features, &projection);
        assert_eq!(parts.len(), 2);
        // Alaska, Guam and the Northern Mariana Islands reach the antimeridian: cut, they
        // are no longer the file's arcs.
        let rest: Vec<&str> = parts[1]
            .1
            .iter()
            .map(|&k| data.features[flats[k].0].id.as_str())
            .collect();
        assert_eq!(rest, ["02", "66", "69"]);
        assert_eq!(parts[0].1.len(), 53);
        // The same borders as snapping finds (the file cuts some into more arcs).
        let own: Vec<Vec<Vec<Ring>>> = parts[0].1.iter().map(|&k| features[k].2.to_vec()).collect();
        let length = |lines: Vec<Vec<Pt>>| -> f64 {
            lines
                .iter()
                .flat_map(|l| l.windows(2))
                .map(|w| (w[1][0] - w[0][0]).hypot(w[1][1] - w[0][1]))
                .sum()
        };
        let (arcs, snapped) = (
            length(parts[0].0.inner_lines()),
            length(Topology::build(&own).inner_lines()),
        );
        assert!(
            arcs > 1e7 && (arcs - snapped).abs() < 1e-6 * arcs,
            "{arcs} m against {snapped} m"
        );
        assert_eq!(parts[0].0.polygons().len(), 53);
    }

    #[test]
    fn a_map_of_the_lower_48_keeps_the_files_arcs_within_its_neighbourhood() {
        let data = Arc::new(crate::sources::load(&registry("us-atlas/states-10m.json")).unwrap());
        let projection = Projection::parse("EPSG:5070").unwrap();
        let preclip = Preclip::new(
            &projection,
            [-125.0, 24.0, -66.0, 50.0],
            [0.0, 0.0, 1000.0, 600.0],
            Some(0.04),
            false,
        );
        let range = data.object_range(Some("states"), "test").unwrap();
        let flats: Vec<(usize, Flat)> = range
            .filter_map(|i| {
                let mut flat = Flat::default();
                flatten(data.features[i].geometry.as_ref()?, &mut flat);
                let flat = preclip.project(flat);
                (!flat.polygons.is_empty()).then_some((i, flat))
            })
            .collect();
        let features: Vec<SourceFeature> = flats
            .iter()
            .map(|(i, f)| (&data, *i, f.polygons.as_slice()))
            .collect();
        // Clipping to the map's neighbourhood leaves the states within it whole: all but
        // the three the antimeridian cuts use the file's arcs.
        let parts = topologies(&features, &projection);
        assert_eq!(parts.len(), 2);
        let rest: Vec<&str> = parts[1]
            .1
            .iter()
            .map(|&k| data.features[flats[k].0].id.as_str())
            .collect();
        assert_eq!(rest, ["02", "66", "69"]);
        assert_eq!(parts[0].1.len() + 3, features.len());
    }
}
