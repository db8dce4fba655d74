//! Geometry made ready to project: shared arcs and simplification ([`topology`]), cutting
//! at the antimeridian and latitude limits ([`antimeridian`]), clipping to a spherical cap
//! ([`clip`]).

pub mod antimeridian;
pub mod clip;
pub mod topology;
