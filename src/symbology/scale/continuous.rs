//! Continuous scales: a value to a position `t` from 0 to 1 along a colour ramp (or an
//! opacity range), linearly, by logarithm, by square root, or linearly on each side of a
//! midpoint (diverging). Values outside the domain are clamped to its ends.

use super::classify::{nice_domain, ticks};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Transform {
    Linear,
    /// Base-10 logarithm; the domain is above 0 (values at or below 0 are refused when
    /// the scale is fitted).
    Log,
    Sqrt,
    /// Linear from the domain's low end to `mid` (t 0 to 0.5), and from `mid` to its high
    /// end (0.5 to 1).
    Diverging {
        mid: f64,
    },
}

/// A fitted continuous scale.
#[derive(Debug, Clone, PartialEq)]
pub struct Continuous {
    pub transform: Transform,
    pub lo: f64,
    pub hi: f64,
}

impl Continuous {
    /// The scale over `[lo, hi]` (the spec's domain or the data's), widened to round
    /// numbers when `nice`.
    pub fn new(transform: Transform, lo: f64, hi: f64, nice: bool) -> Continuous {
        let [lo, hi] = match (nice, transform) {
            (false, _) => [lo, hi],
            (true, Transform::Log) => [
                10f64.powf(lo.log10().floor()),
                10f64.powf(hi.log10().ceil()),
            ],
            (true, _) => nice_domain(lo, hi, 5),
        };
        Continuous { transform, lo, hi }
    }

    /// Where `v` lies, from 0 (the low end) to 1 (the high end), clamped.
    pub fn t(&self, v: f64) -> f64 {
        let v = v.clamp(self.lo, self.hi);
        let along = |a: f64, b: f64, v: f64| if b > a { (v - a) / (b - a) } else { 0.5 };
        let t = match self.transform {
            Transform::Linear => along(self.lo, self.hi, v),
            Transform::Log => along(self.lo.log10(), self.hi.log10(), v.log10()),
            Transform::Sqrt => along(self.lo.sqrt(), self.hi.sqrt(), v.sqrt()),
            Transform::Diverging { mid } if v < mid => 0.5 * along(self.lo, mid, v),
            Transform::Diverging { mid } => 0.5 + 0.5 * along(mid, self.hi, v),
        };
        if t.is_finite() {
            t.clamp(0.0, 1.0)
        } else {
            0.5
        }
    }

    /// Round values to label the scale with, inside the domain, about five.
    pub fn ticks(&self) -> Vec<f64> {
        match self.transform {
            Transform::Log => {
                let (a, b) = (
                    self.lo.log10().ceil() as i32,
                    self.hi.log10().floor() as i32,
                );
                let powers: Vec<f64> = (a..=b.min(a + 30)).map(|e| 10f64.powi(e)).collect();
                if powers.len() >= 2 {
                    return powers;
                }
                let mut more: Vec<f64> = (a - 1..=b)
                    .flat_map(|e| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(e)))
                    .filter(|v| *v >= self.lo && *v <= self.hi)
                    .collect();
                more.dedup();
                if more.len() >= 2 {
                    more
                } else {
                    ticks(self.lo, self.hi, 5)
                }
            }
            Transform::Diverging { mid } => {
                let mut t = ticks(self.lo, self.hi, 5);
                if mid > self.lo && mid < self.hi && !t.contains(&mid) {
                    t.push(mid);
                    t.sort_by(f64::total_cmp);
                }
                t
            }
            _ => ticks(self.lo, self.hi, 5),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_along_each_transform() {
        let lin = Continuous::new(Transform::Linear, 0.0, 10.0, false);
        assert_eq!((lin.t(-5.0), lin.t(5.0), lin.t(50.0)), (0.0, 0.5, 1.0));
        let log = Continuous::new(Transform::Log, 1.0, 1000.0, false);
        assert!((log.t(10.0) - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(log.ticks(), [1.0, 10.0, 100.0, 1000.0]);
        let sqrt = Continuous::new(Transform::Sqrt, 0.0, 100.0, false);
        assert_eq!(sqrt.t(25.0), 0.5);
        let div = Continuous::new(Transform::Diverging { mid: 0.0 }, -2.0, 8.0, false);
        assert_eq!((div.t(-1.0), div.t(0.0), div.t(4.0)), (0.25, 0.5, 0.75));
        let nice = Continuous::new(Transform::Linear, 0.012, 0.301, true);
        assert_eq!((nice.lo, nice.hi), (0.0, 0.35));
        let nice_log = Continuous::new(Transform::Log, 3.0, 420.0, true);
        assert_eq!((nice_log.lo, nice_log.hi), (1.0, 1000.0));
    }
}
