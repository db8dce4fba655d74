//! Characters no font has a glyph for: found in the laid-out scene's shaped runs, one
//! warning per text (an error under strict text).

use crate::scene::{Node, Scene};

/// One sentence per text of `scene` with characters no face of the current font set covers:
/// the text, those characters and the fonts tried. Such characters are drawn as the font's
/// empty box, so the map is wrong in a way no reader is told about unless this is printed.
pub fn missing_glyph_warnings(scene: &Scene) -> Vec<String> {
    let mut out = Vec::new();
    scene.for_each_node(&mut |n| {
        let Node::Text(t) = n else {
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
            crate::text::fonts::current().families().join(", ")
        ));
    });
    out
}
