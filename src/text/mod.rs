//! Text: the bundled fonts, measuring and shaping.

pub mod fonts;
