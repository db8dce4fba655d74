//! Geometry made ready to draw, in stages that hand plain values on: features selected per
//! layer ([`select`]) → the lon/lat extent ([`extent`]) → cut and clipped to what the
//! projection can show ([`preclip`]: the antimeridian [`antimeridian`], caps [`clip`]) →
//! projected, simplified over shared arcs ([`topology`], a TopoJSON file's own:
//! [`source_arcs`]) and fitted to the frame
//! ([`project`]).

pub mod antimeridian;
pub mod clip;
pub mod extent;
pub mod preclip;
pub mod project;
pub mod select;
pub mod source_arcs;
pub mod topology;
