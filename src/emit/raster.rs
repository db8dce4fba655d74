//! Scene → pixels with tiny-skia directly, without writing and re-parsing SVG: shapes are
//! filled and stroked as the SVG would draw them; text is drawn from the bundled fonts'
//! glyph outlines with the advances layout measured it with.

use crate::color::Paint;
use crate::error::{Error, Result};
use crate::fonts;
use crate::scene::{Group, Node, Scene, Shape, ShapeGeometry, Style, Text, TextAnchor};
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
    if !(scale.is_finite() && scale > 0.0 && scale <= 16.0) {
        return Err(Error::Usage(format!(
            "--scale must be above 0 and at most 16, got {scale}"
        )));
    }
    let (w, h) = (
        (scene.width * scale).round(),
        (scene.height * scale).round(),
    );
    crate::limits::check_pixels(w, h, limits, name)?;
    let mut pixmap = Pixmap::new(w as u32, h as u32)
        .ok_or_else(|| Error::render(name, format!("cannot allocate a {w}×{h} image")))?;
    let ts = Transform::from_scale((w / scene.width) as f32, (h / scene.height) as f32);
    let mut r = Renderer {
        ts,
        scene,
        masks: Vec::new(),
    };
    if let Some(p) = paint(scene.background, 1.0) {
        pixmap.fill_rect(
            sk::Rect::from_xywh(0.0, 0.0, scene.width as f32, scene.height as f32).unwrap_or(
                sk::Rect::from_xywh(0.0, 0.0, 1.0, 1.0).unwrap_or_else(|| unreachable!()),
            ),
            &p,
            ts,
            None,
        );
    }
    let base = Style::default();
    for n in &scene.nodes {
        r.node(&mut pixmap, n, &base, None);
    }
    encode(&pixmap).map_err(|e| Error::render(name, format!("PNG encoding failed: {e}")))
}

/// PNG with fdeflate's fast mode (several times faster than the default level, files a
/// little larger); RGB when every pixel is opaque, else RGBA.
fn encode(pixmap: &Pixmap) -> std::result::Result<Vec<u8>, png::EncodingError> {
    let opaque = pixmap.pixels().iter().all(|p| p.alpha() == 255);
    let data: Vec<u8> = if opaque {
        pixmap
            .pixels()
            .iter()
            .flat_map(|p| [p.red(), p.green(), p.blue()])
            .collect()
    } else {
        pixmap
            .pixels()
            .iter()
            .flat_map(|p| {
                let c = p.demultiply();
                [c.red(), c.green(), c.blue(), c.alpha()]
            })
            .collect()
    };
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
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
        let Some(path) = sk_path(&s.geometry) else {
            return;
        };
        let mask = clip.map(|i| &self.masks[i].1);
        let alpha = style.opacity;
        if let Some(p) = paint(style.fill, style.fill_opacity * alpha) {
            pm.fill_path(&path, &p, FillRule::EvenOdd, self.ts, mask);
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
                pm.stroke_path(&path, &p, &stroke, self.ts, mask);
            }
        }
    }

    /// Text as glyph outlines from the bundled fonts, with the same advances layout
    /// measured with (so what was placed is what is drawn); the halo is a stroke under it.
    fn text(&mut self, pm: &mut Pixmap, t: &Text) {
        let mut d = String::new();
        for (i, line) in t.lines.iter().enumerate() {
            let line = super::svg::clean_text(line);
            let w = fonts::text_width(&line, t.size, t.bold, t.italic, t.letter_spacing);
            let x = match t.anchor {
                TextAnchor::Start => t.x,
                TextAnchor::Middle => t.x - w / 2.0,
                TextAnchor::End => t.x - w,
            };
            d.push_str(&fonts::outline(
                &line,
                t.size,
                t.bold,
                t.italic,
                t.letter_spacing,
                x,
                t.y + i as f64 * t.line_height,
            ));
        }
        let Some(path) = parse_path(&d) else { return };
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
        ShapeGeometry::Path(d) => parse_path(d),
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

/// Reads back the path data mapfig writes (M, L, C, Q, Z with absolute `x,y` pairs).
fn parse_path(d: &str) -> Option<SkPath> {
    let b = d.as_bytes();
    let mut i = 0;
    let mut pb = PathBuilder::with_capacity(d.len() / 12, d.len() / 12);
    let num = |i: &mut usize| -> Option<f32> {
        let start = *i;
        while *i < b.len() && matches!(b[*i], b'0'..=b'9' | b'.' | b'-' | b'e' | b'E' | b'+') {
            *i += 1;
        }
        let v = std::str::from_utf8(&b[start..*i]).ok()?.parse::<f32>().ok();
        while *i < b.len() && matches!(b[*i], b',' | b' ') {
            *i += 1;
        }
        v
    };
    while i < b.len() {
        let cmd = b[i];
        i += 1;
        match cmd {
            b'M' => {
                let (x, y) = (num(&mut i)?, num(&mut i)?);
                pb.move_to(x, y);
            }
            b'L' => {
                let (x, y) = (num(&mut i)?, num(&mut i)?);
                pb.line_to(x, y);
            }
            b'Q' => {
                let v = [num(&mut i)?, num(&mut i)?, num(&mut i)?, num(&mut i)?];
                pb.quad_to(v[0], v[1], v[2], v[3]);
            }
            b'C' => {
                let v = [
                    num(&mut i)?,
                    num(&mut i)?,
                    num(&mut i)?,
                    num(&mut i)?,
                    num(&mut i)?,
                    num(&mut i)?,
                ];
                pb.cubic_to(v[0], v[1], v[2], v[3], v[4], v[5]);
            }
            b'Z' => pb.close(),
            b' ' => {}
            _ => return None,
        }
    }
    pb.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_path_data() {
        let p = parse_path(
            "M0.00,0.00L10.00,0.00L10.00,10.00ZM20.00,20.00C21.00,21.00 22.00,22.00 23.00,20.00",
        )
        .unwrap();
        assert_eq!(p.bounds().right(), 23.0);
        assert!(parse_path("M0,0X1").is_none());
    }
}
