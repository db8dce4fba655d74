//! Projects: a `mapfig.toml` manifest listing specs and defaults; `build` renders them all
//! (in parallel, optionally one shard of a CI matrix) and `check` compares fresh renders
//! with the committed files, so a pull request shows exactly how its maps moved.

use crate::data::DataCache;
use crate::emit::Transaction;
use crate::error::{line_column, Error, Result};
use crate::limits::Limits;
use crate::render::{encode_spec, Format, Options};
use rayon::prelude::*;
use serde::Deserialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The manifest file name looked for in the current folder.
pub const MANIFEST: &str = "mapfig.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    /// Spec files or patterns (`maps/*.toml`), relative to the manifest.
    specs: toml::Spanned<Vec<String>>,
    out: Option<toml::Spanned<String>>,
    formats: Option<Vec<String>>,
    scale: Option<f64>,
    theme: Option<String>,
    strict_labels: Option<bool>,
    dark_variant: Option<bool>,
}

/// Specs to render and how.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub specs: Vec<PathBuf>,
    pub options: Options,
}

impl Manifest {
    /// Reads `mapfig.toml`; its specs and out folder must lie inside its folder.
    pub fn load(path: &Path) -> Result<Manifest> {
        Manifest::load_with(path, false)
    }

    /// Reads `mapfig.toml`. Unless `allow_outside`, a spec or out folder that resolves
    /// (after `..` and symlinks) outside the manifest's folder is an error: a manifest
    /// from a cloned repository must not make `build` replace files elsewhere.
    pub fn load_with(path: &Path, allow_outside: bool) -> Result<Manifest> {
        let bytes = crate::limits::read_regular(path, crate::limits::MAX_SPEC_BYTES)?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let (line, column) = line_column(
                &String::from_utf8_lossy(e.as_bytes()),
                e.utf8_error().valid_up_to(),
            );
            Error::Spec {
                file: path.to_path_buf(),
                line,
                column,
                message: "not UTF-8 text".into(),
            }
        })?;
        let spec_err = |offset: usize, message: String| {
            let (line, column) = line_column(&text, offset);
            Error::Spec {
                file: path.to_path_buf(),
                line,
                column,
                message,
            }
        };
        let raw: RawManifest = toml::from_str(&text).map_err(|e| {
            spec_err(
                e.span().map_or(0, |s| s.start),
                e.message().trim().to_string(),
            )
        })?;
        let root = path.parent().unwrap_or(Path::new(""));
        let mut specs = Vec::new();
        for pattern in raw.specs.get_ref() {
            let found = expand(root, pattern)?;
            if found.is_empty() {
                return Err(spec_err(
                    0,
                    format!("specs entry {pattern:?} matches no file"),
                ));
            }
            specs.extend(found);
        }
        specs.sort();
        specs.dedup();
        let mut options = Options {
            out_dir: root.join(raw.out.as_ref().map_or("out", |o| o.get_ref().as_str())),
            ..Options::default()
        };
        if !allow_outside {
            let inside = Confinement::new(root)?;
            for s in &specs {
                inside
                    .check(s, "spec")
                    .map_err(|m| spec_err(raw.specs.span().start, m))?;
            }
            inside
                .check(&options.out_dir, "out folder")
                .map_err(|m| spec_err(raw.out.as_ref().map_or(0, |o| o.span().start), m))?;
        }
        if let Some(f) = &raw.formats {
            options.formats = f.iter().map(|s| Format::parse(s)).collect::<Result<_>>()?;
        }
        if let Some(s) = raw.scale {
            if !(s.is_finite() && s > 0.0 && s <= 16.0) {
                return Err(spec_err(
                    0,
                    format!("scale must be above 0 and at most 16, got {s}"),
                ));
            }
            options.scale = s;
        }
        if let Some(t) = &raw.theme {
            options.theme = Some(crate::theme::Theme::parse(t).map_err(|m| spec_err(0, m))?);
        }
        options.strict_labels = raw.strict_labels.unwrap_or(false);
        options.dark_variant = raw.dark_variant.unwrap_or(false);
        Ok(Manifest { specs, options })
    }

    /// `mapfig.toml` in `root` if there is one, else every `maps/*.toml` with default options.
    pub fn discover(root: &Path) -> Result<Manifest> {
        Manifest::discover_with(root, false)
    }

    /// [`discover`](Self::discover), confined to `root` unless `allow_outside`.
    pub fn discover_with(root: &Path, allow_outside: bool) -> Result<Manifest> {
        let m = root.join(MANIFEST);
        if std::fs::symlink_metadata(&m).is_ok() {
            return Manifest::load_with(&m, allow_outside);
        }
        let specs = crate::render::default_specs(root)?;
        let options = Options {
            out_dir: root.join("out"),
            ..Options::default()
        };
        if !allow_outside {
            let inside = Confinement::new(root)?;
            let fail = |p: &Path, m: String| Error::Usage(format!("{}: {m}", p.display()));
            for s in &specs {
                inside.check(s, "spec").map_err(|m| fail(s, m))?;
            }
            inside
                .check(&options.out_dir, "out folder")
                .map_err(|m| fail(&options.out_dir, m))?;
        }
        Ok(Manifest { specs, options })
    }
}

/// The project folder, resolved: specs and outputs must lie inside it.
struct Confinement {
    root: PathBuf,
}

impl Confinement {
    fn new(root: &Path) -> Result<Confinement> {
        let dir = if root.as_os_str().is_empty() {
            Path::new(".")
        } else {
            root
        };
        let root = std::fs::canonicalize(dir).map_err(|e| Error::io(dir, &e))?;
        Ok(Confinement { root })
    }

    /// `Err(message)` when `path` resolves outside the project folder.
    fn check(&self, path: &Path, what: &str) -> std::result::Result<(), String> {
        let real = resolve(path);
        if real.starts_with(&self.root) {
            return Ok(());
        }
        Err(format!(
            "the {what} {} resolves to {}, outside the project folder {} (the manifest's folder); mapfig reads specs and writes outputs only inside it unless run with --allow-outside",
            path.display(),
            real.display(),
            self.root.display()
        ))
    }
}

/// `path` with symlinks and `..` resolved, whether or not it exists: the longest part that
/// exists is resolved by the file system, the rest (which holds no symlink, as it does not
/// exist) by its components.
fn resolve(path: &Path) -> PathBuf {
    use std::path::Component;
    let parts: Vec<Component> = path.components().collect();
    for k in (0..=parts.len()).rev() {
        let prefix: PathBuf = if k == 0 {
            PathBuf::from(".")
        } else {
            parts[..k].iter().collect()
        };
        let Ok(mut real) = std::fs::canonicalize(&prefix) else {
            continue;
        };
        for c in &parts[k..] {
            match c {
                Component::ParentDir => {
                    real.pop();
                }
                Component::CurDir => {}
                other => real.push(other.as_os_str()),
            }
        }
        return real;
    }
    path.to_path_buf()
}

/// `dir/*.toml`-style patterns: `*` and `?` in the last path component only.
fn expand(root: &Path, pattern: &str) -> Result<Vec<PathBuf>> {
    let full = root.join(pattern);
    let name = full
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !name.contains(['*', '?']) {
        return Ok(if full.is_file() {
            vec![full]
        } else {
            Vec::new()
        });
    }
    let dir = full.parent().unwrap_or(Path::new("."));
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, &e))?;
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file() && wildcard(&name, &e.file_name().to_string_lossy()))
        .map(|e| e.path())
        .collect();
    out.sort();
    Ok(out)
}

fn wildcard(p: &str, s: &str) -> bool {
    let (p, s): (Vec<char>, Vec<char>) = (p.chars().collect(), s.chars().collect());
    fn go(p: &[char], s: &[char]) -> bool {
        match (p.first(), s.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], s) || (!s.is_empty() && go(p, &s[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &s[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &s[1..]),
            _ => false,
        }
    }
    go(&p, &s)
}

/// One part of a CI job matrix: `index` of `count`, both from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    pub fn parse(s: &str) -> Result<Shard> {
        let bad = || {
            Error::Usage(format!(
                "--shard must look like 1/3 (this shard / how many), got {s:?}"
            ))
        };
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (usize, usize) = (
            i.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if count == 0 || index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// This shard's share of the (sorted) specs: every `count`-th, starting at `index`.
    pub fn select(&self, specs: &[PathBuf]) -> Vec<PathBuf> {
        specs
            .iter()
            .enumerate()
            .filter(|(k, _)| k % self.count == self.index - 1)
            .map(|(_, p)| p.clone())
            .collect()
    }
}

/// What `build` did with one spec.
#[derive(Debug)]
pub struct Built {
    pub spec: PathBuf,
    pub files: Vec<PathBuf>,
    pub dropped_labels: Vec<crate::layout::labels::Dropped>,
    pub millis: f64,
    pub title: String,
    pub description: String,
    pub gallery: crate::gallery::GalleryEntry,
}

/// Renders `specs` with `options`, in parallel, and writes their files only when every
/// spec rendered (all or nothing); results in spec order. `progress` is called after each
/// spec finishes.
pub fn build(
    specs: &[PathBuf],
    options: &Options,
    limits: &Limits,
    progress: &(dyn Fn(usize, usize, &Path) + Sync),
) -> Result<Vec<Built>> {
    let mut tx = Transaction::new();
    let built = build_staged(specs, options, limits, progress, &mut tx)?;
    tx.commit()?;
    Ok(built)
}

/// Like [`build`], but stages the files into `tx` (with anything else the command writes,
/// such as the gallery page and the report) instead of writing them.
pub fn build_staged(
    specs: &[PathBuf],
    options: &Options,
    limits: &Limits,
    progress: &(dyn Fn(usize, usize, &Path) + Sync),
    tx: &mut Transaction,
) -> Result<Vec<Built>> {
    let done = std::sync::atomic::AtomicUsize::new(0);
    let encoded: Vec<Result<_>> = specs
        .par_iter()
        .map(|spec| {
            let start = std::time::Instant::now();
            let e = encode_spec(spec, options, &mut DataCache::new(*limits));
            let n = done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            progress(n, specs.len(), spec);
            e.map(|e| (e, start.elapsed().as_secs_f64() * 1000.0))
        })
        .collect();
    let encoded: Vec<_> = encoded.into_iter().collect::<Result<_>>()?;
    let mut claims = crate::render::OutputClaims::default();
    for (spec, (e, _)) in specs.iter().zip(&encoded) {
        claims.claim(spec, e)?;
    }
    let mut built = Vec::new();
    for (spec, (e, millis)) in specs.iter().zip(encoded) {
        crate::render::stage_encoded(tx, &e)?;
        built.push(Built {
            spec: spec.clone(),
            files: e.files.into_iter().map(|(f, _)| f).collect(),
            dropped_labels: e.dropped_labels,
            millis,
            title: e.title,
            description: e.description,
            gallery: e.gallery,
        });
    }
    Ok(built)
}

/// The `--report` JSON: what was rendered, dropped labels and timings.
pub fn report_json(built: &[Built], shard: Option<Shard>) -> String {
    let maps: Vec<serde_json::Value> = built
        .iter()
        .map(|b| {
            serde_json::json!({
                "spec": b.spec.display().to_string(),
                "title": b.title,
                "outputs": b.files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
                "dropped_labels": b.dropped_labels.iter().map(|d| serde_json::json!({
                    "layer": d.layer, "feature": d.feature, "text": d.text, "required": d.required
                })).collect::<Vec<_>>(),
                "milliseconds": (b.millis * 10.0).round() / 10.0,
            })
        })
        .collect();
    let doc = serde_json::json!({
        "shard": shard.map(|s| format!("{}/{}", s.index, s.count)),
        "maps": maps,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

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
    let encoded: Vec<Result<_>> = specs
        .par_iter()
        .map(|s| encode_spec(s, options, &mut DataCache::new(*limits)))
        .collect();
    let mut tx = Transaction::new();
    tx.allow_folder(report_dir);
    let mut checked = Vec::new();
    for (spec, e) in specs.iter().zip(encoded) {
        let e = e?;
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
                                let path = stage_png_diff(&diff, &old, fresh, file, report_dir, &mut tx)?;
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

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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
                let _ = writeln!(h, "<h2 class=\"same\">{} unchanged</h2>", esc(&name));
            }
            FileStatus::Missing => {
                let _ = writeln!(h, "<h2 class=\"changed\">{} is missing</h2>", esc(&name));
            }
            FileStatus::Changed(list) => {
                let _ = writeln!(
                    h,
                    "<h2 class=\"changed\">{} changed (spec {})</h2>\n<ul>",
                    esc(&name),
                    esc(&c.spec.display().to_string())
                );
                for item in list.iter().take(200) {
                    let _ = writeln!(h, "<li>{}</li>", esc(item));
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
                        s = esc(&stem),
                        d = esc(&rel(diff))
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
    fn shards_split_specs_without_overlap() {
        let specs: Vec<PathBuf> = ["a", "b", "c", "d", "e"]
            .iter()
            .map(PathBuf::from)
            .collect();
        let one = Shard::parse("1/2").unwrap().select(&specs);
        let two = Shard::parse("2/2").unwrap().select(&specs);
        assert_eq!(one.len() + two.len(), 5);
        assert!(one.iter().all(|s| !two.contains(s)));
        assert!(
            Shard::parse("3/2").is_err()
                && Shard::parse("0/2").is_err()
                && Shard::parse("x").is_err()
        );
    }

    #[test]
    fn wildcards_match_file_names() {
        assert!(wildcard("*.toml", "map.toml"));
        assert!(!wildcard("*.toml", "map.tom"));
        assert!(wildcard("m?p*.toml", "map-1.toml"));
    }

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
