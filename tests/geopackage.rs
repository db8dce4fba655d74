//! GeoPackages written by GDAL's ogr2ogr (tests/data/formats, made by
//! tests/data/make-format-fixtures.sh) read as the GeoJSON ogr2ogr wrote from the same
//! source: the same SVG paths through the binary, the same properties; a layer picks a
//! table by name; Z is dropped; a declared projected CRS is kept; what is not a GeoPackage
//! and corrupt files are refused cleanly, and nothing is written next to the file.

mod common;

use common::{files_in, mapfig, root, scratch, stderr};
use mapfig::sources::{parse, Dataset, Value};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    root().join("tests/data/formats").join(name)
}

fn load(name: &str) -> Dataset {
    let path = fixture(name);
    let bytes = std::fs::read(&path).unwrap();
    parse(&bytes, &path).unwrap_or_else(|e| panic!("{e}"))
}

/// The `d` attributes of an SVG.
fn paths_of(svg: &Path) -> Vec<String> {
    let svg = std::fs::read_to_string(svg).unwrap();
    svg.split(" d=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

/// The `d` attributes of the SVG `mapfig draw` makes of `data`.
fn drawn_paths(dir: &Path, data: &Path) -> Vec<String> {
    let out = dir.join(format!(
        "{}.svg",
        data.file_name().unwrap().to_string_lossy()
    ));
    let o = mapfig()
        .args(["draw", "--size", "800x600", "-o"])
        .arg(&out)
        .arg(data)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}: {}", data.display(), stderr(&o));
    let paths = paths_of(&out);
    assert!(!paths.is_empty(), "{}: no paths", data.display());
    paths
}

#[test]
fn draws_the_same_paths_as_the_geojson() {
    let dir = scratch("geopackage", "paths");
    for (gpkg, geojson) in [
        ("countries.gpkg", "countries.geojson"),
        ("countries-z.gpkg", "countries.geojson"),
        ("all-types.gpkg", "all-types.geojson"),
    ] {
        assert_eq!(
            drawn_paths(&dir, &fixture(gpkg)),
            drawn_paths(&dir, &fixture(geojson)),
            "{gpkg}"
        );
    }
}

/// A property with numbers as their values and null as absent.
fn prop(d: &Dataset, i: usize, k: &str) -> String {
    match d.features[i].properties.value(k) {
        Some(Value::Number(t)) => format!("{}", t.parse::<f64>().unwrap()),
        None | Some(Value::Null) => "null".into(),
        other => format!("{other:?}"),
    }
}

#[test]
fn properties_ids_and_geometry_match_the_geojson() {
    for (gpkg, geojson, keys) in [
        (
            "countries.gpkg",
            "countries.geojson",
            &["pop_est", "continent", "name", "iso_a3", "gdp_md_est"][..],
        ),
        (
            "all-types.gpkg",
            "all-types.geojson",
            &["kind", "n", "x", "ok"],
        ),
    ] {
        let (a, b) = (load(gpkg), load(geojson));
        assert_eq!(a.format, "GeoPackage");
        assert_eq!(a.crs, None, "EPSG:4326 is read as longitude/latitude");
        assert_eq!(a.features.len(), b.features.len(), "{gpkg}");
        for i in 0..a.features.len() {
            // The primary key (GDAL's fid, from 1) is the id, not a property.
            assert_eq!(a.features[i].id, (i + 1).to_string());
            assert_eq!(a.features[i].properties.value("fid"), None);
            for k in keys {
                assert_eq!(prop(&a, i, k), prop(&b, i, k), "{gpkg} feature {i} {k}");
            }
            let (ga, gb) = (&a.features[i].geometry, &b.features[i].geometry);
            assert_eq!(ga.is_some(), gb.is_some(), "{gpkg} feature {i}");
            if let (Some(ga), Some(gb)) = (ga, gb) {
                use geo::CoordsIter;
                assert_eq!(ga.coords_count(), gb.coords_count());
                for (p, q) in ga.coords_iter().zip(gb.coords_iter()) {
                    assert!((p.x - q.x).abs() < 1e-12 && (p.y - q.y).abs() < 1e-12);
                }
            }
        }
    }
}

#[test]
fn a_layer_picks_a_table_by_name() {
    let dir = scratch("geopackage", "tables");
    let world = fixture("world.gpkg");
    let d = load("world.gpkg");
    let names: Vec<_> = d
        .objects
        .iter()
        .map(|o| (o.name.as_str(), o.features.len()))
        .collect();
    assert_eq!(names, [("cities", 243), ("countries", 103)]);
    let spec = |key: &str| {
        format!(
            "title = \"T\"\nsize = [800, 600]\n[[layer]]\nid = \"places\"\nsource = {:?}\n{key}\n",
            world.display().to_string()
        )
    };
    for (name, key) in [
        ("layer", "layer = \"cities\""),
        ("object", "object = \"cities\""),
    ] {
        std::fs::write(dir.join(format!("{name}.toml")), spec(key)).unwrap();
        let o = mapfig()
            .args([
                "render",
                &format!("{name}.toml"),
                "-o",
                "out",
                "--format",
                "svg",
            ])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let (a, b) = (
        paths_of(&dir.join("out/layer.svg")),
        paths_of(&dir.join("out/object.svg")),
    );
    assert!(!a.is_empty());
    assert_eq!(a, b);
    // Without a choice: an error listing the tables.
    std::fs::write(dir.join("none.toml"), spec("")).unwrap();
    let o = mapfig()
        .args(["render", "none.toml", "-o", "out2", "--format", "svg"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_ne!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("holds 2 tables")
            && err.contains("\"cities\" (243 features), \"countries\" (103 features)"),
        "{err}"
    );
    assert!(files_in(&dir.join("out2")).is_empty());
    // An unknown table: the same list.
    std::fs::write(dir.join("typo.toml"), spec("layer = \"citys\"")).unwrap();
    let o = mapfig()
        .args(["render", "typo.toml", "-o", "out3", "--format", "svg"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(stderr(&o).contains("\"citys\""), "{}", stderr(&o));
    assert!(files_in(&dir.join("out3")).is_empty());
}

#[test]
fn a_projected_crs_is_declared() {
    let d = load("north-america-5070.gpkg");
    assert_eq!(d.crs.as_deref(), Some("EPSG:5070"));
    let fgb = load("north-america-5070.fgb");
    assert_eq!(d.features.len(), fgb.features.len());
    // GDAL wrote both from one source: the same metres, in file order here.
    for f in &fgb.features {
        let name = f.property_text("name");
        let g = d
            .features
            .iter()
            .find(|g| g.property_text("name") == name)
            .unwrap();
        assert_eq!(g.geometry, f.geometry, "{name:?}");
    }
}

#[test]
fn a_wal_mode_file_reads_and_nothing_is_written_beside_it() {
    let dir = scratch("geopackage", "wal");
    let mut bytes = std::fs::read(fixture("countries.gpkg")).unwrap();
    // Bytes 18 and 19 of the SQLite header say WAL mode.
    bytes[18] = 2;
    bytes[19] = 2;
    std::fs::write(dir.join("wal.gpkg"), &bytes).unwrap();
    std::fs::create_dir_all(dir.join("out")).unwrap();
    let o = mapfig()
        .args(["draw", "wal.gpkg", "-o", "out/wal.svg"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(files_in(&dir), ["out", "wal.gpkg"]);
}

#[test]
fn truncated_and_corrupt_files_are_refused_without_panic() {
    let path = fixture("countries.gpkg");
    let bytes = std::fs::read(&path).unwrap();
    for cut in (0..bytes.len()).step_by(bytes.len() / 60) {
        let e = parse(&bytes[..cut], &path).map(|_| ()).unwrap_err();
        assert_eq!(e.exit_code(), 1, "cut at {cut}: {e}");
        assert!(e.to_string().contains("countries.gpkg"), "{e}");
    }
    // Corrupt pages: an error or (where the byte was unused) the file read; never a panic.
    for at in (100..bytes.len()).step_by(997) {
        let mut b = bytes.clone();
        for x in &mut b[at..(at + 64).min(bytes.len())] {
            *x ^= 0x5a;
        }
        if let Err(e) = parse(&b, &path) {
            assert_eq!(e.exit_code(), 1, "byte {at}: {e}");
        }
    }
}

#[test]
fn the_binary_refuses_what_is_not_a_geopackage() {
    let dir = scratch("geopackage", "bad");
    // A plain SQLite database, written by SQLite itself (through rusqlite).
    let conn = rusqlite::Connection::open(dir.join("plain.sqlite")).unwrap();
    conn.execute_batch("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1);")
        .unwrap();
    drop(conn);
    let bytes = std::fs::read(fixture("countries.gpkg")).unwrap();
    std::fs::write(dir.join("cut.gpkg"), &bytes[..bytes.len() / 2]).unwrap();
    std::fs::write(dir.join("tiny.gpkg"), &bytes[..50]).unwrap();
    std::fs::create_dir_all(dir.join("out")).unwrap();
    for (name, says) in [
        (
            "plain.sqlite",
            "an SQLite database, not a GeoPackage (no gpkg_contents table)",
        ),
        ("cut.gpkg", "corrupt"),
        ("tiny.gpkg", "truncated SQLite database"),
    ] {
        let o = mapfig()
            .args(["draw", name, "-o", "out/map.svg"])
            .current_dir(&dir)
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{name}: {err}");
        assert!(err.contains(name) && err.contains(says), "{name}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(files_in(&dir.join("out")).is_empty());
    }
    let o = mapfig()
        .args(["draw", "--max-vertices", "1000", "-o", "out/map.svg"])
        .arg(fixture("countries.gpkg"))
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("--max-vertices"), "{}", stderr(&o));
    assert!(files_in(&dir.join("out")).is_empty());
}

/// A layer's `crs` says what the coordinates are, over what the file declares.
#[test]
fn a_layer_crs_overrides_the_declared_one() {
    let limits = mapfig::limits::Limits::default();
    let options = mapfig::spec::ReadOptions {
        crs: Some("EPSG:3857".into()),
        ..Default::default()
    };
    for name in ["countries.gpkg", "countries.fgb"] {
        let d = mapfig::sources::load_with(&fixture(name), &limits, &options).unwrap();
        assert_eq!(d.crs.as_deref(), Some("EPSG:3857"), "{name}");
    }
}
