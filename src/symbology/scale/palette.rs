//! Colours for fitted scales: a scheme's exact k-class colours where ColorBrewer defines
//! them, and otherwise a ramp interpolated in Oklab (a perceptual space, so steps look even
//! and midpoints do not go grey or muddy as they do in sRGB).

use crate::color::scheme::{Scheme, SchemeKind};
use crate::color::{Paint, Rgba};

/// Colours to interpolate between, evenly spaced from t = 0 to t = 1.
#[derive(Debug, Clone, PartialEq)]
pub struct Ramp(Vec<Rgba>);

impl Ramp {
    /// The ramp of `colors` (at least one).
    pub fn new(colors: Vec<Rgba>) -> Ramp {
        Ramp(colors)
    }

    /// The colour at `t` (0..=1), interpolated in Oklab between the two nearest colours.
    pub fn at(&self, t: f64) -> Rgba {
        let n = self.0.len();
        let (Some(first), Some(last)) = (self.0.first(), self.0.last()) else {
            return Rgba::rgb(0, 0, 0);
        };
        if n == 1 || !t.is_finite() || t <= 0.0 {
            return *first;
        }
        if t >= 1.0 {
            return *last;
        }
        let x = t * (n - 1) as f64;
        let i = (x.floor() as usize).min(n - 2);
        mix(self.0[i], self.0[i + 1], x - i as f64)
    }

    /// `k` colours evenly along the ramp, ends included.
    pub fn sample(&self, k: usize) -> Vec<Rgba> {
        match k {
            0 => Vec::new(),
            1 => vec![self.at(0.5)],
            _ => (0..k).map(|i| self.at(i as f64 / (k - 1) as f64)).collect(),
        }
    }

    pub fn reversed(mut self) -> Ramp {
        self.0.reverse();
        self
    }

    /// Stops for a legend's gradient: enough that drawing straight sRGB between them
    /// stays within a shade of the Oklab ramp.
    pub fn stops(&self) -> Vec<(f64, Rgba)> {
        let n = 33;
        (0..n)
            .map(|i| {
                let t = i as f64 / (n - 1) as f64;
                (t, self.at(t))
            })
            .collect()
    }
}

/// `a` and `b` mixed in Oklab, `t` of the way to `b`.
pub fn mix(a: Rgba, b: Rgba, t: f64) -> Rgba {
    let lab = |c: Rgba| csscolorparser::Color::from_rgba8(c.r, c.g, c.b, c.a).to_oklaba();
    let (p, q) = (lab(a), lab(b));
    let m = |i: usize| p[i] + (q[i] - p[i]) * t as f32;
    let [r, g, b, a] = csscolorparser::Color::from_oklaba(m(0), m(1), m(2), m(3))
        .clamp()
        .to_rgba8();
    Rgba { r, g, b, a }
}

/// The colours the spec names: `colors = [..]` (colours only; `none` reads as
/// transparent black, which the spec's check keeps out of mapped channels by meaning).
pub fn spec_colors(colors: &[Paint]) -> Vec<Rgba> {
    colors
        .iter()
        .map(|p| match p {
            Paint::Color(c) => *c,
            Paint::None => Rgba {
                r: 0,
                g: 0,
                b: 0,
                a: 0,
            },
        })
        .collect()
}

/// `k` class colours from `scheme` (exactly its own k-class colours when it has them) or
/// `colors` (used as they are when there are `k`, else interpolated).
pub fn class_colors(scheme: Option<&Scheme>, colors: &[Rgba], k: usize) -> Vec<Rgba> {
    if !colors.is_empty() {
        if colors.len() == k {
            return colors.to_vec();
        }
        return Ramp::new(colors.to_vec()).sample(k);
    }
    let Some(s) = scheme else {
        return Vec::new();
    };
    if let Some(exact) = s.classes(k) {
        return exact;
    }
    if s.kind != SchemeKind::Ramp && k < s.min_classes {
        // Fewer classes than ColorBrewer defines: spread over its smallest set.
        let smallest = s.classes(s.min_classes).unwrap_or_default();
        let last = smallest.len().saturating_sub(1);
        return (0..k)
            .filter_map(|i| {
                smallest
                    .get((i * last + (k - 1) / 2) / (k - 1).max(1))
                    .copied()
            })
            .collect();
    }
    Ramp::new(s.ramp()).sample(k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oklab_mixing_keeps_ends_and_is_perceptual() {
        let (black, white) = (Rgba::rgb(0, 0, 0), Rgba::rgb(255, 255, 255));
        assert_eq!(mix(black, white, 0.0), black);
        assert_eq!(mix(black, white, 1.0), white);
        // Halfway in Oklab lightness is a darker grey than sRGB's halfway (128).
        let mid = mix(black, white, 0.5);
        assert!(mid.r == mid.g && mid.g == mid.b && mid.r < 128, "{mid:?}");
    }

    #[test]
    fn classes_use_colorbrewer_exactly_and_interpolate_beyond() {
        let blues = Scheme::find("Blues").unwrap();
        assert_eq!(class_colors(Some(blues), &[], 5), blues.classes(5).unwrap());
        let twelve = class_colors(Some(blues), &[], 12);
        assert_eq!(twelve.len(), 12);
        assert_eq!(twelve[0], blues.classes(9).unwrap()[0]);
        assert_eq!(twelve[11], blues.classes(9).unwrap()[8]);
        let two = class_colors(Some(blues), &[], 2);
        let three = blues.classes(3).unwrap();
        assert_eq!(two, [three[0], three[2]]);
        let red_blue = [Rgba::rgb(255, 0, 0), Rgba::rgb(0, 0, 255)];
        assert_eq!(class_colors(None, &red_blue, 2), red_blue);
        assert_eq!(class_colors(None, &red_blue, 3).len(), 3);
    }
}
