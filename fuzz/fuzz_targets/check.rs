//! `mapfig check`'s readers of committed files: the input is a "committed" file and a
//! "fresh" one, split at the first NUL byte, compared as SVG (structure and text) and as
//! PNG (header, outline chunk, pixels). Ok or Err, never a panic or runaway memory: the
//! pixel limit is checked before anything is decoded.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mapfig::limits::Limits;
use std::path::Path;

fuzz_target!(|bytes: &[u8]| {
    let split = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let (old, new) = bytes.split_at(split);
    let new = new.get(1..).unwrap_or_default();
    let _ = mapfig::build::svg_changes(old, new);
    let limits = Limits {
        max_input_bytes: 1 << 20,
        max_vertices: 200_000,
        max_pixels: 4_000_000,
    };
    let _ = mapfig::build::png_changes(old, new, Path::new("fuzz.png"), &limits);
    let _ = mapfig::emit::outline::read_header(old);
});
