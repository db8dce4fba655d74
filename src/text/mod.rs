//! Text: the font book (which faces exist, the fallback list a map's text chooses from by
//! glyph coverage) and shaping (a line is split by direction and face, and each run becomes
//! positioned glyphs, once). Layout measures shaped lines, the scene stores them and the
//! emitters draw them: collision boxes, SVG outlines and PNG glyphs all read the same runs.

pub mod fonts;
pub mod shape;

pub use fonts::{FaceId, FontSet};
pub use shape::{clean_text, shape_line, shape_run, text_width, Direction, Glyph, ShapedLine};

/// One sentence per text of `scene` with characters no face of the current font set covers:
/// the text, those characters and the fonts tried. Such characters are drawn as the font's
/// empty box, so the map is wrong in a way no reader is told about unless this is printed.
pub fn missing_glyph_warnings(scene: &crate::scene::Scene) -> Vec<String> {
    let mut out = Vec::new();
    scene.for_each_node(&mut |n| {
        let crate::scene::Node::Text(t) = n else {
            return;
        };
        let mut missing: Vec<char> = Vec::new();
        for c in t.shaped.iter().flat_map(|l| &l.missing) {
            if !missing.contains(c) {
                missing.push(*c);
            }
        }
        if missing.is_empty() {
            return;
        }
        let chars: Vec<String> = missing
            .iter()
            .map(|c| format!("{c:?} (U+{:04X})", u32::from(*c)))
            .collect();
        out.push(format!(
            "text {:?}: no font has a glyph for {}; fonts tried: {} (add a font that has it with `fonts = [\"...\"]`)",
            t.lines.join(" "),
            chars.join(", "),
            fonts::current().families().join(", ")
        ));
    });
    out
}
