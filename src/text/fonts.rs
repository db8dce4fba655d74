//! The bundled fonts (Noto Sans, SIL OFL 1.1, see assets/fonts/OFL.txt) and text metrics.
//! Only these fonts are ever used, so text measures and renders the same on every machine.

use std::sync::{Arc, OnceLock};

pub const FAMILY: &str = "Noto Sans";
/// The `font-family` written into SVG: the bundled family first, a generic fallback for
/// browsers that do not have it.
pub const CSS_FAMILY: &str = "Noto Sans, Helvetica Neue, Arial, sans-serif";

pub static REGULAR: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Regular.ttf");
pub static BOLD: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Bold.ttf");
pub static ITALIC: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Italic.ttf");

struct Metrics {
    /// The shaper (kerning, ligatures), as browsers and resvg shape the same text.
    face: rustybuzz::Face<'static>,
    units_per_em: f64,
    ascender: f64,
    descender: f64,
    data: &'static [u8],
}

impl Metrics {
    fn load(data: &'static [u8]) -> Metrics {
        let face = match ttf_parser::Face::parse(data, 0) {
            Ok(f) => f,
            // The fonts are compiled in and tested; failing here is a build defect.
            Err(e) => unreachable!("bundled font does not parse: {e}"),
        };
        let shaper = match rustybuzz::Face::from_slice(data, 0) {
            Some(f) => f,
            None => unreachable!("bundled font does not load in the shaper"),
        };
        Metrics {
            face: shaper,
            units_per_em: f64::from(face.units_per_em()),
            ascender: f64::from(face.ascender()),
            descender: f64::from(face.descender()),
            data,
        }
    }
}

fn metrics(bold: bool, italic: bool) -> &'static Metrics {
    static R: OnceLock<Metrics> = OnceLock::new();
    static B: OnceLock<Metrics> = OnceLock::new();
    static I: OnceLock<Metrics> = OnceLock::new();
    match (bold, italic) {
        (true, _) => B.get_or_init(|| Metrics::load(BOLD)),
        (false, true) => I.get_or_init(|| Metrics::load(ITALIC)),
        _ => R.get_or_init(|| Metrics::load(REGULAR)),
    }
}

/// Width in pixels of one line of text at `size` px, plus `letter_spacing` per character.
pub fn text_width(text: &str, size: f64, bold: bool, italic: bool, letter_spacing: f64) -> f64 {
    let m = metrics(bold, italic);
    let glyphs = shape(m, text);
    let units: f64 = glyphs.iter().map(|g| g.advance).sum();
    units / m.units_per_em * size + letter_spacing * text.chars().count() as f64
}

/// A shaped glyph: id, advance and offsets in font units.
struct Glyph {
    id: u16,
    advance: f64,
    dx: f64,
    dy: f64,
    /// Characters this glyph stands for (more than one for a ligature).
    chars: usize,
}

/// Shapes one line with the font's kerning and default features, left to right.
fn shape(m: &Metrics, text: &str) -> Vec<Glyph> {
    if text.is_empty() {
        return Vec::new();
    }
    let mut buf = rustybuzz::UnicodeBuffer::new();
    buf.push_str(text);
    buf.set_direction(rustybuzz::Direction::LeftToRight);
    let out = rustybuzz::shape(&m.face, &[], buf);
    let infos = out.glyph_infos();
    let clusters: Vec<usize> = infos.iter().map(|i| i.cluster as usize).collect();
    infos
        .iter()
        .zip(out.glyph_positions())
        .enumerate()
        .map(|(k, (info, pos))| {
            let start = clusters[k];
            let end = clusters
                .iter()
                .skip(k + 1)
                .find(|&&c| c != start)
                .copied()
                .unwrap_or(text.len());
            Glyph {
                id: info.glyph_id as u16,
                advance: f64::from(pos.x_advance),
                dx: f64::from(pos.x_offset),
                dy: f64::from(pos.y_offset),
                chars: text
                    .get(start.min(end)..end.max(start))
                    .map_or(1, |s| s.chars().count().max(1)),
            }
        })
        .collect()
}

/// Glyph outlines of one line of text as SVG path data, with its left end of the baseline
/// at `(x, y)`. Advances are the same as [`text_width`] uses, so outlines and measured boxes
/// agree.
pub fn outline(
    text: &str,
    size: f64,
    bold: bool,
    italic: bool,
    letter_spacing: f64,
    x: f64,
    y: f64,
) -> String {
    let m = metrics(bold, italic);
    let Ok(face) = ttf_parser::Face::parse(m.data, 0) else {
        return String::new();
    };
    let scale = size / m.units_per_em;
    let mut builder = OutlinePath {
        d: String::new(),
        x,
        y,
        scale,
    };
    let mut pen = x;
    for g in shape(m, text) {
        builder.x = pen + g.dx * scale;
        builder.y = y - g.dy * scale;
        face.outline_glyph(ttf_parser::GlyphId(g.id), &mut builder);
        pen += g.advance * scale + letter_spacing * g.chars as f64;
    }
    builder.d
}

struct OutlinePath {
    d: String,
    x: f64,
    y: f64,
    scale: f64,
}

impl OutlinePath {
    fn pt(&mut self, x: f32, y: f32) {
        crate::scene::write_num(&mut self.d, self.x + f64::from(x) * self.scale);
        self.d.push(',');
        crate::scene::write_num(&mut self.d, self.y - f64::from(y) * self.scale);
    }
}

impl ttf_parser::OutlineBuilder for OutlinePath {
    fn move_to(&mut self, x: f32, y: f32) {
        self.d.push('M');
        self.pt(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.d.push('L');
        self.pt(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.d.push('Q');
        self.pt(x1, y1);
        self.d.push(' ');
        self.pt(x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.d.push('C');
        self.pt(x1, y1);
        self.d.push(' ');
        self.pt(x2, y2);
        self.d.push(' ');
        self.pt(x, y);
    }
    fn close(&mut self) {
        self.d.push('Z');
    }
}

/// Ascent and descent (positive) in pixels at `size` px.
pub fn ascent_descent(size: f64, bold: bool) -> (f64, f64) {
    let m = metrics(bold, false);
    (
        m.ascender / m.units_per_em * size,
        -m.descender / m.units_per_em * size,
    )
}

/// A font database holding only the bundled fonts, with every generic family mapped to them.
pub fn database() -> Arc<resvg::usvg::fontdb::Database> {
    static DB: OnceLock<Arc<resvg::usvg::fontdb::Database>> = OnceLock::new();
    Arc::clone(DB.get_or_init(|| {
        let mut db = resvg::usvg::fontdb::Database::new();
        for data in [REGULAR, BOLD, ITALIC] {
            db.load_font_data(data.to_vec());
        }
        db.set_sans_serif_family(FAMILY);
        db.set_serif_family(FAMILY);
        db.set_monospace_family(FAMILY);
        db.set_cursive_family(FAMILY);
        db.set_fantasy_family(FAMILY);
        Arc::new(db)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let d = outline("Kunduz", 20.0, false, false, 0.0, 10.0, 50.0);
        assert!(d.starts_with('M') && d.contains('Z'));
        let xs: Vec<f64> = d
            .split(|c: char| c.is_ascii_alphabetic() || c == ' ')
            .filter_map(|p| p.split(',').next()?.parse().ok())
            .collect();
        let max = xs.iter().cloned().fold(f64::MIN, f64::max);
        let w = text_width("Kunduz", 20.0, false, false, 0.0);
        assert!(
            max > 10.0 + w * 0.8 && max <= 10.0 + w + 1.0,
            "{max} vs {w}"
        );
    }

    #[test]
    fn database_has_the_three_faces() {
        assert_eq!(database().len(), 3);
    }
}
