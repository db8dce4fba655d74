//! One data cache per run: specs sharing a data file parse it once, whatever the thread
//! count, and the results do not depend on how many threads rendered them.

use mapfig::limits::Limits;
use mapfig::render::{encode_spec, Format, Options};
use mapfig::sources::DataCache;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Two specs (and a third file they both read) in a scratch folder.
fn project(name: &str) -> (PathBuf, Vec<PathBuf>) {
    let dir = std::env::temp_dir().join(format!("mapfig-shared-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("places.geojson"),
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","id":"a","properties":{"name":"Kunduz","n":1000.50},
         "geometry":{"type":"Polygon","coordinates":[[[68,36],[69,36],[69,37],[68,36]]]}},
        {"type":"Feature","id":"b","properties":{"name":"Baghlan","n":2},
         "geometry":{"type":"Point","coordinates":[68.7,36.1]}}]}"#,
    )
    .unwrap();
    let specs: Vec<PathBuf> = ["one", "two"]
        .iter()
        .map(|s| {
            let spec = dir.join(format!("{s}.toml"));
            std::fs::write(
                &spec,
                format!(
                    "title = \"{s}\"\nsize = [300, 200]\n[[layer]]\nid = \"places\"\nsource = \"places.geojson\"\nlabel = \"{{name}} {{n}}\"\n"
                ),
            )
            .unwrap();
            spec
        })
        .collect();
    (dir, specs)
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

fn options(out_dir: &Path) -> Options {
    Options {
        out_dir: out_dir.to_path_buf(),
        formats: vec![Format::Svg, Format::Png],
        ..Options::default()
    }
}

/// Every file of `dir`, by name, with its bytes.
fn files_in(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn specs_sharing_a_file_parse_it_once_on_any_thread_count() {
    let (dir, specs) = project("once");
    let options = options(&dir.join("out"));
    let mut renders = Vec::new();
    for threads in [1, 2] {
        let cache = DataCache::new(Limits::default());
        let encoded: Vec<_> = pool(threads).install(|| {
            specs
                .par_iter()
                .map(|s| encode_spec(s, &options, &cache).unwrap().files)
                .collect()
        });
        assert_eq!(cache.parsed_files(), 1, "{threads} threads");
        renders.push(encoded);
    }
    assert_eq!(renders[0], renders[1]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_build_writes_the_same_bytes_on_one_and_two_threads() {
    let (dir, specs) = project("build");
    let mut outputs = Vec::new();
    for threads in [1, 2] {
        let out = dir.join(format!("out-{threads}"));
        let built = pool(threads).install(|| {
            mapfig::build::build(
                &specs,
                &mapfig::build::Batch::new(options(&out), Limits::default()),
            )
        });
        assert_eq!(built.unwrap().len(), 2);
        outputs.push(files_in(&out));
    }
    assert_eq!(outputs[0].len(), 4);
    assert_eq!(outputs[0], outputs[1]);
    let _ = std::fs::remove_dir_all(dir);
}
