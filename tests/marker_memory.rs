//! Memory bounded by input bytes for point markers (issue 8, class 12): the markers of a
//! MultiPoint cost a small constant times the input bytes of their positions, so a big
//! MultiPoint renders under an address-space limit the old layout (a scene node, an id, a
//! label and an R-tree entry per position, ≈ 500 bytes for 6 bytes of input) blew through.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;
mod common;
use common::{have_prlimit, limited};

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    common::scratch("markers", name)
}

fn mapfig(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mapfig"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// A FeatureCollection of one MultiPoint feature named "Many" at `positions`.
fn multipoint(positions: impl Iterator<Item = [i32; 2]>) -> String {
    let mut s = String::from(
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","id":"many","properties":{"name":"Many"},"geometry":{"type":"MultiPoint","coordinates":["#,
    );
    for (i, [x, y]) in positions.enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!("[{x},{y}]"));
    }
    s.push_str("]}}]}\n");
    s
}

/// The same positions as separate Point features.
fn points(positions: impl Iterator<Item = [i32; 2]>) -> String {
    let features: Vec<String> = positions
        .enumerate()
        .map(|(i, [x, y])| {
            format!(
                r#"{{"type":"Feature","id":"p{i}","properties":{{}},"geometry":{{"type":"Point","coordinates":[{x},{y}]}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
}

/// `n` positions on a 19 × 19 grid of whole degrees, `[-9,-9]` to `[9,9]`, in a scrambled
/// order: at most 8 bytes of input each.
fn grid(n: usize) -> impl Iterator<Item = [i32; 2]> {
    (0..n).map(|i| {
        let k = (i * 7919) % 361;
        [(k % 19) as i32 - 9, (k / 19) as i32 - 9]
    })
}

/// A PNG's pixels (its metadata, which names the map, left out).
fn pixels(path: &Path) -> Vec<u8> {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    buf
}

/// 500 k positions (3.5 MB of input) drawn under a 250 MB address space. Before, each
/// marker cost about 500 bytes (a node with its own id, class and name, an id registry
/// entry, an R-tree entry): about 250 MB of heap alone, and the allocator aborted.
#[test]
fn multipoint_markers_render_within_memory_bounded_by_input_bytes() {
    assert!(
        have_prlimit(),
        "this test needs `prlimit` (Debian: apt-get install util-linux)"
    );
    let dir = scratch("bound");
    let n = 500_000;
    std::fs::write(dir.join("many.geojson"), multipoint(grid(n))).unwrap();
    let bytes = std::fs::metadata(dir.join("many.geojson")).unwrap().len();
    assert!(bytes < 4_000_000, "{bytes}");
    let (o, _) = limited(
        &dir,
        250_000_000,
        &["draw", "many.geojson", "-o", "many.svg"],
        Duration::from_secs(120),
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let svg = std::fs::read_to_string(dir.join("many.svg")).unwrap();
    assert_eq!(svg.matches("<circle ").count(), n);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A MultiPoint is one feature: one element carries its id, its class and its accessible
/// name, and holds a bare circle per position, in input order.
#[test]
fn multipoint_markers_are_one_feature_element_in_svg() {
    let dir = scratch("svg");
    let positions: Vec<[i32; 2]> = grid(50).collect();
    std::fs::write(
        dir.join("many.geojson"),
        multipoint(positions.iter().copied()),
    )
    .unwrap();
    let o = mapfig(&dir, &["draw", "many.geojson", "-o", "many.svg"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let svg = std::fs::read_to_string(dir.join("many.svg")).unwrap();
    let named: Vec<&str> = svg
        .lines()
        .filter(|l| l.contains("aria-label=\"Many\""))
        .collect();
    assert_eq!(named.len(), 1, "{named:?}");
    let group = named[0];
    assert!(group.starts_with("<g "), "{group}");
    assert!(group.contains("class=\"feature marker\""), "{group}");
    assert!(group.contains("id=\"many_data-many\""), "{group}");
    // Every id stays unique, and no per-position ids are written.
    assert!(!svg.contains("data-many-1"), "per-position ids");
    let body: Vec<&str> = svg
        .lines()
        .skip_while(|l| !l.contains("aria-label=\"Many\""))
        .skip(1)
        .take_while(|l| *l != "</g>")
        .collect();
    assert_eq!(body.len(), positions.len());
    assert!(body
        .iter()
        .all(|l| l.starts_with("<circle cx=\"") && l.ends_with("r=\"2.50\"/>")));
    // Same x for the same longitude, in input order.
    let cx = |l: &str| l.split('"').nth(1).unwrap().to_string();
    for (i, j) in [(0, 19), (3, 22)] {
        assert_eq!(
            positions[i][0] == positions[j][0],
            cx(body[i]) == cx(body[j])
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The markers of a MultiPoint are drawn as separate Point features at the same positions
/// are: the same pixels, circles and squares, SVG and PNG.
#[test]
fn multipoint_markers_draw_the_pixels_of_separate_points() {
    let dir = scratch("pixels");
    let positions: Vec<[i32; 2]> = grid(400).collect();
    std::fs::write(
        dir.join("multi.geojson"),
        multipoint(positions.iter().copied()),
    )
    .unwrap();
    std::fs::write(
        dir.join("single.geojson"),
        points(positions.iter().copied()),
    )
    .unwrap();
    for marker in ["circle", "square"] {
        for name in ["multi", "single"] {
            std::fs::write(
                dir.join(format!("{name}-{marker}.toml")),
                format!(
                    "title = \"Markers\"\nsize = [400, 300]\n[[layer]]\nid = \"pts\"\nsource = \"{name}.geojson\"\nmarker = \"{marker}\"\nfill = \"#3366cc80\"\nstroke = \"#000000\"\n"
                ),
            )
            .unwrap();
            let o = mapfig(
                &dir,
                &[
                    "render",
                    &format!("{name}-{marker}.toml"),
                    "-o",
                    ".",
                    "--format",
                    "png",
                ],
            );
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
        let multi = pixels(&dir.join(format!("multi-{marker}.png")));
        let single = pixels(&dir.join(format!("single-{marker}.png")));
        assert!(multi.len() > 400 * 300, "{marker}");
        assert!(multi == single, "{marker}: the PNGs differ");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
