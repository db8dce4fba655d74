//! Shaping: one line of text set in one face becomes positioned glyphs with real metrics,
//! once. Layout measures the [`ShapedLine`] and every emitter draws the same glyphs, so what
//! was measured is what is drawn.

use super::fonts::{self, Face, FaceId};
use crate::geom::path::PathData;
use std::borrow::Cow;

/// The order glyphs are laid out in along the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    LeftToRight,
    RightToLeft,
}

/// One glyph of a shaped line, in pixels at the line's size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glyph {
    /// The face the glyph is from (each run of a line may be set in another face).
    pub face: FaceId,
    /// The glyph's id in its face.
    pub id: u16,
    /// Offset of the glyph's origin from the pen position (kerning marks, accents); `y_offset`
    /// points up, as in the font.
    pub x_offset: f64,
    pub y_offset: f64,
    /// How far the pen moves after this glyph, letter spacing included.
    pub advance: f64,
    /// Byte offset, in the line's text (as [`clean_text`] leaves it), of the first character
    /// of the cluster the glyph belongs to.
    pub cluster: usize,
}

/// One line of text shaped at one size: split into runs by direction (Unicode bidi, UAX #9)
/// and by face (the first family of the current font set with a glyph for each character),
/// each run shaped once. Glyphs are in visual order, left to right, whatever the direction.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapedLine {
    /// The face asked for (the style's Latin face); runs in other scripts use other faces.
    pub face: FaceId,
    /// Font size in pixels.
    pub size: f64,
    /// Added after every character, in pixels.
    pub letter_spacing: f64,
    /// The paragraph direction: that of the first strong character, unless forced.
    pub direction: Direction,
    pub glyphs: Vec<Glyph>,
    /// Characters shaped (those [`clean_text`] keeps): letter spacing follows each.
    pub chars: usize,
    /// The glyphs' advances alone, without letter spacing.
    pub advance_width: f64,
    /// The line's width: its advances plus the letter spacing of every character.
    pub width: f64,
    /// The tallest face's height above the baseline at this size.
    pub ascent: f64,
    /// The deepest face's depth below the baseline (positive) at this size.
    pub descent: f64,
    /// Characters no face of the font set has a glyph for (drawn as the empty-box glyph),
    /// each once, in the order they appear.
    pub missing: Vec<char>,
}

/// Shapes one line of `text` in the style of `face` at `size` px, with `letter_spacing` px
/// after every character. Characters that are never drawn ([`clean_text`]) take no room.
/// The entry point of the text stage: layout shapes each text once, measures the line and
/// hands it to the scene, whose emitters draw exactly these glyphs.
///
/// ```
/// use mapfig::text::{fonts, shape_line};
///
/// let bold = fonts::current().select(true, false);
/// let line = shape_line("Kunduz", 12.0, bold, 0.0);
/// assert_eq!(line.glyphs.len(), 6);
/// let pen_travel: f64 = line.glyphs.iter().map(|g| g.advance).sum();
/// assert!((pen_travel - line.width).abs() < 1e-9);
/// // Letter spacing widens the line by one spacing per character.
/// let spaced = shape_line("Kunduz", 12.0, bold, 2.0);
/// assert!((spaced.width - line.width - 12.0).abs() < 1e-9);
/// // The outline of the glyphs, with the left end of the baseline at (10, 20).
/// assert!(line.outline(10.0, 20.0).to_svg().starts_with('M'));
/// // Dari is set in the bundled Arabic face, right to left.
/// let dari = shape_line("کندز", 12.0, bold, 0.0);
/// assert!(dari.missing.is_empty());
/// assert_eq!(dari.direction, mapfig::text::Direction::RightToLeft);
/// ```
pub fn shape_line(text: &str, size: f64, face: FaceId, letter_spacing: f64) -> ShapedLine {
    shape_paragraph(text, size, face, letter_spacing, None)
}

/// [`shape_line`] with the paragraph direction forced.
pub fn shape_run(
    text: &str,
    size: f64,
    face_id: FaceId,
    letter_spacing: f64,
    direction: Direction,
) -> ShapedLine {
    shape_paragraph(text, size, face_id, letter_spacing, Some(direction))
}

fn shape_paragraph(
    text: &str,
    size: f64,
    face_id: FaceId,
    letter_spacing: f64,
    direction: Option<Direction>,
) -> ShapedLine {
    let primary = fonts::face(face_id);
    let text = clean_text_cow(text);
    let chars = text.chars().count();
    // Text the primary face covers and that needs no reordering is one run: the common case,
    // shaped as it always was, so every written number stays what it was.
    let simple = text
        .chars()
        .all(|c| (c as u32) < 0x0590 && primary.covers(c) || c == '\t');
    let (runs, paragraph) = if simple {
        let d = direction.unwrap_or(Direction::LeftToRight);
        (
            vec![Run {
                range: 0..text.len(),
                face: face_id,
                direction: d,
            }],
            d,
        )
    } else {
        itemize(&text, primary, direction)
    };
    let mut glyphs = Vec::new();
    let mut advance_width = 0.0;
    let mut missing: Vec<char> = Vec::new();
    let (mut ascent, mut descent) = (primary.ascent(size), primary.descent(size));
    for run in &runs {
        let f = fonts::face(run.face);
        let piece = &text[run.range.clone()];
        let units = shape_units(f.shaper(), piece, run.direction);
        let sum: f64 = units.iter().map(|g| g.advance).sum();
        // The width divides the sum by units per em, each pen step multiplies by the scale:
        // the two orders measuring and drawing have always used.
        advance_width += sum / f.units_per_em() * size;
        let scale = f.scale(size);
        for g in &units {
            if g.id == 0 {
                for c in piece[g.cluster.clone()].chars() {
                    if !c.is_whitespace() && !missing.contains(&c) {
                        missing.push(c);
                    }
                }
            }
            glyphs.push(Glyph {
                face: run.face,
                id: g.id,
                x_offset: g.dx * scale,
                y_offset: g.dy * scale,
                advance: g.advance * scale + letter_spacing * g.chars as f64,
                cluster: run.range.start + g.cluster.start,
            });
        }
        if run.face != face_id && !units.is_empty() {
            ascent = ascent.max(f.ascent(size));
            descent = descent.max(f.descent(size));
        }
    }
    ShapedLine {
        face: face_id,
        size,
        letter_spacing,
        direction: paragraph,
        glyphs,
        chars,
        advance_width,
        width: advance_width + letter_spacing * chars as f64,
        ascent,
        descent,
        missing,
    }
}

/// A piece of a line shaped on its own: one face, one direction; `range` in bytes.
struct Run {
    range: std::ops::Range<usize>,
    face: FaceId,
    direction: Direction,
}

/// Splits a line into runs in visual order: the bidi algorithm's level runs (paragraph
/// direction from the first strong character unless `forced`), each cut where the face
/// changes. A character takes the first family of the current font set that covers it;
/// characters of no script of their own (spaces, digits, punctuation, marks, joiners) stay
/// in the face of the character before them when it covers them, so a run is not broken
/// at every space. Returns the runs and the paragraph direction.
fn itemize(text: &str, primary: &Face, forced: Option<Direction>) -> (Vec<Run>, Direction) {
    use unicode_bidi::{BidiInfo, Level};
    use unicode_script::{Script, UnicodeScript};

    let set = fonts::current();
    let (bold, italic) = (primary.is_bold(), primary.is_italic());
    let style_face = set.select(bold, italic);
    // Each character's face, by byte offset of the character.
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let neutral = |c: char| {
        matches!(
            c.script(),
            Script::Common | Script::Inherited | Script::Unknown
        )
    };
    let mut faces: Vec<Option<FaceId>> = chars
        .iter()
        .map(|&(_, c)| {
            if neutral(c) {
                None
            } else {
                Some(set.face_for(c, bold, italic).unwrap_or(style_face))
            }
        })
        .collect();
    // Neutral characters: the face before them if it covers them (or they are invisible
    // format characters), else the face after them, else their own.
    for i in 0..chars.len() {
        if faces[i].is_some() {
            continue;
        }
        let c = chars[i].1;
        let fits = |f: FaceId| fonts::face(f).covers(c) || is_format(c);
        let before = faces[..i].iter().rev().flatten().next().copied();
        let after = || faces[i + 1..].iter().flatten().next().copied();
        faces[i] = Some(
            before
                .filter(|&f| fits(f))
                .or_else(|| after().filter(|&f| fits(f)))
                .or_else(|| set.face_for(c, bold, italic))
                .unwrap_or(style_face),
        );
    }
    let level = forced.map(|d| match d {
        Direction::LeftToRight => Level::ltr(),
        Direction::RightToLeft => Level::rtl(),
    });
    let info = BidiInfo::new(text, level);
    let Some(para) = info.paragraphs.first() else {
        return (Vec::new(), forced.unwrap_or(Direction::LeftToRight));
    };
    let paragraph = if para.level.is_rtl() {
        Direction::RightToLeft
    } else {
        Direction::LeftToRight
    };
    let (levels, level_runs) = info.visual_runs(para, para.range.clone());
    let face_at = |byte: usize| {
        let i = chars.partition_point(|&(b, _)| b < byte);
        faces.get(i).copied().flatten().unwrap_or(style_face)
    };
    let mut runs = Vec::new();
    for range in level_runs {
        let rtl = levels[range.start].is_rtl();
        let direction = if rtl {
            Direction::RightToLeft
        } else {
            Direction::LeftToRight
        };
        // Cut at face changes, in logical order.
        let mut pieces: Vec<Run> = Vec::new();
        for (b, _) in text[range.clone()].char_indices() {
            let at = range.start + b;
            let f = face_at(at);
            match pieces.last_mut() {
                Some(last) if last.face == f => last.range.end = next_char_end(text, at),
                _ => pieces.push(Run {
                    range: at..next_char_end(text, at),
                    face: f,
                    direction,
                }),
            }
        }
        if rtl {
            pieces.reverse();
        }
        runs.extend(pieces);
    }
    (runs, paragraph)
}

/// Whether `text`, laid out as a left-to-right paragraph, would show its characters in
/// another order than as the right-to-left paragraph its first strong character makes it
/// ("کندز Kunduz": the Arabic word goes left of the Latin one, not right of it).
pub fn reorders_in_ltr_paragraph(text: &str) -> bool {
    use unicode_bidi::{BidiInfo, Level};
    let order = |level| {
        let info = BidiInfo::new(text, Some(level));
        match info.paragraphs.first() {
            Some(p) => {
                BidiInfo::reorder_visual(&info.reordered_levels_per_char(p, p.range.clone()))
            }
            None => Vec::new(),
        }
    };
    order(Level::ltr()) != order(Level::rtl())
}

/// The byte after the character starting at `at`.
fn next_char_end(text: &str, at: usize) -> usize {
    at + text[at..].chars().next().map_or(0, char::len_utf8)
}

/// Invisible characters that shape with their neighbours: joiners, variation selectors,
/// directional marks, the word joiner and soft hyphen.
fn is_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{00AD}' | '\u{FE00}'..='\u{FE0F}' | '\u{061C}')
}

/// Width in pixels of one line of text at `size` px in the style asked for, plus
/// `letter_spacing` per character: the width of its [`shape_line`].
pub fn text_width(text: &str, size: f64, bold: bool, italic: bool, letter_spacing: f64) -> f64 {
    let face = fonts::current().select(bold, italic);
    shape_line(text, size, face, letter_spacing).width
}

impl ShapedLine {
    /// The glyph outlines with the left end of the baseline at `(x, y)`.
    pub fn outline(&self, x: f64, y: f64) -> PathData {
        let mut d = PathData::new();
        self.outline_into(&mut d, x, y);
        d
    }

    /// Appends the glyph outlines, with the left end of the baseline at `(x, y)`, to `d`.
    pub fn outline_into(&self, d: &mut PathData, x: f64, y: f64) {
        let mut at = x;
        for g in &self.glyphs {
            let face = fonts::face(g.face);
            let mut pen = GlyphPen {
                d: &mut *d,
                origin: [at + g.x_offset, y - g.y_offset],
                scale: face.scale(self.size),
            };
            face.shaper()
                .outline_glyph(ttf_parser::GlyphId(g.id), &mut pen);
            at += g.advance;
        }
    }

    /// The bytes of the line's text (as [`clean_text`] leaves it, `text_len` long) each
    /// glyph's cluster stands for, in glyph order: from its cluster's start to the next
    /// cluster's start (marks and the parts of a split vowel share their cluster's range).
    pub fn cluster_ranges(&self, text_len: usize) -> Vec<std::ops::Range<usize>> {
        let mut starts: Vec<usize> = self.glyphs.iter().map(|g| g.cluster).collect();
        starts.sort_unstable();
        starts.dedup();
        self.glyphs
            .iter()
            .map(|g| {
                let start = g.cluster.min(text_len);
                let next = starts.partition_point(|&s| s <= g.cluster);
                let end = starts.get(next).copied().unwrap_or(text_len);
                start..end.min(text_len).max(start)
            })
            .collect()
    }

    /// Whether any glyph is set in another face than the one asked for (another script's).
    pub fn uses_fallback(&self) -> bool {
        self.glyphs.iter().any(|g| g.face != self.face)
    }

    /// How far the glyphs' ink reaches above and below the baseline (both positive), in
    /// pixels: their outlines' bounding boxes, marks and offsets included.
    pub fn ink_extent(&self) -> (f64, f64) {
        let (mut above, mut below) = (0.0f64, 0.0f64);
        for g in &self.glyphs {
            let face = fonts::face(g.face);
            if let Some(b) = face.shaper().glyph_bounding_box(ttf_parser::GlyphId(g.id)) {
                let scale = face.scale(self.size);
                above = above.max(f64::from(b.y_max) * scale + g.y_offset);
                below = below.max(-f64::from(b.y_min) * scale - g.y_offset);
            }
        }
        (above, below)
    }

    /// The families of the faces the line is set in, each once, in visual order.
    pub fn families(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        let mut last = None;
        for g in &self.glyphs {
            if last == Some(g.face) {
                continue;
            }
            last = Some(g.face);
            let name = fonts::face(g.face).family();
            if !out.contains(&name) {
                out.push(name);
            }
        }
        out
    }
}

/// Writes a glyph's outline, in font units up from its origin, as pixel path data.
struct GlyphPen<'a> {
    d: &'a mut PathData,
    origin: [f64; 2],
    scale: f64,
}

impl GlyphPen<'_> {
    fn pt(&self, x: f32, y: f32) -> [f64; 2] {
        [
            self.origin[0] + f64::from(x) * self.scale,
            self.origin[1] - f64::from(y) * self.scale,
        ]
    }
}

impl ttf_parser::OutlineBuilder for GlyphPen<'_> {
    fn move_to(&mut self, x: f32, y: f32) {
        let p = self.pt(x, y);
        self.d.move_to(p);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let p = self.pt(x, y);
        self.d.line_to(p);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (c, p) = (self.pt(x1, y1), self.pt(x, y));
        self.d.quad_to(c, p);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (c1, c2, p) = (self.pt(x1, y1), self.pt(x2, y2), self.pt(x, y));
        self.d.cubic_to(c1, c2, p);
    }
    fn close(&mut self) {
        self.d.close();
    }
}

/// A glyph as the shaper returns it: id, advance and offsets in font units.
struct UnitGlyph {
    id: u16,
    advance: f64,
    dx: f64,
    dy: f64,
    /// Characters this glyph stands for (more than one for a ligature).
    chars: usize,
    /// The bytes of the text this glyph's cluster stands for.
    cluster: std::ops::Range<usize>,
}

/// Shapes one line with the font's kerning and default features.
fn shape_units(face: &rustybuzz::Face, text: &str, direction: Direction) -> Vec<UnitGlyph> {
    if text.is_empty() {
        return Vec::new();
    }
    let mut buf = rustybuzz::UnicodeBuffer::new();
    buf.push_str(text);
    buf.set_direction(match direction {
        Direction::LeftToRight => rustybuzz::Direction::LeftToRight,
        Direction::RightToLeft => rustybuzz::Direction::RightToLeft,
    });
    let out = rustybuzz::shape(face, &[], buf);
    let infos = out.glyph_infos();
    // A cluster runs from its start to the next larger cluster start (in visual order the
    // next one for left to right, the previous one for right to left).
    let mut starts: Vec<usize> = infos.iter().map(|i| i.cluster as usize).collect();
    starts.sort_unstable();
    starts.dedup();
    infos
        .iter()
        .zip(out.glyph_positions())
        .map(|(info, pos)| {
            let start = info.cluster as usize;
            let end = match starts.binary_search(&start) {
                Ok(k) => starts.get(k + 1).copied().unwrap_or(text.len()),
                Err(_) => text.len(),
            };
            UnitGlyph {
                id: info.glyph_id as u16,
                advance: f64::from(pos.x_advance),
                dx: f64::from(pos.x_offset),
                dy: f64::from(pos.y_offset),
                chars: text
                    .get(start.min(end)..end.max(start))
                    .map_or(1, |s| s.chars().count().max(1)),
                cluster: if text.get(start..end).is_some() {
                    start..end
                } else {
                    0..0
                },
            }
        })
        .collect()
}

/// `s` without the characters that are never drawn: control characters (a tab aside),
/// bidi embeddings, overrides and isolates (text from data must not reorder what follows
/// it), and the noncharacters U+FFFE and U+FFFF.
pub fn clean_text(s: &str) -> String {
    clean_text_cow(s).into_owned()
}

fn clean_text_cow(s: &str) -> Cow<'_, str> {
    if s.chars().all(is_drawn) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().filter(|&c| is_drawn(c)).collect())
    }
}

fn is_drawn(c: char) -> bool {
    let control = c.is_control() && c != '\t';
    let bidi = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    !(control || bidi || matches!(c, '\u{FFFE}' | '\u{FFFF}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regular() -> FaceId {
        fonts::current().select(false, false)
    }

    #[test]
    fn widths_scale_with_size_and_weight() {
        let w = text_width("Kunduz", 10.0, false, false, 0.0);
        assert!(w > 25.0 && w < 45.0, "{w}");
        assert!((text_width("Kunduz", 20.0, false, false, 0.0) - 2.0 * w).abs() < 1e-9);
        assert!(text_width("Kunduz", 10.0, true, false, 0.0) > w);
        assert_eq!(text_width("", 10.0, false, false, 0.0), 0.0);
    }

    #[test]
    fn outlines_cover_the_measured_width() {
        let line = shape_line("Kunduz", 20.0, regular(), 0.0);
        let d = line.outline(10.0, 50.0).to_svg();
        assert!(d.starts_with('M') && d.contains('Z'));
        let xs: Vec<f64> = d
            .split(|c: char| c.is_ascii_alphabetic() || c == ' ')
            .filter_map(|p| p.split(',').next()?.parse().ok())
            .collect();
        let max = xs.iter().cloned().fold(f64::MIN, f64::max);
        let w = line.width;
        assert!(
            max > 10.0 + w * 0.8 && max <= 10.0 + w + 1.0,
            "{max} vs {w}"
        );
    }

    #[test]
    fn characters_never_drawn_take_no_room() {
        let plain = shape_line("ab c", 12.0, regular(), 1.0);
        let hostile = shape_line("a\u{202E}b\u{0001} c\u{FFFF}", 12.0, regular(), 1.0);
        assert_eq!(plain, hostile);
        assert_eq!(plain.chars, 4);
        assert_eq!(clean_text("x\ty\u{2066}z\u{0000}"), "x\tyz");
    }

    #[test]
    fn letter_spacing_follows_every_character_of_a_ligature() {
        // "fi" may shape as one glyph; its advance carries both characters' spacing.
        let line = shape_line("fit", 12.0, regular(), 3.0);
        let travel: f64 = line.glyphs.iter().map(|g| g.advance).sum();
        assert!(
            (travel - line.width).abs() < 1e-9,
            "{travel} {}",
            line.width
        );
    }

    #[test]
    fn right_to_left_lines_hold_their_glyphs_in_visual_order() {
        let ltr = shape_line("ab", 12.0, regular(), 0.0);
        let rtl = shape_run("ab", 12.0, regular(), 0.0, Direction::RightToLeft);
        let ids = |l: &ShapedLine| l.glyphs.iter().map(|g| g.id).collect::<Vec<_>>();
        let mut reversed = ids(&ltr);
        reversed.reverse();
        assert_eq!(ids(&rtl), reversed);
        assert_eq!(rtl.direction, Direction::RightToLeft);
        assert!((rtl.width - ltr.width).abs() < 1e-9);
    }
}
