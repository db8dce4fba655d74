//! The GeoJSON reader reads the `features` array on one thread while another converts the
//! batches (1,024 features) already read. These properties pin what that must not change:
//! a collection of any size gives the features each would give read alone, in file order;
//! of two faults, the one reported is the one the batch order meets first (a bad feature in
//! an earlier batch before a syntax error later on; a syntax error in the same batch first,
//! as it stops the read before the batch is converted); and the vertex limit stops the read
//! at the same feature whatever the batches. Read on a thread of the rayon pool (as a
//! build reads), where batches are converted as they are read, the results are the same.

use mapfig::limits::Limits;
use mapfig::sources::{parse, parse_within, Dataset};
use proptest::prelude::*;
use std::path::Path;

const BATCH: usize = 1024;

/// Feature `i`: a point, a line or a polygon near (i mod 170, i mod 80), with an id and a
/// property; `bad` puts its latitude out of range.
fn feature(i: usize, kind: u8, bad: bool) -> String {
    let (x, y) = ((i % 170) as f64 + 0.125, (i % 80) as f64 + 0.0625);
    let lat = if bad { 95.5 } else { y };
    let geometry = match kind % 3 {
        0 => format!(r#"{{"type":"Point","coordinates":[{x},{lat}]}}"#),
        1 => format!(
            r#"{{"type":"LineString","coordinates":[[{x},{lat}],[{},{y}]]}}"#,
            x + 1.0
        ),
        _ => format!(
            r#"{{"type":"Polygon","coordinates":[[[{x},{y}],[{},{y}],[{},{lat}],[{x},{y}]]]}}"#,
            x + 1.0,
            x + 1.0
        ),
    };
    format!(
        r#"{{"type":"Feature","id":"f{i}","properties":{{"n":{i},"name":"feature {i}"}},"geometry":{geometry}}}"#
    )
}

fn collection(features: &[String]) -> String {
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",\n")
    )
}

fn read(text: &str) -> mapfig::Result<Dataset> {
    parse(text.as_bytes(), Path::new("batches.geojson"))
}

/// [`read`] on a thread of a rayon pool, where the reader converts each batch as it is read
/// (no converter thread: waiting on one there could starve the pool).
fn read_in_pool(text: &str) -> mapfig::Result<Dataset> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("a pool of two threads");
    pool.install(|| read(text))
}

fn kinds() -> impl Strategy<Value = Vec<u8>> {
    (0usize..3 * BATCH).prop_flat_map(|n| prop::collection::vec(any::<u8>(), n))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn a_collection_reads_as_its_features_read_alone(kinds in kinds()) {
        let features: Vec<String> = kinds.iter().enumerate().map(|(i, k)| feature(i, *k, false)).collect();
        let all = read(&collection(&features)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(all.features.len(), features.len());
        let in_pool = read_in_pool(&collection(&features)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(format!("{:?}", all.features), format!("{:?}", in_pool.features));
        for (i, (f, text)) in all.features.iter().zip(&features).enumerate() {
            let alone = read(text).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(alone.features.len(), 1);
            prop_assert_eq!(format!("{f:?}"), format!("{:?}", alone.features[0]), "feature {}", i);
        }
    }

    #[test]
    fn of_two_faults_the_one_met_first_in_batch_order_is_reported(
        n in 2usize..3 * BATCH,
        bad in any::<prop::sample::Index>(),
        cut in any::<prop::sample::Index>(),
        kind in any::<u8>(),
    ) {
        let bad = bad.index(n);
        let features: Vec<String> = (0..n).map(|i| feature(i, kind.wrapping_add(i as u8), i == bad)).collect();
        let text = collection(&features);
        // Alone, the bad feature is reported by index and id.
        let e = read(&text).expect_err("a latitude of 95.5").to_string();
        let named = format!("feature {bad} (id \"f{bad}\")");
        prop_assert!(e.contains(&named) && e.contains("not a longitude, latitude pair"), "{}", e);
        // Cut the file inside feature `cut`: truncated JSON there.
        let cut = cut.index(n);
        let at = text.find(&format!(r#""id":"f{cut}""#)).expect("each feature has its id");
        let e = read(&text[..at]).expect_err("truncated").to_string();
        let in_pool = read_in_pool(&text[..at]).expect_err("truncated").to_string();
        prop_assert_eq!(&e, &in_pool);
        if bad / BATCH < cut / BATCH {
            prop_assert!(e.contains(&named), "bad {} before cut {}: {}", bad, cut, e);
        } else {
            prop_assert!(e.contains("truncated JSON"), "bad {} cut {}: {}", bad, cut, e);
        }
    }

    #[test]
    fn the_vertex_limit_stops_at_the_same_feature_in_any_batch(
        n in 1usize..3 * BATCH,
        limit in any::<prop::sample::Index>(),
    ) {
        // Every feature a line of 2 vertices: the limit is passed at feature `limit / 2`.
        let features: Vec<String> = (0..n).map(|i| feature(i, 1, false)).collect();
        let text = collection(&features);
        let limit = limit.index(2 * n) as u64;
        let limits = Limits { max_vertices: limit, ..Limits::default() };
        let result = parse_within(text.as_bytes(), Path::new("batches.geojson"), &limits, 0);
        let e = result.expect_err("over the limit").to_string();
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().expect("a pool");
        let in_pool = pool.install(|| parse_within(text.as_bytes(), Path::new("batches.geojson"), &limits, 0));
        prop_assert_eq!(&e, &in_pool.expect_err("over the limit").to_string());
        let stops = limit / 2;
        // `feature 12:` or, when the batch starts with too little left for one line,
        // `feature 12 (id "f12")`; never `feature 123`.
        let at = [format!("feature {stops}:"), format!("feature {stops} (id")];
        prop_assert!(at.iter().any(|a| e.contains(a.as_str())), "limit {} of {} vertices: {}", limit, 2 * n, e);
    }
}
