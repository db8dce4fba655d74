//! Issue 8, class 4: SVG ids are unique on a page holding any number of mapfig maps. Every
//! id starts with the map's prefix (from its output name, or the spec's `id_prefix`), every
//! reference (`clip-path`, `aria-labelledby`, `href`) points inside its own map, and ids
//! made from data never take mapfig's own. Two maps inlined in one HTML page therefore
//! neither share an id nor clip each other in a browser.

use resvg::tiny_skia::Pixmap;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
mod common;
use common::{mapfig, stderr};

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    common::scratch("svg-ids", name)
}

/// Polygons with ids that spell mapfig's own (`clip`, `title`, `frame`…) and hostile ones.
const DATA: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","id":"frame","properties":{"name":"Alpha"},"geometry":{"type":"Polygon","coordinates":[[[60,30],[64,30],[64,34],[60,34],[60,30]]]}},
{"type":"Feature","id":"x","properties":{"name":"Beta"},"geometry":{"type":"Polygon","coordinates":[[[64,30],[68,30],[68,34],[64,34],[64,30]]]}},
{"type":"Feature","id":"title","properties":{"name":"Gamma"},"geometry":{"type":"Polygon","coordinates":[[[60,34],[64,34],[64,38],[60,38],[60,34]]]}},
{"type":"Feature","id":"a b\"<&>","properties":{"name":"Delta"},"geometry":{"type":"Polygon","coordinates":[[[64,34],[68,34],[68,38],[64,38],[64,34]]]}}
]}"#;

/// A map spec over DATA: layers named like mapfig's own ids ("layer", "map", "label"), so
/// their feature ids (`layer-x`, `map-title`, `label-x-frame`…) would collide if data ids
/// could take mapfig's.
fn spec(title: &str, size: [u32; 2], extra: &str) -> String {
    format!(
        r##"title = "{title}"
size = [{}, {}]
{extra}
[furniture]
frame = true
north_arrow = true
[[layer]]
id = "layer"
source = "d.geojson"
fill = "#d9d0c1"
label = "{{name}}"
[[layer]]
id = "x"
source = "d.geojson"
fill = "#4a7ab0"
where = {{ id = "x" }}
[[layer]]
id = "map"
source = "d.geojson"
fill = "none"
stroke = "#333333"
[[layer]]
id = "label"
source = "d.geojson"
fill = "none"
stroke = "#993333"
where = {{ id = ["frame", "title"] }}
[[callout]]
at = [62, 32]
text = "Here"
"##,
        size[0], size[1]
    )
}

/// Renders `specs` (name → text) into `dir/out` with extra arguments; panics on failure.
fn render(dir: &Path, specs: &[(&str, String)], args: &[&str]) {
    std::fs::write(dir.join("d.geojson"), DATA).unwrap();
    for (name, text) in specs {
        std::fs::write(dir.join(format!("{name}.toml")), text).unwrap();
    }
    let mut cmd = mapfig();
    cmd.arg("render").current_dir(dir);
    for (name, _) in specs {
        cmd.arg(format!("{name}.toml"));
    }
    let o = cmd
        .args(["-o", "out", "--format", "svg"])
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join("out").join(format!("{name}.svg"))).unwrap()
}

/// Every id in an SVG, and every id it refers to (`url(#…)` in any attribute, `href`,
/// `aria-labelledby`/`aria-describedby`).
fn ids_and_references(svg: &str) -> (Vec<String>, Vec<String>) {
    let d = roxmltree::Document::parse(svg).unwrap();
    let mut ids = Vec::new();
    let mut refs = Vec::new();
    for n in d.descendants().filter(|n| n.is_element()) {
        for a in n.attributes() {
            let v = a.value();
            if a.name() == "id" {
                ids.push(v.to_string());
            }
            if a.name() == "href" {
                refs.push(v.trim_start_matches('#').to_string());
            }
            if a.name() == "aria-labelledby" || a.name() == "aria-describedby" {
                refs.extend(v.split_whitespace().map(str::to_string));
            }
            let mut rest = v;
            while let Some(i) = rest.find("url(#") {
                let tail = &rest[i + 5..];
                let end = tail.find(')').unwrap_or(tail.len());
                refs.push(tail[..end].trim_matches(['"', '\'']).to_string());
                rest = &tail[end..];
            }
        }
        // CSS in <style> may name ids too.
        if n.has_tag_name("style") {
            let css = n.text().unwrap_or_default();
            assert!(!css.contains("url(#"), "CSS refers to an id: {css}");
        }
    }
    (ids, refs)
}

/// Checks one SVG: ids unique and valid, all starting with `prefix_`, the root's id the
/// prefix, every reference resolving inside the SVG. Returns its ids.
fn check_svg(name: &str, svg: &str, prefix: &str) -> BTreeSet<String> {
    let (ids, refs) = ids_and_references(svg);
    let root = roxmltree::Document::parse(svg).unwrap();
    assert_eq!(root.root_element().attribute("id"), Some(prefix), "{name}");
    let set: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(set.len(), ids.len(), "{name}: an id appears twice: {ids:?}");
    for id in &ids {
        let valid = id.starts_with(|c: char| c.is_ascii_alphabetic())
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        assert!(
            valid,
            "{name}: {id:?} is not a plain XML id / CSS identifier"
        );
        if id != prefix {
            assert!(
                id.starts_with(&format!("{prefix}_")),
                "{name}: {id:?} lacks the prefix {prefix:?}"
            );
        }
    }
    assert!(
        refs.len() >= 3,
        "{name}: expected title, desc and clip references: {refs:?}"
    );
    for r in &refs {
        assert!(
            set.contains(r),
            "{name}: reference #{r} points outside the map"
        );
    }
    set
}

/// The element with this id.
fn by_id<'a>(d: &'a roxmltree::Document, id: &str) -> roxmltree::Node<'a, 'a> {
    d.descendants()
        .find(|n| n.attribute("id") == Some(id))
        .unwrap_or_else(|| panic!("no element #{id}"))
}

#[test]
fn svg_ids_collide_between_maps_no_more() {
    let dir = scratch("two");
    let specs = [
        ("north-map", spec("North", [420, 320], "")),
        ("south-map", spec("South", [360, 360], "")),
    ];
    for (args, variant) in [
        (vec![], "plain"),
        (vec!["--text-as-paths"], "text as paths"),
        (vec!["--dark-variant"], "dark variant"),
    ] {
        render(&dir, &specs, &args);
        let a = read(&dir, "north-map");
        let b = read(&dir, "south-map");
        let ia = check_svg(&format!("north-map ({variant})"), &a, "north-map");
        let ib = check_svg(&format!("south-map ({variant})"), &b, "south-map");
        let shared: Vec<&String> = ia.intersection(&ib).collect();
        assert!(shared.is_empty(), "{variant}: shared ids {shared:?}");
        // Inlined in one page, the two documents still parse and keep their ids apart.
        let page = format!(
            "<html><body>{}{}</body></html>",
            strip_decl(&a),
            strip_decl(&b)
        );
        let (ids, _) = ids_and_references(&page);
        let unique: BTreeSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "{variant}: the page repeats an id");
    }
}

fn strip_decl(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

/// Data ids never take mapfig's own: the title, frame clip, layer groups and frame keep
/// their ids, however the layers and features are named.
#[test]
fn data_ids_cannot_take_mapfig_ids() {
    let dir = scratch("data");
    render(&dir, &[("m", spec("T", [420, 320], ""))], &[]);
    let svg = read(&dir, "m");
    check_svg("m", &svg, "m");
    let d = roxmltree::Document::parse(&svg).unwrap();
    assert!(by_id(&d, "m_map-title").has_tag_name("title"));
    assert!(by_id(&d, "m_map-desc").has_tag_name("desc"));
    assert!(by_id(&d, "m_map-frame").has_tag_name("clipPath"));
    assert_eq!(by_id(&d, "m_frame").attribute("class"), Some("frame"));
    assert_eq!(by_id(&d, "m_map").attribute("class"), Some("map"));
    assert_eq!(
        by_id(&d, "m_callout-1")
            .parent()
            .and_then(|p| p.attribute("class")),
        Some("callouts")
    );
    for layer in ["layer", "x", "map", "label"] {
        let g = by_id(&d, &format!("m_layer-{layer}"));
        assert_eq!(
            g.attribute("class"),
            Some(format!("layer layer-{layer}").as_str()),
            "the group of layer {layer:?} lost its id"
        );
        assert_eq!(g.attribute("clip-path"), Some("url(#m_map-frame)"));
    }
    // Feature "x" of layer "layer" would be `layer-x`, the id of layer x's group.
    let features: Vec<&str> = d
        .descendants()
        .filter(|n| n.attribute("class") == Some("feature"))
        .filter_map(|n| n.attribute("id"))
        .collect();
    assert!(features.contains(&"m_layer-x-2"), "{features:?}");
    assert!(features.contains(&"m_map-title-2"), "{features:?}");
    assert!(features.contains(&"m_layer-a_b____"), "{features:?}");
}

/// `id_prefix` overrides the prefix; a prefix that is not a plain identifier (or holds the
/// separator `_`) is a spec error at its line and column, and nothing is written.
#[test]
fn id_prefix_key_sets_and_validates_the_prefix() {
    let dir = scratch("prefix");
    render(
        &dir,
        &[("m", spec("T", [420, 320], "id_prefix = \"story-1\""))],
        &[],
    );
    check_svg("m", &read(&dir, "m"), "story-1");
    for bad in ["1st", "a_b", "", "a b", "é"] {
        let d = scratch("bad-prefix");
        std::fs::write(d.join("d.geojson"), DATA).unwrap();
        std::fs::write(
            d.join("m.toml"),
            spec("T", [420, 320], &format!("id_prefix = \"{bad}\"")),
        )
        .unwrap();
        let o = mapfig()
            .args(["render", "m.toml", "-o", "out"])
            .current_dir(&d)
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{bad:?}: {err}");
        assert!(err.contains("m.toml:3:13:"), "{bad:?}: {err}");
        assert!(err.contains("id_prefix"), "{bad:?}: {err}");
        assert!(
            !d.join("out").exists() || std::fs::read_dir(d.join("out")).unwrap().next().is_none()
        );
    }
}

/// `draw` names its ids after its output file.
#[test]
fn draw_prefixes_ids_with_its_output_name() {
    let dir = scratch("draw");
    std::fs::write(dir.join("d.geojson"), DATA).unwrap();
    let o = mapfig()
        .args(["draw", "d.geojson", "-o", "quick look.svg"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = std::fs::read_to_string(dir.join("quick look.svg")).unwrap();
    check_svg("draw", &svg, "quick-look");
}

// --- In a browser ---------------------------------------------------------------------

/// The `chromium` executable on PATH (as tests/browser.rs finds it).
fn chromium() -> PathBuf {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("chromium"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("chromium is not installed (apt-get install -y chromium)"))
}

/// Screenshots `html` in headless Chromium at `width`×`height` CSS pixels, 1× scale, the
/// way tests/browser.rs runs it.
fn screenshot(dir: &Path, name: &str, html: &str, width: u32, height: u32) -> Pixmap {
    let page = dir.join(format!("{name}.html"));
    let shot = dir.join(format!("{name}.png"));
    let profile = dir.join(format!("profile-{name}"));
    std::fs::write(&page, html).unwrap();
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--force-color-profile=srgb",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--window-size={width},{height}"))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start chromium");
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{name}: chromium did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = std::fs::remove_dir_all(&profile);
    let bytes = std::fs::read(&shot).unwrap_or_else(|e| panic!("{name}: no screenshot: {e}"));
    let p = Pixmap::decode_png(&bytes).unwrap();
    assert_eq!((p.width(), p.height()), (width, height), "{name}");
    p
}

/// A page showing `svgs` side by side, each at its own size, from the top left.
fn page(svgs: &[(&str, u32, u32)]) -> String {
    let mut body = String::new();
    for (svg, w, h) in svgs {
        body.push_str(&format!(
            "<div style=\"width:{w}px;height:{h}px\">{}</div>",
            strip_decl(svg).replacen("<svg ", &format!("<svg width=\"{w}\" height=\"{h}\" "), 1)
        ));
    }
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>\
         html,body{{margin:0;padding:0;background:#fff;overflow:hidden}}\
         body{{display:flex;align-items:flex-start}} div{{flex:none}} svg{{display:block}}\
         </style></head><body>{body}</body></html>"
    )
}

/// Largest share of pixels that may differ (by more than 8 levels in a channel) between a
/// map alone and the same map beside another: text anti-aliasing is the same in both
/// shots, so in practice none do.
const MAX_DIFFERENT: f64 = 0.001;

/// Compares the `w`×`h` region of `page` at `x` with `alone`; returns the share of pixels
/// that differ.
fn region_difference(page: &Pixmap, x: u32, alone: &Pixmap, w: u32, h: u32) -> f64 {
    let mut different = 0usize;
    for py in 0..h {
        for px in 0..w {
            let a = page.pixel(x + px, py).unwrap();
            let b = alone.pixel(px, py).unwrap();
            let d = [
                a.red().abs_diff(b.red()),
                a.green().abs_diff(b.green()),
                a.blue().abs_diff(b.blue()),
            ];
            if d.iter().any(|&c| c > 8) {
                different += 1;
            }
        }
    }
    different as f64 / f64::from(w * h)
}

/// Two different maps inlined in one page, screenshotted in Chromium: each half looks
/// exactly like its map shown alone. With shared ids, the second map's layers were clipped
/// by the first map's frame (`url(#map-frame)` resolves to the first one in the page) and
/// the page had one accessible title for both.
#[test]
fn inlined_maps_do_not_clip_each_other_in_chromium() {
    let dir = scratch("chromium");
    // Different sizes and title heights: the frames differ in size and place.
    let (wa, ha, wb, hb) = (300, 220, 360, 360);
    let specs = [
        (
            "first",
            spec(
                "A map with a long title that wraps onto two lines",
                [wa, ha],
                "",
            ),
        ),
        ("second", spec("B", [wb, hb], "")),
    ];
    render(&dir, &specs, &[]);
    let a = read(&dir, "first");
    let b = read(&dir, "second");
    let both = screenshot(
        &dir,
        "both",
        &page(&[(&a, wa, ha), (&b, wb, hb)]),
        wa + wb,
        ha.max(hb),
    );
    let alone_a = screenshot(&dir, "first-alone", &page(&[(&a, wa, ha)]), wa, ha);
    let alone_b = screenshot(&dir, "second-alone", &page(&[(&b, wb, hb)]), wb, hb);
    let da = region_difference(&both, 0, &alone_a, wa, ha);
    let db = region_difference(&both, wa, &alone_b, wb, hb);
    eprintln!(
        "first map differs in {:.4}% of pixels, second in {:.4}%",
        da * 100.0,
        db * 100.0
    );
    assert!(
        da <= MAX_DIFFERENT,
        "the first map looks different beside the second: {:.3}% of pixels",
        da * 100.0
    );
    assert!(
        db <= MAX_DIFFERENT,
        "the second map is clipped or changed by the first: {:.3}% of pixels",
        db * 100.0
    );
    // The map drew something (a blank page would pass the comparison).
    let inked = (0..wb * hb)
        .filter(|i| {
            let p = alone_b.pixel(i % wb, i / wb).unwrap();
            p.red() < 200
        })
        .count();
    assert!(inked > 1000, "the second map drew almost nothing");
}
