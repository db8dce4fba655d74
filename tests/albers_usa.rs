//! The composite projection `albers-usa` (d3.geoAlbersUsa) on us-atlas 3.0.1's real files:
//! the states of `states-10m.json` land where us-atlas's own pre-projected
//! `states-albers-10m.json` (d3.geoAlbersUsa, scale 1300, translate [487.5, 305]) has them;
//! a rendered map puts Alaska and Hawaii in the lower left inside separator frames, drops
//! the territories d3 drops, and draws no scale bar across its parts.

mod common;

use common::{mapfig, registry_data, scratch, stderr};
use mapfig::geom::{flatten, Flat, Pt};
use mapfig::projection::Projection;
use mapfig::sources::Dataset;
use std::collections::BTreeMap;

/// The area-weighted centroid of `flat`'s polygons (exterior rings add, holes subtract,
/// whichever way each is wound), and their area.
fn centroid(flat: &Flat) -> Option<(Pt, f64)> {
    let (mut area, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for poly in &flat.polygons {
        for (k, ring) in poly.iter().enumerate() {
            let (mut a, mut x, mut y) = (0.0, 0.0, 0.0);
            for w in ring.windows(2) {
                let cross = w[0][0] * w[1][1] - w[1][0] * w[0][1];
                a += cross;
                x += (w[0][0] + w[1][0]) * cross;
                y += (w[0][1] + w[1][1]) * cross;
            }
            if a == 0.0 {
                continue;
            }
            let sign = if k == 0 { 1.0 } else { -1.0 };
            let weight = sign * (a / 2.0).abs();
            cx += weight * x / (3.0 * a);
            cy += weight * y / (3.0 * a);
            area += weight;
        }
    }
    (area > 0.0).then(|| ([cx / area, cy / area], area))
}

/// Each feature of `object` in `ds` by id, flattened (its coordinates as read).
fn by_id(ds: &Dataset, object: &str) -> BTreeMap<String, Flat> {
    let range = ds.object_range(Some(object), "test").unwrap();
    ds.features[range]
        .iter()
        .map(|f| {
            let mut flat = Flat::default();
            if let Some(g) = &f.geometry {
                flatten(g, &mut flat);
            }
            (f.id.clone(), flat)
        })
        .collect()
}

/// Projects `object` of us-atlas's `file` (lon/lat) with albers-usa at the scale and
/// translate of its pre-projected `albers_file`, and compares every feature's centroid and
/// area with that file's: the worst centroid distance in pixels and area ratio, and how many
/// features were compared. Features missing from the albers file must project to nothing.
fn compare_with_albers_file(file: &str, albers_file: &str, object: &str) -> (f64, f64, usize) {
    let limits = mapfig::limits::Limits::default();
    let lonlat = mapfig::sources::load(&registry_data(file)).unwrap();
    let screen = mapfig::spec::ReadOptions {
        crs: Some("screen".into()),
        ..Default::default()
    };
    let albers = mapfig::sources::load_with(&registry_data(albers_file), &limits, &screen).unwrap();
    let projection = Projection::parse("albers-usa").unwrap();
    let composite = projection.composite().unwrap();
    let want = by_id(&albers, object);
    let (mut worst, mut worst_area, mut compared) = (0.0f64, 0.0f64, 0);
    for (id, flat) in by_id(&lonlat, object) {
        let projected = mapfig::projection::project_flat(&flat, &projection);
        let pixels = projected.map(|pts| {
            pts.iter()
                .map(|m| composite.metres_to_d3_pixel(*m, 1300.0, [487.5, 305.0]))
                .collect()
        });
        let Some(reference) = want.get(&id) else {
            // American Samoa, Guam, the Northern Marianas, Puerto Rico and the Virgin
            // Islands lie in no part: d3 drops them, and so do we.
            assert!(pixels.is_empty(), "{object} {id} was drawn: {pixels:?}");
            continue;
        };
        let (got, got_area) =
            centroid(&pixels).unwrap_or_else(|| panic!("{object} {id} not drawn"));
        let (expected, area) = centroid(reference).unwrap();
        let d = (got[0] - expected[0]).hypot(got[1] - expected[1]);
        assert!(
            d < 0.5,
            "{object} {id}: centroid {got:?}, us-atlas {expected:?} ({d:.2} px)"
        );
        worst = worst.max(d);
        if area > 10.0 {
            // Quantization moves small shapes' areas more than their place.
            worst_area = worst_area.max((got_area / area - 1.0).abs());
        }
        compared += 1;
    }
    assert_eq!(
        compared,
        want.len(),
        "every {object} feature of {albers_file} compared"
    );
    (worst, worst_area, compared)
}

#[test]
fn states_land_where_us_atlas_albers_file_has_them() {
    assert_eq!(
        mapfig::spec::ProjectionChoice::parse("albers-usa"),
        Ok(mapfig::spec::ProjectionChoice::Named("albers-usa".into()))
    );
    let (worst, area, n) = compare_with_albers_file(
        "us-atlas/states-10m.json",
        "us-atlas/states-albers-10m.json",
        "states",
    );
    assert_eq!(n, 51, "50 states and DC");
    assert!(
        area < 0.01,
        "a state's area differs by {:.2}%",
        area * 100.0
    );
    eprintln!(
        "states: worst centroid {worst:.3} px, area {:.3}%",
        area * 100.0
    );
}

#[test]
fn the_nation_lands_where_us_atlas_albers_file_has_it() {
    // (counties-albers-10m.json is not compared: mapfig refuses to read it, since its
    // Nebraska ring in `states` is left open by two quantization steps.)
    let (worst, area, n) = compare_with_albers_file(
        "us-atlas/nation-10m.json",
        "us-atlas/nation-albers-10m.json",
        "nation",
    );
    assert_eq!(n, 1);
    assert!(
        area < 0.01,
        "the nation's area differs by {:.2}%",
        area * 100.0
    );
    eprintln!(
        "nation: worst centroid {worst:.3} px, area {:.3}%",
        area * 100.0
    );
}

#[test]
fn every_county_lands_in_its_states_part() {
    let counties = mapfig::sources::load(&registry_data("us-atlas/counties-10m.json")).unwrap();
    let projection = Projection::parse("albers-usa").unwrap();
    let composite = projection.composite().unwrap();
    let [alaska, hawaii] = composite.inset_boxes();
    let within =
        |b: [f64; 4], f: [f64; 4]| b[0] >= f[0] && b[1] >= f[1] && b[2] <= f[2] && b[3] <= f[3];
    let meets = |b: [f64; 4], f: [f64; 4]| b[0] < f[2] && b[2] > f[0] && b[1] < f[3] && b[3] > f[1];
    let mut n = [0usize; 4];
    for (id, flat) in by_id(&counties, "counties") {
        if flat.is_empty() {
            // Collapsed by the file's quantization (Falls Church, Virginia).
            continue;
        }
        let projected = mapfig::projection::project_flat(&flat, &projection);
        let state = &id[..2];
        let Some(b) = projected.bounds() else {
            assert!(
                ["60", "66", "69", "72", "78"].contains(&state),
                "county {id} not drawn"
            );
            n[3] += 1;
            continue;
        };
        match state {
            "02" => {
                assert!(within(b, alaska), "Alaska's {id} at {b:?}");
                n[1] += 1;
            }
            "15" => {
                assert!(within(b, hawaii), "Hawaii's {id} at {b:?}");
                n[2] += 1;
            }
            _ => {
                assert!(
                    !meets(b, alaska) && !meets(b, hawaii),
                    "{id} in an inset: {b:?}"
                );
                n[0] += 1;
            }
        }
    }
    // The lower 48's counties, Alaska's 29 boroughs and census areas, Hawaii's 5 counties,
    // and the territories' municipios and districts left out.
    assert_eq!(&n[1..3], &[29, 5], "{n:?}");
    assert!(n[0] > 3100 && n[3] > 70, "{n:?}");
}

/// Renders a one-layer spec of `source` (object `states`) at 975×610 into `dir`, `extra`
/// at its top and `layer` in its layer; the SVG and what the run printed.
fn render(
    dir: &std::path::Path,
    name: &str,
    source: &std::path::Path,
    extra: &str,
    layer: &str,
) -> (String, String) {
    let spec = format!(
        "size = [975, 610]\n{extra}\n[[layer]]\nid = \"states\"\nsource = {:?}\nobject = \"states\"\n{layer}\n",
        source.display().to_string()
    );
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, spec).unwrap();
    let o = mapfig()
        .arg("render")
        .arg(&path)
        .arg("-o")
        .arg(dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = std::fs::read_to_string(dir.join(format!("{name}.svg"))).unwrap();
    (svg, stderr(&o))
}

/// The points of an SVG path's `d` (M/L/Z commands, `x,y` pairs).
fn path_points(d: &str) -> Vec<Pt> {
    d.split(|c: char| c.is_ascii_alphabetic())
        .filter_map(|pair| {
            let (x, y) = pair.split_once(',')?;
            Some([x.parse().ok()?, y.parse().ok()?])
        })
        .collect()
}

/// `[x0, y0, x1, y1]` of points.
fn bbox(points: &[Pt]) -> [f64; 4] {
    points.iter().fold(
        [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ],
        |b, p| {
            [
                b[0].min(p[0]),
                b[1].min(p[1]),
                b[2].max(p[0]),
                b[3].max(p[1]),
            ]
        },
    )
}

/// Each state path of the SVG by its accessible label (the state's name): its points.
fn state_paths(svg: &str) -> BTreeMap<String, Vec<Pt>> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("path") && n.attribute("class") == Some("feature"))
        .filter_map(|n| {
            Some((
                n.attribute("aria-label")?.to_string(),
                path_points(n.attribute("d")?),
            ))
        })
        .collect()
}

#[test]
fn a_rendered_map_has_its_insets_lower_left_in_frames_and_no_scale_bar() {
    let dir = scratch("albers_usa", "render");
    let source = registry_data("us-atlas/states-10m.json");
    let (svg, err) = render(
        &dir,
        "us",
        &source,
        "projection = \"albers-usa\"\n[furniture]\nnorth_arrow = true\ninset = \"locator\"",
        "legend = \"States\"\nlabel = \"{name}\"",
    );
    let states = state_paths(&svg);
    // 56 features, the five territories d3 drops left out.
    assert_eq!(states.len(), 51, "{:?}", states.keys());
    for territory in [
        "Puerto Rico",
        "Guam",
        "American Samoa",
        "United States Virgin Islands",
    ] {
        assert!(!states.contains_key(territory), "{territory} drawn");
    }
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let frames: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("path") && n.attribute("class") == Some("inset-frames"))
        .collect();
    assert_eq!(frames.len(), 1, "one path of inset frames");
    let d = frames[0].attribute("d").unwrap();
    assert_eq!(d.matches('M').count(), 2, "a frame round each inset: {d}");
    let corners = path_points(d);
    let (alaska_frame, hawaii_frame) = (bbox(&corners[..5]), bbox(&corners[5..]));
    // The map frame: the SVG is 975×610, the insets in its lower left.
    let (w, h) = (975.0, 610.0);
    let alaska = bbox(&states["Alaska"]);
    let hawaii = bbox(&states["Hawaii"]);
    assert!(
        alaska[2] < 0.35 * w && alaska[1] > 0.55 * h,
        "Alaska at {alaska:?}"
    );
    assert!(
        hawaii[2] < 0.45 * w && hawaii[1] > 0.7 * h,
        "Hawaii at {hawaii:?}"
    );
    for (name, b, f) in [
        ("Alaska", alaska, alaska_frame),
        ("Hawaii", hawaii, hawaii_frame),
    ] {
        assert!(
            b[0] >= f[0] && b[1] >= f[1] && b[2] <= f[2] && b[3] <= f[3],
            "{name} {b:?} outside its frame {f:?}"
        );
    }
    // Alaska's and Hawaii's labels are inside their frames (no label crosses a frame).
    for (name, f) in [("Alaska", alaska_frame), ("Hawaii", hawaii_frame)] {
        let label = doc
            .descendants()
            .find(|n| n.has_tag_name("text") && n.text() == Some(name))
            .unwrap_or_else(|| panic!("no label {name}"));
        let at = |a: &str| label.attribute(a).unwrap().parse::<f64>().unwrap();
        let (x, y) = (at("x"), at("y"));
        assert!(
            x > f[0] && x < f[2] && y > f[1] && y < f[3],
            "label {name} at {x},{y}, frame {f:?}"
        );
    }
    // No point of the lower 48 lies inside either inset's frame.
    let inside = |p: &Pt, f: [f64; 4]| p[0] > f[0] && p[0] < f[2] && p[1] > f[1] && p[1] < f[3];
    for (name, pts) in &states {
        if name == "Alaska" || name == "Hawaii" {
            continue;
        }
        let stray = pts
            .iter()
            .find(|p| inside(p, alaska_frame) || inside(p, hawaii_frame));
        assert!(stray.is_none(), "{name} has {stray:?} in an inset");
    }
    // The default furniture asks for a scale bar: there is none, and the run says why; nor
    // is there a locator inset, with no surroundings to show.
    assert!(!svg.contains("scale-bar"), "a scale bar across the parts");
    assert!(err.contains("scale bar left out: albers-usa"), "{err}");
    assert!(!svg.contains("class=\"inset\""), "a locator inset");
    assert!(err.contains("locator inset left out: albers-usa"), "{err}");
    // The legend and the north arrow keep out of the insets.
    for class in ["legend", "north-arrow"] {
        let group = doc
            .descendants()
            .find(|n| n.has_tag_name("g") && n.attribute("class") == Some(class))
            .unwrap_or_else(|| panic!("no {class}"));
        let mut points = Vec::new();
        for n in group.descendants() {
            let num = |a: &str| n.attribute(a).and_then(|v| v.parse::<f64>().ok());
            if let Some(d) = n.attribute("d") {
                points.extend(path_points(d));
            }
            if let (Some(x), Some(y)) = (num("x"), num("y")) {
                points.push([x, y]);
                points.push([
                    x + num("width").unwrap_or(0.0),
                    y + num("height").unwrap_or(0.0),
                ]);
            }
        }
        assert!(points.len() >= 2, "{class} has no drawing");
        let b = bbox(&points);
        for f in [alaska_frame, hawaii_frame] {
            let apart = b[2] < f[0] || b[0] > f[2] || b[3] < f[1] || b[1] > f[3];
            assert!(apart, "{class} {b:?} over an inset's frame {f:?}");
        }
    }
}

#[test]
fn the_render_matches_us_atlas_albers_file_drawn_as_it_is() {
    let dir = scratch("albers_usa", "matches");
    let (ours, _) = render(
        &dir,
        "ours",
        &registry_data("us-atlas/states-10m.json"),
        "projection = \"albers-usa\"",
        "",
    );
    let albers_file = registry_data("us-atlas/states-albers-10m.json");
    let spec = format!(
        "size = [975, 610]\n[[layer]]\nid = \"states\"\nsource = {:?}\nobject = \"states\"\ncrs = \"screen\"\n",
        albers_file.display().to_string()
    );
    std::fs::write(dir.join("theirs.toml"), spec).unwrap();
    let o = mapfig()
        .arg("render")
        .arg(dir.join("theirs.toml"))
        .arg("-o")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let theirs = state_paths(&std::fs::read_to_string(dir.join("theirs.svg")).unwrap());
    let ours = state_paths(&ours);
    assert_eq!(ours.len(), theirs.len());
    let mut worst: f64 = 0.0;
    for (name, pts) in &theirs {
        let (a, b) = (bbox(pts), bbox(&ours[name]));
        for k in 0..4 {
            worst = worst.max((a[k] - b[k]).abs());
        }
    }
    eprintln!("worst bbox edge difference: {worst:.3} px");
    assert!(worst < 1.0, "state boxes differ by up to {worst:.2} px");
}

#[test]
fn albers_usa_refuses_what_it_cannot_draw() {
    let dir = scratch("albers_usa", "refuses");
    let run = |name: &str, spec: String| {
        std::fs::write(dir.join(format!("{name}.toml")), spec).unwrap();
        let o = mapfig()
            .arg("render")
            .arg(dir.join(format!("{name}.toml")))
            .arg("-o")
            .arg(dir.join("out"))
            .output()
            .unwrap();
        assert!(!dir.join("out").join(format!("{name}.svg")).exists());
        (o.status.code(), stderr(&o))
    };
    // France lies in no part of the composite.
    let world = registry_data("world-atlas/countries-110m.json");
    let (code, err) = run(
        "france",
        format!(
            "projection = \"albers-usa\"\n[[layer]]\nid = \"fr\"\nsource = {:?}\nobject = \"countries\"\nwhere = {{ name = \"France\" }}\n",
            world.display().to_string()
        ),
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("draws only the lower 48 states, Alaska and Hawaii"),
        "{err}"
    );
    // Screen coordinates have no longitude and latitude to project (any case of the name).
    let albers = registry_data("us-atlas/states-albers-10m.json");
    let (code, err) = run(
        "screen",
        format!(
            "projection = \"Albers-USA\"\n[[layer]]\nid = \"s\"\nsource = {:?}\nobject = \"states\"\ncrs = \"screen\"\n",
            albers.display().to_string()
        ),
    );
    assert_ne!(code, Some(0));
    assert!(
        err.contains("cannot be projected with \"Albers-USA\""),
        "{err}"
    );
}
