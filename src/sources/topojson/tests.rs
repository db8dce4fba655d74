use super::*;
use crate::limits::Limits;
use crate::sources::ArcRef;
use crate::sources::{parse, parse_within};
use geo::{Coord, Geometry};
use std::path::Path;

fn read(text: &str) -> Result<Dataset> {
    parse(text.as_bytes(), Path::new("t.topojson"))
}

fn error(text: &str) -> String {
    read(text).unwrap_err().to_string()
}

/// Two unit squares side by side sharing arc 0 (x = 1), not quantized.
const SQUARES: &str = r#"{"type":"Topology","bbox":[0,0,2,1],
 "objects":{
  "squares":{"type":"GeometryCollection","geometries":[
   {"type":"Polygon","id":7,"arcs":[[0,1]]},
   {"type":"Polygon","id":"B","properties":{"name":"b"},"arcs":[[2,-1]]}]},
  "dots":{"type":"MultiPoint","coordinates":[[0.5,0.5],[1.5,0.5]]},
  "nothing":{"type":null,"properties":{"id":"void"}}},
 "arcs":[[[1,0],[1,1]],[[1,1],[0,1],[0,0],[1,0]],[[1,0],[2,0],[2,1],[1,1]]]}"#;

fn ring(g: &Geometry<f64>) -> Vec<[f64; 2]> {
    match g {
        Geometry::Polygon(p) => p.exterior().0.iter().map(|c| [c.x, c.y]).collect(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn objects_keep_file_order_and_features_their_ids() {
    let d = read(SQUARES).unwrap();
    let names: Vec<&str> = d.objects.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["squares", "dots", "nothing"]);
    assert_eq!(d.objects[0].features, 0..2);
    assert_eq!(d.objects[2].features, 3..4);
    let ids: Vec<&str> = d.features.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["7", "B", "0", "void"]);
    assert!(d.features[3].geometry.is_none());
    assert_eq!(
        ring(d.features[0].geometry.as_ref().unwrap()),
        [[1., 0.], [1., 1.], [0., 1.], [0., 0.], [1., 0.]]
    );
    // ~0 walks arc 0 backwards.
    assert_eq!(
        ring(d.features[1].geometry.as_ref().unwrap()),
        [[1., 0.], [2., 0.], [2., 1.], [1., 1.], [1., 0.]]
    );
    let topology = d.topology.as_ref().unwrap();
    assert_eq!(topology.arc_count(), 3);
    assert_eq!(
        topology.shapes[1],
        vec![vec![vec![
            ArcRef {
                arc: 2,
                reversed: false
            },
            ArcRef {
                arc: 0,
                reversed: true
            }
        ]]]
    );
    assert!(topology.shapes[2].is_empty());
    assert!(d
        .object_range(None, "layer \"x\"")
        .unwrap_err()
        .contains("\"squares\" (2 features), \"dots\" (1 feature), \"nothing\" (1 feature)"));
}

#[test]
fn every_geometry_type_reads() {
    let d = read(
        r#"{"type":"Topology","transform":{"scale":[1,1],"translate":[10,20]},
        "objects":{"all":{"type":"GeometryCollection","geometries":[
          {"type":"Point","coordinates":[1,2]},
          {"type":"LineString","arcs":[0]},
          {"type":"MultiLineString","arcs":[[0],[-1]]},
          {"type":"MultiPolygon","arcs":[[[1]]]},
          {"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[0,0]},{"type":null}]}]}},
        "arcs":[[[0,0],[2,2]],[[0,0],[1,0],[0,1],[-1,-1]]]}"#
            ,
    )
    .unwrap();
    let g: Vec<&Geometry<f64>> = d
        .features
        .iter()
        .map(|f| f.geometry.as_ref().unwrap())
        .collect();
    assert_eq!(*g[0], Geometry::Point(geo::point!(x: 11.0, y: 22.0)));
    let Geometry::LineString(l) = g[1] else {
        panic!()
    };
    assert_eq!(l.0, [Coord { x: 10., y: 20. }, Coord { x: 12., y: 22. }]);
    let Geometry::MultiLineString(ml) = g[2] else {
        panic!()
    };
    assert_eq!(ml.0[1].0[0], Coord { x: 12., y: 22. });
    let Geometry::MultiPolygon(mp) = g[3] else {
        panic!()
    };
    assert_eq!(mp.0[0].exterior().0.len(), 4);
    let Geometry::GeometryCollection(gc) = g[4] else {
        panic!()
    };
    assert_eq!(gc.0.len(), 1);
}

#[test]
fn sniffing_finds_the_topology_type_at_the_top_level_only() {
    assert!(is_topology(br#"  {"type" : "Topology", "objects": {}}"#));
    assert!(is_topology(
        br#"{"bbox":[1,2],"transform":{"type":"x"},"type":"Topology"#
    ));
    assert!(!is_topology(
        br#"{"type":"FeatureCollection","features":[{"properties":{"type":"Topology"}}]}"#
    ));
    assert!(!is_topology(
        br#"{"properties":{"type":"Topology"},"type":"Feature"}"#
    ));
    assert!(!is_topology(b"[\"type\", \"Topology\"]"));
    assert!(is_topology(br#"{"arcs": [[[0, 0], [1, 1]]], "#));
    assert!(is_topology(br#"{"bbox": [0, 0, 1, 1], "objects": {"#));
    assert!(!is_topology(br#"{"type": "Feature", "objects": {}}"#));
}

#[test]
fn bad_arcs_name_object_feature_and_place() {
    let e = error(
        r#"{"type":"Topology","objects":{"counties":{"type":"GeometryCollection","geometries":[
        {"type":"Polygon","arcs":[[0]]},{"type":"Polygon","id":"01001","arcs":[[99999]]}]}},
        "arcs":[[[0,0],[1,0],[1,1],[0,0]]]}"#,
    );
    assert_eq!(
        e,
        "t.topojson: object \"counties\", feature 1 (id \"01001\"), ring 0: arc index 99999 out of range (the file has 1 arcs)"
    );
    let e = error(
        r#"{"type":"Topology","objects":{"a":{"type":"LineString","arcs":[-2]}},"arcs":[[[0,0],[1,0]]]}"#,
    );
    assert!(e.contains("arc index -2 out of range"), "{e}");
    let e = error(
        r#"{"type":"Topology","objects":{"a":{"type":"Polygon","arcs":[[0]]}},"arcs":[[[0,0],[1,0],[1,1],[0,1]]]}"#,
    );
    assert!(e.contains("ring 0: ring is not closed"), "{e}");
    let e = error(
        r#"{"type":"Topology","objects":{"a":{"type":"Polygon","arcs":[[0]]}},"arcs":[[[0,0],[1,0],[1,1]]]}"#,
    );
    assert!(e.contains("at least 4 positions"), "{e}");
    let e =
        error(r#"{"type":"Topology","objects":{"a":{"type":"Polygon","arcs":[[]]}},"arcs":[]}"#);
    assert!(e.contains("this one has 0"), "{e}");
    let e =
        error(r#"{"type":"Topology","objects":{"a":{"type":"Polygon","arcs":[[0.5]]}},"arcs":[]}"#);
    assert!(e.contains("arc indices"), "{e}");
    let e = error(r#"{"type":"Topology","objects":{},"arcs":[[[0,0]]]}"#);
    assert!(
        e.contains("arc 0 has 1 position: an arc needs at least 2"),
        "{e}"
    );
}

#[test]
fn bad_transforms_and_positions_are_refused() {
    for scale in ["[0,1]", "[1,0]"] {
        let e = error(&format!(
            r#"{{"type":"Topology","transform":{{"scale":{scale},"translate":[0,0]}},"objects":{{}},"arcs":[]}}"#
        ));
        assert!(e.contains("finite and not zero"), "{e}");
    }
    let e = error(
        r#"{"type":"Topology","transform":{"scale":[1,1],"translate":[0,0]},"objects":{"a":{"type":"LineString","arcs":[0]}},"arcs":[[[0,0],[9007199254740992,0],[9007199254740992,0]]]}"#,
    );
    assert!(e.contains("t.topojson: arcs: arc 0, position 2"), "{e}");
    let e = error(r#"{"type":"Topology","objects":{"a":{"type":"Point","coordinates":[200,0]}}}"#);
    assert!(
        e.contains("object \"a\", feature 0 (id \"0\"): position [200.0, 0.0]"),
        "{e}"
    );
    assert!(e.contains("give its layer `crs"), "{e}");
    let e = error(r#"{"type":"Topology","objects":{"a":{"arcs":[]}}}"#);
    assert!(e.contains("needs a \"type\""), "{e}");
    let e = error(
        r#"{"type":"Topology","objects":{"a":{"type":"Point","coordinates":[0,0]},"a":{"type":null}}}"#,
    );
    assert!(e.contains("named twice"), "{e}");
}

#[test]
fn rings_quantization_collapsed_are_left_out() {
    // Ring 1 (a hole) and polygon 1 decode to [a, b, a]: no area.
    let d = read(
        r#"{"type":"Topology","objects":{"a":{"type":"MultiPolygon","arcs":[[[0],[1]],[[1]]]}},
        "arcs":[[[0,0],[4,0],[4,4],[0,0]],[[1,1],[2,1],[1,1]]]}"#,
    )
    .unwrap();
    let Some(Geometry::MultiPolygon(mp)) = &d.features[0].geometry else {
        panic!()
    };
    assert_eq!((mp.0.len(), mp.0[0].interiors().len()), (1, 0));
    assert_eq!(d.topology.as_ref().unwrap().shapes[0].len(), 1);
    let e = error(
        r#"{"type":"Topology","objects":{"a":{"type":"Polygon","arcs":[[0]]}},"arcs":[[[0,0],[500,0],[0,0]]]}"#,
    );
    assert!(e.contains("not a longitude, latitude pair"), "{e}");
}

#[test]
fn a_ring_quantization_left_open_by_one_step_is_closed() {
    let text = |last: &str| {
        format!(
            r#"{{"type":"Topology","transform":{{"scale":[0.5,0.25],"translate":[0,0]}},
            "objects":{{"a":{{"type":"Polygon","arcs":[[0]]}}}},
            "arcs":[[[0,0],[8,0],[0,8],{last}]]}}"#
        )
    };
    let d = read(&text("[-7,-9]")).unwrap();
    assert_eq!(
        ring(d.features[0].geometry.as_ref().unwrap()),
        [[0., 0.], [4., 0.], [4., 2.], [0.5, -0.25], [0., 0.]]
    );
    let e = error(&text("[-6,-8]"));
    assert!(e.contains("ring is not closed"), "{e}");
}

#[test]
fn the_vertex_budget_counts_decoded_positions() {
    // One arc of 3 positions used 1,000 times: 2,001 positions decoded.
    let refs = vec!["0"; 1000].join(",");
    let text = format!(
        r#"{{"type":"Topology","objects":{{"a":{{"type":"LineString","arcs":[{refs}]}}}},"arcs":[[[0,0],[1,0],[0,0]]]}}"#
    );
    let limits = Limits {
        max_vertices: 2000,
        ..Limits::default()
    };
    let e = parse_within(text.as_bytes(), Path::new("t.topojson"), &limits, 0)
        .unwrap_err()
        .to_string();
    assert!(e.contains("--max-vertices"), "{e}");
    let ok = Limits {
        max_vertices: 2001,
        ..Limits::default()
    };
    let d = parse_within(text.as_bytes(), Path::new("t.topojson"), &ok, 0).unwrap();
    assert_eq!(d.vertex_count(), 2001);
}

#[test]
fn deep_nesting_is_refused_with_its_place() {
    let text = format!(
        r#"{{"type":"Topology","objects":{{"a":{{"type":null,"properties":{{"x":{}1{}}}}}}}}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    let e = error(&text);
    assert!(e.contains("nested deeper than 128"), "{e}");
}

#[test]
fn a_layer_crs_lets_projected_coordinates_through() {
    let text =
        r#"{"type":"Topology","objects":{"a":{"type":"Point","coordinates":[500000,4000000]}}}"#;
    assert!(read(text).is_err());
    let options = crate::spec::ReadOptions {
        crs: Some("EPSG:5070".into()),
        ..Default::default()
    };
    let d = crate::sources::parse_with(
        text.as_bytes(),
        Path::new("t.topojson"),
        &Limits::default(),
        0,
        &options,
    )
    .unwrap();
    assert_eq!(d.crs.as_deref(), Some("EPSG:5070"));
}
