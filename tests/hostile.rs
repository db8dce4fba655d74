//! Hostile input through the real binary: every file in `tests/hostile/` (and a few big or
//! deep ones made here at test time) must either render valid output or fail cleanly — exit
//! 1 or 2, a message naming the file (with line:column for JSON and TOML syntax), no
//! panic, no output file left behind — and never hang: each run is killed after a deadline.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// A run slower than this is a failure (a hang, or work out of all proportion).
const DEADLINE: Duration = Duration::from_secs(20);

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")
}

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    common::scratch("hostile", name)
}

struct Run {
    code: Option<i32>,
    stderr: String,
    elapsed: Duration,
}

/// Runs mapfig with `args` in `dir`, killing it after `deadline`.
fn mapfig(dir: &Path, args: &[&str], deadline: Duration) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mapfig"));
    cmd.args(args);
    let (o, elapsed) = run_within(&mut cmd, dir, deadline);
    Run {
        code: o.status.code(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        elapsed,
    }
}

/// What a case must do.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Exit 0; every output exists and is valid (SVG parses as XML, PNG has its signature).
    Renders,
    /// Exit with `code`; stderr holds every one of `says`; no output file.
    Fails {
        code: i32,
        says: &'static [&'static str],
    },
}

use Expect::*;
mod common;
use common::{files_in, run_within};

/// Data files, drawn with `mapfig draw FILE -o out/x.svg` and `-o out/x.png`.
const DATA_CASES: &[(&str, Expect)] = &[
    (
        "truncated.geojson",
        Fails {
            code: 1,
            says: &["truncated.geojson: 2:29:", "truncated JSON"],
        },
    ),
    (
        "malformed.geojson",
        Fails {
            code: 1,
            says: &["malformed.geojson: 3:22:", "malformed JSON"],
        },
    ),
    (
        "coordinates-strings.geojson",
        Fails {
            code: 1,
            says: &["coordinates-strings.geojson: 2:", "string \"60.5\""],
        },
    ),
    (
        "features-not-array.geojson",
        Fails {
            code: 1,
            says: &["features-not-array.geojson: 1:", "expected a sequence"],
        },
    ),
    (
        "properties-array.geojson",
        Fails {
            code: 1,
            says: &[
                "properties-array.geojson: 2:124, feature 0:",
                "must be an object or null",
            ],
        },
    ),
    (
        "nan.geojson",
        Fails {
            code: 1,
            says: &["nan.geojson: 2:", "malformed JSON"],
        },
    ),
    (
        "infinity.geojson",
        Fails {
            code: 1,
            says: &["infinity.geojson: 2:", "malformed JSON"],
        },
    ),
    (
        "overflow-number.geojson",
        Fails {
            code: 1,
            says: &["overflow-number.geojson: 2:", "number out of range"],
        },
    ),
    (
        "huge-coordinates.geojson",
        Fails {
            code: 1,
            says: &[
                "huge-coordinates.geojson: feature 0",
                "[1e308, -1e308] is not a longitude, latitude pair",
            ],
        },
    ),
    (
        "unclosed-ring.geojson",
        Fails {
            code: 1,
            says: &["unclosed-ring.geojson: feature 0", "ring is not closed"],
        },
    ),
    (
        "ring-1-point.geojson",
        Fails {
            code: 1,
            says: &["ring-1-point.geojson: feature 0", "this one has 1"],
        },
    ),
    (
        "ring-3-points.geojson",
        Fails {
            code: 1,
            says: &["ring-3-points.geojson: feature 0", "this one has 3"],
        },
    ),
    ("bowtie.geojson", Renders),
    (
        "empty-collection.geojson",
        Fails {
            code: 1,
            says: &["empty-collection.geojson: holds no features"],
        },
    ),
    (
        "null-geometry.geojson",
        Fails {
            code: 1,
            says: &["null-geometry.geojson", "have no geometry"],
        },
    ),
    ("hostile-labels.geojson", Renders),
    ("bom.geojson", Renders),
    (
        "invalid-utf8.geojson",
        Fails {
            code: 1,
            says: &["invalid-utf8.geojson: 2:44:", "invalid unicode"],
        },
    ),
    // A CSV table of points (name,lon,lat): read as a table since CSV is a format.
    ("not-geojson.csv", Renders),
    (
        "csv-ragged-row.csv",
        Fails {
            code: 1,
            says: &["csv-ragged-row.csv: line 3: the row has 4 cells, the header has 3"],
        },
    ),
    (
        "csv-decimal-comma.csv",
        Fails {
            code: 1,
            says: &["csv-decimal-comma.csv: line 2: longitude \"68,86\" (column \"lon\") is not a number (write decimals with a point"],
        },
    ),
    (
        "json-not-geojson.json",
        Fails {
            code: 1,
            says: &["json-not-geojson.json: 1:1:", "not GeoJSON"],
        },
    ),
    (
        "not-geojson.png",
        Fails {
            code: 1,
            says: &["not-geojson.png: this looks like a PNG image, which mapfig does not read"],
        },
    ),
    (
        "unknown-geometry-type.geojson",
        Fails {
            code: 1,
            says: &[
                "unknown-geometry-type.geojson: feature 0",
                "unknown geometry type \"Circle\"",
            ],
        },
    ),
    (
        "point-no-coordinates.geojson",
        Fails {
            code: 1,
            says: &["point-no-coordinates.geojson: feature 0", "nested 1 deep"],
        },
    ),
    (
        "geometrycollection-no-geometries.geojson",
        Fails {
            code: 1,
            says: &[
                "geometrycollection-no-geometries.geojson: feature 0",
                "\"geometries\"",
            ],
        },
    ),
    (
        "mixed-depth.geojson",
        Fails {
            code: 1,
            says: &["mixed-depth.geojson: 2:", "mixed depth"],
        },
    ),
];

/// Specs, rendered with `mapfig render SPEC -o out --scale 1`.
const SPEC_CASES: &[(&str, Expect)] = &[
    (
        "spec-unknown-key.toml",
        Fails {
            code: 2,
            says: &["spec-unknown-key.toml:7:1:", "colour"],
        },
    ),
    (
        "spec-wrong-type.toml",
        Fails {
            code: 2,
            says: &["spec-wrong-type.toml:1:8:", "invalid type"],
        },
    ),
    (
        "spec-layer-wrong-type.toml",
        Fails {
            code: 2,
            says: &["spec-layer-wrong-type.toml:7:11:", "\"half\""],
        },
    ),
    (
        "spec-huge-size.toml",
        Fails {
            code: 2,
            says: &["spec-huge-size.toml:1:8:", "size must be"],
        },
    ),
    (
        "spec-deep-nesting.toml",
        Fails {
            code: 2,
            says: &["spec-deep-nesting.toml:1:", "recurs"],
        },
    ),
    (
        "spec-invalid-utf8.toml",
        Fails {
            code: 2,
            says: &["spec-invalid-utf8.toml:2:16:", "invalid UTF-8"],
        },
    ),
    (
        "not-geojson.png",
        Fails {
            code: 1,
            says: &["not-geojson.png: not a text file"],
        },
    ),
    (
        "spec-source-folder.toml",
        Fails {
            code: 1,
            says: &["is a folder"],
        },
    ),
    (
        "spec-source-dev-zero.toml",
        Fails {
            code: 1,
            says: &["/dev/zero: is a device, not a regular file"],
        },
    ),
    ("spec-source-csv.toml", Renders),
    (
        "spec-source-png.toml",
        Fails {
            code: 1,
            says: &["not-geojson.png: this looks like a PNG image, which mapfig does not read"],
        },
    ),
    (
        "spec-empty-collection.toml",
        Fails {
            code: 1,
            says: &["empty-collection.geojson: holds no features"],
        },
    ),
    (
        "spec-null-geometry.toml",
        Fails {
            code: 1,
            says: &[
                "spec-null-geometry.toml",
                "null-geometry.geojson",
                "no geometry",
            ],
        },
    ),
    ("spec-bowtie.toml", Renders),
    ("spec-hostile-labels.toml", Renders),
    ("spec-bom.toml", Renders),
];

/// Checks one run against `expect`; `outputs` are the files a success must write.
fn check(what: &str, run: &Run, out_dir: &Path, outputs: &[&str], expect: Expect) {
    let err = &run.stderr;
    assert!(!err.contains("panicked"), "{what}: {err}");
    match expect {
        Renders => {
            assert_eq!(run.code, Some(0), "{what}: {err}");
            for name in outputs {
                let bytes = std::fs::read(out_dir.join(name))
                    .unwrap_or_else(|e| panic!("{what}: {name}: {e}"));
                if name.ends_with(".png") {
                    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{what}: {name}");
                } else {
                    let text = String::from_utf8(bytes).expect("SVG is UTF-8");
                    roxmltree::Document::parse(&text)
                        .unwrap_or_else(|e| panic!("{what}: {name} is not XML: {e}"));
                }
            }
        }
        Fails { code, says } => {
            assert_eq!(run.code, Some(code), "{what}: {err}");
            assert!(err.starts_with("mapfig: error: "), "{what}: {err}");
            for s in says {
                assert!(err.contains(s), "{what}: wanted {s:?} in: {err}");
            }
            assert!(
                files_in(out_dir).is_empty(),
                "{what}: left {:?}",
                files_in(out_dir)
            );
        }
    }
}

#[test]
fn data_corpus() {
    let dir = scratch("data");
    for &(file, expect) in DATA_CASES {
        let input = corpus().join(file);
        for ext in ["svg", "png"] {
            let out_dir = dir.join(format!("{file}-{ext}"));
            std::fs::create_dir_all(&out_dir).unwrap();
            let output = out_dir.join(format!("map.{ext}"));
            let run = mapfig(
                &dir,
                &[
                    "draw",
                    input.to_str().unwrap(),
                    "-o",
                    output.to_str().unwrap(),
                    "--size",
                    "400x300",
                ],
                DEADLINE,
            );
            check(
                &format!("draw {file} ({ext})"),
                &run,
                &out_dir,
                &[&format!("map.{ext}")],
                expect,
            );
        }
    }
}

#[test]
fn spec_corpus() {
    let dir = scratch("specs");
    for &(file, expect) in SPEC_CASES {
        if file.contains("dev-zero") && !Path::new("/dev/zero").exists() {
            continue;
        }
        let out_dir = dir.join(file);
        let run = mapfig(
            &corpus(),
            &[
                "render",
                file,
                "-o",
                out_dir.to_str().unwrap(),
                "--scale",
                "1",
            ],
            DEADLINE,
        );
        let stem = file.trim_end_matches(".toml");
        check(
            &format!("render {file}"),
            &run,
            &out_dir,
            &[&format!("{stem}.svg"), &format!("{stem}.png")],
            expect,
        );
    }
}

/// Every file in the corpus is small and has a case: nothing committed goes untested.
#[test]
fn corpus_is_small_and_covered() {
    for entry in std::fs::read_dir(corpus()).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(
            entry.metadata().unwrap().len() < 10_000,
            "{name} is over 10 kB"
        );
        let used = DATA_CASES.iter().chain(SPEC_CASES).any(|(f, _)| *f == name)
            || SPEC_CASES.iter().any(|(spec, _)| {
                std::fs::read_to_string(corpus().join(spec)).is_ok_and(|t| t.contains(&name))
            });
        assert!(used, "{name} has no case in tests/hostile.rs");
    }
}

#[test]
fn hostile_labels_are_escaped_text_never_markup() {
    let dir = scratch("labels");
    let run = mapfig(
        &corpus(),
        &[
            "render",
            "spec-hostile-labels.toml",
            "-o",
            dir.to_str().unwrap(),
            "--format",
            "svg",
        ],
        DEADLINE,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let svg = std::fs::read_to_string(dir.join("spec-hostile-labels.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let names: Vec<&str> = doc.descendants().map(|n| n.tag_name().name()).collect();
    assert!(!names.contains(&"script"), "{names:?}");
    assert!(!names.contains(&"b") && !names.contains(&"i"), "{names:?}");
    assert!(!svg.contains("<script"));
    assert!(!svg.contains("<![CDATA["));
    let texts: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text") || n.has_tag_name("tspan"))
        .filter_map(|n| n.text())
        .map(str::to_string)
        .collect();
    for want in [
        "<script>alert(0)</script> ]]>",
        "<script>alert(1)</script>",
        "]]> <![CDATA[x]]>",
        "\"double\" & 'single' quotes",
        "</text><script>alert(2)</script>",
        "<b>bold</b> & co",
        "Sources: \"quoted\" </text>",
    ] {
        assert!(
            texts.iter().any(|t| t == want),
            "{want:?} not in {texts:#?}"
        );
    }
    // Bidi overrides and isolates (which reorder what a reader sees) and XML-invalid
    // control characters are dropped; the visible text stays.
    assert!(texts.iter().any(|t| t == "aevil bc"), "{texts:#?}");
    assert!(texts.iter().any(|t| t == "ctrl chars"), "{texts:#?}");
    assert!(!svg.contains(['\u{202E}', '\u{2066}', '\u{1}', '\u{0}']));
}

#[test]
fn bowtie_polygon_renders_with_evenodd_fill() {
    let dir = scratch("bowtie");
    let run = mapfig(
        &corpus(),
        &[
            "render",
            "spec-bowtie.toml",
            "-o",
            dir.to_str().unwrap(),
            "--format",
            "svg",
        ],
        DEADLINE,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let svg = std::fs::read_to_string(dir.join("spec-bowtie.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let feature = doc
        .descendants()
        .find(|n| {
            n.attribute("class")
                .is_some_and(|c| c.split(' ').any(|c| c == "feature"))
        })
        .expect("the bow-tie is drawn");
    let evenodd = feature
        .ancestors()
        .chain(feature.descendants())
        .any(|n| n.attribute("fill-rule") == Some("evenodd"));
    assert!(evenodd, "{svg}");
}

/// Writes a Feature of `depth` GeometryCollections nested in one another.
fn nested_collections(depth: usize) -> String {
    let open = r#"{"type":"GeometryCollection","geometries":["#;
    let mut s = String::from(r#"{"type":"Feature","properties":{},"geometry":"#);
    s.push_str(&open.repeat(depth));
    s.push_str(r#"{"type":"Point","coordinates":[60,30]}"#);
    s.push_str(&"]}".repeat(depth));
    s.push('}');
    s
}

#[test]
fn geometry_collections_nested_10000_deep_fail_cleanly() {
    let dir = scratch("deep");
    std::fs::write(dir.join("deep.geojson"), nested_collections(10_000)).unwrap();
    // And just past the nesting mapfig itself allows, within what the JSON parser accepts.
    std::fs::write(dir.join("deep40.geojson"), nested_collections(40)).unwrap();
    const CASES: [(&str, &[&str]); 2] = [
        ("deep.geojson", &["deep.geojson: 1:", "recursion limit"]),
        (
            "deep40.geojson",
            &["deep40.geojson: feature 0", "nested deeper than"],
        ),
    ];
    for (file, says) in CASES {
        let out_dir = dir.join(format!("out-{file}"));
        std::fs::create_dir_all(&out_dir).unwrap();
        let output = out_dir.join("x.svg");
        let run = mapfig(
            &dir,
            &["draw", file, "-o", output.to_str().unwrap()],
            DEADLINE,
        );
        check(file, &run, &out_dir, &[], Fails { code: 1, says });
    }
    // Nesting the loader accepts still renders.
    std::fs::write(dir.join("deep8.geojson"), nested_collections(8)).unwrap();
    let run = mapfig(&dir, &["draw", "deep8.geojson", "-o", "ok.svg"], DEADLINE);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

/// Writes a LineString of `n` vertices: a dense random walk over northern Afghanistan
/// (steps of about 100 m, so little of it merges at print precision), 100,000 vertices
/// long and walked again from the start as often as `n` needs (writing 10 M formatted
/// positions one by one takes too long in a debug build).
fn write_long_line(path: &Path, n: usize) {
    use std::fmt::Write as _;
    use std::io::Write as _;
    let walk = n.min(100_000);
    let mut chunk = String::new();
    let (mut x, mut y, mut seed) = (65.0f64, 34.0f64, 0x9E37_79B9_7F4A_7C15u64);
    for i in 0..walk {
        // xorshift: deterministic steps without a dependency.
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        x = (x + ((seed & 0xffff) as f64 / 65535.0 - 0.5) * 0.002).clamp(60.0, 70.0);
        y = (y + (((seed >> 16) & 0xffff) as f64 / 65535.0 - 0.5) * 0.002).clamp(30.0, 38.0);
        let sep = if i == 0 { "" } else { "," };
        write!(chunk, "{sep}[{x:.5},{y:.5}]").unwrap();
    }
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    write!(
        f,
        r#"{{"type":"Feature","properties":{{"name":"walk"}},"geometry":{{"type":"LineString","coordinates":["#
    )
    .unwrap();
    let mut left = n;
    while left > 0 {
        let take = left.min(walk);
        let part = if take == walk {
            chunk.as_str()
        } else {
            // The first `take` positions: cut before the separator that follows them.
            let cut = chunk
                .match_indices(",[")
                .nth(take - 1)
                .map_or(chunk.len(), |(i, _)| i);
            &chunk[..cut]
        };
        if left != n {
            f.write_all(b",").unwrap();
        }
        f.write_all(part.as_bytes()).unwrap();
        left -= take;
    }
    writeln!(f, "]}}}}").unwrap();
    f.flush().unwrap();
}

/// Peak resident memory that `--timings` reported, in MiB.
fn peak_mib(stderr: &str) -> f64 {
    stderr
        .lines()
        .find(|l| l.trim_start().starts_with("peak memory"))
        .and_then(|l| l.split_whitespace().nth(2))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no peak memory in: {stderr}"))
}

#[test]
fn ten_million_vertices_hit_the_input_limit_at_once() {
    let dir = scratch("10m-limit");
    let input = dir.join("walk.geojson");
    // The size alone is refused, before a byte is read: a sparse file of the size 10 M
    // vertices take as GeoJSON (about 200 MB) costs no disk.
    std::fs::File::create(&input)
        .unwrap()
        .set_len(200_000_000)
        .unwrap();
    let out_dir = dir.join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let output = out_dir.join("walk.png");
    let run = mapfig(
        &dir,
        &[
            "draw",
            "walk.geojson",
            "-o",
            output.to_str().unwrap(),
            "--max-input-bytes",
            "64MiB",
            "--timings",
        ],
        DEADLINE,
    );
    check(
        "10M vertices, --max-input-bytes 64MiB",
        &run,
        &out_dir,
        &[],
        Fails {
            code: 1,
            says: &[
                "walk.geojson: larger than the limit of 64 MiB",
                "--max-input-bytes",
            ],
        },
    );
    // Refused from the file's size, before reading it.
    assert!(run.elapsed < Duration::from_secs(5), "{:?}", run.elapsed);
    let _ = std::fs::remove_file(input);
}

/// The full 10-million-vertex render with default limits. A minute or more in a debug
/// build on a busy machine, so it is opt-in:
/// `cargo test --release --test hostile -- --ignored --nocapture`.
#[test]
#[ignore]
fn ten_million_vertices_render_in_bounded_memory() {
    let dir = scratch("10m");
    let input = dir.join("walk.geojson");
    write_long_line(&input, 10_000_000);
    for ext in ["svg", "png"] {
        let out_dir = dir.join(format!("out-{ext}"));
        std::fs::create_dir_all(&out_dir).unwrap();
        let name = format!("walk.{ext}");
        let output = out_dir.join(&name);
        let run = mapfig(
            &dir,
            &[
                "draw",
                "walk.geojson",
                "-o",
                output.to_str().unwrap(),
                "--timings",
            ],
            Duration::from_secs(600),
        );
        check(
            &format!("10M vertices to {ext}"),
            &run,
            &out_dir,
            &[&name],
            Renders,
        );
        let peak = peak_mib(&run.stderr);
        eprintln!(
            "10M vertices to {ext}: {:?}, peak {peak:.0} MiB\n{}",
            run.elapsed, run.stderr
        );
        assert!(peak < 3072.0, "peak memory {peak} MiB");
    }
    let _ = std::fs::remove_file(input);
}

#[test]
fn vertex_and_pixel_limits_name_their_flag() {
    let dir = scratch("limits");
    let out_dir = dir.join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let input = dir.join("line.geojson");
    write_long_line(&input, 1_000);
    let output = out_dir.join("line.svg");
    let run = mapfig(
        &dir,
        &[
            "draw",
            "line.geojson",
            "-o",
            output.to_str().unwrap(),
            "--max-vertices",
            "999",
        ],
        DEADLINE,
    );
    check(
        "--max-vertices 999",
        &run,
        &out_dir,
        &[],
        Fails {
            code: 1,
            says: &["line.geojson: feature 0", "limit of 999", "--max-vertices"],
        },
    );
    let run = mapfig(
        &dir,
        &[
            "draw",
            "line.geojson",
            "-o",
            output.to_str().unwrap(),
            "--max-vertices",
            "1000",
        ],
        DEADLINE,
    );
    check(
        "--max-vertices 1000",
        &run,
        &out_dir,
        &["line.svg"],
        Renders,
    );
    std::fs::remove_file(&output).unwrap();

    // A 20000 × 20000 canvas at scale 2 is 1.6 G pixels: refused before any raster exists.
    std::fs::copy(corpus().join("bowtie.geojson"), dir.join("bowtie.geojson")).unwrap();
    std::fs::write(
        dir.join("poster.toml"),
        "size = [20000, 20000]\n[[layer]]\nid = \"p\"\nsource = \"bowtie.geojson\"\n",
    )
    .unwrap();
    let run = mapfig(
        &dir,
        &[
            "render",
            "poster.toml",
            "-o",
            out_dir.to_str().unwrap(),
            "--scale",
            "2",
        ],
        DEADLINE,
    );
    check(
        "20000×20000 at scale 2",
        &run,
        &out_dir,
        &[],
        Fails {
            // The PNG size follows from the spec's size and --scale: a usage error, found
            // before any data is read.
            code: 2,
            says: &[
                "poster.toml",
                "40000×40000 PNG",
                "limit of 400000000 pixels",
                "--max-pixels",
            ],
        },
    );
    let run = mapfig(
        &dir,
        &[
            "draw",
            "bowtie.geojson",
            "-o",
            out_dir.join("b.png").to_str().unwrap(),
            "--max-pixels",
            "10k",
        ],
        DEADLINE,
    );
    check(
        "draw --max-pixels 10k",
        &run,
        &out_dir,
        &[],
        Fails {
            // `draw` knows its PNG size from its flags: a usage error before any work.
            code: 2,
            says: &["1600×1200 PNG", "limit of 10000 pixels", "--max-pixels"],
        },
    );
    // Limits are checked as flags, with units.
    let run = mapfig(
        &dir,
        &[
            "draw",
            "bowtie.geojson",
            "-o",
            "x.svg",
            "--max-input-bytes",
            "lots",
        ],
        DEADLINE,
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("--max-input-bytes"), "{}", run.stderr);
}
