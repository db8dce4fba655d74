//! Any bytes through the GeoPackage reader (inputs that are not an SQLite file go to
//! SQLite anyway, behind its header): SQLite's own checks of a corrupt database, the
//! gpkg_* tables, GeoPackage geometry blobs and the WKB reader: Ok or Err, never a panic
//! or a query that runs away.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|bytes: &[u8]| {
    let path = Path::new("fuzz.gpkg");
    if bytes.starts_with(b"SQLite format 3\0") {
        let _ = mapfig::sources::parse(bytes, path);
    } else {
        let mut with = b"SQLite format 3\0".to_vec();
        with.extend_from_slice(bytes);
        let _ = mapfig::sources::parse(&with, path);
    }
});
