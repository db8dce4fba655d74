//! Atlases through the binary: one page per feature of the coverage layer, named and titled
//! from the feature, fitted to it and highlighting it; `{atlas.FIELD}` in filters; the
//! gallery's atlas section; `check` over every page; the refusals.

mod common;

use common::{mapfig, root, scratch, stderr};
use std::path::{Path, PathBuf};

/// A project whose one spec is an atlas of the Afghan provinces, with `extra` lines added
/// to its `[atlas]` table and `layers` appended.
fn project(name: &str, atlas: &str, layers: &str) -> PathBuf {
    let dir = scratch("atlas", name);
    std::fs::create_dir_all(dir.join("maps")).unwrap();
    std::fs::write(
        dir.join("mapfig.toml"),
        "specs = [\"maps/*.toml\"]\nout = \"out\"\nformats = [\"svg\", \"png\"]\nscale = 1\n",
    )
    .unwrap();
    let geodata = root().join("geodata");
    std::fs::write(
        dir.join("maps/provinces.toml"),
        format!(
            "title = \"Province\"\nsize = [400, 300]\n[furniture]\nlegend = false\nscale_bar = false\nnorth_arrow = false\n[atlas]\nlayer = \"provinces\"\n{atlas}\n[[layer]]\nid = \"provinces\"\nsource = {:?}\nfill = \"#e4ddcf\"\nstroke = \"#ffffff\"\n{layers}",
            geodata.join("afghanistan-provinces.geojson").display().to_string()
        ),
    )
    .unwrap();
    dir
}

fn build(dir: &Path) -> std::process::Output {
    mapfig().current_dir(dir).arg("build").output().unwrap()
}

fn svg(dir: &Path, output: &str) -> String {
    std::fs::read_to_string(dir.join("out").join(format!("{output}.svg"))).unwrap()
}

/// The numbers of an SVG path's data, as (x, y) pairs.
fn points(d: &str) -> Vec<(f64, f64)> {
    let nums: Vec<f64> = d
        .split(|c: char| c.is_ascii_alphabetic() || c == ' ' || c == ',')
        .filter_map(|n| n.parse().ok())
        .collect();
    nums.chunks_exact(2).map(|p| (p[0], p[1])).collect()
}

#[test]
fn one_page_per_province_named_titled_fitted_and_highlighted() {
    let dir = project(
        "pages",
        "output = \"p-{id}\"\ntitle = \"{name} province\"\nhighlight = \"#c0392b\"\npad = 0.1",
        "",
    );
    let out = build(&dir);
    assert!(out.status.success(), "{}", stderr(&out));
    let files = common::files_in(&dir.join("out"));
    assert_eq!(files.iter().filter(|f| f.ends_with(".svg")).count(), 34);
    assert_eq!(files.iter().filter(|f| f.ends_with(".png")).count(), 34);
    let kunduz = svg(&dir, "p-AF-KDZ");
    assert!(
        kunduz.contains(">Kunduz province</text>"),
        "titled from the feature"
    );
    // The highlighted layer holds the page's feature only, filled, and the frame is fitted
    // to it: its outline spans most of the frame's width or height.
    let doc = roxmltree::Document::parse(&kunduz).unwrap();
    let layer_paths = |class: &str| -> Vec<roxmltree::Node> {
        doc.descendants()
            .filter(|g| g.has_tag_name("g") && g.attribute("class") == Some(class))
            .flat_map(|g| g.descendants().filter(|n| n.has_tag_name("path")))
            .collect()
    };
    let group = doc
        .descendants()
        .find(|g| g.attribute("class") == Some("layer layer-provinces-atlas"))
        .unwrap();
    assert_eq!(group.attribute("fill"), Some("#c0392b"));
    let current = layer_paths("layer layer-provinces-atlas");
    assert_eq!(current.len(), 1, "one highlighted feature");
    let pts = points(current[0].attribute("d").unwrap());
    let (x0, x1) = pts
        .iter()
        .fold((f64::MAX, f64::MIN), |a, p| (a.0.min(p.0), a.1.max(p.0)));
    let (y0, y1) = pts
        .iter()
        .fold((f64::MAX, f64::MIN), |a, p| (a.0.min(p.1), a.1.max(p.1)));
    let frame = doc
        .descendants()
        .find(|n| n.has_tag_name("clipPath"))
        .and_then(|c| c.children().find(|r| r.has_tag_name("rect")))
        .unwrap();
    let num = |a: &str| frame.attribute(a).unwrap().parse::<f64>().unwrap();
    let (fx, fy, fw, fh) = (num("x"), num("y"), num("width"), num("height"));
    assert!(x0 >= fx - 0.5 && x1 <= fx + fw + 0.5 && y0 >= fy - 0.5 && y1 <= fy + fh + 0.5);
    let share = ((x1 - x0) / fw).max((y1 - y0) / fh);
    assert!(
        share > 0.7 && share <= 0.81,
        "the province fills the frame less its pad: {share}"
    );
    // Its neighbours are drawn round it.
    let others = layer_paths("layer layer-provinces").len();
    assert!(others >= 5, "{others} neighbouring provinces");

    // The gallery shows the atlas as one section of 34 pages.
    let index = std::fs::read_to_string(dir.join("out/index.html")).unwrap();
    assert!(
        index.contains("<h2>provinces.toml: 34 pages</h2>"),
        "{index}"
    );
    assert_eq!(index.matches("<figure class=\"page\"").count(), 34);

    // `check` renders every page again and compares it.
    let ok = mapfig().current_dir(&dir).arg("check").output().unwrap();
    assert!(ok.status.success(), "{}", stderr(&ok));
    std::fs::remove_file(dir.join("out/p-AF-BAL.png")).unwrap();
    let missing = mapfig().current_dir(&dir).arg("check").output().unwrap();
    assert_eq!(missing.status.code(), Some(1), "{}", stderr(&missing));
    assert!(
        stderr(&missing).contains("p-AF-BAL.png"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn atlas_fields_go_into_filters_and_pages_can_be_chosen() {
    // A second layer keeps only the page's feature through `{atlas.id}`, and the atlas's own
    // `where` makes pages of two provinces only.
    let dir = project(
        "fields",
        "where = { id = [\"AF-KDZ\", \"AF-KAB\"] }",
        "[[layer]]\nid = \"same\"\nsource = \"../../geodata/afghanistan-provinces.geojson\"\nwhere = { id = \"{atlas.id}\" }\nfill = \"#123456\"\n",
    );
    // The second layer's path is relative to the spec: point it at the real file.
    let spec = dir.join("maps/provinces.toml");
    let text = std::fs::read_to_string(&spec).unwrap().replace(
        "../../geodata/afghanistan-provinces.geojson",
        &root()
            .join("geodata/afghanistan-provinces.geojson")
            .display()
            .to_string(),
    );
    std::fs::write(&spec, text).unwrap();
    let out = build(&dir);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut svgs: Vec<String> = common::files_in(&dir.join("out"))
        .into_iter()
        .filter(|f| f.ends_with(".svg"))
        .collect();
    svgs.sort();
    // The default output name: the spec's, a dash, the feature id.
    assert_eq!(svgs, ["provinces-AF-KAB.svg", "provinces-AF-KDZ.svg"]);
    for page in ["provinces-AF-KAB", "provinces-AF-KDZ"] {
        let text = svg(&dir, page);
        let doc = roxmltree::Document::parse(&text).unwrap();
        let same = doc
            .descendants()
            .find(|g| g.attribute("class") == Some("layer layer-same"))
            .unwrap();
        assert_eq!(same.attribute("fill"), Some("#123456"));
        let paths = same
            .descendants()
            .filter(|n| n.has_tag_name("path"))
            .count();
        assert_eq!(paths, 1, "{page}: the layer holds the page's province only");
    }
}

#[test]
fn atlas_mistakes_are_refused() {
    // Not a layer of the spec: a spec error at its place.
    let dir = project("nolayer", "", "");
    let spec = dir.join("maps/provinces.toml");
    let text = std::fs::read_to_string(&spec)
        .unwrap()
        .replace("layer = \"provinces\"", "layer = \"provinces2\"");
    std::fs::write(&spec, text).unwrap();
    let out = build(&dir);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("atlas.layer \"provinces2\" is not a layer"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("out").exists());

    // Two pages with one name.
    let dir = project("clash", "output = \"same\"", "");
    let out = build(&dir);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("both make a page named \"same\""),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("out").exists());

    // No page at all.
    let dir = project("none", "where = { id = \"AF-XXX\" }", "");
    let out = build(&dir);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no feature with a position"),
        "{}",
        stderr(&out)
    );
}

/// Shards split an atlas's pages, not only its specs: three jobs render every page once
/// between them, and merging their reports gives the gallery a whole build writes.
#[test]
fn shards_split_the_pages_of_an_atlas() {
    let dir = project("shards", "output = \"p-{id}\"", "");
    let mut counts = Vec::new();
    for i in 0..3 {
        let out = mapfig()
            .current_dir(&dir)
            .env("MAPFIG_SHARD_INDEX", i.to_string())
            .args(["build", "--shard-count", "3", "--report"])
            .arg(format!("r-{i}.json"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let report: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join(format!("r-{i}.json"))).unwrap(),
        )
        .unwrap();
        let units = report["units"].as_array().unwrap();
        assert!(units
            .iter()
            .all(|u| u.as_str().unwrap().contains("provinces.toml#p-AF-")));
        counts.push(units.len());
    }
    assert_eq!(counts.iter().sum::<usize>(), 34, "{counts:?}");
    assert!(counts.iter().all(|&c| c == 11 || c == 12), "{counts:?}");
    let svgs = common::files_in(&dir.join("out"))
        .into_iter()
        .filter(|f| f.ends_with(".svg"))
        .count();
    assert_eq!(svgs, 34, "every page once");
    let merged = mapfig()
        .current_dir(&dir)
        .args([
            "build", "--merge", "r-0.json", "r-1.json", "r-2.json", "--report", "all.json",
        ])
        .output()
        .unwrap();
    assert!(merged.status.success(), "{}", stderr(&merged));
    let sharded_index = std::fs::read_to_string(dir.join("out/index.html")).unwrap();
    let whole = project("shards-whole", "output = \"p-{id}\"", "");
    let out = build(&whole);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        sharded_index,
        std::fs::read_to_string(whole.join("out/index.html")).unwrap()
    );
}
