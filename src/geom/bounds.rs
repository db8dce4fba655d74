//! Bounding boxes `[minx, miny, maxx, maxy]`, accumulated point by point.

use super::Pt;

/// Accumulates a bounding box.
#[derive(Debug, Clone, Copy)]
pub struct Bounds([f64; 4]);

impl Default for Bounds {
    fn default() -> Self {
        Bounds([
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ])
    }
}

impl Bounds {
    pub fn add(&mut self, p: Pt) {
        let b = &mut self.0;
        b[0] = b[0].min(p[0]);
        b[1] = b[1].min(p[1]);
        b[2] = b[2].max(p[0]);
        b[3] = b[3].max(p[1]);
    }

    pub fn add_all(&mut self, ps: &[Pt]) {
        for p in ps {
            self.add(*p);
        }
    }

    pub fn merge(&mut self, other: [f64; 4]) {
        self.add([other[0], other[1]]);
        self.add([other[2], other[3]]);
    }

    /// The box, or `None` when nothing (or only NaN) was added.
    pub fn get(&self) -> Option<[f64; 4]> {
        (self.0[0] <= self.0[2] && self.0[1] <= self.0[3]).then_some(self.0)
    }
}
