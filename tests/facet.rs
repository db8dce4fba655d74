//! Small multiples through the binary: a figure of two periods shares one legend, the class
//! breaks fitted to both periods, and the projection and extent.

mod common;

use common::{mapfig, root, scratch, stderr};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// The provinces twice, for 2015 and 2016, each with a value `v` (the second period's
/// larger), in `dir/two.geojson`.
fn two_periods(dir: &Path) {
    let text =
        std::fs::read_to_string(root().join("geodata/afghanistan-provinces.geojson")).unwrap();
    let d: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut features = Vec::new();
    for (year, factor) in [(2015, 1.0), (2016, 1.6)] {
        for (i, f) in d["features"].as_array().unwrap().iter().enumerate() {
            let mut f = f.clone();
            f["id"] = format!("{}-{year}", f["id"].as_str().unwrap()).into();
            f["properties"]["year"] = year.into();
            f["properties"]["v"] = (((i % 7 + 1) as f64) * factor).into();
            features.push(f);
        }
    }
    let fc = serde_json::json!({"type": "FeatureCollection", "features": features});
    std::fs::write(dir.join("two.geojson"), fc.to_string()).unwrap();
}

fn spec(dir: &Path, facet: &str) -> PathBuf {
    let path = dir.join("f.toml");
    std::fs::write(
        &path,
        format!(
            "title = \"Two periods\"\nsize = [900, 520]\n{facet}\n[[layer]]\nid = \"p\"\nsource = \"two.geojson\"\nfill = {{ by = \"v\", scale = \"quantile\", classes = 4, scheme = \"Blues\" }}\nlegend = {{ title = \"Value\" }}\n"
        ),
    )
    .unwrap();
    path
}

fn render(dir: &Path) -> std::process::Output {
    mapfig()
        .current_dir(dir)
        .args([
            "render",
            "f.toml",
            "-o",
            "out",
            "--format",
            "svg,png,pdf",
            "--scale",
            "1",
        ])
        .output()
        .unwrap()
}

/// Each feature path's fill and its path data, by feature id, in one panel group.
fn panel_paths(doc: &roxmltree::Document, panel: &str) -> BTreeMap<String, (String, String)> {
    let group = doc
        .descendants()
        .find(|n| {
            n.attribute("id")
                .is_some_and(|i| i.ends_with(&format!("_{panel}")))
        })
        .unwrap_or_else(|| panic!("no group {panel}"));
    group
        .descendants()
        .filter(|n| n.has_tag_name("path") && n.attribute("fill").is_some())
        .filter_map(|n| {
            let id = n.attribute("id")?;
            let feature = id.rsplit("layer-p-").next()?.to_string();
            Some((
                feature,
                (
                    n.attribute("fill").unwrap().to_string(),
                    n.attribute("d").unwrap().to_string(),
                ),
            ))
        })
        .collect()
}

/// The numbers of path data, moved by `(dx, dy)`.
fn moved(d: &str, dx: f64, dy: f64) -> Vec<i64> {
    d.split(|c: char| c.is_ascii_alphabetic() || c == ' ')
        .filter(|p| !p.is_empty())
        .flat_map(|pair| {
            let xy: Vec<f64> = pair.split(',').filter_map(|n| n.parse().ok()).collect();
            match xy[..] {
                [x, y] => vec![
                    ((x + dx) * 100.0).round() as i64,
                    ((y + dy) * 100.0).round() as i64,
                ],
                _ => Vec::new(),
            }
        })
        .collect()
}

#[test]
fn two_periods_share_one_legend_the_breaks_and_the_extent() {
    let dir = scratch("facet", "two");
    two_periods(&dir);
    spec(&dir, "[facet]\nlayer = \"p\"\nby = \"year\"");
    let out = render(&dir);
    assert!(out.status.success(), "{}", stderr(&out));
    let svg = std::fs::read_to_string(dir.join("out/f.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();

    // One legend, for both panels.
    let legends: Vec<_> = doc
        .descendants()
        .filter(|n| {
            n.attribute("aria-label")
                .is_some_and(|l| l.starts_with("Legend: Value"))
        })
        .collect();
    assert_eq!(legends.len(), 1);
    // Its classes are those of one map of both periods' features.
    std::fs::write(
        dir.join("all.toml"),
        std::fs::read_to_string(dir.join("f.toml"))
            .unwrap()
            .replace("[facet]\nlayer = \"p\"\nby = \"year\"", ""),
    )
    .unwrap();
    let all = mapfig()
        .current_dir(&dir)
        .args(["render", "all.toml", "-o", "all", "--format", "svg"])
        .output()
        .unwrap();
    assert!(all.status.success(), "{}", stderr(&all));
    let all_svg = std::fs::read_to_string(dir.join("all/all.svg")).unwrap();
    let legend_label = legends[0].attribute("aria-label").unwrap();
    assert!(
        all_svg.contains(&format!(
            "aria-label=\"{}\"",
            legend_label.replace('"', "&quot;")
        )),
        "{legend_label}"
    );

    // Each panel draws its period's 34 provinces; a province keeps its outline from one
    // panel to the other (same projection and extent), moved by the panels' offset, and
    // its colour follows its own period's value on the shared scale.
    let first = panel_paths(&doc, "panel-1");
    let second = panel_paths(&doc, "panel-2");
    assert_eq!(first.len(), 34);
    assert_eq!(second.len(), 34);
    let kdz = |m: &BTreeMap<String, (String, String)>, year: u32| {
        m.iter()
            .find(|(k, _)| k.contains(&format!("AF-KDZ-{year}")))
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    let (a, b) = (kdz(&first, 2015), kdz(&second, 2016));
    let (pa, pb) = (moved(&a.1, 0.0, 0.0), moved(&b.1, 0.0, 0.0));
    assert_eq!(pa.len(), pb.len());
    let dx = pb[0] - pa[0];
    let dy = pb[1] - pa[1];
    assert!(dx > 30000 && dy == 0, "side by side: {dx} {dy}");
    for (p, q) in pa.chunks(2).zip(pb.chunks(2)) {
        assert_eq!((q[0] - p[0], q[1] - p[1]), (dx, dy));
    }
    let colours: HashSet<&str> = first
        .values()
        .chain(second.values())
        .map(|v| v.0.as_str())
        .collect();
    assert!(colours.len() <= 4, "{colours:?}");
    // The second period is larger: its panel uses the darkest class, the first does not.
    let darkest = "#2171b5";
    assert!(second.values().any(|v| v.0 == darkest));
    assert!(first.values().all(|v| v.0 != darkest));

    // Ids stay unique across panels.
    let mut ids = HashSet::new();
    for n in doc.descendants().filter_map(|n| n.attribute("id")) {
        assert!(ids.insert(n), "duplicate id {n}");
    }
    // PNG and PDF come from the same figure.
    assert!(dir.join("out/f.png").exists() && dir.join("out/f.pdf").exists());
}

#[test]
fn facet_mistakes_are_refused() {
    let dir = scratch("facet", "bad");
    two_periods(&dir);
    spec(&dir, "[facet]\nlayer = \"q\"\nby = \"year\"");
    let out = render(&dir);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("facet.layer \"q\" is not a layer"),
        "{}",
        stderr(&out)
    );
    spec(
        &dir,
        "[facet]\nlayer = \"p\"\nby = \"year\"\ncolumns = 1\nvalues = [2015, 2016, 2017, 2018]",
    );
    let out = render(&dir);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("under the 120 px a map needs"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("out").exists());
}
