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

use crate::geom::{contains, ring_area, Flat, Pt, Ring};

pub use crate::projection::WEB_MERCATOR_MAX_LAT;

/// Edges this module adds (along a cut meridian, a clipped parallel or a pole) are split into
/// steps no longer than this, in degrees: projected, they then follow the map's outline even
/// where meridians curve (Robinson) or the pole is an arc (Albers).
const STEP: f64 = 1.0;

/// Longitudes this close to a seam (degrees, about 0.1 mm) count as on it: with a fractional
/// `lon_0` the seam is not exactly representable after whole turns, and without slack a part
/// could come back with a hair-thin sliver on the far side.
const SEAM_SLACK: f64 = 1e-9;

/// Clipped rings with less area than this (square degrees, about 0.01 m²) are rounding
/// slivers, not geography.
const MIN_AREA: f64 = 1e-12;

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
        for part in clip_polygon(&rings, south) {
            out.polygons.extend(
                clip_polygon(&part, north)
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
        for part in clip_line(line, south, true) {
            out.lines.extend(clip_line(&part, north, true));
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
fn unwrap_longitudes(pts: &[Pt], closed: bool) -> Vec<Pt> {
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

fn cut_polygon(poly: &[Ring], seam: f64, out: &mut Vec<Vec<Ring>>) {
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
        clip_polygon(self, hp)
    }
}

impl Piece for Ring {
    fn rings(&self) -> &[Ring] {
        std::slice::from_ref(self)
    }
    fn shift(&mut self, dx: f64) {
        shift(self, dx);
    }
    fn clip(&self, hp: HalfPlane, left: bool) -> Vec<Self> {
        // A line along a cut goes to the left side only.
        clip_line(self, hp, left)
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

/// Rings oriented for clipping (exterior counter-clockwise, holes clockwise), and whether
/// the exterior came in clockwise.
fn oriented(mut rings: Vec<Ring>) -> (Vec<Ring>, bool) {
    let flip = rings.first().is_some_and(|r| ring_area(r) < 0.0);
    for (i, r) in rings.iter_mut().enumerate() {
        if (i == 0) == (ring_area(r) < 0.0) {
            r.reverse();
        }
    }
    (rings, flip)
}

/// Undoes [`oriented`]'s flip on a clipped polygon.
fn restore(mut poly: Vec<Ring>, flip: bool) -> Vec<Ring> {
    if flip {
        for r in &mut poly {
            r.reverse();
        }
    }
    poly
}

/// The side of an axis-parallel line to keep: `axis` 0 cuts at x = `at` (a meridian), 1 at
/// y = `at` (a parallel); points on the line count as kept.
#[derive(Debug, Clone, Copy)]
struct HalfPlane {
    axis: usize,
    at: f64,
    above: bool,
}

impl HalfPlane {
    fn new(axis: usize, at: f64, above: bool) -> HalfPlane {
        HalfPlane { axis, at, above }
    }

    /// Signed distance into the kept side (negative outside).
    fn depth(&self, p: Pt) -> f64 {
        let d = p[self.axis] - self.at;
        if self.above {
            d
        } else {
            -d
        }
    }

    fn along(&self, p: Pt) -> f64 {
        p[1 - self.axis]
    }

    /// Where edge `a`–`b` (one end outside) meets the line, exactly on it; computed from the
    /// edge alone so both sides of a cut get the same point.
    fn meet(&self, a: Pt, b: Pt) -> Pt {
        let (k, o) = (self.axis, 1 - self.axis);
        if a[k] == self.at {
            return a;
        }
        if b[k] == self.at {
            return b;
        }
        let t = (self.at - a[k]) / (b[k] - a[k]);
        let mut p = [0.0; 2];
        p[k] = self.at;
        p[o] = a[o] + t * (b[o] - a[o]);
        p
    }
}

/// One end of a clipped arc, on the cutting line.
struct Crossing {
    along: f64,
    /// Orders crossings at the same point as if the line sat a hair outside the kept side,
    /// so that points lying on the line are strictly inside and the order is generic.
    tiebreak: f64,
    arc: usize,
    enters: bool,
}

/// The parts of a polygon (consistently oriented, see [`oriented`]) on the kept side of `hp`.
///
/// Each ring is split into arcs on the kept side; arcs are joined along the line. Along the
/// line, sorted crossings pair up as the stretches inside the polygon (even–odd), and with
/// consistent orientation each pair is one arc's exit and another's entry.
fn clip_polygon(poly: &[Ring], hp: HalfPlane) -> Vec<Vec<Ring>> {
    let mut whole: Vec<Ring> = Vec::new();
    let mut arcs: Vec<Ring> = Vec::new();
    let mut crossings: Vec<Crossing> = Vec::new();
    for ring in poly {
        let n = ring.len().saturating_sub(1);
        if n < 3 {
            continue;
        }
        let Some(start) = (0..n).find(|&i| hp.depth(ring[i]) < 0.0) else {
            whole.push(ring.clone());
            continue;
        };
        if !ring.iter().any(|&p| hp.depth(p) > 0.0) {
            // Outside, or touching the line: nothing with area on the kept side.
            continue;
        }
        let mut current: Ring = Vec::new();
        for k in 0..n {
            let (a, b) = (ring[(start + k) % n], ring[(start + k + 1) % n]);
            let (da, db) = (hp.depth(a), hp.depth(b));
            let tiebreak = || -(hp.along(b) - hp.along(a)) / (db - da);
            match (da >= 0.0, db >= 0.0) {
                (false, true) => {
                    let x = hp.meet(a, b);
                    crossings.push(Crossing {
                        along: hp.along(x),
                        tiebreak: tiebreak(),
                        arc: arcs.len(),
                        enters: true,
                    });
                    current = vec![x];
                    if b != x {
                        current.push(b);
                    }
                }
                (true, true) => current.push(b),
                (true, false) => {
                    let x = hp.meet(a, b);
                    if current.last() != Some(&x) {
                        current.push(x);
                    }
                    crossings.push(Crossing {
                        along: hp.along(x),
                        tiebreak: tiebreak(),
                        arc: arcs.len(),
                        enters: false,
                    });
                    arcs.push(std::mem::take(&mut current));
                }
                (false, false) => {}
            }
        }
    }

    crossings.sort_by(|a, b| {
        a.along
            .total_cmp(&b.along)
            .then(a.tiebreak.total_cmp(&b.tiebreak))
    });
    let mut exit_at = vec![0; arcs.len()];
    for (i, c) in crossings.iter().enumerate() {
        if !c.enters {
            exit_at[c.arc] = i;
        }
    }
    let mut used = vec![false; arcs.len()];
    let mut rings = whole;
    for first in 0..arcs.len() {
        if used[first] {
            continue;
        }
        let mut ring: Ring = Vec::new();
        let mut arc = first;
        loop {
            used[arc] = true;
            ring.extend_from_slice(&arcs[arc]);
            // Crossings come in pairs (each arc adds an entry and an exit), so the partner
            // always exists.
            let partner = &crossings[exit_at[arc] ^ 1];
            if !partner.enters {
                break; // inconsistent rings (self-intersecting data): close what we have
            }
            let next = partner.arc;
            if let (Some(&from), Some(&to)) = (ring.last(), arcs[next].first()) {
                if from != to {
                    bridge(from, to, &mut ring);
                }
                ring.pop();
            }
            if next == first || used[next] {
                break;
            }
            arc = next;
        }
        if let Some(&f) = ring.first() {
            if ring.last() != Some(&f) {
                ring.push(f);
            }
        }
        rings.push(ring);
    }
    assemble(rings)
}

/// Groups clipped rings into polygons: counter-clockwise rings are exteriors, clockwise ones
/// holes of the exterior that contains them; rings without area are dropped.
fn assemble(rings: Vec<Ring>) -> Vec<Vec<Ring>> {
    let (mut polys, mut holes): (Vec<Vec<Ring>>, Vec<Ring>) = (Vec::new(), Vec::new());
    for r in rings.into_iter().filter(|r| r.len() >= 4) {
        let a = ring_area(&r);
        if a > MIN_AREA {
            polys.push(vec![r]);
        } else if a < -MIN_AREA {
            holes.push(r);
        }
    }
    for hole in holes {
        let owner = if polys.len() == 1 {
            Some(0)
        } else {
            polys.iter().position(|p| {
                hole.iter()
                    .any(|&v| contains(std::slice::from_ref(&p[0]), v))
            })
        };
        // A hole outside every part would fill, not cut, under even–odd: drop it.
        if let Some(i) = owner {
            polys[i].push(hole);
        }
    }
    polys
}

/// The pieces of a polyline on the kept side of `hp`. Pieces that only run along the line
/// are kept when `keep_on_line`, so that a line on a cut goes to exactly one side.
fn clip_line(line: &[Pt], hp: HalfPlane, keep_on_line: bool) -> Vec<Ring> {
    let mut pieces: Vec<Ring> = Vec::new();
    let mut current: Ring = Vec::new();
    let mut finish = |piece: Ring| {
        if piece.len() >= 2 && (keep_on_line || piece.iter().any(|&p| hp.depth(p) > 0.0)) {
            pieces.push(piece);
        }
    };
    if let Some(&p) = line.first() {
        if hp.depth(p) >= 0.0 {
            current.push(p);
        }
    }
    for w in line.windows(2) {
        let (a, b) = (w[0], w[1]);
        match (hp.depth(a) >= 0.0, hp.depth(b) >= 0.0) {
            (true, true) => {
                if current.last() != Some(&b) {
                    current.push(b);
                }
            }
            (true, false) => {
                let x = hp.meet(a, b);
                if current.last() != Some(&x) {
                    current.push(x);
                }
                finish(std::mem::take(&mut current));
            }
            (false, true) => {
                let x = hp.meet(a, b);
                current = vec![x];
                if b != x {
                    current.push(b);
                }
            }
            (false, false) => {}
        }
    }
    finish(current);
    pieces
}

fn cut_line(line: &[Pt], seam: f64, out: &mut Vec<Ring>) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::polygon_area;

    fn polygons(polys: Vec<Vec<Ring>>) -> Flat {
        Flat {
            polygons: polys,
            ..Flat::default()
        }
    }

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Ring {
        vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    }

    fn reversed(mut r: Ring) -> Ring {
        r.reverse();
        r
    }

    fn total_area(f: &Flat) -> f64 {
        f.polygons.iter().map(|p| polygon_area(p)).sum()
    }

    /// Every ring closed, within `lo..=hi`, no edge longer than 180° of longitude.
    fn assert_clean(f: &Flat, lo: f64, hi: f64) {
        for r in f.polygons.iter().flatten() {
            assert!(r.len() >= 4 && r.first() == r.last(), "not closed: {r:?}");
        }
        for r in f.polygons.iter().flatten().chain(&f.lines) {
            assert!(
                r.iter().all(|p| p[0] >= lo && p[0] <= hi),
                "out of range: {r:?}"
            );
            for w in r.windows(2) {
                assert!((w[1][0] - w[0][0]).abs() <= 180.0, "long edge {w:?}");
            }
        }
    }

    #[test]
    fn square_across_180_splits_in_two_either_winding() {
        for ring in [
            rect(170.0, -10.0, -170.0, 10.0),
            reversed(rect(170.0, -10.0, -170.0, 10.0)),
            rect(170.0, -10.0, 190.0, 10.0),
            rect(-190.0, -10.0, -170.0, 10.0),
        ] {
            let input_ccw = ring_area(&unwrap_longitudes(&ring, true)) > 0.0;
            let out = cut(&polygons(vec![vec![ring.clone()]]));
            assert_eq!(out.polygons.len(), 2, "{ring:?} → {:?}", out.polygons);
            assert_clean(&out, -180.0, 180.0);
            assert!((total_area(&out) - 400.0).abs() < 1e-9, "{out:?}");
            for p in &out.polygons {
                assert!((polygon_area(p) - 200.0).abs() < 1e-9);
                assert_eq!(ring_area(&p[0]) > 0.0, input_ccw, "winding kept");
            }
        }
    }

    #[test]
    fn comb_crossing_four_times_joins_arcs_along_the_cut() {
        // An E shape opening west, its spine east of 180: the cut meets it four times.
        let e = vec![
            [170.0, 0.0],
            [-170.0, 0.0],
            [-170.0, 30.0],
            [170.0, 30.0],
            [170.0, 20.0],
            [-178.0, 20.0],
            [-178.0, 10.0],
            [170.0, 10.0],
            [170.0, 0.0],
        ];
        for ring in [e.clone(), reversed(e)] {
            let out = cut(&polygons(vec![vec![ring]]));
            assert_clean(&out, -180.0, 180.0);
            // West of 180: two teeth; east: the spine with two stubs.
            assert_eq!(out.polygons.len(), 3, "{:?}", out.polygons);
            assert!((total_area(&out) - (20.0 * 30.0 - 12.0 * 10.0)).abs() < 1e-9);
        }
    }

    #[test]
    fn hole_across_180_stays_a_hole() {
        let poly = vec![
            rect(160.0, -40.0, -160.0, -20.0),
            reversed(rect(175.0, -35.0, -175.0, -25.0)),
        ];
        let out = cut(&polygons(vec![poly]));
        assert_clean(&out, -180.0, 180.0);
        assert_eq!(out.polygons.len(), 2);
        assert!((total_area(&out) - (40.0 * 20.0 - 10.0 * 10.0)).abs() < 1e-9);
    }

    #[test]
    fn line_across_180_splits_in_two() {
        let out = cut(&Flat {
            lines: vec![vec![[170.0, 0.0], [-170.0, 10.0]]],
            ..Flat::default()
        });
        assert_eq!(
            out.lines,
            vec![
                vec![[170.0, 0.0], [180.0, 5.0]],
                vec![[-180.0, 5.0], [-170.0, 10.0]]
            ]
        );
    }

    #[test]
    fn line_round_the_globe_twice_is_cut_each_time() {
        let track: Vec<Pt> = (0..=16)
            .map(|i| [(i as f64 * 45.0 + 180.0) % 360.0 - 180.0, 0.0])
            .collect();
        let out = cut(&Flat {
            lines: vec![track],
            ..Flat::default()
        });
        assert_clean(&out, -180.0, 180.0);
        assert_eq!(out.lines.len(), 3, "{:?}", out.lines);
    }

    #[test]
    fn a_full_parallel_is_not_read_as_a_hop() {
        let equator = vec![[-180.0, 0.0], [180.0, 0.0]];
        let band = rect(-180.0, -10.0, 180.0, 10.0);
        let f = Flat {
            polygons: vec![vec![band]],
            lines: vec![equator],
            points: vec![],
        };
        let out = cut(&f);
        assert_eq!(out.polygons, f.polygons);
        assert_eq!(out.lines, f.lines);
    }

    #[test]
    fn polar_cap_drawn_along_180_is_the_cap() {
        for ring in [
            vec![
                [-180.0, 80.0],
                [180.0, 80.0],
                [180.0, 90.0],
                [-180.0, 90.0],
                [-180.0, 80.0],
            ],
            vec![
                [-180.0, -80.0],
                [-180.0, -90.0],
                [180.0, -90.0],
                [180.0, -80.0],
                [-180.0, -80.0],
            ],
        ] {
            let out = cut(&polygons(vec![vec![ring.clone()]]));
            assert_eq!(out.polygons.len(), 1, "{ring:?} → {:?}", out.polygons);
            assert_clean(&out, -180.0, 180.0);
            assert!(
                (total_area(&out) - 3600.0).abs() < 1e-9,
                "{:?}",
                out.polygons
            );
        }
    }

    #[test]
    fn data_already_cut_comes_back_unchanged() {
        let f = polygons(vec![
            vec![rect(170.0, 60.0, 180.0, 70.0)],
            vec![rect(-180.0, 60.0, -170.0, 70.0)],
            vec![rect(0.0, 0.0, 10.0, 10.0)],
        ]);
        assert_eq!(cut(&f).polygons, f.polygons);
    }

    #[test]
    fn ring_round_the_south_pole_is_closed_along_the_pole() {
        // Natural Earth style: closed along -90 by one 360° edge.
        let explicit = vec![
            [-180.0, -85.0],
            [-90.0, -85.0],
            [0.0, -85.0],
            [90.0, -85.0],
            [180.0, -85.0],
            [180.0, -90.0],
            [-180.0, -90.0],
            [-180.0, -85.0],
        ];
        // d3 style: runs once round, clockwise, the last edge jumping back over 180.
        let d3 = vec![
            [-180.0, -85.0],
            [-90.0, -85.0],
            [0.0, -85.0],
            [90.0, -85.0],
            [179.0, -85.0],
            [-180.0, -85.0],
        ];
        // Starting mid-ocean, wound the other way.
        let mid = vec![
            [0.0, -85.0],
            [-90.0, -85.0],
            [-179.0, -85.0],
            [90.0, -85.0],
            [0.0, -85.0],
        ];
        for ring in [
            explicit.clone(),
            reversed(explicit),
            d3.clone(),
            reversed(d3),
            mid,
        ] {
            let out = cut(&polygons(vec![vec![ring.clone()]]));
            assert_eq!(out.polygons.len(), 1, "{ring:?} → {:?}", out.polygons);
            assert_clean(&out, -180.0, 180.0);
            let r = &out.polygons[0][0];
            assert!(
                (polygon_area(&out.polygons[0]) - 360.0 * 5.0).abs() < 1e-9,
                "{r:?}"
            );
            assert!(r.iter().any(|p| p[1] == -90.0));
            assert!(r.iter().all(|p| p[1] <= -85.0));
        }
    }

    #[test]
    fn ring_round_the_north_pole_picks_the_north_pole() {
        let ring = vec![[0.0, 80.0], [120.0, 80.0], [-120.0, 80.0], [0.0, 80.0]];
        let out = cut(&polygons(vec![vec![ring]]));
        assert_eq!(out.polygons.len(), 1);
        assert_clean(&out, -180.0, 180.0);
        assert!((total_area(&out) - 3600.0).abs() < 1e-9);
        assert!(out.polygons[0][0].iter().all(|p| p[1] >= 80.0));
    }

    #[test]
    fn cut_at_moves_the_seam_to_the_projection_antimeridian() {
        let f = polygons(vec![
            vec![rect(170.0, -10.0, -170.0, 10.0)],
            vec![rect(-40.0, -10.0, -20.0, 10.0)],
        ]);
        let out = cut_at(&f, 150.0);
        assert_clean(&out, -30.0, 330.0);
        // The Pacific square is whole around 180; the Atlantic one is cut at -30.
        assert_eq!(out.polygons.len(), 3, "{:?}", out.polygons);
        assert_eq!(out.polygons[0][0], rect(170.0, -10.0, 190.0, 10.0));
        assert!((total_area(&out) - 800.0).abs() < 1e-9);
        assert_eq!(seam(-180.0), 360.0);
        assert_eq!(seam(540.0), 360.0);
    }

    #[test]
    fn fractional_lon_0_leaves_no_slivers() {
        let lon_0 = 100.123;
        let seam = seam(lon_0);
        let f = polygons(vec![
            vec![rect(-85.0, 0.0, -75.0, 10.0)],
            vec![vec![
                [0.0, -70.0],
                [120.0, -70.0],
                [-120.0, -70.0],
                [0.0, -70.0],
            ]],
        ]);
        let out = cut_at(&f, lon_0);
        // The square is cut at -79.877; the polar ring is closed in one part.
        assert_eq!(out.polygons.len(), 3, "{:?}", out.polygons);
        assert_clean(&out, seam - 360.0 - SEAM_SLACK, seam + SEAM_SLACK);
        assert!((total_area(&out) - (100.0 + 360.0 * 20.0)).abs() < 1e-6);
    }

    #[test]
    fn clip_latitude_trims_a_tall_square() {
        let f = Flat {
            polygons: vec![vec![rect(0.0, -89.0, 10.0, 89.0)]],
            lines: vec![vec![[5.0, -89.0], [5.0, 89.0]]],
            points: vec![[1.0, 88.0], [1.0, 0.0]],
        };
        let m = WEB_MERCATOR_MAX_LAT;
        let out = clip_latitude(&f, -m, m);
        assert_eq!(out.polygons.len(), 1);
        assert!((total_area(&out) - 10.0 * 2.0 * m).abs() < 1e-9);
        assert!(out.polygons[0][0].iter().all(|p| p[1].abs() <= m));
        assert_eq!(out.lines, vec![vec![[5.0, -m], [5.0, m]]]);
        assert_eq!(out.points, vec![[1.0, 0.0]]);
    }

    #[test]
    fn clip_latitude_closes_a_polar_cap_along_the_parallel() {
        let cap = polygons(vec![vec![vec![
            [-180.0, -70.0],
            [0.0, -70.0],
            [180.0, -70.0],
            [180.0, -90.0],
            [-180.0, -90.0],
            [-180.0, -70.0],
        ]]]);
        let out = clip_latitude(&cut(&cap), -80.0, 80.0);
        assert_eq!(out.polygons.len(), 1);
        assert!((total_area(&out) - 3600.0).abs() < 1e-9);
        // The new edge along -80 is densified, not one 360° stroke.
        assert_clean(&out, -180.0, 180.0);
        let longest = out.polygons[0][0]
            .windows(2)
            .map(|w| (w[1][0] - w[0][0]).abs())
            .fold(0.0, f64::max);
        assert!(longest <= 180.0 + 1e-9, "{longest}");
    }
}
