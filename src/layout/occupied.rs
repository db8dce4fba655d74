//! The collision index shared by everything on the map panel: boxes (markers, labels,
//! furniture, callouts) and segments (leader lines), each tagged with what it is, so a
//! label is never drawn over anything and a failed placement can say what blocked it.

use crate::geom::BoxPx;
use crate::geom::Pt;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

/// What an entry of the collision index is, so a failed placement can say what blocked it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum What {
    Marker,
    Arrowhead,
    /// Legend, scale bar, north arrow, inset, graticule labels.
    Furniture,
    Callout,
    Leader,
    Label,
}

impl What {
    pub fn name(self) -> &'static str {
        match self {
            What::Marker => "markers",
            What::Arrowhead => "arrowheads",
            What::Furniture => {
                "furniture (legend, scale bar, north arrow, inset or graticule labels)"
            }
            What::Callout => "other callouts",
            What::Leader => "leader lines",
            What::Label => "labels",
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Obstacle {
    Box(BoxPx),
    /// A leader line: labels must not cover it, nor other leaders cross it.
    Segment(Pt, Pt),
}

/// Everything already on the map that a label must not cover: boxes (markers, labels,
/// furniture, callouts) and segments (leader lines), each tagged with what it is.
#[derive(Default)]
pub struct Occupied {
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
    items: Vec<(Obstacle, What)>,
    /// Point markers, kept compact (a map may hold millions).
    markers: super::marker_index::MarkerIndex,
}

impl Occupied {
    /// Adds a box of furniture (the default kind for anything that is not a label, marker,
    /// callout or leader).
    pub fn add(&mut self, b: BoxPx) {
        self.add_as(b, What::Furniture);
    }

    pub fn add_as(&mut self, b: BoxPx, what: What) {
        self.insert([b.x0, b.y0], [b.x1, b.y1], Obstacle::Box(b), what);
    }

    /// Adds point markers: boxes of `side` × `side` around `centers`, as
    /// `add_as(BoxPx::centered(c, side, side), What::Marker)` would, in 16 bytes each.
    pub fn add_markers(&mut self, centers: &[Pt], side: f64) {
        self.markers.add(centers, side);
    }

    /// Indexes the markers added so far (queries before this scan them all).
    pub fn index_markers(&mut self) {
        self.markers.index();
    }

    /// Does any marker box satisfy `hit`, among those near `lo`–`hi`?
    fn marker_hit(&self, lo: Pt, hi: Pt, hit: impl Fn(&BoxPx) -> bool) -> bool {
        let mut any = false;
        self.markers.near(lo, hi, &mut |m| any = any || hit(&m));
        any
    }

    /// Adds a leader line from `a` to `b`.
    pub fn add_segment(&mut self, a: Pt, b: Pt, what: What) {
        let lo = [a[0].min(b[0]), a[1].min(b[1])];
        let hi = [a[0].max(b[0]), a[1].max(b[1])];
        self.insert(lo, hi, Obstacle::Segment(a, b), what);
    }

    fn insert(&mut self, lo: Pt, hi: Pt, o: Obstacle, what: What) {
        if !(lo.iter().chain(&hi).all(|v| v.is_finite())) {
            return;
        }
        self.tree.insert(GeomWithData::new(
            Rectangle::from_corners(lo, hi),
            self.items.len(),
        ));
        self.items.push((o, what));
    }

    fn near(&self, lo: Pt, hi: Pt) -> impl Iterator<Item = &(Obstacle, What)> {
        let env = AABB::from_corners(lo, hi);
        self.tree
            .locate_in_envelope_intersecting(&env)
            .filter_map(|r| self.items.get(r.data))
    }

    /// What `b` would cover, each kind once, in a fixed order.
    pub fn blockers(&self, b: &BoxPx) -> Vec<What> {
        let mut v: Vec<What> = self
            .near([b.x0, b.y0], [b.x1, b.y1])
            .filter(|(o, _)| match o {
                Obstacle::Box(o) => o.intersects(b),
                Obstacle::Segment(p, q) => segment_enters_box(*p, *q, b),
            })
            .map(|(_, w)| *w)
            .collect();
        if self.marker_hit([b.x0, b.y0], [b.x1, b.y1], |m| m.intersects(b)) {
            v.push(What::Marker);
        }
        v.sort();
        v.dedup();
        v
    }

    pub fn collides(&self, b: &BoxPx) -> bool {
        self.near([b.x0, b.y0], [b.x1, b.y1]).any(|(o, _)| match o {
            Obstacle::Box(o) => o.intersects(b),
            Obstacle::Segment(p, q) => segment_enters_box(*p, *q, b),
        }) || self.marker_hit([b.x0, b.y0], [b.x1, b.y1], |m| m.intersects(b))
    }

    /// Does the segment a–b pass through any occupied box or cross a leader line?
    pub fn segment_collides(&self, a: Pt, b: Pt) -> bool {
        !self.segment_blockers(a, b, false).is_empty()
    }

    /// What the leader line from `a` (the point it annotates) to `b` would run through.
    /// With `from_marker`, a marker box holding `a` is not in the way: the leader starts
    /// under the marker it annotates.
    pub fn segment_blockers(&self, a: Pt, b: Pt, from_marker: bool) -> Vec<What> {
        let lo = [a[0].min(b[0]), a[1].min(b[1])];
        let hi = [a[0].max(b[0]), a[1].max(b[1])];
        let mut v: Vec<What> = self
            .near(lo, hi)
            .filter(|(o, w)| match o {
                Obstacle::Box(bx) => {
                    let own_marker = from_marker && *w == What::Marker && bx.contains_point(a);
                    !own_marker && segment_enters_box(a, b, bx)
                }
                Obstacle::Segment(p, q) => segments_cross(a, b, *p, *q),
            })
            .map(|(_, w)| *w)
            .collect();
        let own_marker = |bx: &BoxPx| from_marker && bx.contains_point(a);
        if self.marker_hit(lo, hi, |bx| !own_marker(bx) && segment_enters_box(a, b, bx)) {
            v.push(What::Marker);
        }
        v.sort();
        v.dedup();
        v
    }
}

/// Does segment a–b run through the inside of `bx` (not merely touch its edge)?
fn segment_enters_box(a: Pt, b: Pt, bx: &BoxPx) -> bool {
    // The part inside the box (edges included) must have length and pass through the
    // inside: a segment along an edge or touching a corner does not enter.
    let Some((t0, t1)) = crate::geom::segment_span(a, b, [bx.x0, bx.y0, bx.x1, bx.y1]) else {
        return false;
    };
    let t = (t0 + t1) / 2.0;
    let m = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
    t0 < t1 && m[0] > bx.x0 && m[0] < bx.x1 && m[1] > bx.y0 && m[1] < bx.y1
}

/// Do segments a–b and c–d cross? Touching at an end point does not count (two leaders
/// from one marker may share their start).
fn segments_cross(a: Pt, b: Pt, c: Pt, d: Pt) -> bool {
    let orient =
        |p: Pt, q: Pt, r: Pt| (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]);
    let (d1, d2) = (orient(c, d, a), orient(c, d, b));
    let (d3, d4) = (orient(a, b, c), orient(a, b, d));
    ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0))
        && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0))
}
