//! Text: the font book (which faces exist, which one a style asks for) and shaping (a line
//! set in a face becomes positioned glyphs, once). Layout measures shaped lines, the scene
//! stores them and the emitters draw them: collision boxes, SVG outlines and PNG glyphs all
//! read the same runs.

pub mod fonts;
pub mod shape;

pub use fonts::{FaceId, FontBook};
pub use shape::{clean_text, shape_line, shape_run, text_width, Direction, Glyph, ShapedLine};
