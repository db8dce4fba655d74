//! GeoPackages made here with SQLite itself (real GDAL-written files are read in
//! tests/geopackage.rs): what is not a GeoPackage, and hostile databases.

use super::*;
use crate::limits::Limits;
use crate::spec::ReadOptions;
use rusqlite::Connection;

fn bytes_of(sql: &str) -> Vec<u8> {
    let mut conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(sql).unwrap();
    conn.serialize(rusqlite::MAIN_DB).unwrap().to_vec()
}

fn read_bytes(bytes: &[u8]) -> Result<Dataset> {
    let limits = Limits::default();
    let input = Input {
        path: Path::new("t.gpkg"),
        bytes,
        limits: &limits,
        options: &ReadOptions::default(),
    };
    GeoPackage.read(
        &input,
        &Budget {
            limit: 1000,
            held: 0,
        },
    )
}

const CONTENTS: &str = "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY, organization TEXT, organization_coordsys_id INTEGER, definition TEXT);
INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84', 4326, 'EPSG', 4326, 'GEOGCS[]');
CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT);
CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, srs_id INTEGER);
PRAGMA application_id = 1196444487;";

/// A point blob: GP header without envelope, then little-endian WKB.
fn point(x: f64, y: f64) -> String {
    let mut b = b"GP\0\x01\xe6\x10\0\0\x01\x01\0\0\0".to_vec();
    b.extend(x.to_le_bytes());
    b.extend(y.to_le_bytes());
    b.iter().map(|c| format!("{c:02x}")).collect()
}

#[test]
fn tables_become_objects_with_properties_and_ids() {
    let sql = format!(
        "{CONTENTS}
        INSERT INTO gpkg_contents VALUES ('places', 'features'), ('notes', 'attributes');
        INSERT INTO gpkg_geometry_columns VALUES ('places', 'geom', 4326);
        CREATE TABLE places (fid INTEGER PRIMARY KEY, geom BLOB, name TEXT, pop REAL, n INTEGER, raw BLOB);
        INSERT INTO places VALUES (7, x'{}', 'Kunduz', 1136000.5, 12, x'00'), (9, NULL, NULL, NULL, NULL, NULL);
        CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);
        INSERT INTO notes VALUES (1, 'a');",
        point(68.86, 36.73)
    );
    let d = read_bytes(&bytes_of(&sql)).unwrap();
    assert_eq!(d.format, "GeoPackage");
    assert_eq!(d.crs, None);
    let names: Vec<_> = d
        .objects
        .iter()
        .map(|o| (o.name.as_str(), o.features.clone()))
        .collect();
    assert_eq!(names, [("notes", 0..1), ("places", 1..3)]);
    let k = &d.features[1];
    assert_eq!(k.id, "7");
    assert_eq!(k.geometry, Some(geo::Point::new(68.86, 36.73).into()));
    assert_eq!(k.property_text("name").as_deref(), Some("Kunduz"));
    assert_eq!(k.property_text("pop").as_deref(), Some("1136000.5"));
    assert_eq!(k.property_text("n").as_deref(), Some("12"));
    assert_eq!(k.properties.value("raw"), None);
    assert_eq!(d.features[2].geometry, None);
    assert_eq!(d.features[2].properties.value("name"), Some(Value::Null));
    let e = d.object_range(None, "layer \"x\"").unwrap_err();
    assert!(
        e.contains("\"notes\" (1 feature), \"places\" (2 features)"),
        "{e}"
    );
}

#[test]
fn what_is_not_a_geopackage_is_told_so() {
    let plain = bytes_of("CREATE TABLE t (a INTEGER);");
    let e = read_bytes(&plain).unwrap_err().to_string();
    assert_eq!(
        e,
        "t.gpkg: an SQLite database, not a GeoPackage (no gpkg_contents table)"
    );
    let mut corrupt = plain.clone();
    corrupt.truncate(200);
    assert!(read_bytes(&corrupt).is_err());
    for (sql, says) in [
        ("INSERT INTO gpkg_contents VALUES ('gone', 'features'); INSERT INTO gpkg_geometry_columns VALUES ('gone', 'geom', 4326);", "no such table"),
        ("INSERT INTO gpkg_contents VALUES ('t', 'features');", "without a row in gpkg_geometry_columns"),
        ("INSERT INTO gpkg_contents VALUES ('t', 'features'); INSERT INTO gpkg_geometry_columns VALUES ('t', 'shape', 4326); CREATE TABLE t (fid INTEGER PRIMARY KEY, geom BLOB);", "geometry column \"shape\""),
        ("INSERT INTO gpkg_contents VALUES ('t', 'features'); INSERT INTO gpkg_geometry_columns VALUES ('t', 'geom', 4326); CREATE TABLE t (fid INTEGER PRIMARY KEY, geom BLOB); INSERT INTO t VALUES (1, x'47500001');", "not a GeoPackage geometry blob"),
        ("INSERT INTO gpkg_contents VALUES ('t', 'features'); INSERT INTO gpkg_geometry_columns VALUES ('t', 'geom', 4326); CREATE TABLE t (fid INTEGER PRIMARY KEY, geom BLOB); INSERT INTO t VALUES (1, 'text');", "holds a Text"),
        ("INSERT INTO gpkg_contents VALUES ('v', 'attributes'); CREATE VIEW v AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) AS n FROM r;", "ran far longer"),
        ("INSERT INTO gpkg_contents VALUES ('v', 'attributes'); CREATE VIEW v AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r;", "more rows"),
        ("INSERT INTO gpkg_contents VALUES ('v', 'attributes'); CREATE VIEW v AS SELECT randomblob(100000000) AS b;", "too big"),
        ("", "lists no features or attributes tables"),
    ] {
        let e = read_bytes(&bytes_of(&format!("{CONTENTS}\n{sql}"))).unwrap_err().to_string();
        assert!(e.starts_with("t.gpkg: "), "{e}");
        assert!(e.contains(says), "{says}: {e}");
    }
}

#[test]
fn the_vertex_budget_stops_the_read() {
    let rows: Vec<String> = (0..1001)
        .map(|i| format!("({i}, x'{}')", point(1.0, 2.0)))
        .collect();
    let sql = format!(
        "{CONTENTS}
        INSERT INTO gpkg_contents VALUES ('t', 'features');
        INSERT INTO gpkg_geometry_columns VALUES ('t', 'geom', 4326);
        CREATE TABLE t (fid INTEGER PRIMARY KEY, geom BLOB);
        INSERT INTO t VALUES {};",
        rows.join(", ")
    );
    let e = read_bytes(&bytes_of(&sql)).unwrap_err().to_string();
    assert!(e.contains("row 1000"), "{e}");
}

#[test]
fn feature_tables_in_different_crss_are_refused() {
    let sql = format!(
        "{CONTENTS}
        INSERT INTO gpkg_spatial_ref_sys VALUES ('Albers', 5070, 'EPSG', 5070, 'PROJCS[]');
        INSERT INTO gpkg_contents VALUES ('a', 'features'), ('b', 'features');
        INSERT INTO gpkg_geometry_columns VALUES ('a', 'geom', 4326), ('b', 'geom', 5070);
        CREATE TABLE a (fid INTEGER PRIMARY KEY, geom BLOB);
        CREATE TABLE b (fid INTEGER PRIMARY KEY, geom BLOB);"
    );
    let e = read_bytes(&bytes_of(&sql)).unwrap_err().to_string();
    assert!(
        e.contains("tables \"a\" (EPSG:4326) and \"b\" (EPSG:5070) are in different CRSs"),
        "{e}"
    );
}
