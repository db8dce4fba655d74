//! A whole render, spec + data → SVG and PNG: the input is a spec (TOML text) and a GeoJSON
//! file, split at the first NUL byte. The data goes to `data.geojson` beside the spec, so
//! a spec whose layer says `source = "data.geojson"` renders it. Ok or Err, never a panic,
//! a hang or runaway memory. The limits are small so each run stays quick.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mapfig::sources::DataCache;
use mapfig::limits::Limits;
use mapfig::render::{encode_map, Format};
use std::path::PathBuf;
use std::sync::OnceLock;

/// One scratch folder per fuzzing process.
fn folder() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("mapfig-fuzz-render-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&d);
        d
    })
}

fuzz_target!(|bytes: &[u8]| {
    let split = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let (spec, data) = bytes.split_at(split);
    let Ok(text) = std::str::from_utf8(spec) else {
        return;
    };
    let dir = folder();
    if std::fs::write(dir.join("data.geojson"), data.get(1..).unwrap_or_default()).is_err() {
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
