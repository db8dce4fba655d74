//! What lon/lat geometry goes through before it is projected (d3-geo's "preclip"): cut at
//! the projection's antimeridian, clipped to its domain (Mercator's latitudes, an azimuthal
//! horizon) and to the map's neighbourhood, so nothing far away reaches the projection (as
//! QGIS clips to the canvas).

use super::antimeridian::{clip_latitude, cut_at};
use super::clip::clip_to_cap;
use crate::geom::sphere::{angular_distance, Cap};
use crate::geom::{densify_bbox_area, Bounds, Flat, Pt};
use crate::projection::{Domain, Fit, Projection};

/// The cut and clips for one map's projection and neighbourhood.
#[derive(Clone, Copy)]
pub struct Preclip<'a> {
    pub projection: &'a Projection,
    domain: Domain,
    near: Option<Cap>,
}

impl<'a> Preclip<'a> {
    /// The preclip of a map drawn with `projection` into the pixel rectangle `frame`
    /// (`[x, y, w, h]`) showing `extent_ll`; `fit_pad` is a fitted extent's padding and
    /// `inset` whether a locator inset shows the surroundings too.
    pub fn new(
        projection: &'a Projection,
        extent_ll: [f64; 4],
        frame: [f64; 4],
        fit_pad: Option<f64>,
        inset: bool,
    ) -> Self {
        Preclip {
            projection,
            domain: projection.domain(),
            near: neighbourhood(projection, extent_ll, frame, fit_pad, inset),
        }
    }

    /// `flat` (lon/lat) made safe to project.
    pub fn apply(&self, flat: Flat) -> Flat {
        if self.projection.is_planar() {
            // Not longitude/latitude: no antimeridian, no domain.
            return flat;
        }
        let lon_0 = self.projection.central_meridian();
        let flat = cut_if_needed(flat, lon_0);
        match self.domain {
            Domain::World { min_lat, max_lat } => {
                let flat = if min_lat > -90.0 || max_lat < 90.0 {
                    clip_latitude(&flat, min_lat, max_lat)
                } else {
                    flat
                };
                match self.near {
                    // The cap may hold a pole or straddle the cut: cut again.
                    Some(cap) => cut_if_needed(clip_to_cap(&flat, cap), lon_0),
                    None => flat,
                }
            }
            Domain::Cap(horizon) => {
                // The neighbourhood alone when it lies within the horizon, else the horizon.
                let cap = self
                    .near
                    .filter(|n| {
                        angular_distance(n.centre, horizon.centre) + n.radius <= horizon.radius
                    })
                    .unwrap_or(horizon);
                clip_to_cap(&flat, cap)
            }
        }
    }

    /// `flat` (lon/lat) made safe to project, then projected to metres.
    pub fn project(&self, flat: Flat) -> Flat {
        crate::projection::project_flat(&self.apply(flat), self.projection)
    }
}

/// Cuts lon/lat geometry at the projection's antimeridian (so no edge streaks across a world
/// map) when it reaches it; cheap for data that crosses nothing: it comes back as it was.
fn cut_if_needed(flat: Flat, lon_0: f64) -> Flat {
    let spans_far = |pts: &[Pt]| pts.windows(2).any(|w| (w[1][0] - w[0][0]).abs() > 180.0);
    let near_edge = |pts: &[Pt]| pts.iter().any(|p| (p[0] - lon_0).abs() > 179.0 - 1e-9);
    let touches = flat
        .polygons
        .iter()
        .flatten()
        .any(|r| spans_far(r) || near_edge(r))
        || flat.lines.iter().any(|l| spans_far(l) || near_edge(l));
    if touches {
        cut_at(&flat, lon_0)
    } else {
        flat
    }
}

/// The lon/lat cap around the map that holds everything it can show: the frame (as the
/// extent fits it), grown for a fitted extent's padding and off-centre data and for the
/// locator inset (4× the frame). `None` when the frame reaches off the globe or round most
/// of it: then only the projection's domain limits the data.
fn neighbourhood(
    projection: &Projection,
    extent_ll: [f64; 4],
    frame: [f64; 4],
    fit_pad: Option<f64>,
    inset: bool,
) -> Option<Cap> {
    if projection.composite().is_some() {
        // The insets show places far from the frame's centre: each part clips to its box.
        return None;
    }
    let mut bb = Bounds::default();
    bb.add_all(&projection.forward_lenient(&densify_bbox_area(extent_ll, 64)));
    let fit = Fit::new(bb.get()?, frame, 0.0);
    let [fx, fy, fw, fh] = frame;
    let lon_lat = |px: Pt| -> Option<Pt> {
        let m = fit.to_projected(px);
        let ll = projection.inverse(m[0], m[1])?;
        // Some inverses answer off the globe; trust only those that come back.
        let back = projection.forward(ll[0], ll[1])?;
        let tolerance = 1e-6 * (fw + fh) / fit.scale;
        ((back[0] - m[0]).abs() <= tolerance && (back[1] - m[1]).abs() <= tolerance).then_some(ll)
    };
    let centre = lon_lat([fx + fw / 2.0, fy + fh / 2.0])?;
    let mut reach: f64 = 0.0;
    for i in 0..=32 {
        let t = f64::from(i) / 32.0;
        for px in [
            [fx + t * fw, fy],
            [fx + t * fw, fy + fh],
            [fx, fy + t * fh],
            [fx + fw, fy + t * fh],
        ] {
            reach = reach.max(angular_distance(centre, lon_lat(px)?));
        }
    }
    let mut grow = 1.5;
    if let Some(pad) = fit_pad {
        if !(0.0..0.45).contains(&pad) {
            return None;
        }
        grow *= 2.0 / (1.0 - 2.0 * pad);
    }
    if inset {
        grow *= 4.0;
    }
    let radius = reach * grow + 1.0;
    (radius.is_finite() && radius < 150.0).then_some(Cap { centre, radius })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world() -> Projection {
        Projection::parse("+proj=robin +lon_0=0").unwrap()
    }

    #[test]
    fn a_line_across_the_antimeridian_is_cut_there() {
        let projection = world();
        let preclip = Preclip::new(
            &projection,
            [-180.0, -60.0, 180.0, 80.0],
            [0.0, 0.0, 800.0, 400.0],
            None,
            false,
        );
        let line = Flat {
            lines: vec![vec![[170.0, 0.0], [-170.0, 0.0]]],
            ..Flat::default()
        };
        let cut = preclip.apply(line);
        assert_eq!(cut.lines.len(), 2, "{cut:?}");
        for l in &cut.lines {
            assert!(l.windows(2).all(|w| (w[1][0] - w[0][0]).abs() <= 180.0));
        }
    }

    #[test]
    fn data_far_from_a_small_map_is_clipped_away() {
        let projection = Projection::auto([68.0, 36.0, 69.0, 37.0]).unwrap();
        let frame = [0.0, 0.0, 600.0, 400.0];
        let preclip = Preclip::new(
            &projection,
            [68.0, 36.0, 69.0, 37.0],
            frame,
            Some(0.04),
            false,
        );
        let near_and_far = Flat {
            points: vec![[68.5, 36.5], [-100.0, 40.0]],
            ..Flat::default()
        };
        assert_eq!(preclip.apply(near_and_far).points, vec![[68.5, 36.5]]);
    }
}
