//! Issue 8, class 9 and the template part of class 19: number formats in label, callout and
//! badge templates (d3-format style), fallbacks for missing values, errors that name the
//! layer, feature and field instead of an empty label, and template syntax errors that are
//! spec errors at the template's line and column.

use std::path::PathBuf;
use std::process::Output;
mod common;
use common::{mapfig, stderr};

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    common::scratch("numfmt", name)
}

/// One point feature per value of `v`, far apart so every label is placed.
fn points(values: &[&str]) -> String {
    let features: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            format!(
                r#"{{"type":"Feature","id":"f{i}","properties":{{"v":{v},"name":"P{i}"}},"geometry":{{"type":"Point","coordinates":[{},{}]}}}}"#,
                60 + (i % 4) * 3,
                30 + (i / 4) * 3
            )
        })
        .collect();
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
}

/// Renders `spec` over `data` (as d.geojson); returns the process output and the SVG text.
fn render(name: &str, spec: &str, data: &str) -> (Output, Option<String>, PathBuf) {
    let dir = scratch(name);
    std::fs::write(dir.join("d.geojson"), data).unwrap();
    std::fs::write(dir.join("m.toml"), spec).unwrap();
    let o = mapfig()
        .args(["render", "m.toml", "-o", "out", "--format", "svg"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let svg = std::fs::read_to_string(dir.join("out/m.svg")).ok();
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    (o, svg, dir)
}

fn label_spec(label: &str) -> String {
    format!(
        "size = [900, 700]\n[furniture]\nscale_bar = false\nlegend = false\n[[layer]]\nid = \"pts\"\nsource = \"d.geojson\"\nlabel = '{label}'\n"
    )
}

/// The label texts of the SVG, by feature (`label-pts-f0` → `f0`).
fn labels(svg: &str) -> Vec<(String, String)> {
    let d = roxmltree::Document::parse(svg).unwrap();
    let mut v: Vec<(String, String)> = d
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter(|n| n.attribute("class") == Some("label label-pts"))
        .map(|n| {
            let id = n.attribute("id").unwrap_or_default();
            let feature = id.rsplit('-').next().unwrap_or_default().to_string();
            (feature, n.text().unwrap_or_default().to_string())
        })
        .collect();
    v.sort();
    v
}

#[test]
fn thousands_separators_work_for_fractional_values() {
    let (o, svg, _) = render(
        "comma",
        &label_spec("{v:,}"),
        &points(&["1234.5", "1234567", "-9876543.25", "12"]),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let got: Vec<String> = labels(&svg.unwrap()).into_iter().map(|(_, t)| t).collect();
    assert_eq!(got, ["1,234.5", "1,234,567", "-9,876,543.25", "12"]);
}

#[test]
fn number_formats_in_labels_follow_d3_format() {
    for (format, value, want) in [
        (",.1f", "1234.56", "1,234.6"),
        (".0%", "0.123", "12%"),
        (".1%", "0.07", "7.0%"),
        (".3s", "1234", "1.23k"),
        (".3s", "1500000", "1.50M"),
        (",d", "1234567.6", "1,234,568"),
        (".2e", "1234", "1.23e+3"),
        ("+,.0f", "1234", "+1,234"),
        ("$,.2f", "-1234.5", "-$1,234.50"),
        ("06.1f", "3.14159", "0003.1"),
        ("*>8d", "42", "******42"),
        (".3~s", "1500000", "1.5M"),
        (",.2f", "\"1234.5\"", "1,234.50"),
    ] {
        let (o, svg, _) = render(
            "formats",
            &label_spec(&format!("{{v:{format}}}")),
            &points(&[value]),
        );
        assert!(o.status.success(), "{format}: {}", stderr(&o));
        let got = labels(&svg.unwrap());
        assert_eq!(got.len(), 1, "{format}");
        assert_eq!(got[0].1, want, "{{v:{format}}} of {value}");
    }
}

#[test]
fn missing_or_non_numeric_values_are_errors_naming_layer_feature_and_field() {
    for (value, what) in [
        ("null", "missing"),
        ("\"abc\"", "\"abc\""),
        ("true", "true"),
    ] {
        let (o, svg, dir) = render(
            "missing",
            &label_spec("{name}: {v:,.1f}"),
            &points(&["12.5", value]),
        );
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{value}: {err}");
        assert!(svg.is_none(), "{value}: wrote an SVG");
        for part in ["layer \"pts\"", "feature \"f1\"", "property \"v\"", what] {
            assert!(err.contains(part), "{value}: {part} missing from {err}");
        }
        assert!(
            err.contains(&dir.join("m.toml").display().to_string()) || err.contains("m.toml"),
            "{err}"
        );
    }
}

#[test]
fn fallbacks_fill_missing_values() {
    let (o, svg, _) = render(
        "fallback",
        &label_spec("{v:,.1f|n/a}"),
        &points(&["1234.56", "null", "\"abc\""]),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let got: Vec<String> = labels(&svg.unwrap()).into_iter().map(|(_, t)| t).collect();
    assert_eq!(got, ["1,234.6", "n/a", "n/a"]);
    // A fallback without a format: for a missing property.
    let (o, svg, _) = render(
        "fallback-plain",
        &label_spec("{nickname|none}"),
        &points(&["1"]),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(labels(&svg.unwrap())[0].1, "none");
}

/// Badges and callouts format numbers the same way, and a missing value names the badge.
#[test]
fn badges_and_callouts_format_numbers() {
    let spec = format!(
        "{}[[callout]]\nat = [60, 30]\nsource = \"d.geojson\"\nwhere = {{ id = \"f0\" }}\ntext = \"{{v:.1%}} share\"\noffset = [80, -80]\n[[badge]]\nvalue = \"{{v:,.0f}}\"\ncaption = \"people\"\nsource = \"d.geojson\"\nwhere = {{ id = \"f1\" }}\n",
        label_spec("{name}")
    )
    .replace("at = [60, 30]\n", "");
    let (o, svg, _) = render("badge", &spec, &points(&["0.256", "1234567.8"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = svg.unwrap();
    assert!(svg.contains("25.6% share"), "{svg}");
    assert!(svg.contains(">1,234,568<"), "{svg}");
    let (o, _, _) = render("badge-missing", &spec, &points(&["0.256", "null"]));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("badge 1") && err.contains("\"f1\"") && err.contains("\"v\""),
        "{err}"
    );
}

/// Template syntax errors are spec errors: exit 2, `file:line:column` of the template.
#[test]
fn template_syntax_errors_are_spec_errors_with_line_and_column() {
    let data = points(&["1"]);
    for (spec, place, words) in [
        (label_spec("{name"), "m.toml:8:9:", "unclosed"),
        (
            label_spec("{v:,.1q}"),
            "m.toml:8:9:",
            "unknown format type 'q'",
        ),
        (label_spec("{v:.99f}"), "m.toml:8:9:", "precision"),
        (label_spec("name}"), "m.toml:8:9:", "unmatched"),
        (label_spec("{:,}"), "m.toml:8:9:", "property name"),
        (
            format!(
                "{}[[callout]]\nat = [60, 30]\ntext = \"{{v:%%}}\"\n",
                label_spec("{name}")
            ),
            "m.toml:11:8:",
            "number format",
        ),
        (
            format!(
                "{}[[badge]]\nvalue = 3\ncaption = \"of {{x\"\n",
                label_spec("{name}")
            ),
            "m.toml:11:11:",
            "unclosed",
        ),
        (
            format!(
                "{}[[badge]]\nvalue = \"{{n:bad}}\"\ncaption = \"x\"\n",
                label_spec("{name}")
            ),
            "m.toml:10:9:",
            "format",
        ),
    ] {
        let (o, svg, _) = render("syntax", &spec, &data);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{spec}\n{err}");
        assert!(err.contains(place), "{place} missing: {err}");
        assert!(err.contains(words), "{words} missing: {err}");
        assert!(svg.is_none());
    }
}
