//! Themes recolour a finished scene, so every map gets them without per-map colours:
//! `light` keeps the spec's colours, `dark` inverts lightness (in OKLab, keeping hue and
//! chroma, so a red highlight stays red), `print` turns everything to greys of the same
//! lightness.

use crate::color::{Paint, Rgba};
use crate::scene::Scene;
// The theme is a spec keyword; what it does to colours is worked out here.
pub use crate::spec::Theme;

impl Theme {
    pub fn apply(self, scene: &mut Scene) {
        if self != Theme::Light {
            scene.map_paints(&|p| self.paint(p));
        }
    }

    pub fn paint(self, p: Paint) -> Paint {
        let Paint::Color(c) = p else { return p };
        let color = csscolorparser::Color::from_rgba8(c.r, c.g, c.b, c.a);
        let [l, a, b, alpha] = color.to_oklaba();
        let (l, a, b) = match self {
            Theme::Light => return p,
            Theme::Dark => (0.17 + (1.0 - l) * 0.79, a, b),
            Theme::Print => (l, 0.0, 0.0),
        };
        let [r, g, b, a] = csscolorparser::Color::from_oklaba(l, a, b, alpha)
            .clamp()
            .to_rgba8();
        Paint::Color(Rgba { r, g, b, a })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rgb(p: Paint) -> (u8, u8, u8) {
        match p {
            Paint::Color(c) => (c.r, c.g, c.b),
            Paint::None => panic!("none"),
        }
    }

    #[test]
    fn dark_swaps_light_and_dark_but_keeps_hue() {
        let (r, g, b) = rgb(Theme::Dark.paint(Paint::rgb(255, 255, 255)));
        assert!(r < 60 && g < 60 && b < 60, "{r} {g} {b}");
        let (r, g, b) = rgb(Theme::Dark.paint(Paint::rgb(0, 0, 0)));
        assert!(r > 220 && g > 220 && b > 220);
        let (r, g, b) = rgb(Theme::Dark.paint(Paint::rgb(0xc0, 0x39, 0x2b)));
        assert!(r > g && r > b, "still red: {r} {g} {b}");
        assert_eq!(Theme::Dark.paint(Paint::None), Paint::None);
    }

    #[test]
    fn print_is_grey() {
        let (r, g, b) = rgb(Theme::Print.paint(Paint::rgb(0xc0, 0x39, 0x2b)));
        assert!(r.abs_diff(g) <= 1 && g.abs_diff(b) <= 1, "{r} {g} {b}");
        assert_eq!(Theme::Light.paint(Paint::rgb(1, 2, 3)), Paint::rgb(1, 2, 3));
    }
}
