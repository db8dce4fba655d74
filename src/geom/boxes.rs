//! Axis-aligned boxes in pixels: label, furniture and callout extents on the page.

use super::Pt;

/// An axis-aligned box in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoxPx {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl BoxPx {
    pub fn new(x0: f64, y0: f64, x1: f64, y1: f64) -> Self {
        BoxPx { x0, y0, x1, y1 }
    }

    pub fn centered(c: Pt, w: f64, h: f64) -> Self {
        BoxPx::new(
            c[0] - w / 2.0,
            c[1] - h / 2.0,
            c[0] + w / 2.0,
            c[1] + h / 2.0,
        )
    }

    pub fn intersects(&self, o: &BoxPx) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    pub fn inside(&self, o: &BoxPx) -> bool {
        self.x0 >= o.x0 && self.y0 >= o.y0 && self.x1 <= o.x1 && self.y1 <= o.y1
    }

    pub fn inflate(&self, d: f64) -> BoxPx {
        BoxPx::new(self.x0 - d, self.y0 - d, self.x1 + d, self.y1 + d)
    }

    pub fn center(&self) -> Pt {
        [(self.x0 + self.x1) / 2.0, (self.y0 + self.y1) / 2.0]
    }

    pub fn width(&self) -> f64 {
        self.x1 - self.x0
    }

    pub fn height(&self) -> f64 {
        self.y1 - self.y0
    }

    /// Is `p` strictly inside the box?
    pub fn contains_point(&self, p: Pt) -> bool {
        p[0] > self.x0 && p[0] < self.x1 && p[1] > self.y0 && p[1] < self.y1
    }

    /// The point of the box nearest to `p`.
    pub fn nearest(&self, p: Pt) -> Pt {
        // max/min rather than clamp: never panics, whatever the box.
        [
            p[0].max(self.x0).min(self.x1),
            p[1].max(self.y0).min(self.y1),
        ]
    }

    /// The four corners and the four edge midpoints (a label inside a polygon keeps all
    /// of them inside).
    pub fn corners_and_mids(&self) -> [Pt; 8] {
        let c = self.center();
        [
            [self.x0, self.y0],
            [self.x1, self.y0],
            [self.x0, self.y1],
            [self.x1, self.y1],
            [c[0], self.y0],
            [c[0], self.y1],
            [self.x0, c[1]],
            [self.x1, c[1]],
        ]
    }
}
