//! Map furniture placed on the panel: legend, locator inset, scale bar and north arrow,
//! each in the free corner of the frame that covers the least data (left out, with a
//! warning, when no corner has room), then the graticule under the labels.

use super::features::DrawnLayers;
use super::fit::{self, Warnings};
use super::furniture::{self, corner_box, DataMask, ScaleBar};
use super::legend::{FramePanel, Legends};
use super::occupied::Occupied;
use super::panel::MapPanel;
use super::{graticule, inset};
use crate::error::{Error, Result};
use crate::geom::BoxPx;
use crate::geom::Flat;
use crate::prepare::project::PreparedLayer;
use crate::projection::Fit;
use crate::scene::Node;
use crate::symbology::rules::{Kind, LayerSymbology};

/// The placed furniture.
pub struct Furniture {
    /// Legend, inset, scale bar and north arrow, in that order.
    pub nodes: Vec<Node>,
    pub graticule: Option<Node>,
    /// Clip rectangles `[x, y, w, h]` by id: the map frame's, then the inset's.
    pub clips: Vec<(String, [f64; 4])>,
    pub scale_bars: Vec<ScaleBar>,
    /// Angle of the north arrow, degrees clockwise from up, when drawn.
    pub north_angle: Option<f64>,
}

/// The corners of one map frame as furniture takes them.
struct Corners<'a> {
    mask: &'a DataMask,
    frame: [f64; 4],
    frame_box: BoxPx,
    taken: Vec<BoxPx>,
    nodes: Vec<Node>,
    warnings: &'a mut Warnings,
}

impl Corners<'_> {
    /// Puts `what`, `w`×`h` px, in the best free corner and draws it there with `draw`;
    /// `None` (and a warning) when no corner has room.
    fn place(
        &mut self,
        what: &str,
        w: f64,
        h: f64,
        draw: impl FnOnce(BoxPx) -> Node,
    ) -> Option<BoxPx> {
        match self.mask.best_corner(self.frame_box, w, h, &self.taken) {
            Some(b) => {
                self.nodes.push(draw(b));
                self.taken.push(b);
                Some(b)
            }
            None => {
                self.no_room(what);
                None
            }
        }
    }

    fn no_room(&mut self, what: &str) {
        self.warnings.push(format!(
            "{what} dropped: no room for it in the {:.0}×{:.0} px map frame beside the rest",
            self.frame[2], self.frame[3]
        ));
    }
}

/// Places the furniture the spec asks for in the panel's frame, around the data of the
/// `drawn` layers; every placed box and graticule label joins their collision index.
pub(super) fn place_furniture(
    panel: &MapPanel,
    layers: &[PreparedLayer],
    symbology: &[LayerSymbology],
    legends: &Legends,
    drawn: &mut DrawnLayers,
    warnings: &mut Warnings,
) -> Result<Furniture> {
    let (spec, fit, frame, frame_box) = (panel.spec, panel.fit, panel.frame, panel.frame_box());
    let projection = panel.projection();
    let occupied = &mut drawn.occupied;
    // A composite's insets are maps of their own: no furniture over them.
    let insets = super::composite::inset_boxes(projection, fit);
    let mut corners = Corners {
        mask: &drawn.mask,
        frame,
        frame_box,
        taken: insets.clone(),
        nodes: Vec::new(),
        warnings,
    };
    for panel in legends.in_frame(frame_box.width() - 20.0) {
        place_legend(&mut corners, panel);
    }
    let centre = frame_box.center();
    let mut clips = vec![("map-frame".to_string(), frame)];
    if spec.furniture.locator_inset && projection.composite().is_some() {
        corners.warnings.push(format!(
            "locator inset left out: {} draws only its own parts, with no surroundings to locate them in",
            projection.definition
        ));
    } else if spec.furniture.locator_inset {
        let inset_layers: Vec<inset::InsetLayer> = layers
            .iter()
            .zip(symbology)
            .filter(|(_, sym)| sym.kind == Kind::Area)
            .map(|(ld, sym)| inset::InsetLayer {
                features: ld.features.iter().map(|(_, f)| f).collect(),
                style: sym.resolve(None),
            })
            .collect();
        if let Some(b) = place_inset(&mut corners, &inset_layers, fit) {
            clips.push((
                "inset-clip".to_string(),
                [b.x0, b.y0, b.width(), b.height()],
            ));
        }
    }
    let mut scale_bars = Vec::new();
    // One bar cannot measure a composite whose insets are drawn at other scales.
    let composite = projection.composite().is_some();
    if spec.furniture.scale_bar && composite {
        corners.warnings.push(format!(
            "scale bar left out: {} draws Alaska at 0.35× the lower 48's scale, so no one bar measures the whole map",
            projection.definition
        ));
    }
    if spec.furniture.scale_bar && !composite {
        let units = [
            (spec.furniture.scale_km, furniture::Unit::Km),
            (spec.furniture.scale_miles, furniture::Unit::Mi),
        ];
        let bars: Vec<_> = units
            .iter()
            .filter(|(on, _)| *on)
            .filter_map(|(_, u)| furniture::scale_bar(projection, fit, centre, frame[2] * 0.18, *u))
            .collect();
        if !bars.is_empty() {
            let (sw, sh) = furniture::scale_bar_size(&bars);
            if corners
                .place("scale bar", sw, sh, |b| furniture::scale_bar_node(&bars, b))
                .is_some()
            {
                scale_bars = bars;
            }
        }
    }
    let mut north_angle = None;
    if spec.furniture.north_arrow {
        if let Some(angle) = furniture::north_angle(projection, fit, centre) {
            let (nw, nh) = furniture::NORTH_SIZE;
            if corners
                .place("north arrow", nw, nh, |b| furniture::north_arrow(angle, b))
                .is_some()
            {
                north_angle = Some(angle);
            }
        }
    }
    if projection.is_planar() {
        let asked: Vec<&str> = [
            (spec.furniture.scale_bar, "scale bar"),
            (spec.furniture.north_arrow, "north arrow"),
            (spec.furniture.graticule.is_some(), "graticule"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, name)| *name)
        .collect();
        if !asked.is_empty() {
            corners.warnings.push(format!(
                "{} left out: the map draws {} coordinates, which have no ground distances or directions",
                asked.join(", "),
                projection.definition
            ));
        }
    }
    // Labels keep out of the furniture, but not out of the insets they name.
    for b in corners.taken.iter().skip(insets.len()) {
        occupied.add(b.inflate(3.0));
    }
    let graticule = match spec.furniture.graticule {
        // Planar coordinates have no meridians or parallels.
        Some(_) if projection.is_planar() => None,
        Some(step) => graticule(panel, step, occupied)?,
        None => None,
    };
    Ok(Furniture {
        nodes: corners.nodes,
        graticule,
        clips,
        scale_bars,
        north_angle,
    })
}

/// A legend panel in its corner of the frame (the emptiest free one when it names none);
/// each text it had to cut is a warning.
fn place_legend(corners: &mut Corners, panel: FramePanel) {
    for full in &panel.cut {
        corners.warnings.push(format!(
            "legend entry {:?} cut with an ellipsis to fit the {:.0} px wide map frame",
            fit::preview(full),
            corners.frame[2]
        ));
    }
    let (w, h) = panel.size;
    let Some(corner) = panel.corner else {
        corners.place("legend", w, h, |b| panel.node(b));
        return;
    };
    let b = corner_box(corners.frame_box, corner, w, h, 10.0);
    let free = !corners.taken.iter().any(|t| t.inflate(4.0).intersects(&b));
    if b.inside(&corners.frame_box) && free {
        corners.nodes.push(panel.node(b));
        corners.taken.push(b);
    } else {
        corners.no_room("legend");
    }
}

/// The locator inset, showing 4× the frame: about a quarter of the frame wide, smaller
/// on a small frame (down to a readable minimum).
fn place_inset(corners: &mut Corners, layers: &[inset::InsetLayer], fit: &Fit) -> Option<BoxPx> {
    let (frame, frame_box) = (corners.frame, corners.frame_box);
    let extent = inset::inset_extent(fit, frame_box, 4.0);
    let aspect = (extent[3] - extent[1]) / (extent[2] - extent[0]);
    let mut iw = (frame[2] * 0.24).clamp(120.0, 320.0);
    if iw > frame[2] - 20.0 || iw * aspect > frame[3] * 0.45 {
        iw = iw.min(frame[2] - 20.0).min(frame[3] * 0.45 / aspect);
    }
    let ih = iw * aspect;
    if !(iw.is_finite() && iw >= inset::MIN_WIDTH && ih.is_finite()) {
        corners.no_room("locator inset");
        return None;
    }
    corners.place("locator inset", iw, ih, |b| {
        inset::locator(layers, extent, fit, frame_box, b)
    })
}

/// Graticule lines every `step` degrees, clipped as the data is; an error (at the spec's
/// `graticule` setting) when the step would draw too many lines.
fn graticule(panel: &MapPanel, step: f64, occupied: &mut Occupied) -> Result<Option<Node>> {
    let prepare = |f: Flat| panel.preclip.apply(f);
    let frame = panel.frame_box();
    graticule::graticule(panel.projection(), panel.fit, frame, step, occupied, &prepare).map_err(
        |lines| {
            let spec = panel.spec;
            let (line, column) = spec.furniture.graticule_at;
            Error::Spec {
                file: spec.file.clone(),
                line,
                column,
                message: format!(
                    "graticule = {step} would draw {lines} lines over this map, more than the {} allowed; use a coarser step",
                    graticule::MAX_GRATICULE_LINES
                ),
            }
        },
    )
}
