//! Planar measures: signed and unsigned area, even–odd containment, distances and lengths.
//!
//! These stay hand-written rather than `geo`'s `Area`, `Contains` and `Euclidean` because
//! those round differently (signed area is taken relative to the first vertex, containment
//! uses robust predicates with boundary cases of its own, distance uses `hypot`), while
//! callers order features by area and labels by distance exactly: a different last bit could
//! change which label wins.

use super::{Pt, Ring};

/// Signed area (shoelace), positive for counter-clockwise in a y-up system.
pub fn ring_area(r: &[Pt]) -> f64 {
    r.windows(2)
        .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
        .sum::<f64>()
        / 2.0
}

/// Area of a polygon (exterior minus holes), unsigned.
pub fn polygon_area(poly: &[Ring]) -> f64 {
    let mut it = poly.iter();
    let ext = it.next().map_or(0.0, |r| ring_area(r).abs());
    ext - it.map(|r| ring_area(r).abs()).sum::<f64>()
}

/// Even-odd point in polygon over all rings.
pub fn contains(poly: &[Ring], p: Pt) -> bool {
    let mut inside = false;
    for r in poly {
        for w in r.windows(2) {
            let (a, b) = (w[0], w[1]);
            if (a[1] > p[1]) != (b[1] > p[1]) {
                let x = a[0] + (p[1] - a[1]) / (b[1] - a[1]) * (b[0] - a[0]);
                if p[0] < x {
                    inside = !inside;
                }
            }
        }
    }
    inside
}

/// Distance from `p` to the nearest ring edge.
pub fn edge_distance(poly: &[Ring], p: Pt) -> f64 {
    let mut best = f64::INFINITY;
    for r in poly {
        for w in r.windows(2) {
            best = best.min(segment_distance(p, w[0], w[1]));
        }
    }
    best
}

/// Distance from `p` to the nearest point of segment `a`–`b`.
pub fn segment_distance(p: Pt, a: Pt, b: Pt) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    };
    distance([a[0] + t * dx, a[1] + t * dy], p)
}

/// Euclidean distance between two points, as `√(dx² + dy²)` (not `hypot`, which rounds
/// differently).
pub fn distance(a: Pt, b: Pt) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    (dx * dx + dy * dy).sqrt()
}

/// Length of a polyline: the sum of its segments' [`distance`]s, first to last.
pub fn length(line: &[Pt]) -> f64 {
    line.windows(2).map(|w| distance(w[0], w[1])).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containment_and_distance() {
        let square = vec![
            [0.0, 0.0],
            [10.0, 0.0],
            [10.0, 10.0],
            [0.0, 10.0],
            [0.0, 0.0],
        ];
        let poly = vec![square.clone()];
        assert!(contains(&poly, [5.0, 5.0]));
        assert!(!contains(&poly, [15.0, 5.0]));
        assert_eq!(edge_distance(&poly, [5.0, 4.0]), 4.0);
        assert_eq!(polygon_area(&poly), 100.0);
        assert_eq!(length(&square), 40.0);
        assert_eq!(distance([0.0, 0.0], [3.0, 4.0]), 5.0);
    }

    #[test]
    fn distance_rounds_like_the_sum_of_squares_it_replaces() {
        // The hand-written copies this replaces squared with `powi(2)`; lengths must not move
        // by a bit, or label placement could.
        let pts: [Pt; 4] = [[0.1, 0.7], [1e-3, 3.3], [-2.9, 1e8], [7.0 / 3.0, -0.2]];
        for a in pts {
            for b in pts {
                let copy = ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2)).sqrt();
                assert_eq!(distance(a, b).to_bits(), copy.to_bits());
                assert_eq!(distance(b, a).to_bits(), copy.to_bits());
            }
        }
        assert_eq!(length(&[]), 0.0);
        assert_eq!(length(&[[1.0, 1.0]]), 0.0);
    }
}
