//! The `--report` of `build`: a JSON summary of what was rendered, for CI to read, and for
//! `build --merge` to put the reports of a sharded build back together. The schema is in
//! README ("The build report").

use super::{Built, Manifest, Shard};
use crate::error::Result;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The version written into every report: `--merge` joins only reports of one version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What the reports of one project's jobs share, so `--merge` can tell they belong together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    /// A fingerprint (64-bit FNV-1a, hex) of the manifest file, the ordered unit keys and
    /// every spec file's bytes: jobs that read different manifests, specs or spec lists
    /// get different ids. It tells cooperating jobs apart; it is no security check, and
    /// data files are not part of it.
    pub id: String,
    /// The manifest read, as the command named it; `None` when the project is `maps/*.toml`
    /// without one.
    pub manifest: Option<String>,
    /// The out folder, as the command named it.
    pub out: String,
    pub formats: Vec<String>,
    /// How many units of work the whole project has (one a spec, one an atlas page).
    pub unit_count: usize,
}

impl Project {
    /// The project `manifest` describes, whose units are `units` (every job's, in order).
    pub fn of(manifest: &Manifest, units: &[String]) -> Result<Project> {
        let mut id = Fingerprint::new();
        id.add(b"mapfig project 1");
        match &manifest.file {
            Some(m) => id.add(&crate::limits::read_spec(m)?),
            None => id.add(b"no manifest"),
        }
        for unit in units {
            id.add(unit.as_bytes());
        }
        for spec in &manifest.specs {
            id.add(&crate::limits::read_spec(spec)?);
        }
        Ok(Project {
            id: format!("{:016x}", id.0),
            manifest: manifest.file.as_ref().map(|m| m.display().to_string()),
            out: manifest.options.out_dir.display().to_string(),
            formats: manifest
                .options
                .formats
                .iter()
                .map(|f| f.extension().to_string())
                .collect(),
            unit_count: units.len(),
        })
    }
}

/// FNV-1a over length-prefixed fields, so `["ab", "c"]` and `["a", "bc"]` differ.
struct Fingerprint(u64);

impl Fingerprint {
    fn new() -> Fingerprint {
        Fingerprint(0xcbf2_9ce4_8422_2325)
    }

    fn add(&mut self, field: &[u8]) {
        let len = (field.len() as u64).to_le_bytes();
        for &b in len.iter().chain(field) {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// The key of the unit of work that renders `spec`, as reports list it.
pub fn unit_key(spec: &Path) -> String {
    spec.display().to_string()
}

/// A report as written: the fields in this order, maps last. `M` is a map entry: built
/// (`serde_json::Value`) or copied verbatim from a shard's report (`Box<RawValue>`), so a
/// merged report has the bytes of an unsharded one.
#[derive(Serialize)]
pub(super) struct Document<'a, M> {
    pub mapfig: &'a str,
    pub project: &'a Project,
    /// `--shard`'s spelling, counted from 1 (`"2/3"`); `None` for a whole build.
    pub shard: Option<String>,
    /// Counted from 0, as the batch engines' variables.
    pub shard_index: Option<usize>,
    pub shard_count: Option<usize>,
    /// The units this report covers, in order.
    pub units: &'a [String],
    pub maps: &'a [M],
}

impl<M: Serialize> Document<'_, M> {
    pub fn to_text(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// The `--report` JSON: what was rendered, dropped labels, warnings, join reports and
/// timings, with what `--merge` needs (the project, the shard, the units, each map's
/// gallery entry).
pub fn report_json(built: &[Built], shard: Option<Shard>, project: &Project) -> String {
    let maps: Vec<serde_json::Value> = built
        .iter()
        .map(|b| {
            serde_json::json!({
                "spec": b.spec.display().to_string(),
                "output": b.gallery.output,
                "title": b.gallery.title,
                "description": b.gallery.description,
                "width": b.gallery.width,
                "height": b.gallery.height,
                "outputs": b.files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
                "dropped_labels": b.dropped_labels.iter().map(|d| serde_json::json!({
                    "layer": d.layer, "feature": d.feature, "text": d.text, "required": d.required
                })).collect::<Vec<_>>(),
                "warnings": b.warnings,
                "joins": b.joins.iter().map(|j| j.to_json()).collect::<Vec<_>>(),
                "milliseconds": (b.millis * 10.0).round() / 10.0,
            })
        })
        .collect();
    let units: Vec<String> = built.iter().map(|b| b.unit.clone()).collect();
    Document {
        mapfig: VERSION,
        project,
        shard: shard.map(|s| s.label()),
        shard_index: shard.map(|s| s.index()),
        shard_count: shard.map(|s| s.count()),
        units: &units,
        maps: &maps,
    }
    .to_text()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_frame_their_fields() {
        let of = |fields: &[&str]| {
            let mut f = Fingerprint::new();
            fields.iter().for_each(|x| f.add(x.as_bytes()));
            f.0
        };
        assert_ne!(of(&["ab", "c"]), of(&["a", "bc"]));
        assert_eq!(of(&["a", "b"]), of(&["a", "b"]));
    }
}
