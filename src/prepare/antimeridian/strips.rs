//! Cutting at a seam meridian: longitudes unwrapped so they run continuously, a ring that
//! winds round the globe closed along the nearer pole, and the result cut into 360°-wide
//! strips, each moved by whole turns back into range.

use super::half_plane::{oriented, restore, HalfPlane};
use super::{bridge, SEAM_SLACK, STEP};
use crate::geom::{ring_area, Line, Pt, Ring};

fn is_pole_edge(a: Pt, b: Pt) -> bool {
    a[1] == b[1] && a[1].abs() == 90.0
}

/// An edge along a parallel from -180 to 180 (or back). In a ring that also runs along a
/// pole it is the whole parallel (a polar cap drawn as a lon/lat rectangle); elsewhere it is
/// a hop of no length across the antimeridian (world-atlas closes Fiji and Antarctica so).
fn is_full_parallel(a: Pt, b: Pt) -> bool {
    a[1] == b[1] && a[0].abs() == 180.0 && b[0] == -a[0]
}

/// True when `pts` needs no work: inside the output range, no edge spanning more than 180°,
/// no long edge along a pole.
fn in_place(pts: &[Pt], seam: f64) -> bool {
    pts.iter().all(|p| (seam - 360.0..=seam).contains(&p[0]))
        && pts.windows(2).all(|w| {
            let dx = (w[1][0] - w[0][0]).abs();
            dx <= 180.0 && !(dx > STEP && is_pole_edge(w[0], w[1]))
        })
}

fn all_finite(pts: &[Pt]) -> bool {
    pts.iter().all(|p| p[0].is_finite() && p[1].is_finite())
}

/// Longitudes made continuous: an edge spanning more than 180° takes the short way round,
/// except along a pole, where longitude is arbitrary and the data's own span is kept
/// (densified). Points move by whole turns only, so their values survive the round trip.
///
/// If that reading collapses the path to nothing, the data meant full parallels from -180 to
/// 180 (the equator as two points, a band of latitude) and is taken as it is.
pub(super) fn unwrap_longitudes(pts: &[Pt], closed: bool) -> Vec<Pt> {
    let mut out: Vec<Pt> = Vec::with_capacity(pts.len());
    let mut turn = 0.0;
    let along_pole = closed && pts.windows(2).any(|w| is_pole_edge(w[0], w[1]));
    for (i, &b) in pts.iter().enumerate() {
        if let (Some(&a), Some(&prev)) = (i.checked_sub(1).map(|j| &pts[j]), out.last()) {
            if is_pole_edge(a, b) || (along_pole && is_full_parallel(a, b)) {
                bridge(prev, [b[0] + turn, b[1]], &mut out);
                continue;
            }
            let dx = b[0] - a[0];
            if dx.abs() > 180.0 {
                turn -= 360.0 * (dx / 360.0).round();
            }
        }
        out.push([b[0] + turn, b[1]]);
    }
    let x0 = out.first().map_or(0.0, |p| p[0]);
    let collapsed = out.iter().all(|p| p[0] == x0) && pts.iter().any(|p| p[0] != x0);
    let flattened = closed && turn == 0.0 && ring_area(&out) == 0.0 && ring_area(pts) != 0.0;
    if collapsed || flattened {
        return pts.to_vec();
    }
    out
}

fn shift(pts: &mut [Pt], dx: f64) {
    if dx != 0.0 {
        for p in pts {
            p[0] += dx;
        }
    }
}

fn x_range<'a>(rings: impl IntoIterator<Item = &'a Ring>) -> (f64, f64) {
    rings
        .into_iter()
        .flatten()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p[0]), hi.max(p[0]))
        })
}

/// The whole turns to add to `x` to bring it into `seam - 360 .. seam`.
fn turns_into_range(x: f64, seam: f64) -> f64 {
    -360.0 * ((x - (seam - 360.0) + SEAM_SLACK) / 360.0).floor()
}

pub(super) fn cut_polygon(poly: &[Ring], seam: f64, out: &mut Vec<Vec<Ring>>) {
    if poly.first().is_none_or(|r| r.len() < 4) {
        return;
    }
    if poly.iter().all(|r| in_place(r, seam)) || !poly.iter().all(|r| all_finite(r)) {
        out.push(poly.to_vec());
        return;
    }
    let mut rings: Vec<Ring> = Vec::with_capacity(poly.len());
    for r in poly.iter().filter(|r| r.len() >= 4) {
        let mut u = unwrap_longitudes(r, true);
        let (first, last) = (u[0], u.len() - 1);
        let turns = ((u[last][0] - first[0]) / 360.0).round();
        if turns == 0.0 {
            u[last] = first;
        } else {
            u = close_round_pole(u, turns, seam);
        }
        rings.push(u);
    }
    // Holes were unwrapped on their own; bring each next to its exterior.
    let (lo, hi) = x_range(&rings[..1]);
    let mid = (lo + hi) / 2.0;
    for hole in &mut rings[1..] {
        let (hlo, hhi) = x_range(std::iter::once(&*hole));
        shift(hole, 360.0 * ((mid - (hlo + hhi) / 2.0) / 360.0).round());
    }
    let (mut rings, flip) = oriented(rings);
    let dx = turns_into_range(x_range(&rings).0, seam);
    for r in &mut rings {
        shift(r, dx);
    }
    let strips = strips_spanned(x_range(&rings).1, seam);
    let mut parts = Vec::new();
    split_strips(vec![rings], seam, 0, strips - 1, &mut parts);
    out.extend(parts.into_iter().map(|p| restore(p, flip)));
}

/// How many seam lines (`seam`, `seam + 360`, …) a shape reaching `hi` crosses.
fn strips_spanned(hi: f64, seam: f64) -> i64 {
    let k = ((hi - seam - SEAM_SLACK) / 360.0).ceil();
    if k.is_finite() && k > 0.0 {
        k.min(i64::MAX as f64) as i64
    } else {
        0
    }
}

/// Something that can be cut along a seam meridian: a polygon or a polyline.
trait Piece: Sized {
    fn rings(&self) -> &[Ring];
    fn shift(&mut self, dx: f64);
    fn clip(&self, hp: HalfPlane, left: bool) -> Vec<Self>;
}

impl Piece for Vec<Ring> {
    fn rings(&self) -> &[Ring] {
        self
    }
    fn shift(&mut self, dx: f64) {
        for r in self.iter_mut() {
            shift(r, dx);
        }
    }
    fn clip(&self, hp: HalfPlane, _left: bool) -> Vec<Self> {
        hp.clip_polygon(self)
    }
}

impl Piece for Line {
    fn rings(&self) -> &[Ring] {
        std::slice::from_ref(self)
    }
    fn shift(&mut self, dx: f64) {
        shift(self, dx);
    }
    fn clip(&self, hp: HalfPlane, left: bool) -> Vec<Self> {
        // A line along a cut goes to the left side only.
        hp.clip_line(self, left)
    }
}

/// Cuts `pieces`, which lie between seam lines `first - 1` and `last + 1` (line `j` is at
/// `seam + 360 j`), at the lines `first..=last`, and moves each part by whole turns into
/// `seam - 360 ..= seam`. Halving the lines each time makes the work O(n log turns) for a
/// shape that winds round the globe many times, where cutting one strip off at a time would
/// take every remaining vertex once per turn.
fn split_strips<P: Piece>(pieces: Vec<P>, seam: f64, first: i64, last: i64, out: &mut Vec<P>) {
    if pieces.is_empty() {
        return;
    }
    let line = |j: i64| seam + 360.0 * j as f64;
    let hi = x_range(pieces.iter().flat_map(|p| p.rings())).1;
    if first > last || hi <= line(first) + SEAM_SLACK {
        for mut p in pieces {
            p.shift(-360.0 * first as f64);
            out.push(p);
        }
        return;
    }
    let mid = first + (last - first) / 2;
    let left = HalfPlane::new(0, line(mid), false);
    let right = HalfPlane::new(0, line(mid), true);
    let lefts: Vec<P> = pieces.iter().flat_map(|p| p.clip(left, true)).collect();
    let rights: Vec<P> = pieces.iter().flat_map(|p| p.clip(right, false)).collect();
    drop(pieces);
    split_strips(lefts, seam, first, mid - 1, out);
    split_strips(rights, seam, mid + 1, last, out);
}

/// Closes an unwrapped ring that winds `turns` times round the globe along the nearer pole
/// (the one on the side that holds less of the sphere), starting and ending it on a seam
/// meridian so that the closing meridians are cut edges, not a slit through the polygon.
fn close_round_pole(ring: Vec<Pt>, turns: f64, seam: f64) -> Ring {
    let n = ring.len() - 1;
    let span = 360.0 * turns;
    let strip = |x: f64| ((x - seam) / 360.0).floor();
    let on_seam = |x: f64| (x - seam).rem_euclid(360.0) == 0.0;
    let mut start = None;
    for i in 0..n {
        let (a, b) = (ring[i], ring[i + 1]);
        if on_seam(a[0]) {
            start = Some((i, a, false));
            break;
        }
        if strip(a[0]) != strip(b[0]) {
            let c = seam + 360.0 * strip(a[0]).max(strip(b[0]));
            let t = (c - a[0]) / (b[0] - a[0]);
            start = Some((i, [c, a[1] + t * (b[1] - a[1])], true));
            break;
        }
    }
    // A ring spanning a whole turn always meets a seam meridian.
    let Some((i, x, on_edge)) = start else {
        return ring;
    };
    let mut open: Vec<Pt> = vec![x];
    open.extend_from_slice(&ring[i + 1..=n]);
    open.extend(ring[1..=i].iter().map(|p| [p[0] + span, p[1]]));
    if on_edge {
        open.push([x[0] + span, x[1]]);
    }
    open.dedup();

    // The cap on the ring's southern side covers 1 + mean(sin lat) of a hemisphere.
    let sin_lat: f64 = open
        .windows(2)
        .map(|w| (w[1][0] - w[0][0]) * (w[0][1].to_radians().sin() + w[1][1].to_radians().sin()))
        .sum();
    let pole = if sin_lat / span > 0.0 { 90.0 } else { -90.0 };

    let end = open[open.len() - 1];
    let mut ring = open;
    bridge(end, [end[0], pole], &mut ring);
    bridge([end[0], pole], [x[0], pole], &mut ring);
    bridge([x[0], pole], x, &mut ring);
    ring
}

pub(super) fn cut_line(line: &[Pt], seam: f64, out: &mut Vec<Line>) {
    if line.len() < 2 || in_place(line, seam) || !all_finite(line) {
        out.push(line.to_vec());
        return;
    }
    let mut u = unwrap_longitudes(line, false);
    let dx = turns_into_range(x_range(std::iter::once(&u)).0, seam);
    shift(&mut u, dx);
    let strips = strips_spanned(x_range(std::iter::once(&u)).1, seam);
    split_strips(vec![u], seam, 0, strips - 1, out);
}
