//! Writers from a [`Scene`](crate::scene::Scene) to files: SVG and PNG each straight from
//! the scene, the PDF from the SVG. They decide only *how* to write what layout placed:
//! no emitter shapes text, chooses colours or parses another emitter's output.
//!
//! ```
//! use mapfig::color::Paint;
//! use mapfig::emit::{raster, svg};
//! use mapfig::geom::path::PathData;
//! use mapfig::limits::Limits;
//! use mapfig::scene::{Node, Scene, Shape, Style};
//!
//! let mut d = PathData::new();
//! d.polyline(&[[10.0, 10.0], [190.0, 10.0], [100.0, 90.0]], true);
//! let triangle = Shape::path("feature", d).with_id("triangle").with_style(Style {
//!     fill: Paint::rgb(0xb0, 0x28, 0x1a),
//!     ..Style::default()
//! });
//! let scene = Scene {
//!     width: 200.0,
//!     height: 100.0,
//!     title: "A triangle".into(),
//!     description: "One red triangle.".into(),
//!     background: Paint::rgb(0xff, 0xff, 0xff),
//!     clips: Vec::new(),
//!     nodes: vec![Node::Shape(triangle)],
//!     dark_variant: None,
//!     id_prefix: "demo".into(),
//! };
//! let text = svg::to_svg(&scene);
//! assert!(text.contains(r#"id="demo_triangle""#) && text.contains("M10.00,10.00L190.00,10.00"));
//! let png = raster::render_png(&scene, 1.0, "demo.png".as_ref(), &Limits::default()).unwrap();
//! assert_eq!(&png[1..4], b"PNG");
//! ```

pub mod files;
pub mod markup;
pub mod outline;
pub mod pdf;
pub mod raster;
pub mod svg;
mod svg_fonts;
mod svg_hatch;
pub mod svg_reader;

pub use files::{write_atomic, Transaction};
