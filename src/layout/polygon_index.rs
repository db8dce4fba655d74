//! A polygon's edges in an R-tree, so label placement asks "how far to the nearest edge?"
//! and "is this point inside?" in logarithmic time instead of walking every ring. A polygon
//! with tens of thousands of holes is labelled in O(n log n), not O(n × cells).

use crate::geom::{Pt, Ring};
use geo::{Area, BoundingRect, Centroid, Distance, Euclidean};
use rstar::primitives::Line;
use rstar::{RTree, AABB};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// The edges of every ring of one polygon (exterior and holes), indexed.
pub struct PolygonIndex {
    edges: RTree<Line<Pt>>,
    /// Right edge of the polygon's bounding box: where an inside test's ray may stop.
    max_x: f64,
}

impl PolygonIndex {
    pub fn new(rings: &[Ring]) -> Self {
        let edges: Vec<Line<Pt>> = rings
            .iter()
            .flat_map(|r| r.windows(2).map(|w| Line::new(w[0], w[1])))
            .filter(|l| l.from.iter().chain(&l.to).all(|v| v.is_finite()))
            .collect();
        let max_x = edges
            .iter()
            .map(|l| l.from[0].max(l.to[0]))
            .fold(f64::NEG_INFINITY, f64::max);
        PolygonIndex {
            edges: RTree::bulk_load(edges),
            max_x,
        }
    }

    /// Edges a rightward ray from `p` may cross.
    fn ray_edges(&self, p: Pt) -> impl Iterator<Item = &Line<Pt>> {
        let end = self.max_x.max(p[0]);
        self.edges
            .locate_in_envelope_intersecting(&AABB::from_corners(p, [end, p[1]]))
    }

    /// Even-odd point in polygon over all rings; the same answer as
    /// [`crate::geom::contains`], from only the edges a rightward ray can cross.
    pub fn contains(&self, p: Pt) -> bool {
        let mut inside = false;
        for l in self.ray_edges(p) {
            let (a, b) = (l.from, l.to);
            if (a[1] > p[1]) != (b[1] > p[1]) {
                let x = a[0] + (p[1] - a[1]) / (b[1] - a[1]) * (b[0] - a[0]);
                if p[0] < x {
                    inside = !inside;
                }
            }
        }
        inside
    }

    /// Distance from `p` to the nearest edge (infinite for a polygon without edges).
    pub fn edge_distance(&self, p: Pt) -> f64 {
        let point = geo::Point::new(p[0], p[1]);
        let mut best = f64::INFINITY;
        // The R-tree finds the nearest edge; it is measured the way `geo` (and so polylabel)
        // measures.
        if let Some(l) = self.edges.nearest_neighbor(&p) {
            let line = geo::Line::new((l.from[0], l.from[1]), (l.to[0], l.to[1]));
            best = Euclidean.distance(&point, &line);
        }
        best
    }

    /// Distance to the outline, positive inside the polygon and negative outside (the
    /// inside test written as polylabel writes it, so poles match polylabel's).
    fn signed_distance(&self, p: Pt) -> f64 {
        let (x, y) = (p[0], p[1]);
        let mut inside = false;
        for l in self.ray_edges(p) {
            let (a, b) = (l.from, l.to);
            if ((a[1] > y) != (b[1] > y)) && (x < (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]) + a[0])
            {
                inside = !inside;
            }
        }
        let d = self.edge_distance(p);
        if inside {
            d
        } else {
            -d
        }
    }
}

/// Most cells the pole search splits: the story maps' provinces need at most 172 at 0.5 px
/// precision; a polygon with thousands of equally good gaps (a grid of holes) stops here
/// with the best point found so far.
const MAX_CELLS: usize = 4_000;

#[derive(Clone, Copy)]
struct Cell {
    centre: Pt,
    half: f64,
    distance: f64,
    max_distance: f64,
}

impl Cell {
    fn new(centre: Pt, half: f64, index: &PolygonIndex) -> Cell {
        let distance = index.signed_distance(centre);
        Cell {
            centre,
            half,
            distance,
            max_distance: distance + half * std::f64::consts::SQRT_2,
        }
    }
}

impl PartialEq for Cell {
    fn eq(&self, o: &Self) -> bool {
        self.max_distance.total_cmp(&o.max_distance) == Ordering::Equal
    }
}
impl Eq for Cell {}
impl PartialOrd for Cell {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Cell {
    fn cmp(&self, o: &Self) -> Ordering {
        self.max_distance.total_cmp(&o.max_distance)
    }
}

/// The pole of inaccessibility (the interior point farthest from the edges), found by
/// polylabel's algorithm (Mapbox; the `polylabel` crate) with `tolerance` in pixels, but
/// with distances and inside tests from the edge index. `None` for a degenerate polygon.
pub fn pole_of_inaccessibility(poly: &[Ring], tolerance: f64) -> Option<Pt> {
    let to_ls =
        |r: &Ring| geo::LineString::from(r.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>());
    let ext = poly.first()?;
    let gp = geo::Polygon::new(to_ls(ext), poly[1..].iter().map(to_ls).collect());
    if gp.signed_area() == 0.0 || !gp.signed_area().is_finite() {
        return None;
    }
    let bbox = gp.bounding_rect()?;
    let size = bbox.width().min(bbox.height());
    if size <= 0.0 || !size.is_finite() {
        return None;
    }
    let index = PolygonIndex::new(poly);
    let centroid = gp.centroid()?;
    let centroid_cell = Cell::new([centroid.x(), centroid.y()], 0.0, &index);
    let c = bbox.center();
    let bbox_cell = Cell::new([c.x, c.y], 0.0, &index);
    let mut best = if bbox_cell.distance < centroid_cell.distance {
        bbox_cell
    } else {
        centroid_cell
    };
    // Square cells as wide as the polygon is thin, but no more of them than the search may
    // examine (a long sliver would otherwise start with millions).
    let size = size.max((bbox.width() * bbox.height() / MAX_CELLS as f64).sqrt());
    let half = size / 2.0;
    let cell_size = half * 2.0;
    let nx = (bbox.width() / cell_size).ceil() as usize;
    let ny = (bbox.height() / cell_size).ceil() as usize;
    let origin = bbox.min();
    let mut queue = BinaryHeap::new();
    for x in 0..nx {
        for y in 0..ny {
            let centre = [
                origin.x + x as f64 * cell_size + half,
                origin.y + y as f64 * cell_size + half,
            ];
            queue.push(Cell::new(centre, half, &index));
        }
    }
    let mut examined = 0usize;
    while let Some(cell) = queue.pop() {
        if cell.distance > best.distance {
            best = cell;
        }
        if cell.max_distance - best.distance <= tolerance {
            continue;
        }
        examined += 4;
        if examined > MAX_CELLS {
            break;
        }
        let h = cell.half / 2.0;
        for (sx, sy) in [(-1.0, -1.0), (1.0, -1.0), (-1.0, 1.0), (1.0, 1.0)] {
            let centre = [cell.centre[0] + sx * h, cell.centre[1] + sy * h];
            queue.push(Cell::new(centre, h, &index));
        }
    }
    let p = best.centre;
    (p[0].is_finite() && p[1].is_finite()).then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::{contains, edge_distance};

    /// A square with a grid of square holes: the kind of polygon that made placement slow.
    fn holey(k: usize) -> Vec<Ring> {
        let mut rings = vec![vec![
            [0.0, 0.0],
            [100.0, 0.0],
            [100.0, 100.0],
            [0.0, 100.0],
            [0.0, 0.0],
        ]];
        let step = 100.0 / k as f64;
        for i in 0..k {
            for j in 0..k {
                let (x, y, d) = ((i as f64 + 0.3) * step, (j as f64 + 0.3) * step, step * 0.4);
                rings.push(vec![[x, y], [x, y + d], [x + d, y + d], [x + d, y], [x, y]]);
            }
        }
        rings
    }

    #[test]
    fn index_agrees_with_the_plain_scans() {
        let poly = holey(7);
        let index = PolygonIndex::new(&poly);
        for i in 0..60 {
            for j in 0..60 {
                let p = [f64::from(i) * 1.77 - 3.0, f64::from(j) * 1.71 - 2.0];
                assert_eq!(index.contains(p), contains(&poly, p), "{p:?}");
                let (a, b) = (index.edge_distance(p), edge_distance(&poly, p));
                assert!((a - b).abs() < 1e-9, "{p:?}: {a} {b}");
            }
        }
    }

    #[test]
    fn poles_match_polylabel_on_ordinary_polygons() {
        let l_shape = vec![vec![
            [0.0, 0.0],
            [40.0, 0.0],
            [40.0, 10.0],
            [10.0, 10.0],
            [10.0, 40.0],
            [0.0, 40.0],
            [0.0, 0.0],
        ]];
        for poly in [l_shape, holey(3)] {
            let to_ls = |r: &Ring| {
                geo::LineString::from(r.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>())
            };
            let gp = geo::Polygon::new(to_ls(&poly[0]), poly[1..].iter().map(to_ls).collect());
            let want = polylabel::polylabel(&gp, &0.5).unwrap();
            let got = pole_of_inaccessibility(&poly, 0.5).unwrap();
            assert_eq!(got, [want.x(), want.y()]);
        }
    }
}
