//! The build manifest, `mapfig.toml`: which specs a project renders (paths and `*`/`?`
//! patterns), into which folder and how; every problem in it reported at once, and its
//! specs and out folder confined to the manifest's folder.

use crate::error::{line_column, Error, Result};
use crate::render::{check_scale, Format, Options};
use crate::spec::reader::{self, Problems, Table};
use std::path::{Path, PathBuf};

/// The manifest file name looked for in the current folder.
pub const MANIFEST: &str = "mapfig.toml";

/// Specs to render and how.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// The manifest file read; `None` when the project is `maps/*.toml` without one.
    pub file: Option<PathBuf>,
    pub specs: Vec<PathBuf>,
    pub options: Options,
    /// The project folder: the manifest's folder (or the folder searched for `maps/`).
    pub root: PathBuf,
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
        let inside = if allow_outside {
            None
        } else {
            Some(Confinement::new(root)?)
        };
        let specs = specs_of(&mut t, &mut p, path, inside.as_ref());
        let options = options_of(&mut t, &mut p, root, inside.as_ref());
        t.finish(&mut p);
        let root = root.to_path_buf();
        p.finish(
            path,
            &text,
            Manifest {
                file: Some(path.to_path_buf()),
                specs,
                options,
                root,
            },
        )
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
        Ok(Manifest {
            file: None,
            specs,
            options,
            root: root.to_path_buf(),
        })
    }

    /// Writes into `out` instead of the manifest's out folder (`mapfig build -o DIR`),
    /// under the manifest's own rule: unless `allow_outside`, `out` must resolve (after
    /// `..` and symlinks) inside the project folder, or it is a usage error naming `flag`.
    pub fn set_out(&mut self, out: PathBuf, allow_outside: bool, flag: &str) -> Result<()> {
        if !allow_outside {
            Confinement::new(&self.root)?
                .check(&out, "out folder")
                .map_err(|m| Error::Usage(format!("{flag} {}: {m}", out.display())))?;
        }
        self.options.out_dir = out;
        Ok(())
    }
}

/// The manifest's `specs`: every file its entries name, sorted, each inside the project
/// folder unless `inside` is `None` (`--allow-outside`).
fn specs_of(
    t: &mut Table,
    p: &mut Problems,
    manifest: &Path,
    inside: Option<&Confinement>,
) -> Vec<PathBuf> {
    let root = manifest.parent().unwrap_or(Path::new(""));
    let patterns = t.strings("specs", p);
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
    let mut specs = Vec::new();
    for pattern in patterns.iter().flatten() {
        match expand(root, &pattern.value, manifest) {
            Ok(found) if found.is_empty() => p.add(
                pattern.span.clone(),
                format!("specs entry {:?} matches no file", pattern.value),
            ),
            Ok(found) => {
                for s in &found {
                    if let Some(inside) = inside {
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
    specs
}

/// The manifest's output options (`out`, `formats`, `scale`, `theme`, `strict_labels`,
/// `dark_variant`, `fonts`, `embed_fonts`), the out folder inside the project folder unless `inside` is `None`.
fn options_of(
    t: &mut Table,
    p: &mut Problems,
    root: &Path,
    inside: Option<&Confinement>,
) -> Options {
    let mut options = Options {
        out_dir: root.join("out"),
        ..Options::default()
    };
    let mut out_span = 0..0;
    if let Some(out) = t.string("out", p) {
        options.out_dir = root.join(&out.value);
        out_span = out.span;
    }
    if let Some(Err(m)) = inside.map(|i| i.check(&options.out_dir, "out folder")) {
        p.add(out_span, m);
    }
    if let Some(formats) = t.strings("formats", p) {
        let mut chosen = Vec::new();
        for f in formats {
            match Format::parse(&f.value) {
                Ok(f) => chosen.push(f),
                Err(e) => p.add(f.span, e.to_string()),
            }
        }
        options.formats = chosen;
    }
    if let Some(s) = t.number("scale", p) {
        match check_scale(s.value) {
            Ok(()) => options.scale = s.value,
            Err(m) => p.add(s.span, format!("scale {m}")),
        }
    }
    if let Some(theme) = t.string("theme", p) {
        match crate::symbology::theme::Theme::parse(&theme.value) {
            Ok(th) => options.theme = Some(th),
            Err(m) => p.add(theme.span, m),
        }
    }
    options.strict_labels = t.boolean("strict_labels", p).unwrap_or(false);
    options.dark_variant = t.boolean("dark_variant", p).unwrap_or(false);
    if let Some(fonts) = t.strings("fonts", p) {
        options.fonts = fonts.iter().map(|f| root.join(f.value.trim())).collect();
    }
    options.embed_fonts = t.boolean("embed_fonts", p).unwrap_or(false);
    options
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
