//! The `mapfig` binary end to end: quick `draw`s, and bad input that must fail cleanly —
//! a message naming the file (and line:column for specs), a non-zero exit, no output file,
//! never a panic.

use std::path::PathBuf;
mod common;
use common::{files_in, mapfig, root, stderr};

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    common::scratch("cli", name)
}

/// Renders `spec_text` (written as map.toml in a scratch folder, beside `data` files) and
/// expects failure; returns stderr.
fn render_fails(name: &str, spec_text: &str, data: &[(&str, &str)], code: i32) -> String {
    let dir = scratch(name);
    for (f, text) in data {
        std::fs::write(dir.join(f), text).unwrap();
    }
    let spec = dir.join("map.toml");
    std::fs::write(&spec, spec_text).unwrap();
    let out_dir = dir.join("out");
    let o = mapfig()
        .arg("render")
        .arg(&spec)
        .arg("-o")
        .arg(&out_dir)
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(code), "{name}: {err}");
    assert!(!err.contains("panicked"), "{name}: {err}");
    assert!(
        files_in(&out_dir).is_empty(),
        "{name}: left {:?}",
        files_in(&out_dir)
    );
    err
}

const POLY: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature","id":"a","properties":{"name":"A"},
 "geometry":{"type":"Polygon","coordinates":[[[60,30],[61,30],[61,31],[60,30]]]}}]}"#;

fn spec_for(source: &str) -> String {
    format!("title = \"T\"\n[[layer]]\nid = \"p\"\nsource = \"{source}\"\nlabel = \"{{name}}\"\n")
}

#[test]
fn a_good_spec_renders_both_formats() {
    let dir = scratch("good");
    std::fs::write(dir.join("a.geojson"), POLY).unwrap();
    std::fs::write(dir.join("map.toml"), spec_for("a.geojson")).unwrap();
    let o = mapfig()
        .args(["render", "map.toml", "-o", "o", "--scale", "1"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(files_in(&dir.join("o")), ["map.png", "map.svg"]);
}

/// `dark_variant = true` (or `--dark-variant`) puts the dark theme's colours in the SVG for
/// readers who prefer dark; PNG and PDF stay light, and a typo in the key is a spec error.
#[test]
fn dark_variant_from_spec_or_flag() {
    let dir = scratch("dark");
    std::fs::write(dir.join("a.geojson"), POLY).unwrap();
    let spec = format!(
        "dark_variant = true\n{}fill = \"#c0392b\"\n",
        spec_for("a.geojson")
    );
    std::fs::write(dir.join("dark.toml"), spec).unwrap();
    std::fs::write(dir.join("plain.toml"), spec_for("a.geojson")).unwrap();
    let render = |args: &[&str]| {
        let o = mapfig()
            .args([
                "render",
                "--scale",
                "1",
                "--format",
                "svg,png,pdf",
                "-o",
                "o",
            ])
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    };
    render(&["dark.toml", "plain.toml"]);
    let dark = std::fs::read_to_string(dir.join("o/dark.svg")).unwrap();
    let plain = std::fs::read_to_string(dir.join("o/plain.svg")).unwrap();
    assert!(
        dark.contains("@media (prefers-color-scheme: dark)"),
        "{dark}"
    );
    assert!(
        dark.contains("svg.mapfig [fill=\"#c0392b\"] { fill: #"),
        "{dark}"
    );
    assert!(!plain.contains("<style"), "{plain}");
    assert!(std::fs::metadata(dir.join("o/dark.pdf")).unwrap().len() > 1000);
    render(&["plain.toml", "--dark-variant"]);
    let flagged = std::fs::read_to_string(dir.join("o/plain.svg")).unwrap();
    assert!(flagged.contains("prefers-color-scheme: dark"));
    // A map already dark has no variant to add.
    render(&["dark.toml", "--theme", "dark"]);
    assert!(!std::fs::read_to_string(dir.join("o/dark.svg"))
        .unwrap()
        .contains("<style"));
    let err = render_fails(
        "dark-typo",
        &format!("dark_varient = true\n{}", spec_for("a.geojson")),
        &[("a.geojson", POLY)],
        2,
    );
    assert!(
        err.contains("map.toml:1:1") && err.contains("dark_varient"),
        "{err}"
    );
}

#[test]
fn missing_source_file_names_it() {
    let err = render_fails("missing", &spec_for("nowhere.geojson"), &[], 1);
    assert!(err.contains("nowhere.geojson"), "{err}");
}

#[test]
fn malformed_json_names_file_line_and_column() {
    let err = render_fails(
        "malformed",
        &spec_for("bad.geojson"),
        &[(
            "bad.geojson",
            "{\"type\": \"FeatureCollection\",\n \"features\": [,]}",
        )],
        1,
    );
    assert!(err.contains("bad.geojson: 2:"), "{err}");
}

#[test]
fn truncated_json_is_reported() {
    let err = render_fails(
        "truncated",
        &spec_for("t.geojson"),
        &[("t.geojson", &POLY[..60])],
        1,
    );
    assert!(
        err.contains("t.geojson") && err.contains("truncated"),
        "{err}"
    );
}

#[test]
fn one_element_ring_names_the_feature() {
    let data = r#"{"type":"FeatureCollection","features":[{"type":"Feature","id":"x","properties":{},
      "geometry":{"type":"Polygon","coordinates":[[[60,30]]]}}]}"#;
    let err = render_fails("ring", &spec_for("r.geojson"), &[("r.geojson", data)], 1);
    assert!(
        err.contains("r.geojson: feature 0 (id \"x\"), ring 0"),
        "{err}"
    );
}

#[test]
fn unknown_spec_key_gives_line_and_column() {
    let err = render_fails(
        "key",
        &format!("{}colour = \"red\"\n", spec_for("a.geojson")),
        &[("a.geojson", POLY)],
        2,
    );
    assert!(
        err.contains("map.toml:6:1:") && err.contains("colour"),
        "{err}"
    );
}

#[test]
fn wrong_value_type_gives_line_and_column() {
    let err = render_fails(
        "type",
        &format!("size = \"large\"\n{}", spec_for("a.geojson")),
        &[("a.geojson", POLY)],
        2,
    );
    assert!(err.contains("map.toml:1:8:"), "{err}");
}

#[test]
fn bad_colour_and_absurd_size_are_spec_errors() {
    let err = render_fails(
        "colour",
        &format!("{}fill = \"notacolour\"\n", spec_for("a.geojson")),
        &[("a.geojson", POLY)],
        2,
    );
    assert!(
        err.contains("map.toml:6:8:") && err.contains("notacolour"),
        "{err}"
    );
    let err = render_fails(
        "size",
        &format!("size = [1000000, 1000000]\n{}", spec_for("a.geojson")),
        &[("a.geojson", POLY)],
        2,
    );
    assert!(
        err.contains("map.toml:1:8:") && err.contains("size"),
        "{err}"
    );
}

#[test]
fn a_folder_or_non_geojson_source_is_an_error() {
    let err = render_fails("folder", &spec_for("."), &[], 1);
    assert!(err.contains("folder"), "{err}");
    let err = render_fails("csv", &spec_for("x.csv"), &[("x.csv", "a,b\n1,2\n")], 1);
    assert!(err.contains("x.csv"), "{err}");
}

#[test]
fn where_matching_nothing_is_an_error() {
    let spec = format!("{}where = {{ name = \"Nope\" }}\n", spec_for("a.geojson"));
    let err = render_fails("where", &spec, &[("a.geojson", POLY)], 1);
    assert!(err.contains("matches none"), "{err}");
}

#[test]
fn missing_spec_file_is_an_error() {
    let dir = scratch("nospec");
    let o = mapfig()
        .args(["render", "absent.toml", "-o", "o"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("absent.toml"), "{}", stderr(&o));
    assert!(files_in(&dir.join("o")).is_empty());
}

#[test]
fn draw_renders_natural_earth_admin1_to_svg_png_and_pdf() {
    let dir = scratch("draw");
    let input = root().join("geodata/afghanistan-provinces.geojson");
    for (name, expect) in [
        ("a.svg", &b"<svg"[..]),
        ("a.png", &b"\x89PNG"[..]),
        ("a.pdf", &b"%PDF-"[..]),
    ] {
        let o = mapfig()
            .arg("draw")
            .arg(&input)
            .arg("-o")
            .arg(dir.join(name))
            .args([
                "--size",
                "400x300",
                "--fill",
                "rgb(200 200 200)",
                "--stroke",
                "none",
                "--background",
                "none",
            ])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let bytes = std::fs::read(dir.join(name)).unwrap();
        assert!(bytes.starts_with(expect), "{name}");
    }
    let svg = std::fs::read_to_string(dir.join("a.svg")).unwrap();
    assert_eq!(svg.matches("class=\"feature\"").count(), 34);
    assert!(svg.contains("stroke=\"none\""));
}

/// Several `-o` files come from one render: the same bytes as separate runs, and when one
/// cannot be written none is left behind.
#[test]
fn draw_writes_several_formats_from_one_render() {
    let dir = scratch("draw-multi");
    std::fs::write(dir.join("a.geojson"), POLY).unwrap();
    let draw = |outs: &[&str]| {
        let mut c = mapfig();
        c.args(["draw", "a.geojson", "--size", "300x200"])
            .current_dir(&dir);
        for o in outs {
            c.args(["-o", o]);
        }
        c.output().unwrap()
    };
    assert!(draw(&["both.svg", "both.png", "both.pdf"]).status.success());
    assert!(draw(&["one.svg"]).status.success());
    assert!(draw(&["one.png"]).status.success());
    assert_eq!(
        std::fs::read(dir.join("both.png")).unwrap(),
        std::fs::read(dir.join("one.png")).unwrap(),
    );
    // SVG ids are named after the (first) output file: the same bytes but for the prefix.
    let svg = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    assert_eq!(
        svg("both.svg")
            .replace("both_", "one_")
            .replace("id=\"both\"", "id=\"one\""),
        svg("one.svg")
    );
    assert!(std::fs::read(dir.join("both.pdf"))
        .unwrap()
        .starts_with(b"%PDF"));
    let o = draw(&["x.svg", "missing-dir/x.png"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("missing-dir/x.png"), "{}", stderr(&o));
    assert!(!dir.join("x.svg").exists(), "the SVG of a failed run stays");
    let o = draw(&["y.svg", "y.gif"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!dir.join("y.svg").exists());
}

#[test]
fn draw_rejects_bad_flags_without_writing() {
    let dir = scratch("drawbad");
    let input = root().join("geodata/afghanistan.geojson");
    for (args, needle) in [
        (vec!["-o", "x.gif"], ".svg, .png or .pdf"),
        (vec!["-o", "x.svg", "--fill", "blurple"], "blurple"),
        (vec!["-o", "x.svg", "--size", "10x"], "--size"),
        (vec!["-o", "x.svg", "--proj", "+proj=nope"], "+proj=nope"),
    ] {
        let o = mapfig()
            .arg("draw")
            .arg(&input)
            .args(&args)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(!o.status.success());
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
    }
    assert!(files_in(&dir).is_empty(), "{:?}", files_in(&dir));
}

#[test]
fn bare_mapfig_outside_a_project_explains_itself() {
    let dir = scratch("bare");
    let o = mapfig().current_dir(&dir).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("maps"), "{}", stderr(&o));
}
