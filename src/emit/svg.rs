//! Scene → SVG text. Accessible (`role="img"`, `<title>`, `<desc>`, `aria-label`s), real
//! `<text>`, stable ids and classes, fixed coordinate precision, no scripts or external
//! references, and responsive (a `viewBox`, no fixed width).

use super::svg_hatch;
use crate::color::Paint;
use crate::scene::{
    clean_text, num, write_num, Group, IdRegistry, MarkerKind, Node, PaintUse, Palette, Scene,
    Shape, ShapeGeometry, Style, Text, TextAnchor, ID_SEPARATOR,
};
use crate::text::{fonts, Direction};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use svg::node::element::{self as el, Element};
use svg::Node as _;

/// Renders the scene as a standalone SVG document (with its dark variant when the scene
/// asks for one).
pub fn to_svg(scene: &Scene) -> String {
    write(scene, TextMode::Text, scene.dark_variant.as_ref())
}

/// Like [`to_svg`], with a subset of every font its texts use embedded as `@font-face` data
/// URLs (`embed_fonts`), so a browser draws the same glyphs as the PNG without the fonts.
pub fn to_svg_embedding_fonts(scene: &Scene) -> String {
    write(scene, TextMode::Embedded, scene.dark_variant.as_ref())
}

/// Like [`to_svg`], with text written as glyph outlines (each text keeps its words as an
/// `aria-label`), for SVGs that must look identical where the font is missing.
pub fn to_svg_outlined(scene: &Scene) -> String {
    write(scene, TextMode::Outlines, scene.dark_variant.as_ref())
}

/// Like [`to_svg`], always without the dark variant: for converters that have no colour
/// scheme (the PDF), and that warn about CSS media rules.
pub fn to_svg_single_scheme(scene: &Scene) -> String {
    write(scene, TextMode::Text, None)
}

/// The SVG without its texts (and without the dark variant): the page the PDF writer draws
/// the texts on from their glyph runs.
pub fn to_svg_without_text(scene: &Scene) -> String {
    write(scene, TextMode::Omit, None)
}

/// How texts are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextMode {
    /// Real `<text>`, right-to-left lines marked with the `direction` property.
    Text,
    /// As `Text`, with the fonts embedded.
    Embedded,
    /// Glyph outlines.
    Outlines,
    /// No texts at all.
    Omit,
}

/// Writes the document straight into one string. The svg crate makes each element's tag;
/// children are written in place rather than collected into a tree first, so path data
/// (nearly all of a big map's bytes) is written once, from the commands into the output. The
/// layout is the svg crate's own: each child on a new line.
fn write(scene: &Scene, outlines: TextMode, dark_variant: Option<&Palette>) -> String {
    let mut ids = DocumentIds::new(&scene.id_prefix);
    // Referenced ids are claimed first, so they keep their names whatever else the scene
    // holds.
    let title_id = ids.claim(TITLE_ID);
    let desc_id = ids.claim(DESC_ID);
    let clip_ids: Vec<String> = scene.clips.iter().map(|(id, _)| ids.target(id)).collect();
    let hatches = svg_hatch::patterns(scene);
    let hatch_ids: Vec<String> = hatches.iter().map(|h| ids.target(&h.local_id)).collect();
    let root = el::SVG::new()
        .set("id", scene.id_prefix.as_str())
        .set(
            "viewBox",
            format!("0 0 {} {}", num(scene.width), num(scene.height)),
        )
        .set("role", "img")
        .set("aria-labelledby", format!("{title_id} {desc_id}"))
        .set("font-family", fonts::CSS_FAMILY)
        .set("class", "mapfig");
    let (bytes, paths) = scene.path_data_size();
    // A marker of a multi-point feature is a bare element of about 40 bytes.
    let markers = scene.marker_count();
    let mut out = String::with_capacity(bytes + 64 * paths + 44 * markers + 64 * 1024);
    open_tag(&mut out, &root.into());
    let child = |out: &mut String, n: &dyn std::fmt::Display| {
        out.push('\n');
        let _ = std::fmt::Write::write_fmt(out, format_args!("{n}"));
    };
    child(
        &mut out,
        &el::Title::new(clean_text(&scene.title)).set("id", title_id),
    );
    child(
        &mut out,
        &el::Description::new()
            .set("id", desc_id)
            .add(svg::node::Text::new(clean_text(&scene.description))),
    );
    if outlines == TextMode::Embedded {
        if let Some(css) = super::svg_fonts::font_face_css(scene) {
            child(&mut out, &el::Style::new(css));
        }
    }
    if let Some(palette) = dark_variant {
        child(&mut out, &el::Style::new(dark_style(scene, palette)));
    }
    let mut defs = el::Definitions::new();
    for (id, (_, [x, y, w, h])) in clip_ids.iter().zip(&scene.clips) {
        defs = defs.add(
            el::ClipPath::new().set("id", id.as_str()).add(
                el::Rectangle::new()
                    .set("x", num(*x))
                    .set("y", num(*y))
                    .set("width", num(*w))
                    .set("height", num(*h)),
            ),
        );
    }
    for (id, h) in hatch_ids.into_iter().zip(hatches) {
        let mut pattern = h.element;
        pattern.assign("id", id);
        defs = defs.add(pattern);
    }
    child(&mut out, &defs);
    if !scene.background.is_none() {
        let mut bg = el::Rectangle::new()
            .set("class", "background")
            .set("width", num(scene.width))
            .set("height", num(scene.height));
        set_paint(&mut bg, "fill", scene.background);
        child(&mut out, &bg);
    }
    for n in &scene.nodes {
        out.push('\n');
        node(&mut out, n, outlines, &mut ids);
    }
    out.push_str("\n</svg>\n");
    out
}

/// Local id of the document's `<title>` (referenced by `aria-labelledby`).
const TITLE_ID: &str = "map-title";
/// Local id of the document's `<desc>`.
const DESC_ID: &str = "map-desc";

/// The ids of one document. Every id and every reference goes through here: the scene's
/// local ids get the map's prefix (`{prefix}_{id}`), and an id the document already holds
/// gets a number, so the document's ids are unique whatever the layout made of its data,
/// and unique among all maps on a page whose prefixes differ.
struct DocumentIds<'a> {
    prefix: &'a str,
    claimed: IdRegistry,
    /// Document ids of the elements references point at, by local id.
    targets: HashMap<String, String>,
}

impl<'a> DocumentIds<'a> {
    fn new(prefix: &'a str) -> Self {
        DocumentIds {
            prefix,
            claimed: IdRegistry::default(),
            targets: HashMap::new(),
        }
    }

    /// Like [`claim`](Self::claim), for an element that [`reference`](Self::reference)
    /// points at.
    fn target(&mut self, local: &str) -> String {
        let id = self.claim(local);
        self.targets.insert(local.to_string(), id.clone());
        id
    }

    /// The document id of the element with this local id.
    fn claim(&mut self, local: &str) -> String {
        let local = self.claimed.claim(local);
        format!("{}{ID_SEPARATOR}{local}", self.prefix)
    }

    /// The document id of the target with this local id. A reference to an id the scene
    /// never defined still gets the prefix, so it cannot point into another map.
    fn reference(&self, local: &str) -> String {
        self.targets.get(local).cloned().unwrap_or_else(|| {
            format!(
                "{}{ID_SEPARATOR}{}",
                self.prefix,
                crate::scene::safe_id(local)
            )
        })
    }
}

/// `<name attributes>` of an element that has no children yet.
fn open_tag(out: &mut String, e: &Element) {
    let tag = e.to_string();
    out.push_str(tag.strip_suffix("/>").unwrap_or(&tag));
    out.push('>');
}

fn node(out: &mut String, n: &Node, outlines: TextMode, ids: &mut DocumentIds) {
    match n {
        Node::Group(g) => group(out, g, outlines, ids),
        Node::Shape(s) => shape(out, s, None, ids),
        Node::Text(_) if outlines == TextMode::Omit => {}
        Node::Text(t) if outlines == TextMode::Outlines => {
            out.push_str(&text_outlined(t, ids).to_string())
        }
        Node::Text(t) => text(out, t, outlines, ids),
    }
}

fn group(out: &mut String, g: &Group, outlines: TextMode, ids: &mut DocumentIds) {
    let mut e: Element = el::Group::new().into();
    set_common(&mut e, &g.id, &g.class, &g.label, ids);
    if let Some(id) = &g.clip {
        e.assign("clip-path", format!("url(#{})", ids.reference(id)));
    }
    if let Some(s) = &g.style {
        set_style(&mut e, s, ids);
    }
    if g.children.is_empty() {
        out.push_str(&e.to_string());
        return;
    }
    open_tag(out, &e);
    // A layer of many features: their path data, the bulk of the file, is written in
    // parallel a block at a time (bounded memory), then spliced in in order.
    for block in g.children.chunks(PATH_BLOCK) {
        let paths: Vec<Option<String>> = if block.len() > 1 {
            block.par_iter().map(path_text).collect()
        } else {
            vec![None]
        };
        for (c, d) in block.iter().zip(paths) {
            out.push('\n');
            match (c, d) {
                (Node::Shape(s), Some(d)) => shape(out, s, Some(&d), ids),
                _ => node(out, c, outlines, ids),
            }
        }
    }
    out.push_str("\n</g>");
}

/// Children of a group whose path data is written together, in parallel.
const PATH_BLOCK: usize = 512;

/// A shape's path data as SVG text; `None` for anything else.
fn path_text(n: &Node) -> Option<String> {
    match n {
        Node::Shape(Shape {
            geometry: ShapeGeometry::Path(d),
            ..
        }) => Some(d.to_svg()),
        _ => None,
    }
}

/// Writes a shape; `d` is its path data already written as text, if it was.
fn shape(out: &mut String, s: &Shape, d_text: Option<&str>, ids: &mut DocumentIds) {
    if let ShapeGeometry::Markers { kind, r, centers } = &s.geometry {
        return markers(out, s, *kind, *r, centers, ids);
    }
    let mut e: Element = match &s.geometry {
        // Path data is written straight from the commands, without the svg crate's
        // escaping passes (it holds only digits, signs, separators and command letters),
        // and spliced in below.
        ShapeGeometry::Path(_) => el::Path::new().set("d", "").into(),
        ShapeGeometry::Circle { cx, cy, r } => el::Circle::new()
            .set("cx", num(*cx))
            .set("cy", num(*cy))
            .set("r", num(*r))
            .into(),
        ShapeGeometry::Rect { x, y, w, h, rx } => {
            let mut r = el::Rectangle::new()
                .set("x", num(*x))
                .set("y", num(*y))
                .set("width", num(*w))
                .set("height", num(*h));
            if *rx > 0.0 {
                r = r.set("rx", num(*rx));
            }
            r.into()
        }
        ShapeGeometry::Markers { .. } => return,
    };
    set_common(&mut e, &s.id, &s.class, &s.label, ids);
    if let Some(st) = &s.style {
        set_style(&mut e, st, ids);
    }
    let tag = e.to_string();
    match &s.geometry {
        ShapeGeometry::Path(d) => {
            // Attribute values are escaped, so ` d=""` can only be the empty d itself.
            let (before, after) = tag.split_once(" d=\"\"").unwrap_or((&tag, ""));
            out.push_str(before);
            out.push_str(" d=\"");
            match d_text {
                Some(text) => out.push_str(text),
                None => d.write_svg(out),
            }
            out.push('"');
            out.push_str(after);
        }
        _ => out.push_str(&tag),
    }
}

/// A feature's markers: a group carrying the shape's id, class, name and style, holding one
/// bare `<circle>` or `<rect>` a position (about 40 bytes each), drawn in order as the
/// shapes of single markers are.
fn markers(
    out: &mut String,
    s: &Shape,
    kind: MarkerKind,
    r: f64,
    centers: &[[f64; 2]],
    ids: &mut DocumentIds,
) {
    let mut e: Element = el::Group::new().into();
    set_common(&mut e, &s.id, &s.class, &s.label, ids);
    if let Some(st) = &s.style {
        set_style(&mut e, st, ids);
    }
    open_tag(out, &e);
    // Written by hand in the svg crate's form (attributes in name order): millions of
    // markers should not build an element each.
    for c in centers {
        out.push('\n');
        match kind {
            MarkerKind::Circle => {
                out.push_str("<circle cx=\"");
                write_num(out, c[0]);
                out.push_str("\" cy=\"");
                write_num(out, c[1]);
                out.push_str("\" r=\"");
                write_num(out, r);
                out.push_str("\"/>");
            }
            MarkerKind::Square => {
                out.push_str("<rect height=\"");
                write_num(out, 2.0 * r);
                out.push_str("\" width=\"");
                write_num(out, 2.0 * r);
                out.push_str("\" x=\"");
                write_num(out, c[0] - r);
                out.push_str("\" y=\"");
                write_num(out, c[1] - r);
                out.push_str("\"/>");
            }
        }
    }
    out.push_str("\n</g>");
}

fn text(out: &mut String, t: &Text, mode: TextMode, ids: &mut DocumentIds) {
    let rtl_line = t
        .shaped
        .iter()
        .any(|l| l.direction == Direction::RightToLeft);
    if t.lines.len() > 1 && rtl_line && t.shaped.len() == t.lines.len() {
        // Lines of several directions are one `<text>` each in a group holding the id and
        // class: renderers apply a tspan's line break (x, dy) to the character that comes
        // first in logical order, which bidi reordering moves (usvg drew such labels with
        // a letter of the Dari line left behind on a line of its own).
        let mut g: Element = el::Group::new().into();
        set_common(&mut g, &t.id, &t.class, &None, ids);
        if t.rotate != 0.0 {
            g.assign(
                "transform",
                format!("rotate({} {} {})", num(t.rotate), num(t.x), num(t.y)),
            );
        }
        open_tag(out, &g);
        for (i, (line, shaped)) in t.lines.iter().zip(&t.shaped).enumerate() {
            let one = Text {
                id: None,
                class: None,
                y: t.y + i as f64 * t.line_height,
                lines: vec![line.clone()],
                shaped: vec![shaped.clone()],
                rotate: 0.0,
                ..t.clone()
            };
            text(out, &one, mode, ids);
        }
        out.push_str("</g>");
        return;
    }
    let mut e = Element::new("text");
    set_common(&mut e, &t.id, &t.class, &None, ids);
    e.assign("x", num(t.x));
    e.assign("y", num(t.y));
    e.assign("font-size", num(t.size));
    // Text set in more than the bundled Latin family names every family it uses, in
    // fallback order, so a browser looks in the same faces.
    let families = text_families(t);
    if families.iter().any(|f| *f != fonts::FAMILY) {
        e.assign(
            "font-family",
            format!("{}, sans-serif", families.join(", ")),
        );
    }
    if t.bold {
        e.assign("font-weight", "bold");
    }
    if t.italic {
        e.assign("font-style", "italic");
    }
    if t.letter_spacing != 0.0 {
        e.assign("letter-spacing", num(t.letter_spacing));
    }
    if t.rotate != 0.0 {
        e.assign(
            "transform",
            format!("rotate({} {} {})", num(t.rotate), num(t.x), num(t.y)),
        );
    }
    let rtl = |i: usize| {
        t.shaped
            .get(i)
            .is_some_and(|l| l.direction == Direction::RightToLeft)
    };
    // Every line right to left: the element is (its start is then its right end).
    let element_rtl = matches!(mode, TextMode::Text | TextMode::Embedded)
        && !t.lines.is_empty()
        && (0..t.lines.len()).all(rtl);
    let anchor = match (t.anchor, element_rtl) {
        (TextAnchor::Middle, _) => Some("middle"),
        (TextAnchor::Start, false) | (TextAnchor::End, true) => None,
        (TextAnchor::End, false) => Some("end"),
        (TextAnchor::Start, true) => Some("end"),
    };
    if element_rtl {
        e.assign("direction", "rtl");
    }
    if let Some(a) = anchor {
        e.assign("text-anchor", a);
    }
    set_paint(&mut e, "fill", t.fill);
    if let Some((paint, width)) = t.halo {
        set_paint(&mut e, "stroke", paint);
        e.assign("stroke-width", num(width));
        e.assign("stroke-linejoin", "round");
        e.assign("paint-order", "stroke");
    }
    // A right-to-left line in a left-to-right element keeps its order by isolating it,
    // only where a left-to-right paragraph would order it otherwise.
    let line_text = |i: usize, line: &str| {
        let clean = clean_text(line);
        if rtl(i) && !element_rtl && crate::text::shape::reorders_in_ltr_paragraph(&clean) {
            format!("\u{2067}{clean}\u{2069}")
        } else {
            clean
        }
    };
    if t.lines.len() == 1 {
        e.append(svg::node::Text::new(line_text(0, &t.lines[0])));
        out.push_str(&e.to_string());
        return;
    }
    // Lines are tspans written with nothing between them: whitespace between them would be
    // a space at the end of each line (XML space handling), which browsers and resvg count
    // when they centre or end-align the line, moving it by half a space.
    open_tag(out, &e);
    for (i, line) in t.lines.iter().enumerate() {
        let mut span = el::TSpan::new(line_text(i, line)).set("x", num(t.x));
        if i > 0 {
            span = span.set("dy", num(t.line_height));
        }
        out.push_str(&span.to_string());
    }
    out.push_str("</text>");
}

/// The families a text's shaped lines use, each once, in the current font set's order.
fn text_families(t: &Text) -> Vec<&'static str> {
    let used: Vec<&'static str> = t.shaped.iter().flat_map(|l| l.families()).collect();
    let mut out: Vec<&'static str> = Vec::new();
    for f in fonts::current().families() {
        if used.contains(&f) {
            out.push(f);
        }
    }
    // Faces of a set no longer current (a scene written on another thread) still count.
    for f in used {
        if !out.contains(&f) {
            out.push(f);
        }
    }
    out
}

/// The text as the glyph outlines of its shaped lines (the glyphs layout measured), its
/// words kept as the group's accessible label.
fn text_outlined(t: &Text, ids: &mut DocumentIds) -> Element {
    let d = t.glyph_outlines().to_svg();
    let words: Vec<String> = t.lines.iter().map(|l| clean_text(l)).collect();
    let mut e: Element = el::Group::new().into();
    set_common(&mut e, &t.id, &t.class, &Some(words.join(" ")), ids);
    e.assign("role", "img");
    if t.rotate != 0.0 {
        e.assign(
            "transform",
            format!("rotate({} {} {})", num(t.rotate), num(t.x), num(t.y)),
        );
    }
    if let Some((paint, width)) = t.halo {
        let mut halo: Element = el::Path::new().set("d", d.as_str()).into();
        halo.assign("fill", "none");
        set_paint(&mut halo, "stroke", paint);
        halo.assign("stroke-width", num(width));
        halo.assign("stroke-linejoin", "round");
        e.append(halo);
    }
    let mut glyphs: Element = el::Path::new().set("d", d.as_str()).into();
    set_paint(&mut glyphs, "fill", t.fill);
    e.append(glyphs);
    e
}

fn set_common(
    e: &mut Element,
    id: &Option<String>,
    class: &Option<String>,
    label: &Option<String>,
    ids: &mut DocumentIds,
) {
    if let Some(id) = id {
        e.assign("id", ids.claim(id));
    }
    if let Some(c) = class {
        e.assign("class", c.as_str());
    }
    if let Some(l) = label {
        e.assign("aria-label", clean_text(l));
    }
}

fn set_paint(e: &mut Element, attr: &str, p: Paint) {
    e.assign(attr, p.to_string());
    if let Paint::Color(c) = p {
        if c.a < 255 {
            e.assign(format!("{attr}-opacity"), num(c.alpha()));
        }
    }
}

fn set_style(e: &mut Element, s: &Style, ids: &DocumentIds) {
    match s.hatch {
        Some(hatch) if svg_hatch::is_hatched(s) => {
            let local = svg_hatch::local_id(s.fill, hatch);
            e.assign("fill", format!("url(#{})", ids.reference(&local)));
        }
        _ => set_paint(e, "fill", s.fill),
    }
    if !s.fill.is_none() || svg_hatch::is_hatched(s) {
        e.assign("fill-rule", "evenodd");
        if s.fill_opacity < 1.0 {
            e.assign("fill-opacity", num(s.fill_opacity));
        }
    }
    set_paint(e, "stroke", s.stroke);
    if !s.stroke.is_none() {
        e.assign("stroke-width", num(s.stroke_width));
        if s.round {
            e.assign("stroke-linejoin", "round");
            e.assign("stroke-linecap", "round");
        }
        if !s.dash.is_empty() {
            let d: Vec<String> = s.dash.iter().map(|v| num(*v)).collect();
            e.assign("stroke-dasharray", d.join(" "));
        }
    }
    if s.opacity < 1.0 {
        e.assign("opacity", num(s.opacity));
    }
}

/// The dark variant: a CSS rule per colour in the scene, giving it its colour in `palette`
/// (the dark theme's, [`Scene::dark_variant`]) when the reader prefers a dark scheme. The
/// colours are presentation attributes, which any CSS rule overrides, so the rules select
/// them by value: `[fill="#ffffff"] { fill: #21252b }`. The rules are scoped to mapfig
/// SVGs, and one map's rules agree with another's on a page holding both.
fn dark_style(scene: &Scene, palette: &Palette) -> String {
    // Each colour once per attribute, in a stable order (by attribute, then hex).
    let mut colours: BTreeMap<(&str, String), crate::color::Rgba> = BTreeMap::new();
    scene.for_each_paint(&mut |used, p| {
        if let Paint::Color(c) = p {
            let attr = match used {
                PaintUse::Fill => "fill",
                PaintUse::Stroke => "stroke",
            };
            colours.insert((attr, c.hex()), c);
        }
    });
    let mut css = String::from("@media (prefers-color-scheme: dark) {\n");
    for ((attr, hex), colour) in colours {
        if let Some(dark) = palette.get(colour) {
            css.push_str(&format!(
                "svg.mapfig [{attr}=\"{hex}\"] {{ {attr}: {}; }}\n",
                dark.hex()
            ));
        }
    }
    css.push('}');
    css
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::Scene;

    fn scene_with(nodes: Vec<Node>) -> Scene {
        Scene {
            width: 100.0,
            height: 50.0,
            title: "T <b>".into(),
            description: "D".into(),
            background: Paint::rgb(255, 255, 255),
            clips: vec![("map-frame".into(), [0.0, 0.0, 100.0, 50.0])],
            nodes,
            dark_variant: None,
            id_prefix: "m".into(),
        }
    }

    #[test]
    fn document_is_accessible_and_responsive() {
        let s = to_svg(&scene_with(vec![]));
        assert!(s.starts_with("<svg "), "{s}");
        assert!(s.contains(r#"role="img""#));
        assert!(s.contains(r#"viewBox="0 0 100.00 50.00""#));
        let root = &s[..s.find('>').unwrap_or(0)];
        assert!(!root.contains("width="), "no fixed width: {root}");
        assert!(
            s.contains("<title id=\"m_map-title\">T &lt;b&gt;</title>"),
            "{s}"
        );
        assert!(
            s.contains(r#"aria-labelledby="m_map-title m_map-desc""#),
            "{s}"
        );
    }

    #[test]
    fn dark_variant_recolours_every_colour_by_the_dark_theme() {
        let shape = |fill: Paint, stroke: Paint| {
            Node::Shape(Shape {
                id: None,
                class: None,
                label: None,
                geometry: ShapeGeometry::Circle {
                    cx: 1.0,
                    cy: 1.0,
                    r: 1.0,
                },
                style: Some(Style {
                    fill,
                    fill_opacity: 1.0,
                    stroke,
                    stroke_width: 1.0,
                    dash: vec![],
                    opacity: 1.0,
                    round: false,
                    hatch: None,
                }),
            })
        };
        let red = Paint::rgb(0xc0, 0x39, 0x2b);
        let mut scene = scene_with(vec![shape(red, Paint::None), shape(Paint::None, red)]);
        assert!(!to_svg(&scene).contains("<style"));
        crate::symbology::theme::Theme::Light.apply(&mut scene, true);
        let s = to_svg(&scene);
        assert_eq!(s.matches("<style>").count(), 1, "{s}");
        assert!(s.contains("@media (prefers-color-scheme: dark)"), "{s}");
        let dark = |p: Paint| crate::symbology::theme::Theme::Dark.paint(p).to_string();
        for rule in [
            format!(
                "svg.mapfig [fill=\"#ffffff\"] {{ fill: {}; }}",
                dark(Paint::rgb(255, 255, 255))
            ),
            format!("svg.mapfig [fill=\"#c0392b\"] {{ fill: {}; }}", dark(red)),
            format!(
                "svg.mapfig [stroke=\"#c0392b\"] {{ stroke: {}; }}",
                dark(red)
            ),
        ] {
            assert!(s.contains(&rule), "{rule} missing from {s}");
        }
        assert!(!s.contains("\"none\"]"), "no rule for none: {s}");
        assert!(!to_svg_single_scheme(&scene).contains("<style"));
    }

    #[test]
    fn hostile_text_is_escaped() {
        let t = Text {
            id: None,
            class: None,
            x: 1.0,
            y: 2.0,
            lines: vec!["<script>alert(1)</script> ]]> \"q\" \u{202E}evil".into()],
            size: 10.0,
            bold: false,
            italic: false,
            fill: Paint::rgb(0, 0, 0),
            halo: None,
            anchor: TextAnchor::Middle,
            line_height: 12.0,
            letter_spacing: 0.0,
            rotate: 0.0,
            shaped: Vec::new(),
        };
        let s = to_svg(&scene_with(vec![Node::Text(t)]));
        assert!(!s.contains("<script"), "{s}");
        assert!(s.contains("&lt;script&gt;"), "{s}");
        assert!(!s.contains('\u{202E}'));
    }
}
