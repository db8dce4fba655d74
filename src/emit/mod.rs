//! Writers from a [`Scene`](crate::scene::Scene) to files: SVG and PNG each straight from
//! the scene, the PDF from the SVG.

pub mod files;
pub mod markup;
pub mod outline;
pub mod pdf;
pub mod raster;
pub mod svg;
pub mod svg_reader;

pub use files::{write_atomic, Transaction};
