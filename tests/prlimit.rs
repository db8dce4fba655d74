//! Memory bounded by the limits (issue 8, class 12): under `prlimit --as=3000000000`,
//! every hostile case and big generated inputs finish in seconds with exit 0, 1 or 2 —
//! never a panic (101), an abort on a failed allocation or another signal.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;
mod common;
use common::{have_prlimit, limited, root};

/// The address-space limit the issue names: 3 GB.
const ADDRESS_SPACE: u64 = 3_000_000_000;

/// Generous for a debug build on a busy machine; a hang or a swap storm passes it.
const DEADLINE: Duration = Duration::from_secs(90);

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    common::scratch("prlimit", name)
}

/// Exit 0, 1 or 2 with a clean message; anything else (101 = panic, none = signal) fails.
fn assert_clean(what: &str, o: &Output) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        matches!(o.status.code(), Some(0..=2)),
        "{what}: exit {:?}: {err}",
        o.status
    );
    assert!(!err.contains("panicked"), "{what}: {err}");
    assert!(!err.contains("memory allocation"), "{what}: {err}");
}

#[test]
fn every_hostile_case_finishes_cleanly_under_a_3_gb_address_space() {
    assert!(
        have_prlimit(),
        "this test needs `prlimit` (Debian: apt-get install util-linux)"
    );
    let hostile = root().join("tests/hostile");
    let dir = scratch("hostile");
    let mut names: Vec<String> = std::fs::read_dir(&hostile)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() > 20, "{names:?}");
    for name in &names {
        let file = hostile.join(name);
        let file = file.to_str().unwrap();
        let out = dir.join("out");
        let args: Vec<String> = if name.starts_with("spec-") && name.ends_with(".toml") {
            ["render", file, "-o", out.to_str().unwrap(), "--scale", "1"]
                .map(String::from)
                .to_vec()
        } else {
            let o = out.join("m.svg");
            ["draw", file, "-o", o.to_str().unwrap()]
                .map(String::from)
                .to_vec()
        };
        std::fs::create_dir_all(&out).unwrap();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (o, took) = limited(&dir, ADDRESS_SPACE, &args, DEADLINE);
        assert_clean(name, &o);
        assert!(took < Duration::from_secs(30), "{name}: took {took:?}");
    }
}

/// Writes a FeatureCollection of `n` copies of `feature`.
fn write_collection(path: &Path, n: usize, feature: &str) {
    use std::io::Write;
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    w.write_all(br#"{"type":"FeatureCollection","features":["#)
        .unwrap();
    for i in 0..n {
        if i > 0 {
            w.write_all(b",").unwrap();
        }
        w.write_all(feature.as_bytes()).unwrap();
    }
    w.write_all(b"]}").unwrap();
}

#[test]
fn big_generated_inputs_finish_cleanly_under_a_3_gb_address_space() {
    assert!(
        have_prlimit(),
        "this test needs `prlimit` (Debian: apt-get install util-linux)"
    );
    let dir = scratch("big");
    std::fs::create_dir_all(dir.join("out")).unwrap();
    // A million empty features (51 MB): stored compactly, refused as having no geometry.
    write_collection(
        &dir.join("empty.geojson"),
        1_000_000,
        r#"{"type":"Feature","properties":{},"geometry":null}"#,
    );
    // 100,000 points (7 MB): drawn.
    write_collection(
        &dir.join("points.geojson"),
        100_000,
        r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[60.5,30.5]}}"#,
    );
    // Nesting 100,000 deep: refused at level 129, without recursion.
    std::fs::write(
        dir.join("deep.geojson"),
        format!(
            r#"{{"type":"Feature","geometry":null,"properties":{{"a":{}1{}}}}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
    )
    .unwrap();
    let cases: &[(&str, &[&str], &[i32])] = &[
        ("empty.geojson", &[], &[1]),
        ("empty.geojson", &["--max-input-bytes", "10MB"], &[1]),
        ("points.geojson", &["--max-vertices", "1000"], &[1]),
        ("points.geojson", &[], &[0, 1]),
        ("deep.geojson", &[], &[1]),
    ];
    for (file, extra, codes) in cases {
        let mut args = vec!["draw", file, "-o", "out/m.svg"];
        args.extend_from_slice(extra);
        let (o, took) = limited(&dir, ADDRESS_SPACE, &args, DEADLINE);
        let what = format!("{file} {extra:?}");
        assert_clean(&what, &o);
        assert!(
            codes.contains(&o.status.code().unwrap_or(-1)),
            "{what}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        eprintln!("{what}: exit {:?} in {took:?}", o.status.code());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn millions_of_empty_features_are_stored_compactly() {
    assert!(
        have_prlimit(),
        "this test needs `prlimit` (Debian: apt-get install util-linux)"
    );
    // 3 M bare features (153 MB) in 1.2 GB of address space: about 3.3 bytes held per
    // byte read, where each used to cost over 300 bytes (3.2 GiB for 10 M).
    let dir = scratch("empty");
    std::fs::create_dir_all(dir.join("out")).unwrap();
    write_collection(
        &dir.join("empty.geojson"),
        3_000_000,
        r#"{"type":"Feature","properties":{},"geometry":null}"#,
    );
    let (o, _) = limited(
        &dir,
        1_200_000_000,
        &["draw", "empty.geojson", "-o", "out/m.svg"],
        DEADLINE,
    );
    assert_clean("3 M empty features", &o);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("no geometry"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
