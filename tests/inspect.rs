//! `mapfig inspect` on real files of each format it reads: GeoJSON (London boroughs as
//! GDAL wrote them), CSV (vega-datasets airports), TSV (unemployment), newline-delimited
//! GeoJSON; the text for people and the `--json` schema README documents.

mod common;

use common::{mapfig, stderr};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn registry(file: &str) -> PathBuf {
    common::registry_data(file)
}

fn fixture(name: &str) -> PathBuf {
    common::root().join("tests/data/formats").join(name)
}

/// `mapfig inspect FILE ARGS` → (exit code, stdout, stderr).
fn inspect(file: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let o = mapfig()
        .arg("inspect")
        .arg(file)
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code(),
        String::from_utf8(o.stdout.clone()).unwrap(),
        stderr(&o),
    )
}

fn inspect_json(file: &Path, args: &[&str]) -> Value {
    let (code, out, err) = inspect(file, &[&["--json"], args].concat());
    assert_eq!(code, Some(0), "{err}");
    serde_json::from_str(&out).unwrap()
}

/// The property named `name` of the first object.
fn property<'a>(j: &'a Value, name: &str) -> &'a Value {
    j["objects"][0]["properties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no property {name} in {j}"))
}

#[test]
fn geojson_boroughs() {
    let file = fixture("london-boroughs.geojson");
    let j = inspect_json(&file, &[]);
    assert_eq!(j["format"], "GeoJSON");
    assert_eq!(j["crs"], Value::Null);
    assert_eq!(j["features"], 33);
    let o = &j["objects"][0];
    assert_eq!(o["name"], Value::Null);
    assert_eq!(o["features"], 33);
    assert_eq!(
        o["geometry_types"],
        json!([{"type": "Polygon", "count": 30}, {"type": "MultiPolygon", "count": 3}])
    );
    assert_eq!(o["vertices"], 1745);
    let bbox: Vec<f64> = serde_json::from_value(o["bbox"].clone()).unwrap();
    assert_eq!(bbox, [-0.5102906, 51.2867602, 0.3340156, 51.6917931]);
    let id = property(&j, "id");
    assert_eq!(id["type"], "text");
    assert_eq!(
        (id["nulls"].clone(), id["distinct"].clone()),
        (json!(0), json!(33))
    );
    assert_eq!(
        id["examples"],
        json!(["Kingston upon Thames", "Croydon", "Bromley"])
    );
    assert_eq!(id["min"], Value::Null);

    let (code, text, err) = inspect(&file, &[]);
    assert_eq!(code, Some(0), "{err}");
    for line in [
        "format    GeoJSON",
        "crs       EPSG:4326 (longitude/latitude)",
        "features  33",
        "geometry    Polygon 30, MultiPolygon 3",
        "bbox        -0.510291, 51.286760, 0.334016, 51.691793 (west, south, east, north; degrees)",
        "vertices    1745",
        "property  type  nulls  distinct  min  max  examples",
        "id        text      0        33            \"Kingston upon Thames\", \"Croydon\", \"Bromley\"",
    ] {
        assert!(text.lines().any(|l| l == line), "no line {line:?} in\n{text}");
    }
    // The same on every run.
    assert_eq!(inspect(&file, &[]).1, text);
}

#[test]
fn csv_airports() {
    let j = inspect_json(&registry("vega-datasets/airports.csv"), &[]);
    assert_eq!(j["format"], "CSV");
    assert_eq!(j["features"], 3376);
    let o = &j["objects"][0];
    assert_eq!(
        o["geometry_types"],
        json!([{"type": "Point", "count": 3376}])
    );
    assert_eq!(o["vertices"], 3376);
    let names: Vec<&str> = o["properties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "iata",
            "name",
            "city",
            "state",
            "country",
            "latitude",
            "longitude"
        ]
    );
    let lat = property(&j, "latitude");
    assert_eq!(lat["type"], "number");
    // Numbers as the file writes them (a JSON number of the exact text).
    assert_eq!(lat["max"].to_string(), "71.2854475");
    assert_eq!(lat["min"].to_string(), "7.367222");
    let country = property(&j, "country");
    assert_eq!(
        (country["type"].clone(), country["distinct"].clone()),
        (json!("text"), json!(5))
    );
    // "0E0" is a number in JSON's grammar; every other code is text.
    assert_eq!(property(&j, "iata")["type"], "mixed");
    let bbox: Vec<f64> = serde_json::from_value(o["bbox"].clone()).unwrap();
    assert_eq!(bbox, [-176.6460306, 7.367222, 145.621384, 71.2854475]);
}

#[test]
fn tsv_unemployment_is_a_table() {
    let file = registry("vega-datasets/unemployment.tsv");
    let j = inspect_json(&file, &[]);
    assert_eq!(j["format"], "TSV");
    assert_eq!(j["features"], 3218);
    let o = &j["objects"][0];
    assert_eq!(
        o["geometry_types"],
        json!([{"type": "none", "count": 3218}])
    );
    assert_eq!(o["bbox"], Value::Null);
    assert_eq!(o["vertices"], 0);
    let id = property(&j, "id");
    assert_eq!(id["type"], "number");
    assert_eq!(id["distinct"], 3218);
    assert_eq!(
        (id["min"].to_string(), id["max"].to_string()),
        ("1001".into(), "72153".into())
    );
    let rate = property(&j, "rate");
    assert_eq!(rate["type"], "number");
    assert_eq!(rate["examples"], json!(["0.097", "0.091", "0.134"]));
    let (code, text, _) = inspect(&file, &[]);
    assert_eq!(code, Some(0));
    assert!(text.contains("bbox        none (no geometry)"), "{text}");
    assert!(text.contains("geometry    none 3218"), "{text}");
}

#[test]
fn ndjson_and_flags() {
    let file = fixture("london-boroughs.geojsonl");
    let j = inspect_json(&file, &[]);
    assert_eq!(j["format"], "newline-delimited GeoJSON");
    assert_eq!(j["features"], 33);
    assert_eq!(j["objects"][0]["vertices"], 1745);
    assert_eq!(property(&j, "id")["distinct"], 33);

    // A file of one collection has none to pick: a usage error.
    let (code, out, err) = inspect(&file, &["--object", "boroughs"]);
    assert_eq!((code, out.as_str()), (Some(2), ""));
    assert!(err.contains("remove `object`"), "{err}");
    // Bad data: exit 1, nothing on stdout.
    let dir = common::scratch("inspect", "bad");
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "lat,lon\n1,x\n").unwrap();
    let (code, out, err) = inspect(&bad, &[]);
    assert_eq!((code, out.as_str()), (Some(1), ""));
    assert!(err.contains("line 2: longitude \"x\""), "{err}");
    // Columns named on the command line.
    std::fs::write(&bad, "a,b\n1,2\n").unwrap();
    let j = inspect_json(&bad, &["--x", "a", "--y", "b"]);
    assert_eq!(
        j["objects"][0]["geometry_types"],
        json!([{"type": "Point", "count": 1}])
    );
    // Limits like every command.
    let (code, _, err) = inspect(&file, &["--max-vertices", "100"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("--max-vertices"), "{err}");
}

/// inspect on the formats with named collections and the binary ones: us-atlas TopoJSON,
/// a Natural Earth Shapefile, GDAL-written FlatGeobuf and GeoPackage files.
#[test]
fn inspect_reads_topojson_shapefile_flatgeobuf_and_geopackage() {
    let counties = common::registry_data("us-atlas/counties-10m.json");
    let j = inspect_json(&counties, &[]);
    assert_eq!(j["format"], "TopoJSON");
    let names: Vec<&str> = j["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["counties", "states", "nation"], "file order");
    assert_eq!(j["objects"][0]["features"], 3231);
    let (code, text, err) = inspect(&counties, &["--object", "states"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(text.contains("MultiPolygon 56"), "{text}");

    let shp = common::registry_data("naturalearth/naturalearth_lowres.shp");
    let j = inspect_json(&shp, &[]);
    assert_eq!(
        (j["format"].as_str(), j["features"].as_u64()),
        (Some("Shapefile"), Some(177))
    );
    let o = &j["objects"][0];
    assert_eq!(
        o["geometry_types"],
        json!([{"type": "Polygon", "count": 148}, {"type": "MultiPolygon", "count": 29}])
    );
    assert_eq!(property(&j, "iso_a3")["type"], "text");
    assert_eq!(property(&j, "pop_est")["type"], "number");
    assert_eq!(property(&j, "pop_est")["nulls"], 0);

    let fgb = inspect_json(&fixture("north-america-5070.fgb"), &[]);
    assert_eq!(fgb["format"], "FlatGeobuf");
    assert_eq!(fgb["crs"], "EPSG:5070");
    let bbox: Vec<f64> = serde_json::from_value(fgb["objects"][0]["bbox"].clone()).unwrap();
    assert!(
        bbox[0] > -180.0 && bbox[2] < 0.0 && bbox[1] > 0.0 && bbox[3] < 90.0,
        "degrees: {bbox:?}"
    );

    let gpkg = inspect_json(&fixture("world.gpkg"), &[]);
    assert_eq!(gpkg["format"], "GeoPackage");
    let tables: Vec<(&str, u64)> = gpkg["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["name"].as_str().unwrap(), o["features"].as_u64().unwrap()))
        .collect();
    assert_eq!(tables, [("cities", 243), ("countries", 103)]);
    let (code, _, err) = inspect(&fixture("world.gpkg"), &["--object", "rivers"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("\"cities\" (243 features), \"countries\" (103 features)"),
        "{err}"
    );
}
