//! Writers from a [`Scene`](crate::scene::Scene) to files: SVG first, PNG and PDF from it.

pub mod files;
pub mod outline;
pub mod pdf;
pub mod raster;
pub mod svg;
pub mod svg_reader;

pub use files::{write_atomic, Transaction};
