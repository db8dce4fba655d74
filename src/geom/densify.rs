//! Points sampled along and inside a lon/lat box, so that projecting them finds the box's
//! projected extent even where its edges curve.

use super::Pt;

/// Samples points along the edges of a lon/lat box, for projecting its outline.
pub fn densify_bbox(b: [f64; 4], steps: usize) -> Vec<Pt> {
    let [w, s, e, n] = b;
    let mut out = Vec::with_capacity(4 * steps + 1);
    for i in 0..=steps {
        let t = i as f64 / steps as f64;
        out.push([w + t * (e - w), s]);
        out.push([w + t * (e - w), n]);
        out.push([w, s + t * (n - s)]);
        out.push([e, s + t * (n - s)]);
    }
    out
}

/// [`densify_bbox`]'s edges and a grid over the inside: in most projections the edges hold
/// the extremes, but in some (an orthographic globe asked for the whole world) the edges fall
/// behind the horizon while the inside is what shows.
pub fn densify_bbox_area(b: [f64; 4], steps: usize) -> Vec<Pt> {
    let [w, s, e, n] = b;
    let mut out = densify_bbox(b, steps);
    out.reserve((steps + 1) * (steps + 1));
    for i in 1..steps {
        let x = w + i as f64 / steps as f64 * (e - w);
        for j in 1..steps {
            out.push([x, s + j as f64 / steps as f64 * (n - s)]);
        }
    }
    out
}
