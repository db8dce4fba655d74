//! Property tests: random GeoJSON and spec text never panic the parsers, valid geometry
//! survives parsing vertex for vertex, and clipping never leaves the clip box.

use geo::CoordsIter;
use mapfig::geom::{clip_line, clip_ring, Pt};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::path::Path;

// ---------------------------------------------------------------- GeoJSON

fn lon() -> impl Strategy<Value = f64> {
    -180.0..=180.0f64
}

fn lat() -> impl Strategy<Value = f64> {
    -90.0..=90.0f64
}

fn position() -> impl Strategy<Value = [f64; 2]> {
    (lon(), lat()).prop_map(|(x, y)| [x, y])
}

fn line(min: usize) -> impl Strategy<Value = Vec<[f64; 2]>> {
    prop::collection::vec(position(), min..12)
}

/// A closed ring of at least 4 positions.
fn ring() -> impl Strategy<Value = Vec<[f64; 2]>> {
    line(3).prop_map(|mut r| {
        r.push(r[0]);
        r
    })
}

fn polygon() -> impl Strategy<Value = Vec<Vec<[f64; 2]>>> {
    prop::collection::vec(ring(), 1..4)
}

/// A valid GeoJSON geometry and its number of vertices.
fn geometry() -> impl Strategy<Value = (Value, usize)> {
    let leaf = prop_oneof![
        position().prop_map(|p| (json!({"type": "Point", "coordinates": p}), 1)),
        line(0).prop_map(|ps| {
            let n = ps.len();
            (json!({"type": "MultiPoint", "coordinates": ps}), n)
        }),
        line(2).prop_map(|ps| {
            let n = ps.len();
            (json!({"type": "LineString", "coordinates": ps}), n)
        }),
        prop::collection::vec(line(2), 0..4).prop_map(|ls| {
            let n = ls.iter().map(Vec::len).sum();
            (json!({"type": "MultiLineString", "coordinates": ls}), n)
        }),
        polygon().prop_map(|rs| {
            let n = rs.iter().map(Vec::len).sum();
            (json!({"type": "Polygon", "coordinates": rs}), n)
        }),
        prop::collection::vec(polygon(), 0..3).prop_map(|ps| {
            let n = ps.iter().flatten().map(Vec::len).sum();
            (json!({"type": "MultiPolygon", "coordinates": ps}), n)
        }),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop::collection::vec(inner, 0..4).prop_map(|parts| {
            let n = parts.iter().map(|(_, n)| n).sum();
            let geometries: Vec<Value> = parts.into_iter().map(|(g, _)| g).collect();
            (
                json!({"type": "GeometryCollection", "geometries": geometries}),
                n,
            )
        })
    })
}

/// Any JSON value, nested a little: what a hostile file puts where a number belongs.
fn junk() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<f64>().prop_map(|f| json!(f)),
        any::<i64>().prop_map(|i| json!(i)),
        "\\PC{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("type".to_string()),
                    Just("coordinates".to_string()),
                    Just("geometries".to_string()),
                    "[a-z]{1,3}",
                ],
                inner,
                0..3
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Breaks a valid geometry in one of the ways real files are broken.
fn broken(g: Value, how: u8, junk: Value, big: f64) -> Value {
    fn first_number(v: &mut Value) -> Option<&mut Value> {
        match v {
            Value::Number(_) => Some(v),
            Value::Array(a) => a.iter_mut().find_map(first_number),
            Value::Object(o) => o.values_mut().find_map(first_number),
            _ => None,
        }
    }
    fn first_array_of_positions(v: &mut Value) -> Option<&mut Vec<Value>> {
        let is_positions = v
            .as_array()
            .and_then(|a| a.first())
            .is_some_and(|p| p.get(0).is_some_and(Value::is_number));
        if is_positions {
            return v.as_array_mut();
        }
        match v {
            Value::Array(a) => a.iter_mut().find_map(first_array_of_positions),
            Value::Object(o) => o.values_mut().find_map(first_array_of_positions),
            _ => None,
        }
    }
    let mut g = g;
    match how % 6 {
        0 => {
            if let Some(n) = first_number(&mut g) {
                *n = junk;
            }
        }
        1 => {
            if let Some(n) = first_number(&mut g) {
                *n = json!(big);
            }
        }
        2 => {
            if let Some(ps) = first_array_of_positions(&mut g) {
                ps.pop();
            }
        }
        3 => {
            if let Some(ps) = first_array_of_positions(&mut g) {
                ps.truncate(1);
            }
        }
        4 => {
            if let Some(o) = g.as_object_mut() {
                o.insert("coordinates".into(), junk);
            }
        }
        _ => {
            if let Some(o) = g.as_object_mut() {
                o.insert("type".into(), junk);
            }
        }
    }
    g
}

fn feature_collection(geometries: Vec<Value>) -> Vec<u8> {
    let features: Vec<Value> = geometries
        .into_iter()
        .enumerate()
        .map(|(i, g)| json!({"type": "Feature", "id": i, "properties": {"i": i}, "geometry": g}))
        .collect();
    serde_json::to_vec(&json!({"type": "FeatureCollection", "features": features})).unwrap()
}

fn parse(bytes: &[u8]) -> mapfig::Result<mapfig::sources::Dataset> {
    mapfig::sources::parse(bytes, Path::new("prop.geojson"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn valid_geometry_round_trips_every_vertex(parts in prop::collection::vec(geometry(), 1..5)) {
        let expected: usize = parts.iter().map(|(_, n)| n).sum();
        let positions: Vec<[f64; 2]> = parts
            .iter()
            .flat_map(|(g, _)| positions_of(g))
            .collect();
        let bytes = feature_collection(parts.into_iter().map(|(g, _)| g).collect());
        let d = parse(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(d.vertex_count() as usize, expected);
        let parsed: Vec<[f64; 2]> = d
            .features
            .iter()
            .filter_map(|f| f.geometry.as_ref())
            .flat_map(|g| g.coords_iter().map(|c| [c.x, c.y]).collect::<Vec<_>>())
            .collect();
        // serde_json (without its float_roundtrip feature) may read a float 1 ulp off.
        prop_assert_eq!(parsed.len(), positions.len());
        for (a, b) in parsed.iter().zip(&positions) {
            prop_assert!((a[0] - b[0]).abs() < 1e-12 && (a[1] - b[1]).abs() < 1e-12, "{:?} != {:?}", a, b);
        }
    }

    #[test]
    fn broken_geometry_is_an_error_not_a_panic(
        (g, _) in geometry(),
        how in any::<u8>(),
        junk in junk(),
        big in prop_oneof![Just(1e308), Just(-1e308), Just(180.5), Just(-90.5), Just(f64::MAX)],
    ) {
        let _ = parse(&feature_collection(vec![broken(g, how, junk, big)]));
    }

    #[test]
    fn damaged_bytes_never_panic(
        (g, _) in geometry(),
        cut in any::<prop::sample::Index>(),
        splice in prop::collection::vec(any::<u8>(), 0..8),
    ) {
        let mut bytes = feature_collection(vec![g]);
        let at = cut.index(bytes.len() + 1);
        let _ = parse(&bytes[..at]);
        bytes.splice(at..at, splice);
        let _ = parse(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics(doc in junk(), bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let _ = parse(&serde_json::to_vec(&doc).unwrap());
        let _ = parse(&bytes);
    }
}

/// Positions in document order, as the parser should read them.
fn positions_of(v: &Value) -> Vec<[f64; 2]> {
    match v {
        Value::Array(a) if a.len() >= 2 && a.iter().all(Value::is_number) => {
            vec![[a[0].as_f64().unwrap(), a[1].as_f64().unwrap()]]
        }
        Value::Array(a) => a.iter().flat_map(positions_of).collect(),
        Value::Object(o) => o
            .get("coordinates")
            .or_else(|| o.get("geometries"))
            .map(positions_of)
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

// ---------------------------------------------------------------- specs

/// Keys of the spec format and values of every TOML type, so random specs get past the
/// TOML parser into validation.
fn spec_line() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "title",
        "subtitle",
        "size",
        "projection",
        "extent",
        "background",
        "theme",
        "panel",
        "output",
        "id",
        "source",
        "where",
        "fill",
        "stroke",
        "stroke_width",
        "dash",
        "opacity",
        "label",
        "label_size",
        "label_color",
        "label_weight",
        "label_transform",
        "marker",
        "marker_size",
        "legend",
        "at",
        "text",
        "offset",
        "value",
        "total",
        "caption",
        "units",
        "graticule",
        "inset",
        "scale_units",
        "bbox",
        "fit",
        "pad",
        "nonsense",
    ]);
    let value = prop_oneof![
        any::<f64>().prop_map(|f| if f.is_finite() {
            format!("{f:?}")
        } else {
            "nan".into()
        }),
        prop::sample::select(vec![
            "nan",
            "inf",
            "-inf",
            "0",
            "-1",
            "1e308",
            "true",
            "[]",
            "[0, 0]",
            "[1e9, -1e9]",
            "[50, 50]",
            "[1000000, 1000000]",
            "[60, 30, 70, 40]",
            "{}",
            "\"\"",
            "\"EPSG:4326\"",
            "\"+proj=ortho +lat_0=90\"",
            "\"+proj=merc +lat_ts=89.9\"",
            "\"+proj=lcc +lat_1=90 +lat_2=-90\"",
            "\"auto\"",
            "\"a.geojson\"",
            "\"/dev/zero\"",
            "\"{name}\"",
            "\"{\"",
            "\"}\"",
            "\"#zzz\"",
            "\"none\"",
            "\"red\"",
            "{ bbox = [60, 30, 70, 40] }",
            "{ fit = \"p\", pad = 0.5 }",
            "{ name = [1, \"a\"] }",
            "{ fit = [] }",
            "'''\n'''",
        ])
        .prop_map(str::to_string),
        "\\PC{0,12}".prop_map(|s| format!("{s:?}")),
    ];
    let header = prop::sample::select(vec![
        "[[layer]]",
        "[[callout]]",
        "[[badge]]",
        "[furniture]",
        "[extent]",
        "[[layer]]",
    ]);
    prop_oneof![
        3 => (key, value).prop_map(|(k, v)| format!("{k} = {v}")),
        1 => header.prop_map(str::to_string),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn random_spec_text_never_panics(text in "\\PC{0,200}") {
        let _ = mapfig::spec::parse(&text, Path::new("maps/prop.toml"));
    }

    #[test]
    fn random_spec_lines_never_panic(lines in prop::collection::vec(spec_line(), 0..24)) {
        let text = format!("[[layer]]\nid = \"p\"\nsource = \"a.geojson\"\n{}\n", lines.join("\n"));
        let _ = mapfig::spec::parse(&text, Path::new("maps/prop.toml"));
    }
}

// ---------------------------------------------------------------- clipping

/// Coordinates as pixels can be after projecting: mostly near the frame, sometimes far.
fn coordinate() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => -200.0..1400.0f64,
        1 => -1e7..1e7f64,
        1 => prop::sample::select(vec![0.0, 100.0, 1000.0, -0.0, 1e-300, -1e300, 1e300]),
    ]
}

fn point() -> impl Strategy<Value = Pt> {
    (coordinate(), coordinate()).prop_map(|(x, y)| [x, y])
}

fn clip_box() -> impl Strategy<Value = [f64; 4]> {
    (
        -100.0..1000.0f64,
        -100.0..1000.0f64,
        1.0..2000.0f64,
        1.0..2000.0f64,
    )
        .prop_map(|(x, y, w, h)| [x, y, x + w, y + h])
}

fn inside(p: Pt, c: [f64; 4]) -> bool {
    p[0] >= c[0] && p[0] <= c[2] && p[1] >= c[1] && p[1] <= c[3]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn clipped_rings_stay_in_the_box(mut ring in prop::collection::vec(point(), 3..16), clip in clip_box()) {
        ring.push(ring[0]);
        let out = clip_ring(&ring, clip);
        for p in &out {
            prop_assert!(inside(*p, clip), "{:?} outside {:?} (from {:?})", p, clip, ring);
        }
        prop_assert!(out.is_empty() || out.first() == out.last(), "{:?}", out);
    }

    #[test]
    fn clipped_lines_stay_in_the_box(line in prop::collection::vec(point(), 2..16), clip in clip_box()) {
        for piece in clip_line(&line, clip) {
            prop_assert!(piece.len() >= 2);
            for p in &piece {
                prop_assert!(inside(*p, clip), "{:?} outside {:?} (from {:?})", p, clip, line);
            }
        }
    }

    #[test]
    fn lines_inside_the_box_are_kept_whole(line in prop::collection::vec((0.0..100.0f64, 0.0..100.0f64), 2..16)) {
        let line: Vec<Pt> = line.into_iter().map(|(x, y)| [x, y]).collect();
        let pieces = clip_line(&line, [0.0, 0.0, 100.0, 100.0]);
        prop_assert_eq!(pieces, vec![line]);
    }
}
