//! Any bytes through the CSV/TSV reader, with and without named point columns and a
//! declared CRS, and the result through `inspect`'s summary: Ok or Err, never a panic,
//! a hang or memory out of proportion to the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mapfig::limits::Limits;
use mapfig::sources::{Budget, Csv, Input, Reader, Summary};
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
    let named = ReadOptions {
        x: Some("a".into()),
        y: Some("b".into()),
        crs: Some("EPSG:3857".into()),
    };
    for options in [ReadOptions::default(), named] {
        let input = Input {
            path: Path::new("fuzz.csv"),
            bytes,
            limits: &limits,
            options: &options,
        };
        if let Ok(data) = Csv.read(&input, &budget) {
            let _ = Summary::of(&data, None).map(|s| (s.to_text(), s.to_json()));
        }
    }
});
