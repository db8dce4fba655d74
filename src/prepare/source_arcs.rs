//! The shared topology of polygons read from a TopoJSON file, taken from the file's own
//! arcs (projected) instead of rebuilt from coordinates: exact, and no snapping.
//!
//! It is used only when it describes exactly the polygons prepare holds: every feature
//! comes from one and the same file's topology, and preclip left every ring intact, so
//! each projected ring is, position for position, its arcs projected and stitched. When
//! anything differs — features of other files or formats, a ring cut at the antimeridian
//! or clipped to the map's neighbourhood or the projection's domain, a position the
//! projection could not take, polygons simplified already — the caller falls back to
//! [`Topology::build`], which finds shared borders by snapping.

use super::topology::{ShapeArcUses, Topology};
use crate::geom::{Pt, Ring};
use crate::projection::Projection;
use crate::sources::{Dataset, SourceTopology};
use std::sync::Arc;

/// The topology of `features` (each a source feature of `datasets` and its projected
/// polygons) from their file's own arcs, or `None` when that would not describe them
/// exactly (see the module's documentation).
pub fn source_topology(
    features: &[(&Arc<Dataset>, usize, &[Vec<Ring>])],
    projection: &Projection,
) -> Option<Topology> {
    let (first, _, _) = features.first()?;
    let source: &SourceTopology = first.topology.as_deref()?;
    if !features.iter().all(|(d, _, _)| Arc::ptr_eq(d, first)) {
        return None;
    }
    let mut projected: Vec<Option<Vec<Pt>>> = vec![None; source.arc_count()];
    let mut uses: Vec<ShapeArcUses> = Vec::with_capacity(features.len());
    for (_, index, polygons) in features {
        let shape = source.shapes.get(*index)?;
        if shape.len() != polygons.len() {
            return None;
        }
        let mut feature_uses = Vec::with_capacity(shape.len());
        for (rings_arcs, rings) in shape.iter().zip(polygons.iter()) {
            if rings_arcs.len() != rings.len() {
                return None;
            }
            let mut polygon_uses = Vec::with_capacity(rings.len());
            for (arcs, ring) in rings_arcs.iter().zip(rings) {
                for r in arcs {
                    let slot = projected.get_mut(r.arc as usize)?;
                    if slot.is_none() {
                        let arc = source.arc(r.arc as usize);
                        let p = projection.forward_lenient(arc);
                        // A position the projection could not take: not the same arc.
                        if p.len() != arc.len() {
                            return None;
                        }
                        *slot = Some(p);
                    }
                }
                let ring_uses: Vec<(usize, bool)> =
                    arcs.iter().map(|r| (r.arc as usize, r.reversed)).collect();
                if !stitches_to(&projected, &ring_uses, ring) {
                    return None;
                }
                polygon_uses.push(ring_uses);
            }
            feature_uses.push(polygon_uses);
        }
        uses.push(feature_uses);
    }
    let arcs: Vec<&[Pt]> = projected
        .iter()
        .map(|a| a.as_deref().unwrap_or(&[]))
        .collect();
    Topology::from_arcs(&arcs, &uses)
}

/// Whether `ring` is exactly the arcs stitched as the reader stitched them (each arc after
/// the first starts where the previous ends; a ring open by a quantization step closed).
fn stitches_to(projected: &[Option<Vec<Pt>>], uses: &[(usize, bool)], ring: &[Pt]) -> bool {
    let mut at = 0usize;
    for (k, &(arc, reversed)) in uses.iter().enumerate() {
        let Some(Some(points)) = projected.get(arc) else {
            return false;
        };
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
