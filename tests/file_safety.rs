//! Issue 8, classes 14-18 and parts of 12 and 19: what mapfig writes, where, and when.
//! Every test runs the real binary on a small project made in a scratch folder.

#![cfg(unix)]

use std::os::unix::fs::{symlink, FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;
mod common;
use common::{run_within, stderr};

const SQUARE: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","id":"a","properties":{"name":"Alpha"},"geometry":{"type":"Polygon","coordinates":[[[10,10],[11,10],[11,11],[10,11],[10,10]]]}},
{"type":"Feature","id":"b","properties":{"name":"Beta"},"geometry":{"type":"Polygon","coordinates":[[[11,10],[12,10],[12,11],[11,11],[11,10]]]}}
]}"#;

fn spec(output: &str, badge: &str) -> String {
    format!(
        "title = \"Test map\"\nsize = [400, 300]\noutput = \"{output}\"\n\n[[layer]]\nid = \"shapes\"\nsource = \"../data.geojson\"\nfill = \"#cccccc\"\n\n[[badge]]\nvalue = \"{badge}\"\ncaption = \"cases\"\n"
    )
}

/// A scratch project: data.geojson, maps/a.toml and maps/b.toml (outputs `a`, `b`),
/// mapfig.toml rendering maps/*.toml as SVG and PNG into out/.
fn project(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mapfig-files-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("maps")).unwrap();
    std::fs::write(dir.join("data.geojson"), SQUARE).unwrap();
    std::fs::write(dir.join("maps/a.toml"), spec("a", "25")).unwrap();
    std::fs::write(dir.join("maps/b.toml"), spec("b", "7")).unwrap();
    std::fs::write(
        dir.join("mapfig.toml"),
        "specs = [\"maps/*.toml\"]\nout = \"out\"\nformats = [\"svg\", \"png\"]\nscale = 1\n",
    )
    .unwrap();
    dir
}

/// Runs mapfig in `dir`, killed after 60 s (a hang fails the test instead of blocking it).
fn mapfig(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mapfig"));
    cmd.args(args).env("CI", "true");
    run_within(&mut cmd, dir, Duration::from_secs(60)).0
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap().success();
    assert!(ok, "mkfifo {}", path.display());
}

/// Every file under `dir` (relative path, bytes; symlinks as their target), sorted.
fn snapshot(dir: &Path) -> Vec<(String, String)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(root).unwrap().display().to_string();
            let m = std::fs::symlink_metadata(&p).unwrap();
            if m.file_type().is_symlink() {
                out.push((
                    rel,
                    format!("-> {}", std::fs::read_link(&p).unwrap().display()),
                ));
            } else if m.is_dir() {
                out.push((rel, "dir".into()));
                walk(root, &p, out);
            } else if m.file_type().is_fifo() {
                out.push((rel, "fifo".into()));
            } else {
                let bytes = std::fs::read(&p).unwrap();
                out.push((rel, format!("{} bytes {:x}", bytes.len(), digest(&bytes))));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn digest(b: &[u8]) -> u64 {
    b.iter().fold(0xcbf29ce484222325u64, |h, &x| {
        (h ^ u64::from(x)).wrapping_mul(0x100000001b3)
    })
}

fn temp_leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect()
}

// ---- 14 ----

#[test]
fn temp_files_never_follow_planted_symlinks() {
    let dir = project("symlink-temp");
    std::fs::create_dir_all(dir.join("out")).unwrap();
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    // The old temp name was `.NAME.tmp-PID`: plant it for the PIDs the child is likely to get.
    let last: u32 = std::fs::read_to_string("/proc/sys/kernel/ns_last_pid")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(std::process::id());
    for pid in last..last + 300 {
        for name in ["a.svg", "a.png"] {
            let _ = symlink(&victim, dir.join("out").join(format!(".{name}.tmp-{pid}")));
        }
    }
    let o = mapfig(&dir, &["render", "maps/a.toml", "-o", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    // Outputs are regular files with the mode any new file gets (not a temp file's 0600).
    std::fs::write(dir.join("out/reference"), "").unwrap();
    let usual = std::fs::metadata(dir.join("out/reference")).unwrap().mode();
    for name in ["a.svg", "a.png"] {
        let m = std::fs::symlink_metadata(dir.join("out").join(name)).unwrap();
        assert!(m.file_type().is_file(), "{name} must be a regular file");
        assert_eq!(m.mode(), usual, "{name}: usual permissions");
    }
}

#[test]
fn killed_runs_leave_no_temp_files_that_pile_up() {
    let dir = project("stale-temp");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    // What a killed run leaves: mapfig's pattern, a PID that no longer runs.
    let stale = out.join(".mapfig-4194999-abcdefABCDEF.tmp");
    std::fs::write(&stale, "half a map").unwrap();
    // Not to be touched: a live process's temp file, a symlink of the pattern, other names.
    let live = out.join(format!(".mapfig-{}-abcdefABCDEF.tmp", std::process::id()));
    std::fs::write(&live, "being written").unwrap();
    let link = out.join(".mapfig-4194998-abcdefABCDEF.tmp");
    symlink(dir.join("data.geojson"), &link).unwrap();
    let other = out.join(".mapfig-notes.tmp");
    std::fs::write(&other, "mine").unwrap();
    let o = mapfig(&dir, &["render", "maps/a.toml", "-o", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stale.exists(), "a dead run's temp file is swept");
    assert!(live.exists() && other.exists());
    assert!(std::fs::symlink_metadata(&link).is_ok());
    assert!(dir.join("data.geojson").exists());
    // A failing run leaves nothing of its own either.
    std::fs::create_dir(out.join("b.png")).unwrap();
    let before = temp_leftovers(&out);
    let o = mapfig(&dir, &["render", "maps/b.toml", "-o", "out"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(temp_leftovers(&out), before);
    assert!(!out.join("b.svg").exists());
}

// ---- 15 ----

#[test]
fn outputs_replace_only_regular_files() {
    let dir = project("non-regular");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    // --report onto a FIFO (a device node behaves alike): refused, left as it is.
    mkfifo(&dir.join("report.fifo"));
    let before = snapshot(&dir);
    let o = mapfig(&dir, &["build", "--report", "report.fifo"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("report.fifo"), "{}", stderr(&o));
    assert_eq!(snapshot(&dir), before, "nothing changed");
    std::fs::remove_file(dir.join("report.fifo")).unwrap();
    // A symlink at an output path: not replaced, not written through.
    std::fs::write(dir.join("elsewhere.svg"), "keep").unwrap();
    symlink(dir.join("elsewhere.svg"), out.join("a.svg")).unwrap();
    let before = snapshot(&dir);
    let o = mapfig(&dir, &["build"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("symbolic link"), "{}", stderr(&o));
    assert_eq!(snapshot(&dir), before);
    std::fs::remove_file(out.join("a.svg")).unwrap();
    // A folder at the gallery page's path, and a FIFO at check's report page.
    std::fs::create_dir(out.join("index.html")).unwrap();
    let before = snapshot(&dir);
    let o = mapfig(&dir, &["build"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("a folder"), "{}", stderr(&o));
    assert_eq!(snapshot(&dir), before);
    std::fs::remove_dir(out.join("index.html")).unwrap();
    assert!(mapfig(&dir, &["build"]).status.success());
    std::fs::create_dir(dir.join("check-report")).unwrap();
    mkfifo(&dir.join("check-report/index.html"));
    let o = mapfig(&dir, &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        std::fs::symlink_metadata(dir.join("check-report/index.html"))
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

// ---- 16 ----

#[test]
fn multi_file_writes_are_all_or_nothing() {
    let dir = project("all-or-nothing");
    let out = dir.join("out");
    assert!(mapfig(&dir, &["build"]).status.success());
    for f in ["a.svg", "a.png", "b.svg", "b.png", "index.html"] {
        std::fs::write(out.join(f), format!("old {f}")).unwrap();
    }
    // The last file of the last spec cannot be written: nothing else may change.
    std::fs::remove_file(out.join("b.png")).unwrap();
    std::fs::create_dir(out.join("b.png")).unwrap();
    let before = snapshot(&dir);
    for args in [
        &["render", "maps/a.toml", "maps/b.toml", "-o", "out"][..],
        &["build"][..],
    ] {
        let o = mapfig(&dir, args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert_eq!(snapshot(&dir), before, "{args:?} changed files");
    }
    // A spec that fails to render stops the build before any file is written.
    std::fs::remove_dir(out.join("b.png")).unwrap();
    std::fs::write(dir.join("maps/b.toml"), "size = \"big\"\n").unwrap();
    let before = snapshot(&dir);
    let o = mapfig(&dir, &["build"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(snapshot(&dir), before);
    // draw: a failing second output keeps the first output's previous file.
    std::fs::write(dir.join("quick.svg"), "old quick").unwrap();
    std::fs::create_dir(dir.join("quick.png")).unwrap();
    let o = mapfig(
        &dir,
        &["draw", "data.geojson", "-o", "quick.svg", "-o", "quick.png"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(dir.join("quick.svg")).unwrap(),
        "old quick"
    );
}

// ---- 17 ----

#[test]
fn manifest_out_and_specs_stay_inside_the_project() {
    let base = project("confine");
    let www = base.join("www");
    std::fs::create_dir_all(&www).unwrap();
    std::fs::write(www.join("index.html"), "the web root").unwrap();
    let proj = base.join("proj");
    std::fs::create_dir_all(proj.join("maps")).unwrap();
    std::fs::copy(base.join("maps/a.toml"), proj.join("maps/a.toml")).unwrap();
    std::fs::write(
        proj.join("maps/a.toml"),
        spec("a", "25").replace("../data.geojson", "../../data.geojson"),
    )
    .unwrap();
    let manifest = |out: &str, specs: &str| {
        std::fs::write(
            proj.join("mapfig.toml"),
            format!("specs = [{specs}]\nout = \"{out}\"\nformats = [\"svg\"]\n"),
        )
        .unwrap();
    };
    let before = snapshot(&base);
    // `..`, an absolute path and a symlinked folder all lead out.
    symlink(&www, proj.join("site")).unwrap();
    let www_abs = www.display().to_string();
    for out in ["../www", www_abs.as_str(), "site", "maps/../../www"] {
        manifest(out, "\"maps/*.toml\"");
        let o = mapfig(&proj, &["build"]);
        assert_eq!(o.status.code(), Some(2), "out = {out}: {}", stderr(&o));
        assert!(stderr(&o).contains("--allow-outside"), "{}", stderr(&o));
        assert!(stderr(&o).contains("mapfig.toml:2:"), "{}", stderr(&o));
    }
    std::fs::remove_file(proj.join("site")).unwrap();
    // A spec outside the project (by `..` or through a symlink).
    manifest("out", "\"../maps/b.toml\"");
    assert_eq!(mapfig(&proj, &["build"]).status.code(), Some(2));
    symlink(base.join("maps/b.toml"), proj.join("maps/b.toml")).unwrap();
    manifest("out", "\"maps/*.toml\"");
    let o = mapfig(&proj, &["check"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    std::fs::remove_file(proj.join("maps/b.toml")).unwrap();
    // Refused runs changed nothing outside; the flag allows it.
    let mut after = snapshot(&base);
    after.retain(|(p, _)| !p.starts_with("proj"));
    let mut expected = before.clone();
    expected.retain(|(p, _)| !p.starts_with("proj"));
    assert_eq!(after, expected);
    manifest("../www", "\"maps/*.toml\"");
    let o = mapfig(&proj, &["build", "--allow-outside"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(www.join("a.svg").exists());
    // Inside the project, `..` that stays inside is fine.
    manifest("maps/../out", "\"maps/../maps/a.toml\"");
    assert!(mapfig(&proj, &["build"]).status.success());
}

#[test]
fn an_output_is_never_one_of_the_inputs() {
    let dir = project("input-output");
    // draw x.svg -o x.svg (the input holds GeoJSON, named .svg).
    std::fs::write(dir.join("x.svg"), SQUARE).unwrap();
    let o = mapfig(&dir, &["draw", "x.svg", "-o", "x.svg"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("same file as the input"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(dir.join("x.svg")).unwrap(), SQUARE);
    // Through a symlink and through a hard link.
    symlink(dir.join("x.svg"), dir.join("link.svg")).unwrap();
    let o = mapfig(&dir, &["draw", "link.svg", "-o", "x.svg"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    std::fs::hard_link(dir.join("data.geojson"), dir.join("hard.svg")).unwrap();
    let o = mapfig(
        &dir,
        &["draw", "data.geojson", "-o", "ok.png", "-o", "hard.svg"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(dir.join("data.geojson")).unwrap(),
        SQUARE
    );
    assert!(!dir.join("ok.png").exists());
    // `--report` onto the manifest or a spec.
    let manifest = std::fs::read(dir.join("mapfig.toml")).unwrap();
    for target in ["mapfig.toml", "maps/a.toml"] {
        let o = mapfig(&dir, &["build", "--report", target]);
        assert_eq!(o.status.code(), Some(2), "{target}: {}", stderr(&o));
    }
    assert_eq!(std::fs::read(dir.join("mapfig.toml")).unwrap(), manifest);
    assert!(!dir.join("out").exists());
    // A spec whose output would replace its own data.
    std::fs::write(
        dir.join("maps/self.toml"),
        spec("self", "1").replace("../data.geojson", "self.svg"),
    )
    .unwrap();
    std::fs::write(dir.join("maps/self.svg"), SQUARE).unwrap();
    let o = mapfig(
        &dir,
        &["render", "maps/self.toml", "-o", "maps", "--format", "svg"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(dir.join("maps/self.svg")).unwrap(),
        SQUARE
    );
}

#[test]
fn two_specs_with_one_output_name_fail_naming_both() {
    let dir = project("same-output");
    std::fs::write(dir.join("maps/b.toml"), spec("a", "7")).unwrap();
    for args in [
        &["build"][..],
        &["render", "maps/a.toml", "maps/b.toml", "-o", "out"][..],
    ] {
        let o = mapfig(&dir, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(
            e.contains("a.toml") && e.contains("b.toml") && e.contains("a.svg"),
            "{e}"
        );
        assert!(!dir.join("out").exists(), "{args:?} wrote files");
    }
}

// ---- 18 ----

#[test]
fn check_catches_a_changed_number_in_png_only_projects() {
    let dir = project("png-only");
    std::fs::remove_file(dir.join("maps/b.toml")).unwrap();
    // A big canvas: a badge's digit is then far under the 0.05% pixel threshold.
    std::fs::write(
        dir.join("maps/a.toml"),
        spec("a", "25").replace("size = [400, 300]", "size = [2400, 1800]"),
    )
    .unwrap();
    std::fs::write(
        dir.join("mapfig.toml"),
        "specs = [\"maps/*.toml\"]\nformats = [\"png\"]\nscale = 1\n",
    )
    .unwrap();
    assert!(mapfig(&dir, &["build"]).status.success());
    let o = mapfig(&dir, &["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let spec_text = std::fs::read_to_string(dir.join("maps/a.toml")).unwrap();
    std::fs::write(
        dir.join("maps/a.toml"),
        spec_text.replace("value = \"25\"", "value = \"28\""),
    )
    .unwrap();
    let o = mapfig(&dir, &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("a.png: changed") && e.contains("\"25\"") && e.contains("\"28\""),
        "{e}"
    );
    let report = std::fs::read_to_string(dir.join("check-report/index.html")).unwrap();
    assert!(report.contains("28"), "{report}");
}

// ---- 12 (part) ----

/// A PNG that claims `w`×`h` pixels in a few bytes.
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    let mut raw = Vec::new();
    {
        let mut e = png::Encoder::new(&mut raw, 1, 1);
        e.set_color(png::ColorType::Rgb);
        let mut wr = e.write_header().unwrap();
        wr.write_image_data(&[0, 0, 0]).unwrap();
    }
    // Patch the IHDR size and its CRC.
    raw[16..20].copy_from_slice(&w.to_be_bytes());
    raw[20..24].copy_from_slice(&h.to_be_bytes());
    let crc = crc32(&raw[12..29]);
    raw[29..33].copy_from_slice(&crc.to_be_bytes());
    raw
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut c = 0xffff_ffffu32;
    for &b in bytes {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

#[test]
fn check_and_build_read_committed_files_bounded() {
    let dir = project("bounded-check");
    assert!(mapfig(&dir, &["build"]).status.success());
    let out = dir.join("out");
    // A small PNG claiming 60000×60000 pixels: judged by its header, never decoded.
    std::fs::write(out.join("a.png"), png_claiming(60_000, 60_000)).unwrap();
    let o = mapfig(&dir, &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("size 60000×60000"), "{}", stderr(&o));
    // A FIFO as a committed file is refused, not read forever.
    std::fs::remove_file(out.join("a.svg")).unwrap();
    mkfifo(&out.join("a.svg"));
    let o = mapfig(&dir, &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("a.svg") && stderr(&o).contains("not a regular file"));
    std::fs::remove_file(out.join("a.svg")).unwrap();
    // ... and a FIFO as the manifest.
    std::fs::rename(dir.join("mapfig.toml"), dir.join("real.toml")).unwrap();
    mkfifo(&dir.join("mapfig.toml"));
    let o = mapfig(&dir, &["build"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    std::fs::remove_file(dir.join("mapfig.toml")).unwrap();
    std::fs::rename(dir.join("real.toml"), dir.join("mapfig.toml")).unwrap();
    assert!(mapfig(&dir, &["build"]).status.success());
    // build and check honour the limit flags as render does.
    let o = mapfig(&dir, &["check", "--max-input-bytes", "1000"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("--max-input-bytes"), "{}", stderr(&o));
    let o = mapfig(&dir, &["build", "--max-vertices", "3"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("--max-vertices"), "{}", stderr(&o));
    let o = mapfig(&dir, &["check", "--max-pixels", "1000"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("--max-pixels"), "{}", stderr(&o));
}

// ---- 19 (part) ----

#[test]
fn an_out_folder_that_is_a_file_says_so() {
    let dir = project("out-is-file");
    std::fs::write(dir.join("out"), "a file").unwrap();
    let o = mapfig(&dir, &["render", "maps/a.toml", "-o", "out"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("out: is a file, not a folder"), "{e}");
    assert!(!e.contains("os error"), "{e}");
    let o = mapfig(&dir, &["render", "maps/a.toml", "-o", "out/maps"]);
    assert!(
        stderr(&o).contains("is a file, not a folder"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(dir.join("out")).unwrap(), "a file");
}
