//! Cartographic guarantees of the committed maps: labels never overlap each other or any
//! other element, scale bars are geodesically true, north arrows point north, and a
//! required label that cannot be placed fails under --strict-labels.

use mapfig::layout;
use mapfig::render::default_specs;
use mapfig::sources::DataCache;
use mapfig::spec;
use mapfig::text::shape as fonts;
mod common;
use common::root;

#[derive(Debug, Clone, Copy)]
struct Box2 {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Box2 {
    fn overlaps(&self, o: &Box2) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
}

fn num(n: &roxmltree::Node, attr: &str) -> f64 {
    n.attribute(attr)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

/// The ink box of a `<text>` element (cap height to descender) from the bundled font's
/// advance widths; rotated text gets the bounds of its rotated box.
fn text_box(t: roxmltree::Node) -> Box2 {
    let size = num(&t, "font-size");
    let bold = t.attribute("font-weight") == Some("bold");
    let italic = t.attribute("font-style") == Some("italic");
    let spacing = num(&t, "letter-spacing");
    let lines: Vec<String> = if t.children().any(|c| c.has_tag_name("tspan")) {
        t.children()
            .filter(|c| c.has_tag_name("tspan"))
            .map(|c| c.text().unwrap_or("").to_string())
            .collect()
    } else {
        vec![t.text().unwrap_or("").to_string()]
    };
    let line_height = t
        .children()
        .filter(|c| c.has_tag_name("tspan"))
        .nth(1)
        .map_or(0.0, |c| num(&c, "dy"));
    let w = lines
        .iter()
        .map(|l| fonts::text_width(l, size, bold, italic, spacing))
        .fold(0.0, f64::max);
    // Lines in other scripts reach as far as their shaped glyphs' ink (Arabic's tails,
    // Devanagari's vowel signs), measured here from the glyph outlines.
    let face = mapfig::text::fonts::current().select(bold, italic);
    let ink = |l: &String| {
        let shaped = mapfig::text::shape_line(l, size, face, spacing);
        if shaped.uses_fallback() {
            shaped.ink_extent()
        } else {
            (0.0, 0.0)
        }
    };
    let above = lines.first().map_or(0.0, |l| ink(l).0).max(0.72 * size);
    let below = lines.last().map_or(0.0, |l| ink(l).1).max(0.22 * size);
    let (x, y) = (num(&t, "x"), num(&t, "y"));
    // A right-to-left text's start is its right end.
    let rtl = t.attribute("direction") == Some("rtl");
    let x0 = match (t.attribute("text-anchor"), rtl) {
        (Some("middle"), _) => x - w / 2.0,
        (Some("end"), false) | (None, true) => x - w,
        _ => x,
    };
    let b = Box2 {
        x0,
        y0: y - above,
        x1: x0 + w,
        y1: y + below + line_height * (lines.len() as f64 - 1.0),
    };
    match t
        .attribute("transform")
        .and_then(|tr| tr.strip_prefix("rotate("))
    {
        Some(args) => {
            let a: Vec<f64> = args
                .trim_end_matches(')')
                .split(' ')
                .filter_map(|v| v.parse().ok())
                .collect();
            let (s, c) = a[0].to_radians().sin_cos();
            let corners = [[b.x0, b.y0], [b.x1, b.y0], [b.x0, b.y1], [b.x1, b.y1]].map(|p| {
                let (dx, dy) = (p[0] - a[1], p[1] - a[2]);
                [a[1] + dx * c - dy * s, a[2] + dx * s + dy * c]
            });
            Box2 {
                x0: corners.iter().map(|p| p[0]).fold(f64::MAX, f64::min),
                y0: corners.iter().map(|p| p[1]).fold(f64::MAX, f64::min),
                x1: corners.iter().map(|p| p[0]).fold(f64::MIN, f64::max),
                y1: corners.iter().map(|p| p[1]).fold(f64::MIN, f64::max),
            }
        }
        None => b,
    }
}

fn rect_box(n: roxmltree::Node) -> Box2 {
    let (x, y) = (num(&n, "x"), num(&n, "y"));
    Box2 {
        x0: x,
        y0: y,
        x1: x + num(&n, "width"),
        y1: y + num(&n, "height"),
    }
}

fn svg_names() -> Vec<String> {
    default_specs(&root())
        .unwrap()
        .iter()
        .map(|p| format!("{}.svg", spec::load(p).unwrap().output))
        .collect()
}

#[test]
fn no_label_overlaps_anything_in_any_out_map() {
    for name in svg_names() {
        let text = std::fs::read_to_string(root().join("out").join(&name)).unwrap();
        let d = roxmltree::Document::parse(&text).unwrap();
        let is_label = |n: &roxmltree::Node| {
            n.attribute("class")
                .is_some_and(|c| c.split(' ').any(|w| w == "label"))
        };
        // A label whose lines run in several directions is a group of one <text> a line.
        let in_label_group = |n: &roxmltree::Node| {
            n.parent()
                .is_some_and(|p| p.has_tag_name("g") && is_label(&p))
        };
        let labels: Vec<(String, Box2)> = d
            .descendants()
            .filter(|n| (n.has_tag_name("text") || n.has_tag_name("g")) && is_label(n))
            .map(|n| {
                let b = if n.has_tag_name("g") {
                    n.children()
                        .filter(|c| c.has_tag_name("text"))
                        .map(text_box)
                        .reduce(|a, b| Box2 {
                            x0: a.x0.min(b.x0),
                            y0: a.y0.min(b.y0),
                            x1: a.x1.max(b.x1),
                            y1: a.y1.max(b.y1),
                        })
                        .expect("a label group holds its lines")
                } else {
                    text_box(n)
                };
                (n.attribute("id").unwrap_or("?").to_string(), b)
            })
            .collect();
        assert!(!labels.is_empty(), "{name} has labels");
        // Everything else a label must keep clear of.
        let mut others: Vec<(String, Box2)> = Vec::new();
        for n in d.descendants() {
            let class = n.attribute("class").unwrap_or("");
            let what = format!("{} {}", n.tag_name().name(), class);
            if n.has_tag_name("text") && !is_label(&n) && !in_label_group(&n) {
                others.push((what, text_box(n)));
            } else if class.contains("marker") && n.has_tag_name("circle") {
                let (cx, cy, r) = (num(&n, "cx"), num(&n, "cy"), num(&n, "r"));
                others.push((
                    what,
                    Box2 {
                        x0: cx - r,
                        y0: cy - r,
                        x1: cx + r,
                        y1: cy + r,
                    },
                ));
            } else if n.has_tag_name("rect")
                && [
                    "marker",
                    "callout-box",
                    "furniture-background",
                    "inset-background",
                    "unit",
                ]
                .iter()
                .any(|c| class.contains(c))
            {
                others.push((what, rect_box(n)));
            }
        }
        for (i, (a, ab)) in labels.iter().enumerate() {
            for (b, bb) in &labels[i + 1..] {
                assert!(
                    !ab.overlaps(bb),
                    "{name}: labels {a} and {b} overlap: {ab:?} {bb:?}"
                );
            }
            for (b, bb) in &others {
                assert!(
                    !ab.overlaps(bb),
                    "{name}: label {a} overlaps {b}: {ab:?} {bb:?}"
                );
            }
        }
        // Furniture, callouts and the inset do not overlap each other either.
        let panels: Vec<&(String, Box2)> = others
            .iter()
            .filter(|(w, _)| {
                w.starts_with("rect")
                    && (w.contains("callout-box")
                        || w.contains("furniture-background")
                        || w.contains("inset-background"))
            })
            .collect();
        for (i, (a, ab)) in panels.iter().enumerate() {
            for (b, bb) in &panels[i + 1..] {
                assert!(!ab.overlaps(bb), "{name}: {a} overlaps {b}");
            }
        }
    }
}

#[test]
fn scale_bars_agree_with_geodesic_distance_within_one_percent() {
    let cache = DataCache::default();
    let mut checked = 0;
    for path in default_specs(&root()).unwrap() {
        let s = spec::load(&path).unwrap();
        let l = layout::build(&s, &cache).unwrap();
        let [x, y, w, h] = l.scene.clips[0].1;
        let c = [x + w / 2.0, y + h / 2.0];
        for bar in &l.scale_bars {
            let a = [c[0] - bar.pixels / 2.0, c[1]];
            let b = [c[0] + bar.pixels / 2.0, c[1]];
            let ground = l.ground_distance(a, b).unwrap();
            let stated = bar.length * bar.unit.metres();
            assert!(
                (ground - stated).abs() / stated < 0.01,
                "{}: bar says {stated} m, ground is {ground} m",
                s.output
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 4,
        "every story map has a scale bar, the border map two"
    );
}

#[test]
fn north_arrows_follow_the_meridian_at_the_centre() {
    let cache = DataCache::default();
    let mut checked = 0;
    for path in default_specs(&root()).unwrap() {
        let s = spec::load(&path).unwrap();
        let l = layout::build(&s, &cache).unwrap();
        let Some(angle) = l.north_angle else { continue };
        let [x, y, w, h] = l.scene.clips[0].1;
        let c = [x + w / 2.0, y + h / 2.0];
        let m = l.fit.to_projected(c);
        let ll = l.projection.inverse(m[0], m[1]).unwrap();
        // The meridian through the centre, half a degree either side.
        let south = l
            .fit
            .to_pixel(l.projection.forward(ll[0], ll[1] - 0.5).unwrap());
        let north = l
            .fit
            .to_pixel(l.projection.forward(ll[0], ll[1] + 0.5).unwrap());
        let expected = (north[0] - south[0])
            .atan2(south[1] - north[1])
            .to_degrees();
        assert!(
            (angle - expected).abs() < 0.1,
            "{}: arrow {angle}°, meridian {expected}°",
            s.output
        );
        checked += 1;
    }
    assert!(checked >= 2);
}

#[test]
fn a_dropped_required_label_fails_under_strict_labels() {
    let dir = std::env::temp_dir().join(format!("mapfig-strict-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let features: Vec<String> = (0..30)
        .map(|i| format!(r#"{{"type":"Feature","id":"p{i}","properties":{{"name":"A rather long place name {i}"}},"geometry":{{"type":"Point","coordinates":[{},{}]}}}}"#, 60.0 + f64::from(i % 6) * 0.01, 30.0 + f64::from(i / 6) * 0.01))
        .collect();
    std::fs::write(
        dir.join("p.geojson"),
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("crowded.toml"),
        "size = [300, 200]\n[[layer]]\nid = \"places\"\nsource = \"p.geojson\"\nlabel = \"{name}\"\nlabel_required = true\n[furniture]\nscale_bar = false\n",
    )
    .unwrap();
    let run = |strict: bool| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_mapfig"));
        c.args(["render", "crowded.toml", "-o", "out", "--format", "svg"])
            .current_dir(&dir);
        if strict {
            c.arg("--strict-labels");
        }
        c.output().unwrap()
    };
    let lenient = run(false);
    assert!(lenient.status.success());
    assert!(String::from_utf8_lossy(&lenient.stderr).contains("dropped"));
    std::fs::remove_dir_all(dir.join("out")).unwrap();
    let strict = run(true);
    let err = String::from_utf8_lossy(&strict.stderr);
    assert_eq!(strict.status.code(), Some(1), "{err}");
    assert!(
        err.contains("required label \"A rather long place name"),
        "{err}"
    );
    assert!(!dir.join("out/crowded.svg").exists());
}

/// Points of every path in the SVG group with this id, rounded as written.
fn path_points(svg: &str, group: &str) -> Vec<(String, String)> {
    let d = roxmltree::Document::parse(svg).unwrap();
    let g = d
        .descendants()
        .find(|n| {
            n.attribute("id")
                .and_then(|id| id.split_once('_'))
                .is_some_and(|(_, local)| local == group)
        })
        .unwrap_or_else(|| panic!("no #{group}"));
    let mut pts = Vec::new();
    for p in g.descendants().filter(|n| n.has_tag_name("path")) {
        for pair in p
            .attribute("d")
            .unwrap_or("")
            .split(|c: char| c.is_ascii_alphabetic())
            .filter(|s| !s.is_empty())
        {
            if let Some((x, y)) = pair.split_once(',') {
                pts.push((x.to_string(), y.to_string()));
            }
        }
    }
    pts
}

#[test]
fn a_border_derived_from_the_polygons_matches_the_curated_border_line() {
    let dir = std::env::temp_dir().join(format!("mapfig-border-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let g = root().join("geodata");
    let spec = format!(
        "projection = \"+proj=lcc +lat_1=36 +lat_2=38.5 +lat_0=37.3 +lon_0=68.9 +datum=WGS84\"\nextent = {{ fit = \"curated\" }}\n\
         [[layer]]\nid = \"derived\"\nsource = \"{a}\"\nborder_with = {{ source = \"{n}\", where = {{ id = \"TJK\" }} }}\n\
         [[layer]]\nid = \"curated\"\nsource = \"{b}\"\n[furniture]\nscale_bar = false\n",
        a = g.join("afghanistan.geojson").display(),
        n = g.join("neighbours.geojson").display(),
        b = g.join("afghanistan-tajikistan-border.geojson").display(),
    );
    let s = spec::parse(&spec, &dir.join("b.toml")).unwrap();
    let l = layout::build(&s, &DataCache::default()).unwrap();
    let svg = mapfig::emit::svg::to_svg(&l.scene);
    let derived = path_points(&svg, "layer-derived");
    let curated = path_points(&svg, "layer-curated");
    assert!(derived.len() > 400, "{}", derived.len());
    assert_eq!(derived.len(), curated.len());
    // Same vertices; topology quantizes coordinates to well under a hundredth of a pixel,
    // so a written coordinate may differ in its last digit.
    for (a, b) in derived.iter().zip(&curated) {
        let close = |p: &str, q: &str| {
            (p.parse::<f64>().unwrap() - q.parse::<f64>().unwrap()).abs() <= 0.011
        };
        assert!(close(&a.0, &b.0) && close(&a.1, &b.1), "{a:?} vs {b:?}");
    }
}

/// Draws `input` fill-only to a PNG with mapfig draw, optionally simplified; returns the
/// grey level of every pixel.
fn fill_only(
    input: &std::path::Path,
    simplify: Option<&str>,
    out: &std::path::Path,
) -> (u32, u32, Vec<u8>) {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_mapfig"));
    c.arg("draw").arg(input).arg("-o").arg(out).args([
        "--size",
        "800x600",
        "--fill",
        "black",
        "--stroke",
        "none",
        "--proj",
        "+proj=robin +datum=WGS84",
    ]);
    if let Some(s) = simplify {
        c.args(["--simplify", s]);
    }
    let o = c.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(out).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let grey = buf.chunks(channels).map(|p| p[0]).collect();
    (info.width, info.height, grey)
}

/// Pixels fully inside the unsimplified fill (and 3 px from any edge of it) that the
/// simplified render leaves lighter: gaps or slivers between neighbours.
fn gaps_after_simplifying(input: &std::path::Path) -> usize {
    let dir = std::env::temp_dir().join(format!("mapfig-simplify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (w, h, full) = fill_only(input, None, &dir.join("full.png"));
    let (_, _, simple) = fill_only(input, Some("10%"), &dir.join("simple.png"));
    let (w, h) = (w as i64, h as i64);
    let at = |v: &Vec<u8>, x: i64, y: i64| v[(y * w + x) as usize];
    let mut gaps = 0;
    for y in 3..h - 3 {
        for x in 3..w - 3 {
            let deep_inside = (-3..=3).all(|dy| (-3..=3).all(|dx| at(&full, x + dx, y + dy) == 0));
            if deep_inside && at(&simple, x, y) > 64 {
                gaps += 1;
            }
        }
    }
    gaps
}

#[test]
fn simplifying_provinces_opens_no_gaps_between_neighbours() {
    assert_eq!(
        gaps_after_simplifying(&root().join("geodata/afghanistan-provinces.geojson")),
        0
    );
}

#[test]
fn simplifying_world_admin1_opens_no_gaps_between_neighbours() {
    let file = common::registry_data("geojson/world-admin1.geojson");
    assert_eq!(gaps_after_simplifying(&file), 0);
}

/// The longest straight segment of any path in an SVG (closing segments included).
fn longest_segment(svg: &str) -> f64 {
    let d = roxmltree::Document::parse(svg).unwrap();
    let mut longest: f64 = 0.0;
    for p in d.descendants().filter(|n| n.has_tag_name("path")) {
        let data = p.attribute("d").unwrap_or("");
        let mut start: Option<(f64, f64)> = None;
        let mut last: Option<(f64, f64)> = None;
        let mut i = 0;
        let b = data.as_bytes();
        while i < b.len() {
            let cmd = b[i] as char;
            i += 1;
            let end = data[i..]
                .find(|c: char| c.is_ascii_alphabetic())
                .map_or(data.len(), |k| i + k);
            let nums: Vec<f64> = data[i..end]
                .split([',', ' '])
                .filter_map(|v| v.parse().ok())
                .collect();
            i = end;
            let seg =
                |a: (f64, f64), b: (f64, f64)| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
            match cmd {
                'M' => {
                    start = Some((nums[0], nums[1]));
                    last = start;
                }
                'L' => {
                    let p = (nums[0], nums[1]);
                    if let Some(l) = last {
                        longest = longest.max(seg(l, p));
                    }
                    last = Some(p);
                }
                'Z' => {
                    if let (Some(l), Some(s)) = (last, start) {
                        longest = longest.max(seg(l, s));
                    }
                    last = start;
                }
                _ => {}
            }
        }
    }
    longest
}

#[test]
fn world_maps_cross_the_antimeridian_without_streaks() {
    let file = common::registry_data("geojson/world-countries-10m.geojson");
    let out = std::env::temp_dir().join(format!("mapfig-world-{}", std::process::id()));
    std::fs::create_dir_all(&out).unwrap();
    for proj in ["+proj=robin +datum=WGS84 +units=m", "EPSG:3857"] {
        let svg = out.join("w.svg");
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_mapfig"))
            .arg("draw")
            .arg(&file)
            .arg("-o")
            .arg(&svg)
            .args(["--size", "1600x1200", "--proj", proj])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let longest = longest_segment(&std::fs::read_to_string(&svg).unwrap());
        assert!(
            longest < 1600.0 / 3.0,
            "{proj}: a segment of {longest:.0} px streaks across the map"
        );
    }
}
