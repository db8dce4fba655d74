//! Shards and `--merge` through the binary: the batch engines' index variables partition a
//! project exactly for any shard count, shard jobs writing into one folder at once, and the
//! merge gives the report and gallery of an unsharded build, or refuses; the deploy/ files
//! are well formed and agree with themselves.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
mod common;
use common::{files_in, root, stderr};

const VARIABLES: [&str; 3] = [
    "JOB_COMPLETION_INDEX",
    "AWS_BATCH_JOB_ARRAY_INDEX",
    "MAPFIG_SHARD_INDEX",
];
const SPECS: usize = 5;

const SQUARES: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","id":"a","properties":{"name":"Alpha"},"geometry":{"type":"Polygon","coordinates":[[[10,10],[11,10],[11,11],[10,11],[10,10]]]}},
{"type":"Feature","id":"b","properties":{"name":"Beta"},"geometry":{"type":"Polygon","coordinates":[[[11,10],[12,10],[12,11],[11,11],[11,10]]]}}
]}"#;

/// A scratch project of `SPECS` specs (maps/m1.toml …, each its own title and output) over
/// one data file, rendered as SVG and PNG into out/, with an empty reports/ folder.
fn project(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mapfig-shards-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("maps")).unwrap();
    std::fs::create_dir_all(dir.join("reports")).unwrap();
    std::fs::write(dir.join("data.geojson"), SQUARES).unwrap();
    for k in 1..=SPECS {
        std::fs::write(
            dir.join(format!("maps/m{k}.toml")),
            format!(
                "title = \"Map {k}\"\ndescription = \"Squares, number {k}.\"\nsize = [400, 300]\n\n[[layer]]\nid = \"squares\"\nsource = \"../data.geojson\"\nfill = \"#{k}{k}aacc\"\n"
            ),
        )
        .unwrap();
    }
    std::fs::write(
        dir.join("mapfig.toml"),
        "specs = [\"maps/*.toml\"]\nout = \"out\"\nformats = [\"svg\", \"png\"]\nscale = 1\n",
    )
    .unwrap();
    dir
}

/// mapfig in `dir` with none of the index variables but those in `env`.
fn command(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mapfig"));
    c.args(args).current_dir(dir).env("CI", "true");
    for v in VARIABLES {
        c.env_remove(v);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    c
}

fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    command(dir, args, env).output().unwrap()
}

fn succeeds(o: &Output) {
    assert!(o.status.success(), "{}", stderr(o));
}

/// Refused with `code`, saying every one of `words`.
fn refused(o: &Output, code: i32, words: &[&str]) -> String {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(code), "{err}");
    for w in words {
        assert!(err.contains(w), "{w:?} not in:\n{err}");
    }
    err
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// A report's text with each map's measured wall time replaced: the only bytes that differ
/// between two builds of the same project.
fn without_timings(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("\"milliseconds\": ") {
            Some(at) => format!(
                "{}\"milliseconds\": 0{}",
                &l[..at],
                if l.ends_with(',') { "," } else { "" }
            ),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn report_text(path: &Path) -> String {
    without_timings(&std::fs::read_to_string(path).unwrap())
}

/// Runs all `n` shards at once, the index in `variable`, each writing reports/r-INDEX.json.
fn shards(dir: &Path, variable: &str, n: usize) -> Vec<PathBuf> {
    let count = n.to_string();
    let outputs: Vec<Output> = std::thread::scope(|s| {
        let jobs: Vec<_> = (0..n)
            .map(|i| {
                let count = &count;
                s.spawn(move || {
                    let index = i.to_string();
                    let report = format!("reports/r-{i}.json");
                    run(
                        dir,
                        &["build", "--shard-count", count, "--report", &report],
                        &[(variable, &index)],
                    )
                })
            })
            .collect();
        jobs.into_iter().map(|j| j.join().unwrap()).collect()
    });
    for o in &outputs {
        succeeds(o);
    }
    (0..n)
        .map(|i| dir.join(format!("reports/r-{i}.json")))
        .collect()
}

fn merge(dir: &Path, reports: &[PathBuf], extra: &[&str]) -> Output {
    let mut args = vec!["build".to_string(), "--merge".to_string()];
    args.extend(reports.iter().map(|r| r.display().to_string()));
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(dir, &args, &[])
}

/// The whole project built at once: its report's text (timings masked) and gallery page.
fn whole_build(dir: &Path) -> (String, Vec<u8>) {
    succeeds(&run(dir, &["build", "--report", "whole.json"], &[]));
    let gallery = std::fs::read(dir.join("out/index.html")).unwrap();
    (report_text(&dir.join("whole.json")), gallery)
}

#[test]
fn every_variable_partitions_the_project_for_1_3_and_7_shards_and_merges_to_the_whole() {
    let dir = project("partition");
    let (whole_report, whole_gallery) = whole_build(&dir);
    let all: Vec<String> = strings(&json(&dir.join("whole.json"))["units"]);
    assert_eq!(all.len(), SPECS, "{all:?}");
    for variable in VARIABLES {
        for n in [1, 3, 7] {
            let what = format!("{variable}, {n} shards");
            std::fs::remove_dir_all(dir.join("out")).unwrap();
            let reports = shards(&dir, variable, n);
            assert!(
                !dir.join("out/index.html").exists(),
                "{what}: a shard writes no gallery"
            );
            let mut units = Vec::new();
            let mut written = Vec::new();
            for (i, r) in reports.iter().enumerate() {
                let report = json(r);
                assert_eq!(report["shard_index"], i, "{what}");
                assert_eq!(report["shard_count"], n, "{what}");
                assert_eq!(report["shard"], format!("{}/{n}", i + 1), "{what}");
                let mine = strings(&report["units"]);
                // Round-robin: unit k in shard k mod n, so shards differ by one unit at most.
                let expected: Vec<String> = all.iter().skip(i).step_by(n).cloned().collect();
                assert_eq!(mine, expected, "{what}: shard {i}");
                let maps = report["maps"].as_array().unwrap();
                assert_eq!(maps.len(), mine.len(), "{what}: shard {i}");
                for m in maps {
                    written.extend(strings(&m["outputs"]));
                }
                units.extend(mine);
            }
            units.sort();
            assert_eq!(units, all, "{what}: every unit exactly once");
            // Every file in out/ was written by exactly one shard.
            let mut names: Vec<String> = written
                .iter()
                .map(|f| f.rsplit('/').next().unwrap().to_string())
                .collect();
            names.sort();
            assert_eq!(names, files_in(&dir.join("out")), "{what}");
            assert_eq!(names.len(), 2 * SPECS, "{what}");
            // The merge, with the reports in any order, gives the whole build's bytes.
            let mut shuffled = reports.clone();
            shuffled.reverse();
            let merged = merge(&dir, &shuffled, &["--report", "merged.json"]);
            succeeds(&merged);
            assert_eq!(
                report_text(&dir.join("merged.json")),
                whole_report,
                "{what}"
            );
            assert!(
                std::fs::read(dir.join("out/index.html")).unwrap() == whole_gallery,
                "{what}: the merged gallery differs from the whole build's"
            );
        }
    }
}

#[test]
fn an_empty_shard_succeeds_with_an_empty_report() {
    let dir = project("empty");
    let o = run(
        &dir,
        &[
            "build",
            "--shard-count",
            "9",
            "--report",
            "reports/r-8.json",
        ],
        &[("MAPFIG_SHARD_INDEX", "8")],
    );
    succeeds(&o);
    let report = json(&dir.join("reports/r-8.json"));
    assert_eq!(report["units"], serde_json::json!([]));
    assert_eq!(report["maps"], serde_json::json!([]));
    assert_eq!(report["project"]["unit_count"], SPECS);
    assert!(files_in(&dir.join("out")).is_empty());
}

#[test]
fn shard_flags_and_variables_name_the_same_shards() {
    let dir = project("same");
    let by_flag = |flag: &str, report: &str| {
        succeeds(&run(
            &dir,
            &["build", "--shard", flag, "--report", report],
            &[],
        ));
        report_text(&dir.join(report))
    };
    let by_env = |env: &[(&str, &str)], report: &str| {
        succeeds(&run(
            &dir,
            &["build", "--shard-count", "3", "--report", report],
            env,
        ));
        report_text(&dir.join(report))
    };
    // --shard counts from 1, the variables from 0.
    let second = by_flag("2/3", "flag.json");
    assert_eq!(second, by_env(&[("MAPFIG_SHARD_INDEX", "1")], "env.json"));
    assert_eq!(
        second,
        by_env(
            &[
                ("JOB_COMPLETION_INDEX", "1"),
                ("AWS_BATCH_JOB_ARRAY_INDEX", "1")
            ],
            "agree.json"
        ),
        "variables that agree are fine"
    );
    assert_eq!(json(&dir.join("flag.json"))["shard_index"], 1);
    let one = by_flag("1/3", "one.json");
    assert_eq!(
        one,
        by_env(&[("AWS_BATCH_JOB_ARRAY_INDEX", "0")], "zero.json")
    );
}

#[test]
fn bad_shard_flags_and_variables_are_argument_errors_that_write_nothing() {
    let dir = project("bad-env");
    let build = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["build", "--report", "r.json"];
        all.extend(args);
        run(&dir, &all, env)
    };
    refused(&build(&["--shard-count", "3"], &[]), 2, &VARIABLES);
    refused(
        &build(
            &["--shard-count", "3"],
            &[("JOB_COMPLETION_INDEX", "1"), ("MAPFIG_SHARD_INDEX", "2")],
        ),
        2,
        &["JOB_COMPLETION_INDEX=1", "MAPFIG_SHARD_INDEX=2"],
    );
    for bad in ["3", "-1", "", "x", "1.5", "+1"] {
        refused(
            &build(
                &["--shard-count", "3"],
                &[("AWS_BATCH_JOB_ARRAY_INDEX", bad)],
            ),
            2,
            &[&format!("AWS_BATCH_JOB_ARRAY_INDEX={bad:?}"), "0 to 2"],
        );
    }
    refused(
        &build(
            &["--shard", "1/2", "--shard-count", "2"],
            &[("MAPFIG_SHARD_INDEX", "0")],
        ),
        2,
        &["--shard", "--shard-count"],
    );
    refused(&build(&["--shard-count", "0"], &[]), 2, &["--shard-count"]);
    refused(&build(&["--shard", "0/2"], &[]), 2, &["counted from 1"]);
    refused(
        &build(&["--merge", "a.json", "--shard", "1/2"], &[]),
        2,
        &["--merge"],
    );
    assert!(!dir.join("out").exists() && !dir.join("r.json").exists());
}

/// Refused with `code`, naming `words`, with nothing written: no merged report, no gallery.
fn merge_refused(dir: &Path, reports: &[PathBuf], code: i32, words: &[&str]) {
    let o = merge(dir, reports, &["--report", "merged.json"]);
    eprintln!("{}", refused(&o, code, words));
    assert!(!dir.join("merged.json").exists());
    assert!(!dir.join("out/index.html").exists());
}

#[test]
fn merge_refuses_reports_that_are_not_one_whole_build() {
    let dir = project("refusals");
    let r = shards(&dir, "MAPFIG_SHARD_INDEX", 3);
    let name = |p: &PathBuf| p.display().to_string();
    let copy = dir.join("reports/copy-1.json");
    std::fs::copy(&r[1], &copy).unwrap();

    // A shard missing, named by its index (and --shard spelling).
    merge_refused(
        &dir,
        &[r[0].clone(), r[2].clone()],
        2,
        &["shard index 1", "--shard 2/3"],
    );
    // A shard twice.
    merge_refused(
        &dir,
        &[r[0].clone(), r[1].clone(), copy.clone(), r[2].clone()],
        2,
        &[&name(&r[1]), &name(&copy), "both shard 2/3"],
    );
    // Another shard count.
    succeeds(&run(
        &dir,
        &[
            "build",
            "--shard-count",
            "2",
            "--report",
            "reports/two-0.json",
        ],
        &[("JOB_COMPLETION_INDEX", "0")],
    ));
    let two = dir.join("reports/two-0.json");
    merge_refused(
        &dir,
        &[r[0].clone(), r[1].clone(), r[2].clone(), two],
        2,
        &["a shard of 3", "a shard of 2", "same shard count"],
    );
    // Another project: one spec's text differs.
    let other = project("refusals-other");
    let spec = other.join("maps/m2.toml");
    let text = std::fs::read_to_string(&spec)
        .unwrap()
        .replace("Map 2", "Map two");
    std::fs::write(&spec, text).unwrap();
    succeeds(&run(
        &other,
        &["build", "--shard", "2/3", "--report", "r.json"],
        &[],
    ));
    let foreign = dir.join("reports/foreign-1.json");
    std::fs::copy(other.join("r.json"), &foreign).unwrap();
    merge_refused(
        &dir,
        &[r[0].clone(), foreign.clone(), r[2].clone()],
        2,
        &[&name(&r[0]), &name(&foreign), "different projects"],
    );
    // Overlapping units: shard 1's report made to list shard 0's units.
    let mut forged = json(&r[1]);
    let zero = json(&r[0]);
    forged["units"] = zero["units"].clone();
    forged["maps"] = zero["maps"].clone();
    let overlap = dir.join("reports/overlap-1.json");
    std::fs::write(&overlap, serde_json::to_string_pretty(&forged).unwrap()).unwrap();
    merge_refused(
        &dir,
        &[r[0].clone(), overlap, r[2].clone()],
        2,
        &["./maps/m1.toml", "overlap"],
    );
    // A whole build's report, and a file that is not a report at all.
    succeeds(&run(&other, &["build", "--report", "whole.json"], &[]));
    std::fs::remove_file(other.join("out/index.html")).unwrap();
    merge_refused(&other, &[other.join("whole.json")], 2, &["whole build"]);
    let junk = dir.join("reports/junk.json");
    std::fs::write(&junk, "{ not json").unwrap();
    merge_refused(
        &dir,
        &[r[0].clone(), junk.clone()],
        1,
        &[&name(&junk), "1:3"],
    );
    // Its own inputs are never overwritten.
    let before = std::fs::read(&r[0]).unwrap();
    let o = merge(&dir, &r, &["--report", &name(&r[0])]);
    assert_ne!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read(&r[0]).unwrap(), before);
    assert!(!dir.join("out/index.html").exists());
}

#[test]
fn merge_needs_every_map_in_one_folder_and_takes_it_from_o() {
    let dir = project("gather");
    let (whole_report, whole_gallery) = whole_build(&dir);
    std::fs::remove_dir_all(dir.join("out")).unwrap();
    let r = shards(&dir, "JOB_COMPLETION_INDEX", 3);
    // The jobs' out folders not gathered: a map is missing from the folder the reports name.
    std::fs::rename(dir.join("out"), dir.join("gathered")).unwrap();
    std::fs::create_dir(dir.join("out")).unwrap();
    std::fs::copy(dir.join("gathered/m1.svg"), dir.join("out/m1.svg")).unwrap();
    merge_refused(&dir, &r, 1, &["m1.png", "missing", "gather", "r-0.json"]);
    // -o names the folder that holds them all; the gallery goes there.
    succeeds(&merge(
        &dir,
        &r,
        &["-o", "gathered", "--report", "merged.json"],
    ));
    assert_eq!(report_text(&dir.join("merged.json")), whole_report);
    assert!(std::fs::read(dir.join("gathered/index.html")).unwrap() == whole_gallery);
    assert!(!dir.join("out/index.html").exists());
    // Two specs of different shards writing one output: only the merge can see it.
    std::fs::write(
        dir.join("maps/m2.toml"),
        "output = \"m1\"\n".to_string()
            + &std::fs::read_to_string(dir.join("maps/m2.toml")).unwrap(),
    )
    .unwrap();
    let o = run(&dir, &["build"], &[]);
    refused(&o, 2, &["m1"]);
    let r = shards(&dir, "MAPFIG_SHARD_INDEX", 2);
    std::fs::remove_file(dir.join("merged.json")).unwrap();
    merge_refused(&dir, &r, 2, &["./maps/m1.toml", "./maps/m2.toml", "m1.svg"]);
}

#[test]
fn gnu_parallel_runs_the_deploy_script_to_the_whole_builds_bytes() {
    let have = Command::new("parallel")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        have,
        "GNU parallel is not installed; this test runs deploy/gnu-parallel.sh. Install it with `apt-get update && apt-get install -y parallel` (CI does this in .ci/run)."
    );
    let dir = project("parallel");
    let (whole_report, whole_gallery) = whole_build(&dir);
    std::fs::remove_dir_all(dir.join("out")).unwrap();
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_mapfig"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut script = Command::new("bash");
    script
        .arg(root().join("deploy/gnu-parallel.sh"))
        .arg("4")
        .current_dir(&dir)
        .env("PATH", &path);
    for v in VARIABLES {
        script.env_remove(v);
    }
    let o = script.output().unwrap();
    succeeds(&o);
    assert_eq!(
        files_in(&dir.join("reports")).len(),
        5,
        "4 shards and the merged report"
    );
    assert_eq!(report_text(&dir.join("reports/report.json")), whole_report);
    assert!(std::fs::read(dir.join("out/index.html")).unwrap() == whole_gallery);
}

/// The number after `flag ` in `text` (`--shard-count 4`).
fn number_after(text: &str, flag: &str) -> usize {
    let at = text
        .find(flag)
        .unwrap_or_else(|| panic!("{flag:?} not in:\n{text}"));
    text[at + flag.len()..]
        .trim_start_matches([' ', ':', '"', '='])
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| panic!("no number after {flag:?}"))
}

/// A structural check of a YAML file a test cannot parse without a YAML crate: spaces only,
/// even indentation, no trailing spaces, every line a comment, a key, a list item or a
/// block scalar's text; and, where python3 has PyYAML, a full parse.
fn check_yaml(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let name = path.display();
    let mut in_block: Option<usize> = None;
    for (k, line) in text.lines().enumerate() {
        let at = format!("{name}:{}", k + 1);
        assert!(!line.contains('\t'), "{at}: a tab");
        assert!(!line.ends_with(' '), "{at}: trailing space");
        let indent = line.len() - line.trim_start().len();
        let body = line.trim_start();
        if body.is_empty() {
            continue;
        }
        if let Some(block) = in_block {
            if indent > block {
                continue;
            }
            in_block = None;
        }
        assert!(indent % 2 == 0, "{at}: odd indentation");
        let item = body.strip_prefix("- ").unwrap_or(body);
        let keyed = item.split_once(':').is_some_and(|(k, rest)| {
            !k.is_empty() && !k.contains(' ') && (rest.is_empty() || rest.starts_with(' '))
        });
        assert!(
            body.starts_with('#') || body.starts_with("- ") || keyed,
            "{at}: neither a comment, a list item nor a key: {line}"
        );
        if body.ends_with('|') || body.ends_with('>') {
            in_block = Some(indent);
        }
    }
    let python = Command::new("python3")
        .args([
            "-c",
            "import sys, yaml; list(yaml.safe_load_all(open(sys.argv[1])))",
        ])
        .arg(path)
        .output();
    if let Ok(o) = python {
        let err = stderr(&o);
        if !err.contains("No module named") {
            assert!(o.status.success(), "{name} is not valid YAML:\n{err}");
        }
    }
    text
}

#[test]
fn deploy_files_are_well_formed_and_name_one_shard_count() {
    let deploy = root().join("deploy");
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.contains("(deploy/README.md)"),
        "README links deploy/"
    );

    let job = check_yaml(&deploy.join("kubernetes/shards-job.yaml"));
    assert!(job.contains("completionMode: Indexed"));
    assert!(job.contains("$JOB_COMPLETION_INDEX"));
    let n = number_after(&job, "--shard-count");
    assert_eq!(number_after(&job, "completions:"), n);
    assert!(number_after(&job, "parallelism:") <= n);
    let merge_job = check_yaml(&deploy.join("kubernetes/merge-job.yaml"));
    assert!(merge_job.contains("mapfig build --merge reports/report-*.json"));
    check_yaml(&deploy.join("kubernetes/volume.yaml"));

    let read = |f: &str| -> Value {
        serde_json::from_slice(&std::fs::read(deploy.join(f)).unwrap())
            .unwrap_or_else(|e| panic!("deploy/{f}: {e}"))
    };
    let definition = read("aws-batch/job-definition.json");
    let command = definition["containerProperties"]["command"].to_string();
    assert!(command.contains("--shard-count") && command.contains("$AWS_BATCH_JOB_ARRAY_INDEX"));
    let submit = read("aws-batch/submit-shards.json");
    let size = submit["arrayProperties"]["size"].as_u64().unwrap();
    assert!(size >= 2, "AWS Batch arrays have at least 2 children");
    for env in [
        &definition["containerProperties"]["environment"],
        &submit["containerOverrides"]["environment"],
    ] {
        let count = env
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == "SHARD_COUNT")
            .unwrap();
        assert_eq!(count["value"], size.to_string());
    }
    let merge_submit = read("aws-batch/submit-merge.json");
    assert!(merge_submit["containerOverrides"]["command"]
        .to_string()
        .contains("--merge reports/report-*.json"));
    assert!(merge_submit["dependsOn"].is_array());

    let workflow = check_yaml(&deploy.join("github-actions/maps.yml"));
    let matrix = workflow
        .lines()
        .find(|l| l.trim_start().starts_with("index: ["))
        .unwrap();
    let indexes: Vec<usize> = matrix[matrix.find('[').unwrap() + 1..matrix.find(']').unwrap()]
        .split(',')
        .map(|x| x.trim().parse().unwrap())
        .collect();
    let n = number_after(&workflow, "SHARD_COUNT");
    assert_eq!(
        indexes,
        (0..n).collect::<Vec<_>>(),
        "the matrix is 0 … SHARD_COUNT - 1"
    );
    for needed in [
        "MAPFIG_SHARD_INDEX: ${{ matrix.index }}",
        "merge-multiple: true",
        "--merge report-*.json",
    ] {
        assert!(workflow.contains(needed), "maps.yml lacks {needed:?}");
    }
    let script = std::fs::read_to_string(deploy.join("gnu-parallel.sh")).unwrap();
    assert!(script.contains("MAPFIG_SHARD_INDEX={} mapfig build --shard-count"));
}
