//! Any bytes through the GeoJSON loader: it must return Ok or Err, never panic, overflow
//! the stack or run away with memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|bytes: &[u8]| {
    let _ = mapfig::sources::parse(bytes, Path::new("fuzz.geojson"));
});
