//! Errors that say what is wrong (issue 8, class 19, and the validation part of class 11):
//! every problem of a spec or manifest at once, each at its line:column; refusals that
//! blame the real cause; arguments checked before any work; validation and wildcard
//! matching in (near) linear time. All through the real binary.

use std::path::{Path, PathBuf};
use std::time::Duration;
mod common;
use common::{mapfig, run_within};

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    common::scratch("spec-errors", name)
}

/// Two unit squares three degrees apart: polygons with no border in common.
const APART: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"A"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
{"type":"Feature","properties":{"name":"B"},"geometry":{"type":"Polygon","coordinates":[[[3,0],[4,0],[4,1],[3,1],[3,0]]]}}]}"#;

fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let mut cmd = mapfig();
    cmd.args(args);
    let (o, _) = run_within(&mut cmd, dir, Duration::from_secs(120));
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!err.contains("panicked"), "{err}");
    (o.status.code().unwrap_or(-1), err)
}

/// `(line, column)` of each `mapfig: error: FILE:L:C:` line that names `file`.
fn places(err: &str, file: &str) -> Vec<(usize, usize)> {
    err.lines()
        .filter_map(|l| l.strip_prefix("mapfig: error: "))
        .filter_map(|l| l.strip_prefix(file))
        .filter_map(|l| {
            let mut parts = l.trim_start_matches(':').splitn(3, ':');
            Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
        })
        .collect()
}

#[test]
fn a_spec_with_several_errors_reports_all_of_them_sorted_by_place() {
    let dir = scratch("several");
    std::fs::write(dir.join("apart.geojson"), APART).unwrap();
    let spec = r##"title = "Several mistakes"
sise = [800, 600]
background = "#12345"

[[layer]]
id = "provinces"
source = "apart.geojson"
fil = "#cccccc"
opacity = "half"
marker = "circel"

[[layer]]
id = "provinces"
source = "apart.geojson"
stroke_width = 500

[extent]
fit = ["nowhere"]

[furniture]
graticule = 1000
north_arow = true
"##;
    std::fs::write(dir.join("map.toml"), spec).unwrap();
    let (code, err) = run(&dir, &["render", "map.toml", "-o", "out"]);
    assert_eq!(code, 2, "{err}");
    let expected = [
        ((2, 1), "unknown key `sise`"),
        ((3, 14), "#12345"),
        ((8, 1), "did you mean `fill`?"),
        ((9, 11), "invalid type"),
        ((10, 10), "did you mean \"circle\"?"),
        ((13, 6), "layer id \"provinces\" is used twice"),
        ((15, 16), "stroke_width"),
        ((18, 8), "\"nowhere\""),
        ((21, 13), "graticule"),
        ((22, 1), "did you mean `north_arrow`?"),
    ];
    let found = places(&err, "map.toml");
    assert_eq!(
        found,
        expected.iter().map(|(p, _)| *p).collect::<Vec<_>>(),
        "{err}"
    );
    for (((line, column), says), text) in expected.iter().zip(err.lines()) {
        assert!(
            text.starts_with(&format!("mapfig: error: map.toml:{line}:{column}: "))
                && text.contains(says),
            "{text:?} should say {says:?}\n{err}"
        );
    }
    assert!(!dir.join("out").exists(), "a refused spec writes nothing");
}

#[test]
fn more_than_twenty_spec_errors_are_capped_with_a_count() {
    let dir = scratch("capped");
    let mut spec = String::new();
    for i in 0..50 {
        spec.push_str(&format!(
            "[[layer]]\nid = \"l{i}\"\nsource = \"x.geojson\"\nfill = \"not-a-colour-{i}\"\n"
        ));
    }
    std::fs::write(dir.join("map.toml"), spec).unwrap();
    let (code, err) = run(&dir, &["render", "map.toml", "-o", "out"]);
    assert_eq!(code, 2, "{err}");
    let found = places(&err, "map.toml");
    assert_eq!(found.len(), 20, "{err}");
    assert_eq!(found[0], (4, 8));
    assert_eq!(found[19], (80, 8));
    assert!(err.contains("and 30 more"), "{err}");
}

#[test]
fn a_manifest_with_several_errors_reports_all_of_them() {
    let dir = scratch("manifest");
    std::fs::create_dir_all(dir.join("maps")).unwrap();
    std::fs::write(
        dir.join("maps/a.toml"),
        "[[layer]]\nid = \"p\"\nsource = \"apart.geojson\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("mapfig.toml"),
        "specs = [\"maps/*.toml\", \"missing.toml\"]\nscale = 0.0001\nformats = [\"svg\", \"gif\"]\nstrict_label = true\n",
    )
    .unwrap();
    let (code, err) = run(&dir, &["build"]);
    assert_eq!(code, 2, "{err}");
    let found = places(&err, "./mapfig.toml");
    assert_eq!(found, vec![(1, 25), (2, 9), (3, 19), (4, 1)], "{err}");
    assert!(err.contains("\"missing.toml\" matches no file"), "{err}");
    assert!(err.contains("did you mean `strict_labels`?"), "{err}");
    assert!(!dir.join("out").exists());
}

#[test]
fn inner_lines_without_shared_borders_blame_the_data_not_the_projection() {
    let dir = scratch("inner");
    std::fs::write(dir.join("apart.geojson"), APART).unwrap();
    std::fs::write(
        dir.join("map.toml"),
        "[[layer]]\nid = \"borders\"\nsource = \"apart.geojson\"\nlines = \"inner\"\n",
    )
    .unwrap();
    let (code, err) = run(&dir, &["render", "map.toml", "-o", "out"]);
    assert_eq!(code, 1, "{err}");
    assert!(!err.contains("projection"), "{err}");
    assert!(
        err.contains("apart.geojson")
            && err.contains("\"borders\"")
            && err.contains("share a border"),
        "{err}"
    );
    assert!(!dir.join("out").exists());
}

#[test]
fn every_accepted_size_renders_and_smaller_ones_are_refused_at_the_size() {
    let dir = scratch("sizes");
    std::fs::write(dir.join("apart.geojson"), APART).unwrap();
    let furniture = "[furniture]\nnorth_arrow = true\nframe = true\ngraticule = 1\ninset = \"locator\"\nscale_units = \"km+mi\"\n";
    let layer = "[[layer]]\nid = \"p\"\nsource = \"apart.geojson\"\nlabel = \"{name}\"\nlegend = \"Provinces\"\n";
    let badge = "[[badge]]\nvalue = 3\ncaption = \"Cases\"\n";
    for (w, h, extra) in [
        (120, 120, ""),
        (120, 400, ""),
        (400, 120, ""),
        (340, 160, badge),
    ] {
        std::fs::write(
            dir.join("map.toml"),
            format!("size = [{w}, {h}]\n{layer}{extra}{furniture}"),
        )
        .unwrap();
        let (code, err) = run(&dir, &["render", "map.toml", "-o", "out"]);
        assert_eq!(code, 0, "size [{w}, {h}]: {err}");
    }
    for (w, h, extra) in [(50, 50, ""), (119, 400, ""), (339, 400, badge)] {
        std::fs::write(
            dir.join("map.toml"),
            format!("size = [{w}, {h}]\n{layer}{extra}"),
        )
        .unwrap();
        let (code, err) = run(&dir, &["render", "map.toml", "-o", "out2"]);
        assert_eq!(code, 2, "size [{w}, {h}]: {err}");
        assert!(err.contains("map.toml:1:8:"), "{err}");
        assert!(!dir.join("out2").exists());
    }
}

#[test]
fn a_scale_too_small_for_one_pixel_is_a_usage_error_up_front() {
    let dir = scratch("scale");
    std::fs::write(dir.join("apart.geojson"), APART).unwrap();
    std::fs::write(
        dir.join("map.toml"),
        "[[layer]]\nid = \"p\"\nsource = \"apart.geojson\"\n",
    )
    .unwrap();
    for args in [
        &["render", "map.toml", "-o", "out", "--scale", "0.0001"][..],
        &[
            "draw",
            "apart.geojson",
            "-o",
            "out/x.png",
            "--scale",
            "0.0001",
        ],
        &[
            "draw",
            "apart.geojson",
            "-o",
            "out/x.png",
            "--scale",
            "16",
            "--max-pixels",
            "1000",
        ],
    ] {
        let (code, err) = run(&dir, args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(
            err.contains("--scale") && !err.contains("encoding"),
            "{err}"
        );
        assert!(!dir.join("out").exists());
    }
    // A spec whose PNG would pass the pixel limit is refused before any spec renders.
    std::fs::write(
        dir.join("poster.toml"),
        "size = [20000, 20000]\n[[layer]]\nid = \"p\"\nsource = \"apart.geojson\"\n",
    )
    .unwrap();
    let (code, err) = run(&dir, &["render", "map.toml", "poster.toml", "-o", "out"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("poster.toml")
            && err.contains("40000×40000 PNG")
            && err.contains("--max-pixels"),
        "{err}"
    );
    assert!(
        !dir.join("out").exists(),
        "nothing rendered before the refusal"
    );
    // The smallest scale the message allows renders every accepted spec size.
    std::fs::write(
        dir.join("small.toml"),
        "size = [120, 120]\n[[layer]]\nid = \"p\"\nsource = \"apart.geojson\"\n",
    )
    .unwrap();
    let (code, err) = run(
        &dir,
        &["render", "small.toml", "-o", "out", "--scale", "0.01"],
    );
    assert_eq!(code, 0, "{err}");
}

#[test]
fn huge_limit_numbers_say_they_are_too_large_and_what_the_maximum_is() {
    let dir = scratch("limits");
    for flag in ["--max-input-bytes", "--max-vertices", "--max-pixels"] {
        for value in ["99999999999999999999", "99999999999G"] {
            let (code, err) = run(&dir, &["render", "x.toml", flag, value]);
            assert_eq!(code, 2, "{err}");
            assert!(
                err.contains("too large") && err.contains("18446744073709551615"),
                "{flag} {value}: {err}"
            );
            assert!(!err.contains("not a whole number"), "{err}");
        }
    }
}

#[test]
fn a_manifest_pattern_never_matches_the_manifest_itself() {
    let dir = scratch("self");
    std::fs::write(dir.join("apart.geojson"), APART).unwrap();
    std::fs::write(
        dir.join("a.toml"),
        "[[layer]]\nid = \"p\"\nsource = \"apart.geojson\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("mapfig.toml"),
        "specs = [\"*.toml\"]\nformats = [\"svg\"]\n",
    )
    .unwrap();
    let (code, err) = run(&dir, &["build"]);
    assert_eq!(code, 0, "{err}");
    assert!(dir.join("out/a.svg").exists());
    assert!(!dir.join("out/mapfig.svg").exists(), "{err}");

    // A TOML file that is no spec, matched by the pattern, is named in a clear error.
    std::fs::write(dir.join("Cargo.toml"), "[package]\nname = \"x\"\n").unwrap();
    let (code, err) = run(&dir, &["build"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("mapfig.toml:1:10:")
            && err.contains("Cargo.toml")
            && err.contains("not a map spec"),
        "{err}"
    );
}

#[test]
fn a_hundred_thousand_layer_ids_validate_in_linear_time() {
    let dir = scratch("many-layers");
    let mut spec = String::with_capacity(6 << 20);
    for i in 0..100_000 {
        spec.push_str(&format!(
            "[[layer]]\nid = \"l{i}\"\nsource = \"x.geojson\"\n"
        ));
    }
    spec.push_str("[[layer]]\nid = \"l99999\"\nsource = \"x.geojson\"\n[extent]\nfit = [\"l1\", \"l50000\", \"none\"]\n");
    std::fs::write(dir.join("map.toml"), spec).unwrap();
    let mut cmd = mapfig();
    cmd.args(["render", "map.toml", "-o", "out"]);
    let (o, took) = run_within(&mut cmd, &dir, Duration::from_secs(60));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(
        places(&err, "map.toml"),
        vec![(300002, 6), (300005, 24)],
        "{err}"
    );
    // Quadratic duplicate checks took 20 s in a release build; this is a debug build on a
    // shared machine, so the bound is loose but far below quadratic.
    assert!(took < Duration::from_secs(30), "took {took:?}");
}

#[test]
fn pathological_manifest_wildcards_match_in_linear_time() {
    let dir = scratch("wildcards");
    std::fs::create_dir_all(dir.join("maps")).unwrap();
    for k in 0..20 {
        std::fs::write(
            dir.join("maps")
                .join(format!("{}{k}.toml", "a".repeat(200))),
            "",
        )
        .unwrap();
    }
    let pattern = format!("maps/{}b.toml", "a*".repeat(40));
    std::fs::write(dir.join("mapfig.toml"), format!("specs = [{pattern:?}]\n")).unwrap();
    let mut cmd = mapfig();
    cmd.arg("build");
    let (o, took) = run_within(&mut cmd, &dir, Duration::from_secs(60));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("matches no file"), "{err}");
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn a_hundred_thousand_mistakes_are_counted_in_linear_time() {
    let dir = scratch("many-mistakes");
    let mut spec = String::with_capacity(4 << 20);
    for i in 0..100_000 {
        spec.push_str(&format!(
            "[[layer]]\nid = \"l{i}\"\nsource = \"x.geojson\"\nfil{i} = 1\n"
        ));
    }
    std::fs::write(dir.join("map.toml"), spec).unwrap();
    let mut cmd = mapfig();
    cmd.args(["render", "map.toml", "-o", "out"]);
    let (o, took) = run_within(&mut cmd, &dir, Duration::from_secs(60));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(places(&err, "map.toml").len(), 20, "{err}");
    assert!(err.contains("and 99980 more"), "{err}");
    assert!(took < Duration::from_secs(30), "took {took:?}");
}
