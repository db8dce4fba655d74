//! Layout: from a validated spec and its data to a finished [`Scene`]. Decides where
//! everything goes (frame, layers, labels, callouts, badges, furniture, titles); the
//! emitters then only write it out.

pub mod annotations;
pub mod fit;
pub mod furniture;
pub mod inset;
pub mod labels;
mod marker_index;
pub mod polygon_index;
pub mod template;

use crate::color::Paint;
use crate::error::{Error, Result};
use crate::geom::{self as geometry, Bounds, Flat, Pt};
use crate::prepare::clip::{clip_to_cap, Cap};
use crate::prepare::topology::Topology;
use crate::projection::{Domain, Fit, Projection};
use crate::scene::{
    Group, IdRegistry, MarkerKind, Node, PathData, Scene, Shape, ShapeGeometry, Style, Text,
    TextAnchor,
};
use crate::sources::{DataCache, Dataset, Feature};
use crate::spec::{Anchor, Extent, Filter, Layer, LayerGeometry, Marker, ProjectionChoice, Spec};
use annotations::{badge_node, callout_node, callout_text, place_callout, BadgeContent};
use furniture::{DataMask, LegendEntry, SwatchKind, INK, MUTED, WHITE};
use geo::BoundingRect;
use labels::{BoxPx, Dropped, Occupied, Request, Target, What};
use rayon::prelude::*;
use std::sync::Arc;
use template::{fill, Template, TemplateError};

/// A laid-out map and what layout had to leave out.
#[derive(Debug)]
pub struct Layout {
    pub scene: Scene,
    pub dropped_labels: Vec<Dropped>,
    /// What layout shortened or left out to fit the page (texts cut, furniture or badges
    /// dropped), one sentence each: printed as warnings.
    pub warnings: fit::Warnings,
    pub projection: Projection,
    /// Projected metres → pixels for the map frame.
    pub fit: Fit,
    pub scale_bars: Vec<furniture::ScaleBar>,
    /// Angle of the north arrow, degrees clockwise from up, when drawn.
    pub north_angle: Option<f64>,
    /// Wall time of each stage, in order.
    pub timings: Timings,
}

impl Layout {
    /// Geodesic distance in metres between two pixels of the map frame.
    pub fn ground_distance(&self, a: Pt, b: Pt) -> Option<f64> {
        use geo::{Distance, Geodesic, Point};
        let ma = self.fit.to_projected(a);
        let mb = self.fit.to_projected(b);
        let la = self.projection.inverse(ma[0], ma[1])?;
        let lb = self.projection.inverse(mb[0], mb[1])?;
        Some(Geodesic.distance(Point::new(la[0], la[1]), Point::new(lb[0], lb[1])))
    }
}

/// Space between badges in the side panel.
const BADGE_GAP: f64 = 26.0;

struct LayerData<'a> {
    spec: &'a Layer,
    dataset: Arc<Dataset>,
    /// Indices of the selected features, and their geometry in projected metres.
    features: Vec<(usize, Flat)>,
}

impl LayerData<'_> {
    /// The source feature behind entry `i`; `None` for lines made from the topology.
    fn feature(&self, i: usize) -> Option<&Feature> {
        self.dataset.features.get(i)
    }
}

/// Cuts lon/lat geometry at the projection's antimeridian (so no edge streaks across a world
/// map) when it reaches it; cheap for data that crosses nothing: it comes back as it was.
fn cut_if_needed(flat: Flat, lon_0: f64) -> Flat {
    let spans_far = |pts: &[Pt]| pts.windows(2).any(|w| (w[1][0] - w[0][0]).abs() > 180.0);
    let near_edge = |pts: &[Pt]| pts.iter().any(|p| (p[0] - lon_0).abs() > 179.0 - 1e-9);
    let touches = flat
        .polygons
        .iter()
        .flatten()
        .any(|r| spans_far(r) || near_edge(r))
        || flat.lines.iter().any(|l| spans_far(l) || near_edge(l));
    if touches {
        crate::prepare::antimeridian::cut_at(&flat, lon_0)
    } else {
        flat
    }
}

/// Lon/lat geometry made safe to project: cut at the projection's antimeridian, clipped to
/// its domain (Mercator's latitudes, an azimuthal horizon) and to the map's neighbourhood
/// `near`, so nothing far away reaches the projection (as QGIS clips to the canvas).
fn prepare_lon_lat(flat: Flat, projection: &Projection, domain: Domain, near: Option<Cap>) -> Flat {
    let lon_0 = projection.central_meridian();
    let flat = cut_if_needed(flat, lon_0);
    match domain {
        Domain::World { min_lat, max_lat } => {
            let flat = if min_lat > -90.0 || max_lat < 90.0 {
                crate::prepare::antimeridian::clip_latitude(&flat, min_lat, max_lat)
            } else {
                flat
            };
            match near {
                // The cap may hold a pole or straddle the cut: cut again.
                Some(cap) => cut_if_needed(clip_to_cap(&flat, cap), lon_0),
                None => flat,
            }
        }
        Domain::Cap(horizon) => {
            // The neighbourhood alone when it lies within the horizon, else the horizon.
            let cap = near
                .filter(|n| {
                    crate::prepare::clip::angular_distance(n.centre, horizon.centre) + n.radius
                        <= horizon.radius
                })
                .unwrap_or(horizon);
            clip_to_cap(&flat, cap)
        }
    }
}

/// The lon/lat cap around the map that holds everything it can show: the frame (as the
/// extent fits it), grown for a fitted extent's padding and off-centre data and for the
/// locator inset (4× the frame). `None` when the frame reaches off the globe or round most
/// of it: then only the projection's domain limits the data.
fn neighbourhood(
    projection: &Projection,
    extent_ll: [f64; 4],
    frame: [f64; 4],
    fit_pad: Option<f64>,
    inset: bool,
) -> Option<Cap> {
    let mut bb = Bounds::default();
    bb.add_all(&projection.forward_lenient(&geometry::densify_bbox_area(extent_ll, 64)));
    let fit = Fit::new(bb.get()?, frame, 0.0);
    let [fx, fy, fw, fh] = frame;
    let lon_lat = |px: Pt| -> Option<Pt> {
        let m = fit.to_projected(px);
        let ll = projection.inverse(m[0], m[1])?;
        // Some inverses answer off the globe; trust only those that come back.
        let back = projection.forward(ll[0], ll[1])?;
        let tolerance = 1e-6 * (fw + fh) / fit.scale;
        ((back[0] - m[0]).abs() <= tolerance && (back[1] - m[1]).abs() <= tolerance).then_some(ll)
    };
    let centre = lon_lat([fx + fw / 2.0, fy + fh / 2.0])?;
    let mut reach: f64 = 0.0;
    for i in 0..=32 {
        let t = f64::from(i) / 32.0;
        for px in [
            [fx + t * fw, fy],
            [fx + t * fw, fy + fh],
            [fx, fy + t * fh],
            [fx + fw, fy + t * fh],
        ] {
            reach = reach.max(crate::prepare::clip::angular_distance(centre, lon_lat(px)?));
        }
    }
    let mut grow = 1.5;
    if let Some(pad) = fit_pad {
        if !(0.0..0.45).contains(&pad) {
            return None;
        }
        grow *= 2.0 / (1.0 - 2.0 * pad);
    }
    if inset {
        grow *= 4.0;
    }
    let radius = reach * grow + 1.0;
    (radius.is_finite() && radius < 150.0).then_some(Cap { centre, radius })
}

/// Simplifies every polygon layer together with one topology, so borders shared between
/// features (and between layers drawing the same borders) stay identical on both sides.
fn simplify_polygons(layers: &mut [LayerData], share: f64) {
    // Each source feature once, however many layers draw it.
    let mut keys: Vec<(*const Dataset, usize)> = Vec::new();
    let mut polygons = Vec::new();
    let mut uses: Vec<(usize, usize, usize)> = Vec::new();
    for (li, ld) in layers.iter().enumerate() {
        for (k, (fi, flat)) in ld.features.iter().enumerate() {
            if flat.polygons.is_empty() {
                continue;
            }
            let key = (Arc::as_ptr(&ld.dataset), *fi);
            let slot = match keys.iter().position(|x| *x == key) {
                Some(s) => s,
                None => {
                    keys.push(key);
                    polygons.push(flat.polygons.clone());
                    keys.len() - 1
                }
            };
            uses.push((li, k, slot));
        }
    }
    let mut topo = Topology::build(&polygons);
    topo.simplify(share);
    let simplified = topo.polygons();
    for (li, k, slot) in uses {
        layers[li].features[k].1.polygons = simplified[slot].clone();
    }
}

/// The lines a `lines = …` or `border_with` layer draws, from the shared arcs of its
/// polygons (projected).
fn layer_lines(
    ld: &LayerData,
    cache: &DataCache,
    projection: &Projection,
    prepare: &dyn Fn(Flat) -> Flat,
) -> Result<Flat> {
    let mut features: Vec<Vec<Vec<geometry::Ring>>> = ld
        .features
        .iter()
        .map(|(_, f)| f.polygons.clone())
        .collect();
    let own = features.len();
    let lines = match &ld.spec.geometry {
        LayerGeometry::Features => return Ok(Flat::default()),
        LayerGeometry::InnerLines => Topology::build(&features).inner_lines(),
        LayerGeometry::OuterLines => Topology::build(&features).outer_lines(),
        LayerGeometry::BorderWith { source, filter } => {
            let other = cache.get(source)?;
            for f in other.select(filter) {
                let mut flat = Flat::default();
                if let Some(g) = &f.geometry {
                    geometry::flatten(g, &mut flat);
                }
                features.push(crate::projection::project_flat(&prepare(flat), projection).polygons);
            }
            let a: Vec<usize> = (0..own).collect();
            let b: Vec<usize> = (own..features.len()).collect();
            Topology::build(&features).shared_border(&a, &b)
        }
    };
    if lines.is_empty() {
        return Err(no_lines(ld, own, features.len() - own));
    }
    Ok(Flat {
        lines,
        ..Flat::default()
    })
}

/// Why a `lines` or `border_with` layer has nothing to draw: its data, not the projection
/// (an empty layer used to surface as "cannot represent the map's extent").
fn no_lines(ld: &LayerData, own: usize, others: usize) -> Error {
    let id = &ld.spec.id;
    let polygons = ld
        .features
        .iter()
        .filter(|(_, f)| !f.polygons.is_empty())
        .count();
    let message = match &ld.spec.geometry {
        LayerGeometry::InnerLines => format!(
            "layer {id:?} draws `lines = \"inner\"`, but no two of its {polygons} polygon features (of {own} selected) share a border: inner lines come from borders neighbouring polygons share exactly; draw the features themselves (remove `lines`) or use `lines = \"outer\"`"
        ),
        LayerGeometry::OuterLines => format!(
            "layer {id:?} draws `lines = \"outer\"`, but none of its {own} selected features is a polygon: outlines need polygons; remove `lines` to draw the features"
        ),
        LayerGeometry::BorderWith { source, .. } => format!(
            "layer {id:?} draws `border_with`, but none of its {polygons} polygon features shares a border with the {others} features selected from {}: check both `where` filters and that the two files use the same boundaries",
            source.display()
        ),
        LayerGeometry::Features => format!("layer {id:?} has nothing to draw"),
    };
    Error::data(&ld.spec.source, "", message)
}

/// Lays out `spec`, loading its data through `cache`.
pub fn build(spec: &Spec, cache: &DataCache) -> Result<Layout> {
    let mut timings = Timings::default();
    // 1. Data, filtered, in lon/lat.
    let mut layers_ll = Vec::new();
    for l in &spec.layers {
        let dataset = cache.get(&l.source)?;
        let mut features = Vec::new();
        let mut matched = 0usize;
        // Indices only for now: geometry is flattened and projected feature by feature
        // below, so no second full copy of the data is ever held. Features without
        // geometry draw nothing and take no slot (a file of millions of them).
        for (i, f) in dataset.features.iter().enumerate() {
            if f.matches(&l.filter) {
                matched += 1;
                if f.geometry.is_some() {
                    features.push((i, Flat::default()));
                }
            }
        }
        if dataset.features.is_empty() {
            // Valid GeoJSON, but a map of nothing is a broken export far more often than a wish.
            return Err(Error::data(
                &l.source,
                "",
                format!(
                    "holds no features (an empty FeatureCollection): nothing to draw for layer {:?}",
                    l.id
                ),
            ));
        }
        if matched == 0 {
            return Err(Error::render(
                &spec.file,
                format!(
                    "layer {:?}: {} matches none of the {} features in {}",
                    l.id,
                    describe_filter(&l.filter),
                    dataset.features.len(),
                    l.source.display()
                ),
            ));
        }
        layers_ll.push(LayerData {
            spec: l,
            dataset,
            features,
        });
    }

    timings.lap("load");
    // 2. Projection, chosen from the extent.
    let fit_layers = |ld: &LayerData| match &spec.extent {
        Extent::Fit { layers, .. } => layers.is_empty() || layers.contains(&ld.spec.id),
        Extent::BBox(_) => false,
    };
    let extent_ll = match &spec.extent {
        Extent::BBox(b) => *b,
        Extent::Fit { .. } => {
            let mut b = Bounds::default();
            let mut spans = Vec::new();
            for ld in layers_ll.iter().filter(|ld| fit_layers(ld)) {
                for (i, _) in &ld.features {
                    if let Some(g) = ld.dataset.features[*i].geometry.as_ref() {
                        if let Some(r) = g.bounding_rect() {
                            b.merge([r.min().x, r.min().y, r.max().x, r.max().y]);
                        }
                        part_longitudes(g, &mut spans);
                    }
                }
            }
            // Data on both sides of ±180 (Fiji, Chukotka) is centred on the antimeridian.
            let b = b.get().map(
                |[w, s, e, n]| match crate::projection::longitude_arc(spans) {
                    Some([west, east]) if east < west => [west, s, east, n],
                    _ => [w, s, e, n],
                },
            );
            b.ok_or_else(|| {
                let layers: Vec<String> = layers_ll
                    .iter()
                    .filter(|ld| fit_layers(ld))
                    .map(|ld| format!("{:?} ({})", ld.spec.id, ld.spec.source.display()))
                    .collect();
                Error::render(
                    &spec.file,
                    format!(
                        "the layers the map is fitted to have no geometry (every feature's \"geometry\" is null): {}",
                        layers.join(", ")
                    ),
                )
            })?
        }
    };
    // A point (or a box a few metres across) gets a neighbourhood to be seen in.
    let min_box = minimum_box(extent_ll);
    let extent_ll = min_box.unwrap_or(extent_ll);
    let projection = match &spec.projection {
        ProjectionChoice::Auto => {
            Projection::auto(extent_ll).map_err(|m| Error::render(&spec.file, m))?
        }
        ProjectionChoice::Named(s) => {
            Projection::parse(s).map_err(|m| Error::render(&spec.file, m))?
        }
    };

    // 4. Page: title block, credits, side panel, map frame, fitted to the page size.
    let (w, h) = (spec.width, spec.height);
    let mut nodes = Vec::new();
    if !spec.panel && !spec.badges.is_empty() {
        return Err(Error::render(
            &spec.file,
            "badges need the side panel: remove `panel = \"none\"` or the [[badge]] tables",
        ));
    }
    let panel_w = if spec.panel {
        (w * 0.28).clamp(200.0, 360.0)
    } else {
        0.0
    };
    let badges = spec
        .badges
        .iter()
        .enumerate()
        .map(|(k, b)| resolve_badge(spec, cache, k, b))
        .collect::<Result<Vec<_>>>()?;
    let badge_heights: Vec<[f64; 2]> = badges
        .iter()
        .map(|b| {
            let without_note = BadgeContent {
                note: None,
                ..b.clone()
            };
            let mut ignored = Vec::new();
            let with = badge_node(String::new(), b, 0.0, 0.0, panel_w, &mut ignored).1;
            let without = badge_node(
                String::new(),
                &without_note,
                0.0,
                0.0,
                panel_w,
                &mut ignored,
            )
            .1;
            [with, without]
        })
        .collect();
    let badges_height = |count: usize, notes: bool| {
        let sum: f64 = badge_heights
            .iter()
            .take(count)
            .map(|[with, without]| if notes { *with } else { *without })
            .sum();
        4.0 + sum + BADGE_GAP * (count.saturating_sub(1)) as f64
    };
    let page = fit::PageTexts {
        width: w,
        height: h,
        title: spec.title.as_deref(),
        subtitle: spec.subtitle.as_deref(),
        credit: spec.credit.as_deref(),
        panel_width: if spec.panel { w - panel_w - 18.0 } else { w },
        badge_count: badges.len(),
    };
    let plan = fit::plan_page(&page, &badges_height).ok_or_else(|| {
        Error::render(
            &spec.file,
            format!(
                "a {w}×{h} px page has no room for a map frame of {} px a side; enlarge `size`",
                fit::MIN_FRAME
            ),
        )
    })?;
    let mut warnings = plan.warnings.clone();
    let ty = plan.ty;
    let margin = ty.margin;
    let mut top = margin;
    let mut head = Vec::new();
    if let Some(t) = &plan.title {
        let (size, line_height) = ty.title;
        head.push(Node::Text(Text {
            id: Some("title".into()),
            class: Some("title".into()),
            bold: true,
            lines: t.lines.clone(),
            line_height,
            ..furniture::label_text("", margin, top + size * 0.9, size, TextAnchor::Start, INK)
        }));
        top += t.lines.len() as f64 * line_height + ty.title_gap;
    }
    if let Some(s) = &plan.subtitle {
        let (size, line_height) = ty.subtitle;
        head.push(Node::Text(Text {
            id: Some("subtitle".into()),
            class: Some("subtitle".into()),
            lines: s.lines.clone(),
            line_height,
            ..furniture::label_text(
                "",
                margin,
                top + size * 0.95,
                size,
                TextAnchor::Start,
                MUTED,
            )
        }));
        top += s.lines.len() as f64 * line_height;
    }
    if !head.is_empty() {
        top += ty.gap;
        nodes.push(Node::Group(Group {
            id: Some("title-block".into()),
            class: Some("title-block".into()),
            children: head,
            ..Group::default()
        }));
    }
    let credit_node = plan.credit.as_ref().map(|c| {
        let (size, line_height) = ty.credit;
        Node::Text(Text {
            id: Some("credit".into()),
            class: Some("credit".into()),
            lines: c.lines.clone(),
            line_height,
            ..furniture::label_text(
                "",
                margin,
                fit::credit_baseline(h, &ty, c.lines.len()),
                size,
                TextAnchor::Start,
                MUTED,
            )
        })
    });
    let bottom = plan.bottom;
    let frame_right = if spec.panel {
        w - margin - panel_w - 18.0
    } else {
        w - margin
    };
    let frame = [margin, top, frame_right - margin, bottom - top];
    if frame[2] < fit::MIN_FRAME || frame[3] < fit::MIN_FRAME {
        return Err(Error::render(
            &spec.file,
            format!("the map frame is only {:.0}×{:.0} px after titles, credits and panel; enlarge `size` or shorten the texts", frame[2].max(0.0), frame[3].max(0.0)),
        ));
    }
    let frame_box = BoxPx::new(frame[0], frame[1], frame[0] + frame[2], frame[1] + frame[3]);
    // 3. Clip to what the projection can draw and to the map's neighbourhood, then project
    // once.
    let domain = projection.domain();
    let near = neighbourhood(
        &projection,
        extent_ll,
        frame,
        match &spec.extent {
            Extent::BBox(_) => None,
            Extent::Fit { pad, .. } => Some(*pad),
        },
        spec.furniture.locator_inset,
    );
    let layers: Vec<LayerData> = layers_ll
        .into_iter()
        .map(|ld| LayerData {
            features: ld
                .features
                .par_iter()
                .map(|(i, _)| {
                    let mut flat = Flat::default();
                    if let Some(g) = &ld.dataset.features[*i].geometry {
                        geometry::flatten(g, &mut flat);
                    }
                    (
                        *i,
                        crate::projection::project_flat(
                            &prepare_lon_lat(flat, &projection, domain, near),
                            &projection,
                        ),
                    )
                })
                .collect(),
            ..ld
        })
        .collect();
    let mut layers = layers;
    if let Some(share) = spec.simplify {
        simplify_polygons(&mut layers, share);
    }
    for ld in layers.iter_mut() {
        if ld.spec.geometry != LayerGeometry::Features {
            let lines = layer_lines(ld, cache, &projection, &|f| {
                prepare_lon_lat(f, &projection, domain, near)
            })?;
            ld.features = vec![(usize::MAX, lines)];
        }
    }
    if cache.one_shot {
        // The lon/lat geometry is projected; free it (ids and properties stay).
        for ld in layers.iter_mut() {
            cache.forget(&ld.spec.source);
            if let Some(ds) = Arc::get_mut(&mut ld.dataset) {
                for f in &mut ds.features {
                    f.geometry = None;
                }
            }
        }
    }
    timings.lap("project");
    let (projected_bounds, pad) = match &spec.extent {
        Extent::BBox(b) => {
            let mut bb = Bounds::default();
            bb.add_all(&projection.forward_lenient(&geometry::densify_bbox_area(*b, 64)));
            (bb.get(), 0.0)
        }
        Extent::Fit { pad, .. } => {
            let mut bb = Bounds::default();
            for ld in layers.iter().filter(|ld| fit_layers(ld)) {
                for (_, f) in &ld.features {
                    if let Some(fb) = f.bounds() {
                        bb.merge(fb);
                    }
                }
            }
            (bb.get(), *pad)
        }
    };
    let projected_bounds = match (projected_bounds, min_box) {
        (Some(b), Some(nb)) => {
            let mut bb = Bounds::default();
            bb.merge(b);
            bb.add_all(&projection.forward_lenient(&geometry::densify_bbox(nb, 16)));
            bb.get()
        }
        (b, _) => b,
    };
    let projected_bounds = projected_bounds.ok_or_else(|| {
        Error::render(
            &spec.file,
            format!(
                "projection {} cannot represent the map's extent",
                projection.definition
            ),
        )
    })?;

    let fit = Fit::new(projected_bounds, frame, pad);
    let clip = [
        frame_box.x0 - 12.0,
        frame_box.y0 - 12.0,
        frame_box.x1 + 12.0,
        frame_box.y1 + 12.0,
    ];

    // 5. Layers in pixels.
    let mut layer_nodes = Vec::new();
    let mut occupied = Occupied::default();
    let mut requests = Vec::new();
    let mut legend_entries = Vec::new();
    let mut mask_polys = Vec::new();
    let mut mask_lines = Vec::new();
    let f = &spec.furniture;
    let wants_mask = (f.legend && spec.layers.iter().any(|l| l.legend.is_some()))
        || f.scale_bar
        || f.north_arrow
        || f.locator_inset;
    let keep_projected = spec.furniture.locator_inset;
    let mut ids = own_ids(spec);
    // Features with anything inside the frame, over all layers.
    let mut drawn = 0usize;
    for ld in layers.iter_mut() {
        let l = ld.spec;
        let kind = layer_kind(ld);
        let style = layer_style(l, kind);
        let mut children = Vec::new();
        let mut label_missing = 0usize;
        let mut label_total = 0usize;
        let mut missing_field = None;
        let label_template = l
            .label
            .as_deref()
            .map(|t| {
                Template::parse(t)
                    .map_err(|m| Error::render(&spec.file, format!("layer {:?}: {m}", l.id)))
            })
            .transpose()?;
        // The heavy part, per feature and in parallel: pixels, clipping, polygon path data.
        // Pixel polygons are kept only where labels or furniture placement need them.
        let keep_polygons =
            l.label.is_some() || (wants_mask && (fit_layers(ld) || l.legend.is_some()));
        let pixels: Vec<(Flat, PathData)> = ld
            .features
            .par_iter()
            .map(|(_, flat)| {
                let mut px = crate::projection::to_pixels(flat, &fit, clip);
                // Sized once, not by doubling.
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
        if !keep_projected {
            // Nothing after this point reads the projected geometry; free it now.
            for (_, flat) in ld.features.iter_mut() {
                if !flat.polygons.is_empty() {
                    flat.polygons = Vec::new();
                }
            }
        }
        let ld = &*ld;
        for ((fi, _), (mut px, mut d)) in ld.features.iter().zip(pixels) {
            let f = ld.feature(*fi);
            if px.is_empty() && d.is_empty() {
                continue;
            }
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
            if wants_mask && (fit_layers(ld) || l.legend.is_some()) {
                mask_polys.extend(px.polygons.iter().cloned());
                mask_lines.extend(px.lines.iter().cloned());
            }
            let mut arrow = None;
            for line in &px.lines {
                let (line, head) = if l.arrow {
                    shorten_for_arrow(line, style.stroke_width)
                } else {
                    (line.clone(), None)
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
                drawn += 1;
            }
            if has_path {
                children.push(Node::Shape(Shape {
                    id: Some(id.clone()),
                    class: Some("feature".into()),
                    label: name.clone(),
                    geometry: ShapeGeometry::Path(d.finish()),
                    style: None,
                }));
            }
            if let Some(tri) = arrow {
                let mut d = PathData::new();
                d.polyline(&tri, true);
                let mut b = Bounds::default();
                b.add_all(&tri);
                if let Some([x0, y0, x1, y1]) = b.get() {
                    occupied.add_as(BoxPx::new(x0, y0, x1, y1), What::Arrowhead);
                }
                children.push(Node::Shape(Shape {
                    id: None,
                    class: Some("arrowhead".into()),
                    label: None,
                    geometry: ShapeGeometry::Path(d.finish()),
                    style: Some(Style {
                        fill: style.stroke,
                        stroke: Paint::None,
                        ..Style::default()
                    }),
                }));
            }
            // A point label's anchor (the marker block below may take the points).
            let first_point = px.points.first().copied();
            if let Some(kind) = marker_kind(l.marker) {
                let r = l.marker_size;
                // Labels must not cover a marker: each one joins the collision index.
                occupied.add_markers(&px.points, 2.0 * r + 2.0);
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
                    let pid = if has_path {
                        ids.claim(&format!("{id}-0"))
                    } else {
                        id.clone()
                    };
                    children.push(Node::Shape(Shape {
                        id: Some(pid),
                        class: Some("feature marker".into()),
                        label: name.clone(),
                        geometry,
                        style: None,
                    }));
                }
            }
            if let (Some(tpl), Some(f)) = (&label_template, f) {
                label_total += 1;
                let text = match tpl.fill(Some(f)) {
                    Ok(t) => t,
                    // A feature without the property gets no label (the layer fails below
                    // when none of its features has it).
                    Err(TemplateError::Missing(k)) => {
                        label_missing += 1;
                        missing_field = Some(k);
                        continue;
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
                    continue;
                }
                let target = if let Some(p) = first_point {
                    Target::Point(
                        p,
                        if l.marker == Marker::None {
                            0.0
                        } else {
                            l.marker_size
                        },
                    )
                } else if !px.polygons.is_empty() {
                    let largest = px
                        .polygons
                        .iter()
                        .max_by(|a, b| {
                            geometry::polygon_area(a).total_cmp(&geometry::polygon_area(b))
                        })
                        .cloned()
                        .unwrap_or_default();
                    // Label only what is visible: the polygon cut to the frame itself.
                    let visible: Vec<_> = largest
                        .iter()
                        .map(|r| {
                            geometry::clip_ring(
                                r,
                                [frame_box.x0, frame_box.y0, frame_box.x1, frame_box.y1],
                            )
                        })
                        .collect();
                    if visible.first().is_none_or(|r| r.len() < 4) {
                        continue;
                    }
                    let whole = visible[0].len() == largest[0].len() && visible[0] == largest[0];
                    Target::Polygon {
                        rings: visible.into_iter().filter(|r| r.len() >= 4).collect(),
                        whole,
                    }
                } else if let Some(line) = px.lines.iter().max_by_key(|l| l.len()) {
                    Target::Line(line.clone())
                } else {
                    continue;
                };
                requests.push(Request {
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
                });
            }
        }
        if let Some(tpl) = &l.label {
            if label_total > 0 && label_missing == label_total {
                let key = missing_field.unwrap_or_else(|| tpl.clone());
                return Err(Error::render(
                    &spec.file,
                    format!("layer {:?}: label template {tpl:?} names property {key:?}, which none of its features has", l.id),
                ));
            }
        }
        if let Some(text) = &l.legend {
            legend_entries.push(LegendEntry {
                text: text.clone(),
                kind: match kind {
                    Kind::Area => SwatchKind::Area,
                    Kind::Line => SwatchKind::Line,
                    Kind::Point if l.marker == Marker::Square => SwatchKind::Square,
                    Kind::Point => SwatchKind::Point,
                },
                style: style.clone(),
                marker_radius: l.marker_size,
            });
        }
        layer_nodes.push(Node::Group(Group {
            id: Some(format!("layer-{}", l.id)),
            class: Some(format!("layer layer-{}", l.id)),
            label: Some(
                l.description
                    .clone()
                    .or_else(|| l.legend.clone())
                    .unwrap_or_else(|| l.id.clone()),
            ),
            clip: Some("map-frame".into()),
            style: Some(style),
            children,
        }));
    }
    occupied.index_markers();
    nodes.push(Node::Group(Group {
        id: Some("map".into()),
        class: Some("map".into()),
        children: layer_nodes,
        ..Group::default()
    }));

    if drawn == 0 {
        return Err(nothing_inside(spec, &layers, &projection));
    }

    timings.lap("fit and clip");
    // 6. Furniture in the corners that cover the least data.
    let mask = DataMask::new(mask_polys, &mask_lines);
    let mut taken: Vec<BoxPx> = Vec::new();
    let mut furniture_nodes = Vec::new();
    let no_room = |what: &str| {
        format!(
            "{what} dropped: no room for it in the {:.0}×{:.0} px map frame beside the rest",
            frame[2], frame[3]
        )
    };
    if spec.furniture.legend && !legend_entries.is_empty() {
        let (legend_entries, cut) =
            furniture::fit_legend(&legend_entries, frame_box.width() - 20.0);
        for full in cut {
            warnings.push(format!(
                "legend entry {:?} cut with an ellipsis to fit the {:.0} px wide map frame",
                fit::preview(&full),
                frame[2]
            ));
        }
        let (lw, lh) = furniture::legend_size(&legend_entries);
        match mask.best_corner(frame_box, lw, lh, &taken) {
            Some(b) => {
                furniture_nodes.push(furniture::legend(&legend_entries, b));
                taken.push(b);
            }
            None => warnings.push(no_room("legend")),
        }
    }
    let centre = frame_box.center();
    let mut clips = vec![("map-frame".to_string(), frame)];
    if spec.furniture.locator_inset {
        let extent = inset::inset_extent(&fit, frame_box, 4.0);
        let aspect = (extent[3] - extent[1]) / (extent[2] - extent[0]);
        let mut iw = (frame[2] * 0.24).clamp(120.0, 320.0);
        // On a small frame the inset shrinks to fit (down to a readable minimum).
        if iw > frame[2] - 20.0 || iw * aspect > frame[3] * 0.45 {
            iw = iw.min(frame[2] - 20.0).min(frame[3] * 0.45 / aspect);
        }
        let ih = iw * aspect;
        let placed = if iw.is_finite() && iw >= inset::MIN_WIDTH && ih.is_finite() {
            mask.best_corner(frame_box, iw, ih, &taken)
        } else {
            None
        };
        match placed {
            Some(b) => {
                let inset_layers: Vec<inset::InsetLayer> = layers
                    .iter()
                    .filter(|ld| layer_kind(ld) == Kind::Area)
                    .map(|ld| inset::InsetLayer {
                        features: ld.features.iter().map(|(_, f)| f).collect(),
                        style: layer_style(ld.spec, Kind::Area),
                    })
                    .collect();
                furniture_nodes.push(inset::locator(&inset_layers, extent, &fit, frame_box, b));
                clips.push((
                    "inset-clip".to_string(),
                    [b.x0, b.y0, b.width(), b.height()],
                ));
                taken.push(b);
            }
            None => warnings.push(no_room("locator inset")),
        }
    }
    let mut scale_bars = Vec::new();
    if spec.furniture.scale_bar {
        let units = [
            (spec.furniture.scale_km, furniture::Unit::Km),
            (spec.furniture.scale_miles, furniture::Unit::Mi),
        ];
        let bars: Vec<_> = units
            .iter()
            .filter(|(on, _)| *on)
            .filter_map(|(_, u)| {
                furniture::scale_bar(&projection, &fit, centre, frame[2] * 0.18, *u)
            })
            .collect();
        if !bars.is_empty() {
            let (sw, sh) = furniture::scale_bar_size(&bars);
            match mask.best_corner(frame_box, sw, sh, &taken) {
                Some(b) => {
                    furniture_nodes.push(furniture::scale_bar_node(&bars, b));
                    taken.push(b);
                    scale_bars = bars;
                }
                None => warnings.push(no_room("scale bar")),
            }
        }
    }
    let mut north = None;
    if spec.furniture.north_arrow {
        if let Some(angle) = furniture::north_angle(&projection, &fit, centre) {
            let (nw, nh) = furniture::NORTH_SIZE;
            match mask.best_corner(frame_box, nw, nh, &taken) {
                Some(b) => {
                    furniture_nodes.push(furniture::north_arrow(angle, b));
                    taken.push(b);
                    north = Some(angle);
                }
                None => warnings.push(no_room("north arrow")),
            }
        }
    }
    for b in &taken {
        occupied.add(b.inflate(3.0));
    }
    if let Some(step) = spec.furniture.graticule {
        let prepare = |f: Flat| prepare_lon_lat(f, &projection, domain, near);
        match inset::graticule(&projection, &fit, frame_box, step, &mut occupied, &prepare) {
            // Above the layers, below labels and furniture.
            Ok(Some(g)) => nodes.push(g),
            Ok(None) => {}
            Err(lines) => {
                let (line, column) = spec.furniture.graticule_at;
                return Err(Error::Spec {
                    file: spec.file.clone(),
                    line,
                    column,
                    message: format!(
                        "graticule = {step} would draw {lines} lines over this map, more than the {} allowed; use a coarser step",
                        inset::MAX_GRATICULE_LINES
                    ),
                });
            }
        }
    }

    // 7. Callouts, then labels around them.
    let mut callout_nodes = Vec::new();
    for (k, c) in spec.callouts.iter().enumerate() {
        let (lonlat, feature) = match &c.anchor {
            Anchor::At(p) => (*p, None),
            Anchor::Feature { source, filter } => {
                let ds = cache.get(source)?;
                let f = ds.select(filter).next().cloned().ok_or_else(|| {
                    Error::render(
                        &spec.file,
                        format!(
                            "callout {}: {} matches no feature in {}",
                            k + 1,
                            describe_filter(filter),
                            source.display()
                        ),
                    )
                })?;
                let mut flat = Flat::default();
                if let Some(g) = &f.geometry {
                    geometry::flatten(g, &mut flat);
                }
                let p = flat.points.first().copied().or_else(|| {
                    flat.bounds()
                        .map(|b| [(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0])
                });
                let p = p.ok_or_else(|| {
                    Error::render(
                        &spec.file,
                        format!(
                            "callout {}: the feature {:?} has no geometry to point at",
                            k + 1,
                            f.id
                        ),
                    )
                })?;
                (p, Some(f))
            }
        };
        let what = format!("callout {}", k + 1);
        let text = fill(&c.text, feature.as_ref())
            .map_err(|e| template_error(spec, &what, feature.as_ref(), e))?;
        let title = c
            .title
            .as_ref()
            .map(|t| {
                fill(t, feature.as_ref())
                    .map_err(|e| template_error(spec, &what, feature.as_ref(), e))
            })
            .transpose()?;
        let p = projection
            .forward(lonlat[0], lonlat[1])
            .map(|m| fit.to_pixel(m))
            .ok_or_else(|| {
                Error::render(
                    &spec.file,
                    format!("callout {}: {lonlat:?} cannot be projected", k + 1),
                )
            })?;
        if !(frame_box.x0..=frame_box.x1).contains(&p[0])
            || !(frame_box.y0..=frame_box.y1).contains(&p[1])
        {
            return Err(Error::render(
                &spec.file,
                format!(
                    "callout {} points at {lonlat:?}, which is outside the map frame",
                    k + 1
                ),
            ));
        }
        let first_line = text.lines().next().unwrap_or("").to_string();
        let unplaced = |why: String| {
            Error::render(
                &spec.file,
                format!(
                    "callout {} ({first_line:?}) cannot be placed: {why}; set `offset`, shorten it or move what is in the way",
                    k + 1,
                ),
            )
        };
        let full = callout_text(title.as_deref(), &text);
        let (t, b) = match place_callout(p, &full, c.offset, frame_box, &occupied) {
            Ok(b) => (full, b),
            // Too big for this page, or for the room the data leaves: shrunk and placed
            // automatically, with a warning; left out (with a warning) only when the page
            // and the spec's own furniture and callouts leave no room, never when markers
            // are in the way (the data must not be hidden).
            Err(miss) => {
                let shrunk = annotations::callout_text_within(title.as_deref(), &text, frame_box);
                let placed = shrunk.map(|(t, cut)| {
                    place_callout(p, &t, None, frame_box, &occupied).map(|b| (t, b, cut))
                });
                match placed {
                    Some(Ok((t, b, cut))) => {
                        warnings.push(format!(
                            "callout {} ({:?}) {}to fit the {:.0}×{:.0} px map frame: {}",
                            k + 1,
                            fit::preview(&first_line),
                            if cut {
                                "shrunk and cut with an ellipsis "
                            } else {
                                "shrunk "
                            },
                            frame[2],
                            frame[3],
                            miss.why
                        ));
                        (t, b)
                    }
                    Some(Err(again)) if !again.page => return Err(unplaced(again.why)),
                    _ if !miss.page => return Err(unplaced(miss.why)),
                    _ => {
                        warnings.push(format!(
                            "callout {} ({:?}) dropped: no room for it in the {:.0}×{:.0} px map frame: {}",
                            k + 1,
                            fit::preview(&first_line),
                            frame[2],
                            frame[3],
                            miss.why
                        ));
                        continue;
                    }
                }
            }
        };
        occupied.add_as(b.inflate(2.0), What::Callout);
        occupied.add_as(BoxPx::centered(p, 8.0, 8.0), What::Callout);
        occupied.add_segment(p, b.nearest(p), What::Leader);
        callout_nodes.push(callout_node(
            format!("callout-{}", k + 1),
            p,
            &t,
            b,
            c.color,
        ));
    }
    let (placed, dropped) = labels::place(&requests, frame_box, &mut occupied);
    let mut label_nodes = Vec::new();
    let mut leader_nodes = Vec::new();
    let mut placed = placed;
    placed.sort_by_key(|p| p.request);
    for p in &placed {
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
        }));
        if let Some((a, b)) = p.leader {
            let mut d = PathData::new();
            d.polyline(&[a, b], false);
            leader_nodes.push(Node::Shape(Shape {
                id: None,
                class: Some("leader".into()),
                label: None,
                geometry: ShapeGeometry::Path(d.finish()),
                style: None,
            }));
            leader_nodes.push(Node::Shape(Shape {
                id: None,
                class: Some("leader-point".into()),
                label: None,
                geometry: ShapeGeometry::Circle {
                    cx: a[0],
                    cy: a[1],
                    r: 1.6,
                },
                style: Some(Style {
                    fill: Paint::rgb(0x44, 0x44, 0x44),
                    ..Style::default()
                }),
            }));
        }
    }
    if !leader_nodes.is_empty() {
        nodes.push(Node::Group(Group {
            id: Some("label-leaders".into()),
            class: Some("leaders".into()),
            style: Some(Style {
                stroke: Paint::rgb(0x55, 0x55, 0x55),
                stroke_width: 0.7,
                ..Style::default()
            }),
            children: leader_nodes,
            ..Group::default()
        }));
    }
    nodes.push(Node::Group(Group {
        id: Some("labels".into()),
        class: Some("labels".into()),
        children: label_nodes,
        ..Group::default()
    }));
    if !callout_nodes.is_empty() {
        nodes.push(Node::Group(Group {
            id: Some("callouts".into()),
            class: Some("callouts".into()),
            children: callout_nodes,
            ..Group::default()
        }));
    }
    if !furniture_nodes.is_empty() {
        nodes.push(Node::Group(Group {
            id: Some("furniture".into()),
            class: Some("furniture".into()),
            children: furniture_nodes,
            ..Group::default()
        }));
    }
    if spec.furniture.frame {
        nodes.push(Node::Shape(Shape {
            id: Some("frame".into()),
            class: Some("frame".into()),
            label: None,
            geometry: ShapeGeometry::Rect {
                x: frame[0],
                y: frame[1],
                w: frame[2],
                h: frame[3],
                rx: 0.0,
            },
            style: Some(Style {
                stroke: Paint::rgb(0x99, 0x99, 0x99),
                stroke_width: 0.75,
                round: false,
                ..Style::default()
            }),
        }));
    }

    // 8. Badges in the side panel, as many as the page plan kept.
    let mut badge_summaries = Vec::new();
    if plan.badges > 0 {
        let px = frame_right + 18.0;
        let mut y = top + 4.0;
        let mut badge_nodes = Vec::new();
        for (k, content) in badges.into_iter().enumerate().take(plan.badges) {
            let content = if plan.badge_notes {
                content
            } else {
                BadgeContent {
                    note: None,
                    ..content
                }
            };
            let id = format!("badge-{}", k + 1);
            let mut cut = Vec::new();
            let (node, height) = badge_node(id, &content, px, y, panel_w, &mut cut);
            warnings.extend(cut.into_iter().map(|c| format!("badge {}: {c}", k + 1)));
            badge_summaries.push(match &content.total {
                Some(t) => format!("{} of {} {}", content.value, t, content.caption),
                None => format!("{} {}", content.value, content.caption),
            });
            badge_nodes.push(node);
            y += height + BADGE_GAP;
        }
        nodes.push(Node::Group(Group {
            id: Some("badges".into()),
            class: Some("badges".into()),
            children: badge_nodes,
            ..Group::default()
        }));
    }
    if let Some(c) = credit_node {
        nodes.push(c);
    }

    let title = spec.title.clone().unwrap_or_else(|| spec.output.clone());
    let description = spec.description.clone().unwrap_or_else(|| {
        let mut parts = Vec::new();
        if let Some(s) = &spec.subtitle {
            parts.push(end_sentence(s));
        }
        let shown: Vec<String> = spec
            .layers
            .iter()
            .map(|l| {
                l.description
                    .clone()
                    .or_else(|| l.legend.clone())
                    .unwrap_or_else(|| l.id.replace(['-', '_'], " "))
            })
            .collect();
        parts.push(end_sentence(&format!("Map layers: {}", shown.join("; "))));
        for b in &badge_summaries {
            parts.push(end_sentence(b));
        }
        if let Some(c) = &spec.credit {
            parts.push(end_sentence(c));
        }
        parts.join(" ")
    });
    timings.lap("label and lay out");
    let mut scene = Scene {
        width: w,
        height: h,
        title,
        description,
        background: spec.background,
        clips,
        nodes,
        // Filled by the theme.
        dark_variant: None,
        id_prefix: spec.id_prefix.clone(),
    };
    spec.theme.apply(&mut scene, spec.dark_variant);
    Ok(Layout {
        scene,
        dropped_labels: dropped,
        warnings,
        projection,
        fit,
        scale_bars,
        north_angle: north,
        timings,
    })
}

/// The scene's symbol for a layer's marker, or `None` when the layer draws no markers.
fn marker_kind(m: Marker) -> Option<MarkerKind> {
    match m {
        Marker::None => None,
        Marker::Square => Some(MarkerKind::Square),
        Marker::Circle => Some(MarkerKind::Circle),
    }
}

/// The longitude span of each part of `g` (each polygon, line or point of a multi-geometry),
/// for finding the narrowest arc of longitude that holds the data.
fn part_longitudes(g: &geo::Geometry<f64>, out: &mut Vec<[f64; 2]>) {
    use geo::Geometry as G;
    let mut push = |r: Option<geo::Rect<f64>>| {
        if let Some(r) = r {
            out.push([r.min().x, r.max().x]);
        }
    };
    match g {
        G::MultiPolygon(mp) => mp.0.iter().for_each(|p| push(p.bounding_rect())),
        G::MultiLineString(ml) => ml.0.iter().for_each(|l| push(l.bounding_rect())),
        G::MultiPoint(mp) => mp.0.iter().for_each(|p| push(Some(p.bounding_rect()))),
        G::GeometryCollection(gc) => gc.0.iter().for_each(|g| part_longitudes(g, out)),
        other => push(other.bounding_rect()),
    }
}

/// Ground size below which an extent is too small to show on its own: a single point (or
/// features a metre apart) gets a 20 km neighbourhood, anything under a kilometre is shown
/// a kilometre across. Without this a one-point map fits a box of zero size and its scale
/// bar reads "0 km".
const POINT_NEIGHBOURHOOD_M: f64 = 20_000.0;
const MIN_EXTENT_M: f64 = 1_000.0;

/// The lon/lat box to show around `extent` when it is smaller than [`MIN_EXTENT_M`]
/// (centred on it); `None` when the extent is big enough as it is.
fn minimum_box(extent: [f64; 4]) -> Option<[f64; 4]> {
    const M_PER_DEG_LAT: f64 = 110_574.0;
    const M_PER_DEG_LON: f64 = 111_320.0;
    let [w, s, e, n] = extent;
    let (lon, lat) = ((w + e) / 2.0, (s + n) / 2.0);
    let cos = lat.to_radians().cos().max(1e-6);
    let width = (e - w).abs() * M_PER_DEG_LON * cos;
    let height = (n - s).abs() * M_PER_DEG_LAT;
    let size = width.max(height);
    if !size.is_finite() || size >= MIN_EXTENT_M {
        return None;
    }
    let half = if size < 1.0 {
        POINT_NEIGHBOURHOOD_M / 2.0
    } else {
        MIN_EXTENT_M / 2.0
    };
    let dlat = half / M_PER_DEG_LAT;
    let dlon = (half / (M_PER_DEG_LON * cos)).min(179.0);
    Some([
        lon - dlon,
        (lat - dlat).max(-90.0),
        lon + dlon,
        (lat + dlat).min(90.0),
    ])
}

/// The error for a map none of whose features falls inside its frame: an empty map is
/// never what the spec meant. It names the layers, where their data lies, and the extent,
/// which is what must change (a spec error, exit 2).
fn nothing_inside(spec: &Spec, layers: &[LayerData], projection: &Projection) -> Error {
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

/// Wall time per pipeline stage, for `--timings`.
#[derive(Debug, Clone)]
pub struct Timings {
    pub stages: Vec<(String, std::time::Duration)>,
    last: std::time::Instant,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            stages: Vec::new(),
            last: std::time::Instant::now(),
        }
    }
}

impl Timings {
    /// Ends the current stage under `name` and starts the next.
    pub fn lap(&mut self, name: &str) {
        let now = std::time::Instant::now();
        self.stages.push((name.to_string(), now - self.last));
        self.last = now;
    }

    /// Starts timing afresh from now (after work that should not count).
    pub fn restart(&mut self) {
        self.last = std::time::Instant::now();
    }
}

/// Peak resident memory of this process in bytes (Linux; `None` elsewhere).
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn end_sentence(s: &str) -> String {
    let s = s.trim();
    if s.ends_with(['.', '!', '?']) {
        s.to_string()
    } else {
        format!("{s}.")
    }
}

fn template_error(spec: &Spec, what: &str, feature: Option<&Feature>, e: TemplateError) -> Error {
    let message = match (&e, feature) {
        (TemplateError::Missing(k), Some(f)) => {
            format!("{what}: its text names property {k:?}, which its feature {:?} does not have", f.id)
        }
        (TemplateError::Missing(k), None) => format!(
            "{what}: its text names property {k:?}, but it has no feature (set `source` and `where`)"
        ),
        (TemplateError::Syntax(m), _) => format!("{what}: {m}"),
        (_, Some(f)) => format!("{what}, feature {:?}: {}", f.id, e.describe()),
        (_, None) => format!("{what}: {}", e.describe()),
    };
    Error::render(&spec.file, message)
}

fn resolve_badge(
    spec: &Spec,
    cache: &DataCache,
    k: usize,
    b: &crate::spec::Badge,
) -> Result<BadgeContent> {
    let what = format!("badge {}", k + 1);
    let feature = match &b.source {
        Some((path, filter)) => {
            let ds = cache.get(path)?;
            let f = ds.select(filter).next().cloned().ok_or_else(|| {
                Error::render(
                    &spec.file,
                    format!(
                        "{what}: {} matches no feature in {}",
                        describe_filter(filter),
                        path.display()
                    ),
                )
            })?;
            Some(f)
        }
        None => None,
    };
    let value = fill(&b.value, feature.as_ref())
        .map_err(|e| template_error(spec, &what, feature.as_ref(), e))?;
    let total = b
        .total
        .as_ref()
        .map(|t| {
            fill(t, feature.as_ref()).map_err(|e| template_error(spec, &what, feature.as_ref(), e))
        })
        .transpose()?;
    let caption = fill(&b.caption, feature.as_ref())
        .map_err(|e| template_error(spec, &what, feature.as_ref(), e))?;
    let note = b
        .note
        .as_ref()
        .map(|t| {
            fill(t, feature.as_ref()).map_err(|e| template_error(spec, &what, feature.as_ref(), e))
        })
        .transpose()?;
    let units = if b.units {
        let parse = |s: &str| s.replace(',', "").trim().parse::<u32>().ok();
        match (parse(&value), total.as_deref().and_then(parse)) {
            (Some(v), Some(t)) if v <= t && t > 0 && t <= 1000 => Some((v, t)),
            _ => {
                return Err(Error::render(
                    &spec.file,
                    format!("{what}: a unit bar needs whole numbers value <= total <= 1000, got {value:?} of {:?}", total.unwrap_or_default()),
                ))
            }
        }
    } else {
        None
    };
    Ok(BadgeContent {
        value,
        total,
        caption,
        note,
        units,
        color: b.color,
    })
}

fn describe_filter(f: &Filter) -> String {
    if f.0.is_empty() {
        return "the layer".into();
    }
    let parts: Vec<String> =
        f.0.iter()
            .map(|(k, v)| {
                let vs: Vec<String> = v.iter().map(|x| x.to_string()).collect();
                format!("{k} = {}", vs.join(" | "))
            })
            .collect();
    format!("`where` {}", parts.join(", "))
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Area,
    Line,
    Point,
}

fn layer_kind(ld: &LayerData) -> Kind {
    let (mut a, mut l, mut p) = (0, 0, 0);
    for (_, f) in &ld.features {
        a += f.polygons.len();
        l += f.lines.len();
        p += f.points.len();
    }
    if a >= l && a >= p && a > 0 {
        Kind::Area
    } else if l >= p && l > 0 {
        Kind::Line
    } else {
        Kind::Point
    }
}

fn layer_style(l: &Layer, kind: Kind) -> Style {
    let (fill, stroke, width) = match kind {
        Kind::Area => (
            Paint::rgb(0xe8, 0xe4, 0xda),
            Paint::rgb(0xff, 0xff, 0xff),
            0.8,
        ),
        Kind::Line => (Paint::None, Paint::rgb(0x33, 0x33, 0x33), 1.5),
        Kind::Point => (
            Paint::rgb(0x22, 0x22, 0x22),
            Paint::rgb(0xff, 0xff, 0xff),
            1.0,
        ),
    };
    Style {
        fill: l.fill.unwrap_or(fill),
        fill_opacity: 1.0,
        stroke: l.stroke.unwrap_or(stroke),
        stroke_width: l.stroke_width.unwrap_or(width),
        dash: l.dash.clone(),
        opacity: l.opacity,
        round: true,
    }
}

/// Local ids of the scene's own elements (and of the SVG's `<title>` and `<desc>`).
const OWN_IDS: &[&str] = &[
    "map-title",
    "map-desc",
    "map-frame",
    "inset-clip",
    "title-block",
    "title",
    "subtitle",
    "credit",
    "map",
    "graticule",
    "label-leaders",
    "labels",
    "callouts",
    "furniture",
    "legend",
    "scale-bar",
    "north-arrow",
    "inset",
    "frame",
    "badges",
];

/// The scene's id registry with mapfig's own ids reserved, before any id made from data:
/// a layer or feature id can then never take one (feature "clip" of a layer "frame" is
/// `frame-clip`, but feature "x" of a layer "layer" becomes `layer-x-2` when a layer "x"
/// exists, whose group keeps `layer-x`).
fn own_ids(spec: &Spec) -> IdRegistry {
    let mut ids = IdRegistry::default();
    for id in OWN_IDS {
        ids.reserve(id);
    }
    for l in &spec.layers {
        ids.reserve(&format!("layer-{}", l.id));
    }
    for k in 1..=spec.callouts.len() {
        ids.reserve(&format!("callout-{k}"));
    }
    for k in 1..=spec.badges.len() {
        ids.reserve(&format!("badge-{k}"));
        ids.reserve(&format!("badge-{k}-units"));
    }
    ids
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
        let d = ((w[1][0] - w[0][0]).powi(2) + (w[1][1] - w[0][1]).powi(2)).sqrt();
        back = w[0];
        travelled += d;
        if travelled >= len {
            break;
        }
    }
    let (dx, dy) = (tip[0] - back[0], tip[1] - back[1]);
    let dl = (dx * dx + dy * dy).sqrt();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_ids_are_reserved_before_data_ids() {
        let spec = crate::spec::parse(
            "[[layer]]\nid = \"layer\"\nsource = \"a\"\n[[layer]]\nid = \"x\"\nsource = \"a\"\n",
            std::path::Path::new("t.toml"),
        )
        .unwrap();
        let mut ids = own_ids(&spec);
        assert_eq!(ids.claim("layer-x"), "layer-x-2");
        assert_eq!(ids.claim("map-frame"), "map-frame-2");
        assert_eq!(ids.claim("x-frame"), "x-frame");
    }

    #[test]
    fn arrowhead_sits_at_the_end() {
        let (line, head) = shorten_for_arrow(&[[0.0, 0.0], [100.0, 0.0]], 2.0);
        let head = head.unwrap();
        assert_eq!(head[0], [100.0, 0.0]);
        assert!(line.last().unwrap()[0] < 100.0);
    }
}
