//! Many maps at once. Every command that renders spec files (`mapfig` with no arguments,
//! `mapfig render`, `mapfig build`) goes through [`stage_maps`]: specs loaded and
//! validated up front, encoded in parallel, their files staged into one all-or-nothing
//! [`Transaction`] with the out folder's gallery page; the commands differ only in their
//! [`Batch`]. Around it: the project manifest ([`Manifest`]), shards ([`Shard`]) for the jobs
//! of a batch, the JSON report and [`merge`], which puts the shards' reports and gallery
//! back together, and [`check`], which compares a fresh render with the committed files.

pub mod atlas;
mod check;
pub mod gallery;
mod manifest;
mod merge;
mod report;
pub mod serve;
mod shard;

pub use check::{
    check, png_changes, svg_changes, Checked, FileStatus, CHANGED_SHARE, PIXEL_TOLERANCE,
};
pub use manifest::{Manifest, MANIFEST};
pub use merge::{merge, Merged};
pub use report::{report_json, unit_key, Project};
pub use shard::{interleave, Shard, INDEX_VARIABLES};

use crate::emit::Transaction;
use crate::error::{Error, Result};
use crate::layout::labels::Dropped;
use crate::limits::Limits;
use crate::render::{
    check_png_size, encode_loaded, stage_encoded, EncodedSpec, Format, Options, OutputClaims,
};
use crate::sources::DataCache;
use crate::spec::{self, Spec};
use crate::timings::Timings;
use gallery::GalleryEntry;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// How a batch of specs is rendered: what the commands that render many maps share, and
/// the few things in which they differ.
pub struct Batch<'a> {
    /// Out folder, formats, scale and the overrides applied to every spec.
    pub options: Options,
    pub limits: Limits,
    /// Also stage the out folder's gallery page, listing the batch, when SVG is among the
    /// formats. Only for a batch of every map of that folder: a render of chosen specs must
    /// not replace the page with a partial one.
    pub gallery: bool,
    /// Refuse a spec whose PNG would be under a pixel a side or over the pixel limit before
    /// any data is read, as a usage error naming `--scale` and `--max-pixels` (the flags of
    /// `mapfig render`).
    pub png_sizes_up_front: bool,
    /// Called as each spec is encoded: how many are done, how many in all, and the spec.
    pub progress: &'a (dyn Fn(usize, usize, &Path) + Sync),
    /// Render only this shard's part of the units (the specs, and each page of an atlas).
    pub shard: Option<Shard>,
}

impl Batch<'static> {
    /// A batch with `options` and `limits`, no gallery page, no up-front PNG size check and
    /// no progress report.
    pub fn new(options: Options, limits: Limits) -> Batch<'static> {
        Batch {
            options,
            limits,
            gallery: false,
            png_sizes_up_front: false,
            progress: &no_progress,
            shard: None,
        }
    }
}

fn no_progress(_done: usize, _total: usize, _spec: &Path) {}

/// What rendering one spec of a batch gave.
#[derive(Debug)]
pub struct Built {
    pub spec: PathBuf,
    /// The unit of work's key in reports and shards: the spec's path, and for a page of an
    /// atlas `spec#output`.
    pub unit: String,
    /// The files staged, one per format.
    pub files: Vec<PathBuf>,
    pub dropped_labels: Vec<Dropped>,
    /// What layout shortened or left out to fit the page.
    pub warnings: Vec<String>,
    /// What each joined layer's join matched.
    pub joins: Vec<crate::sources::join::JoinReport>,
    /// Each stage's wall time, staging the files included (`--timings`).
    pub timings: Timings,
    /// Wall time of encoding the spec, in milliseconds (the report's).
    pub millis: f64,
    /// How the map is listed on the gallery page.
    pub gallery: GalleryEntry,
}

/// Renders `specs` and writes their files (and the gallery page, if `batch` asks) only when
/// every spec rendered: all or nothing. Results are in spec order.
///
/// ```
/// use mapfig::build::{build, Batch};
/// use mapfig::render::{Format, Options};
///
/// let dir = std::env::temp_dir().join(format!("mapfig-build-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// std::fs::write(
///     dir.join("square.geojson"),
///     r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},
///        "geometry":{"type":"Polygon","coordinates":[[[60,30],[61,30],[61,31],[60,30]]]}}]}"#,
/// )?;
/// let spec = dir.join("square.toml");
/// std::fs::write(&spec, "title = \"A square\"\n[[layer]]\nid = \"land\"\nsource = \"square.geojson\"\n")?;
///
/// let options = Options {
///     out_dir: dir.join("out"),
///     formats: vec![Format::Svg],
///     ..Options::default()
/// };
/// let built = build(&[spec], &Batch::new(options, Default::default()))?;
/// assert_eq!(built[0].files, [dir.join("out/square.svg")]);
/// assert_eq!(built[0].gallery.title, "A square");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn build(specs: &[PathBuf], batch: &Batch) -> Result<Vec<Built>> {
    let mut tx = Transaction::new();
    let built = stage_maps(specs, batch, &mut tx)?;
    tx.commit()?;
    Ok(built)
}

/// Like [`build`], but stages the files into `tx`, with anything else the command writes
/// (such as the report), instead of writing them. The first problem in spec order fails
/// the batch, whether a spec's own or two specs claiming one output file.
pub fn stage_maps(specs: &[PathBuf], batch: &Batch, tx: &mut Transaction) -> Result<Vec<Built>> {
    let plan = plan(specs, batch)?;
    stage_plan(plan, batch, tx)
}

/// The units of work of a batch, before any is rendered: each spec loaded and validated,
/// and each atlas expanded into its pages (reading the coverage layer's data once, through
/// the cache the renders then share).
pub struct Plan {
    paths: Vec<PathBuf>,
    pages: Vec<Spec>,
    units: Vec<String>,
    cache: DataCache,
}

impl Plan {
    /// Every unit's key, in order (see [`Built::unit`]).
    pub fn units(&self) -> &[String] {
        &self.units
    }
}

/// The [`Plan`] of rendering `specs`.
pub fn plan(specs: &[PathBuf], batch: &Batch) -> Result<Plan> {
    let loaded = load_specs(
        specs,
        &batch.options,
        &batch.limits,
        batch.png_sizes_up_front,
    )?;
    // One cache for the run: a file shared by specs (or the pages of an atlas) is parsed once.
    let cache = DataCache::new(batch.limits);
    let (paths, pages, units) = expand_atlases(specs, loaded, &cache)?;
    Ok(Plan {
        paths,
        pages,
        units,
        cache,
    })
}

/// Renders the plan's units (only the batch's shard's, if it has one) and stages their
/// files into `tx`, with the gallery page if the batch asks.
pub fn stage_plan(plan: Plan, batch: &Batch, tx: &mut Transaction) -> Result<Vec<Built>> {
    let Plan {
        paths,
        pages,
        units,
        cache,
    } = plan;
    let (paths, pages, units) = match batch.shard {
        Some(shard) => (
            shard.select(&paths),
            shard.select(&pages),
            shard.select(&units),
        ),
        None => (paths, pages, units),
    };
    let encoded = encode_in_parallel(&paths, pages, &batch.options, &cache, batch.progress);
    let mut claims = OutputClaims::default();
    let mut built = Vec::with_capacity(paths.len());
    for ((spec, timed), unit) in paths.iter().zip(encoded).zip(units) {
        let timed = timed?;
        claims.claim(spec, &timed.encoded)?;
        built.push(stage_built(spec, unit, timed, tx)?);
    }
    if batch.gallery && batch.options.formats.contains(&Format::Svg) {
        let entries: Vec<GalleryEntry> = built.iter().map(|b| b.gallery.clone()).collect();
        gallery::stage_gallery(tx, &batch.options.out_dir, &entries)?;
    }
    Ok(built)
}

/// Every spec is loaded and validated (and with `png_sizes_up_front`, its PNG size checked
/// against the scale and the pixel limit) before any data is read: a mistake in the third
/// spec does not surface after two maps were rendered. The specs, in order.
fn load_specs(
    specs: &[PathBuf],
    options: &Options,
    limits: &Limits,
    png_sizes_up_front: bool,
) -> Result<Vec<Spec>> {
    let check_png = png_sizes_up_front && options.formats.contains(&Format::Png);
    specs
        .iter()
        .map(|path| {
            let spec = spec::load(path)?;
            if check_png {
                check_png_size((spec.width, spec.height), options.scale, limits)
                    .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
            }
            Ok(spec)
        })
        .collect()
}

/// Each spec's pages (the spec itself, or one page per feature of an atlas), with the spec
/// file each came from and its unit key (see [`Built::unit`]), in order.
type Pages = (Vec<PathBuf>, Vec<Spec>, Vec<String>);

fn expand_atlases(specs: &[PathBuf], loaded: Vec<Spec>, cache: &DataCache) -> Result<Pages> {
    let (mut paths, mut pages, mut units) = (Vec::new(), Vec::new(), Vec::new());
    for (path, spec) in specs.iter().zip(loaded) {
        let atlas = spec.atlas.is_some();
        for page in atlas::pages(spec, cache)? {
            units.push(if atlas {
                format!("{}#{}", unit_key(path), page.output)
            } else {
                unit_key(path)
            });
            paths.push(path.clone());
            pages.push(page);
        }
    }
    Ok((paths, pages, units))
}

/// One spec encoded, with the wall time it took.
struct Timed {
    encoded: EncodedSpec,
    millis: f64,
}

/// Encodes the loaded specs in parallel; the results in spec order.
fn encode_in_parallel(
    specs: &[PathBuf],
    loaded: Vec<Spec>,
    options: &Options,
    cache: &DataCache,
    progress: &(dyn Fn(usize, usize, &Path) + Sync),
) -> Vec<Result<Timed>> {
    let done = std::sync::atomic::AtomicUsize::new(0);
    specs
        .par_iter()
        .zip(loaded)
        .map(|(path, spec)| {
            let start = std::time::Instant::now();
            let encoded = encode_loaded(path, spec, options, cache);
            let n = done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            progress(n, specs.len(), path);
            encoded.map(|encoded| Timed {
                encoded,
                millis: start.elapsed().as_secs_f64() * 1000.0,
            })
        })
        .collect()
}

/// Stages one encoded spec's files into `tx`, its inputs protected from being replaced.
fn stage_built(spec: &Path, unit: String, timed: Timed, tx: &mut Transaction) -> Result<Built> {
    let Timed { encoded, millis } = timed;
    let start = std::time::Instant::now();
    stage_encoded(tx, &encoded)?;
    let staging = start.elapsed();
    let gallery = GalleryEntry::of_encoded(spec, &encoded);
    let mut timings = encoded.timings;
    timings.stages.push(("stage files".into(), staging));
    Ok(Built {
        spec: spec.to_path_buf(),
        unit,
        files: encoded.files.into_iter().map(|(f, _)| f).collect(),
        dropped_labels: encoded.dropped_labels,
        warnings: encoded.warnings,
        joins: encoded.joins,
        timings,
        millis,
        gallery,
    })
}
