//! Preparing lon/lat geometry for world maps so that no edge jumps across the map once
//! projected: [`cut`] splits polygons and lines at the antimeridian (RFC 7946 §3.1.9),
//! [`cut_at`] at a projection's own antimeridian, [`clip_latitude`] trims to a latitude band
//! (Web Mercator cannot show the poles).
//!
//! The work is planar in degrees, the way the data is drawn. A ring is first *unwrapped* so
//! its longitudes run continuously (an edge from 179.9 to -179.9 becomes one from 179.9 to
//! 180.1, as d3 and TopoJSON data already are), a ring that then winds once round the globe
//! is closed along the nearer pole, and the result is clipped into 360°-wide strips, each
//! shifted back into range. Rings may be wound either way: each is clipped in a normalized
//! orientation and handed back in the one it came in.
//!
//! Unwrapping, closing round a pole and cutting into strips live in `strips.rs`; clipping to
//! one side of a meridian or parallel, which both cutting and [`clip_latitude`] use, in
//! `half_plane.rs`.

mod half_plane;
mod strips;
#[cfg(test)]
mod tests;

use crate::geom::{Flat, Pt};
use half_plane::{oriented, restore, HalfPlane};
use strips::{cut_line, cut_polygon};

pub use crate::projection::WEB_MERCATOR_MAX_LAT;

/// Edges this module adds (along a cut meridian, a clipped parallel or a pole) are split into
/// steps no longer than this, in degrees: projected, they then follow the map's outline even
/// where meridians curve (Robinson) or the pole is an arc (Albers).
const STEP: f64 = 1.0;

/// Longitudes this close to a seam (degrees, about 0.1 mm) count as on it: with a fractional
/// `lon_0` the seam is not exactly representable after whole turns, and without slack a part
/// could come back with a hair-thin sliver on the far side.
const SEAM_SLACK: f64 = 1e-9;

/// Cuts polygons and lines that cross the antimeridian into parts on either side, so every
/// longitude is within -180..=180 and no edge spans more than 180° of longitude.
///
/// An edge spanning more than 180° is taken to cross the antimeridian the short way, and
/// longitudes beyond ±180 (unwrapped d3/TopoJSON data) are taken as they run. An edge along a
/// pole keeps its span. A ring that winds round the globe (Antarctica drawn from -180 to 180)
/// is closed along the pole nearer to it, whichever way it is wound. Data already cut
/// (pieces touching ±180 from either side) comes back unchanged.
///
/// ```
/// use mapfig::prepare::antimeridian::cut;
/// use mapfig::geom::Flat;
///
/// // Jumps from 178 to -179 and back: crosses the antimeridian twice.
/// let ring = vec![[178.0, -18.0], [-179.0, -18.0], [-179.0, -16.0], [178.0, -16.0], [178.0, -18.0]];
/// let fiji = Flat { polygons: vec![vec![ring]], ..Flat::default() };
/// let parts = cut(&fiji).polygons;
/// assert_eq!(parts.len(), 2);
/// assert!(parts.iter().flatten().flatten().all(|p| p[0].abs() <= 180.0));
/// ```
pub fn cut(flat: &Flat) -> Flat {
    cut_at(flat, 0.0)
}

/// [`cut`] for a projection centred on `lon_0`: the cut falls on `lon_0 ± 180` and longitudes
/// come back in `lon_0 - 180 ..= lon_0 + 180` (with `lon_0` taken in -180 < `lon_0` ≤ 180), so
/// a part straddling ±180 stays whole. Projections subtract `lon_0` before projecting, so
/// these longitudes need no wrapping.
pub fn cut_at(flat: &Flat, lon_0: f64) -> Flat {
    let seam = seam(lon_0);
    let mut out = Flat::default();
    for poly in &flat.polygons {
        cut_polygon(poly, seam, &mut out.polygons);
    }
    for line in &flat.lines {
        cut_line(line, seam, &mut out.lines);
    }
    out.points = flat
        .points
        .iter()
        .map(|&[x, y]| [wrap(x, seam), y])
        .collect();
    out
}

/// Clips polygons, lines and points to the latitudes `min_lat..=max_lat`; for Web Mercator
/// use ±[`WEB_MERCATOR_MAX_LAT`]. Polygons are closed along the clipping parallels. Run it
/// after [`cut`], which may close polar rings along the pole.
pub fn clip_latitude(flat: &Flat, min_lat: f64, max_lat: f64) -> Flat {
    let (lo, hi) = (min_lat.min(max_lat), min_lat.max(max_lat));
    let south = HalfPlane::new(1, lo, true);
    let north = HalfPlane::new(1, hi, false);
    let within = |pts: &[Pt]| pts.iter().all(|p| p[1] >= lo && p[1] <= hi);
    let mut out = Flat::default();
    for poly in &flat.polygons {
        if poly.iter().all(|r| within(r)) {
            out.polygons.push(poly.clone());
            continue;
        }
        let (rings, flip) = oriented(poly.to_vec());
        for part in south.clip_polygon(&rings) {
            out.polygons.extend(
                north
                    .clip_polygon(&part)
                    .into_iter()
                    .map(|p| restore(p, flip)),
            );
        }
    }
    for line in &flat.lines {
        if within(line) {
            out.lines.push(line.clone());
            continue;
        }
        for part in south.clip_line(line, true) {
            out.lines.extend(north.clip_line(&part, true));
        }
    }
    out.points = flat
        .points
        .iter()
        .copied()
        .filter(|p| within(&[*p]))
        .collect();
    out
}

/// The cut longitude for a projection centred on `lon_0` (normalized to -180 < lon_0 ≤ 180);
/// output longitudes lie in `seam - 360 ..= seam`.
fn seam(lon_0: f64) -> f64 {
    let lon_0 = if lon_0.is_finite() { lon_0 } else { 0.0 };
    lon_0 - 360.0 * ((lon_0 - 180.0) / 360.0).ceil() + 180.0
}

/// `x` moved by whole turns into `seam - 360 ..= seam` (left alone if already there).
fn wrap(x: f64, seam: f64) -> f64 {
    if !x.is_finite() || (seam - 360.0..=seam).contains(&x) {
        x
    } else {
        x - 360.0 * ((x - (seam - 360.0)) / 360.0).floor()
    }
}

/// Appends the points after `from` on the straight line to `to`, in steps of at most [`STEP`].
fn bridge(from: Pt, to: Pt, out: &mut Vec<Pt>) {
    let span = (to[0] - from[0]).abs().max((to[1] - from[1]).abs());
    let n = (span / STEP).ceil().max(1.0) as usize;
    for i in 1..n {
        let t = i as f64 / n as f64;
        out.push([
            from[0] + t * (to[0] - from[0]),
            from[1] + t * (to[1] - from[1]),
        ]);
    }
    out.push(to);
}
