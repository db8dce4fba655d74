//! Helpers the integration tests share: the binary, scratch folders, what a run printed and
//! wrote, and runs under an address-space limit. Each test binary uses some of them.
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `mapfig` binary under test.
pub fn mapfig() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mapfig"))
}

/// A file of the registry test data (`tests/data/fetch-registry.sh`: us-atlas, world-atlas,
/// vega-datasets, Natural Earth Shapefiles), e.g. `registry_data("us-atlas/counties-10m.json")`.
/// The first test to ask fetches it (the script locks, checks pinned checksums and does
/// nothing when the cache is complete); a failed fetch fails the test with the command.
pub fn registry_data(rel: &str) -> PathBuf {
    let dir = std::env::var_os("MAPFIG_REGISTRY_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/registry-data"));
    if !dir.join(".complete-v1").is_file() {
        let out = Command::new("bash")
            .arg(root().join("tests/data/fetch-registry.sh"))
            .env("MAPFIG_REGISTRY_DATA", &dir)
            .output()
            .expect("bash runs");
        assert!(
            out.status.success(),
            "fetching the registry test data failed; run: bash tests/data/fetch-registry.sh\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let p = dir.join(rel);
    assert!(
        p.exists(),
        "{} is not in the registry test data; run: bash tests/data/fetch-registry.sh",
        p.display()
    );
    p
}

/// A fresh scratch folder for test `name` of the test file `group`.
pub fn scratch(group: &str, name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("mapfig-{group}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The names of the files in `dir`, sorted; none when it cannot be read.
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Whether util-linux `prlimit` is here to run under.
pub fn have_prlimit() -> bool {
    Command::new("prlimit")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs `cmd` in `dir` with no input, killing it (and failing the test) when it is still
/// running after `limit`; its output and how long it ran. Both pipes are drained while it
/// runs, so a chatty child never blocks on a full one.
pub fn run_within(cmd: &mut Command, dir: &Path, limit: Duration) -> (Output, Duration) {
    let started = Instant::now();
    let mut child = cmd
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{cmd:?} still running after {limit:?}: killed\n{}",
                String::from_utf8_lossy(&stderr.join().unwrap())
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let output = Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    };
    (output, started.elapsed())
}

/// Runs mapfig with `args` in `dir` under `prlimit --as=bytes`, killed (failing the test)
/// after `limit` of wall time; its output and how long it ran.
pub fn limited(dir: &Path, bytes: u64, args: &[&str], limit: Duration) -> (Output, Duration) {
    let mut cmd = Command::new("prlimit");
    cmd.arg(format!("--as={bytes}"))
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_mapfig"))
        .args(args);
    run_within(&mut cmd, dir, limit)
}
