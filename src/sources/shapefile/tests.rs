//! Unit tests of the Shapefile reader on files built here byte by byte; the reader against
//! real files and GDAL's output is tested in tests/shapefile.rs.

use super::*;
use crate::sources::Value;
use geo::{Geometry, LineString, Polygon};

/// A record's content: a polygon (type 5) or polyline (3) of `parts`.
fn multipart(kind: u32, parts: &[&[(f64, f64)]]) -> Vec<u8> {
    let n: usize = parts.iter().map(|p| p.len()).sum();
    let mut b = kind.to_le_bytes().to_vec();
    b.extend([0u8; 32]);
    b.extend((parts.len() as u32).to_le_bytes());
    b.extend((n as u32).to_le_bytes());
    let mut at = 0u32;
    for p in parts {
        b.extend(at.to_le_bytes());
        at += p.len() as u32;
    }
    for p in parts {
        for (x, y) in *p {
            b.extend(x.to_le_bytes());
            b.extend(y.to_le_bytes());
        }
    }
    b
}

fn point(x: f64, y: f64) -> Vec<u8> {
    let mut b = 1u32.to_le_bytes().to_vec();
    b.extend(x.to_le_bytes());
    b.extend(y.to_le_bytes());
    b
}

fn header(len: usize) -> Vec<u8> {
    let mut h = vec![0u8; 100];
    h[..4].copy_from_slice(&shp::MAGIC);
    h[24..28].copy_from_slice(&((len / 2) as u32).to_be_bytes());
    h[28..32].copy_from_slice(&1000u32.to_le_bytes());
    h
}

/// The `.shp` and `.shx` of `records`.
fn shp_shx(records: &[Vec<u8>]) -> (Vec<u8>, Vec<u8>) {
    let len = 100 + records.iter().map(|r| 8 + r.len()).sum::<usize>();
    let mut shp = header(len);
    let mut shx = header(100 + 8 * records.len());
    for (i, r) in records.iter().enumerate() {
        shx.extend(((shp.len() / 2) as u32).to_be_bytes());
        shx.extend(((r.len() / 2) as u32).to_be_bytes());
        shp.extend((i as u32 + 1).to_be_bytes());
        shp.extend(((r.len() / 2) as u32).to_be_bytes());
        shp.extend(r);
    }
    (shp, shx)
}

/// A `.dbf` with a text field `name` and a numeric field `n`; a name starting with `*`
/// marks the record deleted.
fn dbf(rows: &[(&str, &str)]) -> Vec<u8> {
    let mut b = vec![0u8; 32];
    b[0] = 3;
    b[4..8].copy_from_slice(&(rows.len() as u32).to_le_bytes());
    b[8..10].copy_from_slice(&(32u16 * 3 + 1).to_le_bytes());
    b[10..12].copy_from_slice(&(1u16 + 10 + 8).to_le_bytes());
    for (name, kind, len) in [("name", b'C', 10u8), ("n", b'N', 8)] {
        let mut d = [0u8; 32];
        d[..name.len()].copy_from_slice(name.as_bytes());
        d[11] = kind;
        d[16] = len;
        b.extend(d);
    }
    b.push(0x0D);
    for (name, n) in rows {
        let (flag, name) = match name.strip_prefix('*') {
            Some(rest) => (b'*', rest),
            None => (b' ', *name),
        };
        b.push(flag);
        b.extend(format!("{name:<10}{n:>8}").bytes());
    }
    b.push(0x1A);
    b
}

fn ring(pts: &[(f64, f64)]) -> LineString<f64> {
    LineString::from(pts.to_vec())
}

const OUTER: &[(f64, f64)] = &[
    (0.0, 0.0),
    (0.0, 10.0),
    (10.0, 10.0),
    (10.0, 0.0),
    (0.0, 0.0),
];
const HOLE: &[(f64, f64)] = &[(2.0, 2.0), (4.0, 2.0), (4.0, 4.0), (2.0, 4.0), (2.0, 2.0)];
const ISLAND: &[(f64, f64)] = &[(20.0, 0.0), (20.0, 5.0), (25.0, 5.0), (20.0, 0.0)];

fn sample() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let records = [
        multipart(5, &[HOLE, ISLAND, OUTER]),
        0u32.to_le_bytes().to_vec(),
        point(68.86, 36.73),
        multipart(3, &[&OUTER[..3]]),
        point(1.0, 1.0),
    ];
    let (shp, shx) = shp_shx(&records);
    let dbf = dbf(&[
        ("Kunduz", "12.50"),
        ("", "***"),
        ("Taloqan", "+3"),
        ("road", ""),
        ("*gone", "1"),
    ]);
    (shp, shx, dbf)
}

#[test]
fn shapes_and_attributes_read_right() {
    let (shp, shx, dbf) = sample();
    for shx in [Some(shx.as_slice()), None] {
        let data = parse_shapefile(&shp, shx, &dbf).unwrap();
        let ids: Vec<_> = data.features.iter().map(|f| f.id.as_str()).collect();
        // The deleted record is left out; ids stay record numbers.
        assert_eq!(ids, ["0", "1", "2", "3"]);
        let f = &data.features;
        assert_eq!(
            f[0].geometry,
            Some(Geometry::MultiPolygon(geo::MultiPolygon(vec![
                Polygon::new(ring(ISLAND), vec![]),
                Polygon::new(ring(OUTER), vec![ring(HOLE)]),
            ])))
        );
        assert_eq!(f[1].geometry, None);
        assert_eq!(
            f[2].geometry,
            Some(Geometry::Point(geo::Point::new(68.86, 36.73)))
        );
        assert_eq!(f[3].geometry, Some(Geometry::LineString(ring(&OUTER[..3]))));
        assert_eq!(
            f[0].properties.value("name"),
            Some(Value::Text("Kunduz".into()))
        );
        assert_eq!(
            f[0].properties.value("n"),
            Some(Value::Number("12.50".into()))
        );
        assert_eq!(f[1].properties.value("name"), Some(Value::Null));
        assert_eq!(f[1].properties.value("n"), Some(Value::Null));
        assert_eq!(f[2].properties.value("n"), Some(Value::Number("3".into())));
        assert_eq!(f[0].properties.member_json("n").as_deref(), Some("12.50"));
        assert_eq!(
            f[0].properties.member_json("name").as_deref(),
            Some("\"Kunduz\"")
        );
        assert_eq!(f[0].properties.value("absent"), None);
    }
}

/// The error reading `shp`, `shx`, `dbf`.
fn error(shp: &[u8], shx: Option<&[u8]>, dbf: &[u8]) -> String {
    parse_shapefile(shp, shx, dbf).unwrap_err().to_string()
}

#[test]
fn hostile_files_are_refused_with_the_place() {
    let (shp, shx, dbf) = sample();
    // Truncated .shp: the header's length is more than the bytes present.
    let e = error(&shp[..shp.len() - 5], Some(&shx), &dbf);
    assert!(
        e.starts_with("data.shp: header:") && e.contains("truncated"),
        "{e}"
    );
    // Truncated, header length fixed up: the walk finds the record past the end.
    let mut cut = shp[..shp.len() - 4].to_vec();
    let words = (cut.len() / 2) as u32;
    cut[24..28].copy_from_slice(&words.to_be_bytes());
    let e = error(&cut, None, &dbf);
    assert!(
        e.contains("record 4") && e.contains("runs past the end"),
        "{e}"
    );
    // A record length larger than the file.
    let mut long = shp.clone();
    long[104..108].copy_from_slice(&0x7fff_ffffu32.to_be_bytes());
    let e = error(&long, Some(&shx), &dbf);
    assert!(
        e.contains("record 0 (byte 100)") && e.contains("runs past the end"),
        "{e}"
    );
    // An index entry pointing past the end of the .shp.
    let mut far = shx.clone();
    far[108..112].copy_from_slice(&0x4000_0000u32.to_be_bytes());
    let e = error(&shp, Some(&far), &dbf);
    assert!(
        e.starts_with("data.shx: entry 1:") && e.contains("outside"),
        "{e}"
    );
    // A huge record count in the .dbf header.
    let mut many = dbf.clone();
    many[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
    let e = error(&shp, Some(&shx), &many);
    assert!(
        e.starts_with("data.dbf: header:") && e.contains("4294967295 records"),
        "{e}"
    );
    // Fewer records than shapes.
    let e = error(&shp, Some(&shx), &super::tests::dbf(&[("a", "1")]));
    assert!(
        e.contains("holds 1 records") && e.contains("5 shapes"),
        "{e}"
    );
    // A point count beyond the record.
    let mut points = shp.clone();
    points[108 + 40..108 + 44].copy_from_slice(&u32::MAX.to_le_bytes());
    let e = error(&points, Some(&shx), &dbf);
    assert!(
        e.starts_with("data.shp: feature 0:") && e.contains("too short"),
        "{e}"
    );
    // Part starts that do not rise.
    let mut parts = shp.clone();
    parts[108 + 48..108 + 52].copy_from_slice(&0u32.to_le_bytes());
    let e = error(&parts, Some(&shx), &dbf);
    assert!(
        e.contains("feature 0, part 0") && e.contains("must rise"),
        "{e}"
    );
    // Not finite.
    let nan = shp_shx(&[point(f64::NAN, 0.0)]);
    let e = error(&nan.0, Some(&nan.1), &super::tests::dbf(&[("a", "1")]));
    assert!(e.contains("feature 0") && e.contains("NaN"), "{e}");
    // Every prefix of the files is an error or a read, never a panic.
    for n in 0..shp.len() {
        let _ = parse_shapefile(&shp[..n], Some(&shx), &dbf);
        let _ = parse_shapefile(&shp, Some(&shx[..n.min(shx.len())]), &dbf);
        let _ = parse_shapefile(&shp, None, &dbf[..n.min(dbf.len())]);
    }
}

#[test]
fn the_vertex_budget_stops_before_parsing() {
    let (shp, shx, dbf) = sample();
    let path = Path::new("data.shp");
    let files = Files {
        shp: (path, &shp),
        shx: Some((Path::new("data.shx"), &shx)),
        dbf: Some((Path::new("data.dbf"), &dbf)),
        missing_dbf: PathBuf::from("data.dbf"),
        prj: None,
        cpg: None,
    };
    let budget = Budget { limit: 13, held: 0 };
    let e = read_files(&files, None, &budget).unwrap_err().to_string();
    assert!(
        e.contains("feature 0") && e.contains("--max-vertices"),
        "{e}"
    );
}

#[test]
fn prj_text_is_kept_unless_plain_wgs84() {
    let wgs84 = br#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
    assert_eq!(declared_crs(wgs84), None);
    let albers =
        r#"PROJCS["NAD83 / Conus Albers",GEOGCS["NAD83",DATUM["North_American_Datum_1983"]]]"#;
    assert_eq!(declared_crs(albers.as_bytes()).as_deref(), Some(albers));
    let nad83 = r#"GEOGCS["GCS_North_American_1983",DATUM["D_North_American_1983"]]"#;
    assert_eq!(declared_crs(nad83.as_bytes()).as_deref(), Some(nad83));
}

#[test]
fn mutated_files_are_read_or_refused_never_a_panic() {
    let (shp, shx, dbf) = sample();
    // A fixed xorshift sequence: the same mutations on every run.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..3000 {
        let (mut a, mut b, mut c) = (shp.clone(), shx.clone(), dbf.clone());
        for _ in 0..1 + next() % 4 {
            let file = match next() % 3 {
                0 => &mut a,
                1 => &mut b,
                _ => &mut c,
            };
            let at = (next() % file.len() as u64) as usize;
            file[at] = match next() % 4 {
                0 => 0xFF,
                1 => 0,
                _ => next() as u8,
            };
        }
        let _ = parse_shapefile(&a, Some(&b), &c);
        let _ = parse_shapefile(&a, None, &c);
    }
}

#[test]
fn a_table_of_millions_of_one_byte_records_is_refused_alone() {
    let mut b = vec![0u8; 32];
    b[0] = 3;
    let n: u32 = 4_000_000;
    b[4..8].copy_from_slice(&n.to_le_bytes());
    b[8..10].copy_from_slice(&33u16.to_le_bytes());
    b[10..12].copy_from_slice(&1u16.to_le_bytes());
    b.push(0x0D);
    b.resize(33 + n as usize, b' ');
    let limits = crate::limits::Limits::default();
    let input = Input {
        path: Path::new("wide.dbf"),
        bytes: &b,
        limits: &limits,
        options: &Default::default(),
    };
    assert!(Shapefile.sniff(&b, input.path));
    let e = read_table(&input).unwrap_err().to_string();
    assert!(e.contains("over 16 times"), "{e}");
}

#[test]
fn parts_that_draw_nothing_are_left_out() {
    let spike: &[(f64, f64)] = &[(5.0, 5.0), (6.0, 6.0), (5.0, 5.0)];
    let dot: &[(f64, f64)] = &[(7.0, 7.0)];
    let (shp, shx) = shp_shx(&[
        multipart(5, &[OUTER, spike]),
        multipart(3, &[dot, &OUTER[..2]]),
        multipart(5, &[spike]),
    ]);
    let data = parse_shapefile(
        &shp,
        Some(&shx),
        &dbf(&[("a", "1"), ("b", "2"), ("c", "3")]),
    )
    .unwrap();
    let f = &data.features;
    assert_eq!(
        f[0].geometry,
        Some(Geometry::Polygon(Polygon::new(ring(OUTER), vec![])))
    );
    assert_eq!(f[1].geometry, Some(Geometry::LineString(ring(&OUTER[..2]))));
    assert_eq!(f[2].geometry, None);
    // Their positions are still checked.
    let (shp, shx) = shp_shx(&[multipart(3, &[&[(f64::NAN, 1.0)], &OUTER[..2]])]);
    let e = error(&shp, Some(&shx), &dbf(&[("a", "1")]));
    assert!(e.contains("feature 0, part 0") && e.contains("NaN"), "{e}");
}
