//! Any text through the spec parser and validator: Ok or Err, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|text: &str| {
    let _ = mapfig::spec::parse(text, Path::new("maps/fuzz.toml"));
});
