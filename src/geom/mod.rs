//! The geometry leaf every stage may use: points, rings and lines ([`flat`]), bounding boxes
//! ([`bounds`]), pixel boxes ([`boxes`]), the one axis-aligned box clipper ([`clip`]), planar measures — area,
//! containment, distance, length ([`measure`]) — sampled box outlines ([`densify`]), the
//! sphere ([`sphere`]) and fixed-precision path data ([`path`]). It imports no other module
//! of mapfig.
//!
//! ```
//! use mapfig::geom::{clip_line, length, Bounds, Line};
//!
//! let line: Line = vec![[-5.0, 5.0], [5.0, 5.0], [5.0, 20.0]];
//! let pieces = clip_line(&line, [0.0, 0.0, 10.0, 10.0]);
//! assert_eq!(pieces, vec![vec![[0.0, 5.0], [5.0, 5.0], [5.0, 10.0]]]);
//! assert_eq!(length(&pieces[0]), 10.0);
//!
//! let mut bounds = Bounds::default();
//! bounds.add_all(&line);
//! assert_eq!(bounds.get(), Some([-5.0, 5.0, 5.0, 20.0]));
//! ```

pub mod bounds;
pub mod boxes;
pub mod clip;
pub mod densify;
pub mod flat;
pub mod measure;
pub mod path;
pub mod sphere;

pub use bounds::Bounds;
pub use boxes::BoxPx;
pub use clip::{clip_line, clip_ring, clip_segment, segment_span};
pub use densify::{densify_bbox, densify_bbox_area};
pub use flat::{dedupe, flatten, Flat};
pub use measure::{
    contains, distance, edge_distance, length, polygon_area, ring_area, segment_distance,
};

/// A point: x, y (or longitude, latitude).
pub type Pt = [f64; 2];

/// A closed ring: its last point repeats its first.
pub type Ring = Vec<Pt>;

/// An open polyline.
pub type Line = Vec<Pt>;
