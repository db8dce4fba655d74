//! A map's outline: its texts and structure as plain lines, stored in every PNG mapfig
//! writes (a compressed iTXt chunk, keyword [`KEYWORD`]) so that `mapfig check` can compare
//! them exactly.
//!
//! Pixels are compared with a tolerance, because a rasterizer may move a few pixels at
//! edges; but a changed number in a badge ("25" → "28") also moves only a few pixels, so
//! pixels alone cannot tell a real change of content from noise. The outline can: it lists
//! the title, description, every group (id, class, accessible label), every text with its
//! lines, and every named shape, in drawing order, with runs of unnamed shapes counted. It
//! holds no coordinates (pixels judge where things are), so it is identical whenever the
//! figure says the same thing. It is derived from the scene alone: deterministic, and the
//! same on every machine.

use crate::scene::{Group, Node, Scene};
use std::fmt::Write as _;

/// The PNG text keyword of the outline.
pub const KEYWORD: &str = "mapfig-outline";

/// Largest outline stored in full; a longer one is cut there and ends with a digest of the
/// whole, so a change past the cut is still seen. Also the most `check` decompresses.
pub const MAX_OUTLINE: usize = 4 << 20;

/// The outline of `scene`, one item per line.
pub fn outline(scene: &Scene) -> String {
    let mut out = String::from("mapfig outline 1\n");
    let _ = writeln!(out, "size {}x{}", scene.width, scene.height);
    let _ = writeln!(out, "title {:?}", scene.title);
    let _ = writeln!(out, "description {:?}", scene.description);
    nodes(&mut out, &scene.nodes, 0);
    if out.len() > MAX_OUTLINE {
        let digest = fnv1a(out.as_bytes());
        let cut = out[..MAX_OUTLINE - 64].rfind('\n').map_or(0, |i| i + 1);
        out.truncate(cut);
        let _ = writeln!(out, "… cut here; digest of the whole {digest:016x}");
    }
    out
}

fn nodes(out: &mut String, list: &[Node], depth: usize) {
    let indent = "  ".repeat(depth);
    let mut unnamed = 0usize;
    let flush = |out: &mut String, unnamed: &mut usize| {
        if *unnamed > 0 {
            let _ = writeln!(out, "{indent}{unnamed} shapes");
            *unnamed = 0;
        }
    };
    for n in list {
        match n {
            Node::Group(g) => {
                flush(out, &mut unnamed);
                group(out, g, &indent);
                nodes(out, &g.children, depth + 1);
            }
            Node::Shape(s) if s.id.is_none() && s.label.is_none() && s.class.is_none() => {
                unnamed += 1;
            }
            Node::Shape(s) => {
                flush(out, &mut unnamed);
                let _ = writeln!(
                    out,
                    "{indent}shape{}",
                    attributes(&s.id, &s.class, &s.label)
                );
            }
            Node::Text(t) => {
                flush(out, &mut unnamed);
                let _ = writeln!(
                    out,
                    "{indent}text{} {:?}{}",
                    attributes(&t.id, &t.class, &None),
                    t.lines,
                    if t.bold { " bold" } else { "" }
                );
            }
        }
    }
    flush(out, &mut unnamed);
}

fn group(out: &mut String, g: &Group, indent: &str) {
    let _ = writeln!(
        out,
        "{indent}group{}{}",
        attributes(&g.id, &g.class, &g.label),
        g.clip
            .as_ref()
            .map_or_else(String::new, |c| format!(" clip={c:?}"))
    );
}

fn attributes(id: &Option<String>, class: &Option<String>, label: &Option<String>) -> String {
    let mut s = String::new();
    for (name, v) in [("id", id), ("class", class), ("label", label)] {
        if let Some(v) = v {
            let _ = write!(s, " {name}={v:?}");
        }
    }
    s
}

/// 64-bit FNV-1a: a stable digest (not a defence against forgery, which check needs not).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// `png` (as the encoder wrote it: signature, then IHDR) with the outline inserted right
/// after the IHDR chunk.
pub fn embed(png: Vec<u8>, outline: &str) -> Result<Vec<u8>, String> {
    use png::text_metadata::{EncodableTextChunk, ITXtChunk};
    const AFTER_IHDR: usize = 8 + 8 + 13 + 4;
    if png.len() < AFTER_IHDR || png.get(12..16) != Some(b"IHDR".as_slice()) {
        return Err("PNG encoding failed: no IHDR chunk where expected".into());
    }
    let mut chunk = ITXtChunk::new(KEYWORD, outline);
    chunk.compressed = true;
    let mut bytes = Vec::new();
    chunk
        .encode(&mut bytes)
        .map_err(|e| format!("PNG encoding failed: outline chunk: {e}"))?;
    let mut out = Vec::with_capacity(png.len() + bytes.len());
    out.extend_from_slice(&png[..AFTER_IHDR]);
    out.extend_from_slice(&bytes);
    out.extend_from_slice(&png[AFTER_IHDR..]);
    Ok(out)
}

/// What a PNG's header says, read without decoding any pixels.
pub struct PngHeader {
    pub width: u32,
    pub height: u32,
    /// The outline, if mapfig wrote one.
    pub outline: Option<String>,
}

/// Reads a PNG's size and outline (chunks before the image data only; the outline is
/// decompressed up to [`MAX_OUTLINE`] bytes).
pub fn read_header(png: &[u8]) -> Result<PngHeader, String> {
    let mut decoder = png::Decoder::new_with_limits(
        std::io::Cursor::new(png),
        png::Limits {
            bytes: MAX_OUTLINE * 2,
        },
    );
    decoder.set_ignore_text_chunk(false);
    let reader = decoder.read_info().map_err(|e| e.to_string())?;
    let info = reader.info();
    let mut outline = None;
    if let Some(c) = info.utf8_text.iter().find(|c| c.keyword == KEYWORD) {
        let mut c = c.clone();
        c.decompress_text_with_limit(MAX_OUTLINE + 1024)
            .map_err(|e| format!("its outline does not read: {e}"))?;
        outline = Some(
            c.get_text()
                .map_err(|e| format!("its outline does not read: {e}"))?,
        );
    }
    Ok(PngHeader {
        width: info.width,
        height: info.height,
        outline,
    })
}

/// The lines that differ between two outlines, as "old → new", "removed: …", "added: …";
/// empty when they are the same.
pub fn differences(old: &str, new: &str) -> Vec<String> {
    if old == new {
        return Vec::new();
    }
    let (a, b): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    // Lines common to both, counted: what is left on either side is what changed.
    let mut count = std::collections::HashMap::<&str, isize>::new();
    for l in &a {
        *count.entry(l.trim()).or_default() += 1;
    }
    for l in &b {
        *count.entry(l.trim()).or_default() -= 1;
    }
    let mut left = count.clone();
    let removed: Vec<&str> = a
        .iter()
        .filter(|l| take(&mut left, l.trim(), 1))
        .map(|l| l.trim())
        .collect();
    let mut right = count;
    let added: Vec<&str> = b
        .iter()
        .filter(|l| take(&mut right, l.trim(), -1))
        .map(|l| l.trim())
        .collect();
    let mut changes = Vec::new();
    for i in 0..removed.len().max(added.len()) {
        changes.push(match (removed.get(i), added.get(i)) {
            (Some(r), Some(a)) => format!("{r} → {a}"),
            (Some(r), None) => format!("removed: {r}"),
            (None, Some(a)) => format!("added: {a}"),
            (None, None) => continue,
        });
    }
    if changes.is_empty() {
        changes.push("the same items in another order".into());
    }
    changes
}

/// Takes one surplus of `line` on the side whose sign is `side` (1 old, -1 new).
fn take(count: &mut std::collections::HashMap<&str, isize>, line: &str, side: isize) -> bool {
    match count.get_mut(line) {
        Some(n) if *n * side > 0 => {
            *n -= side;
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_pair_changed_lines() {
        let a = "size 1x1\ntext \"25\"\ntext \"cases\"\n";
        let b = "size 1x1\ntext \"28\"\ntext \"cases\"\n";
        assert_eq!(differences(a, b), vec!["text \"25\" → text \"28\""]);
        assert!(differences(a, a).is_empty());
        assert_eq!(differences(a, "size 1x1\ntext \"cases\"\n").len(), 1);
    }

    #[test]
    fn the_outline_survives_a_png_round_trip() {
        let mut raw = Vec::new();
        {
            let mut e = png::Encoder::new(&mut raw, 1, 1);
            e.set_color(png::ColorType::Rgb);
            let mut w = e.write_header().unwrap();
            w.write_image_data(&[1, 2, 3]).unwrap();
        }
        let text = "mapfig outline 1\ntext [\"Kunduz ✓\"]\n";
        let png = embed(raw, text).unwrap();
        let h = read_header(&png).unwrap();
        assert_eq!((h.width, h.height), (1, 1));
        assert_eq!(h.outline.as_deref(), Some(text));
        assert!(resvg::tiny_skia::Pixmap::decode_png(&png).is_ok());
    }
}
