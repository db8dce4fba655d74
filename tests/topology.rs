//! Shared-arc topology on real data: the 34 Afghan provinces, simplified to 10%, keep
//! borders that both neighbours draw identically, so simplification opens no gaps.

mod common;

use mapfig::geom::{flatten, Bounds, Flat, Pt, Ring};
use mapfig::prepare::topology::{Polygons, Topology};
use resvg::tiny_skia::{self, FillRule, Paint, PathBuilder, Pixmap, Stroke, Transform};
use std::path::Path;
use std::time::Instant;

fn load(path: &Path) -> Vec<Polygons> {
    let data = mapfig::sources::load(path).unwrap();
    data.features
        .iter()
        .map(|f| {
            let mut flat = Flat::default();
            if let Some(g) = &f.geometry {
                flatten(g, &mut flat);
            }
            flat.polygons
        })
        .collect()
}

fn provinces() -> Vec<Polygons> {
    load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata/afghanistan-provinces.geojson"))
}

fn simplified(topology: &Topology, share: f64) -> Topology {
    let mut t = topology.clone();
    t.simplify(share);
    t
}

/// Whether closed `ring` runs through all of `line` in order, either way round.
fn contains_run(ring: &[Pt], line: &[Pt]) -> bool {
    let n = ring.len() - 1;
    let at = |i: usize| ring[i % n];
    line.len() <= n + 1
        && (0..n).any(|start| {
            (0..line.len()).all(|k| at(start + k) == line[k])
                || (0..line.len()).all(|k| at(start + n - k) == line[k])
        })
}

#[test]
fn simplified_borders_are_identical_in_both_provinces() {
    let topology = simplified(&Topology::build(&provinces()), 0.1);
    let polygons = topology.polygons();
    let mut neighbour_pairs = 0;
    for a in 0..polygons.len() {
        for b in a + 1..polygons.len() {
            let border = topology.shared_border(&[a], &[b]);
            neighbour_pairs += usize::from(!border.is_empty());
            for line in &border {
                for feature in [a, b] {
                    let found = polygons[feature]
                        .iter()
                        .flatten()
                        .any(|ring| contains_run(ring, line));
                    assert!(found, "border {a}-{b} is not a run of province {feature}");
                }
            }
        }
    }
    // The 34 provinces make 80 neighbouring pairs, each meeting along one arc.
    assert_eq!(neighbour_pairs, 80);
    assert_eq!(topology.inner_lines().len(), 80);
}

#[test]
fn ten_percent_keeps_a_tenth_of_the_removable_vertices() {
    let topology = Topology::build(&provinces());
    let all = topology.vertex_count();
    let none = simplified(&topology, 0.0).vertex_count();
    let tenth = simplified(&topology, 0.1).vertex_count();
    let share = (tenth - none) as f64 / (all - none) as f64;
    assert!(all > 5_000, "{all} vertices");
    assert!((0.09..=0.11).contains(&share), "kept {share} of {all}");
    assert!(tenth < all / 5, "{tenth} of {all} vertices left");
}

/// Pixels of an 800 × 600 equirectangular picture of the provinces.
struct Canvas {
    bounds: [f64; 4],
    scale: [f64; 2],
}

impl Canvas {
    const SIZE: [u32; 2] = [800, 600];

    fn fit(features: &[Polygons]) -> Canvas {
        let mut b = Bounds::default();
        for ring in features.iter().flatten().flatten() {
            b.add_all(ring);
        }
        let bounds = b.get().unwrap();
        let aspect = ((bounds[1] + bounds[3]) / 2.0).to_radians().cos();
        let s = ((Self::SIZE[0] - 20) as f64 / ((bounds[2] - bounds[0]) * aspect))
            .min((Self::SIZE[1] - 20) as f64 / (bounds[3] - bounds[1]));
        Canvas {
            bounds,
            scale: [s * aspect, s],
        }
    }

    fn px(&self, p: Pt) -> (f32, f32) {
        (
            (10.0 + (p[0] - self.bounds[0]) * self.scale[0]) as f32,
            (10.0 + (self.bounds[3] - p[1]) * self.scale[1]) as f32,
        )
    }

    fn path(&self, lines: &[Ring], close: bool) -> Option<tiny_skia::Path> {
        let mut pb = PathBuilder::new();
        for line in lines.iter().filter(|l| l.len() >= 2) {
            let (x, y) = self.px(line[0]);
            pb.move_to(x, y);
            for &p in &line[1..] {
                let (x, y) = self.px(p);
                pb.line_to(x, y);
            }
            if close {
                pb.close();
            }
        }
        pb.finish()
    }

    /// Each province filled on its own, even-odd, without anti-aliasing: a pixel is
    /// painted when its centre is inside some province.
    fn fill(&self, features: &[Polygons]) -> Pixmap {
        let mut pixmap = Pixmap::new(Self::SIZE[0], Self::SIZE[1]).unwrap();
        let paint = solid();
        for feature in features {
            let rings: Vec<Ring> = feature.iter().flatten().cloned().collect();
            if let Some(path) = self.path(&rings, true) {
                pixmap.fill_path(
                    &path,
                    &paint,
                    FillRule::EvenOdd,
                    Transform::identity(),
                    None,
                );
            }
        }
        pixmap
    }

    /// Pixels within about `radius` of the lines.
    fn near(&self, lines: &[Ring], radius: f32, pixmap: &mut Pixmap) {
        let stroke = Stroke {
            width: 2.0 * radius,
            ..Stroke::default()
        };
        let path = self.path(lines, false).unwrap();
        pixmap.stroke_path(&path, &solid(), &stroke, Transform::identity(), None);
    }
}

fn solid() -> Paint<'static> {
    let mut paint = Paint::default();
    paint.set_color_rgba8(0, 0, 0, 255);
    paint.anti_alias = false;
    paint
}

/// Pixels inside the unsimplified country that `simplified` leaves empty, leaving out
/// those within 2 px of the country's outline before or after simplification: that the
/// outline itself moves is what simplifying is for; a gap is a hole between provinces.
fn gaps(canvas: &Canvas, full: &Topology, simplified: &[Polygons], outline: &[Ring]) -> usize {
    let before = canvas.fill(&full.polygons());
    let after = canvas.fill(simplified);
    let mut near_outline = Pixmap::new(Canvas::SIZE[0], Canvas::SIZE[1]).unwrap();
    canvas.near(&full.outer_lines(), 2.0, &mut near_outline);
    canvas.near(outline, 2.0, &mut near_outline);
    let (before, after, near) = (before.pixels(), after.pixels(), near_outline.pixels());
    (0..before.len())
        .filter(|&i| before[i].alpha() > 0 && near[i].alpha() == 0 && after[i].alpha() == 0)
        .count()
}

#[test]
fn simplifying_shared_arcs_opens_no_gaps_between_provinces() {
    let features = provinces();
    let canvas = Canvas::fit(&features);
    let full = Topology::build(&features);
    let shared = simplified(&full, 0.1);
    let outline = shared.outer_lines();
    assert_eq!(gaps(&canvas, &full, &shared.polygons(), &outline), 0);

    // The check can fail: simplifying each province on its own opens gaps.
    let alone: Vec<Polygons> = features
        .iter()
        .map(|f| simplified(&Topology::build(std::slice::from_ref(f)), 0.1).polygons()[0].clone())
        .collect();
    let gap_pixels = gaps(&canvas, &full, &alone, &outline);
    assert!(gap_pixels > 50, "{gap_pixels} gap pixels");
}

/// Timing on the world's admin-1 boundaries (1.28 M vertices), when that file is present:
/// `cargo test --test topology -- --ignored --nocapture`.
#[test]
#[ignore]
fn world_admin1_timing() {
    let path = common::registry_data("geojson/world-admin1.geojson");
    let path = path.as_path();
    assert!(
        path.exists(),
        "{} is missing: run bash tests/data/fetch-registry.sh",
        path.display()
    );
    let started = Instant::now();
    let features = load(path);
    let loaded = started.elapsed();
    let input: usize = features.iter().flatten().flatten().map(Vec::len).sum();
    let started = Instant::now();
    let mut topology = Topology::build(&features);
    let built = started.elapsed();
    let before = topology.vertex_count();
    let started = Instant::now();
    topology.simplify(0.1);
    let simplify = started.elapsed();
    let started = Instant::now();
    let polygons = topology.polygons();
    let rebuilt = started.elapsed();
    println!(
        "{} features, {input} input positions, {before} distinct points → {} after 10%; \
         load {loaded:?}, build {built:?}, simplify {simplify:?}, polygons {rebuilt:?}, \
         {} inner lines",
        features.len(),
        topology.vertex_count(),
        topology.inner_lines().len(),
    );
    assert_eq!(polygons.len(), features.len());
}
