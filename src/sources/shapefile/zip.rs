//! A `.zip` holding Shapefiles: each `.shp` member with its `.shx`, `.dbf`, `.prj` and
//! `.cpg` (same name, any case). Members are decompressed into memory, all of them
//! together no more than the input limit, counting the bytes actually produced (never the
//! sizes the archive claims), so a zip bomb stops at the limit. Member names only find
//! siblings: nothing is ever written.

use super::Member;
use crate::error::{Error, Result};
use crate::limits::{human_bytes, Limits};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The bytes at the start of a ZIP archive (a local file header).
pub(super) const MAGIC: &[u8] = b"PK\x03\x04";

/// One Shapefile found in the archive: its name (the `.shp` member's, without the
/// extension) and its files.
pub(super) struct Found {
    pub name: String,
    pub shp: Member,
    pub shx: Option<Member>,
    pub dbf: Option<Member>,
    pub prj: Option<Member>,
    pub cpg: Option<Member>,
}

/// Every Shapefile in the archive, in archive order.
pub(super) fn shapefiles(bytes: &[u8], path: &Path, limits: &Limits) -> Result<Vec<Found>> {
    let bad = |e: ::zip::result::ZipError| {
        Error::data(path, "", format!("not a readable ZIP archive: {e}"))
    };
    let mut archive = ::zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(bad)?;
    let names: Vec<String> = (0..archive.len())
        .map(|i| match archive.name_for_index(i) {
            Some(Ok(n)) => n.into_owned(),
            _ => String::new(),
        })
        .collect();
    let stems: Vec<(usize, &str)> = names
        .iter()
        .enumerate()
        .filter(|(_, n)| !n.starts_with("__MACOSX/") && !n.ends_with('/'))
        .filter_map(|(i, n)| strip_extension(n, "shp").map(|s| (i, s)))
        .collect();
    if stems.is_empty() {
        return Err(Error::data(
            path,
            "",
            format!(
                "a ZIP archive without a Shapefile (no .shp member among its {} files): mapfig reads a zipped Shapefile, or unzip it and name the file inside",
                names.len()
            ),
        ));
    }
    let mut left = limits.max_input_bytes;
    let mut found = Vec::with_capacity(stems.len());
    for (shp_index, stem) in stems {
        let sibling = |ext: &str| {
            names
                .iter()
                .position(|n| strip_extension(n, ext) == Some(stem))
        };
        let mut take = |index: Option<usize>| -> Result<Option<Member>> {
            let Some(i) = index else { return Ok(None) };
            let member = read_member(&mut archive, i, &names[i], path, &mut left, limits)?;
            Ok(Some(member))
        };
        let shp = take(Some(shp_index))?.ok_or_else(|| Error::data(path, "", "no .shp"))?;
        found.push(Found {
            name: stem.to_string(),
            shp,
            shx: take(sibling("shx"))?,
            dbf: take(sibling("dbf"))?,
            prj: take(sibling("prj"))?,
            cpg: take(sibling("cpg"))?,
        });
    }
    Ok(found)
}

/// `name` without `.ext` (any case), when it ends so.
fn strip_extension<'a>(name: &'a str, ext: &str) -> Option<&'a str> {
    let dot = name.len().checked_sub(ext.len() + 1)?;
    let (stem, tail) = (name.get(..dot)?, name.get(dot..)?);
    (tail.starts_with('.') && tail[1..].eq_ignore_ascii_case(ext) && !stem.is_empty())
        .then_some(stem)
}

/// Decompresses member `i`, at most `left` bytes (then less by what it took).
fn read_member(
    archive: &mut ::zip::ZipArchive<std::io::Cursor<&[u8]>>,
    i: usize,
    name: &str,
    path: &Path,
    left: &mut u64,
    limits: &Limits,
) -> Result<Member> {
    let member_path = PathBuf::from(format!("{}!{name}", path.display()));
    let bad = |m: String| Error::data(&member_path, "", m);
    let mut file = archive
        .by_index(i)
        .map_err(|e| bad(format!("cannot read this ZIP member: {e}")))?;
    let mut bytes = Vec::new();
    (&mut file)
        .take(left.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| bad(format!("cannot decompress this ZIP member: {e}")))?;
    if bytes.len() as u64 > *left {
        return Err(bad(format!(
            "decompressed, the archive's Shapefile is larger than the limit of {} for one input; raise it with --max-input-bytes",
            human_bytes(limits.max_input_bytes)
        )));
    }
    *left -= bytes.len() as u64;
    Ok(Member {
        path: member_path,
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_match_in_any_case() {
        assert_eq!(strip_extension("a/roads.SHP", "shp"), Some("a/roads"));
        assert_eq!(strip_extension("roads.shp.xml", "shp"), None);
        assert_eq!(strip_extension(".shp", "shp"), None);
        assert_eq!(strip_extension("é.dbf", "shp"), None);
    }
}
