//! The graticule: meridians and parallels every N degrees over the map frame, labelled
//! along its left and bottom edges, projected like the data so they agree with it exactly.

use super::furniture::{label_text, WHITE};
use super::labels::measure;
use super::occupied::Occupied;
use crate::color::Paint;
use crate::geom::BoxPx;
use crate::geom::{Bounds, Flat, Pt};
use crate::projection::{Fit, Projection};
use crate::scene::{Group, Node, PathData, Shape, Style, TextAnchor};

/// The most graticule lines (meridians and parallels together) one map draws in view: a
/// finer step is an error, not a huge file.
pub const MAX_GRATICULE_LINES: usize = 1000;

/// The most points one graticule line is sampled at.
const MAX_SAMPLES: f64 = 500.0;

/// Graticule lines every `step` degrees over the frame, with degree labels along the left
/// and bottom edges (registered in `occupied`). Lines are made only over the frame's own
/// lon/lat range (taken round the projection's central meridian, so a map across the
/// antimeridian gets its lines), then go through `prepare` — the same clipping to the
/// projection's domain and the map's neighbourhood as the data — before they are projected.
/// `Err` holds the number of lines the step would need when that is over
/// [`MAX_GRATICULE_LINES`].
pub fn graticule(
    projection: &Projection,
    fit: &Fit,
    frame: BoxPx,
    step: f64,
    occupied: &mut Occupied,
    prepare: &dyn Fn(Flat) -> Flat,
) -> Result<Option<Node>, usize> {
    let lon_0 = projection.central_meridian();
    let unwrap = |lon: f64| lon_0 + (lon - lon_0 + 180.0).rem_euclid(360.0) - 180.0;
    // The frame's lon/lat extent, from a grid over it: where the globe ends inside the
    // frame (an orthographic disc) its edges alone do not invert.
    let mut ll = Bounds::default();
    for i in 0..=32 {
        for j in 0..=32 {
            let (u, v) = (f64::from(i) / 32.0, f64::from(j) / 32.0);
            let p = [frame.x0 + u * frame.width(), frame.y0 + v * frame.height()];
            let m = fit.to_projected(p);
            if let Some(g) = projection.inverse(m[0], m[1]) {
                ll.add([unwrap(g[0]), g[1]]);
            }
        }
    }
    let Some([mut w, mut s, mut e, mut n]) = ll.get() else {
        return Ok(None);
    };
    // A pole inside the frame: every meridian meets there.
    for (lat, north) in [(90.0, true), (-90.0, false)] {
        if let Some(m) = projection.forward(lon_0, lat) {
            let p = fit.to_pixel(m);
            if p[0] >= frame.x0 && p[0] <= frame.x1 && p[1] >= frame.y0 && p[1] <= frame.y1 {
                (w, e) = (lon_0 - 180.0, lon_0 + 180.0);
                if north {
                    n = 90.0;
                } else {
                    s = -90.0;
                }
            }
        }
    }
    let (w, s, e, n) = (
        (w - step).max(lon_0 - 180.0),
        (s - step).max(-90.0),
        (e + step).min(lon_0 + 180.0),
        (n + step).min(90.0),
    );
    let count =
        |a: f64, b: f64| ((b / step + 1e-9).floor() - (a / step - 1e-9).ceil() + 1.0).max(0.0);
    let lines = count(w, e) + count(s, n);
    if lines > MAX_GRATICULE_LINES as f64 {
        return Err(lines.min(usize::MAX as f64) as usize);
    }
    let clip = [frame.x0, frame.y0, frame.x1, frame.y1];
    let mut d = PathData::new();
    let mut labels = Vec::new();
    let fine = |span: f64| (step / 20.0).min(0.25).max(span / MAX_SAMPLES);
    let mut k = (w / step - 1e-9).ceil();
    while k * step <= e + 1e-9 {
        let lon = k * step;
        let line: Vec<Pt> = sample(s, n, fine(n - s)).map(|lat| [lon, lat]).collect();
        if let Some(px) = project_line(projection, fit, line, clip, prepare) {
            for piece in &px {
                d.polyline(piece, false);
            }
            // Label where the meridian meets the bottom edge.
            if let Some(p) = px.iter().flatten().rfind(|p| (p[1] - frame.y1).abs() < 0.5) {
                let shown = (lon + 180.0).rem_euclid(360.0) - 180.0;
                labels.push((
                    if shown == -180.0 {
                        "180°".to_string()
                    } else {
                        format_degrees(shown, 'E', 'W')
                    },
                    [p[0], frame.y1 - 5.0],
                    TextAnchor::Middle,
                ));
            }
        }
        k += 1.0;
    }
    let mut k = (s / step - 1e-9).ceil();
    while k * step <= n + 1e-9 {
        let lat = k * step;
        let line: Vec<Pt> = sample(w, e, fine(e - w)).map(|lon| [lon, lat]).collect();
        if let Some(px) = project_line(projection, fit, line, clip, prepare) {
            for piece in &px {
                d.polyline(piece, false);
            }
            if let Some(p) = px.iter().flatten().find(|p| (p[0] - frame.x0).abs() < 0.5) {
                labels.push((
                    format_degrees(lat, 'N', 'S'),
                    [frame.x0 + 4.0, p[1] - 3.0],
                    TextAnchor::Start,
                ));
            }
        }
        k += 1.0;
    }
    if d.is_empty() {
        return Ok(None);
    }
    let mut children = vec![Node::Shape(Shape::path("graticule-lines", d).with_style(
        Style {
            stroke: Paint::rgb(0x6a, 0x6a, 0x6a),
            stroke_width: 0.5,
            opacity: 0.45,
            ..Style::default()
        },
    ))];
    for (text, p, anchor) in labels {
        let m = measure(std::slice::from_ref(&text), 9.5, false, false, 1.0);
        let x0 = match anchor {
            TextAnchor::Start => p[0],
            TextAnchor::Middle => p[0] - m.width / 2.0,
            TextAnchor::End => p[0] - m.width,
        };
        let b = BoxPx::new(x0, p[1] + m.top, x0 + m.width, p[1] + m.bottom);
        if !b.inside(&frame) || occupied.collides(&b) {
            continue;
        }
        occupied.add(b);
        children.push(Node::Text(crate::scene::Text {
            class: Some("graticule-label".into()),
            halo: Some((WHITE, 2.0)),
            ..label_text(&text, p[0], p[1], 9.5, anchor, Paint::rgb(0x55, 0x55, 0x55))
        }));
    }
    let group = Group::named("graticule", "graticule", children)
        .with_label(format!("Graticule every {step}°"))
        .clipped_to("map-frame");
    Ok(Some(Node::Group(group)))
}

fn sample(a: f64, b: f64, step: f64) -> impl Iterator<Item = f64> {
    let n = (((b - a) / step).ceil() as usize).clamp(1, MAX_SAMPLES as usize);
    (0..=n).map(move |i| a + (b - a) * i as f64 / n as f64)
}

fn project_line(
    projection: &Projection,
    fit: &Fit,
    line: Vec<Pt>,
    clip: [f64; 4],
    prepare: &dyn Fn(Flat) -> Flat,
) -> Option<Vec<Vec<Pt>>> {
    let flat = prepare(Flat {
        lines: vec![line],
        ..Flat::default()
    });
    let px = crate::projection::to_pixels(
        &crate::projection::project_flat(&flat, projection),
        fit,
        clip,
    );
    (!px.lines.is_empty()).then_some(px.lines)
}

fn format_degrees(v: f64, pos: char, neg: char) -> String {
    let a = v.abs();
    let n = if a.fract().abs() < 1e-9 {
        format!("{}", a.round() as i64)
    } else {
        format!("{a:.1}")
    };
    match v {
        v if v > 0.0 => format!("{n}°{pos}"),
        v if v < 0.0 => format!("{n}°{neg}"),
        _ => "0°".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degrees_read_naturally() {
        assert_eq!(format_degrees(70.0, 'E', 'W'), "70°E");
        assert_eq!(format_degrees(-2.5, 'N', 'S'), "2.5°S");
        assert_eq!(format_degrees(0.0, 'N', 'S'), "0°");
    }

    #[test]
    fn graticule_draws_lines_and_labels() {
        let p = Projection::auto([60.0, 29.0, 75.0, 39.0]).unwrap();
        let a = p.forward(60.0, 29.0).unwrap();
        let b = p.forward(75.0, 39.0).unwrap();
        let fit = Fit::new([a[0], a[1], b[0], b[1]], [0.0, 0.0, 800.0, 600.0], 0.0);
        let mut occ = Occupied::default();
        let node = graticule(
            &p,
            &fit,
            BoxPx::new(0.0, 0.0, 800.0, 600.0),
            5.0,
            &mut occ,
            &|f| f,
        )
        .unwrap()
        .unwrap();
        let Node::Group(g) = node else {
            panic!("group")
        };
        let texts = g
            .children
            .iter()
            .filter(|c| matches!(c, Node::Text(_)))
            .count();
        assert!(texts >= 3, "{texts}");
    }
}
