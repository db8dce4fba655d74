//! The font book: the faces text may be set in, each loaded once, and the one face a style
//! (bold, italic) asks for. Only the bundled faces (Noto Sans, SIL OFL 1.1, see
//! assets/fonts/OFL.txt) are ever used, so text measures and renders the same on every
//! machine.

use std::sync::{Arc, OnceLock};

pub const FAMILY: &str = "Noto Sans";
/// The `font-family` written into SVG: the bundled family first, a generic fallback for
/// browsers that do not have it.
pub const CSS_FAMILY: &str = "Noto Sans, Helvetica Neue, Arial, sans-serif";

pub static REGULAR: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Regular.ttf");
pub static BOLD: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Bold.ttf");
pub static ITALIC: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Italic.ttf");

/// A face's place in the [`FontBook`]: small, copyable, and all a shaped line needs to
/// find its glyph outlines again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FaceId(usize);

/// One loaded face: the shaper's view of the font (kerning, ligatures, glyph outlines) and
/// the metrics layout needs.
pub struct Face {
    /// rustybuzz's face, which also reads the outlines (it dereferences to ttf-parser's).
    shaper: rustybuzz::Face<'static>,
    units_per_em: f64,
    ascender: f64,
    descender: f64,
    data: &'static [u8],
    bold: bool,
    italic: bool,
}

impl Face {
    fn load(data: &'static [u8], bold: bool, italic: bool) -> Face {
        let shaper = match rustybuzz::Face::from_slice(data, 0) {
            Some(f) => f,
            // The fonts are compiled in and tested; failing here is a build defect.
            None => unreachable!("bundled font does not load in the shaper"),
        };
        Face {
            units_per_em: f64::from(shaper.units_per_em()),
            ascender: f64::from(shaper.ascender()),
            descender: f64::from(shaper.descender()),
            shaper,
            data,
            bold,
            italic,
        }
    }

    pub(super) fn shaper(&self) -> &rustybuzz::Face<'static> {
        &self.shaper
    }

    /// Pixels per font unit at `size` px.
    pub fn scale(&self, size: f64) -> f64 {
        size / self.units_per_em
    }

    /// Font units per em: a glyph's advance in units, over this, times the size in px, is
    /// its advance in px.
    pub fn units_per_em(&self) -> f64 {
        self.units_per_em
    }

    /// Height above the baseline, in pixels at `size` px.
    pub fn ascent(&self, size: f64) -> f64 {
        self.ascender / self.units_per_em * size
    }

    /// Depth below the baseline (positive), in pixels at `size` px.
    pub fn descent(&self, size: f64) -> f64 {
        -self.descender / self.units_per_em * size
    }
}

/// Every face text may be set in, in a fixed order (a [`FaceId`] is a place in it).
pub struct FontBook {
    faces: Vec<Face>,
}

impl FontBook {
    /// The bundled faces: regular, bold, italic.
    pub fn bundled() -> &'static FontBook {
        static BOOK: OnceLock<FontBook> = OnceLock::new();
        BOOK.get_or_init(|| FontBook {
            faces: vec![
                Face::load(REGULAR, false, false),
                Face::load(BOLD, true, false),
                Face::load(ITALIC, false, true),
            ],
        })
    }

    /// The face for a style. Bold wins over italic (there is no bold italic face): the
    /// first face that is bold when asked, else the first italic one when asked, else the
    /// first upright regular one.
    pub fn select(&self, bold: bool, italic: bool) -> FaceId {
        let wanted = |f: &Face| {
            if bold {
                f.bold
            } else {
                f.italic == italic && !f.bold
            }
        };
        let index = self.faces.iter().position(wanted).unwrap_or(0);
        FaceId(index)
    }

    /// The face `id` names; the book's first face for an id from another book.
    pub fn face(&self, id: FaceId) -> &Face {
        match self.faces.get(id.0) {
            Some(f) => f,
            None => &self.faces[0],
        }
    }

    pub fn faces(&self) -> impl Iterator<Item = &Face> {
        self.faces.iter()
    }
}

/// Ascent and descent (positive) in pixels at `size` px, of the upright face of that weight.
pub fn ascent_descent(size: f64, bold: bool) -> (f64, f64) {
    let book = FontBook::bundled();
    let face = book.face(book.select(bold, false));
    (face.ascent(size), face.descent(size))
}

/// A font database holding only the bundled fonts, with every generic family mapped to them.
pub fn database() -> Arc<resvg::usvg::fontdb::Database> {
    static DB: OnceLock<Arc<resvg::usvg::fontdb::Database>> = OnceLock::new();
    Arc::clone(DB.get_or_init(|| {
        let mut db = resvg::usvg::fontdb::Database::new();
        for face in FontBook::bundled().faces() {
            db.load_font_data(face.data.to_vec());
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
    fn styles_pick_the_bundled_faces() {
        let book = FontBook::bundled();
        let data = |bold, italic| book.face(book.select(bold, italic)).data.as_ptr();
        assert_eq!(data(false, false), REGULAR.as_ptr());
        assert_eq!(data(true, false), BOLD.as_ptr());
        assert_eq!(data(true, true), BOLD.as_ptr());
        assert_eq!(data(false, true), ITALIC.as_ptr());
    }

    #[test]
    fn metrics_scale_with_size() {
        let (a, d) = ascent_descent(10.0, false);
        assert!(a > 5.0 && a < 15.0 && d > 0.0 && d < a, "{a} {d}");
        let (a2, d2) = ascent_descent(20.0, false);
        assert!((a2 - 2.0 * a).abs() < 1e-9 && (d2 - 2.0 * d).abs() < 1e-9);
    }

    #[test]
    fn database_has_the_three_faces() {
        assert_eq!(database().len(), 3);
    }
}
