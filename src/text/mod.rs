//! Text: the font book (which faces exist, the fallback list a map's text chooses from by
//! glyph coverage) and shaping (a line is split by direction and face, and each run becomes
//! positioned glyphs, once). Layout measures shaped lines, the scene stores them and the
//! emitters draw them: collision boxes, SVG outlines and PNG glyphs all read the same runs.

pub mod fonts;
pub mod shape;

pub use fonts::{FaceId, FontSet};
pub use shape::{clean_text, shape_line, shape_run, text_width, Direction, Glyph, ShapedLine};
