//! The Shapefile reader: a `.shp` (shapes) with its `.shx` (record index), `.dbf`
//! (attributes, in the encoding its `.cpg` or header names), and `.prj` (CRS), or a `.zip`
//! holding them. Every shape type but MultiPatch is read (Z and M values are dropped);
//! null shapes are features without geometry; polygon rings are grouped into polygons by
//! winding and containment. Records are located first (from the `.shx`, else by walking
//! the `.shp`), every offset and length checked against the bytes present, and then parsed
//! in parallel. Feature ids are the 0-based record numbers; records the `.dbf` marks
//! deleted are left out.

mod dbf;
mod encoding;
mod rings;
mod shp;
mod zip;

use super::dataset::{Dataset, Feature, Object};
use super::reader::{Budget, Input, Reader};
use super::validate::Validator;
use crate::error::{Error, Result};
use crate::limits::Limits;
use encoding::TextEncoding;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// The Shapefile format.
pub struct Shapefile;

impl Reader for Shapefile {
    fn name(&self) -> &'static str {
        "Shapefile"
    }

    /// A `.shp` (or `.shx`): file code 9994 and version 1000; or a ZIP archive, which is
    /// read for the Shapefile inside (its head cannot tell whether there is one); or a
    /// `.dbf` alone, by its name and a dBASE III/IV version byte (dBASE has no signature).
    fn sniff(&self, head: &[u8], path: &Path) -> bool {
        shp::is_shp(head) || head.starts_with(zip::MAGIC) || is_dbf(head, path)
    }

    fn read(&self, input: &Input, budget: &Budget) -> Result<Dataset> {
        if input.bytes.starts_with(zip::MAGIC) {
            return read_zip(input, budget);
        }
        if !shp::is_shp(input.bytes) && is_dbf(input.bytes, input.path) {
            return read_table(input);
        }
        let crs = input.options.crs.as_deref();
        let given_shx = has_extension(input.path, "shx");
        let shp = match given_shx {
            true => Some(sibling(input, "shp")?.ok_or_else(|| {
                Error::data(
                    input.path,
                    "",
                    format!(
                        "this is a Shapefile index (.shx); its shapes, {}, are missing",
                        input.path.with_extension("shp").display()
                    ),
                )
            })?),
            false => None,
        };
        let shx = match given_shx {
            true => None,
            false => sibling(input, "shx")?,
        };
        let (shp_path, shp_bytes) = match &shp {
            Some(m) => (m.path.as_path(), m.bytes.as_slice()),
            None => (input.path, input.bytes),
        };
        let (shx_path, shx_bytes) = match &shx {
            Some(m) => (m.path.as_path(), Some(m.bytes.as_slice())),
            None if given_shx => (input.path, Some(input.bytes)),
            None => (input.path, None),
        };
        let dbf = sibling(input, "dbf")?;
        let prj = sibling(input, "prj")?;
        let cpg = sibling(input, "cpg")?;
        let files = Files {
            shp: (shp_path, shp_bytes),
            shx: shx_bytes.map(|b| (shx_path, b)),
            dbf: dbf.as_ref().map(Member::borrow),
            missing_dbf: input.path.with_extension("dbf"),
            prj: prj.as_ref().map(|m| m.bytes.as_slice()),
            cpg: cpg.as_ref().map(Member::borrow),
        };
        let (features, crs) = read_files(&files, crs, budget)?;
        let mut data = Dataset::new(input.path, "Shapefile", features);
        data.crs = crs;
        Ok(data)
    }
}

/// Reads a Shapefile from its files' bytes: the `.shp`, the `.shx` if any, the `.dbf`;
/// no `.prj` (coordinates in longitude/latitude), no `.cpg`. For tests and fuzzing: no
/// file is touched.
pub fn parse_shapefile(shp: &[u8], shx: Option<&[u8]>, dbf: &[u8]) -> Result<Dataset> {
    let path = Path::new("data.shp");
    let files = Files {
        shp: (path, shp),
        shx: shx.map(|b| (Path::new("data.shx"), b)),
        dbf: Some((Path::new("data.dbf"), dbf)),
        missing_dbf: PathBuf::from("data.dbf"),
        prj: None,
        cpg: None,
    };
    let limits = Limits::default();
    let budget = Budget {
        limit: limits.max_vertices,
        held: 0,
    };
    let (features, _) = read_files(&files, None, &budget)?;
    Ok(Dataset::new(path, "Shapefile", features))
}

/// One file of a Shapefile: its path (for errors) and bytes.
pub(super) struct Member {
    path: PathBuf,
    bytes: Vec<u8>,
}

impl Member {
    fn borrow(&self) -> (&Path, &[u8]) {
        (&self.path, &self.bytes)
    }
}

/// The files of one Shapefile, each with the path errors name it by.
struct Files<'a> {
    shp: (&'a Path, &'a [u8]),
    shx: Option<(&'a Path, &'a [u8])>,
    dbf: Option<(&'a Path, &'a [u8])>,
    /// Where the `.dbf` was looked for, when it is missing.
    missing_dbf: PathBuf,
    prj: Option<&'a [u8]>,
    cpg: Option<(&'a Path, &'a [u8])>,
}

/// The sibling file with `extension`, in lower case or else upper case (old DOS files).
fn sibling(input: &Input, extension: &str) -> Result<Option<Member>> {
    for ext in [extension.to_string(), extension.to_ascii_uppercase()] {
        if let Some((path, bytes)) = input.sibling(&ext)? {
            return Ok(Some(Member { path, bytes }));
        }
    }
    Ok(None)
}

/// A `.dbf` file by name whose first byte is a dBASE III or IV version (with or without
/// memo), never a text file (`{`, a letter).
fn is_dbf(head: &[u8], path: &Path) -> bool {
    has_extension(path, "dbf")
        && matches!(
            head.first(),
            Some(0x03 | 0x04 | 0x83 | 0x8B | 0x30 | 0x31 | 0xF5)
        )
}

/// A `.dbf` read alone: a table of attributes, features without geometry (for joins,
/// badges and callouts).
fn read_table(input: &Input) -> Result<Dataset> {
    let encoding = match sibling(input, "cpg")? {
        Some(m) => Some(TextEncoding::from_cpg(&m.bytes).map_err(|e| Error::data(&m.path, "", e))?),
        None => None,
    };
    let table = dbf::Table::open(input.bytes, input.path, encoding)?;
    // A feature takes about 160 bytes however narrow its record: keep a table of tiny
    // records within the memory bound (16 × the input, with 64 MiB to spare).
    let memory = table.count as u64 * 160;
    if memory > 16 * input.bytes.len() as u64 + (64 << 20) {
        return Err(Error::data(
            input.path,
            "header",
            format!(
                "{} records in {} bytes would take {} MiB as features, over 16 times the file's size: a corrupt header, or a table too narrow to read alone",
                table.count,
                input.bytes.len(),
                memory >> 20
            ),
        ));
    }
    let mut features = Vec::new();
    for i in (0..table.count).filter(|&i| !table.deleted(i)) {
        table
            .check(i)
            .map_err(|m| Error::data(input.path, format!("record {i}"), m))?;
        features.push(Feature {
            id: i.to_string(),
            properties: table.row(i),
            geometry: None,
        });
    }
    Ok(Dataset::new(input.path, "dBASE table", features))
}

fn has_extension(path: &Path, ext: &str) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// A zipped Shapefile; several are collections of one dataset, named after their `.shp`.
fn read_zip(input: &Input, budget: &Budget) -> Result<Dataset> {
    let found = zip::shapefiles(input.bytes, input.path, input.limits)?;
    let mut features = Vec::new();
    let mut objects = Vec::new();
    let mut crs_seen: Vec<Option<String>> = Vec::new();
    for f in &found {
        let files = Files {
            shp: f.shp.borrow(),
            shx: f.shx.as_ref().map(Member::borrow),
            dbf: f.dbf.as_ref().map(Member::borrow),
            missing_dbf: PathBuf::from(format!("{}!{}.dbf", input.path.display(), f.name)),
            prj: f.prj.as_ref().map(|m| m.bytes.as_slice()),
            cpg: f.cpg.as_ref().map(Member::borrow),
        };
        let held = Budget {
            limit: budget.limit,
            held: budget.held.saturating_add(vertices(&features)),
        };
        let (read, crs) = read_files(&files, input.options.crs.as_deref(), &held)?;
        let from = features.len();
        features.extend(read);
        objects.push(Object {
            name: f.name.clone(),
            features: from..features.len(),
        });
        crs_seen.push(crs);
    }
    crs_seen.dedup();
    let crs = match crs_seen.as_slice() {
        [one] => one.clone(),
        _ => {
            return Err(Error::data(
                input.path,
                "",
                "the archive's Shapefiles declare different CRSs (.prj files); mapfig reads one CRS per file: unzip them and use each as its own layer",
            ))
        }
    };
    let mut data = Dataset::new(input.path, "Shapefile", features);
    data.crs = crs;
    if objects.len() > 1 {
        data.objects = objects;
    }
    Ok(data)
}

fn vertices(features: &[Feature]) -> u64 {
    use geo::CoordsIter;
    features
        .iter()
        .filter_map(|f| f.geometry.as_ref())
        .map(|g| g.coords_count() as u64)
        .sum()
}

/// The features of one Shapefile, and the CRS its coordinates are in (`None`: longitude,
/// latitude). The layer's `crs` overrides the `.prj`.
fn read_files(
    files: &Files,
    layer_crs: Option<&str>,
    budget: &Budget,
) -> Result<(Vec<Feature>, Option<String>)> {
    let crs = match layer_crs {
        Some(c) => Some(c.to_string()),
        None => files.prj.and_then(declared_crs),
    };
    let (shp_path, shp) = files.shp;
    let shp_end = shp::check_header(shp, shp_path)?;
    let records = match files.shx {
        Some((shx_path, shx)) => shp::records_from_index(shp, shp_end, shx, shx_path, shp_path)?,
        None => shp::records_by_walking(shp, shp_end, shp_path)?,
    };
    let Some((dbf_path, dbf)) = files.dbf else {
        return Err(Error::data(
            shp_path,
            "",
            format!(
                "its attribute table {} is missing: a Shapefile is a .shp with a .dbf (and a .shx) of the same name next to it",
                files.missing_dbf.display()
            ),
        ));
    };
    let encoding = match files.cpg {
        Some((cpg_path, text)) => {
            Some(TextEncoding::from_cpg(text).map_err(|m| Error::data(cpg_path, "", m))?)
        }
        None => None,
    };
    let table = dbf::Table::open(dbf, dbf_path, encoding)?;
    if table.count != records.len() {
        return Err(Error::data(
            dbf_path,
            "",
            format!(
                "it holds {} records, but {} holds {} shapes: the files do not belong together, or one is truncated",
                table.count,
                shp_path.display(),
                records.len()
            ),
        ));
    }
    check_budget(shp, &records, shp_path, budget)?;
    let planar = crs.is_some();
    let results: Vec<Result<Option<Feature>>> = records
        .par_iter()
        .enumerate()
        .map(|(i, r)| {
            if table.deleted(i) {
                return Ok(None);
            }
            let place = format!("feature {i}");
            let v = Validator {
                path: shp_path,
                place: &place,
                planar,
            };
            let content = shp.get(r.start..r.start + r.len).unwrap_or(&[]);
            let geometry = shp::shape(content, &v).map_err(|e| without_prj(e, files.prj))?;
            table
                .check(i)
                .map_err(|m| Error::data(dbf_path, format!("record {i}"), m))?;
            let properties = table.row(i);
            Ok(Some(Feature {
                id: i.to_string(),
                properties,
                geometry,
            }))
        })
        .collect();
    let mut features = Vec::with_capacity(results.len());
    for r in results {
        features.extend(r?);
    }
    Ok((features, crs))
}

/// A position out of longitude/latitude range in a Shapefile without a `.prj`: most likely
/// projected coordinates, so the error says how to name their CRS.
fn without_prj(e: Error, prj: Option<&[u8]>) -> Error {
    match e {
        Error::Data {
            file,
            place,
            message,
        } if prj.is_none() && message.contains("not a longitude, latitude pair") => Error::Data {
            file,
            place,
            message: format!(
                "{message}; the Shapefile has no .prj, so if its coordinates are projected, name their CRS with the layer's crs = \"EPSG:…\" (or add the .prj)"
            ),
        },
        e => e,
    }
}

/// Fails at the first record that takes the file past the vertex budget, from the counts
/// the records declare, before any of them is parsed.
fn check_budget(shp: &[u8], records: &[shp::Record], path: &Path, budget: &Budget) -> Result<()> {
    let left = budget.left();
    let mut total = 0u64;
    for (i, r) in records.iter().enumerate() {
        let content = shp.get(r.start..r.start + r.len).unwrap_or(&[]);
        total = total.saturating_add(shp::declared_vertices(content));
        if total > left {
            return Err(budget.exceeded(path, i));
        }
    }
    Ok(())
}

/// The CRS a `.prj` declares, `None` for plain WGS 84 longitude/latitude (what features
/// are held in) or an empty file.
fn declared_crs(prj: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(prj).trim().to_string();
    let upper = text.to_ascii_uppercase();
    let geographic = upper.starts_with("GEOGCS[") || upper.starts_with("GEOGCRS[");
    let wgs84 = ["WGS_1984", "WGS 84", "WGS84"]
        .iter()
        .any(|n| upper.contains(n));
    if text.is_empty() || (geographic && wgs84 && !upper.contains("PROJCS")) {
        return None;
    }
    Some(text)
}

#[cfg(test)]
mod tests;
