//! The committed story maps: they render, match out/ (and its index.html) byte for byte, and
//! have the structure the article needs (ids per province, highlight, accessible text, sources).

use mapfig::build::gallery::{gallery_html, GalleryEntry};
use mapfig::render::{default_specs, encode_map, Format};
use mapfig::sources::DataCache;
use mapfig::spec;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
mod common;
use common::root;

fn out(name: &str) -> PathBuf {
    root().join("out").join(name)
}

fn read_out(name: &str) -> Vec<u8> {
    std::fs::read(out(name))
        .unwrap_or_else(|e| panic!("{}: {e} (run `cargo run --release`)", out(name).display()))
}

fn svg_text(name: &str) -> String {
    String::from_utf8(read_out(name)).expect("SVG is UTF-8")
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let w = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
    let h = u32::from_be_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]);
    (w, h)
}

#[test]
fn fresh_render_reproduces_out_byte_for_byte() {
    let specs = default_specs(&root()).unwrap();
    assert_eq!(specs.len(), 4, "{specs:?}");
    let cache = DataCache::default();
    let mut gallery = Vec::new();
    for path in specs {
        let s = spec::load(&path).unwrap();
        let r = encode_map(&s, &[Format::Png], 2.0, &cache).unwrap();
        gallery.push(GalleryEntry::new(&path, &s.output, &r.layout.scene));
        let svg_name = format!("{}.svg", s.output);
        let png_name = format!("{}.png", s.output);
        assert!(
            r.svg.as_bytes() == read_out(&svg_name).as_slice(),
            "{svg_name} differs from a fresh render: re-run `cargo run --release` and commit out/"
        );
        assert!(
            r.png.as_deref() == Some(read_out(&png_name).as_slice()),
            "{png_name} differs from a fresh render"
        );
        // Twice in one process gives the same bytes too (no hidden state).
        let again = encode_map(&s, &[], 2.0, &cache).unwrap();
        assert_eq!(again.svg, r.svg);
    }
    let page = gallery_html(&root().join("out"), &gallery).unwrap();
    assert!(
        page.as_bytes() == read_out("index.html").as_slice(),
        "index.html differs from a fresh render"
    );
}

#[test]
fn every_png_is_twice_its_spec_size() {
    for path in default_specs(&root()).unwrap() {
        let s = spec::load(&path).unwrap();
        let (w, h) = png_size(&read_out(&format!("{}.png", s.output)));
        assert_eq!(
            (f64::from(w), f64::from(h)),
            (2.0 * s.width, 2.0 * s.height),
            "{}",
            s.output
        );
    }
}

/// Collects usvg's log warnings while a test parses SVG.
struct Warnings;
static WARNINGS: Mutex<Vec<String>> = Mutex::new(Vec::new());
impl log::Log for Warnings {
    fn enabled(&self, m: &log::Metadata) -> bool {
        m.level() <= log::Level::Warn
    }
    fn log(&self, r: &log::Record) {
        if self.enabled(r.metadata()) {
            WARNINGS
                .lock()
                .unwrap()
                .push(format!("{}: {}", r.target(), r.args()));
        }
    }
    fn flush(&self) {}
}

#[test]
fn every_svg_parses_with_usvg_without_warnings() {
    let _ = log::set_logger(&Warnings);
    log::set_max_level(log::LevelFilter::Warn);
    for path in default_specs(&root()).unwrap() {
        let s = spec::load(&path).unwrap();
        let text = svg_text(&format!("{}.svg", s.output));
        WARNINGS.lock().unwrap().clear();
        let tree =
            resvg::usvg::Tree::from_str(&text, &mapfig::emit::svg_reader::options()).unwrap();
        assert_eq!(
            (
                f64::from(tree.size().width()),
                f64::from(tree.size().height())
            ),
            (s.width, s.height)
        );
        // usvg reads no @font-face: a map with `embed_fonts` says so once a face, and is
        // laid out from the same fonts in its database instead.
        let w: Vec<String> = WARNINGS
            .lock()
            .unwrap()
            .iter()
            .filter(|w| !(s.embed_fonts && w.contains("@font-face rule is not supported")))
            .cloned()
            .collect();
        assert!(w.is_empty(), "{}: usvg warned: {w:?}", s.output);
        // Text is real text that usvg lays out with the bundled font (nothing dropped).
        assert!(tree.root().has_children());
    }
}

fn doc(text: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(text).expect("well-formed XML")
}

/// The element whose id is `id` after the map's prefix (`{prefix}_{id}`, the prefix being
/// the root element's id).
fn by_id<'a>(d: &'a roxmltree::Document, id: &str) -> roxmltree::Node<'a, 'a> {
    let prefix = d
        .root_element()
        .attribute("id")
        .expect("the root has the id prefix");
    let full = format!("{prefix}_{id}");
    d.descendants()
        .find(|n| n.attribute("id") == Some(full.as_str()))
        .unwrap_or_else(|| panic!("no element #{full}"))
}

#[test]
fn provinces_map_has_34_iso_coded_provinces_and_kunduz_highlighted() {
    let text = svg_text("afghanistan-provinces.svg");
    let d = doc(&text);
    let root = d.root_element();
    assert_eq!(root.attribute("role"), Some("img"));
    assert!(root.children().any(|n| n.has_tag_name("title")));
    assert!(root.children().any(|n| n.has_tag_name("desc")));
    let layer = by_id(&d, "layer-provinces");
    let features: Vec<_> = layer.children().filter(|n| n.is_element()).collect();
    assert_eq!(features.len(), 34);
    let mut codes: Vec<&str> = features
        .iter()
        .map(|n| {
            n.attribute("id")
                .and_then(|id| id.strip_prefix("afghanistan-provinces_provinces-"))
                .expect("afghanistan-provinces_provinces-{code}")
        })
        .collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 34);
    assert!(
        codes.iter().all(|c| c.starts_with("AF-") && c.len() == 6),
        "{codes:?}"
    );
    // The highlight: Kunduz's element in the highlight layer, filled with the highlight colour.
    let kunduz = by_id(&d, "kunduz-AF-KDZ");
    let highlight = by_id(&d, "layer-kunduz");
    assert_eq!(kunduz.parent(), Some(highlight));
    assert_eq!(highlight.attribute("fill"), Some("#c0392b"));
    // Labels are real text, one per province.
    let labels = d
        .descendants()
        .filter(|n| n.attribute("class") == Some("label label-provinces"))
        .count();
    assert_eq!(labels, 34);
    assert!(d
        .descendants()
        .any(|n| n.has_tag_name("text") && n.text() == Some("Kunduz")));
}

#[test]
fn isis_map_shows_the_count_and_names_the_article() {
    let text = svg_text("isis-presence.svg");
    let d = doc(&text);
    let texts: Vec<String> = d
        .descendants()
        .filter(|n| n.has_tag_name("text") || n.has_tag_name("tspan"))
        .filter_map(|n| n.text().map(str::to_string))
        .collect();
    let all = texts.join("\n");
    assert!(all.contains("25") && all.contains("34"), "{all}");
    assert!(texts.iter().any(|t| t == "25 of 34"), "{texts:?}");
    assert!(
        all.contains("U.S. sources: Russia forging alliance with Taliban")
            && all.contains("Yahoo News"),
        "{all}"
    );
    assert!(all.contains("1,000–3,000"), "{all}");
    // A count, not a list: no province is singled out.
    let layer = by_id(&d, "layer-provinces");
    assert_eq!(layer.children().filter(|n| n.is_element()).count(), 34);
    assert!(layer
        .children()
        .filter(|n| n.is_element())
        .all(|n| n.attribute("fill").is_none() && n.attribute("class") == Some("feature")));
    let units = by_id(&d, "badge-1-units");
    let filled = units
        .children()
        .filter(|n| n.attribute("class") == Some("unit unit-filled"))
        .count();
    let cells = units.children().filter(|n| n.is_element()).count();
    assert_eq!((filled, cells), (25, 34));
}

#[test]
fn border_map_has_route_arrow_callout_and_dushanbe() {
    let text = svg_text("kunduz-tajik-border.svg");
    let d = doc(&text);
    let route = by_id(&d, "layer-route");
    assert!(route
        .children()
        .any(|n| n.attribute("class") == Some("arrowhead")));
    assert!(by_id(&d, "callout-1")
        .descendants()
        .any(|n| n.text() == Some("Seized by the Taliban, Sept. 2015")));
    assert!(d.descendants().any(|n| n.text() == Some("Dushanbe")));
    assert!(by_id(&d, "layer-border").children().any(|n| n.is_element()));
}

#[test]
fn svgs_use_fixed_precision_and_no_external_references() {
    for name in [
        "afghanistan-provinces.svg",
        "kunduz-tajik-border.svg",
        "isis-presence.svg",
    ] {
        let text = svg_text(name);
        assert!(
            !text.contains("<script") && !text.contains("href"),
            "{name}"
        );
        let d = doc(&text);
        for n in d.descendants().filter(|n| n.has_tag_name("path")) {
            let path = n.attribute("d").unwrap_or_default();
            for num in path
                .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
                .filter(|s| !s.is_empty())
            {
                let decimals = num.split_once('.').map_or(0, |(_, f)| f.len());
                assert_eq!(
                    decimals,
                    2,
                    "{name}: {num} in {}",
                    &path[..path.len().min(80)]
                );
            }
        }
    }
}

#[test]
fn the_spec_files_are_the_default_job() {
    let specs = default_specs(&root()).unwrap();
    let names: Vec<_> = specs
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "afghanistan-provinces-dari.toml",
            "afghanistan-provinces.toml",
            "isis-presence.toml",
            "kunduz-tajik-border.toml"
        ]
    );
    assert!(Path::new(&root()).join("README.md").exists());
}

/// The PNG is drawn straight from the scene (no SVG written and parsed again), and must be
/// what resvg draws from the committed SVG: the same shapes, colours and text. The two
/// differ in anti-aliasing at edges, and resvg centres letter-spaced text without the
/// spacing after its last letter while mapfig (like Chromium, see tests/browser.rs) keeps
/// it, so those labels sit half a letter-space (one device pixel) apart. Two measures:
///
/// - **off**: after a 3×3 box blur, the share of pixels with a channel more than 32 levels
///   apart: at most 0.2% (measured 0.02–0.08%, all along text edges);
/// - **local**: the largest difference of 17×17-pixel box means of a channel: at most 16
///   levels (measured 7–10). A shifted edge cancels against itself in a box that wide; a
///   missing label, a missing marker or a colour changed over an area does not.
#[test]
fn png_matches_resvg_rendering_of_the_svg() {
    use resvg::tiny_skia::Pixmap;
    let limits = mapfig::limits::Limits::default();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    for path in default_specs(&root()).unwrap() {
        let s = spec::load(&path).unwrap();
        let svg = svg_text(&format!("{}.svg", s.output));
        let via_resvg = mapfig::emit::svg_reader::render(&svg, 2.0, &path, &limits).unwrap();
        std::fs::write(dir.join(format!("{}-resvg.png", s.output)), &via_resvg).unwrap();
        let a = Pixmap::decode_png(&via_resvg).unwrap();
        let b = Pixmap::decode_png(&read_out(&format!("{}.png", s.output))).unwrap();
        assert_eq!((a.width(), a.height()), (b.width(), b.height()));
        let (w, h) = (a.width() as usize, a.height() as usize);
        let mut off = vec![false; w * h];
        let mut local = 0.0f64;
        for c in 0..3 {
            // Integral image of the signed differences: any box sum in four lookups.
            let mut sat = vec![0i64; (w + 1) * (h + 1)];
            for y in 0..h {
                let mut row = 0i64;
                for x in 0..w {
                    let i = (y * w + x) * 4 + c;
                    row += i64::from(a.data()[i]) - i64::from(b.data()[i]);
                    sat[(y + 1) * (w + 1) + x + 1] = sat[y * (w + 1) + x + 1] + row;
                }
            }
            let box_sum = |x: usize, y: usize, r: usize| {
                let (x0, y0) = (x.saturating_sub(r), y.saturating_sub(r));
                let (x1, y1) = ((x + r + 1).min(w), (y + r + 1).min(h));
                let s = sat[y1 * (w + 1) + x1] - sat[y0 * (w + 1) + x1] - sat[y1 * (w + 1) + x0]
                    + sat[y0 * (w + 1) + x0];
                (s, ((x1 - x0) * (y1 - y0)) as f64)
            };
            for y in 0..h {
                for x in 0..w {
                    let (s3, n3) = box_sum(x, y, 1);
                    off[y * w + x] |= (s3 as f64 / n3).abs() > 32.0;
                    let (s17, n17) = box_sum(x, y, 8);
                    local = local.max((s17 as f64 / n17).abs());
                }
            }
        }
        let off_share = off.iter().filter(|&&o| o).count() as f64 / (w * h) as f64;
        eprintln!(
            "{}: off {:.3}%, local {local:.1}",
            s.output,
            off_share * 100.0
        );
        assert!(
            off_share <= 0.002 && local <= 16.0,
            "{}: the PNG differs from resvg's rendering of the SVG: off {:.3}% (max 0.2%), local {local:.1} (max 16); resvg's is in {}",
            s.output,
            off_share * 100.0,
            dir.display()
        );
    }
}
