//! Themes recolour a finished scene, so every map gets them without per-map colours:
//! `light` keeps the spec's colours, `dark` inverts lightness (in OKLab, keeping hue and
//! chroma, so a red highlight stays red), `print` turns everything to greys of the same
//! lightness.

use crate::color::{Paint, Rgba};
use crate::scene::{Palette, Scene};
// The theme is a spec keyword; what it does to colours is worked out here.
pub use crate::spec::Theme;

impl Theme {
    /// Recolours a finished scene in this theme. With `dark_variant`, a light map also
    /// carries the dark theme's colour for each of its own, which its SVG gives a browser
    /// whose reader prefers a dark colour scheme; a dark map needs no dark variant.
    pub fn apply(self, scene: &mut Scene, dark_variant: bool) {
        if self != Theme::Light {
            scene.map_paints(&|p| self.paint(p));
        }
        scene.dark_variant = (dark_variant && self != Theme::Dark).then(|| dark_palette(scene));
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

/// Every colour of `scene` with the colour [`Theme::Dark`] gives it: the dark theme
/// recolours colour by colour, so a browser showing this palette shows what `--theme dark`
/// renders.
fn dark_palette(scene: &Scene) -> Palette {
    let mut colours = Vec::new();
    scene.for_each_paint(&mut |_, p| {
        if let Paint::Color(c) = p {
            // Alpha changes neither red, green nor blue of the dark colour.
            colours.push(Rgba { a: 255, ..c });
        }
    });
    colours.sort_by_key(|c| [c.r, c.g, c.b]);
    colours.dedup();
    colours
        .into_iter()
        .filter_map(|c| match Theme::Dark.paint(Paint::Color(c)) {
            Paint::Color(dark) => Some((c, dark)),
            Paint::None => None,
        })
        .collect()
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

    /// A light map with a dark variant carries the dark colour of every colour it paints;
    /// a dark map, or one without the variant, carries none.
    #[test]
    fn the_dark_variant_covers_every_colour() {
        use crate::scene::{Node, Shape, ShapeGeometry, Style};
        let red = Rgba::rgb(0xc0, 0x39, 0x2b);
        let blue = Rgba::rgb(0x1a, 0x5f, 0xb4);
        let scene = || Scene {
            width: 10.0,
            height: 10.0,
            title: String::new(),
            description: String::new(),
            background: Paint::rgb(255, 255, 255),
            clips: Vec::new(),
            nodes: vec![Node::Shape(Shape {
                id: None,
                class: None,
                label: None,
                geometry: ShapeGeometry::Circle {
                    cx: 1.0,
                    cy: 1.0,
                    r: 1.0,
                },
                style: Some(Style {
                    fill: Paint::Color(red),
                    stroke: Paint::Color(Rgba { a: 128, ..blue }),
                    ..Style::default()
                }),
            })],
            dark_variant: None,
            id_prefix: "m".into(),
        };
        let mut light = scene();
        Theme::Light.apply(&mut light, true);
        let palette = light.dark_variant.expect("a dark variant");
        for c in [Rgba::rgb(255, 255, 255), red, blue] {
            assert_eq!(
                palette.get(c).map(Paint::Color),
                Some(Theme::Dark.paint(Paint::Color(c)))
            );
        }
        let mut dark = scene();
        Theme::Dark.apply(&mut dark, true);
        assert_eq!(dark.dark_variant, None);
        let mut plain = scene();
        Theme::Light.apply(&mut plain, false);
        assert_eq!(plain.dark_variant, None);
    }

    #[test]
    fn print_is_grey() {
        let (r, g, b) = rgb(Theme::Print.paint(Paint::rgb(0xc0, 0x39, 0x2b)));
        assert!(r.abs_diff(g) <= 1 && g.abs_diff(b) <= 1, "{r} {g} {b}");
        assert_eq!(Theme::Light.paint(Paint::rgb(1, 2, 3)), Paint::rgb(1, 2, 3));
    }
}
