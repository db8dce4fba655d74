//! FlatGeobuf files written by GDAL's ogr2ogr (tests/data/formats, made by
//! tests/data/make-format-fixtures.sh) read as the GeoJSON ogr2ogr wrote from the same
//! source: the same SVG paths through the binary, the same properties and coordinates; Z
//! is dropped; a declared projected CRS is kept; corrupt files are refused cleanly.

mod common;

use common::{files_in, mapfig, root, scratch, stderr};
use mapfig::sources::{parse, Dataset, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    root().join("tests/data/formats").join(name)
}

fn load(name: &str) -> Dataset {
    let path = fixture(name);
    let bytes = std::fs::read(&path).unwrap();
    parse(&bytes, &path).unwrap_or_else(|e| panic!("{e}"))
}

/// The `d` attributes of the SVG `mapfig draw` makes of `data`.
fn drawn_paths(dir: &Path, data: &str) -> Vec<String> {
    let out = dir.join(format!("{data}.svg"));
    let o = mapfig()
        .args(["draw", "--size", "800x600", "-o"])
        .arg(&out)
        .arg(fixture(data))
        .output()
        .unwrap();
    assert!(o.status.success(), "{data}: {}", stderr(&o));
    let svg = std::fs::read_to_string(&out).unwrap();
    let paths: Vec<String> = svg
        .split(" d=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect();
    assert!(!paths.is_empty(), "{data}: no paths");
    paths
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn draws_the_same_paths_as_the_geojson() {
    let dir = scratch("flatgeobuf", "paths");
    // Without a spatial index, GDAL keeps the file order: the very same SVG paths.
    assert_eq!(
        drawn_paths(&dir, "all-types.fgb"),
        drawn_paths(&dir, "all-types.geojson")
    );
    // With one, it writes the features in the index's order: the same paths, reordered.
    let geojson = sorted(drawn_paths(&dir, "countries.geojson"));
    assert_eq!(sorted(drawn_paths(&dir, "countries.fgb")), geojson);
    // Z is read past.
    assert_eq!(sorted(drawn_paths(&dir, "countries-z.fgb")), geojson);
}

/// A feature's properties by name, numbers as their values; absent is null (FlatGeobuf
/// writes no value for a null).
fn props(d: &Dataset, i: usize, keys: &[&str]) -> Vec<(String, String)> {
    keys.iter()
        .map(|k| {
            let v = match d.features[i].properties.value(k) {
                Some(Value::Number(t)) => format!("{}", t.parse::<f64>().unwrap()),
                None | Some(Value::Null) => "null".into(),
                other => format!("{other:?}"),
            };
            (k.to_string(), v)
        })
        .collect()
}

#[test]
fn properties_and_coordinates_match_the_geojson() {
    let fgb = load("countries.fgb");
    let geojson = load("countries.geojson");
    assert_eq!(fgb.format, "FlatGeobuf");
    assert_eq!(fgb.crs, None, "EPSG:4326 is read as longitude/latitude");
    assert_eq!(fgb.features.len(), geojson.features.len());
    let keys = ["pop_est", "continent", "name", "iso_a3", "gdp_md_est"];
    let by_name = |d: &Dataset| -> BTreeMap<String, usize> {
        (0..d.features.len())
            .map(|i| (d.features[i].property_text("name").unwrap(), i))
            .collect()
    };
    let (a, b) = (by_name(&fgb), by_name(&geojson));
    assert_eq!(a.len(), fgb.features.len());
    for (name, &i) in &a {
        let j = b[name];
        assert_eq!(props(&fgb, i, &keys), props(&geojson, j, &keys), "{name}");
        same_coordinates(&fgb.features[i], &geojson.features[j]);
    }
    let all = load("all-types.fgb");
    let all_geojson = load("all-types.geojson");
    for (f, g) in all.features.iter().zip(&all_geojson.features) {
        assert_eq!(f.geometry, g.geometry, "{}", f.id);
    }
    // GDAL 3.6's FlatGeobuf writer leaves out the feature without geometry.
    assert_eq!((all.features.len(), all_geojson.features.len()), (7, 8));
    assert_eq!(
        props(&all, 2, &["kind", "n", "x", "ok"]),
        props(&all_geojson, 2, &["kind", "n", "x", "ok"])
    );
}

/// The same geometry up to the GeoJSON's 15 decimals (ogr2ogr rounds there).
fn same_coordinates(a: &mapfig::sources::Feature, b: &mapfig::sources::Feature) {
    use geo::CoordsIter;
    let (ga, gb) = (a.geometry.as_ref().unwrap(), b.geometry.as_ref().unwrap());
    assert_eq!(
        std::mem::discriminant(ga),
        std::mem::discriminant(gb),
        "{}",
        a.id
    );
    assert_eq!(ga.coords_count(), gb.coords_count(), "{}", a.id);
    for (p, q) in ga.coords_iter().zip(gb.coords_iter()) {
        assert!(
            (p.x - q.x).abs() < 1e-12 && (p.y - q.y).abs() < 1e-12,
            "{}: {p:?} {q:?}",
            a.id
        );
    }
}

#[test]
fn a_projected_crs_is_declared_and_reprojected_as_gdal_s_geojson_of_it_is() {
    let fgb = load("north-america-5070.fgb");
    assert_eq!(fgb.crs.as_deref(), Some("EPSG:5070"));
    // The GeoJSON ogr2ogr wrote alongside, in EPSG:5070 with a legacy `crs` member: both
    // go through the same CRS step, so they hold the same longitudes and latitudes.
    let geojson = load("north-america-5070.geojson");
    let by_name = |d: &mapfig::sources::Dataset| -> BTreeMap<String, Vec<f64>> {
        d.features
            .iter()
            .map(|f| {
                use geo::CoordsIter;
                let coords = f
                    .geometry
                    .as_ref()
                    .unwrap()
                    .coords_iter()
                    .flat_map(|c| [c.x, c.y])
                    .collect();
                (f.property_text("name").unwrap(), coords)
            })
            .collect()
    };
    let (got, want) = (by_name(&fgb), by_name(&geojson));
    assert_eq!(got.len(), 18);
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>()
    );
    for (name, g) in &got {
        let w = &want[name];
        assert_eq!(g.len(), w.len(), "{name}");
        for (a, b) in g.iter().zip(w) {
            assert!((a - b).abs() < 1e-6, "{name}: {a} != {b}");
        }
        // Degrees now: North America between 180°W and 0°, 0° and 90°N.
        for xy in g.chunks(2) {
            assert!(
                (-180.0..0.0).contains(&xy[0]) && (0.0..90.0).contains(&xy[1]),
                "{name}: {xy:?}"
            );
        }
    }
}

/// Every truncation of a real file is an error naming the file, and no corruption of a
/// byte panics.
#[test]
fn truncated_and_corrupt_files_are_refused_without_panic() {
    for name in ["countries.fgb", "all-types.fgb"] {
        let path = fixture(name);
        let bytes = std::fs::read(&path).unwrap();
        let step = (bytes.len() / 400).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            let e = parse(&bytes[..cut], &path).map(|_| ()).unwrap_err();
            assert_eq!(e.exit_code(), 1, "{name} cut at {cut}: {e}");
            assert!(e.to_string().contains(name), "{e}");
        }
        for at in (0..bytes.len()).step_by(step.max(3)) {
            for flip in [0x01u8, 0x80, 0xff] {
                let mut b = bytes.clone();
                b[at] ^= flip;
                if let Err(e) = parse(&b, &path) {
                    assert_eq!(e.exit_code(), 1, "{name} byte {at}: {e}");
                }
            }
        }
    }
}

#[test]
fn the_binary_refuses_a_bad_file_and_writes_nothing() {
    let dir = scratch("flatgeobuf", "bad");
    let bytes = std::fs::read(fixture("countries.fgb")).unwrap();
    let mut old = bytes.clone();
    old[3] = 2;
    std::fs::create_dir_all(dir.join("out")).unwrap();
    for (name, content, says) in [
        (
            "cut.fgb",
            &bytes[..bytes.len() - 100],
            "truncated FlatGeobuf file",
        ),
        ("header.fgb", &bytes[..300], "corrupt FlatGeobuf header"),
        ("old.fgb", &old[..], "FlatGeobuf version 2 is not read"),
    ] {
        std::fs::write(dir.join(name), content).unwrap();
        let o = mapfig()
            .args(["draw", name, "-o", "out/map.svg"])
            .current_dir(&dir)
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{name}: {err}");
        assert!(err.contains(name) && err.contains(says), "{name}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        let out = files_in(&dir.join("out"));
        assert!(out.is_empty(), "{name}: wrote {out:?}");
    }
    let o = mapfig()
        .args(["draw", "--max-vertices", "1000", "-o", "map.svg"])
        .arg(fixture("countries.fgb"))
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("--max-vertices"), "{}", stderr(&o));
    assert!(!dir.join("map.svg").exists());
}
