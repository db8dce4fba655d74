//! The lon/lat box a map shows: the spec's bbox, or the box around the layers it is fitted
//! to (centred on the antimeridian when the data lies on both sides of it), grown to a
//! minimum size around a point or a few metres of data.

use super::select::SelectedLayer;
use crate::error::{Error, Result};
use crate::geom::Bounds;
use crate::spec::{Extent, Layer, Spec};
use geo::BoundingRect;
use rayon::prelude::*;

/// The map's lon/lat extent `[west, south, east, north]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LonLatExtent {
    /// The box to show, already grown to a minimum size (a 20 km neighbourhood round a
    /// point, 1 km across at least) when the data is that small.
    pub bbox: [f64; 4],
    /// The grown box when the data was too small to show on its own (the projected fit
    /// must hold it too).
    pub minimum: Option<[f64; 4]>,
}

/// Is layer `l` one of those the map's extent is fitted to?
pub fn fits_extent(extent: &Extent, l: &Layer) -> bool {
    match extent {
        Extent::Fit { layers, .. } => layers.is_empty() || layers.contains(&l.id),
        Extent::BBox(_) => false,
    }
}

/// The extent of `spec` over its selected `layers`; an error when the layers it is fitted
/// to have no geometry at all.
pub fn lon_lat_extent(spec: &Spec, layers: &[SelectedLayer]) -> Result<LonLatExtent> {
    let fitted = || {
        layers
            .iter()
            .filter(|ld| fits_extent(&spec.extent, ld.spec))
    };
    // Planar data (screen coordinates) has no antimeridian and no metres to grow by.
    let planar = layers.iter().any(|ld| ld.dataset.planar().is_some());
    let bbox = match &spec.extent {
        Extent::BBox(b) => *b,
        Extent::Fit { .. } => {
            // One pass over the coordinates, feature by feature in parallel: the box round
            // each part of each geometry; the whole box is the box round the parts.
            let geometries: Vec<&geo::Geometry<f64>> = fitted()
                .flat_map(|ld| ld.source_features().filter_map(|f| f.geometry.as_ref()))
                .collect();
            data_box(&geometries, planar).ok_or_else(|| {
                let names: Vec<String> = fitted()
                    .map(|ld| format!("{:?} ({})", ld.spec.id, ld.spec.source.display()))
                    .collect();
                // A CSV/TSV table without coordinate columns is read as a table, for joins.
                let table = fitted().any(|ld| matches!(ld.dataset.format, "CSV" | "TSV"));
                let hint = if table {
                    "; a table without coordinate columns is read as a table: name its coordinate columns with the layer keys x = \"...\" and y = \"...\" (draw: --x and --y)"
                } else {
                    ""
                };
                Error::render(
                    &spec.file,
                    format!(
                        "the layers the map is fitted to have no geometry (every feature's \"geometry\" is null): {}{hint}",
                        names.join(", ")
                    ),
                )
            })?
        }
    };
    Ok(shown_box(bbox, planar))
}

/// The lon/lat box round `geometries` `[west, south, east, north]`, centred on the
/// antimeridian (`east < west`) when they lie on both sides of it (Fiji, Chukotka) and are
/// not planar; `None` when none has a position. What a map fitted to them shows, before
/// [`shown_box`].
pub fn data_box(geometries: &[&geo::Geometry<f64>], planar: bool) -> Option<[f64; 4]> {
    // One pass over the coordinates, feature by feature in parallel: the box round each
    // part of each geometry; the whole box is the box round the parts.
    let parts: Vec<Vec<[f64; 4]>> = geometries
        .par_iter()
        .map(|g| {
            let mut rects = Vec::new();
            part_rects(g, &mut rects);
            rects
        })
        .collect();
    let mut b = Bounds::default();
    let mut spans = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for r in parts.iter().flatten() {
        b.merge(*r);
        spans.push([r[0], r[2]]);
    }
    b.get().map(
        |[w, s, e, n]| match crate::projection::longitude_arc(spans) {
            Some([west, east]) if east < west && !planar => [west, s, east, n],
            _ => [w, s, e, n],
        },
    )
}

/// The box a map of `bbox` shows: a point (or a box a few metres across) gets a
/// neighbourhood to be seen in; planar data is shown as it is.
pub fn shown_box(bbox: [f64; 4], planar: bool) -> LonLatExtent {
    let minimum = if planar { None } else { minimum_box(bbox) };
    LonLatExtent {
        bbox: minimum.unwrap_or(bbox),
        minimum,
    }
}

/// The box `[west, south, east, north]` round each part of `g` (each polygon's exterior,
/// line or point of a multi-geometry), for the extent and for finding the narrowest arc
/// of longitude that holds the data.
fn part_rects(g: &geo::Geometry<f64>, out: &mut Vec<[f64; 4]>) {
    use geo::Geometry as G;
    let mut push = |r: Option<geo::Rect<f64>>| {
        if let Some(r) = r {
            out.push([r.min().x, r.min().y, r.max().x, r.max().y]);
        }
    };
    match g {
        G::MultiPolygon(mp) => mp.0.iter().for_each(|p| push(p.bounding_rect())),
        G::MultiLineString(ml) => ml.0.iter().for_each(|l| push(l.bounding_rect())),
        G::MultiPoint(mp) => mp.0.iter().for_each(|p| push(Some(p.bounding_rect()))),
        G::GeometryCollection(gc) => gc.0.iter().for_each(|g| part_rects(g, out)),
        other => push(other.bounding_rect()),
    }
}

/// Ground size below which an extent is too small to show on its own: a single point (or
/// features a metre apart) gets a 20 km neighbourhood, anything under a kilometre is shown
/// a kilometre across. Without this a one-point map fits a box of zero size and its scale
/// bar reads "0 km".
const POINT_NEIGHBOURHOOD_M: f64 = 20_000.0;
const MIN_EXTENT_M: f64 = 1_000.0;

/// The lon/lat box to show around `extent` when it is smaller than [`MIN_EXTENT_M`]
/// (centred on it); `None` when the extent is big enough as it is.
fn minimum_box(extent: [f64; 4]) -> Option<[f64; 4]> {
    const M_PER_DEG_LAT: f64 = 110_574.0;
    const M_PER_DEG_LON: f64 = 111_320.0;
    let [w, s, e, n] = extent;
    let (lon, lat) = ((w + e) / 2.0, (s + n) / 2.0);
    let cos = lat.to_radians().cos().max(1e-6);
    let width = (e - w).abs() * M_PER_DEG_LON * cos;
    let height = (n - s).abs() * M_PER_DEG_LAT;
    let size = width.max(height);
    if !size.is_finite() || size >= MIN_EXTENT_M {
        return None;
    }
    let half = if size < 1.0 {
        POINT_NEIGHBOURHOOD_M / 2.0
    } else {
        MIN_EXTENT_M / 2.0
    };
    let dlat = half / M_PER_DEG_LAT;
    let dlon = (half / (M_PER_DEG_LON * cos)).min(179.0);
    Some([
        lon - dlon,
        (lat - dlat).max(-90.0),
        lon + dlon,
        (lat + dlat).min(90.0),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_gets_a_neighbourhood_and_a_big_box_none() {
        let b = minimum_box([10.0, 50.0, 10.0, 50.0]).unwrap();
        assert!(b[0] < 10.0 && b[2] > 10.0 && b[1] < 50.0 && b[3] > 50.0);
        assert_eq!(minimum_box([0.0, 0.0, 1.0, 1.0]), None);
    }
}
