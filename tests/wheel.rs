//! The Python wheel (pyproject.toml, maturin `bindings = "bin"`): built with maturin, installed
//! with pip into a fresh venv, and the venv's `mapfig` prints the crate version and renders a
//! map with its bundled fonts.
//!
//! maturin runs from a venv kept in the target folder (`wheel-venv`, maturin pinned below),
//! made once and reused. The wheel is built with the profile this test binary was built with,
//! in the same target folder, so it reuses the build `cargo test` made: maturin takes about a
//! second. The first run compiles once more the dozen crates whose features the
//! dev-dependencies change (as `cargo build` would, about a minute on two cores). maturin's
//! link puts its stripped `mapfig` in the target folder until the next cargo command puts the
//! test build back; cargo runs the test files in name order, so this one runs last.
//! Needs Python 3 with venv and pip, and PyPI the first time; a missing one fails the test
//! with the command that installs it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;
mod common;
use common::{files_in, root, run_within, scratch};

/// The maturin the wheel is built with: pyproject.toml's build requirement allows >=1.16,<2.
const MATURIN: &str = "1.16.0";

/// The target folder this test was built into and cargo's name of its profile.
fn target_and_profile() -> (PathBuf, String) {
    let bin = Path::new(env!("CARGO_BIN_EXE_mapfig"));
    let profile_dir = bin.parent().unwrap();
    let profile = match profile_dir.file_name().unwrap().to_str().unwrap() {
        "debug" => "dev".to_string(),
        other => other.to_string(),
    };
    (profile_dir.parent().unwrap().to_path_buf(), profile)
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Python 3 with a working `venv` (which brings pip), or the failure naming what installs it.
fn python() -> &'static str {
    let o = Command::new("python3")
        .args(["-m", "venv", "--help"])
        .output();
    match o {
        Ok(o) if o.status.success() => "python3",
        _ => panic!(
            "the wheel test needs Python 3 with venv and pip; install them \
             (Debian: apt-get install -y python3 python3-venv python3-pip)"
        ),
    }
}

/// `target/wheel-venv/bin/maturin` at the pinned version, made (from PyPI) when missing or
/// another version.
fn maturin(target: &Path) -> PathBuf {
    let venv = target.join("wheel-venv");
    let maturin = venv.join("bin/maturin");
    let want = format!("maturin {MATURIN}");
    let current = || {
        Command::new(&maturin)
            .arg("--version")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == want)
    };
    if current() {
        return maturin;
    }
    let install = format!(
        "{py} -m venv --clear {v} && {v}/bin/pip install maturin=={MATURIN}",
        py = python(),
        v = venv.display()
    );
    let o = Command::new("sh")
        .args(["-c", &format!("{install} >&2")])
        .output()
        .unwrap();
    assert!(
        o.status.success() && current(),
        "installing maturin {MATURIN} (from PyPI) failed; run: {install}\n{}",
        text(&o)
    );
    maturin
}

const SPEC: &str = r#"title = "Kabul — کابل"
strict_text = true
[[layer]]
id = "p"
source = "a.geojson"
label = "{name}"
"#;

const POLY: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature","id":"a","properties":{"name":"काबुल"},
 "geometry":{"type":"Polygon","coordinates":[[[60,30],[61,30],[61,31],[60,30]]]}}]}"#;

#[test]
fn the_wheel_installs_into_a_fresh_venv_and_its_mapfig_renders() {
    let (target, profile) = target_and_profile();
    let maturin = maturin(&target);
    let dir = scratch("wheel", "install");
    let version = env!("CARGO_PKG_VERSION");

    // Build, reusing the target folder (and so the build) of this test run.
    let wheels = dir.join("wheels");
    let (o, took) = run_within(
        Command::new(&maturin)
            .args(["build", "--locked", "--profile", &profile, "--out"])
            .arg(&wheels)
            .env("CARGO_TARGET_DIR", &target),
        &root(),
        Duration::from_secs(600),
    );
    assert!(o.status.success(), "maturin build failed:\n{}", text(&o));
    eprintln!("maturin build: {took:.1?}");
    let names = files_in(&wheels);
    assert_eq!(names.len(), 1, "{names:?}");
    let wheel = wheels.join(&names[0]);
    assert!(
        names[0].starts_with(&format!("mapfig-{version}-py3-none-")),
        "{names:?}"
    );

    // The wheel holds the binary, the metadata, the licences (code and bundled fonts) and
    // maturin's bill of materials: nothing else.
    let o = Command::new(python())
        .args([
            "-c",
            "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))",
        ])
        .arg(&wheel)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let mut listed: Vec<String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    listed.sort();
    let info = format!("mapfig-{version}.dist-info");
    let mut expected = vec![
        format!("mapfig-{version}.data/scripts/mapfig"),
        format!("{info}/METADATA"),
        format!("{info}/RECORD"),
        format!("{info}/WHEEL"),
        format!("{info}/licenses/LICENSE-APACHE"),
        format!("{info}/licenses/LICENSE-MIT"),
        format!("{info}/licenses/assets/fonts/OFL.txt"),
        format!("{info}/sboms/mapfig.cyclonedx.json"),
    ];
    expected.sort();
    assert_eq!(listed, expected);

    // A fresh venv, the wheel installed by its own pip without the network.
    let venv = dir.join("venv");
    let o = Command::new(python())
        .args(["-m", "venv"])
        .arg(&venv)
        .output()
        .unwrap();
    assert!(o.status.success(), "python3 -m venv failed:\n{}", text(&o));
    let o = Command::new(venv.join("bin/pip"))
        .args([
            "install",
            "--no-index",
            "--no-deps",
            "--disable-pip-version-check",
        ])
        .arg(&wheel)
        .output()
        .unwrap();
    assert!(o.status.success(), "pip install failed:\n{}", text(&o));

    let venv_mapfig = venv.join("bin/mapfig");
    let o = Command::new(&venv_mapfig)
        .arg("--version")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        format!("mapfig {version}\n")
    );

    // A map with Latin, Arabic and Devanagari text, refused if a glyph were missing: the
    // fonts travel inside the binary. Run from a folder away from the repository.
    let work = dir.join("map");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(work.join("a.geojson"), POLY).unwrap();
    std::fs::write(work.join("map.toml"), SPEC).unwrap();
    let o = Command::new(&venv_mapfig)
        .args(["render", "map.toml", "-o", "out", "--scale", "1"])
        .current_dir(&work)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "the venv's mapfig render failed:\n{}",
        text(&o)
    );
    assert_eq!(files_in(&work.join("out")), ["map.png", "map.svg"]);
    let svg = std::fs::read_to_string(work.join("out/map.svg")).unwrap();
    for t in ["Kabul — کابل", "काबुल"] {
        assert!(svg.contains(t), "{t} not in the SVG");
    }
    let png = std::fs::read(work.join("out/map.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));

    let _ = std::fs::remove_dir_all(&dir);
}
