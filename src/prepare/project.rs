//! Selected layers projected once: each feature cut and clipped ([`Preclip`]), projected to
//! metres, simplified together over shared borders; line layers (`lines`, `border_with`)
//! made from the shared arcs; and the projected bounds fitted to the map frame.

use super::extent::{fits_extent, LonLatExtent};
use super::preclip::Preclip;
use super::select::SelectedLayer;
use super::source_arcs::{topologies, SourceFeature};
use super::topology::Topology;
use crate::error::{Error, Result};
use crate::geom::{densify_bbox, densify_bbox_area, flatten, Bounds, Flat, Ring};
use crate::projection::{Fit, Projection};
use crate::sources::{DataCache, Dataset, Feature};
use crate::spec::{Extent, Layer, LayerGeometry, Spec};
use rayon::prelude::*;
use std::sync::Arc;

/// The source index of a line layer's one entry, which no source feature is behind.
pub const MADE_LINES: usize = usize::MAX;

/// One layer in projected metres.
pub struct PreparedLayer<'a> {
    pub spec: &'a Layer,
    pub dataset: Arc<Dataset>,
    /// Index of each source feature and its geometry in projected metres; a line layer
    /// holds one entry, [`MADE_LINES`], with every line.
    pub features: Vec<(usize, Flat)>,
}

impl PreparedLayer<'_> {
    /// The source feature behind entry `i`; `None` for lines made from the topology.
    pub fn feature(&self, i: usize) -> Option<&Feature> {
        self.dataset.features.get(i)
    }
}

/// Projects every selected layer through `preclip` (in parallel, feature by feature),
/// simplifies polygons over shared borders when `simplify` is set, and turns line layers
/// into their lines (loading a `border_with` source through `cache`). With a one-shot
/// `cache` the lon/lat geometry is freed once projected.
pub fn project_layers<'a>(
    selected: Vec<SelectedLayer<'a>>,
    preclip: &Preclip,
    simplify: Option<f64>,
    cache: &DataCache,
) -> Result<Vec<PreparedLayer<'a>>> {
    let mut layers: Vec<PreparedLayer> = selected
        .into_iter()
        .map(|sl| PreparedLayer {
            features: sl
                .features
                .par_iter()
                .map(|i| {
                    let mut flat = Flat::default();
                    if let Some(g) = &sl.dataset.features[*i].geometry {
                        flatten(g, &mut flat);
                    }
                    (*i, preclip.project(flat))
                })
                .collect(),
            spec: sl.spec,
            dataset: sl.dataset,
        })
        .collect();
    if let Some(share) = simplify {
        simplify_polygons(&mut layers, share, preclip.projection);
    }
    for ld in layers.iter_mut() {
        if ld.spec.geometry != LayerGeometry::Features {
            let lines = layer_lines(ld, cache, preclip)?;
            ld.features = vec![(MADE_LINES, lines)];
        }
    }
    if cache.one_shot {
        // The lon/lat geometry is projected; free it (ids and properties stay).
        for ld in layers.iter_mut() {
            cache.forget(&ld.spec.source);
            if let Some(ds) = Arc::get_mut(&mut ld.dataset) {
                ds.topology = None;
                for f in &mut ds.features {
                    f.geometry = None;
                }
            }
        }
    }
    Ok(layers)
}

/// Simplifies every polygon layer together with one topology, so borders shared between
/// features (and between layers drawing the same borders) stay identical on both sides:
/// the TopoJSON file's own arcs when they describe the polygons exactly (see
/// [`topologies`]), else arcs found by snapping.
pub fn simplify_polygons(layers: &mut [PreparedLayer], share: f64, projection: &Projection) {
    // Each source feature once, however many layers draw it.
    let mut keys: Vec<(usize, usize)> = Vec::new();
    let mut sources: Vec<(Arc<Dataset>, usize)> = Vec::new();
    let mut polygons = Vec::new();
    let mut uses: Vec<(usize, usize, usize)> = Vec::new();
    for (li, ld) in layers.iter().enumerate() {
        for (k, (fi, flat)) in ld.features.iter().enumerate() {
            if flat.polygons.is_empty() {
                continue;
            }
            let key = (ld.dataset.source_key(), *fi);
            let slot = match keys.iter().position(|x| *x == key) {
                Some(s) => s,
                None => {
                    keys.push(key);
                    sources.push((Arc::clone(&ld.dataset), *fi));
                    polygons.push(flat.polygons.clone());
                    keys.len() - 1
                }
            };
            uses.push((li, k, slot));
        }
    }
    let features: Vec<SourceFeature> = sources
        .iter()
        .zip(&polygons)
        .map(|((d, i), p)| (d, *i, p.as_slice()))
        .collect();
    let mut simplified: Vec<Vec<Vec<Ring>>> = vec![Vec::new(); polygons.len()];
    for (mut topology, members) in topologies(&features, projection) {
        topology.simplify(share);
        for (slot, p) in members.into_iter().zip(topology.polygons()) {
            simplified[slot] = p;
        }
    }
    for (li, k, slot) in uses {
        layers[li].features[k].1.polygons = simplified[slot].clone();
    }
}

/// The lines a `lines = …` or `border_with` layer draws, from the shared arcs of its
/// polygons (projected).
pub fn layer_lines(ld: &PreparedLayer, cache: &DataCache, preclip: &Preclip) -> Result<Flat> {
    let mut features: Vec<Vec<Vec<Ring>>> = ld
        .features
        .iter()
        .map(|(_, f)| f.polygons.clone())
        .collect();
    let own = features.len();
    // The file's own arcs where the polygons are still exactly theirs (not simplified).
    let arcs_lines = |inner: bool| {
        let sources: Vec<SourceFeature> = ld
            .features
            .iter()
            .filter(|(_, f)| !f.polygons.is_empty())
            .map(|(i, f)| (&ld.dataset, *i, f.polygons.as_slice()))
            .collect();
        let mut lines = Vec::new();
        for (topology, _) in topologies(&sources, preclip.projection) {
            lines.extend(if inner {
                topology.inner_lines()
            } else {
                topology.outer_lines()
            });
        }
        lines
    };
    let lines = match &ld.spec.geometry {
        LayerGeometry::Features => return Ok(Flat::default()),
        LayerGeometry::InnerLines => arcs_lines(true),
        LayerGeometry::OuterLines => arcs_lines(false),
        LayerGeometry::BorderWith { source, filter } => {
            let other = cache.get(source)?;
            for f in other.select(filter) {
                let mut flat = Flat::default();
                if let Some(g) = &f.geometry {
                    flatten(g, &mut flat);
                }
                features.push(preclip.project(flat).polygons);
            }
            let a: Vec<usize> = (0..own).collect();
            let b: Vec<usize> = (own..features.len()).collect();
            Topology::build(&features).shared_border(&a, &b)
        }
    };
    if lines.is_empty() {
        return Err(no_lines(ld, own, features.len() - own));
    }
    Ok(Flat {
        lines,
        ..Flat::default()
    })
}

/// Why a `lines` or `border_with` layer has nothing to draw: its data, not the projection
/// (an empty layer used to surface as "cannot represent the map's extent").
fn no_lines(ld: &PreparedLayer, own: usize, others: usize) -> Error {
    let id = &ld.spec.id;
    let polygons = ld
        .features
        .iter()
        .filter(|(_, f)| !f.polygons.is_empty())
        .count();
    let message = match &ld.spec.geometry {
        LayerGeometry::InnerLines => format!(
            "layer {id:?} draws `lines = \"inner\"`, but no two of its {polygons} polygon features (of {own} selected) share a border: inner lines come from borders neighbouring polygons share exactly; draw the features themselves (remove `lines`) or use `lines = \"outer\"`"
        ),
        LayerGeometry::OuterLines => format!(
            "layer {id:?} draws `lines = \"outer\"`, but none of its {own} selected features is a polygon: outlines need polygons; remove `lines` to draw the features"
        ),
        LayerGeometry::BorderWith { source, .. } => format!(
            "layer {id:?} draws `border_with`, but none of its {polygons} polygon features shares a border with the {others} features selected from {}: check both `where` filters and that the two files use the same boundaries",
            source.display()
        ),
        LayerGeometry::Features => format!("layer {id:?} has nothing to draw"),
    };
    Error::data(&ld.spec.source, "", message)
}

/// Projected metres → pixels of `frame` (`[x, y, w, h]`): the projected bbox, or the
/// projected bounds of the layers the extent is fitted to (with its padding), always
/// holding the extent's minimum box.
pub fn fit_to_frame(
    spec: &Spec,
    preclip: &Preclip,
    layers: &[PreparedLayer],
    extent: &LonLatExtent,
    frame: [f64; 4],
) -> Result<Fit> {
    let projection = preclip.projection;
    let (projected_bounds, pad) = match &spec.extent {
        Extent::BBox(b) => {
            let mut bb = Bounds::default();
            bb.add_all(&projection.forward_lenient(&densify_bbox_area(*b, 64)));
            (bb.get(), 0.0)
        }
        Extent::Fit { pad, .. } => {
            let mut bb = Bounds::default();
            for ld in layers
                .iter()
                .filter(|ld| fits_extent(&spec.extent, ld.spec))
            {
                for (_, f) in &ld.features {
                    if let Some(fb) = f.bounds() {
                        bb.merge(fb);
                    }
                }
            }
            (bb.get(), *pad)
        }
    };
    let projected_bounds = match (projected_bounds, extent.minimum) {
        (Some(b), Some(nb)) => {
            let mut bb = Bounds::default();
            bb.merge(b);
            bb.add_all(&projection.forward_lenient(&densify_bbox(nb, 16)));
            bb.get()
        }
        (b, _) => b,
    };
    let projected_bounds = projected_bounds.ok_or_else(|| {
        Error::render(
            &spec.file,
            format!(
                "projection {} cannot represent the map's extent{}",
                projection.definition,
                if projection.composite().is_some() {
                    ": it draws only the lower 48 states, Alaska and Hawaii, and none of the map's data or extent lies there; use another projection"
                } else {
                    ""
                }
            ),
        )
    })?;
    Ok(Fit::new(projected_bounds, frame, pad))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prepare::extent::lon_lat_extent;

    #[test]
    fn a_bbox_extent_fills_the_frame() {
        let spec = crate::spec::parse(
            "extent = { bbox = [66.6, 35.9, 71.2, 38.85] }\n[[layer]]\nid = \"a\"\nsource = \"a.geojson\"\n",
            std::path::Path::new("t.toml"),
        )
        .unwrap();
        let extent = lon_lat_extent(&spec, &[]).unwrap();
        let projection = crate::projection::Projection::auto(extent.bbox).unwrap();
        let frame = [10.0, 20.0, 600.0, 400.0];
        let preclip = Preclip::new(&projection, extent.bbox, frame, None, false);
        let fit = fit_to_frame(&spec, &preclip, &[], &extent, frame).unwrap();
        let centre = projection.forward(68.9, 37.375).unwrap();
        let [x, y] = fit.to_pixel(centre);
        assert!(
            (x - 310.0).abs() < 5.0 && (y - 220.0).abs() < 5.0,
            "{x} {y}"
        );
    }
}
