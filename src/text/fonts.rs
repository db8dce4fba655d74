//! The font book: every face text may be set in, each loaded once for the process, and the
//! fallback lists (font sets) a map's text chooses its faces from by glyph coverage. The
//! bundled faces (Noto Sans, Noto Sans Arabic, Hebrew and Devanagari; SIL OFL 1.1, see
//! assets/fonts/SOURCES.md) come first in every set; a spec's `fonts = [...]` adds the files
//! it names after them. System fonts are never read, so text measures and renders the same on
//! every machine.

use crate::error::{Error, Result};
use std::cell::Cell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

pub const FAMILY: &str = "Noto Sans";
/// The `font-family` written into SVG: the bundled family first, a generic fallback for
/// browsers that do not have it.
pub const CSS_FAMILY: &str = "Noto Sans, Helvetica Neue, Arial, sans-serif";

pub static REGULAR: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Regular.ttf");
pub static BOLD: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Bold.ttf");
pub static ITALIC: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Italic.ttf");

/// The bundled faces, in fallback order: data, bold, italic.
static BUNDLED: [(&[u8], bool, bool); 9] = [
    (REGULAR, false, false),
    (BOLD, true, false),
    (ITALIC, false, true),
    (
        include_bytes!("../../assets/fonts/NotoSansArabic-Regular.ttf"),
        false,
        false,
    ),
    (
        include_bytes!("../../assets/fonts/NotoSansArabic-Bold.ttf"),
        true,
        false,
    ),
    (
        include_bytes!("../../assets/fonts/NotoSansHebrew-Regular.ttf"),
        false,
        false,
    ),
    (
        include_bytes!("../../assets/fonts/NotoSansHebrew-Bold.ttf"),
        true,
        false,
    ),
    (
        include_bytes!("../../assets/fonts/NotoSansDevanagari-Regular.ttf"),
        false,
        false,
    ),
    (
        include_bytes!("../../assets/fonts/NotoSansDevanagari-Bold.ttf"),
        true,
        false,
    ),
];

/// Largest font file a spec may name (Noto Sans CJK collections are about 20 MB).
pub const MAX_FONT_BYTES: u64 = 64 << 20;

/// A face's place in the process's font book: small, copyable, the same on every thread,
/// and all a shaped glyph needs to find its outline again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FaceId(usize);

/// One loaded face: the shaper's view of the font (kerning, ligatures, joining forms, glyph
/// outlines) and the metrics layout needs.
pub struct Face {
    /// rustybuzz's face, which also reads the outlines (it dereferences to ttf-parser's).
    shaper: rustybuzz::Face<'static>,
    units_per_em: f64,
    ascender: f64,
    descender: f64,
    data: &'static [u8],
    /// The face's index in its file (non-zero only in collections).
    index: u32,
    family: String,
    bold: bool,
    italic: bool,
}

impl Face {
    fn parse(data: &'static [u8], index: u32) -> Option<Face> {
        let shaper = rustybuzz::Face::from_slice(data, index)?;
        let family = family_name(&shaper).unwrap_or_else(|| FAMILY.to_string());
        let (bold, italic) = (shaper.is_bold(), shaper.is_italic());
        Some(Face {
            units_per_em: f64::from(shaper.units_per_em()),
            ascender: f64::from(shaper.ascender()),
            descender: f64::from(shaper.descender()),
            shaper,
            data,
            index,
            family,
            bold,
            italic,
        })
    }

    pub(super) fn shaper(&self) -> &rustybuzz::Face<'static> {
        &self.shaper
    }

    /// The font file's bytes (the whole collection for a face of one) and the face's index
    /// in it.
    pub fn data(&self) -> (&'static [u8], u32) {
        (self.data, self.index)
    }

    /// The family name the font gives itself (typographic family when it has one).
    pub fn family(&self) -> &str {
        &self.family
    }

    pub fn is_bold(&self) -> bool {
        self.bold
    }

    pub fn is_italic(&self) -> bool {
        self.italic
    }

    /// Whether the face has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        self.shaper.glyph_index(c).is_some()
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

/// The family name in the font's name table, as CSS and fontdb know it: the typographic
/// family (name id 16) if it has one, else the family (1); the US English record first
/// (a collection such as WenQuanYi's also names itself in Chinese), else any readable one.
fn family_name(face: &ttf_parser::Face) -> Option<String> {
    let names = face.names();
    for id in [
        ttf_parser::name_id::TYPOGRAPHIC_FAMILY,
        ttf_parser::name_id::FAMILY,
    ] {
        let records = || {
            names
                .into_iter()
                .filter(move |n| n.name_id == id && n.is_unicode())
        };
        let english = records()
            .filter(|n| n.language_id == 0x0409 || n.platform_id == ttf_parser::PlatformId::Unicode)
            .find_map(|n| n.to_string());
        let found = english.or_else(|| records().find_map(|n| n.to_string()));
        if let Some(s) = found.filter(|s| !s.trim().is_empty()) {
            return Some(s.trim().to_string());
        }
    }
    None
}

/// Every face loaded in this process, in load order: the bundled ones first. Faces are never
/// dropped, so a [`FaceId`] stays valid on every thread for the life of the process.
fn registry() -> &'static RwLock<Vec<&'static Face>> {
    static FACES: OnceLock<RwLock<Vec<&'static Face>>> = OnceLock::new();
    FACES.get_or_init(|| {
        let faces = BUNDLED
            .iter()
            .map(|(data, bold, italic)| {
                let face = match Face::parse(data, 0) {
                    Some(f) => f,
                    // The fonts are compiled in and tested; failing here is a build defect.
                    None => unreachable!("bundled font does not load in the shaper"),
                };
                debug_assert_eq!((face.bold, face.italic), (*bold, *italic));
                &*Box::leak(Box::new(face))
            })
            .collect();
        RwLock::new(faces)
    })
}

/// The face `id` names.
pub fn face(id: FaceId) -> &'static Face {
    let faces = registry().read().unwrap_or_else(|e| e.into_inner());
    match faces.get(id.0) {
        Some(f) => f,
        None => faces[0],
    }
}

/// An ordered fallback list of faces: a character is set in the first family that has a
/// glyph for it, in that family's face closest to the style asked for.
pub struct FontSet {
    faces: Vec<FaceId>,
    /// The user font files, as named (for messages).
    files: Vec<PathBuf>,
    database: OnceLock<Arc<resvg::usvg::fontdb::Database>>,
}

impl FontSet {
    /// The bundled faces alone.
    pub fn bundled() -> &'static FontSet {
        static SET: OnceLock<FontSet> = OnceLock::new();
        SET.get_or_init(|| FontSet {
            faces: (0..BUNDLED.len()).map(FaceId).collect(),
            files: Vec::new(),
            database: OnceLock::new(),
        })
    }

    /// The bundled faces followed by every face of each file in `files` (all faces of a
    /// collection, in its order). Each file is read once per process; a file that is not
    /// a font, or too large, is a data error naming it.
    pub fn with_files(files: &[PathBuf]) -> Result<&'static FontSet> {
        if files.is_empty() {
            return Ok(FontSet::bundled());
        }
        static SETS: OnceLock<Mutex<HashMap<Vec<PathBuf>, &'static FontSet>>> = OnceLock::new();
        let sets = SETS.get_or_init(Default::default);
        let mut sets = sets.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = sets.get(files) {
            return Ok(s);
        }
        let mut faces: Vec<FaceId> = FontSet::bundled().faces.clone();
        for file in files {
            for id in load_file(file)? {
                if !faces.contains(&id) {
                    faces.push(id);
                }
            }
        }
        let set: &'static FontSet = Box::leak(Box::new(FontSet {
            faces,
            files: files.to_vec(),
            database: OnceLock::new(),
        }));
        sets.insert(files.to_vec(), set);
        Ok(set)
    }

    pub fn faces(&self) -> impl Iterator<Item = FaceId> + '_ {
        self.faces.iter().copied()
    }

    /// The user font files of this set, as named.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// The face for a style without regard to coverage (the bundled Latin faces): bold wins
    /// over italic (there is no bold italic face).
    pub fn select(&self, bold: bool, italic: bool) -> FaceId {
        self.best_in_family(FAMILY, bold, italic)
            .unwrap_or(self.faces[0])
    }

    /// The face to set `c` in with this style: the first family in the list that covers it,
    /// in its face nearest the style; `None` when no face has a glyph for it.
    pub fn face_for(&self, c: char, bold: bool, italic: bool) -> Option<FaceId> {
        let first = self.faces.iter().copied().find(|&f| face(f).covers(c))?;
        let family = face(first).family();
        let best = self
            .faces
            .iter()
            .copied()
            .filter(|&f| face(f).family() == family && face(f).covers(c))
            .min_by_key(|&f| style_distance(face(f), bold, italic));
        Some(best.unwrap_or(first))
    }

    fn best_in_family(&self, family: &str, bold: bool, italic: bool) -> Option<FaceId> {
        self.faces
            .iter()
            .copied()
            .filter(|&f| face(f).family() == family)
            .min_by_key(|&f| style_distance(face(f), bold, italic))
    }

    /// The family names of the set, each once, in fallback order.
    pub fn families(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for &f in &self.faces {
            let name = face(f).family();
            if !out.contains(&name) {
                out.push(name);
            }
        }
        out
    }

    /// A font database holding exactly this set's faces, every generic family mapped to the
    /// bundled one: what usvg (the PDF writer) resolves the SVG's text with.
    pub fn database(&self) -> Arc<resvg::usvg::fontdb::Database> {
        Arc::clone(self.database.get_or_init(|| {
            let mut db = resvg::usvg::fontdb::Database::new();
            let mut loaded: Vec<*const u8> = Vec::new();
            for &f in &self.faces {
                let (data, _) = face(f).data();
                // A collection's faces share one file: load it once.
                if !loaded.contains(&data.as_ptr()) {
                    loaded.push(data.as_ptr());
                    db.load_font_source(resvg::usvg::fontdb::Source::Binary(Arc::new(data)));
                }
            }
            db.set_sans_serif_family(FAMILY);
            db.set_serif_family(FAMILY);
            db.set_monospace_family(FAMILY);
            db.set_cursive_family(FAMILY);
            db.set_fantasy_family(FAMILY);
            Arc::new(db)
        }))
    }
}

/// Closeness of a face to a style: weight first (bold asked, bold face), then slant.
fn style_distance(f: &Face, bold: bool, italic: bool) -> u8 {
    2 * u8::from(f.bold != bold) + u8::from(f.italic != italic)
}

/// Loads every face of the font file `path` (once per process), returning their ids.
fn load_file(path: &Path) -> Result<Vec<FaceId>> {
    static FILES: OnceLock<Mutex<HashMap<PathBuf, Vec<FaceId>>>> = OnceLock::new();
    let files = FILES.get_or_init(Default::default);
    let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if let Some(ids) = files.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return Ok(ids.clone());
    }
    let bad = |m: String| Error::data(path, "", m);
    let meta = std::fs::metadata(path).map_err(|e| bad(format!("cannot read the font: {e}")))?;
    if !meta.is_file() {
        return Err(bad("the font is not a regular file".into()));
    }
    if meta.len() > MAX_FONT_BYTES {
        return Err(bad(format!(
            "the font is {} bytes, over the limit of {MAX_FONT_BYTES}",
            meta.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| bad(format!("cannot read the font: {e}")))?;
    let count = ttf_parser::fonts_in_collection(&bytes).unwrap_or(1);
    let data: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    let mut parsed = Vec::new();
    for index in 0..count.min(256) {
        let face = Face::parse(data, index).ok_or_else(|| {
            bad(if count > 1 {
                format!("face {index} of the collection is not a font mapfig can read (TrueType or OpenType)")
            } else {
                "not a font mapfig can read (TrueType, OpenType, or a TTC/OTC collection)".into()
            })
        })?;
        parsed.push(face);
    }
    let mut registry = registry().write().unwrap_or_else(|e| e.into_inner());
    let ids: Vec<FaceId> = parsed
        .into_iter()
        .map(|f| {
            registry.push(Box::leak(Box::new(f)));
            FaceId(registry.len() - 1)
        })
        .collect();
    drop(registry);
    files
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, ids.clone());
    Ok(ids)
}

thread_local! {
    static CURRENT: Cell<Option<&'static FontSet>> = const { Cell::new(None) };
}

/// The font set text is shaped with on this thread: the one [`with_set`] installed, else
/// the bundled faces.
pub fn current() -> &'static FontSet {
    CURRENT.with(|c| c.get()).unwrap_or_else(FontSet::bundled)
}

/// Runs `f` with `set` as this thread's [`current`] font set (a map's layout and writing
/// run on one thread; the set is put back afterwards, even on a panic).
pub fn with_set<T>(set: &'static FontSet, f: impl FnOnce() -> T) -> T {
    struct Restore(Option<&'static FontSet>);
    impl Drop for Restore {
        fn drop(&mut self) {
            CURRENT.with(|c| c.set(self.0));
        }
    }
    let _restore = Restore(CURRENT.with(|c| c.replace(Some(set))));
    f()
}

/// Ascent and descent (positive) in pixels at `size` px, of the upright bundled face of that
/// weight.
pub fn ascent_descent(size: f64, bold: bool) -> (f64, f64) {
    let f = face(current().select(bold, false));
    (f.ascent(size), f.descent(size))
}

/// The font database of the current set (see [`FontSet::database`]).
pub fn database() -> Arc<resvg::usvg::fontdb::Database> {
    current().database()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_pick_the_bundled_faces() {
        let set = FontSet::bundled();
        let data = |bold, italic| face(set.select(bold, italic)).data().0.as_ptr();
        assert_eq!(data(false, false), REGULAR.as_ptr());
        assert_eq!(data(true, false), BOLD.as_ptr());
        assert_eq!(data(true, true), BOLD.as_ptr());
        assert_eq!(data(false, true), ITALIC.as_ptr());
    }

    #[test]
    fn characters_find_the_family_that_covers_them() {
        let set = FontSet::bundled();
        let family = |c, bold| face(set.face_for(c, bold, false).unwrap()).family();
        assert_eq!(family('K', false), "Noto Sans");
        assert_eq!(family('ک', false), "Noto Sans Arabic");
        assert_eq!(family('ש', false), "Noto Sans Hebrew");
        assert_eq!(family('क', false), "Noto Sans Devanagari");
        assert!(face(set.face_for('ک', true, false).unwrap()).is_bold());
        assert_eq!(set.face_for('中', false, false), None);
        assert_eq!(
            set.families(),
            [
                "Noto Sans",
                "Noto Sans Arabic",
                "Noto Sans Hebrew",
                "Noto Sans Devanagari"
            ]
        );
    }

    #[test]
    fn metrics_scale_with_size() {
        let (a, d) = ascent_descent(10.0, false);
        assert!(a > 5.0 && a < 15.0 && d > 0.0 && d < a, "{a} {d}");
        let (a2, d2) = ascent_descent(20.0, false);
        assert!((a2 - 2.0 * a).abs() < 1e-9 && (d2 - 2.0 * d).abs() < 1e-9);
    }

    #[test]
    fn database_has_every_bundled_face() {
        assert_eq!(FontSet::bundled().database().len(), BUNDLED.len());
    }

    #[test]
    fn a_file_that_is_no_font_is_a_data_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("not-a-font.ttf");
        std::fs::write(&path, b"hello").unwrap();
        let e = FontSet::with_files(std::slice::from_ref(&path))
            .err()
            .unwrap();
        assert!(e.to_string().contains("not-a-font.ttf"), "{e}");
        assert!(matches!(e, Error::Data { .. }), "{e:?}");
    }
}
