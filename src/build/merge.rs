//! `mapfig build --merge`: the `--report`s of every shard of one build become the report and
//! the gallery page an unsharded build of the project writes, in the same order and with
//! the same bytes (each map's entry is copied verbatim, never re-encoded). The reports must
//! be those of one project, one version and one shard count, every shard exactly once; the
//! maps they list must all be in the out folder the jobs' out folders were gathered into.

use super::gallery::{self, GalleryEntry};
use super::report::{Document, Project, VERSION};
use super::shard::{interleave, Shard};
use crate::emit::Transaction;
use crate::error::{Error, Result};
use crate::limits::{read_input, Limits};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What merging gave: the report's text (for `--report`) and where the gallery went.
#[derive(Debug)]
pub struct Merged {
    pub report: String,
    pub out_dir: PathBuf,
    pub maps: usize,
    /// Whether the gallery page was staged (the project's formats include SVG).
    pub gallery: bool,
}

/// A shard's report as read; every field but `maps` optional, so a report of an older
/// mapfig or of a whole build is named as such rather than failing on a missing field.
#[derive(Deserialize)]
struct ShardReport {
    mapfig: Option<String>,
    project: Option<Project>,
    shard_index: Option<usize>,
    shard_count: Option<usize>,
    units: Option<Vec<String>>,
    maps: Vec<Box<RawValue>>,
}

/// What the gallery and the checks read of a map entry.
#[derive(Deserialize)]
struct MapEntry {
    spec: String,
    output: String,
    title: String,
    description: String,
    width: f64,
    height: f64,
    outputs: Vec<String>,
}

/// One shard's report, checked on its own.
struct Part {
    file: PathBuf,
    version: String,
    project: Project,
    shard: Shard,
    units: Vec<String>,
    maps: Vec<Box<RawValue>>,
    entries: Vec<MapEntry>,
}

/// Merges the shard `reports` (the files `build --report` wrote in each job) and stages the
/// gallery page into `out_dir` (default: the out folder the reports name) through `tx`,
/// which also guards the reports against being overwritten. Mismatched sets of reports are
/// usage errors naming the files; unreadable reports and missing maps are data errors.
pub fn merge(
    reports: &[PathBuf],
    out_dir: Option<&Path>,
    limits: &Limits,
    tx: &mut Transaction,
) -> Result<Merged> {
    for r in reports {
        tx.protect(r);
    }
    let parts = reports
        .iter()
        .map(|r| read_part(r, limits))
        .collect::<Result<Vec<Part>>>()?;
    let first = parts
        .first()
        .ok_or_else(|| Error::Usage("--merge needs the shard reports to merge".into()))?;
    for p in &parts[1..] {
        agree(first, p)?;
    }
    let count = first.shard.count();
    let mut by_index: BTreeMap<usize, Part> = BTreeMap::new();
    for p in parts {
        if let Some(other) = by_index.get(&p.shard.index()) {
            return Err(Error::Usage(format!(
                "{} and {} are both shard {} (index {}); give each shard's report once",
                other.file.display(),
                p.file.display(),
                p.shard.label(),
                p.shard.index()
            )));
        }
        by_index.insert(p.shard.index(), p);
    }
    if by_index.len() < count {
        // The first few, however large a count a report claims.
        let missing: Vec<String> = (0..count)
            .filter(|i| !by_index.contains_key(i))
            .take(10)
            .map(|i| format!("{i} (--shard {}/{count})", i + 1))
            .collect();
        let more = match count - by_index.len() - missing.len() {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        return Err(Error::Usage(format!(
            "no report is given for shard index {}{more} of {count}: every shard's report is needed (indexes count from 0, as JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX and MAPFIG_SHARD_INDEX do; --shard counts from 1)",
            missing.join(", ")
        )));
    }
    let parts: Vec<Part> = by_index.into_values().collect();
    check_units(&parts)?;
    let project = parts[0].project.clone();
    let version = parts[0].version.clone();
    let out_dir = out_dir.map_or_else(|| PathBuf::from(&project.out), Path::to_path_buf);
    check_outputs(&parts, &out_dir)?;
    let (units, maps) = in_unit_order(parts);
    let gallery = project.formats.iter().any(|f| f == "svg");
    if gallery {
        let entries: Vec<GalleryEntry> = maps.iter().map(|(_, e)| gallery_entry(e)).collect();
        gallery::stage_gallery(tx, &out_dir, &entries)?;
    }
    let raw: Vec<Box<RawValue>> = maps.into_iter().map(|(raw, _)| raw).collect();
    let report = Document {
        mapfig: &version,
        project: &project,
        shard: None,
        shard_index: None,
        shard_count: None,
        units: &units,
        maps: &raw,
    }
    .to_text();
    Ok(Merged {
        report,
        out_dir,
        maps: raw.len(),
        gallery,
    })
}

/// Reads one report and checks it is a shard's report of this mapfig's schema.
fn read_part(file: &Path, limits: &Limits) -> Result<Part> {
    let bytes = read_input(file, limits)?;
    let report: ShardReport = serde_json::from_slice(&bytes).map_err(|e| {
        Error::data(
            file,
            format!("{}:{}", e.line(), e.column()),
            format!("not a mapfig build report: {e}"),
        )
    })?;
    let not = |why: &str| Error::Usage(format!("{}: {why}", file.display()));
    let (Some(version), Some(project), Some(units)) = (report.mapfig, report.project, report.units)
    else {
        return Err(not(
            "not a report --merge can read (no mapfig version, project or units: written by an older mapfig?); rebuild the shards with this one",
        ));
    };
    let shard = match (report.shard_index, report.shard_count) {
        (None, None) => {
            return Err(not(
                "is the report of a whole build, not of a shard; merge the reports of `build --shard I/N` or `--shard-count N` jobs",
            ))
        }
        (Some(i), Some(n)) => Shard::new(i, n),
        _ => None,
    }
    .ok_or_else(|| not("has a shard_index that is not below its shard_count"))?;
    if units.len() != report.maps.len() {
        return Err(not(&format!(
            "lists {} units but {} maps; each unit renders one map",
            units.len(),
            report.maps.len()
        )));
    }
    let entries = report
        .maps
        .iter()
        .enumerate()
        .map(|(k, raw)| {
            serde_json::from_str::<MapEntry>(raw.get()).map_err(|e| {
                Error::data(
                    file,
                    format!("maps[{k}]"),
                    format!("not a map entry of mapfig {VERSION}'s report: {e}"),
                )
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Part {
        file: file.to_path_buf(),
        version,
        project,
        shard,
        units,
        maps: report.maps,
        entries,
    })
}

/// Two reports belong to one build: one mapfig version, one project, one shard count.
fn agree(a: &Part, b: &Part) -> Result<()> {
    let (fa, fb) = (a.file.display(), b.file.display());
    if a.version != b.version {
        return Err(Error::Usage(format!(
            "{fa} was written by mapfig {} and {fb} by mapfig {}; merge the shards of one build, every job with one mapfig version",
            a.version, b.version
        )));
    }
    if a.project != b.project {
        return Err(Error::Usage(format!(
            "{fa} and {fb} come from different projects (project id {} with manifest {}, and {} with manifest {}: different manifests, specs or spec lists); merge the shards of one build",
            a.project.id,
            a.project.manifest.as_deref().unwrap_or("none"),
            b.project.id,
            b.project.manifest.as_deref().unwrap_or("none"),
        )));
    }
    if a.shard.count() != b.shard.count() {
        return Err(Error::Usage(format!(
            "{fa} is a shard of {} and {fb} a shard of {}; merge the shards of one build, every job with the same shard count",
            a.shard.count(),
            b.shard.count()
        )));
    }
    Ok(())
}

/// No unit in two reports, each report with its shard's share of the project's units.
fn check_units(parts: &[Part]) -> Result<()> {
    let mut seen: BTreeMap<&str, &Path> = BTreeMap::new();
    for p in parts {
        for u in &p.units {
            if let Some(other) = seen.insert(u, &p.file) {
                return Err(Error::Usage(format!(
                    "the unit {u} is in both {} and {}: the reports overlap; merge the shards of one build",
                    other.display(),
                    p.file.display()
                )));
            }
        }
    }
    let total = parts[0].project.unit_count;
    for p in parts {
        let expected = p.shard.len_of(total);
        if p.units.len() != expected {
            return Err(Error::Usage(format!(
                "{} lists {} units, but shard {} of a project of {total} units has {expected}",
                p.file.display(),
                p.units.len(),
                p.shard.label()
            )));
        }
    }
    Ok(())
}

/// Every file the reports list is in `out_dir`, and no two maps list one file.
fn check_outputs(parts: &[Part], out_dir: &Path) -> Result<()> {
    let mut claimed: BTreeMap<String, (&str, &Path)> = BTreeMap::new();
    let mut missing = Vec::new();
    for p in parts {
        for e in &p.entries {
            for o in &e.outputs {
                let name = file_name(o);
                if let Some((spec, file)) = claimed.insert(name.clone(), (&e.spec, &p.file)) {
                    return Err(Error::Usage(format!(
                        "{spec} (in {}) and {} (in {}) both write {name}; give one of them another `output`",
                        file.display(),
                        e.spec,
                        p.file.display()
                    )));
                }
                let at = out_dir.join(&name);
                if !std::fs::symlink_metadata(&at).is_ok_and(|m| m.is_file()) {
                    missing.push((at, &p.file, p.shard));
                }
            }
        }
    }
    let Some((at, file, shard)) = missing.first() else {
        return Ok(());
    };
    let more = match missing.len() {
        1 => String::new(),
        n => format!(" (and {} more files)", n - 1),
    };
    Err(Error::render(
        at,
        format!(
            "missing{more}, though {} (shard {}) lists it: gather every shard job's out folder into {} before merging (download all the jobs' artifacts into it, or let the jobs share one volume)",
            file.display(),
            shard.label(),
            out_dir.display()
        ),
    ))
}

/// The units and maps of all parts, in the order of the whole project.
fn in_unit_order(parts: Vec<Part>) -> (Vec<String>, Vec<(Box<RawValue>, MapEntry)>) {
    let (units, maps): (Vec<Vec<String>>, Vec<Vec<_>>) = parts
        .into_iter()
        .map(|p| (p.units, p.maps.into_iter().zip(p.entries).collect()))
        .unzip();
    // check_units made each part as long as its shard's share: interleaving cannot fail.
    (
        interleave(units).unwrap_or_default(),
        interleave(maps).unwrap_or_default(),
    )
}

fn gallery_entry(e: &MapEntry) -> GalleryEntry {
    GalleryEntry {
        spec: file_name(&e.spec),
        output: e.output.clone(),
        title: e.title.clone(),
        description: e.description.clone(),
        width: e.width,
        height: e.height,
    }
}

fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}
