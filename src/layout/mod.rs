//! Layout: from a validated spec and its data to a finished [`Scene`]. Decides where
//! everything goes; the emitters then only write it out. The page (`page.rs`: title block,
//! credit, side panel, map frame) around the map panel: its layers (`features.rs`),
//! furniture (`place_furniture.rs`), callouts (`callouts.rs`) and labels (`map_labels.rs`,
//! placed by [`labels`] around everything in the collision index [`occupied`]).

pub mod annotations;
mod callouts;
mod missing_glyphs;
pub use missing_glyphs::missing_glyph_warnings;
mod composite;
mod description;
mod facet;
mod features;
pub mod fit;
pub mod furniture;
pub mod graticule;
pub mod inset;
pub mod labels;
pub mod legend;
mod legend_blocks;
mod map_labels;
mod marker_index;
pub mod occupied;
mod page;
mod panel;
mod place_furniture;
pub mod polygon_index;
mod resolve;
mod symbols;
pub mod template;

use crate::error::{Error, Result};
use crate::geom::Pt;
use crate::prepare::extent::lon_lat_extent;
use crate::prepare::preclip::Preclip;
use crate::prepare::project::{fit_to_frame, project_layers};
use crate::prepare::select::{self, select_layers};
use crate::projection::{Fit, Projection};
use crate::scene::{Group, IdRegistry, Node, Scene};
use crate::sources::DataCache;
use crate::spec::{Extent, ProjectionChoice, Spec};
use crate::symbology::rules::{Kind, LayerSymbology};
use crate::timings::Timings;
use labels::Dropped;
use legend::Legends;
use panel::MapPanel;

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
    /// What each joined layer's join matched, in layer order.
    pub joins: Vec<crate::sources::join::JoinReport>,
    /// One sentence per text with a character no font has a glyph for (also among
    /// `warnings`): an error under `--strict-labels` or `strict_text`.
    pub missing_glyphs: Vec<String>,
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

/// Lays out `spec`, loading its data through `cache`.
///
/// ```
/// use mapfig::sources::DataCache;
/// let spec = mapfig::spec::parse(
///     "[[layer]]\nid = \"islands\"\nsource = \"antimeridian.geojson\"\n",
///     std::path::Path::new("tests/data/map.toml"),
/// )?;
/// let layout = mapfig::layout::build(&spec, &DataCache::default())?;
/// assert!(layout.warnings.is_empty());
/// assert!(layout.scene.description.starts_with("Map layers: islands."));
/// # Ok::<(), mapfig::Error>(())
/// ```
pub fn build(spec: &Spec, cache: &DataCache) -> Result<Layout> {
    if let Some(f) = &spec.facet {
        return facet::build(spec, f, cache);
    }
    let mut timings = Timings::default();
    let selected = select_layers(spec, cache)?;
    let (joins, select_warnings) = (
        select::join_reports(&selected),
        select::select_warnings(&selected),
    );
    timings.lap("load");
    let extent = lon_lat_extent(spec, &selected)?;
    let planar = crate::prepare::select::planar_layers(spec, &selected)?;
    let projection = choose_projection(spec, extent.bbox, planar)?;
    let mut page = page::plan_page(spec, cache)?;
    let mut frame = page.frame;
    let fit_pad = match &spec.extent {
        Extent::BBox(_) => None,
        Extent::Fit { pad, .. } => Some(*pad),
    };
    let inset = spec.furniture.locator_inset;
    let mut preclip = Preclip::new(&projection, extent.bbox, frame, fit_pad, inset);
    let again = Legends::any_beside(spec).then(|| legend::copy_selection(&selected));
    let mut layers = project_layers(selected, &preclip, spec.simplify, cache)?;
    let mut symbology = symbolize(&layers)?;
    let mut legends = Legends::of(spec, &layers, &symbology);
    let mut room_warnings = Vec::new();
    let whole = frame;
    let room = legends.make_room(whole, &mut room_warnings);
    if let Some(again) = again.filter(|_| room != whole) {
        // Legends beside the map take room from its frame: the data is clipped and
        // fitted again for the frame that is left.
        (frame, page.frame) = (room, room);
        preclip = Preclip::new(&projection, extent.bbox, frame, fit_pad, inset);
        layers = project_layers(again, &preclip, spec.simplify, cache)?;
        symbology = symbolize(&layers)?;
        legends = Legends::of(spec, &layers, &symbology);
        room_warnings.clear();
        legends.make_room(whole, &mut room_warnings);
    }
    let frame_box = page.frame_box();
    timings.lap("project");
    let fit = fit_to_frame(spec, &preclip, &layers, &extent, frame)?;

    let panel = MapPanel {
        spec,
        preclip: &preclip,
        fit: &fit,
        frame,
    };
    let mut ids = own_ids(spec);
    let mut drawn = features::draw_layers(&panel, &mut layers, &symbology, &mut ids)?;
    if drawn.drawn == 0 {
        return Err(features::nothing_inside(spec, &layers, &projection));
    }
    composite::occupy_inset_frames(&projection, &fit, &mut drawn.occupied);
    timings.lap("fit and clip");

    let mut warnings = select_warnings;
    warnings.extend(page.warnings());
    warnings.extend(room_warnings);
    warnings.extend(symbology.iter().flat_map(|s| s.warnings.iter().cloned()));
    let furniture = place_furniture::place_furniture(
        &panel,
        &layers,
        &symbology,
        &legends,
        &mut drawn,
        &mut warnings,
    )?;
    let mut occupied = drawn.occupied;
    let callout_nodes = callouts::place_callouts(&panel, cache, &mut occupied, &mut warnings)?;
    let (mut placed, dropped) = labels::place(&drawn.requests, frame_box, &mut occupied);
    placed.sort_by_key(|p| p.request);
    let (labels, leaders) = map_labels::label_groups(&placed, &drawn.requests, &mut ids);

    // Drawing order: titles, data, a composite's inset frames, graticule, label leaders, labels, callouts, furniture,
    // the frame, the side panel, the credit.
    let mut nodes: Vec<Node> = page.title_block.take().into_iter().collect();
    nodes.push(drawn.node);
    nodes.extend(composite::inset_frames(&projection, &fit, frame));
    nodes.extend(furniture.graticule);
    nodes.extend(leaders);
    nodes.push(labels);
    nodes.extend(group_unless_empty("callouts", callout_nodes));
    let mut furniture_nodes = furniture.nodes;
    furniture_nodes.extend(legends.beside_nodes());
    nodes.extend(group_unless_empty("furniture", furniture_nodes));
    if spec.furniture.frame {
        nodes.push(page.frame_node());
    }
    let credit = page.credit.take();
    let (badges, badge_summaries) = page.badge_panel(&mut warnings);
    nodes.extend(badges);
    nodes.extend(credit);
    let description = description::accessible_description(spec, &badge_summaries);
    timings.lap("label and lay out");
    let scene = scene(spec, nodes, furniture.clips, description);
    Ok(Layout {
        scene,
        dropped_labels: dropped,
        warnings,
        projection,
        fit,
        scale_bars: furniture.scale_bars,
        north_angle: furniture.north_angle,
        timings,
        joins,
        missing_glyphs: Vec::new(),
    })
}

/// Each layer's rules, from its spec and what it holds.
fn symbolize(layers: &[crate::prepare::project::PreparedLayer]) -> Result<Vec<LayerSymbology>> {
    layers
        .iter()
        .map(|ld| {
            let kind = Kind::of(ld.features.iter().map(|(_, f)| f));
            LayerSymbology::fit_dataset(ld.spec, kind, &ld.dataset)
        })
        .collect()
}

/// A group whose id and class are both `name`, unless it would be empty.
fn group_unless_empty(name: &str, children: Vec<Node>) -> Option<Node> {
    (!children.is_empty()).then(|| Node::Group(Group::named(name, name, children)))
}

/// The finished scene of `spec`, in its theme's colours.
fn scene(
    spec: &Spec,
    nodes: Vec<Node>,
    clips: Vec<(String, [f64; 4])>,
    description: String,
) -> Scene {
    let mut scene = Scene {
        width: spec.width,
        height: spec.height,
        title: spec.title.clone().unwrap_or_else(|| spec.output.clone()),
        description,
        background: spec.background,
        clips,
        nodes,
        // A dark map needs no dark variant.
        // Filled by the theme.
        dark_variant: None,
        id_prefix: spec.id_prefix.clone(),
    };
    scene.shape_texts();
    spec.theme.apply(&mut scene, spec.dark_variant);
    scene
}

/// The spec's projection, or one chosen for the lon/lat `extent`; none for planar data.
fn choose_projection(
    spec: &Spec,
    extent: [f64; 4],
    planar: Option<crate::projection::Planar>,
) -> Result<Projection> {
    match (&spec.projection, planar) {
        (ProjectionChoice::Auto, Some(kind)) => Projection::planar(kind),
        (ProjectionChoice::Named(s), Some(kind)) => Err(format!(
            "the data is in {} coordinates, drawn as they are: it cannot be projected with {s:?}; remove the projection, or give the data its real CRS (crs = \"EPSG:…\") to have it reprojected",
            kind.name()
        )),
        (ProjectionChoice::Auto, None) => Projection::auto(extent),
        (ProjectionChoice::Named(s), None) => Projection::parse(s),
    }
    .map_err(|m| Error::render(&spec.file, m))
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
    composite::INSET_FRAMES,
    "frame",
    "badges",
];

/// The scene's id registry with mapfig's own ids reserved, before any id made from data:
/// a layer or feature id can then never take one (feature "clip" of a layer "frame" is
/// `frame-clip`, but feature "x" of a layer "layer" becomes `layer-x-2` when a layer "x"
/// exists, whose group keeps `layer-x`).
fn own_ids(spec: &Spec) -> IdRegistry {
    let mut ids = IdRegistry::default();
    for id in OWN_IDS.iter().chain(&legend::LEGEND_IDS) {
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
}
