//! Any bytes through the FlatGeobuf reader (the signature is put in front of inputs that
//! lack it, so every run reaches the header and features): Ok or Err, never a panic, an
//! out-of-bounds read or memory beyond a small multiple of the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|bytes: &[u8]| {
    let path = Path::new("fuzz.fgb");
    if bytes.starts_with(b"fgb") {
        let _ = mapfig::sources::parse(bytes, path);
    } else {
        let mut with = b"fgb\x03fgb\x00".to_vec();
        with.extend_from_slice(bytes);
        let _ = mapfig::sources::parse(&with, path);
    }
});
