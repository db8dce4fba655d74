//! Proportional symbols on the map: a layer with `size` draws each feature as one circle
//! whose radius its fitted [`SizeSymbols`] gives, at the feature's point, or at the pole
//! of inaccessibility of its largest polygon (in pixels, so the circle sits where the
//! polygon is widest on the page), or halfway along its longest line. Circles are drawn largest
//! first (ties in feature order), so small ones stay on top, and join the collision index
//! so labels avoid them.
//!
//! [`SizeSymbols`]: crate::symbology::size::SizeSymbols
//! [`SizeSymbols::radius`]: crate::symbology::size::SizeSymbols::radius

use super::occupied::{Occupied, What};
use super::polygon_index::pole_of_inaccessibility;
use crate::geom::{distance, length, polygon_area, BoxPx, Flat, Pt};
use crate::scene::{Node, Shape, ShapeGeometry};

/// Pixels of tolerance of the pole search: a symbol's centre is within this of the point
/// farthest from the polygon's edges.
const POLE_TOLERANCE: f64 = 0.5;

/// One layer's symbols, collected in feature order and drawn sorted.
#[derive(Default)]
pub(super) struct Symbols {
    /// Radius, feature order, the circle.
    circles: Vec<(f64, usize, Shape)>,
}

impl Symbols {
    /// Where `px`'s symbol goes and how big it is, for a feature with radius `r` (from
    /// [`SizeSymbols::radius`]); `None` when it has no drawable position.
    pub fn place(px: &Flat, r: f64) -> Option<(Pt, f64)> {
        let c = symbol_center(px)?;
        (c[0].is_finite() && c[1].is_finite() && r.is_finite() && r > 0.0).then_some((c, r))
    }

    /// Adds the circle `shape` of radius `r`, the `order`th of the layer.
    pub fn add(&mut self, r: f64, order: usize, shape: Shape) {
        self.circles.push((r, order, shape));
    }

    /// The circles largest first (ties in feature order), each added to `occupied` so
    /// labels keep off it.
    pub fn into_nodes(mut self, occupied: &mut Occupied) -> Vec<Node> {
        self.circles
            .sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        self.circles
            .into_iter()
            .map(|(r, _, shape)| {
                if let ShapeGeometry::Circle { cx, cy, .. } = shape.geometry {
                    add_circle(occupied, [cx, cy], r);
                }
                Node::Shape(shape)
            })
            .collect()
    }
}

/// Covers a circle with two boxes, a wide one and a tall one, each reaching ±r·cos 45° on
/// its short side (a point of the circle with |dy| above that has |dx| below it), plus a
/// pixel: labels may sit by its diagonals, where its bounding square would keep them off.
fn add_circle(occupied: &mut Occupied, c: Pt, r: f64) {
    let (long, short) = (
        2.0 * r + 2.0,
        2.0 * r * std::f64::consts::FRAC_1_SQRT_2 + 2.0,
    );
    occupied.add_as(BoxPx::centered(c, long, short), What::Marker);
    occupied.add_as(BoxPx::centered(c, short, long), What::Marker);
}

/// A symbol's centre: the feature's first point; else the pole of inaccessibility of its
/// largest polygon; else the middle of its longest line.
pub(super) fn symbol_center(px: &Flat) -> Option<Pt> {
    if let Some(p) = px.points.first() {
        return Some(*p);
    }
    let largest = px
        .polygons
        .iter()
        .max_by(|a, b| polygon_area(a).total_cmp(&polygon_area(b)));
    if let Some(poly) = largest {
        if let Some(p) = pole_of_inaccessibility(poly, POLE_TOLERANCE) {
            return Some(p);
        }
    }
    let line = px
        .lines
        .iter()
        .max_by(|a, b| length(a).total_cmp(&length(b)))?;
    halfway(line)
}

/// The point halfway along `line`.
fn halfway(line: &[Pt]) -> Option<Pt> {
    let mut left = length(line) / 2.0;
    for w in line.windows(2) {
        let d = distance(w[0], w[1]);
        if d > 0.0 && left <= d {
            let t = left / d;
            return Some([
                w[0][0] + t * (w[1][0] - w[0][0]),
                w[0][1] + t * (w[1][1] - w[0][1]),
            ]);
        }
        left -= d;
    }
    line.first().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn centres_are_points_poles_and_halfway() {
        let point = Flat {
            points: vec![[3.0, 4.0], [9.0, 9.0]],
            ..Flat::default()
        };
        assert_eq!(symbol_center(&point), Some([3.0, 4.0]));
        // An L: the pole is in the wide foot, not at the bounding box's centre (outside).
        let l_shape = vec![vec![
            [0.0, 0.0],
            [100.0, 0.0],
            [100.0, 40.0],
            [20.0, 40.0],
            [20.0, 100.0],
            [0.0, 100.0],
            [0.0, 0.0],
        ]];
        let small = vec![vec![[200.0, 0.0], [201.0, 0.0], [201.0, 1.0], [200.0, 0.0]]];
        let poly = Flat {
            polygons: vec![small, l_shape.clone()],
            ..Flat::default()
        };
        let c = symbol_center(&poly).unwrap();
        assert!(crate::geom::contains(&l_shape, c), "{c:?}");
        assert!(crate::geom::edge_distance(&l_shape, c) > 19.0, "{c:?}");
        let line = Flat {
            lines: vec![vec![[0.0, 0.0], [10.0, 0.0], [10.0, 10.0]]],
            ..Flat::default()
        };
        assert_eq!(symbol_center(&line), Some([10.0, 0.0]));
        assert_eq!(symbol_center(&Flat::default()), None);
    }

    #[test]
    fn largest_first_ties_in_feature_order() {
        let mut s = Symbols::default();
        for (i, r) in [2.0, 5.0, 2.0, 9.0].into_iter().enumerate() {
            let circle = ShapeGeometry::Circle {
                cx: 10.0 * i as f64,
                cy: 0.0,
                r,
            };
            s.add(r, i, Shape::new("symbol", circle).with_id(format!("s{i}")));
        }
        let mut occupied = Occupied::default();
        let ids: Vec<String> = s
            .into_nodes(&mut occupied)
            .into_iter()
            .filter_map(|n| match n {
                Node::Shape(s) => s.id,
                _ => None,
            })
            .collect();
        assert_eq!(ids, ["s3", "s1", "s0", "s2"]);
    }
}
