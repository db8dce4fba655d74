//! Fonts that travel with the SVG (`embed_fonts`): for each face the scene's texts are set
//! in, a subset holding only what those texts need (their characters, the glyphs shaping
//! chose, and what the font's layout tables reach from them, so a browser shapes Arabic
//! joining forms or Devanagari conjuncts as mapfig did) as an `@font-face` data URL under
//! the family name the text's `font-family` gives. A browser then draws the same glyphs as
//! the PNG, whatever fonts the reader has.

use crate::scene::{Node, Scene};
use crate::text::fonts::{self, FaceId};
use base64::Engine as _;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use write_fonts::read::collections::IntSet;
use write_fonts::read::types::{GlyphId, NameId, Tag};
use write_fonts::read::FontRef;

/// What the texts of a scene need from each face: characters and glyph ids, sorted.
fn needs(scene: &Scene) -> BTreeMap<FaceId, (Vec<u32>, Vec<u32>)> {
    let mut out: BTreeMap<FaceId, (Vec<u32>, Vec<u32>)> = BTreeMap::new();
    scene.for_each_node(&mut |n| {
        let Node::Text(t) = n else {
            return;
        };
        for (line, text) in t.shaped.iter().zip(&t.lines) {
            let text = crate::text::clean_text(text);
            for (g, range) in line.glyphs.iter().zip(line.cluster_ranges(text.len())) {
                let entry = out.entry(g.face).or_default();
                entry.1.push(u32::from(g.id));
                if let Some(cluster) = text.get(range) {
                    entry.0.extend(cluster.chars().map(u32::from));
                }
            }
        }
    });
    for (chars, glyphs) in out.values_mut() {
        chars.sort_unstable();
        chars.dedup();
        glyphs.sort_unstable();
        glyphs.dedup();
    }
    out
}

/// The `@font-face` rules embedding a subset of every face the scene's texts use, in face
/// order, and no synthesized bold or italic for the map's texts; `None` when the scene has
/// no text. A face that cannot be subset is embedded whole
/// rather than left out (never silently another font).
pub fn font_face_css(scene: &Scene) -> Option<String> {
    let needs = needs(scene);
    if needs.is_empty() {
        return None;
    }
    let mut css = String::new();
    for (id, (chars, glyphs)) in &needs {
        let face = fonts::face(*id);
        let (data, index) = face.data();
        let subset = subset(data, index, chars, glyphs);
        let bytes: &[u8] = subset.as_deref().unwrap_or(data);
        let _ = write!(
            css,
            "\n@font-face{{font-family:\"{}\";font-weight:{};font-style:{};src:url(data:font/{};base64,{})}}",
            face.family().replace(['"', '\\', '<', '>', '&'], ""),
            if face.is_bold() { 700 } else { 400 },
            if face.is_italic() { "italic" } else { "normal" },
            if bytes.starts_with(b"OTTO") { "otf" } else { "ttf" },
            base64::engine::general_purpose::STANDARD.encode(bytes)
        );
    }
    // A family without a bold (or italic) face is drawn upright and regular in the PNG, as
    // mapfig chose its faces: the browser must not embolden or slant it instead.
    let _ = write!(css, "\n#{} text{{font-synthesis:none}}\n", scene.id_prefix);
    Some(css)
}

/// A subset of face `index` of `data` keeping `chars` and `glyphs` and what the layout
/// tables reach from them (HarfBuzz's default features, every script); `None` when the font
/// cannot be read or subset.
fn subset(data: &[u8], index: u32, chars: &[u32], glyphs: &[u32]) -> Option<Vec<u8>> {
    let font = FontRef::from_index(data, index).ok()?;
    let mut unicodes = IntSet::<u32>::empty();
    unicodes.extend(chars.iter().copied());
    let mut gids = IntSet::<GlyphId>::empty();
    gids.extend(glyphs.iter().map(|&g| GlyphId::new(g)));
    let mut drop_tables = IntSet::<Tag>::empty();
    // As HarfBuzz drops by default: tables a browser does not read, or layout it ignores.
    drop_tables.extend(
        [
            b"morx", b"mort", b"kerx", b"kern", b"JSTF", b"DSIG", b"EBDT", b"EBLC", b"EBSC",
            b"SVG ", b"PCLT", b"LTSH", b"feat", b"Glat", b"Gloc", b"Silf", b"Sill",
        ]
        .map(Tag::new),
    );
    let mut scripts = IntSet::<Tag>::empty();
    scripts.invert();
    let mut features = IntSet::<Tag>::empty();
    features.extend(skera::DEFAULT_LAYOUT_FEATURES.iter().copied());
    let mut name_ids = IntSet::<NameId>::empty();
    name_ids.insert_range(NameId::from(0)..=NameId::from(6));
    let mut languages = IntSet::<u16>::empty();
    languages.insert(0x0409);
    let plan = skera::Plan::new(
        &gids,
        &unicodes,
        &font,
        skera::SubsetFlags::SUBSET_FLAGS_NO_HINTING,
        &drop_tables,
        &scripts,
        &features,
        &name_ids,
        &languages,
    );
    skera::subset_font(&font, &plan).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subset_keeps_its_characters_and_joining_forms_and_is_small() {
        let set = fonts::FontSet::bundled();
        let arabic = set.face_for('ک', false, false).unwrap();
        let (data, index) = fonts::face(arabic).data();
        let line = crate::text::shape_line("کندز", 20.0, set.select(false, false), 0.0);
        let chars: Vec<u32> = "کندز".chars().map(u32::from).collect();
        let glyphs: Vec<u32> = line.glyphs.iter().map(|g| u32::from(g.id)).collect();
        let sub = subset(data, index, &chars, &glyphs).unwrap();
        assert!(
            sub.len() < data.len() / 4,
            "{} of {}",
            sub.len(),
            data.len()
        );
        // The subset shapes the word into the same joined forms (by outline: ids change).
        let face = rustybuzz::Face::from_slice(&sub, 0).unwrap();
        let mut buf = rustybuzz::UnicodeBuffer::new();
        buf.push_str("کندز");
        let out = rustybuzz::shape(&face, &[], buf);
        let outline = |f: &ttf_parser::Face, id: u16| f.glyph_bounding_box(ttf_parser::GlyphId(id));
        let full = ttf_parser::Face::parse(data, index).unwrap();
        let got: Vec<_> = out
            .glyph_infos()
            .iter()
            .map(|i| outline(&face, i.glyph_id as u16))
            .collect();
        let want: Vec<_> = line.glyphs.iter().map(|g| outline(&full, g.id)).collect();
        assert_eq!(got, want);
    }
}
