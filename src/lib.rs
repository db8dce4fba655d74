//! mapfig renders static, annotated maps from GeoJSON to SVG, PNG and PDF.
//!
//! The pipeline, one module a stage: [`spec`] (parse and validate a map spec) →
//! [`data`] (load GeoJSON) → [`projection`] (project and fit) → [`layout`] (labels,
//! callouts, badges, furniture → [`scene::Scene`]) → [`emit`] (SVG, PNG, PDF).
//! [`render`] ties them together for the CLI and for library users. [`topology`] gives
//! polygon layers shared arcs: simplification and inner borders without gaps;
//! [`antimeridian`] prepares lon/lat geometry for world maps (cuts at ±180, latitude limits);
//! [`clip`] clips it to a spherical cap (an azimuthal horizon, a regional map's neighbourhood);
//! [`gallery`] writes the index page of a folder of rendered maps.

#![forbid(unsafe_code)]

pub mod antimeridian;
pub mod clip;
pub mod color;
pub mod data;
pub mod emit;
pub mod error;
pub mod fonts;
pub mod gallery;
pub mod layout;
pub mod limits;
pub mod project;
pub mod projection;
pub mod render;
pub mod scene;
pub mod spec;
pub mod theme;
pub mod topology;

pub use error::{Error, Result};
