//! Labels on the map panel, before and after placement: a layer's label template filled
//! per feature into a [`Request`] aimed at the feature's point, visible polygon or longest
//! line; and the placed labels (with their leader lines) as scene nodes.

use super::furniture::WHITE;
use super::labels::{self, Placed, Request, Target};
use super::template::{Template, TemplateError};
use crate::color::Paint;
use crate::error::{Error, Result};
use crate::geom::BoxPx;
use crate::geom::{clip_ring, polygon_area, Flat, Pt};
use crate::scene::{
    Group, IdRegistry, Node, PathData, Shape, ShapeGeometry, Style, Text, TextAnchor,
};
use crate::sources::Feature;
use crate::spec::{Layer, Spec};

/// One layer's label template and how many of its features could fill it.
pub struct LayerLabels<'a> {
    layer: &'a Layer,
    template: Option<Template>,
    total: usize,
    missing: usize,
    missing_field: Option<String>,
}

impl<'a> LayerLabels<'a> {
    /// The labels of layer `l`; an error when its template does not parse.
    pub fn new(spec: &Spec, l: &'a Layer) -> Result<Self> {
        let template = l
            .label
            .as_deref()
            .map(|t| {
                Template::parse(t)
                    .map_err(|m| Error::render(&spec.file, format!("layer {:?}: {m}", l.id)))
            })
            .transpose()?;
        Ok(LayerLabels {
            layer: l,
            template,
            total: 0,
            missing: 0,
            missing_field: None,
        })
    }

    /// The label request of feature `f`, aimed at `target()`; `None` when the layer has no
    /// labels, the feature lacks the property (the layer fails in [`Self::check`] when none
    /// has it), the text is blank or nothing of the feature is there to label.
    pub fn request(
        &mut self,
        spec: &Spec,
        f: &Feature,
        target: impl FnOnce() -> Option<Target>,
    ) -> Result<Option<Request>> {
        let l = self.layer;
        let Some(tpl) = &self.template else {
            return Ok(None);
        };
        self.total += 1;
        let text = match tpl.fill(Some(f)) {
            Ok(t) => t,
            Err(TemplateError::Missing(k)) => {
                self.missing += 1;
                self.missing_field = Some(k);
                return Ok(None);
            }
            Err(e) => {
                return Err(Error::render(
                    &spec.file,
                    format!(
                        "layer {:?}, feature {:?}: label {:?}: {}",
                        l.id,
                        f.id,
                        l.label.as_deref().unwrap_or_default(),
                        e.describe()
                    ),
                ))
            }
        };
        let text = if l.label_upper {
            text.to_uppercase()
        } else {
            text
        };
        if text.trim().is_empty() {
            return Ok(None);
        }
        let Some(target) = target() else {
            return Ok(None);
        };
        Ok(Some(Request {
            layer: l.id.clone(),
            feature: f.id.clone(),
            lines: text.split('\n').map(str::to_string).collect(),
            size: l.label_size,
            bold: l.label_bold,
            color: l.label_color,
            required: l.label_required,
            priority: l.label_priority,
            target,
            letter_spacing: if l.label_upper {
                l.label_size * 0.08
            } else {
                0.0
            },
            leader: l.label_leader,
        }))
    }

    /// An error when the layer's template names a property none of its features has.
    pub fn check(&self, spec: &Spec) -> Result<()> {
        if let Some(tpl) = &self.layer.label {
            if self.total > 0 && self.missing == self.total {
                let key = self.missing_field.clone().unwrap_or_else(|| tpl.clone());
                return Err(Error::render(
                    &spec.file,
                    format!("layer {:?}: label template {tpl:?} names property {key:?}, which none of its features has", self.layer.id),
                ));
            }
        }
        Ok(())
    }
}

/// What a feature's label points at: its first point (with the marker's radius), else the
/// visible part of its largest polygon, else its longest line; `None` when none of it is
/// inside `frame`.
pub fn label_target(
    first_point: Option<Pt>,
    marker_radius: f64,
    px: &Flat,
    frame: BoxPx,
) -> Option<Target> {
    if let Some(p) = first_point {
        return Some(Target::Point(p, marker_radius));
    }
    if !px.polygons.is_empty() {
        let largest = px
            .polygons
            .iter()
            .max_by(|a, b| polygon_area(a).total_cmp(&polygon_area(b)))
            .cloned()
            .unwrap_or_default();
        // Label only what is visible: the polygon cut to the frame itself.
        let visible: Vec<_> = largest
            .iter()
            .map(|r| clip_ring(r, [frame.x0, frame.y0, frame.x1, frame.y1]))
            .collect();
        if visible.first().is_none_or(|r| r.len() < 4) {
            return None;
        }
        let whole = visible[0].len() == largest[0].len() && visible[0] == largest[0];
        return Some(Target::Polygon {
            rings: visible.into_iter().filter(|r| r.len() >= 4).collect(),
            whole,
        });
    }
    px.lines
        .iter()
        .max_by_key(|l| l.len())
        .map(|line| Target::Line(line.clone()))
}

/// The `labels` group: the placed labels as text nodes (in the order of `placed`, ids
/// claimed from `ids`); and the `label-leaders` group, under them, of the leader lines of
/// those placed away from their feature, when there are any.
pub fn label_groups(
    placed: &[Placed],
    requests: &[Request],
    ids: &mut IdRegistry,
) -> (Node, Option<Node>) {
    let mut label_nodes = Vec::new();
    let mut leader_nodes = Vec::new();
    for p in placed {
        let r = &requests[p.request];
        let id = ids.claim(&format!("label-{}-{}", r.layer, r.feature));
        // The first baseline's middle, relative to the box centre, turned with the label.
        let dy = -(p.metrics.bottom - p.metrics.top) / 2.0 - p.metrics.top;
        let (sin, cos) = p.rotate.to_radians().sin_cos();
        label_nodes.push(Node::Text(Text {
            id: Some(id),
            class: Some(format!("label label-{}", r.layer)),
            x: p.center[0] - dy * sin,
            y: p.center[1] + dy * cos,
            lines: r.lines.clone(),
            size: p.size,
            bold: r.bold,
            italic: false,
            fill: r.color,
            halo: Some((WHITE, 2.0 * labels::HALO)),
            anchor: TextAnchor::Middle,
            line_height: p.metrics.line_height,
            letter_spacing: r.letter_spacing,
            rotate: p.rotate,
            shaped: p.lines.clone(),
        }));
        if let Some((a, b)) = p.leader {
            let mut d = PathData::new();
            d.polyline(&[a, b], false);
            leader_nodes.push(Node::Shape(Shape::path("leader", d)));
            let dot = ShapeGeometry::Circle {
                cx: a[0],
                cy: a[1],
                r: 1.6,
            };
            leader_nodes.push(Node::Shape(Shape::new("leader-point", dot).with_style(
                Style {
                    fill: Paint::rgb(0x44, 0x44, 0x44),
                    ..Style::default()
                },
            )));
        }
    }
    let labels = Node::Group(Group::named("labels", "labels", label_nodes));
    let leaders = (!leader_nodes.is_empty()).then(|| {
        let style = Style {
            stroke: Paint::rgb(0x55, 0x55, 0x55),
            stroke_width: 0.7,
            ..Style::default()
        };
        Node::Group(Group::named("label-leaders", "leaders", leader_nodes).with_style(style))
    });
    (labels, leaders)
}
