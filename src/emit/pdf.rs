//! SVG → one-page PDF through krilla-svg, with only the bundled fonts. Text stays text (the
//! fonts are embedded as subsets, so it can be searched and copied), paths stay vectors.
//! Deterministic: krilla writes no date unless given one and derives the file ids from a hash
//! of the content, so the same SVG always gives the same bytes.
//!
//! A scene's texts are not converted from the SVG but drawn from their shaped glyph runs
//! ([`render_scene`]): krilla-svg draws text a glyph at a time (each its own text object,
//! its halo glyph by glyph), which text extraction reads as words broken at every mark.

use crate::color::Paint;
use crate::emit::svg_reader;
use crate::error::{Error, Result};
use crate::scene::{clean_text, Node, Scene, Text};
use crate::text::fonts::{self, FaceId};
use crate::text::ShapedLine;
use krilla::geom::Size;
use krilla::geom::{Point, Transform};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::surface::Surface;
use krilla::text::KrillaGlyph;
use krilla::{Document, SerializeSettings};
use krilla_svg::{SurfaceExt, SvgSettings};
use resvg::usvg::{self, roxmltree};
use std::path::Path;

/// PDF points per CSS pixel (72 pt and 96 px to the inch).
pub const POINTS_PER_PX: f32 = 0.75;

/// Longest page side in points (200 inches): the limit the PDF reference gives for readers,
/// and the largest page Acrobat opens.
pub const MAX_POINTS: f32 = 14_400.0;

/// Converts a mapfig SVG to a one-page PDF: page size in points = CSS px × 0.75, text kept as
/// real text with the bundled fonts embedded as subsets (so `pdftotext` extracts it), vector
/// paths kept as vectors. Deterministic: the same SVG gives the same bytes (no creation date,
/// no random document id). `name` is the file the PDF is for, used in errors.
pub fn render(svg: &str, name: &Path) -> Result<Vec<u8>> {
    render_with(svg, name, |_| {})
}

/// The PDF of a scene: everything but its texts converted from the SVG, then each text drawn
/// from its shaped glyph runs, one run of one face per text operation, with each glyph's
/// characters, so the text a reader extracts is the text that was shaped (words whole,
/// right-to-left runs and clusters in logical order), and each text's halo drawn under all
/// of its glyphs. Texts go over the rest of the page, as layout keeps them clear of it.
pub fn render_scene(scene: &Scene, name: &Path) -> Result<Vec<u8>> {
    let svg = super::svg::to_svg_without_text(scene);
    render_with(&svg, name, |surface| {
        surface.push_transform(&Transform::from_scale(POINTS_PER_PX, POINTS_PER_PX));
        let mut fonts = PdfFonts::default();
        scene.for_each_node(&mut |n| {
            if let Node::Text(t) = n {
                draw_text(surface, t, &mut fonts);
            }
        });
        surface.pop();
    })
}

/// krilla's font of each face, made once per document.
#[derive(Default)]
struct PdfFonts(Vec<(FaceId, Option<krilla::text::Font>)>);

impl PdfFonts {
    fn get(&mut self, id: FaceId) -> Option<krilla::text::Font> {
        if let Some((_, f)) = self.0.iter().find(|(i, _)| *i == id) {
            return f.clone();
        }
        let (data, index) = fonts::face(id).data();
        let font = krilla::text::Font::new(krilla::Data::from(data), index);
        self.0.push((id, font.clone()));
        font
    }
}

fn krilla_paint(p: Paint) -> Option<(krilla::paint::Paint, NormalizedF32)> {
    let Paint::Color(c) = p else {
        return None;
    };
    Some((
        krilla::color::rgb::Color::new(c.r, c.g, c.b).into(),
        NormalizedF32::new(f32::from(c.a) / 255.0).unwrap_or(NormalizedF32::ONE),
    ))
}

/// Draws one text's lines: the halo of every line, then the glyphs.
fn draw_text(surface: &mut Surface, t: &Text, fonts: &mut PdfFonts) {
    let mut t = t.clone();
    t.shape();
    if t.rotate != 0.0 {
        surface.push_transform(&Transform::from_rotate_at(
            t.rotate as f32,
            t.x as f32,
            t.y as f32,
        ));
    }
    let halo = t.halo.and_then(|(paint, width)| {
        let (paint, opacity) = krilla_paint(paint)?;
        Some(krilla::paint::Stroke {
            paint,
            width: width as f32,
            line_join: krilla::paint::LineJoin::Round,
            opacity,
            ..Default::default()
        })
    });
    let fill = krilla_paint(t.fill).map(|(paint, opacity)| krilla::paint::Fill {
        paint,
        opacity,
        ..Default::default()
    });
    for (fill, stroke) in [(None, halo), (fill, None)] {
        if fill.is_none() && stroke.is_none() {
            continue;
        }
        surface.set_fill(fill);
        surface.set_stroke(stroke);
        for (i, (line, text)) in t.shaped.iter().zip(&t.lines).enumerate() {
            let text = clean_text(text);
            let x = t.line_start_x(line.width);
            let y = t.y + i as f64 * t.line_height;
            draw_line(surface, line, &text, x, y, fonts);
        }
    }
    surface.set_fill(None);
    surface.set_stroke(None);
    if t.rotate != 0.0 {
        surface.pop();
    }
}

/// One shaped line, a text operation per run of one face, each glyph with the characters of
/// its cluster.
fn draw_line(
    surface: &mut Surface,
    line: &ShapedLine,
    text: &str,
    x: f64,
    y: f64,
    fonts: &mut PdfFonts,
) {
    let ranges = line.cluster_ranges(text.len());
    let size = line.size;
    let mut at = x;
    let mut i = 0;
    while i < line.glyphs.len() {
        let face = line.glyphs[i].face;
        let len = line.glyphs[i..]
            .iter()
            .take_while(|g| g.face == face)
            .count();
        let (run, run_ranges) = (&line.glyphs[i..i + len], &ranges[i..i + len]);
        i += len;
        let width: f64 = run.iter().map(|g| g.advance).sum();
        if let Some(font) = fonts.get(face) {
            let glyphs: Vec<KrillaGlyph> = run
                .iter()
                .zip(run_ranges)
                .map(|(g, range)| {
                    KrillaGlyph::new(
                        krilla::text::GlyphId::new(u32::from(g.id)),
                        (g.advance / size) as f32,
                        (g.x_offset / size) as f32,
                        (g.y_offset / size) as f32,
                        0.0,
                        range.clone(),
                        None,
                    )
                })
                .collect();
            surface.draw_glyphs(
                Point::from_xy(at as f32, y as f32),
                &glyphs,
                font,
                text,
                size as f32,
                false,
            );
        }
        at += width;
    }
}

/// [`render`] with `extra` drawing on the page after the SVG.
fn render_with(svg: &str, name: &Path, extra: impl FnOnce(&mut Surface)) -> Result<Vec<u8>> {
    let unreadable = |e: &dyn std::fmt::Display| {
        Error::render(name, format!("SVG could not be parsed for PDF: {e}"))
    };
    // The same settings usvg's own `from_str` uses; parsing once here also gives the title.
    let xml = roxmltree::Document::parse_with_options(
        svg,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .map_err(|e| unreadable(&e))?;
    let tree =
        usvg::Tree::from_xmltree(&xml, &svg_reader::options()).map_err(|e| unreadable(&e))?;

    let (w, h) = (
        tree.size().width() * POINTS_PER_PX,
        tree.size().height() * POINTS_PER_PX,
    );
    if w > MAX_POINTS || h > MAX_POINTS {
        return Err(Error::render(
            name,
            format!(
                "a {w}×{h} pt PDF page is over the limit of {MAX_POINTS} pt a side ({} CSS px); lower the spec's size",
                MAX_POINTS / POINTS_PER_PX
            ),
        ));
    }
    let page_size = Size::from_wh(w, h)
        .ok_or_else(|| Error::render(name, format!("cannot make a {w}×{h} pt PDF page")))?;

    let mut document = Document::new_with(SerializeSettings::default());
    document.set_metadata(metadata(&xml));
    let mut page = document.start_page_with(PageSettings::new(page_size));
    let mut surface = page.surface();
    let settings = SvgSettings {
        embed_text: true,
        ..SvgSettings::default()
    };
    let drawn = surface.draw_svg(&tree, page_size, settings);
    extra(&mut surface);
    surface.finish();
    page.finish();
    drawn.ok_or_else(|| Error::render(name, "the SVG could not be drawn into the PDF page"))?;
    document
        .finish()
        .map_err(|e| Error::render(name, format!("PDF writing failed: {e}")))
}

/// Document title and subject from the SVG's `<title>` and `<desc>`, so a PDF viewer shows
/// the map's title rather than a file name. No date and no author: they would break
/// byte-for-byte reproducibility or say nothing true.
fn metadata(xml: &roxmltree::Document) -> Metadata {
    let child_text = |tag: &str| {
        xml.root_element()
            .children()
            .find(|n| n.has_tag_name(tag))
            .map(|n| {
                n.descendants()
                    .filter(|d| d.is_text())
                    .filter_map(|d| d.text())
                    .collect::<String>()
                    .trim()
                    .to_string()
            })
            .unwrap_or_default()
    };
    Metadata::new()
        .title(child_text("title"))
        .description(child_text("desc"))
        .creator("mapfig".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 300" font-family="Noto Sans">
<title>Test map</title><desc>A square and a label.</desc>
<rect x="10" y="10" width="100" height="80" fill="#c0392b"/>
<text x="20" y="150" font-size="20" fill="#222" stroke="#fff" stroke-width="3" paint-order="stroke">Kunduz</text>
</svg>"##;

    /// `[x0 y0 x1 y1]` of the first `/MediaBox` in an uncompressed page dictionary.
    fn media_box(pdf: &[u8]) -> [f64; 4] {
        let text = String::from_utf8_lossy(pdf);
        let start = text.find("/MediaBox").expect("a /MediaBox") + "/MediaBox".len();
        let rest = &text[start..];
        let (open, close) = (rest.find('[').unwrap(), rest.find(']').unwrap());
        let nums: Vec<f64> = rest[open + 1..close]
            .split_whitespace()
            .map(|n| n.parse().unwrap())
            .collect();
        nums.try_into().expect("four numbers")
    }

    #[test]
    fn converts_with_the_page_in_points() {
        let pdf = render(SVG, Path::new("t.pdf")).unwrap();
        assert!(pdf.starts_with(b"%PDF-"), "{:?}", &pdf[..8]);
        assert_eq!(media_box(&pdf), [0.0, 0.0, 300.0, 225.0]);
        // The bundled font went in as a subset, not as the whole 600 kB file.
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("+NotoSans"), "no embedded Noto Sans subset");
        assert!(pdf.len() < 60_000, "{} bytes", pdf.len());
    }

    #[test]
    fn same_svg_gives_the_same_bytes() {
        let a = render(SVG, Path::new("t.pdf")).unwrap();
        let b = render(SVG, Path::new("t.pdf")).unwrap();
        assert!(a == b, "two conversions differ");
        let text = String::from_utf8_lossy(&a);
        assert!(!text.contains("CreationDate") && !text.contains("xmp:CreateDate"));
    }

    #[test]
    fn title_and_description_become_metadata() {
        let xml = roxmltree::Document::parse(SVG).unwrap();
        let m = format!("{:?}", metadata(&xml));
        assert!(m.contains("title: Some(\"Test map\")"), "{m}");
        assert!(
            m.contains("description: Some(\"A square and a label.\")"),
            "{m}"
        );
    }

    #[test]
    fn bad_svg_is_a_render_error_naming_the_file() {
        let e = render("<svg", Path::new("maps/x.toml")).unwrap_err();
        assert!(matches!(e, Error::Render { .. }), "{e:?}");
        assert!(e.to_string().starts_with("maps/x.toml: "), "{e}");
    }

    #[test]
    fn oversized_page_is_refused() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20000 100"/>"#;
        let e = render(svg, Path::new("big.toml")).unwrap_err();
        assert!(e.to_string().contains("14400"), "{e}");
    }
}
