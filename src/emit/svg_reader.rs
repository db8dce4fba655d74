//! Reading mapfig's SVG back with usvg: the parse options (bundled fonts only, nothing
//! loaded from disk or the network) the PDF writer converts with, and resvg's rendering of
//! the SVG to PNG, the reference the direct PNG writer ([`super::raster`]) is held to.
//! Deterministic: the same SVG and scale always give the same bytes.

use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::text::fonts;
use resvg::{tiny_skia, usvg};
use std::path::Path;

/// Parse options that load nothing from disk or the network and use the bundled fonts.
pub fn options() -> usvg::Options<'static> {
    let mut opt = usvg::Options {
        font_family: fonts::FAMILY.to_string(),
        fontdb: fonts::database(),
        ..usvg::Options::default()
    };
    // Never resolve external files named inside an SVG.
    opt.image_href_resolver = usvg::ImageHrefResolver {
        resolve_data: Box::new(|_, _, _| None),
        resolve_string: Box::new(|_, _| None),
    };
    opt.resources_dir = None;
    opt
}

/// Rasterizes SVG text at `scale` (2.0 gives a PNG twice the SVG's CSS size).
/// `name` is the file the PNG is for, used in errors.
pub fn render(svg: &str, scale: f64, name: &Path, limits: &Limits) -> Result<Vec<u8>> {
    crate::limits::check_scale(scale).map_err(|m| Error::Usage(format!("--scale {m}")))?;
    let tree = usvg::Tree::from_str(svg, &options()).map_err(|e| {
        Error::render(
            name,
            format!("SVG could not be parsed for rasterizing: {e}"),
        )
    })?;
    let size = tree.size();
    let (w, h) = (
        (f64::from(size.width()) * scale).round(),
        (f64::from(size.height()) * scale).round(),
    );
    crate::limits::check_pixels(w, h, limits, name)?;
    let mut pixmap = tiny_skia::Pixmap::new(w as u32, h as u32)
        .ok_or_else(|| Error::render(name, format!("cannot allocate a {w}×{h} image")))?;
    let ts = tiny_skia::Transform::from_scale(
        (w / f64::from(size.width())) as f32,
        (h / f64::from(size.height())) as f32,
    );
    resvg::render(&tree, ts, &mut pixmap.as_mut());
    pixmap
        .encode_png()
        .map_err(|e| Error::render(name, format!("PNG encoding failed: {e}")))
}
