//! The hatch fill (`hatch = "#..."` on a layer; the missing-data class's hatch) draws the
//! same diagonal lines in every output: the PNG mapfig draws, the PDF as poppler draws it,
//! and the SVG as resvg draws it. Each is checked pixel by pixel against the lines'
//! definition: a point `(x, y)` of the page is on a line when `(x + y)/√2 mod 6 < 2`
//! (6 px apart, 2 px wide, at 45°), so spacing, angle, width and phase are all pinned.

use std::path::Path;
use std::process::Command;
mod common;
use common::{mapfig, scratch, stderr};

const YELLOW: [u8; 3] = [0xff, 0xff, 0x00];
const BLUE: [u8; 3] = [0x00, 0x00, 0xff];

/// A 300×300 px map of one square, filled yellow and hatched blue, in `formats`, at PNG
/// scale `scale`, written to `dir/out`.
fn render(dir: &Path, formats: &str, scale: &str) {
    std::fs::write(
        dir.join("sq.geojson"),
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","id":"sq","properties":{"name":"Square"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]]]}}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("spec.toml"),
        "size = [300, 300]\nprojection = \"EPSG:4326\"\nextent = { fit = \"sq\" }\n\
         [[layer]]\nid = \"sq\"\nsource = \"sq.geojson\"\nfill = \"#ffff00\"\nhatch = \"#0000ff\"\nstroke = \"none\"\n",
    )
    .unwrap();
    let o = mapfig()
        .current_dir(dir)
        .args([
            "render",
            "spec.toml",
            "--format",
            formats,
            "--scale",
            scale,
            "-o",
            "out",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

/// An RGB image: width, height, 3 bytes a pixel.
struct Rgb {
    w: usize,
    h: usize,
    px: Vec<u8>,
}

impl Rgb {
    fn at(&self, x: usize, y: usize) -> [u8; 3] {
        let i = (y * self.w + x) * 3;
        [self.px[i], self.px[i + 1], self.px[i + 2]]
    }
}

fn read_png(path: &Path) -> Rgb {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let channels = info.color_type.samples();
    assert!(channels >= 3, "{:?}", info.color_type);
    let px = buf[..info.buffer_size()]
        .chunks(channels)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    Rgb {
        w: info.width as usize,
        h: info.height as usize,
        px,
    }
}

fn near(a: [u8; 3], b: [u8; 3]) -> bool {
    a.iter().zip(&b).all(|(p, q)| p.abs_diff(*q) < 70)
}

/// Checks the pixels of `img` (drawn at `scale` pixels per CSS pixel) inside the square,
/// away from its edges and the scale bar: each pixel whose centre is clearly on a line is
/// blue, each clearly between lines is yellow; and along a row the colours alternate with
/// the lines' period. `what` names the output in failures.
fn assert_hatched(img: &Rgb, scale: f64, what: &str) {
    assert_eq!(img.w as f64, 300.0 * scale, "{what}: width");
    let (mut agree, mut checked) = (0usize, 0usize);
    let lo = (60.0 * scale) as usize;
    let hi = (200.0 * scale) as usize;
    for y in lo..hi {
        for x in lo..(240.0 * scale) as usize {
            let (ux, uy) = ((x as f64 + 0.5) / scale, (y as f64 + 0.5) / scale);
            let u = ((ux + uy) / std::f64::consts::SQRT_2).rem_euclid(6.0);
            // A pixel whose square reaches over a line's edge is anti-aliased: left out. Its
            // corners reach ±1/√2 device pixels across the lines.
            let margin = 0.75 / scale;
            let want = if u > margin && u < 2.0 - margin {
                BLUE
            } else if u > 2.0 + margin && u < 6.0 - margin {
                YELLOW
            } else {
                continue;
            };
            checked += 1;
            if near(img.at(x, y), want) {
                agree += 1;
            }
        }
    }
    assert!(checked > 5000, "{what}: only {checked} pixels checked");
    assert!(
        agree as f64 >= 0.98 * checked as f64,
        "{what}: {agree} of {checked} pixels are the colour the hatch's lines give them"
    );
    // Along a row, runs of blue and yellow alternate: 180 CSS px / (6√2 px a period) ≈ 21
    // lines.
    let y = (150.0 * scale) as usize;
    let mut runs = Vec::new();
    for x in lo..(240.0 * scale) as usize {
        let p = img.at(x, y);
        let c = if near(p, BLUE) {
            'b'
        } else if near(p, YELLOW) {
            'y'
        } else {
            continue;
        };
        if runs.last() != Some(&c) {
            runs.push(c);
        }
    }
    let lines = runs.iter().filter(|c| **c == 'b').count();
    assert!(
        (20..=23).contains(&lines),
        "{what}: {lines} hatch lines across the row: {runs:?}"
    );
}

#[test]
fn png_draws_the_hatch_lines() {
    let dir = scratch("hatch", "png");
    render(&dir, "png", "1");
    assert_hatched(&read_png(&dir.join("out/spec.png")), 1.0, "PNG at scale 1");
    render(&dir, "png", "2.5");
    assert_hatched(
        &read_png(&dir.join("out/spec.png")),
        2.5,
        "PNG at scale 2.5",
    );
}

#[test]
fn svg_draws_the_hatch_lines_in_resvg() {
    let dir = scratch("hatch", "svg");
    render(&dir, "svg", "1");
    let svg = std::fs::read_to_string(dir.join("out/spec.svg")).unwrap();
    assert_eq!(svg.matches("<pattern ").count(), 1, "{svg}");
    assert!(
        svg.contains(r#"<pattern height="6.00" id="spec_hatch-ffff00-0000ff" patternTransform="rotate(45.00)" patternUnits="userSpaceOnUse" width="6.00">"#),
        "{svg}"
    );
    assert!(
        svg.contains(r#"fill="url(#spec_hatch-ffff00-0000ff)""#),
        "{svg}"
    );
    let tree = resvg::usvg::Tree::from_str(&svg, &mapfig::emit::svg_reader::options()).unwrap();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(300, 300).unwrap();
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::identity(),
        &mut pixmap.as_mut(),
    );
    let px = pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue()]
        })
        .collect();
    assert_hatched(&Rgb { w: 300, h: 300, px }, 1.0, "SVG in resvg");
}

#[test]
fn pdf_draws_the_hatch_lines_in_poppler() {
    let dir = scratch("hatch", "pdf");
    render(&dir, "pdf", "1");
    // The pattern itself is the definition: a 6 × 6 tile (band 0–2 inside it, in the
    // compressed content) stepped every 6 units, scaled to points (0.75) and turned 45°
    // under the page's y-flip, from the page's top left corner (225 pt up).
    let pdf = std::fs::read(dir.join("out/spec.pdf")).unwrap();
    let text = String::from_utf8_lossy(&pdf);
    assert!(
        text.contains("/PatternType 1")
            && text.contains("/BBox[0 0 6 6]/Matrix[0.53033006 -0.53033006 -0.53033006 -0.53033006 0 225]/XStep 6/YStep 6"),
        "no tiling pattern of the hatch in the PDF"
    );
    // 384 dpi: four image pixels a CSS pixel (a PDF point is 0.75 CSS px). Poppler draws a
    // turned tiling pattern through a tile bitmap at the output resolution, snapped to
    // whole pixels: at 96 dpi its lines come out 1 px wide and up to 4 px off (the same
    // PDF at 384 dpi puts them within a pixel of the definition), so the lines are checked
    // where poppler can draw them.
    let o = Command::new("pdftoppm")
        .args(["-r", "384", "-png", "-singlefile", "out/spec.pdf", "page"])
        .current_dir(&dir)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run pdftoppm ({e}): install poppler-utils (apt-get install -y poppler-utils)")
        });
    assert!(o.status.success(), "{}", stderr(&o));
    let img = read_png(&dir.join("page.png"));
    assert_eq!(img.h, img.w);
    assert_hatched(&img, 4.0, "PDF in pdftoppm at 384 dpi");
}
