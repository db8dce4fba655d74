//! The `--report` of `build`: a JSON summary of what was rendered, for CI to read.

use super::{Built, Shard};

/// The `--report` JSON: what was rendered, dropped labels, warnings, join reports and
/// timings.
pub fn report_json(built: &[Built], shard: Option<Shard>) -> String {
    let maps: Vec<serde_json::Value> = built
        .iter()
        .map(|b| {
            serde_json::json!({
                "spec": b.spec.display().to_string(),
                "title": b.gallery.title,
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
    let doc = serde_json::json!({
        "shard": shard.map(|s| format!("{}/{}", s.index, s.count)),
        "maps": maps,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
