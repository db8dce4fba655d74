//! The gallery page the default job writes: every map with its SVG's own title and
//! description as alt text, links that resolve to files beside the page, nothing external,
//! and the same bytes on every run.

use std::path::{Path, PathBuf};
use std::process::Command;
mod common;
use common::root;

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    common::scratch("gallery", name)
}

/// `mapfig render -o out_dir` in the project folder: the default job, maps/*.toml.
fn render_default_job(out_dir: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_mapfig"))
        .current_dir(root())
        .args(["render", "-o"])
        .arg(out_dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The text of the root's child element `tag` in an SVG.
fn svg_child_text(svg: &roxmltree::Document, tag: &str) -> String {
    svg.root_element()
        .children()
        .find(|n| n.has_tag_name(tag))
        .and_then(|n| n.text())
        .unwrap_or_else(|| panic!("SVG has no <{tag}>"))
        .to_string()
}

#[test]
fn default_job_writes_a_gallery_of_every_map() {
    let dir = scratch("default");
    render_default_job(&dir);
    let page = std::fs::read_to_string(dir.join("index.html")).unwrap();
    for banned in [
        "<script", "://", "url(", "@import", "<link", "<iframe", "<object",
    ] {
        assert!(!page.contains(banned), "index.html contains {banned:?}");
    }
    // The page is written as well-formed XML too, so it can be checked structurally.
    let doc = roxmltree::Document::parse_with_options(
        &page,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .expect("index.html is well-formed");

    let specs = mapfig::render::default_specs(&root()).unwrap();
    let figures: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("figure"))
        .collect();
    assert_eq!(figures.len(), specs.len());
    for (spec_path, figure) in specs.iter().zip(&figures) {
        let spec = mapfig::spec::load(spec_path).unwrap();
        let svg_name = format!("{}.svg", spec.output);
        let svg_text = std::fs::read_to_string(dir.join(&svg_name)).unwrap();
        let svg = roxmltree::Document::parse(&svg_text).unwrap();
        let (title, desc) = (svg_child_text(&svg, "title"), svg_child_text(&svg, "desc"));

        let img = figure
            .descendants()
            .find(|n| n.has_tag_name("img"))
            .expect("an <img> per map");
        assert_eq!(img.attribute("src"), Some(svg_name.as_str()));
        assert_eq!(
            img.attribute("alt"),
            Some(format!("{title}. {desc}").as_str()),
            "{svg_name}: alt text is the SVG's title and description"
        );
        assert_eq!(
            (img.attribute("width"), img.attribute("height")),
            (
                Some(spec.width.to_string().as_str()),
                Some(spec.height.to_string().as_str())
            )
        );
        let text: String = figure
            .descendants()
            .filter_map(|n| n.text())
            .collect::<Vec<_>>()
            .join(" ");
        let spec_name = spec_path.file_name().unwrap().to_string_lossy();
        assert!(
            text.contains(&title) && text.contains(&desc) && text.contains(&*spec_name),
            "{svg_name}: the caption shows title, description and spec name: {text}"
        );
        let hrefs: Vec<&str> = figure
            .descendants()
            .filter_map(|n| n.attribute("href"))
            .collect();
        let png_name = format!("{}.png", spec.output);
        assert_eq!(hrefs, [svg_name.as_str(), png_name.as_str()], "no PDF here");
        for href in hrefs {
            assert!(dir.join(href).is_file(), "{href} does not resolve");
        }
    }

    let first = std::fs::read(dir.join("index.html")).unwrap();
    render_default_job(&dir);
    assert!(
        std::fs::read(dir.join("index.html")).unwrap() == first,
        "a second run wrote different bytes"
    );
}

#[test]
fn rendering_chosen_specs_leaves_the_gallery_alone() {
    let dir = scratch("chosen");
    std::fs::write(dir.join("index.html"), "the full gallery").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_mapfig"))
        .current_dir(root())
        .args(["render", "maps/isis-presence.toml", "--format", "svg", "-o"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(dir.join("isis-presence.svg").is_file());
    assert_eq!(
        std::fs::read_to_string(dir.join("index.html")).unwrap(),
        "the full gallery"
    );
}
