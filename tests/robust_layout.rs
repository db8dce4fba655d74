//! Layout that never panics or misleads (issue 8, classes 7, 8, 10 and the labelling part of
//! 11), through the real binary: `auto` projects every extent, a map of nothing is refused,
//! a one-point map gets a neighbourhood and an honest scale bar, callouts sit beside their
//! marker and labels keep off their leader lines, and labelling a polygon with thousands
//! of holes takes seconds.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;
mod common;
use common::{mapfig, run_within, stderr};

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    common::scratch("layout", name)
}

/// Runs `mapfig render spec.toml --format svg -o out` in `dir`, killed after `deadline`.
fn render(dir: &Path, spec: &str, deadline: Duration) -> (Output, Duration) {
    std::fs::write(dir.join("spec.toml"), spec).unwrap();
    let mut cmd = mapfig();
    cmd.args(["render", "spec.toml", "--format", "svg", "-o", "out"]);
    run_within(&mut cmd, dir, deadline)
}

fn points(coords: &[(f64, f64, &str)]) -> String {
    let features: Vec<String> = coords
        .iter()
        .enumerate()
        .map(|(i, (x, y, name))| {
            format!(
                r#"{{"type":"Feature","id":"p{i}","properties":{{"name":"{name}"}},"geometry":{{"type":"Point","coordinates":[{x},{y}]}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
}

/// A spec with one point layer (`points.geojson`), the given extent line and extras.
fn point_spec(extent: &str, extra: &str) -> String {
    format!(
        "size = [800, 600]\n{extent}\n[[layer]]\nid = \"places\"\nsource = \"points.geojson\"\nlabel = \"{{name}}\"\n{extra}"
    )
}

/// The numbers of an attribute on every element whose start tag has `class="{class}"`.
fn attr_of_class(svg: &str, class: &str, attr: &str) -> Vec<f64> {
    svg.split('<')
        .filter(|t| t.contains(&format!("class=\"{class}\"")))
        .filter_map(|t| {
            let at = t.find(&format!(" {attr}=\""))? + attr.len() + 3;
            t[at..].split('"').next()?.parse().ok()
        })
        .collect()
}

// Class 10: `auto` on the equator, at the poles, for points and across the antimeridian.

#[test]
fn equatorial_extents_render_in_auto() {
    let dir = scratch("equator");
    std::fs::write(
        dir.join("points.geojson"),
        points(&[
            (36.8, -1.3, "Nairobi"),
            (39.7, -4.0, "Mombasa"),
            (32.6, 0.3, "Kampala"),
        ]),
    )
    .unwrap();
    let extents = [
        // East Africa, centred on the equator (the panic of the issue).
        "extent = { bbox = [33.5, -5.5, 42.5, 5.5] }",
        "extent = { bbox = [30.0, -1.0, 45.0, 1.0] }",
        "extent = { bbox = [-10.0, -15.0, 10.0, 15.0] }",
        "extent = { bbox = [-180, -90, 180, 90] }",
        "extent = { bbox = [-180, 60, 180, 90] }",
        "extent = { bbox = [-180, -90, 180, -60] }",
        "extent = { bbox = [20.0, 80.0, 60.0, 90.0] }",
        "extent = { fit = \"places\" }",
    ];
    for extent in extents {
        let (o, _) = render(&dir, &point_spec(extent, ""), Duration::from_secs(20));
        let code = o.status.code();
        // A world or polar box that holds none of the places may be refused; nothing panics.
        assert!(
            code == Some(0) || (code == Some(2) && stderr(&o).contains("no feature")),
            "{extent}: {code:?} {}",
            stderr(&o)
        );
        if extent.contains("33.5") || extent.contains("30.0") || extent.contains("fit") {
            assert_eq!(code, Some(0), "{extent}: {}", stderr(&o));
        }
    }
    // A single point on the equator, and one at each pole.
    for (x, y) in [
        (0.0, 0.0),
        (36.8, 0.0),
        (0.0, 90.0),
        (120.0, -90.0),
        (180.0, 0.0),
    ] {
        std::fs::write(dir.join("points.geojson"), points(&[(x, y, "Here")])).unwrap();
        let (o, _) = render(
            &dir,
            &point_spec("extent = { fit = \"places\" }", ""),
            Duration::from_secs(20),
        );
        assert_eq!(o.status.code(), Some(0), "({x}, {y}): {}", stderr(&o));
        let svg = std::fs::read_to_string(dir.join("out/spec.svg")).unwrap();
        assert!(svg.contains(">Here</text>"), "({x}, {y}) is labelled");
    }
}

/// Random extents (boxes and single points) anywhere on the globe render with `auto`, or
/// fail cleanly: exit 0 or 2 with a message, never a panic (101) or a signal.
#[test]
fn random_extents_render_or_refuse_cleanly_with_auto() {
    let dir = scratch("random");
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    for i in 0..30 {
        let w = -180.0 + next() * 359.0;
        let s = -90.0 + next() * 179.0;
        // Spans from a few metres to the whole globe, skewed toward small.
        let dx = ((180.0 - w).min(next().powi(3) * 360.0)).max(1e-5);
        let dy = ((90.0 - s).min(next().powi(3) * 180.0)).max(1e-5);
        let (e, n) = ((w + dx).min(180.0), (s + dy).min(90.0));
        let (cx, cy) = ((w + e) / 2.0, (s + n) / 2.0);
        std::fs::write(dir.join("points.geojson"), points(&[(cx, cy, "Centre")])).unwrap();
        let extent = if i % 3 == 0 {
            "extent = { fit = \"places\" }".to_string()
        } else {
            format!("extent = {{ bbox = [{w}, {s}, {e}, {n}] }}")
        };
        let spec = point_spec(
            &extent,
            "[furniture]\nscale_bar = true\nnorth_arrow = true\n",
        );
        let (o, _) = render(&dir, &spec, Duration::from_secs(20));
        let code = o.status.code();
        assert!(
            matches!(code, Some(0..=2)),
            "{extent}: exit {code:?}\n{}",
            stderr(&o)
        );
        assert!(!stderr(&o).contains("panicked"), "{extent}: {}", stderr(&o));
        if code != Some(0) {
            assert!(stderr(&o).contains("spec.toml"), "{extent}: {}", stderr(&o));
        }
    }
}

// Class 7: a map of nothing is refused; a one-point map gets a neighbourhood and an honest
// scale bar.

#[test]
fn features_outside_the_extent_are_refused_naming_layers_and_extent() {
    let dir = scratch("outside");
    std::fs::write(
        dir.join("points.geojson"),
        points(&[(36.8, -1.3, "Nairobi"), (39.7, -4.0, "Mombasa")]),
    )
    .unwrap();
    let spec = point_spec("extent = { bbox = [0, 40, 10, 50] }", "");
    let (o, _) = render(&dir, &spec, Duration::from_secs(20));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("spec.toml:2:1"), "points at the extent: {err}");
    assert!(
        err.contains("\"places\"") && err.contains("points.geojson"),
        "{err}"
    );
    assert!(err.contains("[0, 40, 10, 50]"), "names the extent: {err}");
    assert!(!dir.join("out/spec.svg").exists(), "no output");
}

#[test]
fn a_one_point_map_gets_a_neighbourhood_and_a_scale_bar_that_is_not_zero() {
    let dir = scratch("one-point");
    for (x, y) in [(36.8, -1.3), (10.0, 50.0), (0.0, 0.0), (-70.0, -85.0)] {
        std::fs::write(dir.join("points.geojson"), points(&[(x, y, "Here")])).unwrap();
        let spec = point_spec(
            "extent = { fit = \"places\" }",
            "[furniture]\nscale_bar = true\nscale_units = \"km+mi\"\n",
        );
        let (o, _) = render(&dir, &spec, Duration::from_secs(20));
        assert_eq!(o.status.code(), Some(0), "({x}, {y}): {}", stderr(&o));
        let svg = std::fs::read_to_string(dir.join("out/spec.svg")).unwrap();
        let label = svg
            .split("aria-label=\"Scale bar: ")
            .nth(1)
            .and_then(|s| s.split(" (true").next())
            .unwrap_or_else(|| panic!("({x}, {y}): a scale bar is drawn"));
        for bar in label.split(", ") {
            let number: f64 = bar
                .split(' ')
                .next()
                .unwrap()
                .replace(',', "")
                .parse()
                .unwrap_or_else(|_| panic!("{bar:?}"));
            assert!(number > 0.0 && number.is_finite(), "({x}, {y}): {bar:?}");
            // A neighbourhood a few kilometres across: a bar of a few km (or m, or mi).
            assert!(
                bar.ends_with(" km") || bar.ends_with(" m") || bar.ends_with(" mi"),
                "{bar:?}"
            );
        }
        assert!(!svg.contains(">0 km<"), "({x}, {y}): no 0 km bar");
    }
}

// Class 8: callouts beside their marker; leader lines in the collision index.

#[test]
fn a_callout_at_a_marker_is_placed_beside_it() {
    let dir = scratch("callout-marker");
    std::fs::write(
        dir.join("points.geojson"),
        points(&[(10.0, 10.0, "Alpha"), (10.6, 10.8, "Bravo town")]),
    )
    .unwrap();
    let spec = point_spec(
        "projection = \"EPSG:4326\"\nextent = { bbox = [5, 5, 15, 15] }",
        "[[callout]]\nat = [10, 10]\ntext = \"Something happened here\"\n",
    );
    let (o, _) = render(&dir, &spec, Duration::from_secs(20));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let svg = std::fs::read_to_string(dir.join("out/spec.svg")).unwrap();
    let (x, y) = (
        attr_of_class(&svg, "callout-box", "x"),
        attr_of_class(&svg, "callout-box", "y"),
    );
    let (w, h) = (
        attr_of_class(&svg, "callout-box", "width"),
        attr_of_class(&svg, "callout-box", "height"),
    );
    let (cx, cy) = (
        attr_of_class(&svg, "callout-point", "cx"),
        attr_of_class(&svg, "callout-point", "cy"),
    );
    let (bx, by, bw, bh, px, py) = (x[0], y[0], w[0], h[0], cx[0], cy[0]);
    // The box does not cover the marker, and sits beside it (its nearest point within
    // ~150 px).
    assert!(
        !(px > bx - 3.0 && px < bx + bw + 3.0 && py > by - 3.0 && py < by + bh + 3.0),
        "box covers its marker"
    );
    let nx = px.clamp(bx, bx + bw);
    let ny = py.clamp(by, by + bh);
    let gap = ((nx - px).powi(2) + (ny - py).powi(2)).sqrt();
    assert!(gap > 5.0 && gap < 150.0, "gap {gap}");
}

#[test]
fn point_labels_keep_off_callout_leader_lines() {
    // A callout with an `offset` has a known leader: from (400, 300) px toward the box up and
    // to the right. A place just left of the leader's middle would, by the usual order
    // (right first), put its label across the leader.
    let dir = scratch("leader-label");
    // EPSG:4326, bbox [5, 5, 15, 15] in an 800×600 frame: 56 px a degree about (400, 300).
    let px_to_ll = |x: f64, y: f64| (10.0 + (x - 400.0) / 56.0, 10.0 - (y - 300.0) / 56.0);
    let (qx, qy) = px_to_ll(424.0, 262.0);
    std::fs::write(
        dir.join("points.geojson"),
        points(&[(10.0, 10.0, "Alpha"), (qx, qy, "Quebec")]),
    )
    .unwrap();
    let spec = point_spec(
        "projection = \"EPSG:4326\"\nextent = { bbox = [5, 5, 15, 15] }",
        "[[callout]]\nat = [10, 10]\ntext = \"Something happened here\"\noffset = [150, -100]\n",
    );
    let (o, _) = render(&dir, &spec, Duration::from_secs(20));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let svg = std::fs::read_to_string(dir.join("out/spec.svg")).unwrap();
    let leader = svg
        .split("<path class=\"leader\" d=\"M")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a callout leader");
    let nums: Vec<f64> = leader
        .split(['L', ','])
        .map(|v| v.parse().unwrap())
        .collect();
    let (a, b) = ([nums[0], nums[1]], [nums[2], nums[3]]);
    // Every label's box, measured as layout measures it.
    for tag in svg
        .split('<')
        .filter(|t| t.starts_with("text class=\"label label-places\""))
    {
        let get = |attr: &str| -> f64 {
            let at = tag.find(&format!(" {attr}=\"")).unwrap() + attr.len() + 3;
            tag[at..].split('"').next().unwrap().parse().unwrap()
        };
        let text = tag.rsplit('>').next().unwrap().to_string();
        let (x, y, size) = (get("x"), get("y"), get("font-size"));
        let m = mapfig::layout::labels::measure(
            std::slice::from_ref(&text),
            size,
            false,
            false,
            mapfig::layout::labels::HALO,
        );
        let bx = mapfig::geom::BoxPx::new(
            x - m.width / 2.0,
            y + m.top,
            x + m.width / 2.0,
            y + m.bottom,
        );
        for i in 0..=200 {
            let t = f64::from(i) / 200.0;
            let p = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
            assert!(
                !(p[0] > bx.x0 + 0.5
                    && p[0] < bx.x1 - 0.5
                    && p[1] > bx.y0 + 0.5
                    && p[1] < bx.y1 - 0.5),
                "label {text:?} at ({x}, {y}) lies across the callout's leader {a:?}–{b:?}"
            );
        }
    }
    assert!(svg.contains(">Quebec</text>"), "the label is still placed");
}

#[test]
fn a_callout_that_cannot_be_placed_says_what_blocked_it() {
    // Markers every 12 px over the whole frame: no box of a callout fits anywhere.
    let dir = scratch("callout-blocked");
    let mut pts = Vec::new();
    for i in 0..=60 {
        for j in 0..=45 {
            pts.push((5.0 + f64::from(i) * 0.2, 5.0 + f64::from(j) * 0.2, ""));
        }
    }
    std::fs::write(dir.join("points.geojson"), points(&pts)).unwrap();
    let spec =
        "size = [800, 600]\nprojection = \"EPSG:4326\"\nextent = { bbox = [5, 5, 17, 14] }\n\
        [[layer]]\nid = \"places\"\nsource = \"points.geojson\"\n\
        [[callout]]\nat = [10, 10]\ntext = \"Something happened here\"\n";
    let (o, _) = render(&dir, spec, Duration::from_secs(20));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("callout 1") && err.contains("markers"),
        "{err}"
    );
    assert!(
        !err.contains("other callouts"),
        "no other callout was there: {err}"
    );
    assert!(!dir.join("out/spec.svg").exists());
}

// Class 11 (labelling): a polygon with thousands of holes is labelled in seconds.

#[test]
fn labelling_a_polygon_with_many_holes_is_not_quadratic() {
    let dir = scratch("holes");
    let k = 100; // 10,000 holes, 50,005 vertices; took 264 s in a debug build before.
    let mut rings = vec!["[[0,0],[10,0],[10,10],[0,10],[0,0]]".to_string()];
    let step = 10.0 / f64::from(k);
    for i in 0..k {
        for j in 0..k {
            let (x, y, d) = (
                (f64::from(i) + 0.3) * step,
                (f64::from(j) + 0.3) * step,
                step * 0.4,
            );
            rings.push(format!(
                "[[{x},{y}],[{x},{y2}],[{x2},{y2}],[{x2},{y}],[{x},{y}]]",
                x2 = x + d,
                y2 = y + d
            ));
        }
    }
    std::fs::write(
        dir.join("holes.geojson"),
        format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","id":"h","properties":{{"name":"Holey"}},"geometry":{{"type":"Polygon","coordinates":[{}]}}}}]}}"#,
            rings.join(",")
        ),
    )
    .unwrap();
    let spec = "size = [800, 600]\nprojection = \"EPSG:4326\"\nextent = { fit = \"holes\" }\n\
        [[layer]]\nid = \"holes\"\nsource = \"holes.geojson\"\nlabel = \"{name}\"\n";
    let (o, took) = render(&dir, spec, Duration::from_secs(60));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(took < Duration::from_secs(40), "took {took:?}");
    let svg = std::fs::read_to_string(dir.join("out/spec.svg")).unwrap();
    assert!(svg.contains(">Holey</text>"));
}

#[test]
fn data_across_the_antimeridian_gets_a_regional_auto_map() {
    // Fiji-like points either side of ±180: `auto` centres on 180°, not on a world map
    // where they would sit at opposite edges of one flat line.
    let dir = scratch("antimeridian");
    std::fs::write(
        dir.join("points.geojson"),
        points(&[
            (178.0, -17.0, "A"),
            (-179.0, -17.0, "B"),
            (178.5, -16.0, "C"),
        ]),
    )
    .unwrap();
    let (o, _) = render(
        &dir,
        &point_spec("extent = { fit = \"places\", pad = 0.1 }", ""),
        Duration::from_secs(20),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let svg = std::fs::read_to_string(dir.join("out/spec.svg")).unwrap();
    let xs = attr_of_class(&svg, "feature marker", "cx");
    let ys = attr_of_class(&svg, "feature marker", "cy");
    assert_eq!(xs.len(), 3, "{svg}");
    let width = (xs[1] - xs[0]).abs();
    let rise = (ys[2] - ys[0]).abs();
    assert!(
        rise > 0.2 * width,
        "C lies a degree north of A and B, three degrees apart: {xs:?} {ys:?}"
    );
    // B is east of A across the antimeridian.
    assert!(xs[1] > xs[0], "{xs:?}");
}

#[test]
fn an_equatorial_spec_builds_inside_a_project() {
    // `mapfig build` used to panic on the first equatorial map, taking every other map down.
    let dir = scratch("build");
    std::fs::create_dir_all(dir.join("maps")).unwrap();
    std::fs::write(
        dir.join("maps/points.geojson"),
        points(&[(36.8, -1.3, "Nairobi"), (39.7, -4.0, "Mombasa")]),
    )
    .unwrap();
    std::fs::write(
        dir.join("maps/east-africa.toml"),
        point_spec("extent = { bbox = [33.5, -5.5, 42.5, 5.5] }", ""),
    )
    .unwrap();
    std::fs::write(
        dir.join("maps/pole.toml"),
        point_spec("extent = { bbox = [-180, 80, 180, 90] }", "")
            .replace("points.geojson", "pole.geojson"),
    )
    .unwrap();
    std::fs::write(
        dir.join("maps/pole.geojson"),
        points(&[(0.0, 90.0, "Pole")]),
    )
    .unwrap();
    std::fs::write(
        dir.join("mapfig.toml"),
        "specs = [\"maps/*.toml\"]\nout = \"out\"\nformats = [\"svg\"]\n",
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_mapfig"))
        .arg("build")
        .current_dir(&dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(dir.join("out/east-africa.svg").exists());
    assert!(dir.join("out/pole.svg").exists());
}
