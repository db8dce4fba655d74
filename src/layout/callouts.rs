//! Callouts on the map panel: each anchored at a point or a feature, its text filled from
//! that feature, placed beside what it points at where nothing else is, shrunk or left out
//! (with a warning) only when the page has no room for it.

use super::annotations::{callout_node, callout_text, callout_text_within, place_callout};
use super::fit::{self, preview};
use super::occupied::{Occupied, What};
use super::panel::MapPanel;
use super::resolve::template_error;
use super::template::fill;
use crate::error::{Error, Result};
use crate::geom::BoxPx;
use crate::geom::{flatten, Flat, Pt};
use crate::prepare::select::describe_filter;
use crate::scene::Node;
use crate::sources::{DataCache, Feature};
use crate::spec::{Anchor, Callout, Spec};

/// The callouts of the spec, in order, each one's boxes and leader added to `occupied` so
/// labels keep clear of them.
pub(super) fn place_callouts(
    panel: &MapPanel,
    cache: &DataCache,
    occupied: &mut Occupied,
    warnings: &mut fit::Warnings,
) -> Result<Vec<Node>> {
    let (spec, fit, frame, frame_box) = (panel.spec, panel.fit, panel.frame, panel.frame_box());
    let projection = panel.projection();
    let mut nodes = Vec::new();
    for (k, c) in spec.callouts.iter().enumerate() {
        let (lonlat, feature) = anchor(spec, cache, k, c)?;
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
        let (t, b) = match place_callout(p, &full, c.offset, frame_box, occupied) {
            Ok(b) => (full, b),
            // Too big for this page, or for the room the data leaves: shrunk and placed
            // automatically, with a warning; left out (with a warning) only when the page
            // and the spec's own furniture and callouts leave no room, never when markers
            // are in the way (the data must not be hidden).
            Err(miss) => {
                let shrunk = callout_text_within(title.as_deref(), &text, frame_box);
                let placed = shrunk.map(|(t, cut)| {
                    place_callout(p, &t, None, frame_box, occupied).map(|b| (t, b, cut))
                });
                match placed {
                    Some(Ok((t, b, cut))) => {
                        warnings.push(format!(
                            "callout {} ({:?}) {}to fit the {:.0}×{:.0} px map frame: {}",
                            k + 1,
                            preview(&first_line),
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
                            preview(&first_line),
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
        nodes.push(callout_node(
            format!("callout-{}", k + 1),
            p,
            &t,
            b,
            c.color,
        ));
    }
    Ok(nodes)
}

/// The lon/lat point callout `k` (0-based) points at, and the feature its text is filled
/// from when it is anchored at one.
fn anchor(spec: &Spec, cache: &DataCache, k: usize, c: &Callout) -> Result<(Pt, Option<Feature>)> {
    let (source, filter) = match &c.anchor {
        Anchor::At(p) => return Ok((*p, None)),
        Anchor::Feature { source, filter } => (source, filter),
    };
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
        flatten(g, &mut flat);
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
    Ok((p, Some(f)))
}
