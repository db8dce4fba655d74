//! A whole render of a map of data: the input is a spec (TOML text), a GeoJSON file and a
//! join table, split at the first two NUL bytes. The data goes to `data.geojson` and the
//! table to `table.csv` beside the spec, so a spec with `source = "data.geojson"` and
//! `join = { data = "table.csv", ... }` reads them; the seeds exercise joins, `where`
//! comparisons, colour scales, hatching, proportional symbols and legends. Ok or Err,
//! never a panic, a hang or runaway memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mapfig::limits::Limits;
use mapfig::render::{encode_map, Format};
use mapfig::sources::DataCache;
use std::path::PathBuf;
use std::sync::OnceLock;

/// One scratch folder per fuzzing process.
fn folder() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("mapfig-fuzz-thematic-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&d);
        d
    })
}

fuzz_target!(|bytes: &[u8]| {
    let mut parts = bytes.splitn(3, |&b| b == 0);
    let spec = parts.next().unwrap_or_default();
    let data = parts.next().unwrap_or_default();
    let table = parts.next().unwrap_or_default();
    let Ok(text) = std::str::from_utf8(spec) else {
        return;
    };
    let dir = folder();
    if std::fs::write(dir.join("data.geojson"), data).is_err()
        || std::fs::write(dir.join("table.csv"), table).is_err()
    {
        return;
    }
    let Ok(spec) = mapfig::spec::parse(text, &dir.join("fuzz.toml")) else {
        return;
    };
    let limits = Limits {
        max_input_bytes: 1 << 20,
        max_vertices: 200_000,
        max_pixels: 2_000_000,
    };
    let cache = DataCache::new(limits);
    let _ = encode_map(&spec, &[Format::Svg, Format::Png], 0.5, &cache);
});
