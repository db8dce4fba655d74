//! Legends through the real binary and every output: a constant layer's row as before, the
//! `legend` table placing the legend in a named corner or beside the map (which then gives
//! up room for it), and a colour ramp drawn alike in the SVG and the PNG.

mod common;

use common::{mapfig, root, scratch, stderr};
use mapfig::color::{Paint, Rgba};
use mapfig::scene::{Node, Scene};
use mapfig::spec::LegendDirection;
use mapfig::symbology::legend::{LegendBlock, LegendBody, Swatch, SwatchKind};
use std::path::{Path, PathBuf};

/// Renders a world map whose one layer has `legend` (a TOML value), in SVG and PNG.
fn render(name: &str, legend: &str) -> (PathBuf, std::process::Output) {
    render_sized(name, legend, "")
}

/// [`render`] with more top-level keys (`top`).
fn render_sized(name: &str, legend: &str, top: &str) -> (PathBuf, std::process::Output) {
    let dir = scratch("legends", name);
    let data = root().join("tests/data/countries-110m.geojson");
    let spec = format!(
        "{top}[[layer]]\nid = \"land\"\nsource = {:?}\nfill = \"#d0b07a\"\nlegend = {legend}\n[furniture]\nframe = true\nscale_bar = false\n",
        data.display().to_string()
    );
    std::fs::write(dir.join("map.toml"), spec).unwrap();
    let o = mapfig()
        .args(["render", "map.toml", "-o", "out", "--format", "svg,png"])
        .current_dir(&dir)
        .output()
        .unwrap();
    (dir, o)
}

/// The value of attribute `name` in the first tag of `svg` that holds `marker`.
fn attr(svg: &str, marker: &str, name: &str) -> f64 {
    let at = svg
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in the SVG"));
    let start = svg[..at + 1].rfind('<').unwrap();
    let tag = &svg[start..start + svg[start..].find('>').unwrap()];
    let key = format!(" {name}=\"");
    let v = &tag[tag
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in {tag}"))
        + key.len()..];
    v[..v.find('"').unwrap()].parse().unwrap()
}

/// `[x0, y0, x1, y1]` of the rect whose tag holds `marker` (the first after `after`).
fn rect(svg: &str, after: &str, marker: &str) -> [f64; 4] {
    let from = svg
        .find(after)
        .unwrap_or_else(|| panic!("no {after} in the SVG"));
    let s = &svg[from..];
    let (x, y) = (attr(s, marker, "x"), attr(s, marker, "y"));
    [
        x,
        y,
        x + attr(s, marker, "width"),
        y + attr(s, marker, "height"),
    ]
}

fn overlaps(a: [f64; 4], b: [f64; 4]) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

/// RGB pixels of a PNG, its width and height.
fn pixels(path: &Path) -> (Vec<u8>, usize, usize) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let n = info.color_type.samples();
    assert!(n >= 3, "an RGB(A) PNG, got {n} channels");
    let rgb = buf.chunks(n).flat_map(|p| [p[0], p[1], p[2]]).collect();
    (rgb, info.width as usize, info.height as usize)
}

fn pixel(p: &(Vec<u8>, usize, usize), x: f64, y: f64, scale: f64) -> [u8; 3] {
    let (xi, yi) = ((x * scale) as usize, (y * scale) as usize);
    let i = (yi * p.1 + xi) * 3;
    [p.0[i], p.0[i + 1], p.0[i + 2]]
}

fn close(a: [u8; 3], b: [u8; 3], tolerance: u8) -> bool {
    a.iter().zip(&b).all(|(p, q)| p.abs_diff(*q) <= tolerance)
}

#[test]
fn a_constant_layer_keeps_its_one_row_inside_the_frame() {
    let (dir, o) = render("constant", "\"Countries\"");
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = std::fs::read_to_string(dir.join("out/map.svg")).unwrap();
    assert!(svg.contains(r#"<g aria-label="Legend: Countries" class="legend" id="map_legend">"#));
    let frame = rect(&svg, "", r#"id="map_frame""#);
    let panel = rect(&svg, r#"id="map_legend""#, "furniture-background");
    assert!(panel[0] >= frame[0] && panel[2] <= frame[2] && panel[3] <= frame[3]);
    assert_eq!(
        frame,
        [20.0, 20.0, 1180.0, 880.0],
        "the frame gives up nothing"
    );
}

#[test]
fn a_named_corner_holds_the_legend() {
    let (dir, o) = render(
        "corner",
        "{ title = \"Countries\", position = \"bottom-right\" }",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = std::fs::read_to_string(dir.join("out/map.svg")).unwrap();
    let frame = rect(&svg, "", r#"id="map_frame""#);
    let panel = rect(
        &svg,
        r#"id="map_legend-bottom-right""#,
        "furniture-background",
    );
    assert!(
        (frame[2] - 10.0 - panel[2]).abs() < 0.01,
        "{panel:?} in {frame:?}"
    );
    assert!(
        (frame[3] - 10.0 - panel[3]).abs() < 0.01,
        "{panel:?} in {frame:?}"
    );
    assert!(svg.contains(r#"aria-label="Legend: Countries""#));
}

/// Above and right of the map, the legend stands outside the map frame, which shrinks to
/// make room: in the SVG's geometry and in the PNG's pixels (the swatch's colour shows
/// at the swatch, outside the frame, and the frame's own edge passes clear of it).
#[test]
fn legends_beside_the_map_leave_its_frame_clear() {
    for (position, id) in [("right", "map_legend-right"), ("above", "map_legend-above")] {
        let (dir, o) = render(
            position,
            &format!("{{ title = \"Countries of the world\", position = \"{position}\" }}"),
        );
        assert!(o.status.success(), "{position}: {}", stderr(&o));
        let svg = std::fs::read_to_string(dir.join("out/map.svg")).unwrap();
        let frame = rect(&svg, "", r#"id="map_frame""#);
        let panel = rect(&svg, &format!("id=\"{id}\""), "furniture-background");
        let swatch = rect(&svg, &format!("id=\"{id}\""), "legend-swatch");
        assert!(
            !overlaps(frame, panel),
            "{position}: {panel:?} over {frame:?}"
        );
        match position {
            "right" => assert!(frame[2] < 1180.0 && panel[0] > frame[2] && panel[2] <= 1180.0),
            _ => assert!(frame[1] > 20.0 && panel[3] < frame[1] && panel[1] >= 20.0),
        }
        // The map's data stays inside the smaller frame: its clip is the frame.
        let clip = rect(&svg, r#"<clipPath id="map_map-frame">"#, "<rect");
        assert_eq!(clip, frame, "{position}");
        let png = pixels(&dir.join("out/map.png"));
        let scale = png.1 as f64 / 1200.0;
        let centre = [(swatch[0] + swatch[2]) / 2.0, (swatch[1] + swatch[3]) / 2.0];
        assert!(close(
            pixel(&png, centre[0], centre[1], scale),
            [0xd0, 0xb0, 0x7a],
            2
        ));
        // Between the frame's edge and the legend: page background, no data, no legend.
        let gap = match position {
            "right" => [(frame[2] + panel[0]) / 2.0, centre[1]],
            _ => [centre[0], (panel[3] + frame[1]) / 2.0],
        };
        assert!(
            close(pixel(&png, gap[0], gap[1], scale), [255, 255, 255], 0),
            "{position}"
        );
    }
}

#[test]
fn a_legend_with_no_room_beside_a_small_map_is_left_out_with_a_warning() {
    let (dir, o) = render_sized(
        "small",
        "{ title = \"Countries of the world\", position = \"right\" }",
        "size = [160, 130]\n",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("legend right of the map dropped"), "{e}");
    let svg = std::fs::read_to_string(dir.join("out/map.svg")).unwrap();
    assert!(!svg.contains("legend-right"));
    let frame = rect(&svg, "", r#"id="map_frame""#);
    assert!(
        frame[2] - frame[0] >= 100.0,
        "the frame kept its width: {frame:?}"
    );
}

#[test]
fn a_wrong_legend_table_is_refused_at_its_place() {
    let (dir, o) = render("wrong", "{ title = \"x\", format = \".1q\" }");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("map.toml:5:") && e.contains("legend format"),
        "{e}"
    );
    assert!(!dir.join("out").exists() || common::files_in(&dir.join("out")).is_empty());
}

/// A ramp block as the scales make one: the PNG runs from the first stop's colour at the
/// bottom to the last's at the top, through the middle stop, drawn as the same strips
/// the SVG (and so the PDF, which is drawn from the SVG) holds.
#[test]
fn a_ramp_runs_from_the_first_stop_to_the_last_in_the_png() {
    let stops = [
        (0.0, Rgba::rgb(0x44, 0x01, 0x54)),
        (0.5, Rgba::rgb(0x21, 0x91, 0x8c)),
        (1.0, Rgba::rgb(0xfd, 0xe7, 0x25)),
    ];
    let block = LegendBlock {
        title: Some("Significance".into()),
        body: LegendBody::Ramp {
            stops: stops.to_vec(),
            ticks: vec![
                (0.0, "0".into()),
                (0.5, "500".into()),
                (1.0, "1,000".into()),
            ],
        },
        missing: Some(Swatch {
            text: "No data".into(),
            kind: SwatchKind::Area,
            style: mapfig::scene::Style {
                fill: Paint::rgb(0xcc, 0xcc, 0xcc),
                ..Default::default()
            },
        }),
    };
    let (node, b) =
        mapfig::layout::legend::legend_panel(&[block], LegendDirection::Vertical, 10.0, 10.0);
    let mut ramp = Vec::new();
    collect_ramp(&node, &mut ramp);
    let x = ramp[0][0] + ramp[0][2] / 2.0;
    let bottom = ramp.iter().map(|r| r[1] + r[3]).fold(0.0, f64::max);
    let top = ramp.iter().map(|r| r[1]).fold(f64::INFINITY, f64::min);
    let mut scene = Scene {
        width: b.x1 + 10.0,
        height: b.y1 + 10.0,
        title: "ramp".into(),
        description: String::new(),
        background: Paint::rgb(255, 255, 255),
        clips: Vec::new(),
        nodes: vec![node],
        dark_variant: None,
        id_prefix: "r".into(),
    };
    scene.shape_texts();
    let dir = scratch("legends", "ramp");
    let png =
        mapfig::emit::raster::render_png(&scene, 2.0, &dir.join("r.png"), &Default::default())
            .unwrap();
    std::fs::write(dir.join("r.png"), png).unwrap();
    let p = pixels(&dir.join("r.png"));
    let rgb = |c: Rgba| [c.r, c.g, c.b];
    assert!(
        close(pixel(&p, x, bottom - 1.0, 2.0), rgb(stops[0].1), 6),
        "{:?}",
        pixel(&p, x, bottom - 1.0, 2.0)
    );
    assert!(
        close(pixel(&p, x, top + 1.0, 2.0), rgb(stops[2].1), 6),
        "{:?}",
        pixel(&p, x, top + 1.0, 2.0)
    );
    let mid = pixel(&p, x, (top + bottom) / 2.0, 2.0);
    assert!(
        close(mid, rgb(stops[1].1), 6),
        "{mid:?} between {top} and {bottom}"
    );
    // No seam: every pixel down the middle of the ramp is opaque ramp colour, never the
    // white page between strips.
    let mut y = top + 0.5;
    while y < bottom - 0.5 {
        assert_ne!(pixel(&p, x, y, 2.0), [255, 255, 255], "seam at {y}");
        y += 0.5;
    }
    let svg = mapfig::emit::svg::to_svg(&scene);
    assert_eq!(svg.matches("class=\"legend-ramp\"").count(), ramp.len());
    assert!(
        !svg.contains("Gradient"),
        "strips, not a gradient the outputs could draw apart"
    );
}

fn collect_ramp(n: &Node, out: &mut Vec<[f64; 4]>) {
    match n {
        Node::Group(g) => g.children.iter().for_each(|c| collect_ramp(c, out)),
        Node::Shape(s) if s.class.as_deref() == Some("legend-ramp") => {
            if let mapfig::scene::ShapeGeometry::Rect { x, y, w, h, .. } = s.geometry {
                out.push([x, y, w, h]);
            }
        }
        _ => {}
    }
}
