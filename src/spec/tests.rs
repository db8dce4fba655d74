//! Spec parsing end to end: defaults, places of errors, `where` filters, simplify amounts.

use super::*;

fn parse_str(s: &str) -> Result<Spec> {
    parse(s, Path::new("maps/test.toml"))
}

const MINIMAL: &str = "[[layer]]\nid = \"p\"\nsource = \"../geodata/a.geojson\"\n";

#[test]
fn minimal_spec_gets_defaults() {
    let s = parse_str(MINIMAL).unwrap();
    assert_eq!((s.width, s.height), (1200.0, 900.0));
    assert_eq!(s.output, "test");
    assert_eq!(s.layers[0].source, Path::new("maps/../geodata/a.geojson"));
    assert_eq!(s.projection, ProjectionChoice::Auto);
}

#[test]
fn unknown_key_reports_line_and_column() {
    let e = parse_str(&format!("{MINIMAL}fil = \"red\"\n")).unwrap_err();
    match e {
        Error::Spec {
            line,
            column,
            message,
            ..
        } => {
            assert_eq!((line, column), (4, 1), "{message}");
            assert!(message.contains("fil"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn wrong_type_reports_place() {
    let e = parse_str("size = \"big\"\n[[layer]]\nid = \"p\"\nsource = \"a\"\n").unwrap_err();
    assert!(e.to_string().starts_with("maps/test.toml:1:8:"), "{e}");
}

#[test]
fn bad_colour_points_at_the_value() {
    let e = parse_str(&format!("{MINIMAL}fill = \"reddish\"\n")).unwrap_err();
    assert!(e.to_string().starts_with("maps/test.toml:4:8:"), "{e}");
}

#[test]
fn absurd_size_is_rejected() {
    let e = parse_str(&format!("size = [1000000, 1000000]\n{MINIMAL}")).unwrap_err();
    assert!(e.to_string().contains("size must be"), "{e}");
}

#[test]
fn where_takes_scalars_and_lists() {
    let s = parse_str(&format!(
        "{MINIMAL}where = {{ id = [\"AF-KDZ\", \"AF-TAK\"], n = 3 }}\n"
    ))
    .unwrap();
    let f = &s.layers[0].filter.0;
    assert_eq!(f[0].0, "id");
    assert_eq!(
        f[0].1,
        Test::OneOf(vec![
            serde_json::json!("AF-KDZ"),
            serde_json::json!("AF-TAK")
        ])
    );
    assert_eq!(f[1].1, Test::OneOf(vec![serde_json::json!(3)]));
}

#[test]
fn unknown_projection_is_a_spec_error() {
    let e = parse_str(&format!("projection = \"+proj=nonsense\"\n{MINIMAL}")).unwrap_err();
    assert!(matches!(e, Error::Spec { line: 1, .. }), "{e}");
}

#[test]
fn parses_simplify_amounts() {
    assert_eq!(parse_share("10%"), Ok(0.1));
    assert_eq!(parse_share(" 0.1 "), Ok(0.1));
    assert_eq!(parse_share("100 %"), Ok(1.0));
    assert_eq!(parse_share("0"), Ok(0.0));
    let err = parse_share("10").unwrap_err();
    assert!(err.contains("\"10%\""), "{err}");
    assert!(parse_share("150%").unwrap_err().contains("out of range"));
    assert!(parse_share("-0.1").unwrap_err().contains("out of range"));
    assert!(parse_share("ten").unwrap_err().contains("not a number"));
    assert!(parse_share("").is_err());
}
