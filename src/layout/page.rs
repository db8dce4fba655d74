//! Page layout: the title block, the credit, the side panel of badges and the map frame's
//! rectangle, fitted to the page size. The map panel is drawn inside the frame this plans.

use super::annotations::{badge_node, BadgeContent};
use super::fit::{self, PagePlan};
use super::furniture::{label_text, INK, MUTED};
use super::resolve::resolve_badge;
use crate::color::Paint;
use crate::error::{Error, Result};
use crate::geom::BoxPx;
use crate::scene::{Group, Node, Shape, ShapeGeometry, Style, Text, TextAnchor};
use crate::sources::DataCache;
use crate::spec::Spec;

/// Space between badges in the side panel.
const BADGE_GAP: f64 = 26.0;

/// Gap between the map frame and the side panel.
const PANEL_GAP: f64 = 18.0;

/// Where everything outside the map frame goes.
pub struct Page {
    /// The map frame, `[x, y, w, h]` in pixels.
    pub frame: [f64; 4],
    /// Title and subtitle, when the page has either.
    pub title_block: Option<Node>,
    pub credit: Option<Node>,
    /// Right edge of the map frame, where the side panel's gap starts.
    frame_right: f64,
    /// Width of the side panel (0 without one).
    panel_width: f64,
    /// The badges' texts, filled from their data.
    badges: Vec<BadgeContent>,
    plan: PagePlan,
}

impl Page {
    pub fn frame_box(&self) -> BoxPx {
        let [x, y, w, h] = self.frame;
        BoxPx::new(x, y, x + w, y + h)
    }

    /// What the plan shortened or left out, as warnings.
    pub fn warnings(&self) -> fit::Warnings {
        self.plan.warnings.clone()
    }

    /// The frame's outline, drawn over the map.
    pub fn frame_node(&self) -> Node {
        let [x, y, w, h] = self.frame;
        let rect = ShapeGeometry::Rect {
            x,
            y,
            w,
            h,
            rx: 0.0,
        };
        Node::Shape(
            Shape::new("frame", rect)
                .with_id("frame")
                .with_style(Style {
                    stroke: Paint::rgb(0x99, 0x99, 0x99),
                    stroke_width: 0.75,
                    round: false,
                    ..Style::default()
                }),
        )
    }

    /// The side panel: as many badges as the plan kept, top to bottom (their notes only
    /// when all fit), and a one-sentence summary of each for the accessible description.
    pub fn badge_panel(self, warnings: &mut fit::Warnings) -> (Option<Node>, Vec<String>) {
        let mut summaries = Vec::new();
        if self.plan.badges == 0 {
            return (None, summaries);
        }
        let x = self.frame_right + PANEL_GAP;
        let mut y = self.frame[1] + 4.0;
        let mut nodes = Vec::new();
        for (k, content) in self.badges.into_iter().enumerate().take(self.plan.badges) {
            let content = if self.plan.badge_notes {
                content
            } else {
                BadgeContent {
                    note: None,
                    ..content
                }
            };
            let mut cut = Vec::new();
            let id = format!("badge-{}", k + 1);
            let (node, height) = badge_node(id, &content, x, y, self.panel_width, &mut cut);
            warnings.extend(cut.into_iter().map(|c| format!("badge {}: {c}", k + 1)));
            summaries.push(match &content.total {
                Some(t) => format!("{} of {} {}", content.value, t, content.caption),
                None => format!("{} {}", content.value, content.caption),
            });
            nodes.push(node);
            y += height + BADGE_GAP;
        }
        (
            Some(Node::Group(Group::named("badges", "badges", nodes))),
            summaries,
        )
    }
}

/// Plans `spec`'s page: fills the badges from their data (through `cache`), fits titles,
/// credit and badges to the page and leaves the rest to the map frame. An error when the
/// frame would be too small to hold a map.
pub fn plan_page(spec: &Spec, cache: &DataCache) -> Result<Page> {
    let (w, h) = (spec.width, spec.height);
    if !spec.panel && !spec.badges.is_empty() {
        return Err(Error::render(
            &spec.file,
            "badges need the side panel: remove `panel = \"none\"` or the [[badge]] tables",
        ));
    }
    let panel_width = if spec.panel {
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
    let badge_heights = badge_heights(&badges, panel_width);
    let badges_height = |count: usize, notes: bool| {
        let sum: f64 = badge_heights
            .iter()
            .take(count)
            .map(|[with, without]| if notes { *with } else { *without })
            .sum();
        4.0 + sum + BADGE_GAP * (count.saturating_sub(1)) as f64
    };
    let texts = fit::PageTexts {
        width: w,
        height: h,
        title: spec.title.as_deref(),
        subtitle: spec.subtitle.as_deref(),
        credit: spec.credit.as_deref(),
        panel_width: if spec.panel {
            w - panel_width - PANEL_GAP
        } else {
            w
        },
        badge_count: badges.len(),
    };
    let plan = fit::plan_page(&texts, &badges_height).ok_or_else(|| {
        Error::render(
            &spec.file,
            format!(
                "a {w}×{h} px page has no room for a map frame of {} px a side; enlarge `size`",
                fit::MIN_FRAME
            ),
        )
    })?;
    let (title_block, top) = title_block(&plan);
    let margin = plan.ty.margin;
    let frame_right = if spec.panel {
        w - margin - panel_width - PANEL_GAP
    } else {
        w - margin
    };
    let frame = [margin, top, frame_right - margin, plan.bottom - top];
    if frame[2] < fit::MIN_FRAME || frame[3] < fit::MIN_FRAME {
        return Err(Error::render(
            &spec.file,
            format!("the map frame is only {:.0}×{:.0} px after titles, credits and panel; enlarge `size` or shorten the texts", frame[2].max(0.0), frame[3].max(0.0)),
        ));
    }
    Ok(Page {
        frame,
        title_block,
        credit: credit(&plan, h),
        frame_right,
        panel_width,
        badges,
        plan,
    })
}

/// Each badge's height in a panel `width` wide, with its note and without.
fn badge_heights(badges: &[BadgeContent], width: f64) -> Vec<[f64; 2]> {
    badges
        .iter()
        .map(|b| {
            let without_note = BadgeContent {
                note: None,
                ..b.clone()
            };
            let mut ignored = Vec::new();
            let with = badge_node(String::new(), b, 0.0, 0.0, width, &mut ignored).1;
            let without = badge_node(String::new(), &without_note, 0.0, 0.0, width, &mut ignored).1;
            [with, without]
        })
        .collect()
}

/// The title and subtitle as the plan fitted them, and the top of the map frame below.
fn title_block(plan: &PagePlan) -> (Option<Node>, f64) {
    let ty = &plan.ty;
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
            ..label_text("", margin, top + size * 0.9, size, TextAnchor::Start, INK)
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
            ..label_text(
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
    if head.is_empty() {
        return (None, top);
    }
    top += ty.gap;
    let group = Group::named("title-block", "title-block", head);
    (Some(Node::Group(group)), top)
}

/// The credit line(s) at the foot of the page.
fn credit(plan: &PagePlan, height: f64) -> Option<Node> {
    let ty = &plan.ty;
    plan.credit.as_ref().map(|c| {
        let (size, line_height) = ty.credit;
        let baseline = fit::credit_baseline(height, ty, c.lines.len());
        Node::Text(Text {
            id: Some("credit".into()),
            class: Some("credit".into()),
            lines: c.lines.clone(),
            line_height,
            ..label_text("", ty.margin, baseline, size, TextAnchor::Start, MUTED)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(text: &str) -> Spec {
        let layer = "[[layer]]\nid = \"a\"\nsource = \"a.geojson\"\n";
        crate::spec::parse(&format!("{text}{layer}"), std::path::Path::new("t.toml")).unwrap()
    }

    #[test]
    fn the_frame_sits_below_the_title_and_left_of_the_badges() {
        let s = spec("title = \"Roads\"\nsize = [800, 500]\n[[badge]]\nvalue = \"3\"\ncaption = \"bridges\"\n");
        let page = plan_page(&s, &DataCache::default()).unwrap();
        let [x, y, w, h] = page.frame;
        assert!(page.title_block.is_some() && y > 20.0, "{:?}", page.frame);
        assert!(x > 0.0 && x + w < 800.0 - 200.0 && y + h <= 500.0);
        let mut warnings = Vec::new();
        let (panel, summaries) = page.badge_panel(&mut warnings);
        assert!(panel.is_some());
        assert_eq!(summaries, vec!["3 bridges".to_string()]);
    }

    #[test]
    fn badges_without_the_panel_are_refused() {
        let s = spec("panel = \"none\"\n[[badge]]\nvalue = \"3\"\ncaption = \"bridges\"\n");
        let Err(e) = plan_page(&s, &DataCache::default()) else {
            panic!("badges without a panel were laid out");
        };
        assert!(e.to_string().contains("badges need the side panel"), "{e}");
    }
}
