//! The hatch fill in SVG: one `<pattern>` per pair of base fill and hatch colour the scene
//! uses, holding both (a rectangle of the fill under a band of the hatch, in a tile turned
//! by [`HATCH_ANGLE`]), so a hatched shape is one element whose `fill` names its pattern.
//! The patterns' colours are plain `fill` attributes, so the dark variant's CSS recolours
//! them as it does every other colour.

use crate::color::Paint;
use crate::scene::{
    num, Group, Node, Scene, Shape, Style, HATCH_ANGLE, HATCH_SPACING, HATCH_WIDTH,
};
use std::collections::BTreeMap;
use svg::node::element::{self as el, Element};
use svg::Node as _;

/// The pattern of a base fill and a hatch colour: its scene-local id (derived from the two
/// colours, so the same pair always gets the same id) and its element without the id.
pub(super) struct HatchPattern {
    pub local_id: String,
    pub element: Element,
}

/// The local id of the pattern drawing `fill` hatched with `hatch`.
pub(super) fn local_id(fill: Paint, hatch: Paint) -> String {
    format!("hatch-{}-{}", colour_key(fill), colour_key(hatch))
}

/// `rrggbb`, `rrggbbaa` when not opaque, or `none`.
fn colour_key(p: Paint) -> String {
    match p {
        Paint::Color(c) if c.a == 255 => format!("{:02x}{:02x}{:02x}", c.r, c.g, c.b),
        Paint::Color(c) => format!("{:02x}{:02x}{:02x}{:02x}", c.r, c.g, c.b, c.a),
        Paint::None => "none".into(),
    }
}

/// Every pattern the scene's hatched styles need, each once, in the order of their ids.
pub(super) fn patterns(scene: &Scene) -> Vec<HatchPattern> {
    let mut pairs: BTreeMap<String, (Paint, Paint)> = BTreeMap::new();
    scene.for_each_node(&mut |n| {
        let style = match n {
            Node::Group(Group { style: Some(s), .. })
            | Node::Shape(Shape { style: Some(s), .. }) => s,
            _ => return,
        };
        if let Some(hatch) = style.hatch {
            pairs.insert(local_id(style.fill, hatch), (style.fill, hatch));
        }
    });
    pairs
        .into_iter()
        .map(|(local_id, (fill, hatch))| HatchPattern {
            local_id,
            element: pattern(fill, hatch),
        })
        .collect()
}

/// A tile of [`HATCH_SPACING`] square in user space, turned by [`HATCH_ANGLE`]: the base
/// fill over the whole tile, the hatch as a band [`HATCH_WIDTH`] wide along its left edge.
fn pattern(fill: Paint, hatch: Paint) -> Element {
    let s = num(HATCH_SPACING);
    let mut p: Element = el::Pattern::new()
        .set("patternUnits", "userSpaceOnUse")
        .set("width", s.as_str())
        .set("height", s.as_str())
        .set("patternTransform", format!("rotate({})", num(HATCH_ANGLE)))
        .into();
    if !fill.is_none() {
        let mut base: Element = el::Rectangle::new()
            .set("width", s.as_str())
            .set("height", s.as_str())
            .into();
        paint(&mut base, fill);
        p.append(base);
    }
    if !hatch.is_none() {
        let mut band: Element = el::Rectangle::new()
            .set("width", num(HATCH_WIDTH))
            .set("height", s.as_str())
            .into();
        paint(&mut band, hatch);
        p.append(band);
    }
    p
}

fn paint(e: &mut Element, p: Paint) {
    e.assign("fill", p.to_string());
    if let Paint::Color(c) = p {
        if c.a < 255 {
            e.assign("fill-opacity", num(c.alpha()));
        }
    }
}

/// Whether `s` fills with a pattern rather than a colour.
pub(super) fn is_hatched(s: &Style) -> bool {
    s.hatch.is_some_and(|h| !h.is_none() || !s.fill.is_none())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::ShapeGeometry;

    fn hatched(fill: Paint, hatch: Paint) -> Node {
        Node::Shape(
            Shape::new(
                "feature",
                ShapeGeometry::Circle {
                    cx: 5.0,
                    cy: 5.0,
                    r: 4.0,
                },
            )
            .with_style(Style {
                fill,
                hatch: Some(hatch),
                ..Style::default()
            }),
        )
    }

    /// One pattern per pair of colours, whatever number of shapes use it, with the map's
    /// prefix; the dark variant recolours the hatch like any other colour.
    #[test]
    fn one_pattern_a_pair_of_colours() {
        let (white, grey, blue) = (
            Paint::rgb(255, 255, 255),
            Paint::rgb(0x99, 0x99, 0x99),
            Paint::rgb(0, 0, 255),
        );
        let mut scene = Scene {
            width: 10.0,
            height: 10.0,
            title: String::new(),
            description: String::new(),
            background: white,
            clips: Vec::new(),
            nodes: vec![
                hatched(white, grey),
                hatched(white, grey),
                hatched(Paint::None, blue),
            ],
            dark_variant: None,
            id_prefix: "m".into(),
        };
        let ids: Vec<String> = patterns(&scene).into_iter().map(|p| p.local_id).collect();
        assert_eq!(ids, ["hatch-ffffff-999999", "hatch-none-0000ff"]);
        crate::symbology::theme::Theme::Light.apply(&mut scene, true);
        let svg = super::super::svg::to_svg(&scene);
        assert_eq!(svg.matches("<pattern ").count(), 2, "{svg}");
        assert_eq!(
            svg.matches(r#"fill="url(#m_hatch-ffffff-999999)""#).count(),
            2,
            "{svg}"
        );
        assert!(
            svg.contains(r##"<rect fill="#999999" height="6.00" width="2.00"/>"##),
            "{svg}"
        );
        let dark = crate::symbology::theme::Theme::Dark.paint(grey);
        assert!(
            svg.contains(&format!(
                "svg.mapfig [fill=\"#999999\"] {{ fill: {dark}; }}"
            )),
            "{svg}"
        );
        // Without a hatch, no pattern.
        scene.nodes = vec![Node::Shape(
            Shape::new(
                "feature",
                ShapeGeometry::Circle {
                    cx: 5.0,
                    cy: 5.0,
                    r: 4.0,
                },
            )
            .with_style(Style {
                fill: white,
                ..Style::default()
            }),
        )];
        assert!(!super::super::svg::to_svg(&scene).contains("pattern"));
    }
}
