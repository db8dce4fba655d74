//! The map panel's layers: each prepared layer's features turned to pixels, clipped near
//! the frame and drawn as paths and markers in the layer's style, with the label requests,
//! legend blocks, data mask and collision boxes (markers, arrowheads) the rest of the panel
//! is laid out around.

use super::furniture::DataMask;
use super::labels::Request;
use super::map_labels::{label_target, LayerLabels};
use super::occupied::{Occupied, What};
use super::panel::MapPanel;
use super::symbols::Symbols;
use crate::color::Paint;
use crate::error::{Error, Result};
use crate::geom::BoxPx;
use crate::geom::{Bounds, Flat, Pt, Ring};
use crate::prepare::extent::fits_extent;
use crate::prepare::project::PreparedLayer;
use crate::projection::Projection;
use crate::scene::{Group, IdRegistry, Node, PathData, Shape, ShapeGeometry, Style};
use crate::sources::Feature;
use crate::spec::{Extent, LayerGeometry, Spec};
use crate::symbology::rules::LayerSymbology;
use crate::symbology::size::SizeSymbols;
use geo::BoundingRect;
use rayon::prelude::*;

/// The drawn layers and what the rest of the map panel is laid out around.
pub struct DrawnLayers {
    /// The `map` group, a group per layer.
    pub node: Node,
    /// Markers and arrowheads, which labels must not cover.
    pub occupied: Occupied,
    pub requests: Vec<Request>,
    /// The data furniture should cover as little of as it can.
    pub mask: DataMask,
    /// Features with anything inside the frame, over all layers.
    pub drawn: usize,
}

/// What the per-feature drawing adds to, over all layers.
#[derive(Default)]
struct Collected {
    occupied: Occupied,
    requests: Vec<Request>,
    mask_polygons: Vec<Vec<Ring>>,
    mask_lines: Vec<Ring>,
    drawn: usize,
}

/// Draws every layer into the panel's frame, in `symbology`'s styles (one per layer),
/// claiming feature ids from `ids`. Frees the projected geometry nothing later reads.
pub(super) fn draw_layers(
    panel: &MapPanel,
    layers: &mut [PreparedLayer],
    symbology: &[LayerSymbology],
    ids: &mut IdRegistry,
) -> Result<DrawnLayers> {
    let spec = panel.spec;
    let f = &spec.furniture;
    let in_legend = |l: &crate::spec::Layer, sym: &LayerSymbology| {
        l.legend.is_some() || !sym.legend_blocks.is_empty()
    };
    let wants_mask = (f.legend
        && layers
            .iter()
            .zip(symbology)
            .any(|(ld, s)| in_legend(ld.spec, s)))
        || f.scale_bar
        || f.north_arrow
        || f.locator_inset;
    let mut collected = Collected::default();
    let mut layer_nodes = Vec::new();
    for (ld, sym) in layers.iter_mut().zip(symbology) {
        // Furniture avoids the data the map is about: the fitted layers and those in the
        // legend.
        let masked = wants_mask && (fits_extent(&spec.extent, ld.spec) || in_legend(ld.spec, sym));
        layer_nodes.push(draw_layer(panel, ld, sym, masked, ids, &mut collected)?);
    }
    let Collected {
        mut occupied,
        requests,
        mask_polygons,
        mask_lines,
        drawn,
    } = collected;
    occupied.index_markers();
    Ok(DrawnLayers {
        node: Node::Group(Group::named("map", "map", layer_nodes)),
        occupied,
        requests,
        mask: DataMask::new(mask_polygons, &mask_lines),
        drawn,
    })
}

/// One layer's group: its features in pixels, their label requests collected; `masked`
/// when furniture should avoid covering its data.
fn draw_layer(
    panel: &MapPanel,
    ld: &mut PreparedLayer,
    sym: &LayerSymbology,
    masked: bool,
    ids: &mut IdRegistry,
    collected: &mut Collected,
) -> Result<Node> {
    let (spec, fit, frame) = (panel.spec, panel.fit, panel.frame_box());
    let l = ld.spec;
    let mut labels = LayerLabels::new(spec, l)?;
    let clip = [
        frame.x0 - 12.0,
        frame.y0 - 12.0,
        frame.x1 + 12.0,
        frame.y1 + 12.0,
    ];
    // The heavy part, per feature and in parallel: pixels, clipping, polygon path data.
    // Pixel polygons are kept only where labels or furniture placement need them.
    let keep_polygons = l.label.is_some() || masked || sym.size.is_some();
    let pixels: Vec<(Flat, PathData)> = ld
        .features
        .par_iter()
        .map(|(_, flat)| {
            let mut px = crate::projection::to_pixels(flat, fit, clip);
            // About 16 bytes a vertex ("L1234.56,789.01"): sized once, not by doubling.
            let vertices: usize = px.polygons.iter().flatten().map(Vec::len).sum();
            let mut d = PathData::with_capacity(vertices);
            for poly in &px.polygons {
                for ring in poly {
                    d.polyline(&ring[..ring.len() - 1], true);
                }
            }
            if !keep_polygons {
                px.polygons = Vec::new();
            }
            (px, d)
        })
        .collect();
    if !spec.furniture.locator_inset {
        // Nothing after this point reads the projected geometry; free it now.
        for (_, flat) in ld.features.iter_mut() {
            if !flat.polygons.is_empty() {
                flat.polygons = Vec::new();
            }
        }
    }
    let ld = &*ld;
    let per_feature_style = sym.shared_style().is_none();
    let mut children = Vec::new();
    let mut symbols = Symbols::default();
    for (order, ((fi, _), (mut px, d))) in ld.features.iter().zip(pixels).enumerate() {
        let f = ld.feature(*fi);
        if px.is_empty() && d.is_empty() {
            continue;
        }
        if masked {
            collected.mask_polygons.extend(px.polygons.iter().cloned());
            collected.mask_lines.extend(px.lines.iter().cloned());
        }
        let drawing = FeatureDrawing {
            ld,
            sym,
            f,
            per_feature_style,
        };
        let first_point = match &sym.size {
            Some(size) => drawing.symbol(size, order, &px, ids, collected, &mut symbols),
            None => drawing.draw(&mut px, d, ids, collected, &mut children),
        };
        if let Some(f) = f {
            let target = || label_target(first_point, sym.marker_radius(Some(f)), &px, frame);
            if let Some(r) = labels.request(spec, f, target)? {
                collected.requests.push(r);
            }
        }
    }
    labels.check(spec)?;
    children.extend(symbols.into_nodes(&mut collected.occupied));
    let label = l
        .description
        .clone()
        .or_else(|| l.legend.clone())
        .unwrap_or_else(|| l.id.clone());
    let group = Group::named(
        &format!("layer-{}", l.id),
        &format!("layer layer-{}", l.id),
        children,
    )
    .with_label(label)
    .clipped_to("map-frame");
    Ok(Node::Group(match sym.shared_style() {
        Some(style) => group.with_style(style),
        None => group,
    }))
}

/// One feature of a layer, about to be drawn.
struct FeatureDrawing<'a> {
    ld: &'a PreparedLayer<'a>,
    sym: &'a LayerSymbology,
    /// The source feature; `None` for lines made from shared borders.
    f: Option<&'a Feature>,
    per_feature_style: bool,
}

impl FeatureDrawing<'_> {
    /// Draws the feature (`px` in pixels, `d` its polygons' path data) into `children`: its
    /// path (lines smoothed or ended with an arrowhead as the layer asks), then its
    /// markers. Returns the first point, where a point label goes (the markers may take
    /// the points from `px`).
    fn draw(
        &self,
        px: &mut Flat,
        mut d: PathData,
        ids: &mut IdRegistry,
        collected: &mut Collected,
        children: &mut Vec<Node>,
    ) -> Option<Pt> {
        let (l, f) = (self.ld.spec, self.f);
        let feature_id = match (f, &l.geometry) {
            (Some(f), _) => f.id.clone(),
            (None, LayerGeometry::InnerLines) => "inner".into(),
            (None, LayerGeometry::OuterLines) => "outer".into(),
            (None, _) => "border".into(),
        };
        let id = ids.claim(&format!("{}-{feature_id}", l.id));
        let name = match f {
            Some(f) => f.property_text("name"),
            None => l.description.clone().or_else(|| l.legend.clone()),
        };
        let arrow_style = l.arrow.then(|| self.sym.resolve(f));
        let mut arrow = None;
        for line in &px.lines {
            let (line, head) = match &arrow_style {
                Some(style) => shorten_for_arrow(line, style.stroke_width),
                None => (line.clone(), None),
            };
            if l.curve && line.len() > 2 {
                smooth(&mut d, &line);
            } else {
                d.polyline(&line, false);
            }
            if head.is_some() {
                arrow = head;
            }
        }
        let has_path = !d.is_empty();
        if has_path || !px.points.is_empty() {
            collected.drawn += 1;
        }
        if has_path {
            let shape = Shape::path("feature", d).with_id(id.clone());
            children.push(Node::Shape(self.styled(shape.with_label(name.clone()))));
        }
        if let (Some(tri), Some(style)) = (arrow, &arrow_style) {
            let mut head = PathData::new();
            head.polyline(&tri, true);
            let mut b = Bounds::default();
            b.add_all(&tri);
            if let Some([x0, y0, x1, y1]) = b.get() {
                collected
                    .occupied
                    .add_as(BoxPx::new(x0, y0, x1, y1), What::Arrowhead);
            }
            children.push(Node::Shape(Shape::path("arrowhead", head).with_style(
                Style {
                    fill: style.stroke,
                    stroke: Paint::None,
                    ..Style::default()
                },
            )));
        }
        let first_point = px.points.first().copied();
        if let Some(kind) = self.sym.marker {
            let r = self.sym.marker_size.resolve(f);
            // Labels must not cover a marker: each one joins the collision index.
            collected.occupied.add_markers(&px.points, 2.0 * r + 2.0);
            let geometry = match px.points.as_slice() {
                [] => None,
                [p] => Some(ShapeGeometry::marker(kind, r, *p)),
                // Several positions (a MultiPoint): one shape holding them all, so a
                // position costs its 16 bytes, not a node, an id and a label each.
                // The points are not read again (the label target is taken above).
                _ => Some(ShapeGeometry::Markers {
                    kind,
                    r,
                    centers: std::mem::take(&mut px.points),
                }),
            };
            if let Some(geometry) = geometry {
                let marker_id = if has_path {
                    ids.claim(&format!("{id}-0"))
                } else {
                    id
                };
                let shape = Shape::new("feature marker", geometry).with_id(marker_id);
                children.push(Node::Shape(self.styled(shape.with_label(name))));
            }
        }
        first_point
    }

    /// The feature's proportional symbol, into `symbols` (drawn once the layer's are all
    /// known, largest first); returns its centre, where its label goes. A feature without a
    /// positive value (or a shared border) gets none.
    fn symbol(
        &self,
        size: &SizeSymbols,
        order: usize,
        px: &Flat,
        ids: &mut IdRegistry,
        collected: &mut Collected,
        symbols: &mut Symbols,
    ) -> Option<Pt> {
        let f = self.f?;
        // Inside the frame, with or without a symbol: a layer whose values are all missing
        // is reported by its warning, not as data outside the map.
        collected.drawn += 1;
        let (c, r) = Symbols::place(px, size.radius(f)?)?;
        let id = ids.claim(&format!("{}-{}", self.ld.spec.id, f.id));
        let circle = ShapeGeometry::Circle {
            cx: c[0],
            cy: c[1],
            r,
        };
        let shape = Shape::new("feature symbol", circle)
            .with_id(id)
            .with_label(f.property_text("name"));
        symbols.add(r, order, self.styled(shape));
        Some(c)
    }

    /// `shape` with the feature's own style when the layer's group does not carry it.
    fn styled(&self, shape: Shape) -> Shape {
        if self.per_feature_style {
            shape.with_style(self.sym.resolve(self.f))
        } else {
            shape
        }
    }
}

/// Shortens a line so its stroke ends under an arrowhead, and returns the head's triangle.
fn shorten_for_arrow(line: &[Pt], width: f64) -> (Vec<Pt>, Option<Vec<Pt>>) {
    let n = line.len();
    if n < 2 {
        return (line.to_vec(), None);
    }
    let tip = line[n - 1];
    let len = 5.0 * width + 6.0;
    // Direction from a point about one head-length back along the line.
    let mut back = line[n - 2];
    let mut travelled = 0.0;
    for w in line.windows(2).rev() {
        let d = crate::geom::distance(w[0], w[1]);
        back = w[0];
        travelled += d;
        if travelled >= len {
            break;
        }
    }
    let (dx, dy) = (tip[0] - back[0], tip[1] - back[1]);
    let dl = crate::geom::distance(back, tip);
    if dl == 0.0 {
        return (line.to_vec(), None);
    }
    let (ux, uy) = (dx / dl, dy / dl);
    let base = [tip[0] - ux * len, tip[1] - uy * len];
    let half = len * 0.45;
    let tri = vec![
        tip,
        [base[0] - uy * half, base[1] + ux * half],
        [base[0] + uy * half, base[1] - ux * half],
        tip,
    ];
    let mut shortened = line.to_vec();
    let end = [tip[0] - ux * len * 0.7, tip[1] - uy * len * 0.7];
    // Drop vertices that lie under the head, then end at the head's base.
    while shortened.len() > 1 {
        let p = shortened[shortened.len() - 1];
        if ((p[0] - tip[0]) * ux + (p[1] - tip[1]) * uy) > -len * 0.7 {
            shortened.pop();
        } else {
            break;
        }
    }
    shortened.push(end);
    (shortened, Some(tri))
}

/// A Catmull–Rom spline through the points, as cubic Béziers.
fn smooth(d: &mut PathData, pts: &[Pt]) {
    d.move_to(pts[0]);
    let n = pts.len();
    for i in 0..n - 1 {
        let p0 = pts[i.saturating_sub(1)];
        let p1 = pts[i];
        let p2 = pts[i + 1];
        let p3 = pts[(i + 2).min(n - 1)];
        let c1 = [p1[0] + (p2[0] - p0[0]) / 6.0, p1[1] + (p2[1] - p0[1]) / 6.0];
        let c2 = [p2[0] - (p3[0] - p1[0]) / 6.0, p2[1] - (p3[1] - p1[1]) / 6.0];
        d.cubic_to(c1, c2, p2);
    }
}

/// The error for a map none of whose features falls inside its frame: an empty map is
/// never what the spec meant. It names the layers, where their data lies, and the extent,
/// which is what must change (a spec error, exit 2).
pub fn nothing_inside(spec: &Spec, layers: &[PreparedLayer], projection: &Projection) -> Error {
    let described: Vec<String> = layers
        .iter()
        .map(|ld| {
            let mut b = Bounds::default();
            for (i, _) in &ld.features {
                let r = ld
                    .feature(*i)
                    .and_then(|f| f.geometry.as_ref())
                    .and_then(|g| g.bounding_rect());
                if let Some(r) = r {
                    b.merge([r.min().x, r.min().y, r.max().x, r.max().y]);
                }
            }
            match b.get() {
                Some([w, s, e, n]) => format!(
                    "{:?} ({}, data within [{w:.4}, {s:.4}, {e:.4}, {n:.4}])",
                    ld.spec.id,
                    ld.spec.source.display()
                ),
                None => format!("{:?} ({})", ld.spec.id, ld.spec.source.display()),
            }
        })
        .collect();
    let (what, key) = match &spec.extent {
        Extent::BBox([w, s, e, n]) => (format!("its extent bbox [{w}, {s}, {e}, {n}]"), "extent"),
        Extent::Fit { layers: fitted, .. } if !fitted.is_empty() => (
            format!("its extent (fitted to {})", fitted.join(", ")),
            "extent",
        ),
        Extent::Fit { .. } => ("the map frame".to_string(), "extent"),
    };
    let message = format!(
        "no feature of any layer falls inside {what} in projection {}: layers {} are all outside it; widen `extent` or fit the map to the data with `extent = {{ fit = \"{}\" }}`",
        projection.definition,
        described.join(", "),
        layers.first().map_or("layer id", |ld| ld.spec.id.as_str())
    );
    let (line, column) = key_place(&spec.file, key);
    Error::Spec {
        file: spec.file.clone(),
        line,
        column,
        message,
    }
}

/// Line and column of the first line of the spec file that sets `key` (1:1 when the file
/// cannot be read again or does not set it): errors found only at layout time still point
/// at the setting to change.
fn key_place(file: &std::path::Path, key: &str) -> (usize, usize) {
    // Specs are small; anything else (draw's data file) is not searched.
    let small = std::fs::metadata(file).is_ok_and(|m| m.is_file() && m.len() <= 1 << 20);
    let Some(text) = small.then(|| std::fs::read_to_string(file).ok()).flatten() else {
        return (1, 1);
    };
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key) {
            if rest.trim_start().starts_with('=') {
                let at = offset + (line.len() - trimmed.len());
                return crate::error::line_column(&text, at);
            }
        }
        offset += line.len();
    }
    (1, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrowhead_sits_at_the_end() {
        let (line, head) = shorten_for_arrow(&[[0.0, 0.0], [100.0, 0.0]], 2.0);
        let head = head.unwrap();
        assert_eq!(head[0], [100.0, 0.0]);
        assert!(line.last().unwrap()[0] < 100.0);
    }
}
