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
    /// Layer keys mapping data, as TOML (`fill = { by = "rate" ... }`, `join = {...}`,
    /// `size = {...}`, `legend = "..."`), read by the spec's own parser: `draw`'s
    /// `--fill '{ ... }'`, `--join`, `--size-by` and `--legend`.
    pub data_keys: Vec<(&'static str, String)>,
    pub stroke: Paint,
    pub stroke_width: f64,
    pub background: Paint,
    pub scale: f64,
    /// Share of polygon vertices kept by topology-preserving simplification.
    pub simplify: Option<f64>,
    /// A table's longitude (x) and latitude (y) columns, when not found by name.
    pub x: Option<String>,
    pub y: Option<String>,
    /// The one object (TopoJSON object, GeoPackage table) of the file to draw; `None`
    /// draws every object, each as its own layer.
    pub object: Option<String>,
    pub limits: crate::limits::Limits,
}

/// Point markers of a quick look: smaller than a spec's, since `draw` is mostly used on
/// whole files of points with nothing else on the page.
const DRAW_MARKER_SIZE: f64 = 2.5;

/// One named collection of the input (a TopoJSON object), as `draw` plans it.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawObject {
    pub name: String,
    /// Whether it holds polygons (drawn filled when it is the first that does).
    pub polygons: bool,
}

/// The plan `draw` renders: the input as one layer named `data` (or, for a file of several
/// `objects`, the one `--object` names, or else every object, each a layer named after
/// it, in file order), in the options' colours and size, filling the frame, without
/// furniture. A wrong size or projection is a usage error.
pub fn plan(o: &DrawOptions, objects: &[DrawObject]) -> Result<Spec> {
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
    let layer = |id: String, object: Option<String>, fill: Paint| Layer {
        fill: Some(fill),
        stroke: Some(o.stroke),
        stroke_width: Some(o.stroke_width),
        marker_size: DRAW_MARKER_SIZE,
        object,
        read: super::ReadOptions {
            x: o.x.clone(),
            y: o.y.clone(),
            crs: o.crs.clone(),
        },
        ..Layer::new(id, o.input.clone())
    };
    let mapped = mapped_layer(o)?;
    let mut layers = match (&o.object, objects) {
        (Some(name), _) => vec![layer(
            object_layer_id(name, &[]),
            Some(name.clone()),
            o.fill,
        )],
        (None, [] | [_]) => vec![layer("data".into(), None, o.fill)],
        (None, several) => {
            // Polygons over polygons (states over counties) would hide what is under
            // them: only the first polygon object is filled, later ones are outlines.
            let mut filled = false;
            let mut ids: Vec<String> = Vec::with_capacity(several.len());
            let mut layers = Vec::with_capacity(several.len());
            for object in several {
                let fill = if object.polygons && filled {
                    Paint::None
                } else {
                    o.fill
                };
                filled |= object.polygons;
                let id = object_layer_id(&object.name, &ids);
                ids.push(id.clone());
                layers.push(layer(id, Some(object.name.clone()), fill));
            }
            layers
        }
    };
    // Data keys go to the first filled layer (the one a choropleth colours).
    let has_mapped = mapped.is_some();
    if let Some(m) = mapped {
        if let Some(l) = layers.iter_mut().find(|l| l.fill != Some(Paint::None)) {
            l.fill_by = m.fill_by;
            l.stroke_by = m.stroke_by;
            l.join = m.join;
            l.size = m.size;
            l.legend = m.legend;
            l.legend_style = m.legend_style;
        }
    }
    let furniture = if has_mapped {
        // A map of data needs its key.
        Furniture {
            legend: true,
            ..Furniture::NONE
        }
    } else {
        Furniture::NONE
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
        layers,
        furniture,
        ..Spec::new(o.input.clone(), name)
    })
}

/// The layer the data keys describe, read by the spec parser from a one-layer spec made of
/// them (relative paths from the working folder); `None` without data keys. A wrong key
/// is a usage error naming the option.
fn mapped_layer(o: &DrawOptions) -> Result<Option<Layer>> {
    if o.data_keys.is_empty() {
        return Ok(None);
    }
    let mut text = String::from("[[layer]]\nid = \"data\"\nsource = \"data\"\n");
    for (key, value) in &o.data_keys {
        if value.contains(['\n', '\r']) {
            let option = if *key == "size" { "size-by" } else { key };
            return Err(Error::Usage(format!(
                "--{option}: one line, as a spec's inline table: '{{ ... }}'"
            )));
        }
        text.push_str(&format!("{key} = {value}\n"));
    }
    let here = std::env::current_dir()
        .unwrap_or_default()
        .join("mapfig-draw.toml");
    let spec = super::parse(&text, &here).map_err(|e| {
        let keys: Vec<String> = o
            .data_keys
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect();
        let message = match e {
            Error::Spec { message, .. } => message,
            e => e.to_string(),
        };
        Error::Usage(format!("in {}: {message}", keys.join("; ")))
    })?;
    Ok(spec.layers.into_iter().next())
}

/// A layer id for object `name`: SVG-safe, and not one of `taken` (a `-2`, `-3`... suffix).
fn object_layer_id(name: &str, taken: &[String]) -> String {
    let mut base = super::safe_id(name);
    if base.is_empty() {
        base = "object".into();
    }
    let mut id = base.clone();
    let mut n = 1;
    while taken.contains(&id) {
        n += 1;
        id = format!("{base}-{n}");
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> DrawOptions {
        DrawOptions {
            input: "us.json".into(),
            outputs: vec!["us.svg".into()],
            projection: None,
            size: (800.0, 600.0),
            fill: Paint::rgb(0xdd, 0xdd, 0xdd),
            data_keys: Vec::new(),
            stroke: Paint::rgb(0x33, 0x33, 0x33),
            stroke_width: 0.5,
            background: Paint::None,
            scale: 1.0,
            simplify: None,
            object: None,
            crs: None,
            x: None,
            y: None,
            limits: crate::limits::Limits::default(),
        }
    }

    fn object(name: &str, polygons: bool) -> DrawObject {
        DrawObject {
            name: name.into(),
            polygons,
        }
    }

    #[test]
    fn every_object_is_a_layer_and_only_the_first_polygons_are_filled() {
        let objects = [
            object("counties", true),
            object("cities", false),
            object("state lines", true),
            object("state_lines", true),
        ];
        let spec = plan(&options(), &objects).unwrap();
        let got: Vec<(&str, Option<&str>, bool)> = spec
            .layers
            .iter()
            .map(|l| {
                (
                    l.id.as_str(),
                    l.object.as_deref(),
                    l.fill.is_some_and(|f| f.is_none()),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("counties", Some("counties"), false),
                ("cities", Some("cities"), false),
                ("state_lines", Some("state lines"), true),
                ("state_lines-2", Some("state_lines"), true),
            ]
        );
        let one = plan(
            &DrawOptions {
                object: Some("cities".into()),
                ..options()
            },
            &objects,
        )
        .unwrap();
        assert_eq!(one.layers.len(), 1);
        assert_eq!(one.layers[0].object.as_deref(), Some("cities"));
        let plain = plan(&options(), &[]).unwrap();
        assert_eq!(
            (plain.layers[0].id.as_str(), &plain.layers[0].object),
            ("data", &None)
        );
    }
}
