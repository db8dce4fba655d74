//! Reading GeoJSON end to end: ids, properties, checks and `where` matching.

use super::*;
use crate::spec::{Filter, Test};

fn parse_str(s: &str) -> Result<Dataset> {
    parse(s.as_bytes(), Path::new("d.geojson"))
}

#[test]
fn reads_ids_properties_and_geometry() {
    let d = parse_str(
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","id":"AF-KDZ","properties":{"name":"Kunduz"},
         "geometry":{"type":"Point","coordinates":[68.86,36.73]}},
        {"type":"Feature","properties":{"n":3},"geometry":null}]}"#,
    )
    .unwrap();
    assert_eq!(d.features[0].id, "AF-KDZ");
    assert_eq!(d.features[1].id, "1");
    assert_eq!(
        d.features[0].property_text("name").as_deref(),
        Some("Kunduz")
    );
    assert!(d.features[1].geometry.is_none());
}

#[test]
fn one_element_ring_is_an_error_naming_the_feature() {
    let e = parse_str(
        r#"{"type":"Feature","id":"x","properties":{},
        "geometry":{"type":"Polygon","coordinates":[[[1,2]]]}}"#,
    )
    .unwrap_err();
    let m = e.to_string();
    assert!(
        m.starts_with("d.geojson: feature 0 (id \"x\"), ring 0:"),
        "{m}"
    );
    assert!(m.contains("has 1"), "{m}");
}

#[test]
fn malformed_json_reports_line_and_column() {
    let e = parse_str("{\"type\":\n\"FeatureCollection\",, }").unwrap_err();
    assert!(e.to_string().starts_with("d.geojson: 2:"), "{e}");
}

#[test]
fn filter_matches_properties_and_id() {
    let d = parse_str(
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","id":"a","properties":{"k":1},"geometry":null},
        {"type":"Feature","id":"b","properties":{"k":2.0},"geometry":null}]}"#,
    )
    .unwrap();
    let f = Filter(vec![("k".into(), Test::OneOf(vec![serde_json::json!(2)]))]);
    assert_eq!(
        d.select(&f).map(|f| f.id.as_str()).collect::<Vec<_>>(),
        ["b"]
    );
    let f = Filter(vec![(
        "id".into(),
        Test::OneOf(vec![serde_json::json!("a")]),
    )]);
    assert_eq!(d.select(&f).count(), 1);
}

#[test]
fn where_numbers_compare_by_exact_decimal_value() {
    use serde_json::json;
    let d = exact::Decimal::parse;
    assert_eq!(d("5"), d("5.0"));
    assert_eq!(d("5"), d("50e-1"));
    assert_eq!(d("-0"), d("0.000"));
    assert_ne!(d("9007199254740993"), d("9007199254740992"));
    assert!(d("05").is_none() && d("5.").is_none() && d("1e").is_none() && d("x").is_none());
    assert!(exact::matches(&json!(5), "5.0"));
    assert!(exact::matches(&json!(0.1), "0.1"));
    assert!(exact::matches(&json!("5"), "5"));
    assert!(exact::matches(&json!(5), "\"5\""));
    assert!(!exact::matches(&json!(5), "\"05\""));
    assert!(!exact::matches(
        &json!(9007199254740992u64),
        "9007199254740993"
    ));
    assert!(exact::matches(&json!(true), "true") && !exact::matches(&json!(true), "1"));
}

#[test]
fn out_of_range_coordinates_are_errors() {
    let e = parse_str(r#"{"type":"Point","coordinates":[1e308, 0]}"#).unwrap_err();
    assert!(e.to_string().contains("not a longitude"), "{e}");
}
