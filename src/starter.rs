//! `mapfig init DATA`: a starter spec for a data file, guessed from what the file holds.
//! The projection is the one `projection = "auto"` would choose for the data's extent
//! (written out, so it can be edited), the extent the data's box with a margin, the label
//! the text property that names the features (unique or nearly so, `name`-like names
//! first) and the title the file's name. The data is read as a layer reads it and
//! summarised as `mapfig inspect` does.

use crate::emit::Transaction;
use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::prepare::extent::{data_box, shown_box};
use crate::projection::Projection;
use crate::sources::summary::{ObjectSummary, PropertySummary, Summary};
use crate::sources::{load_with, Dataset};
use crate::spec::{safe_id, ReadOptions};
use std::path::{Component, Path, PathBuf};

/// What `mapfig init` is asked.
#[derive(Debug, Clone)]
pub struct Starter {
    pub data: PathBuf,
    /// Where the spec goes; its folder anchors the spec's relative paths.
    pub spec: PathBuf,
    /// The collection of a file of several to map (else the first with geometry).
    pub object: Option<String>,
    /// How to read the data where it cannot say (written into the layer too).
    pub read: ReadOptions,
    pub limits: Limits,
}

/// A collection with more features than this gets its label line commented out: most
/// labels of thousands of features cannot be placed without overlap.
const MANY_LABELS: usize = 500;

/// Share of a property's values that must be distinct for it to name the features.
const NEARLY_UNIQUE: f64 = 0.9;

/// The spec `mapfig init DATA` writes when not told where: `maps/NAME.toml`.
pub fn default_spec_path(data: &Path) -> PathBuf {
    let stem = data
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "map".into());
    Path::new("maps").join(format!("{stem}.toml"))
}

/// Writes the starter spec for `s` (its folder made when missing), refusing a spec path
/// that holds anything already (a usage error naming it). Returns the spec's text.
pub fn write(s: &Starter) -> Result<String> {
    // Refused before any data is read.
    Transaction::check_new(&s.spec)?;
    let text = starter_spec(s)?;
    let mut tx = Transaction::new();
    let folder = folder_of(&s.spec);
    tx.allow_folder(&folder);
    tx.protect(&s.data);
    tx.stage_new(&s.spec, text.as_bytes())?;
    tx.commit()?;
    Ok(text)
}

/// The text of the starter spec for `s`.
pub fn starter_spec(s: &Starter) -> Result<String> {
    let data = load_with(&s.data, &s.limits, &s.read)?;
    let object = choose_object(&data, s.object.as_deref())?;
    let summary = Summary::of(&data, object.as_deref()).map_err(Error::Usage)?;
    let Some(collection) = summary.objects.first() else {
        return Err(no_geometry(&s.data));
    };
    let range = data
        .object_range(object.as_deref(), "--object")
        .map_err(Error::Usage)?;
    let geometries: Vec<&geo::Geometry<f64>> = data
        .features
        .get(range)
        .unwrap_or_default()
        .iter()
        .filter_map(|f| f.geometry.as_ref())
        .collect();
    let planar = data.planar().is_some();
    let bbox = data_box(&geometries, planar).ok_or_else(|| no_geometry(&s.data))?;
    let source = relative_to(&s.data, &folder_of(&s.spec))?;
    let name = s
        .data
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut out = String::new();
    let push = |out: &mut String, line: String| {
        out.push_str(&line);
        out.push('\n');
    };
    let (data_name, spec_name) = (
        one_line(&s.data.display().to_string()),
        one_line(&s.spec.display().to_string()),
    );
    push(
        &mut out,
        format!("# A starter spec for {data_name}, written by `mapfig init`: edit it,"),
    );
    push(
        &mut out,
        format!("# then `mapfig render {spec_name}`. Every key is in README's \"Map specs\"."),
    );
    push(
        &mut out,
        format!("title = {}", toml_string(&title_of(&name))),
    );
    push(&mut out, "# subtitle = \"\"".into());
    push(&mut out, "# credit = \"Source: \"".into());
    push(&mut out, "size = [1200, 900]".into());
    for line in view_lines(bbox, planar, &layer_id(&name, object.as_deref()))? {
        push(&mut out, line);
    }
    push(&mut out, String::new());
    push(&mut out, "[[layer]]".into());
    push(
        &mut out,
        format!("id = {}", toml_string(&layer_id(&name, object.as_deref()))),
    );
    push(&mut out, format!("source = {}", toml_string(&source)));
    if let Some(o) = &object {
        let others: Vec<&str> = data
            .objects
            .iter()
            .map(|c| c.name.as_str())
            .filter(|n| n != o)
            .collect();
        let note = if others.is_empty() {
            String::new()
        } else {
            format!("   # the file also holds: {}", one_line(&others.join(", ")))
        };
        push(&mut out, format!("object = {}{note}", toml_string(o)));
    }
    for (key, value) in [("crs", &s.read.crs), ("x", &s.read.x), ("y", &s.read.y)] {
        if let Some(v) = value {
            push(&mut out, format!("{key} = {}", toml_string(v)));
        }
    }
    for line in style_lines(collection) {
        push(&mut out, line);
    }
    if let Some(line) = label_line(collection) {
        push(&mut out, line);
    }
    Ok(out)
}

/// The collection to map: the one asked for, else the first that has geometry (a file of
/// one collection: `None`).
fn choose_object(data: &Dataset, asked: Option<&str>) -> Result<Option<String>> {
    if let Some(name) = asked {
        data.object_range(Some(name), "--object")
            .map_err(Error::Usage)?;
        return Ok(Some(name.to_string()));
    }
    if data.objects.is_empty() {
        return Ok(None);
    }
    let with_geometry = data.objects.iter().find(|o| {
        data.features
            .get(o.features.clone())
            .unwrap_or_default()
            .iter()
            .any(|f| f.geometry.is_some())
    });
    Ok(with_geometry
        .or(data.objects.first())
        .map(|o| o.name.clone()))
}

fn no_geometry(data: &Path) -> Error {
    Error::data(
        data,
        "",
        "no feature has a geometry: there is nothing to map (a table without coordinate columns is read as a table: name its columns with --x and --y)",
    )
}

/// The projection (what `auto` picks for the extent, written out) and the extent (the
/// data's box with a margin, or a fit when no west < east box can say it).
fn view_lines(bbox: [f64; 4], planar: bool, layer: &str) -> Result<Vec<String>> {
    let fit = format!("extent = {{ fit = {}, pad = 0.04 }}", toml_string(layer));
    if planar {
        return Ok(vec![
            "# Planar coordinates are drawn as they are: no projection.".into(),
            "projection = \"auto\"".into(),
            fit,
        ]);
    }
    let shown = shown_box(bbox, false).bbox;
    let projection = Projection::auto(shown)
        .map_err(|m| Error::Render {
            file: PathBuf::from("<auto projection>"),
            message: m,
        })?
        .definition;
    let mut lines = vec![
        "# What projection = \"auto\" picks for the data's extent, written out to be edited:"
            .into(),
        format!("projection = {}", toml_string(&projection)),
    ];
    let [w, s, e, n] = shown;
    let (dx, dy) = (e - w, n - s);
    if e <= w || dx > 300.0 {
        // Across the antimeridian, or the whole world: the layer itself is the extent.
        lines.push(fit);
        return Ok(lines);
    }
    let margin = 0.04 * dx.max(dy);
    let digits = (2.0 - dx.max(dy).log10().floor()).clamp(0.0, 6.0) as i32;
    let step = 10f64.powi(-digits);
    let down = |v: f64, lo: f64| ((v / step).floor() * step).max(lo);
    let up = |v: f64, hi: f64| ((v / step).ceil() * step).min(hi);
    let b = [
        down(w - margin, -180.0),
        down(s - margin, -90.0),
        up(e + margin, 180.0),
        up(n + margin, 90.0),
    ];
    let d = digits as usize;
    lines.push(format!(
        "# The data's box with a margin; or fit the map to the layer: {fit}"
    ));
    lines.push(format!(
        "extent = {{ bbox = [{:.d$}, {:.d$}, {:.d$}, {:.d$}] }}",
        b[0], b[1], b[2], b[3]
    ));
    Ok(lines)
}

/// Fill and stroke for what the collection holds: polygons, lines or points.
fn style_lines(c: &ObjectSummary) -> Vec<String> {
    let has = |kinds: &[&str]| c.geometry_types.iter().any(|g| kinds.contains(&g.kind));
    let mut lines = Vec::new();
    if has(&["Polygon", "MultiPolygon", "GeometryCollection"]) {
        lines.push("fill = \"#e4ddcf\"".into());
        lines.push("stroke = \"#ffffff\"".into());
    } else if has(&["LineString", "MultiLineString"]) {
        lines.push("stroke = \"#3a7dc9\"".into());
        lines.push("stroke_width = 1.5".into());
    } else {
        lines.push("fill = \"#c0392b\"".into());
        lines.push("marker = \"circle\"".into());
    }
    lines
}

/// `label = "{name}"` for the property that names the features, commented out when there
/// are too many features to label; `None` when no property names them.
fn label_line(c: &ObjectSummary) -> Option<String> {
    let p = label_property(&c.properties, c.features)?;
    let line = format!("label = {}", toml_string(&format!("{{{}}}", p.name)));
    let distinct = if p.distinct_capped {
        format!("{}+", p.distinct)
    } else {
        p.distinct.to_string()
    };
    Some(if c.features > MANY_LABELS {
        format!(
            "# {line}   # {} features: most labels would find no room",
            c.features
        )
    } else {
        format!(
            "{line}   # {distinct} distinct values in {} features",
            c.features
        )
    })
}

/// The text property that names the features: nearly every feature has a value of its
/// own; `name` before `name_en`-like names before other names before other text.
pub fn label_property(properties: &[PropertySummary], features: usize) -> Option<&PropertySummary> {
    let rank = |name: &str| {
        let lower = name.to_ascii_lowercase();
        if lower == "name" {
            0
        } else if lower.starts_with("name") || lower.ends_with("name") {
            1
        } else if lower.contains("name") || lower == "nom" || lower == "nombre" {
            2
        } else {
            3
        }
    };
    properties
        .iter()
        .filter(|p| p.kind == "text" && usable_field(&p.name))
        .filter(|p| {
            let with_value = features.saturating_sub(p.nulls);
            with_value > 0
                && (p.distinct_capped || p.distinct as f64 >= NEARLY_UNIQUE * with_value as f64)
        })
        .min_by_key(|p| (rank(&p.name), p.nulls))
}

/// Whether a property name can stand in a label template as `{name}`.
fn usable_field(name: &str) -> bool {
    !name.is_empty() && name.trim() == name && !name.contains(['{', '}', '|', ':'])
}

/// "afghanistan-provinces" → "Afghanistan provinces".
fn title_of(stem: &str) -> String {
    let words = stem.replace(['-', '_'], " ");
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Map".into(),
    }
}

/// The layer's id: the collection's name, else the file's, made SVG-safe.
fn layer_id(stem: &str, object: Option<&str>) -> String {
    let id = safe_id(object.unwrap_or(stem));
    if id.is_empty() {
        "data".into()
    } else {
        id
    }
}

/// `s` fit for a comment line: control characters (a newline in a file name) as `?`.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// A TOML basic string holding `s`.
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn folder_of(spec: &Path) -> PathBuf {
    match spec.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `target` as a path from the folder `base` (which may not exist yet), with `/` between
/// parts as the spec writes it.
fn relative_to(target: &Path, base: &Path) -> Result<String> {
    let target = absolute(target)?;
    let base = absolute(base)?;
    let (t, b): (Vec<Component>, Vec<Component>) =
        (target.components().collect(), base.components().collect());
    let common = t.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common <= 1 {
        // Only the root (or not even a drive) in common: the absolute path says it better
        // than a climb to the root.
        return Ok(target.display().to_string());
    }
    let mut parts: Vec<String> = vec!["..".to_string(); b.len() - common];
    parts.extend(
        t[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    Ok(parts.join("/"))
}

/// `p` as an absolute path with symlinks resolved where it exists, and `.`/`..` folded
/// where it does not.
fn absolute(p: &Path) -> Result<PathBuf> {
    if let Ok(real) = std::fs::canonicalize(p) {
        return Ok(real);
    }
    let joined = std::env::current_dir()
        .map_err(|e| Error::io(p, &e))?
        .join(p);
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                // Resolve what exists so far, so `..` leaves a symlinked folder correctly.
                out = std::fs::canonicalize(&out).unwrap_or(out);
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(name: &str, distinct: usize, nulls: usize) -> PropertySummary {
        PropertySummary {
            name: name.into(),
            kind: "text",
            nulls,
            distinct,
            distinct_capped: false,
            min: None,
            max: None,
            examples: Vec::new(),
        }
    }

    #[test]
    fn the_label_is_a_nearly_unique_name() {
        let props = [
            text("iso", 34, 0),
            text("NAME_EN", 34, 0),
            text("name", 34, 0),
            text("region", 8, 0),
        ];
        assert_eq!(label_property(&props, 34).unwrap().name, "name");
        assert_eq!(label_property(&props[..2], 34).unwrap().name, "NAME_EN");
        // A code that is unique, when no name is.
        assert_eq!(
            label_property(&[text("region", 8, 0), text("iso", 34, 0)], 34)
                .unwrap()
                .name,
            "iso"
        );
        // Names that repeat do not name features; nulls count against nothing.
        assert!(label_property(&[text("name", 10, 0)], 34).is_none());
        assert_eq!(
            label_property(&[text("name", 30, 4)], 34).unwrap().name,
            "name"
        );
        assert!(label_property(&[text("a:b", 34, 0)], 34).is_none());
    }

    #[test]
    fn titles_ids_and_relative_paths() {
        assert_eq!(title_of("afghanistan-provinces"), "Afghanistan provinces");
        assert_eq!(title_of("us_counties_10m"), "Us counties 10m");
        assert_eq!(layer_id("states 2020", None), "states_2020");
        assert_eq!(layer_id("x", Some("counties")), "counties");
        let here = std::env::current_dir().unwrap();
        assert_eq!(
            relative_to(&here.join("data/a.geojson"), &here.join("maps")).unwrap(),
            "../data/a.geojson"
        );
        assert_eq!(
            relative_to(&here.join("a.geojson"), &here).unwrap(),
            "a.geojson"
        );
        for hostile in ["say \"hi\"", "it's", "a\nb", "tab\tdel\u{7f}", "'\'\''"] {
            let doc: toml::Table =
                toml::from_str(&format!("x = {}", toml_string(hostile))).unwrap();
            assert_eq!(doc["x"].as_str(), Some(hostile));
        }
    }
}
