//! Any bytes through the Shapefile reader, split into a `.shp`, a `.shx` and a `.dbf` (or,
//! starting like a ZIP archive, read as a zipped Shapefile): it must return Ok or Err,
//! never panic, hang or allocate from an unchecked count.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    // A ZIP archive: the whole input, read for the Shapefile inside under a 1 MiB limit.
    if bytes.starts_with(b"PK\x03\x04") {
        let limits = mapfig::limits::Limits {
            max_input_bytes: 1 << 20,
            ..Default::default()
        };
        let _ = mapfig::sources::parse_within(bytes, std::path::Path::new("fuzz.zip"), &limits, 0);
        return;
    }
    // The first two bytes say where the .shp ends, the next two where the .dbf starts;
    // the .shx (when there is room for its header) is what lies between.
    let Some((head, rest)) = bytes.split_first_chunk::<4>() else {
        return;
    };
    let shp_len = usize::from(u16::from_le_bytes([head[0], head[1]])).min(rest.len());
    let dbf_at = usize::from(u16::from_le_bytes([head[2], head[3]])).clamp(shp_len, rest.len());
    let (shp, tail) = rest.split_at(shp_len);
    let (shx, dbf) = tail.split_at(dbf_at - shp_len);
    let _ = mapfig::sources::parse_shapefile(shp, None, dbf);
    if shx.len() >= 100 {
        let _ = mapfig::sources::parse_shapefile(shp, Some(shx), dbf);
    }
});
