//! `check`: renders every spec afresh and compares the result with the committed files, so
//! a pull request shows how its maps moved: SVG element by element, PNG by its embedded
//! outline and by pixels with a tolerance, summed up in an HTML report with diff images.

use super::{encode_in_parallel, expand_atlases, load_specs};
use crate::emit::markup::escape;
use crate::emit::Transaction;
use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::render::Options;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// How one committed file compares with a fresh render.
#[derive(Debug, Clone, PartialEq)]
pub enum FileStatus {
    Same,
    Missing,
    Changed(Vec<String>),
}

#[derive(Debug)]
pub struct Checked {
    pub spec: PathBuf,
    pub file: PathBuf,
    pub status: FileStatus,
    /// For PNGs that changed: the diff image written into the report folder.
    pub diff_image: Option<PathBuf>,
}

/// PNG pixels whose channels differ by more than this (of 255) count as changed; below it
/// is rasterizer noise no reader can see.
pub const PIXEL_TOLERANCE: u8 = 24;
/// A PNG changes when more than this share of its pixels change.
pub const CHANGED_SHARE: f64 = 0.0005;

/// Re-renders every spec and compares with the files on disk: SVG by structure (elements,
/// attributes, text); PNG by its outline (texts and structure, exactly: see
/// [`crate::emit::outline`]) and by pixels with a tolerance. Committed files are read
/// bounded by `limits` and only if regular; a PNG's size is checked against the pixel limit
/// before it is decoded. Writes diff images and `index.html` into `report_dir`, all or
/// nothing.
pub fn check(
    specs: &[PathBuf],
    options: &Options,
    limits: &Limits,
    report_dir: &Path,
) -> Result<Vec<Checked>> {
    let loaded = load_specs(specs, options, limits, false)?;
    let cache = crate::sources::DataCache::new(*limits);
    let (specs, pages, _) = expand_atlases(specs, loaded, &cache)?;
    let specs = &specs[..];
    let encoded = encode_in_parallel(specs, pages, options, &cache, &|_, _, _| {});
    let mut tx = Transaction::new();
    tx.allow_folder(report_dir);
    let mut checked = Vec::new();
    for (spec, e) in specs.iter().zip(encoded) {
        let e = e?.encoded;
        for input in &e.inputs {
            tx.protect(input);
        }
        for (file, fresh) in &e.files {
            tx.protect(file);
            let old = match std::fs::metadata(file) {
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
                _ => Some(crate::limits::read_committed(file, limits)?),
            };
            let (status, diff_image) = match old {
                None => (FileStatus::Missing, None),
                Some(old) if &old == fresh => (FileStatus::Same, None),
                Some(old) => match file.extension().and_then(|x| x.to_str()) {
                    Some("svg") => (svg_changes(&old, fresh), None),
                    Some("png") => {
                        let (status, diff) = png_changes(&old, fresh, file, limits)?;
                        match diff {
                            Some(diff) => {
                                let path =
                                    stage_png_diff(&diff, &old, fresh, file, report_dir, &mut tx)?;
                                (status, Some(path))
                            }
                            None => (status, None),
                        }
                    }
                    _ => (FileStatus::Changed(vec!["bytes differ".into()]), None),
                },
            };
            checked.push(Checked {
                spec: spec.clone(),
                file: file.clone(),
                status,
                diff_image,
            });
        }
    }
    tx.stage(
        &report_dir.join("index.html"),
        check_html(&checked, report_dir).as_bytes(),
    )?;
    tx.commit()?;
    Ok(checked)
}

/// Differences between two SVG documents element by element (in document order, by id
/// where elements have one).
pub fn svg_changes(old: &[u8], new: &[u8]) -> FileStatus {
    let (Ok(a), Ok(b)) = (std::str::from_utf8(old), std::str::from_utf8(new)) else {
        return FileStatus::Changed(vec!["not UTF-8".into()]);
    };
    let (Ok(da), Ok(db)) = (roxmltree::Document::parse(a), roxmltree::Document::parse(b)) else {
        return FileStatus::Changed(vec!["the committed SVG does not parse".into()]);
    };
    let describe = |n: &roxmltree::Node| match n.attribute("id") {
        Some(id) => format!("<{} id={id:?}>", n.tag_name().name()),
        None => format!(
            "<{}> under {}",
            n.tag_name().name(),
            n.ancestors()
                .find_map(|a| a.attribute("id"))
                .unwrap_or("the root")
        ),
    };
    let ea: Vec<_> = da.descendants().filter(|n| n.is_element()).collect();
    let eb: Vec<_> = db.descendants().filter(|n| n.is_element()).collect();
    let mut changes = Vec::new();
    if ea.len() != eb.len() {
        changes.push(format!("{} elements before, {} now", ea.len(), eb.len()));
    }
    for (x, y) in ea.iter().zip(&eb) {
        if x.tag_name() != y.tag_name() {
            changes.push(format!("{} became {}", describe(x), describe(y)));
            continue;
        }
        let mut names: Vec<&str> = x
            .attributes()
            .map(|a| a.name())
            .chain(y.attributes().map(|a| a.name()))
            .collect();
        names.sort();
        names.dedup();
        for name in names {
            let (va, vb) = (x.attribute(name), y.attribute(name));
            if va != vb {
                let short = |v: Option<&str>| match v {
                    None => "(none)".to_string(),
                    Some(v) if v.len() > 40 => format!(
                        "{}… ({} chars)",
                        &v[..v.char_indices().nth(40).map_or(v.len(), |(i, _)| i)],
                        v.len()
                    ),
                    Some(v) => format!("{v:?}"),
                };
                changes.push(format!(
                    "{} {name}: {} → {}",
                    describe(x),
                    short(va),
                    short(vb)
                ));
            }
        }
        let text = |n: &roxmltree::Node| {
            n.children()
                .filter(|c| c.is_text())
                .filter_map(|c| c.text())
                .collect::<String>()
        };
        if text(x) != text(y) {
            changes.push(format!(
                "{} text: {:?} → {:?}",
                describe(x),
                text(x),
                text(y)
            ));
        }
    }
    if changes.is_empty() {
        changes.push("formatting differs (same elements, attributes and text)".into());
    }
    FileStatus::Changed(changes)
}

fn decode(bytes: &[u8]) -> Option<resvg::tiny_skia::Pixmap> {
    resvg::tiny_skia::Pixmap::decode_png(bytes).ok()
}

/// A PNG compared with its fresh render: the outline exactly (a changed text or structure
/// is always a change), the pixels with a tolerance. The committed PNG's size is read from
/// its header and checked before any pixel is decoded. When they differ, also returns a
/// diff image (changed pixels red over a faded copy of the new render). Reads nothing but
/// its arguments and writes nothing: `check` stages the images, the fuzz target calls it
/// directly.
pub fn png_changes(
    old: &[u8],
    new: &[u8],
    file: &Path,
    limits: &Limits,
) -> Result<(FileStatus, Option<resvg::tiny_skia::Pixmap>)> {
    use crate::emit::outline;
    let undecodable = |m: String| {
        Ok((
            FileStatus::Changed(vec![format!("the committed PNG does not decode: {m}")]),
            None,
        ))
    };
    let old_header = match outline::read_header(old) {
        Ok(h) => h,
        Err(m) => return undecodable(m),
    };
    let new_header = outline::read_header(new).map_err(|m| Error::render(file, m))?;
    let (w, h) = (old_header.width, old_header.height);
    if (w, h) != (new_header.width, new_header.height) {
        return Ok((
            FileStatus::Changed(vec![format!(
                "size {w}×{h} → {}×{}",
                new_header.width, new_header.height
            )]),
            None,
        ));
    }
    crate::limits::check_pixels(f64::from(w), f64::from(h), limits, file)?;
    let mut changes: Vec<String> = match (&old_header.outline, &new_header.outline) {
        (Some(a), Some(b)) => outline::differences(a, b)
            .into_iter()
            .map(|d| format!("text or structure: {d}"))
            .collect(),
        (None, Some(_)) => vec!["the committed PNG carries no mapfig outline (made by an older mapfig or another tool), so its texts cannot be compared: re-render and commit it".into()],
        _ => Vec::new(),
    };
    let (Some(a), Some(b)) = (decode(old), decode(new)) else {
        return undecodable("its pixels do not decode".into());
    };
    let mut diff = b.clone();
    let mut changed = 0usize;
    for ((pa, pb), px) in a.pixels().iter().zip(b.pixels()).zip(diff.pixels_mut()) {
        let d = [
            pa.red().abs_diff(pb.red()),
            pa.green().abs_diff(pb.green()),
            pa.blue().abs_diff(pb.blue()),
            pa.alpha().abs_diff(pb.alpha()),
        ];
        if d.iter().any(|&v| v > PIXEL_TOLERANCE) {
            changed += 1;
            *px =
                resvg::tiny_skia::PremultipliedColorU8::from_rgba(230, 20, 20, 255).unwrap_or(*px);
        } else {
            let grey =
                ((u16::from(pb.red()) + u16::from(pb.green()) + u16::from(pb.blue())) / 3) as u8;
            let faded = 255 - (255 - grey) / 4;
            *px = resvg::tiny_skia::PremultipliedColorU8::from_rgba(faded, faded, faded, 255)
                .unwrap_or(*px);
        }
    }
    let share = changed as f64 / (f64::from(a.width()) * f64::from(a.height())).max(1.0);
    if share > CHANGED_SHARE {
        changes.push(format!(
            "{changed} pixels ({:.2}%) differ by more than {PIXEL_TOLERANCE}/255",
            share * 100.0
        ));
    }
    if changes.is_empty() {
        return Ok((FileStatus::Same, None));
    }
    Ok((FileStatus::Changed(changes), Some(diff)))
}

/// Stages the diff, new and old images of a changed PNG in the report folder; returns the
/// diff image's path.
fn stage_png_diff(
    diff: &resvg::tiny_skia::Pixmap,
    old: &[u8],
    new: &[u8],
    file: &Path,
    report_dir: &Path,
    tx: &mut Transaction,
) -> Result<PathBuf> {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let diff_path = report_dir.join(format!("{stem}.diff.png"));
    let png = diff
        .encode_png()
        .map_err(|e| Error::render(file, format!("diff image: {e}")))?;
    tx.stage(&diff_path, &png)?;
    tx.stage(&report_dir.join(format!("{stem}.new.png")), new)?;
    tx.stage(&report_dir.join(format!("{stem}.old.png")), old)?;
    Ok(diff_path)
}

fn check_html(checked: &[Checked], report_dir: &Path) -> String {
    let changed = checked
        .iter()
        .filter(|c| c.status != FileStatus::Same)
        .count();
    let mut h = String::from("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>mapfig check</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:70em}li{margin:.2em 0}.same{color:#2a7}.changed{color:#c22}img{max-width:32%;border:1px solid #ccc;margin-right:1%}</style></head><body>\n");
    let _ = writeln!(
        h,
        "<h1>mapfig check: {} of {} files changed</h1>",
        changed,
        checked.len()
    );
    for c in checked {
        let name = c.file.display().to_string();
        match &c.status {
            FileStatus::Same => {
                let _ = writeln!(h, "<h2 class=\"same\">{} unchanged</h2>", escape(&name));
            }
            FileStatus::Missing => {
                let _ = writeln!(h, "<h2 class=\"changed\">{} is missing</h2>", escape(&name));
            }
            FileStatus::Changed(list) => {
                let _ = writeln!(
                    h,
                    "<h2 class=\"changed\">{} changed (spec {})</h2>\n<ul>",
                    escape(&name),
                    escape(&c.spec.display().to_string())
                );
                for item in list.iter().take(200) {
                    let _ = writeln!(h, "<li>{}</li>", escape(item));
                }
                if list.len() > 200 {
                    let _ = writeln!(h, "<li>… and {} more</li>", list.len() - 200);
                }
                h.push_str("</ul>\n");
                if let Some(diff) = &c.diff_image {
                    let rel = |p: &Path| {
                        p.strip_prefix(report_dir)
                            .unwrap_or(p)
                            .display()
                            .to_string()
                    };
                    let stem = diff
                        .file_name()
                        .map(|n| n.to_string_lossy().replace(".diff.png", ""))
                        .unwrap_or_default();
                    let _ = writeln!(
                        h,
                        "<p><img src=\"{s}.old.png\" alt=\"before\"><img src=\"{s}.new.png\" alt=\"after\"><img src=\"{d}\" alt=\"changed pixels in red\"></p>",
                        s = escape(&stem),
                        d = escape(&rel(diff))
                    );
                }
            }
        }
    }
    h.push_str("</body></html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_changes_name_the_element_and_attribute() {
        let a = br##"<svg><g id="layer-x" fill="#111111"><path id="x-1" d="M0,0"/></g></svg>"##;
        let b = br##"<svg><g id="layer-x" fill="#222222"><path id="x-1" d="M0,0"/></g></svg>"##;
        match svg_changes(a, b) {
            FileStatus::Changed(c) => assert_eq!(
                c,
                vec!["<g id=\"layer-x\"> fill: \"#111111\" → \"#222222\"".to_string()]
            ),
            other => panic!("{other:?}"),
        }
    }
}
