//! mapfig renders static, annotated maps from GeoJSON to SVG and PNG.
//!
//! The pipeline, one module a stage: [`spec`] (parse and validate a map spec) →
//! [`data`] (load GeoJSON) → [`projection`] (project and fit) → [`layout`] (labels,
//! callouts, badges, furniture → [`scene::Scene`]) → [`emit`] (SVG, PNG).
//! [`render`] ties them together for the CLI and for library users; [`gallery`] writes the
//! index page of a folder of rendered maps.

#![forbid(unsafe_code)]

pub mod color;
pub mod data;
pub mod emit;
pub mod error;
pub mod fonts;
pub mod gallery;
pub mod layout;
pub mod projection;
pub mod render;
pub mod scene;
pub mod spec;
pub mod theme;

pub use error::{Error, Result};
