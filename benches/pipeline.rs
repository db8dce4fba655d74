//! Pipeline stages, timed with divan: `cargo bench`. Runs on the committed story data;
//! set BENCH_DATA to a folder with world-admin1.geojson (../shared/bench/make-data.sh) to
//! add the large dataset.

use mapfig::emit::{raster, svg};
use mapfig::geom::{self as geometry, Flat};
use mapfig::layout;
use mapfig::projection::{Fit, Projection};
use mapfig::sources::{self, DataCache};
use mapfig::spec;
use std::path::{Path, PathBuf};

fn main() {
    divan::main();
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The story data, plus world admin-1 when BENCH_DATA has it.
fn datasets() -> Vec<PathBuf> {
    let mut v = vec![
        root().join("geodata/afghanistan-provinces.geojson"),
        root().join("geodata/neighbours.geojson"),
    ];
    if let Ok(dir) = std::env::var("BENCH_DATA") {
        let p = Path::new(&dir).join("world-admin1.geojson");
        if p.exists() {
            v.push(p);
        }
    }
    v
}

#[divan::bench(args = datasets())]
fn parse(bencher: divan::Bencher, path: &PathBuf) {
    let bytes = std::fs::read(path).unwrap_or_default();
    bencher.bench(|| sources::parse(divan::black_box(&bytes), path).map(|d| d.features.len()));
}

fn flats(path: &Path) -> Vec<Flat> {
    let d = sources::load(path).expect("dataset loads");
    d.features
        .iter()
        .map(|f| {
            let mut flat = Flat::default();
            if let Some(g) = &f.geometry {
                geometry::flatten(g, &mut flat);
            }
            flat
        })
        .collect()
}

// divan hands each argument by reference to its own type.
#[allow(clippy::ptr_arg)]
#[divan::bench(args = datasets())]
fn project(bencher: divan::Bencher, path: &PathBuf) {
    let flats = flats(path);
    let p = Projection::parse("+proj=robin +datum=WGS84 +units=m").expect("robinson");
    bencher.bench(|| {
        flats
            .iter()
            .map(|f| mapfig::projection::project_flat(f, &p).polygons.len())
            .sum::<usize>()
    });
}

#[allow(clippy::ptr_arg)]
#[divan::bench(args = datasets())]
fn pixels_and_path_data(bencher: divan::Bencher, path: &PathBuf) {
    let p = Projection::parse("+proj=robin +datum=WGS84 +units=m").expect("robinson");
    let projected: Vec<Flat> = flats(path)
        .iter()
        .map(|f| mapfig::projection::project_flat(f, &p))
        .collect();
    let mut b = geometry::Bounds::default();
    for f in &projected {
        if let Some(fb) = f.bounds() {
            b.merge(fb);
        }
    }
    let fit = Fit::new(
        b.get().unwrap_or([0.0, 0.0, 1.0, 1.0]),
        [0.0, 0.0, 1600.0, 1200.0],
        0.0,
    );
    bencher.bench(|| {
        projected
            .iter()
            .map(|f| {
                let px = mapfig::projection::to_pixels(f, &fit, [-12.0, -12.0, 1612.0, 1212.0]);
                let mut d = mapfig::scene::PathData::new();
                for poly in &px.polygons {
                    for r in poly {
                        d.polyline(&r[..r.len() - 1], true);
                    }
                }
                d.finish().len()
            })
            .sum::<usize>()
    });
}

/// Topology-preserving simplification to 10% of the vertices: shared arcs built from the
/// projected polygons, Visvalingam on the arcs, polygons rebuilt.
#[allow(clippy::ptr_arg)]
#[divan::bench(args = datasets(), sample_count = 10)]
fn simplify(bencher: divan::Bencher, path: &PathBuf) {
    let p = Projection::parse("+proj=robin +datum=WGS84 +units=m").expect("robinson");
    let polygons: Vec<mapfig::prepare::topology::Polygons> = flats(path)
        .iter()
        .map(|f| mapfig::projection::project_flat(f, &p).polygons)
        .collect();
    bencher.bench(|| {
        let mut t = mapfig::prepare::topology::Topology::build(&polygons);
        t.simplify(0.1);
        t.polygons().len()
    });
}

fn story_specs() -> Vec<String> {
    [
        "afghanistan-provinces",
        "kunduz-tajik-border",
        "isis-presence",
    ]
    .map(String::from)
    .to_vec()
}

#[divan::bench(args = story_specs())]
fn layout_story_map(bencher: divan::Bencher, name: &str) {
    let s = spec::load(&root().join(format!("maps/{name}.toml"))).expect("spec");
    let cache = DataCache::default();
    layout::build(&s, &cache).expect("warm the data cache");
    bencher.bench_local(|| layout::build(&s, &cache).map(|l| l.scene.nodes.len()));
}

#[divan::bench(args = story_specs())]
fn write_svg(bencher: divan::Bencher, name: &str) {
    let s = spec::load(&root().join(format!("maps/{name}.toml"))).expect("spec");
    let l = layout::build(&s, &DataCache::default()).expect("layout");
    bencher.bench(|| svg::to_svg(&l.scene).len());
}

#[divan::bench(args = story_specs(), sample_count = 10)]
fn rasterize_png(bencher: divan::Bencher, name: &str) {
    let s = spec::load(&root().join(format!("maps/{name}.toml"))).expect("spec");
    let l = layout::build(&s, &DataCache::default()).expect("layout");
    let limits = mapfig::limits::Limits::default();
    bencher.bench(|| raster::render_png(&l.scene, 2.0, &s.file, &limits).map(|p| p.len()));
}
