//! Scene → pixels with tiny-skia directly, without writing and re-parsing SVG: shapes are
//! filled and stroked as the SVG would draw them; text is drawn from the bundled fonts'
//! glyph outlines with the advances layout measured it with.

use crate::color::Paint;
use crate::error::{Error, Result};
use crate::scene::{Group, Node, PathCommand, PathData, Scene, Shape, ShapeGeometry, Style, Text};
use rayon::prelude::*;
use resvg::tiny_skia::{
    self as sk, FillRule, LineCap, LineJoin, Mask, Path as SkPath, PathBuilder, Pixmap, Transform,
};
use std::path::Path;

/// Rasterizes the scene at `scale` (2.0 gives a PNG twice the scene's CSS size) and
/// encodes it as PNG. `name` is the file the PNG is for, used in errors.
pub fn render_png(
    scene: &Scene,
    scale: f64,
    name: &Path,
    limits: &crate::limits::Limits,
) -> Result<Vec<u8>> {
    crate::limits::check_scale(scale).map_err(|m| Error::Usage(format!("--scale {m}")))?;
    let (w, h) = (
        (scene.width * scale).round(),
        (scene.height * scale).round(),
    );
    crate::limits::check_pixels(w, h, limits, name)?;
    // Small scenes draw in one pass: bands would repeat each big polygon's edge setup for
    // little pixel work saved.
    let vertices_ish: usize = scene.path_data_size().0 / 12;
    let band_count = if vertices_ish < BANDED_FROM { 1 } else { BANDS };
    let (wi, hi) = (w as u32, h as u32);
    let bands = draw_bands(scene, wi, hi, band_count)
        .ok_or_else(|| Error::render(name, format!("cannot allocate a {w}×{h} image")))?;
    encode(&bands, wi, hi).map_err(|e| Error::render(name, format!("PNG encoding failed: {e}")))
}

/// Draws the scene into a `w`×`h` image as `band_count` horizontal bands, top to bottom,
/// in parallel.
fn draw_bands(scene: &Scene, w: u32, h: u32, band_count: u32) -> Option<Vec<Pixmap>> {
    let (sx, sy) = (
        (f64::from(w) / scene.width) as f32,
        (f64::from(h) / scene.height) as f32,
    );
    // Path data is read once, in parallel, in scene order; every band draws from it.
    let mut geometries = Vec::new();
    scene.for_each_node(&mut |n| {
        if let Node::Shape(s) = n {
            geometries.push(&s.geometry);
        }
    });
    let paths: Vec<Option<SkPath>> = geometries.par_iter().map(|g| sk_path(g)).collect();
    let band_h = h.div_ceil(band_count.max(1)).max(1);
    (0..band_count.max(1))
        .into_par_iter()
        .filter_map(|b| {
            let y0 = b * band_h;
            (y0 < h).then(|| {
                let ts = Transform::from_row(sx, 0.0, 0.0, sy, 0.0, -(y0 as f32));
                draw_band(scene, &paths, ts, w, band_h.min(h - y0))
            })
        })
        .collect()
}

/// Big scenes are drawn as this many horizontal bands, in parallel. A constant, not the
/// number of cores, so the pixels never depend on the machine (only on the scene).
const BANDS: u32 = 8;

/// Scenes with about this many path vertices or more (path data bytes / 12) are banded.
const BANDED_FROM: usize = 100_000;

/// Draws the rows of the image that `ts` (the scene's scale, shifted up to the band's first
/// row) brings into a `w`×`h` band.
fn draw_band(
    scene: &Scene,
    paths: &[Option<SkPath>],
    ts: Transform,
    w: u32,
    h: u32,
) -> Option<Pixmap> {
    let mut pixmap = Pixmap::new(w, h)?;
    let mut r = Renderer {
        ts,
        scene,
        masks: Vec::new(),
        paths,
        next_path: 0,
    };
    // The background covers the whole canvas: a plain fill, not a rectangle through the
    // raster pipeline.
    if let Paint::Color(c) = scene.background {
        pixmap.fill(sk::Color::from_rgba8(c.r, c.g, c.b, c.a));
    }
    let base = Style::default();
    for n in &scene.nodes {
        r.node(&mut pixmap, n, &base, None);
    }
    Some(pixmap)
}

/// PNG with fdeflate's fast mode (several times faster than the default level, files a
/// little larger); RGB when every pixel is opaque, else RGBA. `bands` are the image's rows,
/// top to bottom.
fn encode(
    bands: &[Pixmap],
    width: u32,
    height: u32,
) -> std::result::Result<Vec<u8>, png::EncodingError> {
    let opaque = bands
        .iter()
        .all(|b| b.pixels().iter().all(|p| p.alpha() == 255));
    // Sized up front and filled with plain loops: an iterator chain collected here has no
    // size hint and spent more time growing the buffer than converting.
    let pixels = width as usize * height as usize;
    let data: Vec<u8> = if opaque {
        let mut data = Vec::with_capacity(pixels * 3);
        for b in bands {
            for p in b.data().chunks_exact(4) {
                data.extend_from_slice(&p[..3]);
            }
        }
        data
    } else {
        let mut data = Vec::with_capacity(pixels * 4);
        for b in bands {
            for p in b.pixels() {
                let c = p.demultiply();
                data.extend_from_slice(&[c.red(), c.green(), c.blue(), c.alpha()]);
            }
        }
        data
    };
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(if opaque {
        png::ColorType::Rgb
    } else {
        png::ColorType::Rgba
    });
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&data)?;
    writer.finish()?;
    Ok(out)
}

struct Renderer<'a> {
    ts: Transform,
    scene: &'a Scene,
    /// Clip masks made so far, by clip id.
    masks: Vec<(String, Mask)>,
    /// Every shape's path, in drawing order ([`Scene::for_each_node`]), and the next one's
    /// index.
    paths: &'a [Option<SkPath>],
    next_path: usize,
}

impl Renderer<'_> {
    fn mask(&mut self, id: &str, w: u32, h: u32) -> Option<usize> {
        if let Some(i) = self.masks.iter().position(|(k, _)| k == id) {
            return Some(i);
        }
        let [x, y, cw, ch] = self.scene.clips.iter().find(|(k, _)| k == id)?.1;
        let rect = sk::Rect::from_xywh(x as f32, y as f32, cw as f32, ch as f32)?;
        let mut mask = Mask::new(w, h)?;
        mask.fill_path(
            &PathBuilder::from_rect(rect),
            FillRule::Winding,
            true,
            self.ts,
        );
        self.masks.push((id.to_string(), mask));
        Some(self.masks.len() - 1)
    }

    fn node(&mut self, pm: &mut Pixmap, n: &Node, inherited: &Style, clip: Option<usize>) {
        match n {
            Node::Group(g) => self.group(pm, g, inherited, clip),
            Node::Shape(s) => self.shape(pm, s, inherited, clip),
            Node::Text(t) => self.text(pm, t),
        }
    }

    fn group(&mut self, pm: &mut Pixmap, g: &Group, inherited: &Style, clip: Option<usize>) {
        let style = g.style.as_ref().unwrap_or(inherited);
        let clip = match &g.clip {
            Some(id) => self.mask(id, pm.width(), pm.height()).or(clip),
            None => clip,
        };
        // Group opacity composites the children first, then fades them together.
        let opacity = g.style.as_ref().map_or(1.0, |s| s.opacity);
        let children_style = Style {
            opacity: 1.0,
            ..style.clone()
        };
        if opacity < 1.0 {
            let Some(mut layer) = Pixmap::new(pm.width(), pm.height()) else {
                return;
            };
            for c in &g.children {
                self.node(&mut layer, c, &children_style, clip);
            }
            let paint = sk::PixmapPaint {
                opacity: opacity as f32,
                ..sk::PixmapPaint::default()
            };
            pm.draw_pixmap(0, 0, layer.as_ref(), &paint, Transform::identity(), None);
        } else {
            for c in &g.children {
                self.node(pm, c, &children_style, clip);
            }
        }
    }

    fn shape(&mut self, pm: &mut Pixmap, s: &Shape, inherited: &Style, clip: Option<usize>) {
        let style = s.style.as_ref().unwrap_or(inherited);
        let index = self.next_path;
        self.next_path += 1;
        if let ShapeGeometry::Markers { kind, r, centers } = &s.geometry {
            let r = *r;
            // Each marker is built, drawn and dropped in turn: the same pixels as a shape
            // per marker, with the memory of one. Markers wholly outside this band are
            // passed over before building their path (`draw` makes the exact test; this
            // one is wider by a pixel).
            let (sy, ty) = (f64::from(self.ts.sy), f64::from(self.ts.ty));
            let reach = (style.stroke_width * 4.0 + r.abs()) * sy.abs() + 3.0;
            let height = f64::from(pm.height());
            for c in centers {
                let y = sy * c[1] + ty;
                if y + reach < 0.0 || y - reach > height {
                    continue;
                }
                if let Some(path) = sk_path(&ShapeGeometry::marker(*kind, r, *c)) {
                    self.draw(pm, &path, style, clip);
                }
            }
            return;
        }
        if let Some(path) = self.paths.get(index).and_then(Option::as_ref) {
            self.draw(pm, path, style, clip);
        }
    }

    /// Fills and strokes one path in `style`.
    fn draw(&self, pm: &mut Pixmap, path: &SkPath, style: &Style, clip: Option<usize>) {
        // Skip shapes wholly above or below this band (before stroking, the costly part).
        // The margin covers the stroke's reach, miter joins included (limit 4).
        let reach = (style.stroke_width * 4.0) as f32 * self.ts.sy.abs() + 2.0;
        if let Some(b) = path.bounds().transform(self.ts) {
            if b.bottom() + reach < 0.0 || b.top() - reach > pm.height() as f32 {
                return;
            }
        }
        let mask = clip.map(|i| &self.masks[i].1);
        let alpha = style.opacity;
        if let Some(p) = paint(style.fill, style.fill_opacity * alpha) {
            pm.fill_path(path, &p, FillRule::EvenOdd, self.ts, mask);
        }
        if let Some(p) = paint(style.stroke, alpha) {
            if style.stroke_width > 0.0 {
                let stroke = sk::Stroke {
                    width: style.stroke_width as f32,
                    line_cap: if style.round {
                        LineCap::Round
                    } else {
                        LineCap::Butt
                    },
                    line_join: if style.round {
                        LineJoin::Round
                    } else {
                        LineJoin::Miter
                    },
                    dash: if style.dash.is_empty() {
                        None
                    } else {
                        let mut d: Vec<f32> = style.dash.iter().map(|v| *v as f32).collect();
                        if d.len() % 2 == 1 {
                            d.extend(d.clone());
                        }
                        sk::StrokeDash::new(d, 0.0)
                    },
                    ..sk::Stroke::default()
                };
                pm.stroke_path(path, &p, &stroke, self.ts, mask);
            }
        }
    }

    /// Text as the glyph outlines of its shaped lines, the glyphs layout measured (so what
    /// was placed is what is drawn); the halo is a stroke under it.
    fn text(&mut self, pm: &mut Pixmap, t: &Text) {
        let Some(path) = path_from_commands(&t.glyph_outlines()) else {
            return;
        };
        let ts = if t.rotate != 0.0 {
            self.ts.pre_concat(Transform::from_rotate_at(
                t.rotate as f32,
                t.x as f32,
                t.y as f32,
            ))
        } else {
            self.ts
        };
        if let Some((halo, width)) = t.halo {
            if let Some(p) = paint(halo, 1.0) {
                let stroke = sk::Stroke {
                    width: width as f32,
                    line_join: LineJoin::Round,
                    ..sk::Stroke::default()
                };
                pm.stroke_path(&path, &p, &stroke, ts, None);
            }
        }
        if let Some(p) = paint(t.fill, 1.0) {
            pm.fill_path(&path, &p, FillRule::Winding, ts, None);
        }
    }
}

fn paint(p: Paint, alpha: f64) -> Option<sk::Paint<'static>> {
    let Paint::Color(c) = p else { return None };
    let a = (f64::from(c.a) * alpha).round().clamp(0.0, 255.0) as u8;
    if a == 0 {
        return None;
    }
    let mut paint = sk::Paint::default();
    paint.set_color_rgba8(c.r, c.g, c.b, a);
    paint.anti_alias = true;
    Some(paint)
}

fn sk_path(g: &ShapeGeometry) -> Option<SkPath> {
    match g {
        ShapeGeometry::Path(d) => path_from_commands(d),
        ShapeGeometry::Circle { cx, cy, r } => {
            PathBuilder::from_circle(*cx as f32, *cy as f32, *r as f32)
        }
        ShapeGeometry::Rect { x, y, w, h, rx } => {
            let rect = sk::Rect::from_xywh(*x as f32, *y as f32, *w as f32, *h as f32)?;
            if *rx > 0.0 {
                rounded_rect(rect, *rx as f32)
            } else {
                Some(PathBuilder::from_rect(rect))
            }
        }
        // Drawn marker by marker (see `Renderer::shape`).
        ShapeGeometry::Markers { .. } => None,
    }
}

fn rounded_rect(r: sk::Rect, rx: f32) -> Option<SkPath> {
    let rx = rx.min(r.width() / 2.0).min(r.height() / 2.0);
    // Circular arcs as cubics (the usual 0.5523 control distance), as SVG's rx draws them.
    let k = rx * 0.552_284_8;
    let (l, t, rr, b) = (r.left(), r.top(), r.right(), r.bottom());
    let mut p = PathBuilder::new();
    p.move_to(l + rx, t);
    p.line_to(rr - rx, t);
    p.cubic_to(rr - rx + k, t, rr, t + rx - k, rr, t + rx);
    p.line_to(rr, b - rx);
    p.cubic_to(rr, b - rx + k, rr - rx + k, b, rr - rx, b);
    p.line_to(l + rx, b);
    p.cubic_to(l + rx - k, b, l, b - rx + k, l, b - rx);
    p.line_to(l, t + rx);
    p.cubic_to(l, t + rx - k, l + rx - k, t, l + rx, t);
    p.close();
    p.finish()
}

/// The path of `d`'s commands, with the coordinates the SVG text states (as `f32`, what a
/// renderer reading that text gets), so the PNG draws the numbers the SVG holds.
fn path_from_commands(d: &PathData) -> Option<SkPath> {
    let mut pb = PathBuilder::with_capacity(d.len(), d.len());
    let xy = |p: [f64; 2]| (p[0] as f32, p[1] as f32);
    for command in d.commands() {
        match command {
            PathCommand::MoveTo(p) => {
                let (x, y) = xy(p);
                pb.move_to(x, y);
            }
            PathCommand::LineTo(p) => {
                let (x, y) = xy(p);
                pb.line_to(x, y);
            }
            PathCommand::QuadTo(c, p) => {
                let ((cx, cy), (x, y)) = (xy(c), xy(p));
                pb.quad_to(cx, cy, x, y);
            }
            PathCommand::CubicTo(c1, c2, p) => {
                let ((x1, y1), (x2, y2), (x, y)) = (xy(c1), xy(c2), xy(p));
                pb.cubic_to(x1, y1, x2, y2, x, y);
            }
            PathCommand::Close => pb.close(),
        }
    }
    pb.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bands meet without seams: a banded drawing of shapes crossing every band boundary
    /// (fills, strokes, a clip, text) matches the one-pass drawing.
    #[test]
    fn bands_draw_what_one_pass_draws() {
        let mut d = crate::scene::PathData::new();
        d.move_to([20.0, 7.0]);
        for i in 1..400 {
            let t = f64::from(i) / 400.0 * std::f64::consts::TAU;
            d.line_to([
                150.0 + 130.0 * t.sin(),
                100.0 - 93.0 * t.cos() + 9.0 * (7.0 * t).sin(),
            ]);
        }
        d.close();
        let style = Style {
            fill: Paint::rgb(200, 80, 40),
            fill_opacity: 0.8,
            stroke: Paint::rgb(20, 20, 20),
            stroke_width: 1.3,
            dash: vec![],
            opacity: 1.0,
            round: true,
            hatch: None,
        };
        let mut scene = Scene {
            width: 300.0,
            height: 200.0,
            title: String::new(),
            description: String::new(),
            background: Paint::rgb(250, 250, 245),
            clips: vec![("map-frame".into(), [10.0, 10.0, 280.0, 180.0])],
            nodes: vec![
                Node::Group(Group {
                    clip: Some("map-frame".into()),
                    style: Some(style),
                    children: vec![Node::Shape(Shape {
                        id: None,
                        class: None,
                        label: None,
                        geometry: ShapeGeometry::Path(d.finish()),
                        style: None,
                    })],
                    ..Group::default()
                }),
                Node::Text(Text {
                    id: None,
                    class: None,
                    x: 150.0,
                    y: 104.0,
                    lines: vec!["Kunduz".into(), "Badakhshan".into()],
                    size: 14.0,
                    bold: true,
                    italic: false,
                    fill: Paint::rgb(0, 0, 0),
                    halo: Some((Paint::rgb(255, 255, 255), 3.0)),
                    anchor: crate::scene::TextAnchor::Middle,
                    line_height: 9.0,
                    letter_spacing: 0.0,
                    rotate: 0.0,
                    shaped: Vec::new(),
                }),
            ],
            dark_variant: None,
            id_prefix: "m".into(),
        };
        scene.shape_texts();
        let one = draw_bands(&scene, 600, 400, 1).unwrap();
        let banded = draw_bands(&scene, 600, 400, BANDS).unwrap();
        assert_eq!(banded.len(), BANDS as usize);
        let a: Vec<u8> = one.iter().flat_map(|b| b.data().to_vec()).collect();
        let b: Vec<u8> = banded.iter().flat_map(|b| b.data().to_vec()).collect();
        assert_eq!(a.len(), b.len());
        let worst = a
            .iter()
            .zip(&b)
            .map(|(p, q)| p.abs_diff(*q))
            .max()
            .unwrap_or(0);
        let differing = a.iter().zip(&b).filter(|(p, q)| p != q).count();
        // A curve cut at a band's edge is flattened into slightly different segments, so a
        // few anti-aliased edge pixels of glyphs beside a seam differ by some levels
        // (measured: 6 pixels, at most 16 levels); nothing else may.
        assert!(
            worst <= 32 && differing <= a.len() / 2000,
            "a pixel differs by {worst} levels ({differing} bytes differ)"
        );
    }

    /// A path with a coordinate that is not finite is not drawn, as when such a path was
    /// read back from its text ("NaN", "inf") and refused.
    #[test]
    fn paths_that_are_not_finite_are_not_drawn() {
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e40] {
            let mut d = PathData::new();
            d.polyline(&[[0.0, 0.0], [bad, 1.0], [2.0, 2.0]], true);
            assert!(path_from_commands(&d).is_none(), "{bad}");
        }
        let mut d = PathData::new();
        d.polyline(&[[0.0, 0.0], [1e13, 1.0], [2.0, 2.0]], true);
        assert!(path_from_commands(&d).is_some());
    }
}
