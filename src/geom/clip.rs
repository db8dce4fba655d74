//! The one axis-aligned box clipper: rings (Sutherland–Hodgman), polylines and segments
//! (Liang–Barsky). A box is `[minx, miny, maxx, maxy]`; clipped points never land outside it,
//! however the arithmetic rounds.

use super::{Bounds, Line, Pt, Ring};

/// Sutherland–Hodgman: the part of a ring inside `clip`. Concave rings may gain edges along
/// the clip border; they lie outside the visible frame when `clip` has a margin.
pub fn clip_ring(ring: &[Pt], clip: [f64; 4]) -> Ring {
    let mut rb = Bounds::default();
    rb.add_all(ring);
    if let Some(r) = rb.get() {
        if r[0] >= clip[0] && r[1] >= clip[1] && r[2] <= clip[2] && r[3] <= clip[3] {
            return ring.to_vec();
        }
        if r[2] < clip[0] || r[0] > clip[2] || r[3] < clip[1] || r[1] > clip[3] {
            return Vec::new();
        }
    }
    let mut pts: Vec<Pt> = ring.to_vec();
    for edge in 0..4 {
        if pts.is_empty() {
            break;
        }
        pts = clip_ring_to_edge(&pts, clip, edge);
    }
    if let (Some(f), Some(l)) = (pts.first().copied(), pts.last().copied()) {
        if f != l {
            pts.push(f);
        }
    }
    pts
}

/// One Sutherland–Hodgman pass: the part of `pts` on the inner side of one edge of `clip`
/// (0 left, 1 right, 2 bottom, 3 top).
fn clip_ring_to_edge(pts: &[Pt], clip: [f64; 4], edge: usize) -> Vec<Pt> {
    let inside = |p: &Pt| match edge {
        0 => p[0] >= clip[0],
        1 => p[0] <= clip[2],
        2 => p[1] >= clip[1],
        _ => p[1] <= clip[3],
    };
    // The crossing lies on the edge and between a and b; rounding must not move it off
    // either, or points can land (by an ulp) outside the box.
    let between = |v: f64, a: f64, b: f64| within(v, a.min(b), a.max(b));
    let cross = |a: &Pt, b: &Pt| -> Pt {
        let t = match edge {
            0 => (clip[0] - a[0]) / (b[0] - a[0]),
            1 => (clip[2] - a[0]) / (b[0] - a[0]),
            2 => (clip[1] - a[1]) / (b[1] - a[1]),
            _ => (clip[3] - a[1]) / (b[1] - a[1]),
        };
        let x = between(a[0] + t * (b[0] - a[0]), a[0], b[0]);
        let y = between(a[1] + t * (b[1] - a[1]), a[1], b[1]);
        match edge {
            0 => [clip[0], y],
            1 => [clip[2], y],
            2 => [x, clip[1]],
            _ => [x, clip[3]],
        }
    };
    let mut out = Vec::with_capacity(pts.len());
    let n = pts.len();
    for i in 0..n {
        let cur = pts[i];
        let prev = pts[(i + n - 1) % n];
        match (inside(&prev), inside(&cur)) {
            (true, true) => out.push(cur),
            (true, false) => out.push(cross(&prev, &cur)),
            (false, true) => {
                out.push(cross(&prev, &cur));
                out.push(cur);
            }
            (false, false) => {}
        }
    }
    out
}

/// The pieces of a polyline inside `clip`, each segment clipped by [`clip_segment`].
pub fn clip_line(line: &[Pt], clip: [f64; 4]) -> Vec<Line> {
    let mut pieces: Vec<Line> = Vec::new();
    let mut current: Line = Vec::new();
    for w in line.windows(2) {
        match clip_segment(w[0], w[1], clip) {
            Some((a, b)) => {
                if current.last() != Some(&a) {
                    if current.len() >= 2 {
                        pieces.push(std::mem::take(&mut current));
                    }
                    current.clear();
                    current.push(a);
                }
                current.push(b);
            }
            None => {
                if current.len() >= 2 {
                    pieces.push(std::mem::take(&mut current));
                }
                current.clear();
            }
        }
    }
    if current.len() >= 2 {
        pieces.push(current);
    }
    pieces
}

/// The part of segment `a`–`b` inside `clip` (edges included), or `None` when it misses.
pub fn clip_segment(a: Pt, b: Pt, clip: [f64; 4]) -> Option<(Pt, Pt)> {
    let (t0, t1) = segment_span(a, b, clip)?;
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let at = |t: f64| [a[0] + t * dx, a[1] + t * dy];
    // The clipped segment is inside `clip`; rounding must not move its ends out.
    let inside = |p: Pt| {
        [
            within(p[0], clip[0], clip[2]),
            within(p[1], clip[1], clip[3]),
        ]
    };
    Some((
        inside(if t0 > 0.0 { at(t0) } else { a }),
        inside(if t1 < 1.0 { at(t1) } else { b }),
    ))
}

/// Liang–Barsky: the parameters `t0 <= t1` in `0..=1` between which `a + t (b - a)` lies in
/// `clip` (edges included), or `None` when the segment misses it. `t0 == t1` when it only
/// touches the box.
///
/// ```
/// use mapfig::geom::segment_span;
///
/// let box_ = [0.0, 0.0, 10.0, 10.0];
/// assert_eq!(segment_span([-10.0, 5.0], [10.0, 5.0], box_), Some((0.5, 1.0)));
/// assert_eq!(segment_span([-10.0, 11.0], [10.0, 11.0], box_), None);
/// ```
pub fn segment_span(a: Pt, b: Pt, clip: [f64; 4]) -> Option<(f64, f64)> {
    let c = clip;
    // Exact rejection first: with far-off points the parameters below round, and a
    // segment that misses the box could otherwise be kept.
    if a[0].max(b[0]) < c[0]
        || a[0].min(b[0]) > c[2]
        || a[1].max(b[1]) < c[1]
        || a[1].min(b[1]) > c[3]
    {
        return None;
    }
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, a[0] - c[0]),
        (dx, c[2] - a[0]),
        (-dy, a[1] - c[1]),
        (dy, c[3] - a[1]),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    (t0 <= t1).then_some((t0, t1))
}

/// `v` limited to `lo..=hi`; unlike `f64::clamp`, never panics (on NaN or `lo > hi`).
fn within(v: f64, lo: f64, hi: f64) -> f64 {
    v.max(lo).min(hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::ring_area;

    const SQUARE: [Pt; 5] = [
        [0.0, 0.0],
        [10.0, 0.0],
        [10.0, 10.0],
        [0.0, 10.0],
        [0.0, 0.0],
    ];

    #[test]
    fn ring_clipping_keeps_the_inside() {
        let r = clip_ring(&SQUARE, [5.0, -1.0, 20.0, 20.0]);
        assert!((ring_area(&r).abs() - 50.0).abs() < 1e-9, "{r:?}");
        assert!(clip_ring(&SQUARE, [20.0, 20.0, 30.0, 30.0]).is_empty());
    }

    #[test]
    fn line_clipping_splits_into_pieces() {
        let line = [
            [-5.0, 5.0],
            [5.0, 5.0],
            [5.0, 15.0],
            [5.0, 20.0],
            [8.0, 8.0],
        ];
        let pieces = clip_line(&line, [0.0, 0.0, 10.0, 10.0]);
        assert_eq!(pieces.len(), 2, "{pieces:?}");
        assert_eq!(pieces[0], vec![[0.0, 5.0], [5.0, 5.0], [5.0, 10.0]]);
    }

    #[test]
    fn a_segment_touching_the_box_spans_one_parameter() {
        let clip = [0.0, 0.0, 10.0, 10.0];
        assert_eq!(
            segment_span([10.0, 5.0], [20.0, 5.0], clip),
            Some((0.0, 0.0))
        );
        assert_eq!(
            segment_span([-5.0, 5.0], [0.0, 5.0], clip),
            Some((1.0, 1.0))
        );
        // Along an edge: inside, edges included.
        assert_eq!(
            segment_span([0.0, -5.0], [0.0, 5.0], clip),
            Some((0.5, 1.0))
        );
        assert_eq!(segment_span([-1.0, -1.0], [-1.0, 20.0], clip), None);
    }

    #[test]
    fn rounding_never_puts_clipped_points_outside_the_box() {
        // Found by tests/properties.rs: interpolation landed an ulp outside, and a segment
        // from a far-off point that misses the box was kept.
        let clip = [
            393.05133951896966,
            775.0960031397367,
            394.05133951896966,
            917.1201893347466,
        ];
        let line = [
            [906.4037258201663, 431.96425658213815],
            [-119.13612458112117, 1297.777746644665],
        ];
        for p in clip_line(&line, clip).concat() {
            assert!(
                p[0] >= clip[0] && p[0] <= clip[2] && p[1] >= clip[1] && p[1] <= clip[3],
                "{p:?}"
            );
        }
        let ring = [
            [0.0, 0.0],
            [2150902.06026912, 0.0],
            [0.0, 1292.929554337424],
            [0.0, 0.0],
        ];
        let clip = [393.05133951896966, 0.0, 394.05133951896966, 1.0];
        for p in clip_ring(&ring, clip) {
            assert!(
                p[0] >= clip[0] && p[0] <= clip[2] && p[1] >= clip[1] && p[1] <= clip[3],
                "{p:?}"
            );
        }
        let far = [[0.0, -1e300], [1358.4585129360025, 0.0]];
        assert!(clip_line(&far, [0.0, 418.07, 1381.32, 419.07]).is_empty());
    }
}
