//! `mapfig build` and `mapfig check` on a copy of this repository's project.

use std::path::{Path, PathBuf};
use std::process::Command;
mod common;
use common::root;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// A scratch copy of the project (specs, data, committed out/, manifest).
fn project(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mapfig-project-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for d in ["maps", "geodata", "out"] {
        copy_dir(&root().join(d), &dir.join(d));
    }
    std::fs::copy(root().join("mapfig.toml"), dir.join("mapfig.toml")).unwrap();
    dir
}

fn mapfig(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_mapfig"))
        .args(args)
        .current_dir(dir)
        .env("CI", "true")
        .output()
        .unwrap()
}

/// How many specs the project's maps/ holds (the manifest renders them all).
fn maps_in(dir: &Path) -> usize {
    std::fs::read_dir(dir.join("maps"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "toml")
        })
        .count()
}

fn specs_in(report: &Path) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(report).unwrap()).unwrap();
    v["maps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["spec"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn shards_render_every_spec_exactly_once() {
    let dir = project("shards");
    std::fs::remove_dir_all(dir.join("out")).unwrap();
    let a = mapfig(&dir, &["build", "--shard", "1/2", "--report", "r1.json"]);
    // The second of two, counted from 0 in the environment as a batch engine sets it.
    let b = Command::new(env!("CARGO_BIN_EXE_mapfig"))
        .args(["build", "--shard-count", "2", "--report", "r2.json"])
        .current_dir(&dir)
        .env("CI", "true")
        .env_remove("JOB_COMPLETION_INDEX")
        .env_remove("AWS_BATCH_JOB_ARRAY_INDEX")
        .env("MAPFIG_SHARD_INDEX", "1")
        .output()
        .unwrap();
    assert!(
        a.status.success() && b.status.success(),
        "{}",
        String::from_utf8_lossy(&b.stderr)
    );
    let mut all = specs_in(&dir.join("r1.json"));
    let second = specs_in(&dir.join("r2.json"));
    assert!(!all.is_empty() && !second.is_empty());
    assert!(
        all.iter().all(|s| !second.contains(s)),
        "{all:?} {second:?}"
    );
    all.extend(second);
    all.sort();
    let specs = maps_in(&dir);
    assert_eq!(all.len(), specs, "{all:?}");
    let mut files: Vec<_> = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files.iter().filter(|f| f.ends_with(".svg")).count(),
        specs,
        "{files:?}"
    );
    // Piped and in CI: no progress bar escape codes.
    assert!(!String::from_utf8_lossy(&a.stderr).contains('\r'));
    // Merged, the two give the report and gallery of the whole project built at once.
    let merged = mapfig(
        &dir,
        &[
            "build",
            "--merge",
            "r2.json",
            "r1.json",
            "--report",
            "merged.json",
        ],
    );
    assert!(
        merged.status.success(),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    let gallery = std::fs::read(dir.join("out/index.html")).unwrap();
    let whole = mapfig(&dir, &["build", "--report", "whole.json"]);
    assert!(
        whole.status.success(),
        "{}",
        String::from_utf8_lossy(&whole.stderr)
    );
    assert!(gallery == std::fs::read(dir.join("out/index.html")).unwrap());
    let untimed = |f: &str| {
        let mut v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join(f)).unwrap()).unwrap();
        for m in v["maps"].as_array_mut().unwrap() {
            m["milliseconds"] = 0.into();
        }
        v
    };
    assert_eq!(untimed("merged.json"), untimed("whole.json"));
}

#[test]
fn check_passes_unchanged_and_fails_with_a_report_after_a_colour_change() {
    let dir = project("check");
    let ok = mapfig(&dir, &["check", "--report-dir", "report"]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let spec = dir.join("maps/afghanistan-provinces.toml");
    let text = std::fs::read_to_string(&spec)
        .unwrap()
        .replace("fill = \"#c0392b\"", "fill = \"#2b6cc0\"");
    std::fs::write(&spec, text).unwrap();
    let bad = mapfig(&dir, &["check", "--report-dir", "report"]);
    let err = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(bad.status.code(), Some(1), "{err}");
    assert!(
        err.contains("afghanistan-provinces.svg: changed") && err.contains("#2b6cc0"),
        "{err}"
    );
    let html = std::fs::read_to_string(dir.join("report/index.html")).unwrap();
    assert!(html.contains("afghanistan-provinces.png changed"), "{html}");
    assert!(html.contains("afghanistan-provinces.diff.png"));
    assert!(dir.join("report/afghanistan-provinces.diff.png").exists());
    // The other maps are reported unchanged.
    assert!(html.contains("isis-presence.svg unchanged"));
}

const SQUARES: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","id":"a","properties":{"name":"Alpha"},"geometry":{"type":"Polygon","coordinates":[[[10,10],[11,10],[11,11],[10,11],[10,10]]]}},
{"type":"Feature","id":"b","properties":{"name":"Beta"},"geometry":{"type":"Polygon","coordinates":[[[11,10],[12,10],[12,11],[11,11],[11,10]]]}}
]}"#;

/// A small scratch project: two specs over one file, rendered as SVG into out/.
fn small_project(name: &str) -> PathBuf {
    let dir = common::scratch("project", name);
    std::fs::create_dir_all(dir.join("maps")).unwrap();
    std::fs::write(dir.join("data.geojson"), SQUARES).unwrap();
    for m in ["a", "b"] {
        std::fs::write(
            dir.join(format!("maps/{m}.toml")),
            format!("title = \"{m}\"\nsize = [400, 300]\n[[layer]]\nid = \"s\"\nsource = \"../data.geojson\"\nlabel = \"{{name}}\"\n"),
        )
        .unwrap();
    }
    std::fs::write(
        dir.join("mapfig.toml"),
        "specs = [\"maps/*.toml\"]\nout = \"out\"\nformats = [\"svg\"]\n",
    )
    .unwrap();
    dir
}

#[test]
fn build_out_overrides_the_manifest_out_folder_inside_the_project() {
    let dir = small_project("out-flag");
    for (flag, folder) in [("-o", "site"), ("--out", "public/maps")] {
        let o = mapfig(&dir, &["build", flag, folder]);
        assert!(o.status.success(), "{}", common::stderr(&o));
        assert_eq!(
            common::files_in(&dir.join(folder)),
            ["a.svg", "b.svg", "index.html"],
            "{flag} {folder}"
        );
        assert!(common::stderr(&o).contains(&format!("into {folder}")));
    }
    assert!(
        !dir.join("out").exists(),
        "the manifest's out/ is not written"
    );
    // The manifest's confinement holds for the flag too: `..`, an absolute path outside.
    let outside = dir.with_extension("outside");
    let _ = std::fs::remove_dir_all(&outside);
    for folder in ["../elsewhere".to_string(), outside.display().to_string()] {
        let o = mapfig(&dir, &["build", "-o", &folder]);
        let err = common::stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(
            err.contains("--out") && err.contains(&folder) && err.contains("--allow-outside"),
            "{err}"
        );
    }
    assert!(!dir.parent().unwrap().join("elsewhere").exists() && !outside.exists());
    let o = mapfig(
        &dir,
        &[
            "build",
            "-o",
            &outside.display().to_string(),
            "--allow-outside",
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert!(outside.join("a.svg").exists());
    std::fs::remove_dir_all(&outside).unwrap();
    // With --manifest from another folder, the project is still the manifest's folder.
    let o = mapfig(
        dir.parent().unwrap(),
        &[
            "build",
            "--manifest",
            &dir.join("mapfig.toml").display().to_string(),
            "-o",
            &dir.join("third").display().to_string(),
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert!(dir.join("third/b.svg").exists());
}

#[test]
fn build_progress_shows_only_on_a_terminal() {
    let dir = small_project("progress");
    // Piped, without CI in the environment: nothing but the summary.
    let o = Command::new(env!("CARGO_BIN_EXE_mapfig"))
        .arg("build")
        .current_dir(&dir)
        .env_remove("CI")
        .output()
        .unwrap();
    let err = common::stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(!err.contains('\r') && !err.contains('\x1b'), "{err:?}");
    assert!(!err.contains("2/2 maps"), "{err:?}");
    assert_eq!(
        err.lines()
            .filter(|l| l.starts_with("mapfig: rendered"))
            .count(),
        1,
        "{err:?}"
    );
    // On a terminal (util-linux `script` gives the run a pseudo-terminal): one line,
    // redrawn in place and cleared before the summary.
    let bin = env!("CARGO_BIN_EXE_mapfig");
    let o = Command::new("script")
        .args(["-qec", &format!("'{bin}' build"), "/dev/null"])
        .current_dir(&dir)
        .env_remove("CI")
        .output()
        .expect("util-linux script");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("\r\x1b[Kmapfig: 2/2 maps ("), "{out:?}");
    assert!(out.contains("\r\x1b[Kmapfig: rendered 2 maps"), "{out:?}");
}
