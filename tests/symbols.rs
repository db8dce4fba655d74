//! Proportional symbols through the binary, on registry data: vega-datasets' earthquakes
//! (points) and Natural Earth's countries (polygons). The circles in the SVG are read back
//! and checked against the data: area true to the value, largest drawn first, a polygon's
//! circle inside its polygon, no circle for a feature without a positive value.

use std::collections::HashMap;
use std::path::Path;
mod common;
use common::{mapfig, registry_data, scratch, stderr};

/// A circle of the SVG: its feature id (the id after the layer's prefix), centre and radius.
#[derive(Debug)]
struct Circle {
    feature: String,
    c: [f64; 2],
    r: f64,
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[start..].find('"')? + start;
    Some(&tag[start..end])
}

/// The symbols of layer `layer` in document order (ids are `{prefix}_{layer}-{feature}`).
fn circles(svg: &str, prefix: &str, layer: &str) -> Vec<Circle> {
    let id_start = format!("{prefix}_{layer}-");
    svg.split('<')
        .filter(|t| t.starts_with("circle ") && t.contains("class=\"feature symbol\""))
        .map(|t| {
            let id = attr(t, "id").unwrap();
            let num = |n: &str| attr(t, n).unwrap().parse::<f64>().unwrap();
            Circle {
                feature: id.strip_prefix(&id_start).unwrap().to_string(),
                c: [num("cx"), num("cy")],
                r: num("r"),
            }
        })
        .collect()
}

/// Renders `spec` (written to `dir/spec.toml`) to SVG; returns the SVG and stderr.
fn render(dir: &Path, spec: &str) -> (String, String) {
    std::fs::write(dir.join("spec.toml"), spec).unwrap();
    let o = mapfig()
        .current_dir(dir)
        .args(["render", "spec.toml", "--format", "svg", "-o", "out"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    (
        std::fs::read_to_string(dir.join("out/spec.svg")).unwrap(),
        stderr(&o),
    )
}

/// The earthquakes' `property` by feature id, in file order (`None` for null).
fn quakes(property: &str) -> Vec<(String, Option<f64>)> {
    let text = std::fs::read_to_string(registry_data("vega-datasets/earthquakes.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                f["properties"][property].as_f64(),
            )
        })
        .collect()
}

fn quake_spec(size: &str) -> String {
    format!(
        "size = [960, 540]\nprojection = \"+proj=robin +datum=WGS84\"\nextent = {{ fit = \"quakes\", pad = 0.05 }}\n\
         [[layer]]\nid = \"quakes\"\nsource = \"{}\"\nsize = {size}\nfill = \"#c0392b\"\n",
        registry_data("vega-datasets/earthquakes.json").display()
    )
}

/// Checks the circles against the values: one circle for each positive value and none
/// else; radii `max·√(v/vmax)` (area ratio = value ratio within 0.5%, and within the SVG's
/// 0.01 px rounding of r); drawn largest first, ties in file order.
fn assert_proportional(circles: &[Circle], values: &[(String, Option<f64>)], max: f64) {
    let order: HashMap<&str, usize> = values
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (id.as_str(), i))
        .collect();
    let value: HashMap<&str, Option<f64>> =
        values.iter().map(|(id, v)| (id.as_str(), *v)).collect();
    let positive: Vec<f64> = values
        .iter()
        .filter_map(|(_, v)| *v)
        .filter(|v| *v > 0.0)
        .collect();
    let vmax = positive.iter().copied().fold(0.0, f64::max);
    assert_eq!(
        circles.len(),
        positive.len(),
        "one circle per positive value"
    );
    let biggest = &circles[0];
    assert_eq!(biggest.r, max);
    let mut checked_ratio = 0;
    for c in circles {
        let v = value[c.feature.as_str()].expect("a circle has a value");
        assert!(v > 0.0, "{c:?} drawn for {v}");
        let want = max * (v / vmax).sqrt();
        assert!(
            (c.r - want).abs() <= 0.005 + 1e-9,
            "{c:?}: r should be {want}"
        );
        // Area ratio against the largest: the 2-decimal radius allows 0.5% from 2 px up.
        if c.r >= 2.0 {
            let area_ratio = (c.r * c.r) / (max * max);
            let value_ratio = v / vmax;
            assert!(
                (area_ratio / value_ratio - 1.0).abs() < 0.005,
                "{c:?}: area ratio {area_ratio} for value ratio {value_ratio}"
            );
            checked_ratio += 1;
        }
    }
    assert!(checked_ratio > 20, "{checked_ratio} ratios checked");
    for w in circles.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        assert!(
            a.r > b.r || (a.r == b.r && order[a.feature.as_str()] < order[b.feature.as_str()]),
            "{a:?} drawn before {b:?}"
        );
    }
}

#[test]
fn earthquake_circles_have_areas_true_to_magnitude() {
    let dir = scratch("symbols", "quakes");
    let (svg, err) = render(&dir, &quake_spec("{ by = \"mag\", max = 24 }"));
    let mags = quakes("mag");
    let circles = circles(&svg, "spec", "quakes");
    assert_proportional(&circles, &mags, 24.0);
    // 56 quakes of magnitude 0 or below get no circle, and the run says so.
    let not_positive = mags
        .iter()
        .filter(|(_, m)| m.is_some_and(|m| m <= 0.0))
        .count();
    assert_eq!(not_positive, 56);
    assert!(
        err.contains("56 of 1707 features get no proportional symbol: 0 without a number in `mag` (missing, null or not a number), 56 with zero or a negative value"),
        "{err}"
    );
}

#[test]
fn features_without_a_value_get_no_circle() {
    // `felt` (reports of shaking) is null for most quakes.
    let dir = scratch("symbols", "felt");
    let (svg, err) = render(&dir, &quake_spec("{ by = \"felt\", max = 20 }"));
    let felt = quakes("felt");
    let missing = felt.iter().filter(|(_, v)| v.is_none()).count();
    assert!(missing > 1000, "{missing}");
    let circles = circles(&svg, "spec", "quakes");
    assert_proportional(&circles, &felt, 20.0);
    assert!(
        err.contains("without a number in `felt` (missing, null or not a number)")
            && err.contains(&format!(": {missing} without a number")),
        "{err}"
    );
}

/// The rings of an SVG path of absolute M, L and Z commands.
fn rings(d: &str) -> Vec<Vec<[f64; 2]>> {
    let mut rings: Vec<Vec<[f64; 2]>> = Vec::new();
    let mut rest = d;
    while let Some(c) = rest.chars().next() {
        let next = rest[1..]
            .find(['M', 'L', 'Z'])
            .map_or(rest.len(), |i| i + 1);
        let args = &rest[1..next];
        match c {
            'M' | 'L' => {
                let (x, y) = args.split_once(',').unwrap();
                let p = [x.trim().parse().unwrap(), y.trim().parse().unwrap()];
                if c == 'M' {
                    rings.push(vec![p]);
                } else {
                    rings.last_mut().unwrap().push(p);
                }
            }
            'Z' => {
                let r = rings.last_mut().unwrap();
                r.push(r[0]);
            }
            other => panic!("unexpected path command {other:?} in {d}"),
        }
        rest = rest[next..].trim_start();
    }
    rings
}

/// Even-odd point in polygon over all rings.
fn inside(rings: &[Vec<[f64; 2]>], p: [f64; 2]) -> bool {
    let mut inside = false;
    for r in rings {
        for w in r.windows(2) {
            let (a, b) = (w[0], w[1]);
            if (a[1] > p[1]) != (b[1] > p[1]) {
                let x = a[0] + (p[1] - a[1]) / (b[1] - a[1]) * (b[0] - a[0]);
                if p[0] < x {
                    inside = !inside;
                }
            }
        }
    }
    inside
}

#[test]
fn country_circles_sit_inside_their_country() {
    let dir = scratch("symbols", "countries");
    let shp = registry_data("naturalearth/naturalearth_lowres.shp");
    let spec = format!(
        "size = [960, 540]\nprojection = \"+proj=robin +datum=WGS84\"\nextent = {{ bbox = [-180, -60, 180, 85] }}\n\
         [[layer]]\nid = \"land\"\nsource = \"{0}\"\nfill = \"#e8e4da\"\n\
         [[layer]]\nid = \"pop\"\nsource = \"{0}\"\nsize = {{ by = \"pop_est\", max = 30 }}\nfill = \"#2c7fb8\"\nlabel = \"{{name}}\"\n",
        shp.display()
    );
    let (svg, _) = render(&dir, &spec);
    let paths: HashMap<String, Vec<Vec<[f64; 2]>>> = svg
        .split('<')
        .filter(|t| t.starts_with("path ") && t.contains("id=\"spec_land-"))
        .map(|t| {
            let id = attr(t, "id").unwrap().strip_prefix("spec_land-").unwrap();
            (id.to_string(), rings(attr(t, "d").unwrap()))
        })
        .collect();
    let circles = circles(&svg, "spec", "pop");
    assert!(circles.len() > 150, "{} circles", circles.len());
    for c in &circles {
        let poly = &paths[&c.feature];
        assert!(inside(poly, c.c), "{c:?} is outside its country");
    }
    for w in circles.windows(2) {
        assert!(w[0].r >= w[1].r, "{:?} before {:?}", w[0], w[1]);
    }
    // The biggest country by population gets the biggest circle.
    assert_eq!(circles[0].r, 30.0);
}

/// Labels keep off the circles: no label's glyphs (their outlines' bounding box, halo
/// aside) reach into any circle, checked on the laid-out scene.
#[test]
fn labels_avoid_the_circles() {
    use mapfig::scene::{Node, PathCommand, Shape, ShapeGeometry};
    let shp = registry_data("naturalearth/naturalearth_lowres.shp");
    let text = format!(
        "size = [960, 540]\nprojection = \"+proj=robin +datum=WGS84\"\nextent = {{ bbox = [-30, -40, 60, 75] }}\n\
         [[layer]]\nid = \"land\"\nsource = \"{0}\"\nlabel = \"{{name}}\"\n\
         [[layer]]\nid = \"pop\"\nsource = \"{0}\"\nsize = {{ by = \"pop_est\", max = 40 }}\nlabel = \"{{name}}\"\n",
        shp.display()
    );
    let spec = mapfig::spec::parse(&text, Path::new("spec.toml")).unwrap();
    let layout = mapfig::layout::build(&spec, &mapfig::sources::DataCache::default()).unwrap();
    let (mut discs, mut boxes) = (Vec::new(), Vec::new());
    layout.scene.for_each_node(&mut |n| match n {
        Node::Shape(Shape {
            class: Some(class),
            geometry: ShapeGeometry::Circle { cx, cy, r },
            ..
        }) if class == "feature symbol" => discs.push(([*cx, *cy], *r)),
        Node::Text(t) if t.class.as_deref().is_some_and(|c| c.starts_with("label ")) => {
            let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
            for c in t.glyph_outlines().commands() {
                let pts = match c {
                    PathCommand::MoveTo(p) | PathCommand::LineTo(p) => vec![p],
                    PathCommand::QuadTo(a, p) => vec![a, p],
                    PathCommand::CubicTo(a, b, p) => vec![a, b, p],
                    PathCommand::Close => vec![],
                };
                for p in pts {
                    for k in 0..2 {
                        lo[k] = lo[k].min(p[k]);
                        hi[k] = hi[k].max(p[k]);
                    }
                }
            }
            assert_eq!(t.rotate, 0.0);
            boxes.push((t.lines.join(" "), lo, hi));
        }
        _ => {}
    });
    assert!(discs.len() > 80, "{} circles", discs.len());
    assert!(boxes.len() > 40, "{} labels", boxes.len());
    for (text, lo, hi) in &boxes {
        for (c, r) in &discs {
            let nearest = [c[0].clamp(lo[0], hi[0]), c[1].clamp(lo[1], hi[1])];
            let d = ((nearest[0] - c[0]).powi(2) + (nearest[1] - c[1]).powi(2)).sqrt();
            assert!(
                d >= *r,
                "label {text:?} ({lo:?}–{hi:?}) reaches into the circle at {c:?}, r {r}"
            );
        }
    }
}

/// The marks' radii and the legend's circles come from one fitted scale: the layer's
/// `marker_size` rule gives each feature its circle's radius, and the legend block's nested
/// circles have the radii that scale gives their round values.
#[test]
fn marker_size_and_legend_come_from_the_fitted_scale() {
    use mapfig::sources::{Feature, Properties, Value};
    use mapfig::symbology::legend::LegendBody;
    use mapfig::symbology::rules::{Kind, LayerSymbology};
    let spec = mapfig::spec::parse(
        "[[layer]]\nid = \"q\"\nsource = \"q.geojson\"\nsize = { by = \"mag\", max = 24 }\nlegend = \"Magnitude\"\n",
        Path::new("spec.toml"),
    )
    .unwrap();
    let features: Vec<Feature> = ["6.4", "1.6", "-0.5"]
        .iter()
        .map(|m| Feature {
            id: (*m).into(),
            properties: Properties::from_values(vec![("mag".into(), Value::Number((*m).into()))]),
            geometry: None,
        })
        .collect();
    let refs: Vec<&Feature> = features.iter().collect();
    let sym = LayerSymbology::fit(&spec.layers[0], Kind::Area, &refs).unwrap();
    assert_eq!(sym.kind, Kind::Point, "symbols are styled as points");
    assert_eq!(sym.marker_radius(Some(&features[0])), 24.0);
    assert_eq!(sym.marker_radius(Some(&features[1])), 12.0);
    assert_eq!(sym.marker_radius(Some(&features[2])), 0.0);
    assert_eq!(sym.marker_radius(None), 24.0);
    let [block] = sym.legend_blocks.as_slice() else {
        panic!("one legend block: {:?}", sym.legend_blocks);
    };
    assert_eq!(block.title.as_deref(), Some("Magnitude"));
    let LegendBody::Circles { circles, .. } = &block.body else {
        panic!("{:?}", block.body);
    };
    let want = [(6.0f64, "6"), (2.0, "2"), (0.4, "0.4")];
    assert_eq!(circles.len(), want.len());
    for ((r, text), (v, t)) in circles.iter().zip(want) {
        assert_eq!(text, t);
        assert!((r - 24.0 * (v / 6.4).sqrt()).abs() < 1e-9, "{r} for {v}");
    }
}
