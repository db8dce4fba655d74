//! mapfig renders static, annotated maps from GeoJSON to SVG and PNG.
//!
//! The pipeline, one module a stage: [`spec`] (parse and validate a map spec) →
//! [`data`] (load GeoJSON) → [`projection`] (project and fit) → [`layout`] (labels,
//! callouts, badges, furniture → [`scene::Scene`]) → [`emit`] (SVG, PNG).
//! [`render`] ties them together for the CLI and for library users. [`antimeridian`]
//! prepares lon/lat geometry for world maps (cuts at ±180, latitude limits).

#![forbid(unsafe_code)]

pub mod antimeridian;
pub mod color;
pub mod data;
pub mod emit;
pub mod error;
pub mod fonts;
pub mod layout;
pub mod projection;
pub mod render;
pub mod scene;
pub mod spec;

pub use error::{Error, Result};
