//! `mapfig init DATA`: a starter spec guessed from the data, which renders as written.

use std::path::Path;
use std::process::Output;
mod common;
use common::{files_in, mapfig, scratch, stderr};

const REGIONS: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"R1","NAME_EN":"North","name":"Nord","pop":10,"zone":"a"},"geometry":{"type":"Polygon","coordinates":[[[10,50],[12,50],[12,52],[10,52],[10,50]]]}},
{"type":"Feature","properties":{"code":"R2","NAME_EN":"South","name":"Sud","pop":20,"zone":"a"},"geometry":{"type":"Polygon","coordinates":[[[10,48],[12,48],[12,50],[10,50],[10,48]]]}},
{"type":"Feature","properties":{"code":"R3","NAME_EN":"East","name":"Est","pop":30,"zone":"b"},"geometry":{"type":"Polygon","coordinates":[[[12,48],[14,48],[14,52],[12,52],[12,48]]]}}
]}"#;

fn run(dir: &Path, args: &[&str]) -> Output {
    mapfig().args(args).current_dir(dir).output().unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> Output {
    let o = run(dir, args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    o
}

fn project(name: &str) -> std::path::PathBuf {
    let dir = scratch("init", name);
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("data/regions.geojson"), REGIONS).unwrap();
    dir
}

#[test]
fn a_starter_spec_guesses_from_the_data_and_renders() {
    let dir = project("regions");
    let o = ok(&dir, &["init", "data/regions.geojson"]);
    assert!(
        stderr(&o).contains("wrote maps/regions.toml"),
        "{}",
        stderr(&o)
    );
    let spec = std::fs::read_to_string(dir.join("maps/regions.toml")).unwrap();
    for want in [
        "title = \"Regions\"\n",
        "source = \"../data/regions.geojson\"\n",
        // `name` before `NAME_EN` and the unique `code`; `zone` repeats.
        "label = \"{name}\"",
        "fill = \"#e4ddcf\"",
        // Central Europe: the conic `auto` picks, written out.
        "projection = \"+proj=lcc +lat_1=",
        "extent = { bbox = [9.84, 47.84, 14.16, 52.16] }",
    ] {
        assert!(spec.contains(want), "{want:?} not in:\n{spec}");
    }
    // It renders from its own folder's paths, whatever the current folder.
    let spec_path = dir.join("maps/regions.toml").display().to_string();
    let out = dir.join("out").display().to_string();
    ok(
        Path::new("/"),
        &["render", &spec_path, "-o", &out, "--format", "svg"],
    );
    let svg = std::fs::read_to_string(dir.join("out/regions.svg")).unwrap();
    for label in ["Nord", "Sud", "Est", "Regions"] {
        assert!(svg.contains(&format!(">{label}<")), "{label}");
    }
    // The same spec is never written over: exit 2 naming it, the file as it was.
    std::fs::write(dir.join("maps/regions.toml"), "# mine\n").unwrap();
    let o = run(&dir, &["init", "data/regions.geojson"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("maps/regions.toml: already exists"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("maps/regions.toml")).unwrap(),
        "# mine\n"
    );
    assert_eq!(files_in(&dir.join("maps")), ["regions.toml"]);
}

#[cfg(unix)]
#[test]
fn init_never_writes_through_a_symlink_or_leaves_anything_on_failure() {
    let dir = project("refused");
    std::fs::create_dir_all(dir.join("maps")).unwrap();
    std::fs::write(dir.join("elsewhere.txt"), "keep").unwrap();
    std::os::unix::fs::symlink(dir.join("elsewhere.txt"), dir.join("maps/regions.toml")).unwrap();
    let o = run(&dir, &["init", "data/regions.geojson"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(dir.join("elsewhere.txt")).unwrap(),
        "keep"
    );
    // A missing data file (exit 1), a collection the file does not hold (2), a table
    // without coordinates (1): no spec, and no folder made for it.
    std::fs::write(dir.join("data/table.csv"), "id,rate\n1,0.5\n2,0.7\n").unwrap();
    for (args, code) in [
        (vec!["init", "data/none.geojson", "-o", "new/a.toml"], 1),
        (
            vec![
                "init",
                "data/regions.geojson",
                "--object",
                "x",
                "-o",
                "new/b.toml",
            ],
            2,
        ),
        (vec!["init", "data/table.csv", "-o", "new/c.toml"], 1),
    ] {
        let o = run(&dir, &args);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
        assert!(!dir.join("new").exists(), "{args:?}");
    }
    assert!(stderr(&run(&dir, &["init", "data/table.csv"])).contains("--x and --y"));
}

#[test]
fn output_folders_are_made_and_paths_stay_relative_to_the_spec() {
    let dir = project("output");
    ok(
        &dir,
        &[
            "init",
            "data/regions.geojson",
            "-o",
            "atlas/europe/first.toml",
        ],
    );
    let spec = std::fs::read_to_string(dir.join("atlas/europe/first.toml")).unwrap();
    assert!(
        spec.contains("source = \"../../data/regions.geojson\""),
        "{spec}"
    );
    ok(
        &dir,
        &[
            "render",
            "atlas/europe/first.toml",
            "-o",
            "out",
            "--format",
            "svg",
        ],
    );
    assert!(dir.join("out/first.svg").exists());
    // Beside the data.
    ok(
        &dir,
        &["init", "data/regions.geojson", "-o", "data/here.toml"],
    );
    let spec = std::fs::read_to_string(dir.join("data/here.toml")).unwrap();
    assert!(spec.contains("source = \"regions.geojson\""), "{spec}");
}

#[test]
fn points_several_objects_and_the_antimeridian() {
    let dir = project("kinds");
    // A table of points: markers; no name-like property, so the unique `code`.
    std::fs::write(
        dir.join("data/towns.csv"),
        "code,lon,lat,kind\nA,69.1,34.5,x\nB,65.7,31.6,x\nC,62.2,34.3,y\n",
    )
    .unwrap();
    ok(&dir, &["init", "data/towns.csv"]);
    let spec = std::fs::read_to_string(dir.join("maps/towns.toml")).unwrap();
    assert!(
        spec.contains("marker = \"circle\"") && spec.contains("label = \"{code}\""),
        "{spec}"
    );
    ok(
        &dir,
        &["render", "maps/towns.toml", "-o", "out", "--format", "svg"],
    );
    // A topology of two objects: the first with geometry is mapped, the other named.
    std::fs::write(
        dir.join("data/topo.json"),
        r#"{"type":"Topology","objects":{
            "notes":{"type":"GeometryCollection","geometries":[{"type":null,"properties":{"t":"x"}}]},
            "land":{"type":"GeometryCollection","geometries":[{"type":"Polygon","arcs":[[0]],"properties":{"name":"Island"}}]}},
           "arcs":[[[30,-10],[32,-10],[32,-8],[30,-8],[30,-10]]]}"#,
    )
    .unwrap();
    ok(&dir, &["init", "data/topo.json"]);
    let spec = std::fs::read_to_string(dir.join("maps/topo.toml")).unwrap();
    assert!(
        spec.contains("id = \"land\"")
            && spec.contains("object = \"land\"   # the file also holds: notes"),
        "{spec}"
    );
    ok(
        &dir,
        &["render", "maps/topo.toml", "-o", "out", "--format", "svg"],
    );
    // Islands on both sides of ±180°: no west < east box says it, so the layer is fitted,
    // and the projection is centred on the antimeridian.
    std::fs::write(
        dir.join("data/fiji.geojson"),
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"name":"West"},"geometry":{"type":"Polygon","coordinates":[[[178,-18],[179.5,-18],[179.5,-17],[178,-17],[178,-18]]]}},
        {"type":"Feature","properties":{"name":"East"},"geometry":{"type":"Polygon","coordinates":[[[-180,-17],[-179,-17],[-179,-16],[-180,-16],[-180,-17]]]}}]}"#,
    )
    .unwrap();
    ok(&dir, &["init", "data/fiji.geojson"]);
    let spec = std::fs::read_to_string(dir.join("maps/fiji.toml")).unwrap();
    assert!(
        spec.contains("extent = { fit = \"fiji\", pad = 0.04 }"),
        "{spec}"
    );
    assert!(
        spec.contains("+lon_0=179.")
            || spec.contains("+lon_0=-179.")
            || spec.contains("+lon_0=180"),
        "{spec}"
    );
    ok(
        &dir,
        &["render", "maps/fiji.toml", "-o", "out", "--format", "svg"],
    );
}
