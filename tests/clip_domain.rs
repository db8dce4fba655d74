//! Geometry is clipped before it is projected (issue 8, classes 1–3 and part of 11), through
//! the real binary: far-away polygons never flood a regional map, azimuthal maps keep the
//! hemisphere they face, polar caps along ±180° and graticules across the antimeridian draw,
//! and rings winding round the globe or fine graticules cost bounded time.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};
mod common;
use common::mapfig;

fn countries() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/countries-110m.geojson")
}

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    common::scratch("clip", name)
}

/// Renders `spec` (beside `data` files) to SVG; returns the run and the SVG text ("" when
/// none was written).
fn render(name: &str, spec: &str, data: &[(&str, &str)]) -> (Output, String, Duration) {
    let dir = scratch(name);
    for (f, text) in data {
        std::fs::write(dir.join(f), text).unwrap();
    }
    let path = dir.join("map.toml");
    std::fs::write(&path, spec).unwrap();
    let out = dir.join("out");
    let t = Instant::now();
    let o = mapfig()
        .arg("render")
        .arg(&path)
        .arg("-o")
        .arg(&out)
        .arg("--format")
        .arg("svg")
        .output()
        .unwrap();
    let took = t.elapsed();
    let svg = std::fs::read_to_string(out.join("map.svg")).unwrap_or_default();
    (o, svg, took)
}

fn ok(name: &str, spec: &str, data: &[(&str, &str)]) -> String {
    let (o, svg, _) = render(name, spec, data);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{name}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    svg
}

/// The value of attribute `attr` of the element whose id is `id`.
/// `attr` of the element whose id is `id` after the map's prefix (`{prefix}_{id}`).
fn attribute(svg: &str, id: &str, attr: &str) -> Option<String> {
    let at = svg.match_indices("id=\"").map(|(i, _)| i).find(|&i| {
        let value = svg[i + 4..].split('"').next().unwrap_or("");
        value.split_once('_').is_some_and(|(_, rest)| rest == id)
    })?;
    let start = svg[..at].rfind('<')?;
    let end = at + svg[at..].find('>')?;
    let tag = &svg[start..end];
    let k = tag.find(&format!(" {attr}=\""))? + attr.len() + 3;
    Some(tag[k..k + tag[k..].find('"')?].to_string())
}

/// The subpaths of path data made of M, L and Z commands (absolute), as point lists.
fn subpaths(d: &str) -> Vec<Vec<[f64; 2]>> {
    let mut out: Vec<Vec<[f64; 2]>> = Vec::new();
    let mut nums: Vec<f64> = Vec::new();
    let mut cmd = ' ';
    let flush = |cmd: char, nums: &mut Vec<f64>, out: &mut Vec<Vec<[f64; 2]>>| {
        for (i, c) in nums.chunks(2).enumerate() {
            if c.len() == 2 {
                if cmd == 'M' && i == 0 {
                    out.push(Vec::new());
                }
                if let Some(last) = out.last_mut() {
                    last.push([c[0], c[1]]);
                }
            }
        }
        nums.clear();
    };
    let mut token = String::new();
    for ch in d.chars().chain(std::iter::once(' ')) {
        if ch.is_ascii_alphabetic() || ch == ' ' || ch == ',' || (ch == '-' && !token.is_empty()) {
            if let Ok(v) = token.parse::<f64>() {
                nums.push(v);
            }
            token.clear();
            if ch.is_ascii_alphabetic() {
                flush(cmd, &mut nums, &mut out);
                cmd = ch;
            } else if ch == '-' {
                token.push(ch);
            }
        } else {
            token.push(ch);
        }
    }
    flush(cmd, &mut nums, &mut out);
    out
}

fn area(ring: &[[f64; 2]]) -> f64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            a[0] * b[1] - b[0] * a[1]
        })
        .sum::<f64>()
        .abs()
        / 2.0
}

fn regional_spec(bbox: [f64; 4], projection: &str) -> String {
    format!(
        r#"title = "Regional"
projection = "{projection}"
extent = {{ bbox = [{}, {}, {}, {}] }}
[[layer]]
id = "countries"
source = "{}"
label = "{{name}}"
label_transform = "uppercase"
"#,
        bbox[0],
        bbox[1],
        bbox[2],
        bbox[3],
        countries().display()
    )
}

/// No Antarctica (feature "010") drawn or labelled; the named features drawn inside the
/// frame.
fn assert_regional(name: &str, svg: &str, present: &[&str]) {
    assert_absent(name, svg, "010", "ANTARCTICA");
    assert_present(name, svg, present);
}

/// Feature `id` not drawn (or with no area) and its label `label` not written.
fn assert_absent(name: &str, svg: &str, id: &str, label: &str) {
    let d = attribute(svg, &format!("countries-{id}"), "d").unwrap_or_default();
    assert!(
        subpaths(&d).iter().all(|r| area(r) < 1.0),
        "{name}: {label} drawn: {}",
        &d[..d.len().min(200)]
    );
    // Labels are upper case; the path's accessible name is not.
    assert!(!svg.contains(label), "{name}: {label} labelled");
}

fn assert_present(name: &str, svg: &str, present: &[&str]) {
    for id in present {
        let d = attribute(svg, &format!("countries-{id}"), "d")
            .unwrap_or_else(|| panic!("{name}: feature {id} missing"));
        let a: f64 = subpaths(&d).iter().map(|r| area(r)).sum();
        assert!(a > 100.0, "{name}: feature {id} has area {a}");
    }
}

#[test]
fn far_polygons_do_not_flood_conic_maps() {
    // Georgia 268, Armenia 051, Azerbaijan 031; Serbia 688, Bulgaria 100, Greece 300.
    let caucasus = [38.0, 38.0, 51.0, 44.0];
    let balkans = [13.0, 39.0, 30.0, 47.0];
    for (name, bbox, present) in [
        ("caucasus", caucasus, ["268", "051", "031"]),
        ("balkans", balkans, ["688", "100", "300"]),
    ] {
        let svg = ok(name, &regional_spec(bbox, "auto"), &[]);
        assert_regional(name, &svg, &present);
    }
    // A southern conic: there the north pole is at infinity, and Russia, Canada and
    // Greenland are the far-away polygons. Argentina 032, Chile 152.
    let svg = ok(
        "patagonia",
        &regional_spec([-76.0, -56.0, -62.0, -38.0], "auto"),
        &[],
    );
    for (id, label) in [("643", "RUSSIA"), ("124", "CANADA"), ("304", "GREENLAND")] {
        assert_absent("patagonia", &svg, id, label);
    }
    assert_present("patagonia", &svg, &["032", "152"]);
}

/// Clipping to the neighbourhood keeps every polygon that reaches into it: a ring whose
/// edges come near the circle but never leave it (so no crossing is found) is kept whole,
/// not dropped. East Africa, centred on the equator: Ethiopia (231) reaches 3.4° N, within
/// the frame, and its far corner lies within a hair of the neighbourhood's edge.
#[test]
fn far_polygons_clipping_keeps_polygons_near_the_neighbourhood_edge() {
    let svg = ok(
        "east-africa",
        &regional_spec([33.5, -5.5, 42.5, 5.5], "auto"),
        &[],
    );
    // Ethiopia, Kenya 404, Tanzania 834, Uganda 800, Somalia 706.
    assert_present("east-africa", &svg, &["231", "404", "834", "800", "706"]);
    for projection in [
        "+proj=merc +lon_0=38",
        "+proj=lcc +lat_1=1 +lat_2=9 +lon_0=38",
    ] {
        let svg = ok(
            "east-africa-named",
            &regional_spec([33.5, -5.5, 42.5, 5.5], projection),
            &[],
        );
        assert_present(projection, &svg, &["231", "404"]);
    }
}

/// A whole-world `bbox` on an azimuthal map is the visible disc: the box's edges (the
/// antimeridian, the poles) lie mostly behind the horizon, so the extent is measured over
/// the box's inside too, and the map shows the hemisphere it faces instead of refusing it.
#[test]
fn orthographic_world_extent_shows_the_facing_hemisphere() {
    let svg = ok(
        "ortho-world",
        &regional_spec(
            [-180.0, -90.0, 180.0, 90.0],
            "+proj=ortho +lat_0=10 +lon_0=20",
        ),
        &[],
    );
    // Chad 148, DR Congo 180, Nigeria 566, Algeria 012.
    assert_present("ortho-world", &svg, &["148", "180", "566", "012"]);
}

#[test]
fn far_polygons_are_clipped_for_every_projection() {
    let caucasus = [38.0, 38.0, 51.0, 44.0];
    for (k, projection) in [
        "+proj=lcc +lat_1=39 +lat_2=43 +lat_0=41 +lon_0=45",
        "EPSG:3857",
        "EPSG:32638",
        "+proj=merc +lon_0=45",
        "+proj=tmerc +lon_0=45 +datum=WGS84",
        "+proj=robin +lon_0=45",
        "+proj=laea +lat_0=41 +lon_0=45",
        "+proj=aeqd +lat_0=41 +lon_0=45",
        "+proj=ortho +lat_0=41 +lon_0=45",
        "+proj=stere +lat_0=41 +lon_0=45",
        "+proj=gnom +lat_0=41 +lon_0=45",
        "+proj=eqdc +lat_1=39 +lat_2=43 +lon_0=45",
        "+proj=aea +lat_1=39 +lat_2=43 +lon_0=45",
        "EPSG:3035",
    ]
    .iter()
    .enumerate()
    {
        let name = format!("proj-{k}");
        let svg = ok(&name, &regional_spec(caucasus, projection), &[]);
        assert_regional(projection, &svg, &["268", "051", "031"]);
    }
}

#[test]
fn orthographic_keeps_the_hemisphere_it_faces() {
    // The globe as one lon/lat rectangle under the countries: what faces the viewer is the
    // whole disc, however few of its vertices are in view.
    let globe = r#"{"type":"FeatureCollection","features":[{"type":"Feature","id":"all","properties":{},"geometry":{"type":"Polygon","coordinates":[[[-180,-90],[180,-90],[180,90],[-180,90],[-180,-90]]]}}]}"#;
    let spec = format!(
        r##"title = "Africa from space"
projection = "+proj=ortho +lat_0=10 +lon_0=20"
size = [900, 900]
[[layer]]
id = "globe"
source = "globe.geojson"
fill = "#ccddee"
[[layer]]
id = "countries"
source = "{}"
[furniture]
scale_bar = false
"##,
        countries().display()
    );
    let svg = ok("ortho", &spec, &[("globe.geojson", globe)]);
    // Chad 148, Sudan 729, DR Congo 180, Nigeria 566, Algeria 012: big, near the centre.
    let mut africa = 0.0;
    for id in ["148", "729", "180", "566", "012"] {
        let d = attribute(&svg, &format!("countries-{id}"), "d")
            .unwrap_or_else(|| panic!("feature {id} missing"));
        africa += subpaths(&d).iter().map(|r| area(r)).sum::<f64>();
    }
    // All land drawn, and the disc it sits on.
    let mut land = 0.0;
    let mut bounds = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    let mut rest = svg.as_str();
    let globe_d = attribute(&svg, "globe-all", "d").unwrap_or_default();
    let globe_area: f64 = subpaths(&globe_d).iter().map(|r| area(r)).sum();
    while let Some(i) = rest.find("class=\"feature\"") {
        let tag_start = rest[..i].rfind('<').unwrap_or(0);
        let tag_end = i + rest[i..].find('>').unwrap_or(0);
        let tag = &rest[tag_start..tag_end];
        if let (Some(k), false) = (tag.find(" d=\""), tag.contains("_globe-")) {
            let d = &tag[k + 4..k + 4 + tag[k + 4..].find('"').unwrap_or(0)];
            for r in subpaths(d) {
                land += area(&r);
                for p in &r {
                    bounds = [
                        bounds[0].min(p[0]),
                        bounds[1].min(p[1]),
                        bounds[2].max(p[0]),
                        bounds[3].max(p[1]),
                    ];
                }
            }
        }
        rest = &rest[tag_end..];
    }
    let r = ((bounds[2] - bounds[0]).max(bounds[3] - bounds[1])) / 2.0;
    let disc = std::f64::consts::PI * r * r;
    // Those five countries cover about 9% of the visible hemisphere's disc; the land about 30%.
    assert!(africa > 0.06 * disc, "Africa {africa} of disc {disc}");
    assert!(
        land > 0.2 * disc && land < 0.5 * disc,
        "land {land} of disc {disc}"
    );
    assert!(
        globe_area > 0.95 * disc && globe_area < 1.05 * disc,
        "globe {globe_area} of disc {disc}"
    );
}

const POLAR_CAPS: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","id":"north","properties":{},"geometry":{"type":"Polygon","coordinates":[[[-180,80],[180,80],[180,90],[-180,90],[-180,80]]]}},
{"type":"Feature","id":"south","properties":{},"geometry":{"type":"Polygon","coordinates":[[[-180,-80],[-180,-90],[180,-90],[180,-80],[-180,-80]]]}},
{"type":"Feature","id":"band","properties":{},"geometry":{"type":"Polygon","coordinates":[[[-180,-10],[180,-10],[180,10],[-180,10],[-180,-10]]]}}
]}"#;

#[test]
fn polar_caps_along_the_antimeridian_draw_in_robinson_and_mercator() {
    for (k, projection) in ["+proj=robin", "EPSG:3857", "+proj=merc", "+proj=eqc"]
        .iter()
        .enumerate()
    {
        let spec = format!(
            "title = \"Caps\"\nprojection = \"{projection}\"\nsize = [1000, 800]\n[[layer]]\nid = \"caps\"\nsource = \"caps.geojson\"\n[furniture]\nscale_bar = false\n"
        );
        let svg = ok(&format!("caps-{k}"), &spec, &[("caps.geojson", POLAR_CAPS)]);
        let band = attribute(&svg, "caps-band", "d").expect("band");
        let band_width = subpaths(&band)
            .iter()
            .flatten()
            .fold([f64::INFINITY, f64::NEG_INFINITY], |b, p| {
                [b[0].min(p[0]), b[1].max(p[0])]
            });
        let width = band_width[1] - band_width[0];
        for cap in ["caps-north", "caps-south"] {
            let d = attribute(&svg, cap, "d").unwrap_or_else(|| panic!("{projection}: {cap}"));
            let rings = subpaths(&d);
            let a: f64 = rings.iter().map(|r| area(r)).sum();
            let xs = rings
                .iter()
                .flatten()
                .fold([f64::INFINITY, f64::NEG_INFINITY], |b, p| {
                    [b[0].min(p[0]), b[1].max(p[0])]
                });
            assert!(
                xs[1] - xs[0] > 0.6 * width,
                "{projection}: {cap} spans {xs:?} of {width}"
            );
            assert!(a > 0.004 * width * width, "{projection}: {cap} area {a}");
        }
    }
}

const FIJI: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","id":"fiji","properties":{"name":"Fiji"},"geometry":{"type":"Polygon","coordinates":[[[176,-20],[-176,-20],[-176,-14],[176,-14],[176,-20]]]}}
]}"#;

/// The points of the graticule's lines.
fn graticule_points(svg: &str) -> Vec<[f64; 2]> {
    let start = svg.find("graticule-lines").expect("graticule drawn");
    let tag = &svg[svg[..start].rfind('<').unwrap()..];
    let k = tag.find(" d=\"").unwrap() + 4;
    let d = &tag[k..k + tag[k..].find('"').unwrap()];
    subpaths(d).into_iter().flatten().collect()
}

#[test]
fn graticule_of_a_pacific_world_map_covers_the_world() {
    let spec = format!(
        "title = \"Pacific\"\nprojection = \"+proj=robin +lon_0=150\"\nsize = [1000, 600]\n[[layer]]\nid = \"countries\"\nsource = \"{}\"\n[furniture]\nscale_bar = false\ngraticule = 30\n",
        countries().display()
    );
    let svg = ok("graticule-pacific", &spec, &[]);
    let pts = graticule_points(&svg);
    let (x0, x1) = pts.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |b, p| {
        (b.0.min(p[0]), b.1.max(p[0]))
    });
    let (y0, y1) = pts.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |b, p| {
        (b.0.min(p[1]), b.1.max(p[1]))
    });
    // The world is about 930 × 470 px in this frame.
    assert!(
        x1 - x0 > 850.0 && y1 - y0 > 400.0,
        "graticule covers {x0}..{x1} × {y0}..{y1}"
    );
}

#[test]
fn graticule_crosses_the_antimeridian() {
    let spec = "title = \"Fiji\"\nprojection = \"+proj=lcc +lat_1=-19 +lat_2=-15 +lat_0=-17 +lon_0=180\"\nsize = [1000, 800]\n[[layer]]\nid = \"fiji\"\nsource = \"fiji.geojson\"\n[furniture]\nscale_bar = false\ngraticule = 2\n";
    let svg = ok("graticule-180", spec, &[("fiji.geojson", FIJI)]);
    let start = svg.find("graticule-lines").expect("graticule drawn");
    let tag = &svg[svg[..start].rfind('<').unwrap()..];
    let k = tag.find(" d=\"").unwrap() + 4;
    let d = &tag[k..k + tag[k..].find('"').unwrap()];
    let lines = subpaths(d);
    let pts: Vec<[f64; 2]> = lines.iter().flatten().copied().collect();
    let (x0, x1) = pts.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |b, p| {
        (b.0.min(p[0]), b.1.max(p[0]))
    });
    let (y0, y1) = pts.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |b, p| {
        (b.0.min(p[1]), b.1.max(p[1]))
    });
    assert!(
        x1 - x0 > 800.0 && y1 - y0 > 500.0,
        "graticule covers {x0}..{x1} × {y0}..{y1}"
    );
    // Meridians on both sides of 180 and the parallels through the islands.
    assert!(lines.len() >= 8, "{} lines", lines.len());
    assert!(svg.contains("180°"), "no 180° label");
    assert!(
        svg.contains("178°E") && svg.contains("178°W"),
        "labels either side"
    );
}

/// A ring zig-zagging eastwards round the globe `turns` times (every edge shorter than 180°,
/// so each is read as the short way) and back.
fn winding_ring(vertices: usize) -> String {
    let mut pts = Vec::with_capacity(vertices + 1);
    for i in 0..vertices {
        let lon = ((i as f64 * 97.0) % 360.0) - 180.0;
        let lat = 40.0 * ((i as f64) * 0.37).sin();
        pts.push(format!("[{lon:.4},{lat:.4}]"));
    }
    pts.push(pts[0].clone());
    format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","id":"w","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[[{}]]}}}}]}}"#,
        pts.join(",")
    )
}

#[test]
fn winding_ring_is_cut_at_the_antimeridian_in_bounded_time() {
    for (k, vertices) in [2_500usize, 7_500].iter().enumerate() {
        let data = winding_ring(*vertices);
        assert!(data.len() > 40_000 * (k * 2 + 1), "{}", data.len());
        let spec = "title = \"W\"\nprojection = \"+proj=robin\"\n[[layer]]\nid = \"w\"\nsource = \"w.geojson\"\n";
        let (o, svg, took) = render(&format!("winding-{k}"), spec, &[("w.geojson", &data)]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(attribute(&svg, "w-w", "d").is_some());
        // Generous for a debug build on a busy machine: the quadratic cut took minutes.
        assert!(
            took < Duration::from_secs(60),
            "{vertices} vertices: {took:?}"
        );
    }
}

#[test]
fn fine_graticule_is_bounded_and_refused_with_line_and_column() {
    let world = format!(
        "title = \"World\"\nprojection = \"+proj=robin\"\n[[layer]]\nid = \"countries\"\nsource = \"{}\"\n[furniture]\ngraticule = 0.1\n",
        countries().display()
    );
    let (o, svg, took) = render("graticule-fine", &world, &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("map.toml:7:") && err.contains("graticule"),
        "{err}"
    );
    assert!(svg.is_empty());
    assert!(took < Duration::from_secs(10), "{took:?}");
    // The same step over a small region draws, and only lines near it.
    let region = format!(
        "title = \"Region\"\nextent = {{ bbox = [44, 40, 46, 42] }}\n[[layer]]\nid = \"countries\"\nsource = \"{}\"\n[furniture]\ngraticule = 0.1\n",
        countries().display()
    );
    let (o, svg, took) = render("graticule-region", &region, &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(svg.contains("graticule-lines"));
    assert!(svg.len() < 3_000_000, "{} bytes", svg.len());
    assert!(took < Duration::from_secs(10), "{took:?}");
}
