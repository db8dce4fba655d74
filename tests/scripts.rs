//! Text in every script: Arabic joined, right-to-left lines in visual order, bidi in mixed
//! lines, Devanagari conjuncts, Chinese in a user's font collection, and a script no font
//! covers warned about (an error under strict mode). Shaping is checked on the glyphs; the
//! outputs through the binary (SVG text and attributes, PNG pixels, PDF text via poppler).

mod common;

use common::{mapfig, scratch, stderr};
use mapfig::text::{fonts, shape_line, Direction, FontSet, ShapedLine};
use std::path::{Path, PathBuf};
use std::process::Command;

fn regular() -> mapfig::text::FaceId {
    fonts::current().select(false, false)
}

fn shape(s: &str) -> ShapedLine {
    shape_line(s, 20.0, regular(), 0.0)
}

/// The glyph of `c` shaped alone (its isolated form).
fn isolated(c: char) -> u16 {
    let l = shape(&c.to_string());
    assert_eq!(l.glyphs.len(), 1, "{c}");
    l.glyphs[0].id
}

/// The left edge of each glyph, in visual order.
fn xs(l: &ShapedLine) -> Vec<f64> {
    let mut at = 0.0;
    l.glyphs
        .iter()
        .map(|g| {
            let x = at;
            at += g.advance;
            x
        })
        .collect()
}

#[test]
fn arabic_letters_take_their_joining_forms() {
    let word = "کندز";
    let line = shape(word);
    assert!(line.missing.is_empty());
    assert_eq!(line.glyphs.len(), 4);
    assert!(line
        .glyphs
        .iter()
        .all(|g| fonts::face(g.face).family() == "Noto Sans Arabic"));
    // Visual order is right to left: the first letter (initial form) is the last glyph.
    let ids: Vec<u16> = line.glyphs.iter().rev().map(|g| g.id).collect();
    let alone: Vec<u16> = word.chars().map(isolated).collect();
    // ک (initial), ن (medial), د (final) are joined forms; ز follows د, which does not
    // join to the left, so it stays isolated.
    assert_ne!(ids[0], alone[0], "initial kaf");
    assert_ne!(ids[1], alone[1], "medial noon");
    assert_ne!(ids[2], alone[2], "final dal");
    assert_eq!(ids[3], alone[3], "isolated zain");
}

#[test]
fn hebrew_runs_right_to_left() {
    let word = "שלום";
    let line = shape(word);
    assert_eq!(line.direction, Direction::RightToLeft);
    let alone: Vec<u16> = word.chars().map(isolated).collect();
    let ids: Vec<u16> = line.glyphs.iter().map(|g| g.id).collect();
    let mut reversed = alone.clone();
    reversed.reverse();
    // The first letter is drawn rightmost.
    assert_eq!(ids, reversed);
    let x = xs(&line);
    assert!(x.windows(2).all(|w| w[0] < w[1]));
}

/// The characters of a line in the order its glyphs are drawn, left to right (each glyph
/// named by the first character of its cluster).
fn visual(text: &str, l: &ShapedLine) -> String {
    l.glyphs
        .iter()
        .map(|g| text[g.cluster..].chars().next().unwrap())
        .collect()
}

#[test]
fn a_mixed_line_is_in_bidi_visual_order() {
    // UAX #9 in a left-to-right paragraph: "Kunduz", then the right-to-left run the number
    // ends (so the number shows left of the Arabic word, which reads right to left).
    let text = "Kunduz کندز 2015";
    let line = shape(text);
    assert_eq!(line.direction, Direction::LeftToRight);
    assert_eq!(visual(text, &line), "Kunduz 2015 زدنک");
    let family = |l: &ShapedLine, i: usize| fonts::face(l.glyphs[i].face).family();
    assert_eq!(family(&line, 0), "Noto Sans");
    assert_eq!(family(&line, 15), "Noto Sans Arabic");
    // A line starting in Arabic is a right-to-left paragraph: its Latin word is left.
    let text = "کندز Kunduz";
    let rtl = shape(text);
    assert_eq!(rtl.direction, Direction::RightToLeft);
    assert_eq!(visual(text, &rtl), "Kunduz زدنک");
}

#[test]
fn devanagari_forms_conjuncts() {
    // क + ् + ष is the conjunct क्ष: fewer glyphs than characters, none missing.
    let line = shape("क्ष");
    assert!(line.missing.is_empty());
    assert!(line.glyphs.len() < 3, "{:?}", line.glyphs);
    assert!(line
        .glyphs
        .iter()
        .all(|g| fonts::face(g.face).family() == "Noto Sans Devanagari"));
    // The vowel sign i (ि) is written after its consonant and drawn before it.
    let ki = shape("कि");
    assert_eq!(ki.glyphs.len(), 2);
    assert_eq!(ki.glyphs[1].id, isolated('क'));
}

/// A CJK font collection from Debian (fonts-wqy-microhei, installed by .ci/run).
fn cjk_font() -> PathBuf {
    let p = PathBuf::from("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc");
    assert!(
        p.exists(),
        "{} is missing: apt-get install -y fonts-wqy-microhei (the test's CJK font collection)",
        p.display()
    );
    p
}

#[test]
fn chinese_is_set_in_a_user_font_collection() {
    let set = FontSet::with_files(&[cjk_font()]).unwrap();
    assert!(
        set.families().contains(&"WenQuanYi Micro Hei"),
        "{:?}",
        set.families()
    );
    let line = fonts::with_set(set, || shape("北京 Beijing"));
    assert!(line.missing.is_empty(), "{:?}", line.missing);
    assert_eq!(
        fonts::face(line.glyphs[0].face).family(),
        "WenQuanYi Micro Hei"
    );
    assert_eq!(fonts::face(line.glyphs[3].face).family(), "Noto Sans");
    // Without the font, the characters are missing.
    assert_eq!(shape("北京").missing, ['北', '京']);
}

const PLACES: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"کندز"},"geometry":{"type":"Point","coordinates":[68.86,36.73]}},
{"type":"Feature","properties":{"name":"ירושלים"},"geometry":{"type":"Point","coordinates":[65,33]}},
{"type":"Feature","properties":{"name":"क्षेत्र"},"geometry":{"type":"Point","coordinates":[66,35.5]}},
{"type":"Feature","properties":{"name":"北京"},"geometry":{"type":"Point","coordinates":[63,37]}}
]}"#;

/// A folder with the places and a spec labelling them, with `extra` spec lines.
fn project(name: &str, extra: &str) -> PathBuf {
    let dir = scratch("scripts", name);
    std::fs::write(dir.join("places.geojson"), PLACES).unwrap();
    std::fs::write(
        dir.join("map.toml"),
        format!(
            "{extra}\nsize = [600, 400]\n[furniture]\nscale_bar = false\n[[layer]]\nid = \"p\"\nsource = \"places.geojson\"\nlabel = \"{{name}}\"\nlabel_size = 20\n"
        ),
    )
    .unwrap();
    dir
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("cannot run pdftotext ({e}): apt-get install -y poppler-utils"));
    assert!(out.status.success());
    // poppler marks the direction of what it reads with embedding marks of its own
    // (U+202A or U+202B … U+202C), which the PDF does not hold.
    String::from_utf8_lossy(&out.stdout).replace(['\u{202A}', '\u{202B}', '\u{202C}'], "")
}

#[test]
fn every_script_renders_in_svg_png_and_pdf() {
    let font = cjk_font();
    let dir = project(
        "all",
        &format!("fonts = [{:?}]", font.display().to_string()),
    );
    let err = rendered(&dir, &["--format", "svg,png,pdf", "--strict-labels"]);
    assert!(!err.contains("no font has a glyph"), "{err}");
    let svg = std::fs::read_to_string(dir.join("out/map.svg")).unwrap();
    for (name, family) in [
        ("کندز", "Noto Sans Arabic"),
        ("ירושלים", "Noto Sans Hebrew"),
        ("क्षेत्र", "Noto Sans Devanagari"),
        ("北京", "WenQuanYi Micro Hei"),
    ] {
        let tag = svg
            .split("<text ")
            .find(|t| t.contains(&format!(">{name}</text>")))
            .unwrap_or_else(|| panic!("{name} is not a <text> of the SVG"));
        assert!(
            tag.contains(&format!("font-family=\"{family}, sans-serif\"")),
            "{tag}"
        );
        let rtl = name.chars().any(|c| ('\u{0590}'..='\u{06FF}').contains(&c));
        assert_eq!(tag.contains("direction=\"rtl\""), rtl, "{tag}");
    }
    let text = pdftotext(&dir.join("out/map.pdf"));
    for name in ["کندز", "ירושלים", "क्षेत्र", "北京"] {
        assert!(
            text.lines().any(|l| l.trim() == name),
            "{name:?} not a line of pdftotext's output:\n{text}"
        );
    }
}

#[test]
fn a_script_no_font_covers_is_a_warning_and_fails_strict_mode() {
    let dir = project("missing", "");
    let out = mapfig()
        .current_dir(&dir)
        .args(["render", "map.toml", "-o", "out", "--format", "png"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("text \"北京\": no font has a glyph for '北' (U+5317), '京' (U+4EAC); fonts tried: Noto Sans, Noto Sans Arabic, Noto Sans Hebrew, Noto Sans Devanagari"),
        "{err}"
    );
    assert!(
        !err.contains("کندز"),
        "covered scripts are not warned about: {err}"
    );

    for (args, spec_line) in [
        (vec!["--strict-labels"], ""),
        (vec![], "strict_text = true"),
    ] {
        let dir = project(&format!("strict{}", args.len()), spec_line);
        let mut cmd = mapfig();
        cmd.current_dir(&dir)
            .args(["render", "map.toml", "-o", "out", "--format", "svg,png"])
            .args(&args);
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("no font has a glyph for '北'"),
            "{}",
            stderr(&out)
        );
        assert!(!dir.join("out").exists() || common::files_in(&dir.join("out")).is_empty());
    }
}

/// What `mapfig render map.toml -o out` with `args` in `dir` printed, after checking it
/// succeeded.
fn rendered(dir: &Path, args: &[&str]) -> String {
    let out = mapfig()
        .current_dir(dir)
        .args(["render", "map.toml", "-o", "out"])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    stderr(&out)
}

/// What `mapfig render` of the project in `dir` printed, after checking it failed with a
/// data error.
fn refused(dir: &Path) -> String {
    let out = mapfig()
        .current_dir(dir)
        .args(["render", "map.toml", "-o", "out"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    stderr(&out)
}

#[test]
fn a_font_file_that_is_no_font_is_refused_naming_it() {
    let dir = project("badfont", "fonts = [\"fonts/broken.ttf\"]");
    std::fs::create_dir_all(dir.join("fonts")).unwrap();
    std::fs::write(dir.join("fonts/broken.ttf"), b"not a font").unwrap();
    let err = refused(&dir);
    assert!(err.contains("fonts/broken.ttf: not a font"), "{err}");
    let err = refused(&project("nofont", "fonts = [\"nowhere.otf\"]"));
    assert!(err.contains("nowhere.otf: cannot read the font"), "{err}");
}

/// The story's province map in English and Dari: every province labelled in both, the Dari
/// names exactly as geodata holds them (Unicode CLDR's), set in the Arabic face, credited,
/// with the fonts embedded; `pdftotext` gives every Dari name back.
#[test]
fn the_bilingual_province_map_names_every_province_in_both_languages() {
    let geodata: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("geodata/afghanistan-provinces.geojson"))
            .unwrap(),
    )
    .unwrap();
    let names: Vec<(String, String)> = geodata["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (
                p["name"].as_str().unwrap().to_string(),
                p["name_fa"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(names.len(), 34);

    let svg =
        std::fs::read_to_string(common::root().join("out/afghanistan-provinces-dari.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    // Each label is a group of two texts: the English line, then the Dari one.
    let labels: Vec<roxmltree::Node> = doc
        .descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("class") == Some("label label-provinces"))
        .collect();
    assert_eq!(labels.len(), 34, "every province is labelled");
    for (name, dari) in &names {
        let texts = |g: &roxmltree::Node<'_, '_>| -> Vec<(String, Option<String>)> {
            g.children()
                .filter(|c| c.has_tag_name("text"))
                .map(|c| {
                    (
                        c.text().unwrap_or("").to_string(),
                        c.attribute("font-family").map(str::to_string),
                    )
                })
                .collect()
        };
        let label = labels
            .iter()
            .find(|g| texts(g).first().map(|t| t.0.as_str()) == Some(name.as_str()))
            .unwrap_or_else(|| panic!("no label for {name}"));
        let lines = texts(label);
        assert_eq!(lines.len(), 2, "{name}");
        assert_eq!(lines[1].0, *dari, "{name}");
        assert_eq!(
            lines[0].1, None,
            "{name}: the English line in the map's Noto Sans"
        );
        assert_eq!(
            lines[1].1.as_deref(),
            Some("Noto Sans Arabic, sans-serif"),
            "{name}"
        );
    }
    assert!(svg.contains("Unicode CLDR 48"), "credited");
    assert!(
        svg.contains("@font-face{font-family:\"Noto Sans Arabic\""),
        "embedded"
    );

    let dir = scratch("scripts", "dari-pdf");
    let out = mapfig()
        .args([
            "render",
            "maps/afghanistan-provinces-dari.toml",
            "--format",
            "pdf",
            "-o",
        ])
        .arg(&dir)
        .current_dir(common::root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = pdftotext(&dir.join("afghanistan-provinces-dari.pdf"));
    // poppler reads each word of a right-to-left line back in logical order, except where
    // a glyph stands for two letters: the lam-alef ligature (لا, in every "ولایت") comes
    // out reversed and the word split (README, "Text in every script"). Every other word
    // is given back whole (poppler's reading order may put the words of one label apart).
    let mut checked = 0;
    for (name, dari) in &names {
        for word in name.split(' ') {
            assert!(text.contains(word), "{name}: {word:?} not in:\n{text}");
        }
        for word in dari.split(' ').filter(|w| !w.contains("لا")) {
            assert!(text.contains(word), "{name}: {word:?} not in:\n{text}");
            checked += 1;
        }
    }
    assert!(checked >= 30, "{checked}");
}

/// What the PNG and `--text-as-paths` draw is the shaped runs: with every script covered no
/// glyph of any text is the font's .notdef (glyph 0), and the outlined SVG keeps each text's
/// words as its accessible label.
#[test]
fn no_text_draws_the_notdef_glyph_and_outlines_follow_the_runs() {
    let font = cjk_font();
    let dir = project(
        "notdef",
        &format!("fonts = [{:?}]", font.display().to_string()),
    );
    let spec = mapfig::spec::load(&dir.join("map.toml")).unwrap();
    let cache = mapfig::sources::DataCache::default();
    let set = FontSet::with_files(&spec.fonts).unwrap();
    let layout = fonts::with_set(set, || mapfig::layout::build(&spec, &cache).unwrap());
    let mut glyphs = 0;
    layout.scene.for_each_node(&mut |n| {
        if let mapfig::scene::Node::Text(t) = n {
            for l in &t.shaped {
                assert!(l.glyphs.iter().all(|g| g.id != 0), "{:?}", t.lines);
                glyphs += l.glyphs.len();
            }
        }
    });
    assert!(glyphs > 10, "{glyphs}");

    rendered(&dir, &["--format", "svg", "--text-as-paths"]);
    let svg = std::fs::read_to_string(dir.join("out/map.svg")).unwrap();
    assert!(!svg.contains("<text"), "text as paths");
    for name in ["کندز", "ירושלים", "क्षेत्र", "北京"] {
        assert!(svg.contains(&format!("aria-label=\"{name}\"")), "{name}");
    }
}
