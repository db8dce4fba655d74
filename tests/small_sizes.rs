//! Issue 8, class 19 (the rest): every size the spec accepts renders. At the smallest
//! accepted sizes, and with texts far too long for the page, layout cuts and drops things
//! in a fixed order (texts to their line budgets, compact type, badge notes, credit,
//! subtitle, badges, title; furniture and callouts that do not fit the frame) with a
//! warning for each, and every text stays inside the page. Through the real binary, on a
//! small real dataset (geodata/afghanistan.geojson).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
mod common;
use common::{mapfig, run_within};

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("mapfig-small-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata/afghanistan.geojson");
    std::fs::copy(data, d.join("afghanistan.geojson")).unwrap();
    d
}

/// Runs `mapfig render spec.toml --format svg -o out` in `dir`, killed after 20 s.
fn render(dir: &Path, spec: &str) -> Output {
    std::fs::write(dir.join("spec.toml"), spec).unwrap();
    let _ = std::fs::remove_dir_all(dir.join("out"));
    let mut cmd = mapfig();
    cmd.args(["render", "spec.toml", "--format", "svg", "-o", "out"]);
    run_within(&mut cmd, dir, Duration::from_secs(20)).0
}

const LONG_TITLE: &str =
    "Afghanistan's provinces, districts and borders as they were drawn in the \
    survey, with every change since the last one and the names of the places that matter most";

/// Texts of the title block and credit line.
#[derive(Clone, Copy, Debug)]
enum Texts {
    None,
    Short,
    LongTitle,
    All,
    Enormous,
}

/// Furniture, callouts and badges.
#[derive(Clone, Copy, Debug)]
enum Extras {
    Plain,
    Furniture,
    Callout,
    Badges,
    Everything,
}

const TEXTS: [Texts; 5] = [
    Texts::None,
    Texts::Short,
    Texts::LongTitle,
    Texts::All,
    Texts::Enormous,
];
const EXTRAS: [Extras; 5] = [
    Extras::Plain,
    Extras::Furniture,
    Extras::Callout,
    Extras::Badges,
    Extras::Everything,
];

fn spec(w: u32, h: u32, texts: Texts, extras: Extras) -> String {
    let mut s = String::new();
    match texts {
        Texts::None => {}
        Texts::Short => s.push_str("title = \"Word\"\nsubtitle = \"Sub\"\ncredit = \"Credit\"\n"),
        Texts::LongTitle => s.push_str(&format!("title = \"{LONG_TITLE}\"\n")),
        Texts::All => s.push_str(&format!(
            "title = \"{LONG_TITLE}\"\nsubtitle = \"{LONG_TITLE}\"\ncredit = \"Sources: {LONG_TITLE}\"\n"
        )),
        Texts::Enormous => {
            let words = "Kunduz ".repeat(400);
            let word = "x".repeat(3000);
            s.push_str(&format!(
                "title = \"{words}\"\nsubtitle = \"{word}\"\ncredit = \"{words}{word}\"\n"
            ))
        }
    }
    s.push_str(&format!("size = [{w}, {h}]\n"));
    s.push_str(
        "[[layer]]\nid = \"afg\"\nsource = \"afghanistan.geojson\"\n\
         label = \"{name}\"\nlegend = \"Afghanistan's national border, as Natural Earth draws it\"\n",
    );
    let furniture = matches!(extras, Extras::Furniture | Extras::Everything);
    if matches!(extras, Extras::Callout | Extras::Everything) {
        s.push_str(
            "[[callout]]\nat = [66.0, 34.0]\ntitle = \"Centre\"\n\
             text = \"Somewhere near the middle of the country, with a note that runs on\"\n\
             [[callout]]\nsource = \"afghanistan.geojson\"\nwhere = { id = \"AFG\" }\n\
             text = \"The whole country\"\noffset = [60, -60]\n",
        );
    }
    if matches!(extras, Extras::Badges | Extras::Everything) {
        s.push_str(
            "[[badge]]\nvalue = 25\ntotal = 34\ncaption = \"provinces with a presence\"\n\
             units = true\nnote = \"As reported; each square is one province\"\n\
             [[badge]]\nvalue = \"12,345,678–23,456,789\"\n\
             caption = \"people counted, a caption long enough to wrap over several lines of the panel\"\n\
             note = \"A long note. A long note. A long note. A long note. A long note. A long note.\"\n",
        );
    }
    if furniture {
        s.push_str(
            "[furniture]\nlegend = true\nscale_bar = true\nnorth_arrow = true\n\
             inset = \"locator\"\nscale_units = \"km+mi\"\n",
        );
    }
    s
}

/// Box of every `<text>` (each line of it), from the bundled fonts' real metrics.
fn text_boxes(svg: &roxmltree::Document) -> Vec<(String, [f64; 4])> {
    let num = |n: roxmltree::Node, a: &str| n.attribute(a).and_then(|v| v.parse::<f64>().ok());
    let mut boxes = Vec::new();
    for t in svg.descendants().filter(|n| n.has_tag_name("text")) {
        let size = num(t, "font-size").unwrap();
        let bold = t.attribute("font-weight") == Some("bold");
        let italic = t.attribute("font-style") == Some("italic");
        let spacing = num(t, "letter-spacing").unwrap_or(0.0);
        let anchor = t.attribute("text-anchor").unwrap_or("start");
        let (ascent, descent) = mapfig::text::fonts::ascent_descent(size, bold);
        let mut lines: Vec<(f64, f64, String)> = Vec::new();
        let (x, mut y) = (num(t, "x").unwrap(), num(t, "y").unwrap());
        let spans: Vec<_> = t.children().filter(|c| c.has_tag_name("tspan")).collect();
        if spans.is_empty() {
            lines.push((x, y, t.text().unwrap_or("").to_string()));
        }
        for sp in spans {
            y += num(sp, "dy").unwrap_or(0.0);
            lines.push((
                num(sp, "x").unwrap_or(x),
                y,
                sp.text().unwrap_or("").to_string(),
            ));
        }
        for (x, y, line) in lines {
            let width = mapfig::text::text_width(&line, size, bold, italic, spacing);
            let x0 = match anchor {
                "middle" => x - width / 2.0,
                "end" => x - width,
                _ => x,
            };
            // Rotated labels are placed within the frame by the label placer; their
            // anchor must still be on the page.
            let rotated = t.attribute("transform").is_some();
            let (x0, x1) = if rotated { (x, x) } else { (x0, x0 + width) };
            boxes.push((line, [x0, y - ascent, x1, y + descent.abs()]));
        }
    }
    boxes
}

/// Renders the spec and checks the result: exit 0, a valid SVG of the spec's size, every
/// text within the page, and a warning for everything the spec asked for that is missing.
fn check(dir: &Path, w: u32, h: u32, texts: Texts, extras: Extras) {
    let spec = spec(w, h, texts, extras);
    let o = render(dir, &spec);
    let err = String::from_utf8_lossy(&o.stderr);
    let case = format!("{w}×{h} {texts:?} {extras:?}");
    assert_eq!(o.status.code(), Some(0), "{case}: {err}");
    assert!(!err.contains("panicked"), "{case}: {err}");
    let text = std::fs::read_to_string(dir.join("out/spec.svg")).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{case}: {e}"));
    let root = doc.root_element();
    assert_eq!(
        root.attribute("viewBox"),
        Some(format!("0 0 {w}.00 {h}.00").as_str()),
        "{case}"
    );
    for (line, [x0, y0, x1, y1]) in text_boxes(&doc) {
        assert!(
            x0 >= -0.5 && y0 >= -0.5 && x1 <= f64::from(w) + 0.5 && y1 <= f64::from(h) + 0.5,
            "{case}: text {line:?} at [{x0:.1}, {y0:.1}, {x1:.1}, {y1:.1}] leaves the page\n{err}"
        );
    }
    let count = |class: &str| {
        doc.descendants()
            .filter(|n| n.attribute("class") == Some(class))
            .count()
    };
    // Whatever the spec asked for is drawn, or a warning names it.
    let mut asked = vec![];
    if !matches!(texts, Texts::None) {
        asked.extend([("title", "title")]);
    }
    if matches!(texts, Texts::Short | Texts::All | Texts::Enormous) {
        asked.extend([("subtitle", "subtitle"), ("credit", "credit")]);
    }
    if matches!(extras, Extras::Furniture | Extras::Everything) {
        asked.extend([
            ("legend", "legend"),
            ("scale-bar", "scale bar"),
            ("north-arrow", "north arrow"),
            ("inset", "locator inset"),
        ]);
    }
    for (class, name) in asked {
        if count(class) == 0 {
            assert!(
                err.contains(&format!("warning: spec.toml: {name} ")) && err.contains("dropped"),
                "{case}: no {class} in the SVG and no warning about it:\n{err}"
            );
        }
    }
    let callouts = if matches!(extras, Extras::Callout | Extras::Everything) {
        2
    } else {
        0
    };
    let badges = if matches!(extras, Extras::Badges | Extras::Everything) {
        2
    } else {
        0
    };
    for (class, name, wanted) in [("callout", "callout", callouts), ("badge", "badge", badges)] {
        let missing = wanted - count(class);
        let warned = err
            .lines()
            .filter(|l| {
                let Some(rest) = l.split(&format!("warning: spec.toml: {name} ")).nth(1) else {
                    return false;
                };
                rest.starts_with(|c: char| c.is_ascii_digit()) && rest.contains(" dropped")
            })
            .count();
        assert_eq!(
            missing, warned,
            "{case}: {missing} {class}s missing:\n{err}"
        );
    }
    // A title is never lost silently, and a cut one says so.
    if count("title") > 0 && !matches!(texts, Texts::None | Texts::Short) {
        let shown = doc
            .descendants()
            .find(|n| n.attribute("class") == Some("title"))
            .map(|n| n.descendants().filter_map(|d| d.text()).collect::<String>())
            .unwrap_or_default();
        if shown.ends_with('…') {
            assert!(
                err.contains("title \"") && err.contains("cut to"),
                "{case}: {err}"
            );
        }
    }
}

/// Sizes from the minimum up: 120..400 step 7, each value tried as a width or a height
/// (the other side spread over the same range), plus the minimum (with the panel, widths
/// start at its 340 px minimum).
fn sizes(panel: bool) -> Vec<(u32, u32)> {
    let side: Vec<u32> = (120..=400).step_by(7).collect();
    let n = side.len();
    let least = if panel { 340 } else { 120 };
    let mut out: Vec<(u32, u32)> = side
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            if i % 2 == 0 {
                (v.max(least), side[(i * 3) % n])
            } else {
                (side[(i * 5) % n].max(least), v)
            }
        })
        .collect();
    out.push((least, 120));
    out
}

fn sweep(name: &str, extras: Extras) {
    let dir = scratch(name);
    let panel = matches!(extras, Extras::Badges | Extras::Everything);
    for (k, (w, h)) in sizes(panel).into_iter().enumerate() {
        check(&dir, w, h, TEXTS[k % TEXTS.len()], extras);
    }
}

#[test]
fn every_accepted_size_renders_a_plain_map() {
    sweep("plain", Extras::Plain);
}

#[test]
fn every_accepted_size_renders_with_furniture() {
    sweep("furniture", Extras::Furniture);
}

#[test]
fn every_accepted_size_renders_with_callouts() {
    sweep("callouts", Extras::Callout);
}

#[test]
fn every_accepted_size_renders_with_badges() {
    sweep("badges", Extras::Badges);
}

#[test]
fn every_accepted_size_renders_with_everything() {
    sweep("everything", Extras::Everything);
}

#[test]
fn the_smallest_pages_render_every_combination() {
    let dir = scratch("smallest");
    for texts in TEXTS {
        for extras in EXTRAS {
            let panel = matches!(extras, Extras::Badges | Extras::Everything);
            let w = if panel { 340 } else { 120 };
            check(&dir, w, 120, texts, extras);
            check(&dir, w, 400, texts, extras);
        }
    }
}

#[test]
fn minimum_size_with_title_subtitle_and_credit_keeps_the_title() {
    // The example: at 120×120 a one-word title with subtitle and credit failed with
    // "the map frame is only 80×6 px".
    let dir = scratch("issue-example");
    let o = render(&dir, &spec(120, 120, Texts::Short, Extras::Plain));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let svg = std::fs::read_to_string(dir.join("out/spec.svg")).unwrap();
    assert!(svg.contains(">Word</text>"), "the title stays: {svg}");
    assert!(err.contains("subtitle \"Sub\" dropped"), "{err}");
    assert!(err.contains("credit \"Credit\" dropped"), "{err}");
    assert!(!err.contains("title \"Word\""), "{err}");
}

#[test]
fn a_two_thousand_word_title_is_cut_with_an_ellipsis() {
    let dir = scratch("long-title");
    let title = (0..2000)
        .map(|i| format!("word{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    let spec = format!(
        "title = \"{title}\"\nsize = [1200, 900]\n[[layer]]\nid = \"afg\"\nsource = \"afghanistan.geojson\"\n"
    );
    let start = Instant::now();
    let o = render(&dir, &spec);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(start.elapsed() < Duration::from_secs(10));
    let svg = std::fs::read_to_string(dir.join("out/spec.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let title_node = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("title"))
        .expect("the title is drawn");
    let lines: Vec<&str> = title_node
        .children()
        .filter(|c| c.has_tag_name("tspan"))
        .filter_map(|c| c.text())
        .collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(lines[0].starts_with("word0 word1"), "{lines:?}");
    assert!(lines[2].ends_with('…'), "{lines:?}");
    assert!(
        err.contains("warning: spec.toml: title \"word0 word1") && err.contains("cut to 3 lines"),
        "{err}"
    );
    // The map keeps most of the page.
    let frame = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("frame") || n.has_tag_name("clipPath"))
        .is_some();
    assert!(frame);
    for (line, [x0, _, x1, _]) in text_boxes(&doc) {
        assert!(x0 >= 0.0 && x1 <= 1200.0, "{line:?} leaves the page");
    }
}

#[test]
fn draw_sizes_are_the_sizes_a_spec_accepts() {
    // `draw --size 50x50` was accepted and then failed with "the map frame is only 10×10 px":
    // it is refused up front as a usage error naming the range, and 120×120 draws.
    let dir = scratch("draw");
    let draw = |size: &str| {
        Command::new(env!("CARGO_BIN_EXE_mapfig"))
            .args(["draw", "afghanistan.geojson", "-o", "m.svg", "--size", size])
            .current_dir(&dir)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let o = draw("50x50");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("--size") && err.contains("120"), "{err}");
    assert!(!dir.join("m.svg").exists());
    let o = draw("120x120");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let svg = std::fs::read_to_string(dir.join("m.svg")).unwrap();
    assert!(roxmltree::Document::parse(&svg).is_ok());
}
