//! Any bytes through the GeoJSON text sequence reader (RFC 8142 and newline-delimited),
//! as they are and with a record separator in front, and the result through `inspect`'s
//! summary: Ok or Err, never a panic, a stack overflow or runaway memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mapfig::limits::Limits;
use mapfig::sources::{Budget, GeoJsonSeq, Input, Reader, Summary};
use mapfig::spec::ReadOptions;
use std::path::Path;

fuzz_target!(|bytes: &[u8]| {
    let limits = Limits {
        max_vertices: 100_000,
        ..Limits::default()
    };
    let budget = Budget {
        limit: limits.max_vertices,
        held: 0,
    };
    let options = ReadOptions::default();
    let with_rs = [&[0x1E][..], bytes].concat();
    for bytes in [bytes, &with_rs[..]] {
        let _ = GeoJsonSeq.sniff(bytes, Path::new("fuzz.geojsonl"));
        let input = Input {
            path: Path::new("fuzz.geojsonl"),
            bytes,
            limits: &limits,
            options: &options,
        };
        if let Ok(data) = GeoJsonSeq.read(&input, &budget) {
            let _ = Summary::of(&data, None).map(|s| (s.to_text(), s.to_json()));
        }
    }
});
