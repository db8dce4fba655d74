//! Legends: the rows of constant layers and the blocks of their scales, gathered into one
//! panel per position the layers ask for (`legend = { position = … }`), texts cut to the
//! room there is, and placed: in a corner of the map frame (the emptiest free one when
//! the position is automatic) or beside the map (above, below, right), whose frame then
//! gives up the room. Each panel is a group labelled with what it says, for screen readers.

use super::fit::{self, Warnings};
use super::furniture::{panel_rect, Corner};
use super::legend_blocks::Part;
use crate::geom::BoxPx;
use crate::prepare::project::PreparedLayer;
use crate::prepare::select::SelectedLayer;
use crate::scene::{Group, Node};
use crate::spec::{LegendDirection, LegendPosition, Spec};
use crate::symbology::legend::{LegendBlock, LegendEntry};
use crate::symbology::rules::LayerSymbology;
use std::collections::BTreeMap;

/// Padding of a legend panel: left and right, top and bottom.
const PAD: (f64, f64) = (8.0, 6.0);
/// Space between the parts of a panel.
const PART_GAP: f64 = 8.0;
/// Space between the map frame and a legend beside it.
const BESIDE_GAP: f64 = 12.0;
/// Share of the frame a legend beside the map may take; a bigger one is left out.
const BESIDE_MAX: f64 = 0.4;

/// One legend panel: what it holds and where it goes.
#[derive(Debug, Clone)]
struct Panel {
    position: LegendPosition,
    parts: Vec<Part>,
    /// A panel beside the map: its box once room is made for it, and its texts as cut.
    beside: Option<(BoxPx, Vec<Part>)>,
}

/// The legends of a map, one panel per position, in a fixed order.
#[derive(Debug, Clone, Default)]
pub struct Legends {
    panels: Vec<Panel>,
}

/// The ids of legend panels: `legend` for the automatic one (the one most maps have),
/// `legend-<position>` for the others; all reserved before any id made from data.
pub const LEGEND_IDS: [&str; 7] = [
    "legend-top-left",
    "legend-top-right",
    "legend-bottom-left",
    "legend-bottom-right",
    "legend-above",
    "legend-below",
    "legend-right",
];

fn panel_id(p: LegendPosition) -> &'static str {
    match p {
        LegendPosition::Auto => "legend",
        LegendPosition::TopLeft => LEGEND_IDS[0],
        LegendPosition::TopRight => LEGEND_IDS[1],
        LegendPosition::BottomLeft => LEGEND_IDS[2],
        LegendPosition::BottomRight => LEGEND_IDS[3],
        LegendPosition::Above => LEGEND_IDS[4],
        LegendPosition::Below => LEGEND_IDS[5],
        LegendPosition::Right => LEGEND_IDS[6],
    }
}

fn corner_of(p: LegendPosition) -> Option<Corner> {
    match p {
        LegendPosition::TopLeft => Some(Corner::TopLeft),
        LegendPosition::TopRight => Some(Corner::TopRight),
        LegendPosition::BottomLeft => Some(Corner::BottomLeft),
        LegendPosition::BottomRight => Some(Corner::BottomRight),
        _ => None,
    }
}

impl Legends {
    /// The legends of `layers` (each with its `symbology`), when the map shows a legend:
    /// per position, the constant layers' rows, then the scales' blocks in layer order.
    pub fn of(spec: &Spec, layers: &[PreparedLayer], symbology: &[LayerSymbology]) -> Legends {
        if !spec.furniture.legend {
            return Legends::default();
        }
        // Per position: the rows, the direction of the first layer giving one, the blocks.
        type Gathered = (Vec<LegendEntry>, Option<LegendDirection>, Vec<Part>);
        let mut by_position: BTreeMap<LegendPosition, Gathered> = BTreeMap::new();
        for (ld, sym) in layers.iter().zip(symbology) {
            let style = &ld.spec.legend_style;
            let direction = style.direction.unwrap_or(match style.position {
                LegendPosition::Above | LegendPosition::Below => LegendDirection::Horizontal,
                _ => LegendDirection::Vertical,
            });
            let (rows, rows_direction, blocks) = by_position.entry(style.position).or_default();
            // A layer with scales is explained by their blocks; its title heads them.
            if let Some(row) = sym.legend().filter(|_| sym.legend_blocks.is_empty()) {
                rows.push(row);
                rows_direction.get_or_insert(direction);
            }
            blocks.extend(
                sym.legend_blocks
                    .iter()
                    .map(|b| Part::Block(b.clone(), direction)),
            );
        }
        let mut panels: Vec<Panel> = by_position
            .into_iter()
            .filter(|(_, (rows, _, blocks))| !rows.is_empty() || !blocks.is_empty())
            .map(|(position, (rows, direction, blocks))| {
                let rows = direction
                    .filter(|_| !rows.is_empty())
                    .map(|d| Part::Rows(rows, d));
                Panel {
                    position,
                    parts: rows.into_iter().chain(blocks).collect(),
                    beside: None,
                }
            })
            .collect();
        // Corners asked for by name are taken before the automatic legend picks one.
        panels.sort_by_key(|p| (p.position == LegendPosition::Auto, p.position));
        Legends { panels }
    }

    /// Does any legend go beside the map (so the frame must give up room for it)?
    pub fn any_beside(spec: &Spec) -> bool {
        spec.furniture.legend
            && spec
                .layers
                .iter()
                .any(|l| l.legend_style.position.is_outside())
    }

    /// Makes room beside `frame` (`[x, y, w, h]`) for the legends placed above, below or
    /// right of the map, and returns the frame left for the map. A legend that would take
    /// more than 40% of the frame's height (above and below together) or width (right), or
    /// leave the map less than the smallest frame, is left out, with a warning.
    pub fn make_room(&mut self, frame: [f64; 4], warnings: &mut Warnings) -> [f64; 4] {
        let [x, mut y, mut w, mut h] = frame;
        // Above and below first: they span the frame's width; a legend to the right then
        // stands beside the map alone.
        let order = [
            LegendPosition::Above,
            LegendPosition::Below,
            LegendPosition::Right,
        ];
        for position in order {
            let Some(panel) = self.panels.iter_mut().find(|p| p.position == position) else {
                continue;
            };
            let max_width = match position {
                LegendPosition::Right => frame[2] * BESIDE_MAX,
                _ => w,
            };
            let (parts, cut) = fitted(&panel.parts, max_width - 2.0 * PAD.0);
            let (pw, ph) = panel_size(&parts);
            // The map keeps at least the smallest frame any page gives it.
            let fits = match position {
                LegendPosition::Right => {
                    pw <= max_width && ph <= h && w - pw - BESIDE_GAP >= fit::MIN_FRAME
                }
                _ => {
                    let used = frame[3] - h + ph + BESIDE_GAP;
                    pw <= w
                        && used <= frame[3] * BESIDE_MAX
                        && h - ph - BESIDE_GAP >= fit::MIN_FRAME
                }
            };
            if !fits {
                warnings.push(format!(
                    "legend {} the map dropped: at {pw:.0}×{ph:.0} px it does not fit beside the {2:.0}×{3:.0} px map frame, of which it may take {1:.0}% and leave the map at least 80 px",
                    beside_word(position),
                    BESIDE_MAX * 100.0,
                    frame[2],
                    frame[3]
                ));
                continue;
            }
            warn_cut(warnings, &cut, w);
            let b = match position {
                LegendPosition::Above => {
                    let b = BoxPx::new(x, y, x + pw, y + ph);
                    (y, h) = (y + ph + BESIDE_GAP, h - ph - BESIDE_GAP);
                    b
                }
                LegendPosition::Below => {
                    h -= ph + BESIDE_GAP;
                    BoxPx::new(x, y + h + BESIDE_GAP, x + pw, y + h + BESIDE_GAP + ph)
                }
                _ => {
                    w -= pw + BESIDE_GAP;
                    BoxPx::new(x + w + BESIDE_GAP, y, x + w + BESIDE_GAP + pw, y + ph)
                }
            };
            panel.beside = Some((b, parts));
        }
        [x, y, w, h]
    }

    /// The legends beside the map, drawn in the room [`make_room`](Self::make_room) made.
    pub fn beside_nodes(&self) -> Vec<Node> {
        self.panels
            .iter()
            .filter_map(|p| {
                let (b, parts) = p.beside.as_ref()?;
                Some(panel_node(p.position, parts, *b))
            })
            .collect()
    }

    /// The legend panels that go in the map frame, texts cut to `max_width`, in the
    /// order they take their corners (named corners before the automatic one).
    pub(super) fn in_frame(&self, max_width: f64) -> Vec<FramePanel> {
        self.panels
            .iter()
            .filter(|p| !p.position.is_outside())
            .map(|p| {
                let (parts, cut) = fitted(&p.parts, max_width - 2.0 * PAD.0);
                FramePanel {
                    corner: corner_of(p.position),
                    size: panel_size(&parts),
                    cut,
                    position: p.position,
                    parts,
                }
            })
            .collect()
    }
}

/// A legend panel for a corner of the map frame, its texts cut to fit.
pub(super) struct FramePanel {
    /// The corner it asks for; `None` for the emptiest free one.
    pub(super) corner: Option<Corner>,
    pub(super) size: (f64, f64),
    /// The full texts of those it had to cut.
    pub(super) cut: Vec<String>,
    position: LegendPosition,
    parts: Vec<Part>,
}

impl FramePanel {
    /// The panel drawn in box `b`.
    pub(super) fn node(&self, b: BoxPx) -> Node {
        panel_node(self.position, &self.parts, b)
    }
}

fn beside_word(p: LegendPosition) -> &'static str {
    match p {
        LegendPosition::Above => "above",
        LegendPosition::Below => "below",
        _ => "right of",
    }
}

fn warn_cut(warnings: &mut Warnings, cut: &[String], frame_width: f64) {
    for full in cut {
        warnings.push(format!(
            "legend entry {:?} cut with an ellipsis to fit the {frame_width:.0} px wide map frame",
            fit::preview(full),
        ));
    }
}

/// The parts with texts cut so each is at most `max_width` wide, and the full texts of
/// those that were cut.
fn fitted(parts: &[Part], max_width: f64) -> (Vec<Part>, Vec<String>) {
    let mut cut = Vec::new();
    let parts = parts
        .iter()
        .map(|p| {
            let mut p = p.clone();
            p.fit(max_width, &mut cut);
            p
        })
        .collect();
    (parts, cut)
}

/// Width and height of a panel holding `parts`, one under another.
fn panel_size(parts: &[Part]) -> (f64, f64) {
    let sizes: Vec<(f64, f64)> = parts.iter().map(Part::size).collect();
    let w = sizes.iter().map(|s| s.0).fold(0.0, f64::max);
    let h: f64 =
        sizes.iter().map(|s| s.1).sum::<f64>() + PART_GAP * sizes.len().saturating_sub(1) as f64;
    (w + 2.0 * PAD.0, h + 2.0 * PAD.1)
}

/// The panel's group: its background, then its parts one under another, labelled with
/// every entry in words.
fn panel_node(position: LegendPosition, parts: &[Part], b: BoxPx) -> Node {
    let mut children = vec![panel_rect(b)];
    let mut y = b.y0 + PAD.1;
    let mut said = Vec::new();
    for part in parts {
        part.draw(b.x0 + PAD.0, y, &mut children);
        y += part.size().1 + PART_GAP;
        match part {
            Part::Rows(rows, _) => said.extend(rows.iter().map(|e| e.text.clone())),
            Part::Block(block, _) => said.push(block.describe()),
        }
    }
    let label = format!("Legend: {}", said.join("; "));
    let id = panel_id(position);
    Node::Group(Group::named(id, "legend", children).with_label(label))
}

/// The legend panel a map draws for `blocks` (all running in `direction`), with its
/// top-left corner at `(x, y)`, and its box: for pages that set legends apart, and for
/// checking how legends look in every output.
pub fn legend_panel(
    blocks: &[LegendBlock],
    direction: LegendDirection,
    x: f64,
    y: f64,
) -> (Node, BoxPx) {
    let parts: Vec<Part> = blocks
        .iter()
        .map(|b| Part::Block(b.clone(), direction))
        .collect();
    let (w, h) = panel_size(&parts);
    let b = BoxPx::new(x, y, x + w, y + h);
    (panel_node(LegendPosition::Auto, &parts, b), b)
}

/// A copy of the selection, to project again into a frame that gave up room for legends.
pub fn copy_selection<'a>(selected: &[SelectedLayer<'a>]) -> Vec<SelectedLayer<'a>> {
    selected.to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::color::{Paint, Rgba};
    use crate::scene::{Shape, ShapeGeometry, Style, Text};
    use crate::symbology::legend::{class_texts, LegendBody, Swatch, SwatchKind};

    fn area(text: &str, fill: Paint) -> Swatch {
        Swatch {
            text: text.into(),
            kind: SwatchKind::Area,
            style: Style {
                fill,
                ..Style::default()
            },
        }
    }

    fn blues() -> LegendBlock {
        let format = crate::spec::number_format::NumberFormat::parse(".1%").unwrap();
        let texts = class_texts(&[0.02, 0.05, 0.078, 0.3], Some(&format));
        let fills = [
            Paint::rgb(0xde, 0xeb, 0xf7),
            Paint::rgb(0x9e, 0xca, 0xe1),
            Paint::rgb(0x31, 0x82, 0xbd),
        ];
        let mut swatches: Vec<Swatch> = texts.iter().zip(fills).map(|(t, f)| area(t, f)).collect();
        swatches.push(Swatch {
            style: Style {
                hatch: Some(Paint::rgb(0x99, 0x99, 0x99)),
                ..area("No data", Paint::rgb(0xff, 0xff, 0xff)).style
            },
            ..area("No data", Paint::None)
        });
        LegendBlock {
            title: Some("Unemployment rate".into()),
            body: LegendBody::Classes { swatches },
            missing: None,
        }
    }

    fn ramp() -> LegendBlock {
        LegendBlock {
            title: None,
            body: LegendBody::Ramp {
                stops: vec![
                    (0.0, Rgba::rgb(0x44, 0x01, 0x54)),
                    (0.5, Rgba::rgb(0x21, 0x91, 0x8c)),
                    (1.0, Rgba::rgb(0xfd, 0xe7, 0x25)),
                ],
                ticks: vec![(0.0, "0".into()), (0.5, "50".into()), (1.0, "100".into())],
            },
            missing: Some(area("No data", Paint::rgb(0xcc, 0xcc, 0xcc))),
        }
    }

    fn children(n: &Node) -> &[Node] {
        match n {
            Node::Group(g) => &g.children,
            _ => &[],
        }
    }

    fn shapes<'a>(n: &'a Node, class: &str) -> Vec<&'a Shape> {
        children(n)
            .iter()
            .filter_map(|c| match c {
                Node::Shape(s) if s.class.as_deref() == Some(class) => Some(s),
                _ => None,
            })
            .collect()
    }

    fn texts(n: &Node) -> Vec<&Text> {
        children(n)
            .iter()
            .filter_map(|c| match c {
                Node::Text(t) => Some(t),
                _ => None,
            })
            .collect()
    }

    fn rect(s: &Shape) -> [f64; 4] {
        match s.geometry {
            ShapeGeometry::Rect { x, y, w, h, .. } => [x, y, w, h],
            _ => panic!("not a rect: {s:?}"),
        }
    }

    #[test]
    fn classes_read_lowest_first_with_ranges_title_and_the_no_data_row() {
        let (node, b) = legend_panel(&[blues()], LegendDirection::Vertical, 10.0, 20.0);
        let Node::Group(g) = &node else { panic!() };
        assert_eq!(
            g.label.as_deref(),
            Some("Legend: Unemployment rate: 2.0% – 5.0%, 5.0% – 7.8%, 7.8% – 30.0%, No data")
        );
        let swatches = shapes(&node, "legend-swatch");
        assert_eq!(swatches.len(), 4);
        // One under another, each the class's own colour; the last hatched.
        let tops: Vec<f64> = swatches.iter().map(|s| rect(s)[1]).collect();
        assert!(tops.windows(2).all(|w| w[1] > w[0] + 12.0), "{tops:?}");
        let style = |i: usize| swatches[i].style.clone().unwrap();
        assert_eq!(style(0).fill, Paint::rgb(0xde, 0xeb, 0xf7));
        assert_eq!(style(3).hatch, Some(Paint::rgb(0x99, 0x99, 0x99)));
        let t: Vec<&str> = texts(&node).iter().map(|t| t.lines[0].as_str()).collect();
        assert_eq!(
            t,
            [
                "Unemployment rate",
                "2.0% – 5.0%",
                "5.0% – 7.8%",
                "7.8% – 30.0%",
                "No data"
            ]
        );
        assert!(texts(&node)[0].bold);
        // Everything inside the panel's box.
        for s in &swatches {
            let [x, y, w, h] = rect(s);
            assert!(x >= b.x0 && y >= b.y0 && x + w <= b.x1 && y + h <= b.y1);
        }
    }

    #[test]
    fn horizontal_classes_run_left_to_right_in_touching_cells() {
        let (node, b) = legend_panel(&[blues()], LegendDirection::Horizontal, 0.0, 0.0);
        let swatches = shapes(&node, "legend-swatch");
        let r: Vec<[f64; 4]> = swatches.iter().map(|s| rect(s)).collect();
        assert!(r.iter().all(|q| q[1] == r[0][1]), "one row: {r:?}");
        assert!((r[0][0] + r[0][2] - r[1][0]).abs() < 1e-9, "classes touch");
        assert!(r[3][0] > r[2][0] + r[2][2], "no data stands apart");
        assert!(b.width() > b.height() * 3.0, "{b:?}");
        let under: Vec<&Text> = texts(&node).into_iter().skip(1).collect();
        assert!(under
            .iter()
            .zip(&r)
            .all(|(t, q)| (t.x - (q[0] + q[2] / 2.0)).abs() < 1e-9 && t.y > q[1] + q[3]));
    }

    #[test]
    fn a_ramp_runs_from_the_first_stop_at_the_bottom_to_the_last_at_the_top() {
        let (node, _) = legend_panel(&[ramp()], LegendDirection::Vertical, 0.0, 0.0);
        let strips = shapes(&node, "legend-ramp");
        assert!(strips.len() >= 50);
        let fill = |s: &Shape| s.style.as_ref().unwrap().fill;
        let by_y = |s: &&Shape| rect(s)[1];
        let bottom = strips
            .iter()
            .max_by(|a, b| by_y(a).total_cmp(&by_y(b)))
            .unwrap();
        let top = strips
            .iter()
            .min_by(|a, b| by_y(a).total_cmp(&by_y(b)))
            .unwrap();
        let near = |p: Paint, c: Rgba| match p {
            Paint::Color(q) => [q.r.abs_diff(c.r), q.g.abs_diff(c.g), q.b.abs_diff(c.b)]
                .iter()
                .all(|d| *d <= 4),
            Paint::None => false,
        };
        assert!(near(fill(bottom), Rgba::rgb(0x44, 0x01, 0x54)));
        assert!(near(fill(top), Rgba::rgb(0xfd, 0xe7, 0x25)));
        // Ticks: "0" at the bottom, "100" at the top, on the ramp's side.
        let t = texts(&node);
        let y_of = |s: &str| t.iter().find(|x| x.lines[0] == s).unwrap().y;
        assert!(y_of("0") > y_of("50") && y_of("50") > y_of("100"));
        assert_eq!(
            node_label(&node),
            "Legend: a colour ramp from 0 to 100, No data"
        );
    }

    fn node_label(n: &Node) -> &str {
        match n {
            Node::Group(g) => g.label.as_deref().unwrap_or(""),
            _ => "",
        }
    }

    #[test]
    fn nested_circles_stand_on_one_bottom_largest_first_each_with_its_value() {
        let block = LegendBlock {
            title: Some("Magnitude".into()),
            body: LegendBody::Circles {
                circles: vec![(6.0, "4".into()), (24.0, "8".into()), (15.0, "6".into())],
                style: Style {
                    fill: Paint::rgb(200, 50, 50),
                    ..Style::default()
                },
            },
            missing: None,
        };
        let (node, b) = legend_panel(&[block], LegendDirection::Vertical, 0.0, 0.0);
        let circles: Vec<[f64; 3]> = shapes(&node, "legend-circle")
            .iter()
            .map(|s| match s.geometry {
                ShapeGeometry::Circle { cx, cy, r } => [cx, cy, r],
                _ => panic!(),
            })
            .collect();
        assert_eq!(
            circles.iter().map(|c| c[2]).collect::<Vec<_>>(),
            [24.0, 15.0, 6.0]
        );
        let bottoms: Vec<f64> = circles.iter().map(|c| c[1] + c[2]).collect();
        assert!(bottoms.iter().all(|y| (y - bottoms[0]).abs() < 1e-9));
        assert!(bottoms[0] <= b.y1);
        let values: Vec<(&str, f64)> = texts(&node)
            .iter()
            .skip(1)
            .map(|t| (t.lines[0].as_str(), t.y))
            .collect();
        assert_eq!(
            values.iter().map(|v| v.0).collect::<Vec<_>>(),
            ["8", "6", "4"]
        );
        assert!(
            values.windows(2).all(|w| w[1].1 >= w[0].1 + 12.0),
            "{values:?}"
        );
        assert_eq!(shapes(&node, "legend-tick").len(), 1);
    }

    #[test]
    fn legends_beside_the_map_take_room_from_its_frame() {
        let mut legends = Legends {
            panels: vec![
                Panel {
                    position: LegendPosition::Above,
                    parts: vec![Part::Block(blues(), LegendDirection::Horizontal)],
                    beside: None,
                },
                Panel {
                    position: LegendPosition::Right,
                    parts: vec![Part::Block(ramp(), LegendDirection::Vertical)],
                    beside: None,
                },
            ],
        };
        let frame = [20.0, 60.0, 800.0, 500.0];
        let mut warnings = Vec::new();
        let [x, y, w, h] = legends.make_room(frame, &mut warnings);
        assert!(warnings.is_empty(), "{warnings:?}");
        let map = BoxPx::new(x, y, x + w, y + h);
        let outer = BoxPx::new(20.0, 60.0, 820.0, 560.0);
        assert!(map.inside(&outer) && y > 60.0 && w < 800.0 && x == 20.0);
        let placed: Vec<BoxPx> = legends
            .panels
            .iter()
            .filter_map(|p| Some(p.beside.as_ref()?.0))
            .collect();
        assert_eq!(placed.len(), 2);
        for b in &placed {
            assert!(b.inside(&outer) && !b.intersects(&map), "{b:?} {map:?}");
        }
        assert_eq!(legends.beside_nodes().len(), 2);
        // A legend too big for the room beside a small frame is left out, with a warning.
        let mut small = legends.clone();
        let room = small.make_room([0.0, 0.0, 120.0, 60.0], &mut warnings);
        assert_eq!(room, [0.0, 0.0, 120.0, 60.0]);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings[0].contains("legend above the map dropped"),
            "{warnings:?}"
        );
    }

    #[test]
    fn blocks_stack_one_under_another_in_one_labelled_panel() {
        let (node, b) = legend_panel(&[blues(), ramp()], LegendDirection::Vertical, 0.0, 0.0);
        let last_swatch = shapes(&node, "legend-swatch")
            .iter()
            .filter(|s| s.style.as_ref().unwrap().fill == Paint::rgb(0xff, 0xff, 0xff))
            .map(|s| rect(s)[1] + rect(s)[3])
            .fold(0.0, f64::max);
        let ramp_top = shapes(&node, "legend-ramp")
            .iter()
            .map(|s| rect(s)[1])
            .fold(f64::INFINITY, f64::min);
        assert!(
            ramp_top > last_swatch + PART_GAP,
            "{ramp_top} {last_swatch}"
        );
        assert!(b.y1 > ramp_top + 150.0);
        assert_eq!(
            node_label(&node),
            "Legend: Unemployment rate: 2.0% – 5.0%, 5.0% – 7.8%, 7.8% – 30.0%, No data; a colour ramp from 0 to 100, No data"
        );
    }

    #[test]
    fn empty_and_non_finite_blocks_draw_what_they_can() {
        let odd = [
            LegendBody::Circles {
                circles: vec![
                    (f64::NAN, "a".into()),
                    (-3.0, "b".into()),
                    (4.0, "c".into()),
                ],
                style: Style::default(),
            },
            LegendBody::Circles {
                circles: Vec::new(),
                style: Style::default(),
            },
            LegendBody::Ramp {
                stops: vec![(f64::NAN, Rgba::rgb(1, 2, 3))],
                ticks: vec![(f64::INFINITY, "x".into())],
            },
            LegendBody::Ramp {
                stops: Vec::new(),
                ticks: Vec::new(),
            },
            LegendBody::Classes {
                swatches: Vec::new(),
            },
        ];
        for body in odd {
            for dir in [LegendDirection::Vertical, LegendDirection::Horizontal] {
                let block = LegendBlock {
                    title: None,
                    body: body.clone(),
                    missing: None,
                };
                let (node, b) = legend_panel(&[block], dir, 0.0, 0.0);
                assert!(b.width().is_finite() && b.height().is_finite(), "{body:?}");
                assert!(shapes(&node, "legend-ramp").is_empty());
                assert!(shapes(&node, "legend-circle").len() <= 1);
            }
        }
        // A circle too big for any frame makes a panel no corner can hold.
        let huge = LegendBlock {
            title: None,
            body: LegendBody::Circles {
                circles: vec![(f64::MAX, "∞".into())],
                style: Style::default(),
            },
            missing: None,
        };
        let (_, b) = legend_panel(&[huge], LegendDirection::Vertical, 0.0, 0.0);
        assert!(b.width() > 10_000.0);
    }

    #[test]
    fn rows_of_constant_layers_keep_their_size() {
        let entry = LegendEntry {
            text: "Provinces".into(),
            kind: SwatchKind::Area,
            style: Style::default(),
            marker_radius: 3.5,
        };
        let rows = vec![entry.clone(), entry];
        let parts = [Part::Rows(rows.clone(), LegendDirection::Vertical)];
        let (w, h) = panel_size(&parts);
        let text = super::super::legend_blocks::text_width("Provinces", false);
        assert_eq!((w, h), (text + 42.0, 2.0 * 19.0 + 12.0));
        // Side by side above or below the map: one row high.
        let parts = [Part::Rows(rows, LegendDirection::Horizontal)];
        let (w, h) = panel_size(&parts);
        assert_eq!((w, h), (2.0 * (text + 26.0) + 16.0 + 16.0, 19.0 + 12.0));
        let (node, b) = {
            let b = BoxPx::new(0.0, 0.0, w, h);
            (panel_node(LegendPosition::Below, &parts, b), b)
        };
        let xs: Vec<f64> = shapes(&node, "legend-swatch")
            .iter()
            .map(|s| rect(s)[0])
            .collect();
        assert_eq!(xs, [8.0, 8.0 + text + 26.0 + 16.0]);
        assert!(xs[1] + 18.0 < b.x1);
    }
}
