//! GeoJSON text sequences: RFC 8142 (RS-prefixed) and newline-delimited files that GDAL's
//! ogr2ogr wrote from vega-datasets' londonBoroughs.json read the same features as GDAL's
//! FeatureCollection of the same data, and draw the same map; broken records are errors
//! naming their line.

mod common;

use common::{mapfig, scratch, stderr};
use mapfig::limits::Limits;
use mapfig::sources::{load_with, Dataset};
use mapfig::spec::ReadOptions;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    common::root().join("tests/data/formats").join(name)
}

fn load(path: &Path) -> Dataset {
    load_with(path, &Limits::default(), &ReadOptions::default()).unwrap()
}

/// The path data of an SVG, in document order.
fn paths(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter_map(|n| n.attribute("d"))
        .map(str::to_string)
        .collect()
}

#[test]
fn sequences_read_the_features_of_the_collection() {
    let collection = load(&fixture("london-boroughs.geojson"));
    assert_eq!(collection.format, "GeoJSON");
    assert_eq!(collection.features.len(), 33);
    for (name, format) in [
        (
            "london-boroughs.geojsons",
            "GeoJSON text sequence (RFC 8142)",
        ),
        ("london-boroughs.geojsonl", "newline-delimited GeoJSON"),
    ] {
        let seq = load(&fixture(name));
        assert_eq!(seq.format, format);
        assert_eq!(seq.features.len(), 33, "{name}");
        for (a, b) in collection.features.iter().zip(&seq.features) {
            assert_eq!(a.id, b.id, "{name}");
            assert_eq!(a.geometry, b.geometry, "{name} {}", a.id);
            assert_eq!(a.property_text("id"), b.property_text("id"));
        }
        assert_eq!(seq.features[0].id, "Kingston upon Thames");
    }
}

#[test]
fn sequences_draw_the_same_map() {
    let dir = scratch("geojsonseq", "draw");
    let mut drawn = Vec::new();
    for name in [
        "london-boroughs.geojson",
        "london-boroughs.geojsons",
        "london-boroughs.geojsonl",
    ] {
        let out = dir.join(format!("{name}.svg"));
        let o = mapfig()
            .arg("draw")
            .arg(fixture(name))
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        drawn.push(paths(&std::fs::read_to_string(out).unwrap()));
    }
    assert!(drawn[0].len() >= 33, "{}", drawn[0].len());
    assert_eq!(drawn[0], drawn[1]);
    assert_eq!(drawn[0], drawn[2]);
}

#[test]
fn bad_records_are_errors_naming_their_line() {
    let good = std::fs::read_to_string(fixture("london-boroughs.geojsonl")).unwrap();
    let lines: Vec<&str> = good.lines().collect();
    let dir = scratch("geojsonseq", "bad");
    let cases = [
        // A record cut short.
        (
            format!("{}\n{}\n{}\n", lines[0], lines[1], &lines[2][..40]),
            "bad.geojsonl: 3:",
        ),
        // A position outside lon/lat.
        (
            format!(
                "{}\n\n{}\n",
                lines[0],
                r#"{"type": "Feature", "properties": null, "geometry": {"type": "Point", "coordinates": [500, 1]}}"#
            ),
            "bad.geojsonl: line 3, feature 0",
        ),
        // Not JSON at all.
        (
            format!("{}\n{}\nhello\n", lines[0], lines[1]),
            "bad.geojsonl: 3:1",
        ),
    ];
    for (text, wanted) in cases {
        let path = dir.join("bad.geojsonl");
        std::fs::write(&path, text).unwrap();
        let o = mapfig()
            .arg("draw")
            .arg(&path)
            .arg("-o")
            .arg(dir.join("bad.svg"))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1));
        let e = stderr(&o).replace(&format!("{}/", dir.display()), "");
        assert!(e.contains(wanted), "{e}\nwanted {wanted}");
        assert!(!dir.join("bad.svg").exists());
    }
}

#[test]
fn features_without_ids_are_numbered_by_their_place_in_the_file() {
    let dir = scratch("geojsonseq", "ids");
    let f = |x: i32| {
        format!(
            r#"{{"type":"Feature","properties":{{"n":{x}}},"geometry":{{"type":"Point","coordinates":[{x},1]}}}}"#
        )
    };
    let path = dir.join("p.json");
    std::fs::write(&path, format!("\x1e{}\n\x1e{}\n\x1e{}\n", f(1), f(2), f(3))).unwrap();
    let data = load(&path);
    let ids: Vec<&str> = data.features.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["0", "1", "2"]);
}
