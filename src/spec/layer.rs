//! A map layer: one data file (or part of it, by `where`), drawn in one style. Its
//! defaults are [`Layer::new`]'s, for a `[[layer]]` table and `mapfig draw` alike.

use super::encoding::{Encoding, SizeEncoding};
use super::keywords::{Marker, LABEL_TRANSFORM, LABEL_WEIGHT, LINES, MARKER};
use super::reader::Table;
use super::validate::{LayerIds, Validator};
use super::Filter;
use crate::color::Paint;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Layer {
    pub id: String,
    pub source: PathBuf,
    /// The collection of `source` to draw when the file holds several (a TopoJSON object,
    /// a GeoPackage table): `object = "counties"` (or `layer = "..."`).
    pub object: Option<String>,
    /// How to read `source` where the file cannot say: its CRS, a table's point columns.
    pub read: ReadOptions,
    /// The table joined to the features before `where` picks them.
    pub join: Option<super::Join>,
    pub filter: Filter,
    /// Which of the filtered features a facet panel draws (see [`super::Facet`]): applied
    /// after the layer's scales are fitted to everything `filter` keeps, so every panel
    /// shares them. Empty outside facets.
    pub panel_filter: Filter,
    pub fill: Option<Paint>,
    /// Diagonal lines of this colour over the fill (`hatch = "#999999"`).
    pub hatch: Option<Paint>,
    pub stroke: Option<Paint>,
    pub stroke_width: Option<f64>,
    pub dash: Vec<f64>,
    pub opacity: f64,
    /// `fill`, `stroke` and `opacity` mapped from the data (a table instead of a constant).
    pub fill_by: Option<Encoding>,
    pub stroke_by: Option<Encoding>,
    pub opacity_by: Option<Encoding>,
    /// Proportional symbols: `size = { by, max }`.
    pub size: Option<SizeEncoding>,
    pub label: Option<String>,
    pub label_size: f64,
    pub label_color: Paint,
    pub label_bold: bool,
    pub label_priority: f64,
    pub label_required: bool,
    pub label_upper: bool,
    pub label_leader: bool,
    pub marker: Marker,
    pub marker_size: f64,
    /// The legend's row text (a constant layer) or title (a layer's scales).
    pub legend: Option<String>,
    /// How the legend of the layer's scales is written and where it goes.
    pub legend_style: super::LegendStyle,
    pub arrow: bool,
    pub curve: bool,
    pub description: Option<String>,
    pub geometry: LayerGeometry,
}

impl Layer {
    /// Every feature of `source`, drawn with the defaults: fill, stroke and stroke width
    /// chosen by layout from the geometry, fully opaque, 11 px dark-grey labels (when a
    /// label is given) with leader lines, 3.5 px circle markers, no legend entry.
    pub fn new(id: impl Into<String>, source: PathBuf) -> Layer {
        Layer {
            id: id.into(),
            source,
            object: None,
            read: ReadOptions::default(),
            join: None,
            filter: Filter::default(),
            panel_filter: Filter::default(),
            fill: None,
            hatch: None,
            stroke: None,
            stroke_width: None,
            dash: Vec::new(),
            opacity: 1.0,
            fill_by: None,
            stroke_by: None,
            opacity_by: None,
            size: None,
            label: None,
            label_size: 11.0,
            label_color: Paint::rgb(0x33, 0x33, 0x33),
            label_bold: false,
            label_priority: 0.0,
            label_required: false,
            label_upper: false,
            label_leader: true,
            marker: Marker::Circle,
            marker_size: 3.5,
            legend: None,
            legend_style: super::LegendStyle::default(),
            arrow: false,
            curve: false,
            description: None,
            geometry: LayerGeometry::Features,
        }
    }
}

/// How a data file is read where its content cannot say: part of the key a file is cached
/// under, since the same file read with other options is other data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ReadOptions {
    /// The CRS of the coordinates when the file declares none, or to override what it
    /// declares: `"EPSG:5070"`, a PROJ string or WKT.
    pub crs: Option<String>,
    /// A table's longitude (or easting) column, when it is not detected by name.
    pub x: Option<String>,
    /// A table's latitude (or northing) column, when it is not detected by name.
    pub y: Option<String>,
}

/// What a layer draws of its features.
#[derive(Debug, Clone, PartialEq)]
pub enum LayerGeometry {
    /// The features themselves.
    Features,
    /// Borders shared by two of its polygon features, each once.
    InnerLines,
    /// The outline of all its polygon features together.
    OuterLines,
    /// The border between its features and those of another file.
    BorderWith { source: PathBuf, filter: Filter },
}

impl Validator<'_> {
    /// One `[[layer]]`, each key read over the defaults of [`Layer::new`]; `ids` collects
    /// the ids seen so far (a hash set: 100,000 layers check in linear time).
    pub(super) fn layer(&mut self, mut l: Table, ids: &mut LayerIds) -> Option<Layer> {
        let id = self.layer_id(&mut l, ids);
        let source = self.source(&mut l, true);
        let complete = id.is_some() && source.is_some();
        let mut layer = Layer::new(id.unwrap_or_default(), source.unwrap_or_default());
        layer.filter = self.filter(&mut l);
        layer.join = self.join(&mut l);
        layer.object = self.object(&mut l);
        let p = &mut self.problems;
        layer.read = ReadOptions {
            crs: l.string("crs", p).map(|v| v.value),
            x: l.string("x", p).map(|v| v.value),
            y: l.string("y", p).map(|v| v.value),
        };
        let c = self.encodings(&mut l);
        (layer.fill, layer.stroke) = (c.fill.or(layer.fill), c.stroke.or(layer.stroke));
        layer.opacity = c.opacity.unwrap_or(layer.opacity);
        (layer.fill_by, layer.stroke_by, layer.opacity_by) = (c.fill_by, c.stroke_by, c.opacity_by);
        layer.size = c.size;
        layer.hatch = self.opt_paint(&mut l, "hatch").or(layer.hatch);
        layer.stroke_width = match l.number("stroke_width", &mut self.problems) {
            Some(w) if w.value == 0.0 => Some(0.0),
            Some(w) if !(w.value.is_finite() && w.value > 0.0 && w.value <= 100.0) => {
                self.problem(
                    w.span,
                    format!(
                        "stroke_width must be a number from 0 to 100, got {}",
                        w.value
                    ),
                );
                layer.stroke_width
            }
            Some(w) => Some(w.value),
            None => layer.stroke_width,
        };
        if let Some(d) = l.numbers("dash", None, "a list of numbers", &mut self.problems) {
            if d.value
                .iter()
                .any(|v| !(v.is_finite() && *v >= 0.0 && *v <= 1000.0))
                || d.value.iter().all(|v| *v == 0.0)
            {
                self.problem(d.span, "dash must be a list of lengths in pixels from 0 to 1000, not all zero, e.g. [4, 2]");
            } else {
                layer.dash = d.value;
            }
        }
        layer.label = self.opt_template(&mut l, "label").or(layer.label);
        if let Some(size) = self.positive(&mut l, "label_size", 200.0) {
            layer.label_size = size;
        }
        if let Some(color) = self.opt_paint(&mut l, "label_color") {
            layer.label_color = color;
        }
        layer.label_bold = self.keyword_or(&mut l, &LABEL_WEIGHT, layer.label_bold);
        if let Some(v) = l.number("label_priority", &mut self.problems) {
            if v.value.is_finite() {
                layer.label_priority = v.value;
            } else {
                self.problem(v.span, "label_priority must be a finite number");
            }
        }
        if let Some(required) = l.boolean("label_required", &mut self.problems) {
            layer.label_required = required;
        }
        layer.label_upper = self.keyword_or(&mut l, &LABEL_TRANSFORM, layer.label_upper);
        if let Some(leader) = l.boolean("label_leader", &mut self.problems) {
            layer.label_leader = leader;
        }
        layer.marker = self.keyword_or(&mut l, &MARKER, layer.marker);
        if let Some(size) = self.positive(&mut l, "marker_size", 100.0) {
            layer.marker_size = size;
        }
        (layer.legend, layer.legend_style) = self.legend(&mut l);
        let p = &mut self.problems;
        layer.arrow = l.boolean("arrow", p).unwrap_or(layer.arrow);
        layer.curve = l.boolean("curve", p).unwrap_or(layer.curve);
        layer.description = l
            .string("description", p)
            .map(|v| v.value)
            .or(layer.description);
        if let Some(geometry) = self.layer_geometry(&mut l) {
            layer.geometry = geometry;
        }
        self.check_size_draws_features(&l, &layer);
        l.finish(&mut self.problems);
        complete.then_some(layer)
    }

    /// A layer's `id`: letters, digits, '-' and '_', unique in the spec.
    fn layer_id(&mut self, l: &mut Table, ids: &mut LayerIds) -> Option<String> {
        let Some(id) = l.string("id", &mut self.problems) else {
            if l.key_span("id").is_none() {
                self.problem(l.span.clone(), "[[layer]] needs an `id = \"name\"`");
            }
            return None;
        };
        let s = &id.value;
        if s.is_empty()
            || !s
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            self.problem(id.span.clone(), format!("layer id must be letters, digits, '-' or '_' (it becomes an SVG id), got {s:?}"));
        }
        if !ids.insert(s.clone()) {
            self.problem(id.span.clone(), format!("layer id {s:?} is used twice"));
        }
        Some(id.value)
    }

    /// The layer's `object` (or its synonym `layer`, GeoPackage's word): one, not both.
    fn object(&mut self, l: &mut Table) -> Option<String> {
        let object = l.string("object", &mut self.problems);
        let layer = l.string("layer", &mut self.problems);
        match (object, layer) {
            (Some(o), Some(l)) => {
                self.problem(
                    l.span,
                    format!(
                        "a layer names its collection with `object` or `layer`, not both (object = {:?})",
                        o.value
                    ),
                );
                Some(o.value)
            }
            (Some(v), None) | (None, Some(v)) if v.value.is_empty() => {
                self.problem(
                    v.span,
                    "`object` must name a collection of the file, got \"\"",
                );
                None
            }
            (Some(v), None) | (None, Some(v)) => Some(v.value),
            (None, None) => None,
        }
    }

    /// What the layer draws when it says (`lines` or `border_with`), else `None`.
    fn layer_geometry(&mut self, l: &mut Table) -> Option<LayerGeometry> {
        let lines = l.string(LINES.key, &mut self.problems);
        let border_with = match l.get("border_with") {
            Some(b) => {
                Table::of("`border_with`", b, "border_with", &mut self.problems).map(|mut b| {
                    let source = self.source(&mut b, true);
                    let filter = self.filter(&mut b);
                    b.finish(&mut self.problems);
                    (source, filter)
                })
            }
            None => None,
        };
        match (lines, border_with) {
            (None, None) => None,
            (Some(v), None) => self.keyword(&v, &LINES).map(|inner| {
                if inner {
                    LayerGeometry::InnerLines
                } else {
                    LayerGeometry::OuterLines
                }
            }),
            (None, Some((source, filter))) => Some(LayerGeometry::BorderWith {
                source: source.unwrap_or_default(),
                filter,
            }),
            (Some(v), Some(_)) => {
                self.problem(v.span, "a layer takes `lines` or `border_with`, not both");
                None
            }
        }
    }
}
