//! Projects: a `mapfig.toml` manifest listing specs and defaults; `build` renders them all
//! (in parallel, optionally one shard of a CI matrix) and `check` compares fresh renders
//! with the committed files, so a pull request shows exactly how its maps moved.

pub mod gallery;

use crate::emit::Transaction;
use crate::error::{line_column, Error, Result};
use crate::limits::Limits;
use crate::render::{encode_spec, Format, Options};
use crate::sources::DataCache;
use crate::spec::reader::{self, Problems, Table};
use rayon::prelude::*;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The manifest file name looked for in the current folder.
pub const MANIFEST: &str = "mapfig.toml";

/// Specs to render and how.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub specs: Vec<PathBuf>,
    pub options: Options,
}

/// Longest `specs` pattern accepted: a file path, not a denial-of-service string.
const MAX_PATTERN_CHARS: usize = 4096;

impl Manifest {
    /// Reads `mapfig.toml`; its specs and out folder must lie inside its folder.
    pub fn load(path: &Path) -> Result<Manifest> {
        Manifest::load_with(path, false)
    }

    /// Reads `mapfig.toml`, reporting every problem in it at once (as specs do). Unless
    /// `allow_outside`, a spec or out folder that resolves (after `..` and symlinks)
    /// outside the manifest's folder is an error: a manifest from a cloned repository must
    /// not make `build` replace files elsewhere.
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
        let mut p = Problems::default();
        let Some(doc) = reader::parse(&text, &mut p) else {
            return p.finish(path, &text, ()).and_then(|()| {
                Err(Error::Spec {
                    file: path.to_path_buf(),
                    line: 1,
                    column: 1,
                    message: "not TOML".into(),
                })
            });
        };
        let mut t = Table::new("the manifest", &doc);
        let root = path.parent().unwrap_or(Path::new(""));
        let patterns = t.strings("specs", &mut p);
        if patterns.is_none() && t.key_span("specs").is_none() {
            p.add(
                0..0,
                "the manifest needs `specs = [\"maps/*.toml\"]` (spec files or patterns)",
            );
        }
        if patterns.as_ref().is_some_and(Vec::is_empty) {
            if let Some(span) = t.key_span("specs") {
                p.add(
                    span,
                    "specs is empty: list spec files or patterns such as \"maps/*.toml\"",
                );
            }
        }
        let inside = if allow_outside {
            None
        } else {
            Some(Confinement::new(root)?)
        };
        let mut specs = Vec::new();
        for pattern in patterns.iter().flatten() {
            match expand(root, &pattern.value, path) {
                Ok(found) if found.is_empty() => p.add(
                    pattern.span.clone(),
                    format!("specs entry {:?} matches no file", pattern.value),
                ),
                Ok(found) => {
                    for s in &found {
                        if let Some(inside) = inside.as_ref() {
                            if let Err(m) = inside.check(s, "spec") {
                                p.add(pattern.span.clone(), m);
                            }
                        }
                    }
                    specs.extend(found);
                }
                Err(m) => p.add(pattern.span.clone(), m),
            }
        }
        specs.sort();
        specs.dedup();
        let mut options = Options {
            out_dir: root.join("out"),
            ..Options::default()
        };
        let mut out_span = 0..0;
        if let Some(out) = t.string("out", &mut p) {
            options.out_dir = root.join(&out.value);
            out_span = out.span;
        }
        if let Some(Err(m)) = inside
            .as_ref()
            .map(|i| i.check(&options.out_dir, "out folder"))
        {
            p.add(out_span, m);
        }
        if let Some(formats) = t.strings("formats", &mut p) {
            let mut chosen = Vec::new();
            for f in formats {
                match Format::parse(&f.value) {
                    Ok(f) => chosen.push(f),
                    Err(e) => p.add(f.span, e.to_string()),
                }
            }
            options.formats = chosen;
        }
        if let Some(s) = t.number("scale", &mut p) {
            match check_scale(s.value) {
                Ok(()) => options.scale = s.value,
                Err(m) => p.add(s.span, format!("scale {m}")),
            }
        }
        if let Some(theme) = t.string("theme", &mut p) {
            match crate::symbology::theme::Theme::parse(&theme.value) {
                Ok(th) => options.theme = Some(th),
                Err(m) => p.add(theme.span, m),
            }
        }
        options.strict_labels = t.boolean("strict_labels", &mut p).unwrap_or(false);
        options.dark_variant = t.boolean("dark_variant", &mut p).unwrap_or(false);
        t.finish(&mut p);
        p.finish(path, &text, Manifest { specs, options })
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

/// Smallest PNG scale: every spec side is at least [`crate::spec::MIN_SIDE`] CSS pixels,
/// so at this scale every PNG is at least one pixel a side.
pub const MIN_SCALE: f64 = 0.01;

/// Largest PNG scale.
pub const MAX_SCALE: f64 = 16.0;

/// Checks a PNG scale (`--scale`, the manifest's `scale`): the message completes
/// "scale …" / "--scale …".
pub fn check_scale(scale: f64) -> std::result::Result<(), String> {
    if scale.is_finite() && (MIN_SCALE..=MAX_SCALE).contains(&scale) {
        return Ok(());
    }
    Err(format!(
        "must be from {MIN_SCALE} (so the smallest map, {} px a side, is still a pixel wide in the PNG) to {MAX_SCALE}, got {scale}",
        crate::spec::MIN_SIDE
    ))
}

/// The files a `specs` entry names: a path, or a pattern with `*` and `?` in its file
/// name (`maps/*.toml`). The manifest never lists itself, and a pattern that matches a
/// TOML file that is no map spec (`Cargo.toml`, `pyproject.toml`) is an error naming it,
/// not a confusing spec error later.
fn expand(
    root: &Path,
    pattern: &str,
    manifest: &Path,
) -> std::result::Result<Vec<PathBuf>, String> {
    if pattern.chars().count() > MAX_PATTERN_CHARS {
        return Err(format!(
            "specs entry is longer than {MAX_PATTERN_CHARS} characters: not a file path"
        ));
    }
    let full = root.join(pattern);
    let name = full
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = full.parent().unwrap_or(Path::new("."));
    if dir.to_string_lossy().contains(['*', '?']) {
        return Err(format!(
            "specs entry {pattern:?}: `*` and `?` work in the file name only (e.g. \"maps/*.toml\"), not in folder names"
        ));
    }
    let is_manifest = |p: &Path| same_file(p, manifest);
    if !name.contains(['*', '?']) {
        if is_manifest(&full) {
            return Err(format!(
                "specs entry {pattern:?} is the manifest itself, not a map spec"
            ));
        }
        return Ok(if full.is_file() {
            vec![full]
        } else {
            Vec::new()
        });
    }
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| wildcard(&name, &e.file_name().to_string_lossy()))
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    let before = out.len();
    out.retain(|p| !is_manifest(p));
    if out.is_empty() && before > 0 {
        return Err(format!(
            "specs entry {pattern:?} matches only the manifest itself, which is never a map spec; point it at the specs, e.g. \"maps/*.toml\""
        ));
    }
    out.sort();
    let strangers: Vec<String> = out
        .iter()
        .filter(|p| !looks_like_spec(p))
        .map(|p| p.display().to_string())
        .collect();
    if let Some(first) = strangers.first() {
        let others = match strangers.len() {
            1 => String::new(),
            n => format!(" and {} other files", n - 1),
        };
        return Err(format!(
            "specs entry {pattern:?} matches {first}{others}, which is not a map spec (it has none of a spec's keys, such as [[layer]]); name the spec files or narrow the pattern"
        ));
    }
    Ok(out)
}

/// Whether two paths name the same file (by identity where the system can tell).
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// A TOML file a pattern matched is taken for a spec when it has at least one of a spec's
/// top-level keys, or cannot be read as TOML (then loading it reports why).
fn looks_like_spec(path: &Path) -> bool {
    const SPEC_KEYS: &[&str] = &[
        "layer",
        "title",
        "subtitle",
        "credit",
        "description",
        "output",
        "size",
        "projection",
        "extent",
        "background",
        "theme",
        "dark_variant",
        "simplify",
        "panel",
        "callout",
        "badge",
        "furniture",
    ];
    let Ok(text) = crate::spec::read_text(path) else {
        return true;
    };
    match toml::de::DeTable::parse(&text) {
        Ok(doc) => {
            doc.get_ref().is_empty()
                || doc
                    .get_ref()
                    .keys()
                    .any(|k| SPEC_KEYS.contains(&k.get_ref().as_ref()))
        }
        Err(_) => true,
    }
}

/// Glob match of a file name: `*` is any run of characters, `?` any one. Greedy with
/// backtracking to the last `*` only, so the time is at most pattern × name length
/// (a pattern such as `*a*a*a*a*b` cannot take exponential time).
fn wildcard(pattern: &str, name: &str) -> bool {
    let (p, s): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut i, mut j) = (0, 0);
    // Where the last `*` was, and the name position it currently stands for up to.
    let mut star: Option<(usize, usize)> = None;
    while j < s.len() {
        match p.get(i) {
            Some('*') => {
                star = Some((i, j));
                i += 1;
            }
            Some(&c) if c == '?' || c == s[j] => {
                i += 1;
                j += 1;
            }
            _ => match star {
                // Let the last star take one more character and retry after it.
                Some((si, sj)) => {
                    i = si + 1;
                    j = sj + 1;
                    star = Some((si, sj + 1));
                }
                None => return false,
            },
        }
    }
    p.get(i..)
        .is_some_and(|rest| rest.iter().all(|&c| c == '*'))
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
        let number = |t: &str| -> Result<usize> {
            t.trim().parse().map_err(|e: std::num::ParseIntError| {
                if *e.kind() == std::num::IntErrorKind::PosOverflow {
                    Error::Usage(format!(
                        "--shard {s:?}: {t:?} is too large (the largest is {})",
                        usize::MAX
                    ))
                } else {
                    bad()
                }
            })
        };
        let (index, count) = (number(i)?, number(n)?);
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
    /// What layout shortened or left out to fit the page.
    pub warnings: Vec<String>,
    pub millis: f64,
    pub title: String,
    pub description: String,
    pub gallery: crate::build::gallery::GalleryEntry,
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
    let cache = DataCache::new(*limits);
    let encoded: Vec<Result<_>> = specs
        .par_iter()
        .map(|spec| {
            let start = std::time::Instant::now();
            let e = encode_spec(spec, options, &cache);
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
            warnings: e.warnings,
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
                "warnings": b.warnings,
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
    let cache = DataCache::new(*limits);
    let encoded: Vec<Result<_>> = specs
        .par_iter()
        .map(|s| encode_spec(s, options, &cache))
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
        assert!(wildcard("*", ""));
        assert!(wildcard("a*b*c", "aXbYc"));
        assert!(!wildcard("a*b*c", "aXbYd"));
        assert!(wildcard("*.toml*", "x.toml"));
        assert!(!wildcard("?", ""));
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
