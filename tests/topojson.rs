//! TopoJSON through the real binary and the library, on the registry's real files
//! (us-atlas 3.0.1, world-atlas 2.0.2): every object drawn, one object picked, the same
//! SVG path data as the GeoJSON topojson-client writes from the same file, simplification
//! over the file's own arcs without gaps, inner borders, object errors and hostile files.

mod common;

use common::{mapfig, scratch, stderr};
use std::path::{Path, PathBuf};
use std::process::Output;

/// A file of the registry test data, fetched on first need.
fn registry(file: &str) -> PathBuf {
    common::registry_data(file)
}

fn draw(input: &Path, out: &Path, flags: &[&str]) -> Output {
    mapfig()
        .arg("draw")
        .arg(input)
        .arg("-o")
        .arg(out)
        .args(flags)
        .output()
        .unwrap()
}

fn drawn(input: &Path, out: &Path, flags: &[&str]) -> String {
    let o = draw(input, out, flags);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::read_to_string(out).unwrap()
}

/// Each layer group of an SVG, in document order: its class's layer name and the `d` of
/// its feature paths.
fn layers(svg: &str) -> Vec<(String, Vec<String>)> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("g"))
        .filter_map(|g| {
            let class = g.attribute("class")?;
            let name = class.split(' ').find_map(|c| c.strip_prefix("layer-"))?;
            let paths = g
                .descendants()
                .filter(|p| p.has_tag_name("path") && p.attribute("class") == Some("feature"))
                .filter_map(|p| p.attribute("d").map(str::to_string))
                .collect();
            Some((name.to_string(), paths))
        })
        .collect()
}

#[test]
fn counties_draw_every_object_with_no_flags() {
    let dir = scratch("topojson", "counties");
    let svg = drawn(
        &registry("us-atlas/counties-10m.json"),
        &dir.join("us.svg"),
        &[],
    );
    let got = layers(&svg);
    let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["counties", "states", "nation"]);
    assert!(got[0].1.len() > 3000, "{} county paths", got[0].1.len());
    assert_eq!(got[1].1.len(), 56);
    // Only the first polygon object is filled: states and nation are outlines over it.
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let fills: Vec<Option<&str>> = doc
        .descendants()
        .filter(|g| {
            g.attribute("class")
                .is_some_and(|c| c.starts_with("layer "))
        })
        .map(|g| g.attribute("fill"))
        .collect();
    assert_eq!(fills, [Some("#dddddd"), Some("none"), Some("none")]);

    let png = dir.join("us.png");
    let o = draw(
        &registry("us-atlas/counties-10m.json"),
        &png,
        &["--size", "800x500"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let pixmap = resvg::tiny_skia::Pixmap::load_png(&png).unwrap();
    let inked = pixmap
        .pixels()
        .iter()
        .filter(|p| p.red() < 250 || p.green() < 250)
        .count();
    assert!(inked > 20_000, "{inked} inked pixels");
}

#[test]
fn one_object_is_drawn_with_object() {
    let dir = scratch("topojson", "object");
    let svg = drawn(
        &registry("us-atlas/states-10m.json"),
        &dir.join("states.svg"),
        &["--object", "states"],
    );
    let got = layers(&svg);
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].0.as_str(), got[0].1.len()), ("states", 56));
    assert!(svg.contains("aria-label=\"Alabama\""));

    let o = draw(
        &registry("us-atlas/states-10m.json"),
        &dir.join("x.svg"),
        &["--object", "provinces"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("\"provinces\"")
            && e.contains("\"states\" (56 features), \"nation\" (1 feature)"),
        "{e}"
    );
    assert!(!dir.join("x.svg").exists());
}

#[test]
fn simplify_keeps_every_county_with_fewer_vertices() {
    let dir = scratch("topojson", "simplify");
    let input = registry("us-atlas/counties-10m.json");
    let flags = ["--object", "counties", "--size", "1000x600"];
    let full = layers(&drawn(&input, &dir.join("full.svg"), &flags));
    let mut simplified = flags.to_vec();
    simplified.extend(["--simplify", "10%"]);
    let simple = layers(&drawn(&input, &dir.join("simple.svg"), &simplified));
    let vertices =
        |paths: &[String]| -> usize { paths.iter().map(|d| d.matches('L').count()).sum() };
    assert_eq!(full[0].1.len(), simple[0].1.len());
    let (before, after) = (vertices(&full[0].1), vertices(&simple[0].1));
    assert!(
        after * 10 < before * 7,
        "{before} vertices drawn, {after} after --simplify 10%"
    );
}

/// The numbers of path data, and its commands.
fn tokens(d: &str) -> (Vec<f64>, String) {
    let commands: String = d.chars().filter(|c| c.is_ascii_alphabetic()).collect();
    let numbers = d
        .split(|c: char| c.is_ascii_alphabetic() || c == ',')
        .filter(|t| !t.is_empty())
        .map(|t| t.parse().unwrap())
        .collect();
    (numbers, commands)
}

/// Draws a TopoJSON object and the GeoJSON topo2geo wrote from it alike, and compares the
/// path data of every feature: the same commands, every coordinate within one unit of the
/// last digit written (0.01 px).
fn same_paths_as_geojson(topojson: &str, object: &str, geojson: &str, flags: &[&str]) {
    let dir = scratch("topojson", object);
    let mut with_object = vec!["--object", object];
    with_object.extend_from_slice(flags);
    let topo = layers(&drawn(
        &registry(topojson),
        &dir.join("t.svg"),
        &with_object,
    ));
    let geo = layers(&drawn(&registry(geojson), &dir.join("g.svg"), flags));
    let (topo, geo) = (&topo[0].1, &geo[0].1);
    assert!(topo.len() > 50, "{} paths", topo.len());
    assert_eq!(topo.len(), geo.len());
    for (i, (a, b)) in topo.iter().zip(geo).enumerate() {
        let ((na, ca), (nb, cb)) = (tokens(a), tokens(b));
        assert_eq!(ca, cb, "path {i}: commands differ");
        assert_eq!(na.len(), nb.len(), "path {i}");
        for (x, y) in na.iter().zip(&nb) {
            assert!((x - y).abs() <= 0.010_000_1, "path {i}: {x} against {y}");
        }
    }
}

#[test]
fn us_states_draw_as_their_geojson_does() {
    same_paths_as_geojson(
        "us-atlas/states-10m.json",
        "states",
        "geojson/us-states-10m.geojson",
        &["--size", "1000x600"],
    );
}

#[test]
fn world_countries_draw_as_their_geojson_does() {
    same_paths_as_geojson(
        "world-atlas/countries-110m.json",
        "countries",
        "geojson/world-countries-110m.geojson",
        &["--proj", "+proj=robin", "--size", "1000x500"],
    );
}

/// A spec in `dir` drawing `layers` (TOML `[[layer]]` tables) to `out.svg`.
fn render(dir: &Path, layers: &str) -> Output {
    let spec = dir.join("map.toml");
    std::fs::write(&spec, format!("size = [800, 500]\n{layers}")).unwrap();
    mapfig()
        .args([
            "render",
            spec.to_str().unwrap(),
            "-o",
            dir.to_str().unwrap(),
            "--format",
            "svg",
        ])
        .output()
        .unwrap()
}

#[test]
fn states_draw_their_inner_borders() {
    let dir = scratch("topojson", "inner");
    let source = registry("us-atlas/states-10m.json");
    let o = render(
        &dir,
        &format!(
            "[[layer]]\nid = \"borders\"\nsource = {:?}\nobject = \"states\"\nlines = \"inner\"\n",
            source.to_str().unwrap()
        ),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = std::fs::read_to_string(dir.join("map.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let d: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("path"))
        .filter_map(|p| p.attribute("d"))
        .collect();
    let moves: usize = d.iter().map(|d| d.matches('M').count()).sum();
    // 109 land borders between the lower 48 and DC, some cut into several arcs.
    assert!((100..400).contains(&moves), "{moves} border lines");
}

#[test]
fn a_layer_must_name_its_object_in_a_file_of_several() {
    let dir = scratch("topojson", "several");
    let source = registry("us-atlas/counties-10m.json");
    let o = render(
        &dir,
        &format!(
            "[[layer]]\nid = \"us\"\nsource = {:?}\n",
            source.to_str().unwrap()
        ),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("holds 3 objects, so the layer must name one with `object = \"name\"`")
            && e.contains(
                "\"counties\" (3231 features), \"states\" (56 features), \"nation\" (1 feature)"
            ),
        "{e}"
    );
    let o = render(
        &dir,
        &format!(
            "[[layer]]\nid = \"us\"\nsource = {:?}\nobject = \"county\"\n",
            source.to_str().unwrap()
        ),
    );
    let e = stderr(&o);
    assert!(
        e.contains("asks for object \"county\"") && e.contains("\"counties\" (3231 features)"),
        "{e}"
    );
    assert!(!dir.join("map.svg").exists());
}

/// Hostile TopoJSON files: exit 1, the file named, the problem said, nothing written.
#[test]
fn hostile_topojson_is_refused_cleanly() {
    let corpus = common::root().join("tests/data/topojson-hostile");
    let cases: &[(&str, &[&str], &str)] = &[
        ("arc-out-of-range.topojson", &[], "object \"counties\", feature 0 (id \"01001\"), ring 0: arc index 99999 out of range (the file has 1 arcs)"),
        ("negative-arc-out-of-range.topojson", &[], "arc index -5 out of range"),
        ("zero-scale.topojson", &[], "scale [0.0, 0.001]: both must be finite and not zero"),
        ("huge-scale.topojson", &[], "1:"),
        ("delta-overflow.topojson", &[], "past any quantized position"),
        ("translate-off-the-globe.topojson", &[], "is not a longitude, latitude pair"),
        ("deep-nesting.topojson", &[], "nested deeper than 128 levels"),
        ("truncated.topojson", &[], "truncated JSON"),
        ("ring-not-closed.topojson", &[], "ring is not closed"),
        ("arc-one-position.topojson", &[], "an arc needs at least 2"),
        ("no-type.topojson", &[], "needs a \"type\""),
        ("objects-twice.topojson", &[], "named twice"),
        ("objects-array.topojson", &[], "not valid TopoJSON"),
        ("properties-array.topojson", &[], "\"properties\" must be an object or null"),
        ("fractional-arc-index.topojson", &[], "arc indices"),
        ("nan.topojson", &[], "malformed JSON"),
        ("amplified-arcs.topojson", &["--max-vertices", "100000"], "--max-vertices"),
        ("amplified-arcs-unbounded.topojson", &[], "16 per byte of the file"),
    ];
    let listed: Vec<&str> = cases.iter().map(|c| c.0).collect();
    let mut files = common::files_in(&corpus);
    files.sort();
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(
        files,
        sorted,
        "every file of {} has a case",
        corpus.display()
    );
    let dir = scratch("topojson", "hostile");
    for (file, flags, says) in cases {
        let out = dir.join("x.svg");
        let o = draw(&corpus.join(file), &out, flags);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{file}: {e}");
        assert!(e.contains(file) && e.contains(says), "{file}: {e}");
        assert!(!e.contains("panicked"), "{file}: {e}");
        assert!(!out.exists(), "{file}");
    }
}

mod gaps {
    //! `--simplify` on the counties, over the file's own arcs: the method of
    //! tests/topology.rs (each feature filled without anti-aliasing; a pixel inside the
    //! unsimplified counties that no simplified county covers, away from the outline, is a
    //! gap), on the lower 48 in Albers.
    use super::registry;
    use mapfig::geom::{flatten, Bounds, Flat, Pt, Ring};
    use mapfig::prepare::source_arcs::{topologies, SourceFeature};
    use mapfig::prepare::topology::{Polygons, Topology};
    use mapfig::projection::{project_flat, Projection};
    use resvg::tiny_skia::{FillRule, Paint, PathBuilder, Pixmap, Stroke, Transform};
    use std::sync::Arc;

    const SIZE: [u32; 2] = [1000, 640];

    struct Canvas {
        bounds: [f64; 4],
        scale: f64,
    }

    impl Canvas {
        fn fit(features: &[Polygons]) -> Canvas {
            let mut b = Bounds::default();
            for ring in features.iter().flatten().flatten() {
                b.add_all(ring);
            }
            let bounds = b.get().unwrap();
            let scale = ((SIZE[0] - 20) as f64 / (bounds[2] - bounds[0]))
                .min((SIZE[1] - 20) as f64 / (bounds[3] - bounds[1]));
            Canvas { bounds, scale }
        }

        fn path(&self, lines: &[Ring], close: bool) -> Option<resvg::tiny_skia::Path> {
            let px = |p: Pt| {
                (
                    (10.0 + (p[0] - self.bounds[0]) * self.scale) as f32,
                    (10.0 + (self.bounds[3] - p[1]) * self.scale) as f32,
                )
            };
            let mut pb = PathBuilder::new();
            for line in lines.iter().filter(|l| l.len() >= 2) {
                let (x, y) = px(line[0]);
                pb.move_to(x, y);
                for &p in &line[1..] {
                    let (x, y) = px(p);
                    pb.line_to(x, y);
                }
                if close {
                    pb.close();
                }
            }
            pb.finish()
        }

        fn fill(&self, features: &[Polygons]) -> Pixmap {
            let mut pixmap = Pixmap::new(SIZE[0], SIZE[1]).unwrap();
            for feature in features {
                let rings: Vec<Ring> = feature.iter().flatten().cloned().collect();
                if let Some(path) = self.path(&rings, true) {
                    pixmap.fill_path(
                        &path,
                        &solid(),
                        FillRule::EvenOdd,
                        Transform::identity(),
                        None,
                    );
                }
            }
            pixmap
        }

        fn near(&self, lines: &[Ring], pixmap: &mut Pixmap) {
            let stroke = Stroke {
                width: 4.0,
                ..Stroke::default()
            };
            if let Some(path) = self.path(lines, false) {
                pixmap.stroke_path(&path, &solid(), &stroke, Transform::identity(), None);
            }
        }
    }

    fn solid() -> Paint<'static> {
        let mut paint = Paint::default();
        paint.set_color_rgba8(0, 0, 0, 255);
        paint.anti_alias = false;
        paint
    }

    fn gap_pixels(
        canvas: &Canvas,
        full: &Topology,
        simplified: &[Polygons],
        outline: &[Ring],
    ) -> usize {
        let before = canvas.fill(&full.polygons());
        let after = canvas.fill(simplified);
        let mut near = Pixmap::new(SIZE[0], SIZE[1]).unwrap();
        canvas.near(&full.outer_lines(), &mut near);
        canvas.near(outline, &mut near);
        let (before, after, near) = (before.pixels(), after.pixels(), near.pixels());
        (0..before.len())
            .filter(|&i| before[i].alpha() > 0 && near[i].alpha() == 0 && after[i].alpha() == 0)
            .count()
    }

    #[test]
    fn simplifying_counties_over_the_files_arcs_opens_no_gaps() {
        let data =
            Arc::new(mapfig::sources::load(&registry("us-atlas/counties-10m.json")).unwrap());
        let projection = Projection::parse("EPSG:5070").unwrap();
        let range = data.object_range(Some("counties"), "test").unwrap();
        // The lower 48 (and DC): state FIPS codes of the others.
        let away = ["02", "15", "60", "66", "69", "72", "78"];
        let projected: Vec<(usize, Flat)> = range
            .filter(|&i| !away.iter().any(|s| data.features[i].id.starts_with(s)))
            .filter_map(|i| {
                let mut flat = Flat::default();
                flatten(data.features[i].geometry.as_ref()?, &mut flat);
                Some((i, project_flat(&flat, &projection)))
            })
            .filter(|(_, f)| !f.polygons.is_empty())
            .collect();
        let features: Vec<SourceFeature> = projected
            .iter()
            .map(|(i, f)| (&data, *i, f.polygons.as_slice()))
            .collect();
        assert!(features.len() > 3000, "{} counties", features.len());
        let mut parts = topologies(&features, &projection);
        // Every county is the file's own arcs: no snapped build.
        assert_eq!(parts.len(), 1);
        let (full, members) = parts.remove(0);
        assert_eq!(members.len(), features.len());
        let polygons: Vec<Polygons> = features.iter().map(|f| f.2.to_vec()).collect();
        let canvas = Canvas::fit(&polygons);
        let mut shared = full.clone();
        shared.simplify(0.1);
        let (before, after) = (full.vertex_count(), shared.vertex_count());
        assert!(after * 10 < before * 6, "{before} vertices, {after} left");
        let outline = shared.outer_lines();
        assert_eq!(gap_pixels(&canvas, &full, &shared.polygons(), &outline), 0);

        // The check can fail: each county simplified on its own opens gaps.
        let alone: Vec<Polygons> = polygons
            .iter()
            .map(|f| {
                let mut t = Topology::build(std::slice::from_ref(f));
                t.simplify(0.1);
                t.polygons().remove(0)
            })
            .collect();
        let gaps = gap_pixels(&canvas, &full, &alone, &outline);
        assert!(gaps > 50, "{gaps} gap pixels");
    }
}
