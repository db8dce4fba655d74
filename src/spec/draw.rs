//! The plan of `mapfig draw`: one data file drawn without a spec, from command-line
//! options. It is built from the same defaults as a spec's ([`Spec::new`], [`Layer::new`]),
//! changing only what a quick look needs.

use super::{Extent, Furniture, Layer, ProjectionChoice, Spec, MAX_SIDE, MIN_SIDE};
use crate::color::Paint;
use crate::error::{Error, Result};
use std::path::PathBuf;

/// Settings of a spec-less quick render.
#[derive(Debug, Clone)]
pub struct DrawOptions {
    pub input: PathBuf,
    /// Files to write, each in the format its extension names; one render feeds them all.
    pub outputs: Vec<PathBuf>,
    pub projection: Option<String>,
    /// The data's CRS (`--crs`): as a layer's `crs` key.
    pub crs: Option<String>,
    pub size: (f64, f64),
    pub fill: Paint,
    pub stroke: Paint,
    pub stroke_width: f64,
    pub background: Paint,
    pub scale: f64,
    /// Share of polygon vertices kept by topology-preserving simplification.
    pub simplify: Option<f64>,
    /// A table's longitude (x) and latitude (y) columns, when not found by name.
    pub x: Option<String>,
    pub y: Option<String>,
    pub limits: crate::limits::Limits,
}

/// Point markers of a quick look: smaller than a spec's, since `draw` is mostly used on
/// whole files of points with nothing else on the page.
const DRAW_MARKER_SIZE: f64 = 2.5;

/// The plan `draw` renders: the input as one layer named `data`, in the options' colours
/// and size, filling the frame, without furniture. A wrong size or projection is a usage
/// error.
pub fn plan(o: &DrawOptions) -> Result<Spec> {
    let (w, h) = o.size;
    let sides = MIN_SIDE..=MAX_SIDE;
    if !(sides.contains(&w) && sides.contains(&h)) {
        return Err(Error::Usage(format!(
            "--size must be WxH with each side from {MIN_SIDE} to {MAX_SIDE}, got {w}x{h}"
        )));
    }
    let projection = match &o.projection {
        None => ProjectionChoice::Auto,
        Some(p) => ProjectionChoice::parse(p).map_err(Error::Usage)?,
    };
    let name = o
        .input
        .file_name()
        .map_or_else(|| "map".into(), |n| n.to_string_lossy().into_owned());
    // Ids are named after the (first) output, as a spec's are after its output name.
    let output_name = o
        .outputs
        .first()
        .and_then(|f| f.file_stem())
        .map_or_else(|| "map".into(), |n| n.to_string_lossy().into_owned());
    let layer = Layer {
        fill: Some(o.fill),
        stroke: Some(o.stroke),
        stroke_width: Some(o.stroke_width),
        marker_size: DRAW_MARKER_SIZE,
        read: super::ReadOptions {
            x: o.x.clone(),
            y: o.y.clone(),
            crs: o.crs.clone(),
            ..Default::default()
        },
        ..Layer::new("data", o.input.clone())
    };
    Ok(Spec {
        id_prefix: super::id_prefix_for(&output_name),
        description: Some(format!("Map of {name}")),
        width: w,
        height: h,
        projection,
        extent: Extent::fit_all(0.0),
        background: o.background,
        simplify: o.simplify,
        layers: vec![layer],
        furniture: Furniture::NONE,
        ..Spec::new(o.input.clone(), name)
    })
}
