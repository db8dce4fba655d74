//! The gallery: `index.html` beside the rendered maps, one static page that shows them all.
//!
//! The page is self-contained so it can be opened straight from disk (`file://`) or copied
//! anywhere with the maps: no scripts, no external resources, only inline CSS, and links
//! relative to the page. It is also deterministic (entries sorted, no dates), so committing
//! it beside out/ gives clean diffs. The markup is well-formed XML as well as HTML, which lets
//! tests read it with an XML parser.
//!
//! Maps are shown through `<img>`, and an SVG image cannot use its page's fonts: viewers
//! without Noto Sans installed see the SVG's fallback fonts there. The PNG links show the
//! exact rendering.

use crate::emit::markup::escape;
use crate::emit::{write_atomic, Transaction};
use crate::error::{Error, Result};
use crate::render::EncodedSpec;
use crate::scene::Scene;
use std::path::Path;

/// One map on the gallery page.
#[derive(Debug, Clone, PartialEq)]
pub struct GalleryEntry {
    /// The spec's file name, e.g. `afghanistan-provinces.toml`.
    pub spec: String,
    /// The outputs' file stem in the out folder (`{output}.svg`, `.png`, `.pdf`).
    pub output: String,
    /// The map's title, as in the SVG's `<title>`.
    pub title: String,
    /// The map's description, as in the SVG's `<desc>`.
    pub description: String,
    /// The SVG's size in CSS pixels, so the page reserves the space before the image loads.
    pub width: f64,
    pub height: f64,
}

impl GalleryEntry {
    /// The entry for a map rendered from `spec_file`, with the texts of its scene.
    pub fn new(spec_file: &Path, output: &str, scene: &Scene) -> GalleryEntry {
        GalleryEntry {
            spec: file_name(spec_file),
            output: output.to_string(),
            title: scene.title.clone(),
            description: scene.description.clone(),
            width: scene.width,
            height: scene.height,
        }
    }

    /// The entry for the map `spec_file` was encoded into.
    pub fn of_encoded(spec_file: &Path, encoded: &EncodedSpec) -> GalleryEntry {
        GalleryEntry {
            spec: file_name(spec_file),
            output: encoded.output.clone(),
            title: encoded.title.clone(),
            description: encoded.description.clone(),
            width: encoded.width,
            height: encoded.height,
        }
    }

    /// The image's alternative text: the SVG's own title and description, so the page says
    /// what a screen reader would hear from the SVG itself.
    pub fn alt_text(&self) -> String {
        let title = self.title.trim();
        let description = self.description.trim();
        match (title.is_empty(), description.is_empty()) {
            (_, true) => title.to_string(),
            (true, false) => description.to_string(),
            (false, false) if title.ends_with(['.', '!', '?', ':']) => {
                format!("{title} {description}")
            }
            (false, false) => format!("{title}. {description}"),
        }
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

/// Writes `out_dir/index.html` (atomically) listing `maps`, whose SVGs must already be in
/// `out_dir`; PNG and PDF links appear for the files that exist there.
pub fn write_gallery(out_dir: &Path, maps: &[GalleryEntry]) -> Result<()> {
    let html = gallery_html(out_dir, maps)?;
    write_atomic(&out_dir.join("index.html"), html.as_bytes())
}

/// Stages `out_dir/index.html` into `tx`, listing `maps`, whose SVGs must be in `out_dir`
/// or staged in `tx`; PNG and PDF links appear for the files that will be there.
pub fn stage_gallery(tx: &mut Transaction, out_dir: &Path, maps: &[GalleryEntry]) -> Result<()> {
    let html = gallery_html_with(out_dir, maps, &|p| tx.will_exist(p))?;
    tx.stage(&out_dir.join("index.html"), html.as_bytes())
}

/// The page [`write_gallery`] writes, as text.
pub fn gallery_html(out_dir: &Path, maps: &[GalleryEntry]) -> Result<String> {
    gallery_html_with(out_dir, maps, &|p| p.is_file())
}

/// The page, linking the files for which `exists` holds.
pub fn gallery_html_with(
    out_dir: &Path,
    maps: &[GalleryEntry],
    exists: &dyn Fn(&Path) -> bool,
) -> Result<String> {
    let mut maps: Vec<&GalleryEntry> = maps.iter().collect();
    maps.sort_by(|a, b| (&a.spec, &a.output).cmp(&(&b.spec, &b.output)));
    let mut html = String::from(HEAD);
    // The pages of an atlas (several maps from one spec) are one section, in a grid.
    for group in maps.chunk_by(|a, b| a.spec == b.spec) {
        if group.len() == 1 {
            html.push_str(&figure(out_dir, group[0], exists)?);
            continue;
        }
        html.push_str(&format!(
            "<section class=\"atlas\" id=\"{id}\">\n<h2>{spec}: {n} pages</h2>\n<div class=\"pages\">\n",
            id = escape(&format!("atlas-{}", group[0].spec)),
            spec = escape(&group[0].spec),
            n = group.len(),
        ));
        for m in group {
            html.push_str(
                &figure(out_dir, m, exists)?
                    .replacen("<figure ", "<figure class=\"page\" ", 1)
                    .replacen("<img ", "<img loading=\"lazy\" ", 1),
            );
        }
        html.push_str("</div>\n</section>\n");
    }
    html.push_str("</main>\n</body>\n</html>\n");
    Ok(html)
}

/// One map's figure: its SVG, title, description and links to its files.
fn figure(out_dir: &Path, m: &GalleryEntry, exists: &dyn Fn(&Path) -> bool) -> Result<String> {
    let svg = format!("{}.svg", m.output);
    if !exists(&out_dir.join(&svg)) {
        return Err(Error::render(
            &out_dir.join(&svg),
            "the gallery shows each map's SVG, but it is missing; render with --format svg",
        ));
    }
    let mut links = vec![format!(r#"<a href="{}">SVG</a>"#, escape(&url_path(&svg)))];
    for (ext, label) in [("png", "PNG"), ("pdf", "PDF")] {
        let file = format!("{}.{ext}", m.output);
        if exists(&out_dir.join(&file)) {
            links.push(format!(
                r#"<a href="{}">{label}</a>"#,
                escape(&url_path(&file))
            ));
        }
    }
    Ok(format!(
        r#"<figure id="{id}">
<img src="{src}" width="{w}" height="{h}" alt="{alt}"/>
<figcaption>
<h2>{title}</h2>
<p>{description}</p>
<p class="files">{links} · spec <code>{spec}</code></p>
</figcaption>
</figure>
"#,
        id = escape(&format!("map-{}", m.output)),
        src = escape(&url_path(&svg)),
        w = m.width.round(),
        h = m.height.round(),
        alt = escape(&m.alt_text()),
        title = escape(&m.title),
        description = escape(&m.description),
        links = links.join(" · "),
        spec = escape(&m.spec),
    ))
}

const HEAD: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>Maps</title>
<style>
body { margin: 0 auto; max-width: 1240px; padding: 1.5rem; font: 16px/1.5 "Noto Sans", "Helvetica Neue", Arial, sans-serif; color: #222; background: #fafaf8; }
h1 { font-size: 1.6rem; margin: 0 0 1.5rem; }
figure { margin: 0 0 3rem; }
img { display: block; width: 100%; height: auto; border: 1px solid #ddd; background: #fff; }
h2 { font-size: 1.2rem; margin: 0.75rem 0 0.25rem; }
figcaption p { margin: 0.25rem 0; max-width: 52rem; }
.files { color: #555; font-size: 0.9rem; }
a { color: #1a5fb4; }
.atlas .pages { display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: 1rem; }
.atlas figure { margin: 0; }
.atlas h2 { font-size: 1.3rem; }
.atlas figcaption h2 { font-size: 1rem; }
.atlas figcaption p:not(.files) { display: none; }
</style>
</head>
<body>
<main>
<h1>Maps</h1>
"#;

/// A file name as a relative URL: everything but unreserved characters percent-encoded, so
/// a name can never read as a scheme (`a:b`), a query or a fragment.
fn url_path(name: &str) -> String {
    let mut out = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(spec: &str, output: &str, title: &str) -> GalleryEntry {
        GalleryEntry {
            spec: spec.into(),
            output: output.into(),
            title: title.into(),
            description: "Says <what> & \"why\".".into(),
            width: 600.0,
            height: 400.0,
        }
    }

    fn scratch(name: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("mapfig-gallery-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn text_is_escaped_and_names_are_percent_encoded() {
        assert_eq!(escape("a<b>&\"c'\u{202E}"), "a&lt;b&gt;&amp;&quot;c&#39;");
        assert_eq!(url_path("a b:c#d.svg"), "a%20b%3Ac%23d.svg");
        let dir = scratch("escape");
        std::fs::write(dir.join("m.svg"), "<svg/>").unwrap();
        let html = gallery_html(&dir, &[entry("m.toml", "m", "<script>x</script>")]).unwrap();
        assert!(!html.contains("<script"), "{html}");
        assert!(
            html.contains(
                "alt=\"&lt;script&gt;x&lt;/script&gt;. Says &lt;what&gt; &amp; &quot;why&quot;.\""
            ),
            "{html}"
        );
    }

    #[test]
    fn entries_are_sorted_and_links_follow_the_files() {
        let dir = scratch("links");
        for f in ["a.svg", "a.png", "b.svg", "b.pdf"] {
            std::fs::write(dir.join(f), "x").unwrap();
        }
        let html = gallery_html(
            &dir,
            &[entry("b.toml", "b", "B"), entry("a.toml", "a", "A")],
        )
        .unwrap();
        let (a, b) = (html.find("id=\"map-a\""), html.find("id=\"map-b\""));
        assert!(a.is_some() && a < b, "{html}");
        assert!(html.contains(r#"<a href="a.png">PNG</a>"#));
        assert!(!html.contains(r#"href="a.pdf""#) && !html.contains(r#"href="b.png""#));
        assert!(html.contains(r#"<a href="b.pdf">PDF</a>"#));
        assert!(!html.contains("<script") && !html.contains("://"));
    }

    #[test]
    fn a_missing_svg_is_an_error() {
        let dir = scratch("missing");
        let e = gallery_html(&dir, &[entry("a.toml", "a", "A")]).unwrap_err();
        assert!(e.to_string().contains("a.svg"), "{e}");
    }

    #[test]
    fn alt_text_joins_title_and_description() {
        let mut e = entry("a.toml", "a", "Title");
        e.description = "Desc.".into();
        assert_eq!(e.alt_text(), "Title. Desc.");
        e.title = "Why?".into();
        assert_eq!(e.alt_text(), "Why? Desc.");
        e.description = String::new();
        assert_eq!(e.alt_text(), "Why?");
    }
}
