//! Data input read exactly and refused plainly (issue 8, classes 5, 6, 12, 13 and 19):
//! ids and numbers keep every digit, `where` compares numbers by value, members of
//! `features` must be Features, the vertex limit stops a parse, non-regular files are
//! refused before they are read, and nesting past 128 levels is an error with line:column.
//! Every case goes through the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};
mod common;
use common::{files_in, mapfig, run_within, stderr};

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    common::scratch("data-input", name)
}

/// A square polygon feature at `x` with this raw JSON `id` member and properties.
fn square(id: &str, x: f64, properties: &str) -> String {
    format!(
        r#"{{"type":"Feature","id":{id},"properties":{properties},"geometry":{{"type":"Polygon","coordinates":[[[{x},30],[{x1},30],[{x1},31],[{x},31],[{x},30]]]}}}}"#,
        x1 = x + 1.0
    )
}

fn collection(features: &[String]) -> String {
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",\n")
    )
}

/// Renders `spec` (map.toml) beside `data.geojson` to SVG; returns the run and the SVG.
fn render(dir: &Path, data: &str, spec: &str) -> (Output, Option<String>) {
    std::fs::write(dir.join("data.geojson"), data).unwrap();
    std::fs::write(dir.join("map.toml"), spec).unwrap();
    let out = dir.join("out");
    let o = mapfig()
        .args(["render", "map.toml", "--format", "svg", "-o", "out"])
        .current_dir(dir)
        .output()
        .unwrap();
    let svg = std::fs::read_to_string(out.join("map.svg")).ok();
    (o, svg)
}

fn spec_where(filter: &str) -> String {
    format!(
        "title = \"T\"\n[[layer]]\nid = \"p\"\nsource = \"data.geojson\"\nwhere = {{ {filter} }}\nlabel = \"{{name}} {{n}}\"\n"
    )
}

/// The feature ids drawn in an SVG: the part after `p-` of each `id="…p-…"` on a feature.
fn drawn(svg: &str, wanted: &str) -> bool {
    svg.contains(&format!("p-{wanted}\""))
}

#[test]
fn numeric_ids_match_where_exactly_and_print_exactly() {
    let dir = scratch("ids");
    let big = "12345678901234567891234";
    let data = collection(&[
        square("5", 60.0, r#"{"name":"five","n":1}"#),
        square(
            big,
            62.0,
            r#"{"name":"big","n":123456789012345678901234567890}"#,
        ),
        square("9007199254740993", 64.0, r#"{"name":"odd","n":2.50}"#),
        square("\"x\"", 66.0, r#"{"name":"x","n":9007199254740993}"#),
    ]);

    // A spec integer matches the numeric id 5 (it used to compare "5" with 5).
    let (o, svg) = render(&dir, &data, &spec_where("id = 5"));
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = svg.unwrap();
    assert!(drawn(&svg, "5"), "{svg}");
    assert!(!drawn(&svg, big) && !drawn(&svg, "x"));

    // 5.0 and 5e0 are the number 5; a quoted "5" names it too (the documented rule).
    for filter in ["id = 5.0", "id = \"5\"", "id = \"5e0\""] {
        let (o, svg) = render(&dir, &data, &spec_where(filter));
        assert!(o.status.success(), "{filter}: {}", stderr(&o));
        assert!(drawn(&svg.unwrap(), "5"), "{filter}");
    }

    // An id beyond 2^64, named as a string, matches and prints with every digit, as does a
    // property beyond f64's precision in the label.
    let (o, svg) = render(&dir, &data, &spec_where(&format!("id = \"{big}\"")));
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = svg.unwrap();
    assert!(drawn(&svg, big), "{svg}");
    assert!(
        svg.contains("123456789012345678901234567890"),
        "the label lost digits: {svg}"
    );

    // 2^53 + 1 is not 2^53: no rounding through f64, for ids and properties alike.
    let (o, _) = render(&dir, &data, &spec_where("id = 9007199254740992"));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("matches none"), "{}", stderr(&o));
    let (o, svg) = render(&dir, &data, &spec_where("n = 9007199254740993"));
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = svg.unwrap();
    assert!(drawn(&svg, "x") && !drawn(&svg, "5"), "{svg}");
    let (o, _) = render(&dir, &data, &spec_where("n = 9007199254740992"));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));

    // A property 2.50 is the number 2.5, and prints as the file writes it.
    let (o, svg) = render(&dir, &data, &spec_where("n = 2.5"));
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = svg.unwrap();
    assert!(drawn(&svg, "9007199254740993"), "{svg}");
    assert!(svg.contains("odd 2.50"), "{svg}");
}

/// Draws `data` (written as data.geojson); returns the run and the files left in out/.
fn draw(dir: &Path, data: &str, extra: &[&str]) -> (Output, Vec<String>) {
    std::fs::write(dir.join("data.geojson"), data).unwrap();
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let o = mapfig()
        .args(["draw", "data.geojson", "-o", "out/m.svg"])
        .args(extra)
        .current_dir(dir)
        .output()
        .unwrap();
    (o, files_in(&out))
}

#[test]
fn members_of_features_that_are_not_features_are_errors_naming_the_index() {
    let dir = scratch("not-features");
    let good = square("1", 60.0, "{}");
    let cases: &[(&str, &str)] = &[
        (
            r#"{"type":"Point","coordinates":[60.5,30.5]}"#,
            "bare Point geometry",
        ),
        ("{}", "has no \"type\""),
        (
            r#"{"type":"Banana","geometry":null,"properties":{}}"#,
            "\"Banana\"",
        ),
        ("5", "a number"),
        ("\"Feature\"", "a string"),
        ("null", "null"),
        ("[1,2]", "an array"),
        (r#"{"type":"Feature","properties":{}}"#, "no \"geometry\""),
        (
            r#"{"type":"Feature","geometry":null,"properties":[1]}"#,
            "must be an object or null",
        ),
        (
            r#"{"type":"Feature","geometry":null,"id":{"a":1}}"#,
            "string or a number",
        ),
    ];
    for (bad, says) in cases {
        let data = format!(
            "{{\"type\":\"FeatureCollection\",\"features\":[\n{good},\n{good},\n  {bad}]}}"
        );
        let (o, left) = draw(&dir, &data, &[]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{bad}: {err}");
        assert!(
            err.contains("data.geojson: 4:") && err.contains("feature 2"),
            "{bad}: the error must name line 4 and index 2: {err}"
        );
        assert!(err.contains(says), "{bad}: wanted {says:?} in {err}");
        assert!(left.is_empty(), "{bad}: left {left:?}");
    }
    // The same rigour when "type" comes after "features", and inside GeometryCollections.
    let data = format!(r#"{{"features":[{good}, {{}}], "type":"FeatureCollection"}}"#);
    let (o, _) = draw(&dir, &data, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("feature 1") && err.contains("1:"), "{err}");
    let gc = r#"{"type":"Feature","properties":{},"geometry":{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[60,30]},{}]}}"#;
    let (o, _) = draw(&dir, gc, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("type"), "{}", stderr(&o));
    let gc = r#"{"type":"Feature","properties":{},"geometry":{"type":"GeometryCollection","geometries":[{"type":"Feature","geometry":null}]}}"#;
    let (o, _) = draw(&dir, gc, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("\"Feature\""), "{}", stderr(&o));
}

/// Writes `n` features of `vertices` vertices each, as compactly as GeoJSON allows.
fn write_lines(path: &Path, n: usize, vertices: usize) {
    use std::io::Write;
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    write!(w, r#"{{"type":"FeatureCollection","features":["#).unwrap();
    for i in 0..n {
        if i > 0 {
            write!(w, ",").unwrap();
        }
        write!(
            w,
            r#"{{"type":"Feature","geometry":{{"type":"LineString","coordinates":["#
        )
        .unwrap();
        for v in 0..vertices {
            if v > 0 {
                write!(w, ",").unwrap();
            }
            write!(w, "[{},{}]", (v % 90) as f64 * 0.5, (i % 80) as f64 * 0.5).unwrap();
        }
        write!(w, "]}}}}").unwrap();
    }
    write!(w, "]}}").unwrap();
}

#[test]
fn the_vertex_limit_stops_the_parse_when_passed() {
    let dir = scratch("vertex-limit");
    std::fs::create_dir_all(dir.join("out")).unwrap();
    // 200,000 features of 10 vertices; the limit is passed within the first batches.
    write_lines(&dir.join("big.geojson"), 200_000, 10);
    let started = Instant::now();
    let o = mapfig()
        .args([
            "draw",
            "big.geojson",
            "-o",
            "out/m.svg",
            "--max-vertices",
            "5000",
        ])
        .current_dir(&dir)
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("--max-vertices") && err.contains("limit of 5000"),
        "{err}"
    );
    // It stopped near the limit, not after reading all 200,000 features.
    let at: usize = err
        .split("feature ")
        .nth(1)
        .and_then(|s| s.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no feature index in {err}"));
    assert!(at <= 2_000, "stopped at feature {at}: {err}");
    assert!(started.elapsed() < Duration::from_secs(30));
    assert!(files_in(&dir.join("out")).is_empty());
}

/// Runs mapfig with a deadline; a run still going after it is killed and the test fails.
fn run_with_deadline(dir: &Path, args: &[&str], deadline: Duration) -> Output {
    run_within(mapfig().args(args), dir, deadline).0
}

fn mkfifo(path: &Path) -> bool {
    Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn fifos_and_other_non_regular_files_are_refused_without_blocking() {
    let dir = scratch("fifo");
    std::fs::create_dir_all(dir.join("out")).unwrap();
    assert!(
        mkfifo(&dir.join("pipe.geojson")) && mkfifo(&dir.join("pipe.toml")),
        "this test needs `mkfifo` (Debian: apt-get install coreutils)"
    );
    let deadline = Duration::from_secs(20);
    // A FIFO as data source of `draw`.
    let o = run_with_deadline(&dir, &["draw", "pipe.geojson", "-o", "out/m.svg"], deadline);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("pipe.geojson: is a FIFO"),
        "{}",
        stderr(&o)
    );
    // A FIFO as spec.
    let o = run_with_deadline(&dir, &["render", "pipe.toml", "-o", "out"], deadline);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("pipe.toml: is a FIFO"),
        "{}",
        stderr(&o)
    );
    // A FIFO as a spec's source.
    std::fs::write(
        dir.join("map.toml"),
        "title = \"T\"\n[[layer]]\nid = \"p\"\nsource = \"pipe.geojson\"\n",
    )
    .unwrap();
    let o = run_with_deadline(&dir, &["render", "map.toml", "-o", "out"], deadline);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("is a FIFO"), "{}", stderr(&o));
    // A device.
    if Path::new("/dev/null").exists() {
        let o = run_with_deadline(&dir, &["draw", "/dev/null", "-o", "out/m.svg"], deadline);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));
    }
    assert!(files_in(&dir.join("out")).is_empty());
}

#[test]
fn properties_and_geometry_nested_past_128_levels_are_errors_with_line_column() {
    let dir = scratch("depth");
    let deep = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
    // In properties (skipped raw until now) and in a foreign member of a geometry.
    let in_properties = format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[\n{}]}}",
        square("1", 60.0, &format!("{{\"deep\":{}}}", deep(200)))
    );
    let in_geometry = format!(
        "{{\"type\":\"Feature\",\"properties\":{{}},\n\"geometry\":{{\"type\":\"Point\",\"coordinates\":[60,30],\"x\":{}}}}}",
        deep(300)
    );
    for (what, data) in [("properties", in_properties), ("geometry", in_geometry)] {
        let (o, left) = draw(&dir, &data, &[]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{what}: {err}");
        assert!(err.contains("data.geojson: 2:"), "{what}: {err}");
        assert!(err.contains("deeper than 128"), "{what}: {err}");
        assert!(left.is_empty());
    }
    // 100 levels in properties are fine.
    let data = collection(&[square("1", 60.0, &format!("{{\"deep\":{}}}", deep(100)))]);
    let (o, _) = draw(&dir, &data, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
}
