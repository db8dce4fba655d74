//! mapfig renders static, annotated maps from GeoJSON to SVG, PNG and PDF.
//!
//! One pipeline of stages, each a module that imports only the stages before it:
//! [`geom`] (the leaf: points, rings, bounds, clipping, measures) · [`projection`] ·
//! [`spec`] (parse and validate a map spec) → [`sources`] (load geodata) → [`prepare`]
//! (topology, antimeridian, clipping) → [`text`] (fonts, shaping) → [`scene`] (the
//! intermediate representation) → [`symbology`] (styles, theme) → [`layout`] (labels,
//! callouts, badges, furniture → [`scene::Scene`]) → [`emit`] (SVG, PNG, PDF) → [`build`]
//! (one map or a manifest of many, check, gallery); beside it [`starter`] (a starter spec
//! for a data file).

#![forbid(unsafe_code)]

pub mod build;
pub mod color;
pub mod emit;
pub mod error;
pub mod geom;
pub mod layout;
pub mod limits;
pub mod prepare;
pub mod projection;
pub mod render;
pub mod scene;
pub mod sources;
pub mod spec;
pub mod starter;
pub mod symbology;
pub mod text;
pub mod timings;

pub use error::{Error, Result};
