//! CSV/TSV tables: vega-datasets' airports.csv (points) and unemployment.tsv (a table
//! without coordinates) from the npm registry, checked against GDAL's reading of the same
//! file, and the quoting, byte-order-mark, CRLF, delimiter and bad-cell cases.

mod common;

use common::{mapfig, scratch, stderr};
use mapfig::limits::Limits;
use mapfig::sources::{load_with, Value};
use mapfig::spec::ReadOptions;
use std::path::PathBuf;

/// A file of the registry test data (tests/data/fetch-registry.sh).
fn registry(file: &str) -> PathBuf {
    common::registry_data(file)
}

/// The centres of an SVG's circle markers, in document order.
fn markers(svg: &str) -> Vec<(String, String)> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("circle"))
        .map(|n| {
            let a = |k: &str| n.attribute(k).unwrap_or_default().to_string();
            (a("cx"), a("cy"))
        })
        .collect()
}

#[test]
fn airports_are_3376_points_drawn_where_gdal_puts_them() {
    let csv = registry("vega-datasets/airports.csv");
    let data = load_with(&csv, &Limits::default(), &ReadOptions::default()).unwrap();
    assert_eq!(data.format, "CSV");
    assert_eq!(data.features.len(), 3376);
    assert_eq!(data.vertex_count(), 3376);
    let first = &data.features[0];
    assert_eq!(first.property_text("name").as_deref(), Some("Thigpen"));
    assert_eq!(
        first.properties.value("latitude"),
        Some(Value::Number("31.95376472".into()))
    );
    match &first.geometry {
        Some(geo::Geometry::Point(p)) => assert_eq!((p.x(), p.y()), (-89.23450472, 31.95376472)),
        other => panic!("{other:?}"),
    }

    // The same points, as GDAL's ogr2ogr read them from the same CSV.
    let dir = scratch("csv", "airports");
    let gdal = common::root().join("tests/data/formats/airports-multipoint.geojson");
    let mut drawn = Vec::new();
    for (input, out) in [(&csv, "csv.svg"), (&gdal, "gdal.svg")] {
        let o = mapfig()
            .arg("draw")
            .arg(input)
            .arg("-o")
            .arg(dir.join(out))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        drawn.push(markers(&std::fs::read_to_string(dir.join(out)).unwrap()));
    }
    assert_eq!(drawn[0].len(), 3376);
    assert_eq!(drawn[0], drawn[1]);
}

#[test]
fn unemployment_is_a_table_of_3218_rows() {
    let tsv = registry("vega-datasets/unemployment.tsv");
    let data = load_with(&tsv, &Limits::default(), &ReadOptions::default()).unwrap();
    assert_eq!(data.format, "TSV");
    assert_eq!(data.features.len(), 3218);
    assert!(data.features.iter().all(|f| f.geometry.is_none()));
    let first = &data.features[0];
    assert_eq!(first.id, "1001");
    assert_eq!(
        first.properties.value("id"),
        Some(Value::Number("1001".into()))
    );
    // ".097" is a number: spreadsheets leave out the zero.
    assert_eq!(
        first.properties.value("rate"),
        Some(Value::Number("0.097".into()))
    );

    // Drawing a table says what to do.
    let dir = scratch("csv", "unemployment");
    let o = mapfig()
        .arg("draw")
        .arg(&tsv)
        .arg("-o")
        .arg(dir.join("t.svg"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("no geometry") && e.contains("--x and --y"),
        "{e}"
    );
    assert!(!dir.join("t.svg").exists());
}

/// Writes `text` to `name` in a scratch folder of test `test` and draws it with `args`.
fn draw(test: &str, name: &str, text: &[u8], args: &[&str]) -> (std::process::Output, PathBuf) {
    let dir = scratch("csv", test);
    std::fs::write(dir.join(name), text).unwrap();
    let o = mapfig()
        .arg("draw")
        .arg(dir.join(name))
        .args(args)
        .arg("-o")
        .arg(dir.join("out.svg"))
        .output()
        .unwrap();
    (o, dir.join("out.svg"))
}

#[test]
fn quoting_bom_crlf_and_semicolons_read_the_same_points() {
    let plain = b"name,lat,lon\nKunduz,36.73,68.86\nKabul,34.53,69.17\n".to_vec();
    let fancy =
        "\u{feff}\"na\"\"me\";\"LAT\";Lon\r\n\"Kun;\r\nduz\";36.73;68.86\r\nKabul;34.53;69.17\r\n";
    let (a, a_svg) = draw("plain", "p.csv", &plain, &[]);
    let (b, b_svg) = draw("fancy", "p.txt", fancy.as_bytes(), &[]);
    assert!(a.status.success(), "{}", stderr(&a));
    assert!(b.status.success(), "{}", stderr(&b));
    let (a, b) = (
        markers(&std::fs::read_to_string(a_svg).unwrap()),
        markers(&std::fs::read_to_string(b_svg).unwrap()),
    );
    assert_eq!(a.len(), 2);
    assert_eq!(a, b);
}

#[test]
fn columns_are_named_with_x_and_y() {
    let text = b"code,east,north\na,68.86,36.73\nb,69.17,34.53\n";
    let (o, _) = draw("unnamed", "p.csv", text, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let (o, svg) = draw("named", "p.csv", text, &["--x", "east", "--y", "north"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(markers(&std::fs::read_to_string(svg).unwrap()).len(), 2);
    let (o, svg) = draw("wrong", "p.csv", text, &["--x", "lon", "--y", "north"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("x = \"lon\" names no column"),
        "{}",
        stderr(&o)
    );
    assert!(!svg.exists());
    let (o, _) = draw("both", "p.csv", b"lon,lng,lat\n1,2,3\n", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("\"lon\" and \"lng\""), "{}", stderr(&o));
}

#[test]
fn bad_cells_are_errors_naming_the_line() {
    let cases: [(&[u8], &str); 5] = [
        (
            b"iata,latitude,longitude\nA,1,2\nB,3,abc\n",
            "p.csv: line 3: longitude \"abc\" (column \"longitude\") is not a number",
        ),
        (
            b"name;lat;lon\n\"x\ny\";1;2\nz;1,5;2\n",
            "p.csv: line 4: latitude \"1,5\" (column \"lat\") is not a number (write decimals with a point",
        ),
        (b"lat,lon\n95,10\n", "p.csv: line 2: longitude 10, latitude 95 is not a position"),
        (b"lat,lon\n1,2\n3\n", "p.csv: line 3: the row has 1 cells, the header has 2"),
        (b"lat,lon\n1,\"\xff\"\n", "p.csv: line 2, column \"lon\": not UTF-8 text"),
    ];
    for (i, (text, wanted)) in cases.iter().enumerate() {
        let (o, svg) = draw(&format!("bad{i}"), "p.csv", text, &[]);
        assert_eq!(o.status.code(), Some(1));
        let e = stderr(&o);
        let e = e.replace(&format!("{}/", svg.parent().unwrap().display()), "");
        assert!(e.contains(wanted), "{e}\nwanted {wanted}");
        assert!(!svg.exists());
    }
}

#[test]
fn rows_past_the_vertex_limit_stop_the_read() {
    let mut text = String::from("lat,lon\n");
    for i in 0..100 {
        text.push_str(&format!("{}.5,{}.25\n", i % 80, i));
    }
    let (o, svg) = draw("limit", "p.csv", text.as_bytes(), &["--max-vertices", "50"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--max-vertices"), "{}", stderr(&o));
    assert!(!svg.exists());
}

#[test]
fn a_spec_layer_names_its_columns() {
    let dir = scratch("csv", "spec");
    std::fs::write(
        dir.join("sites.csv"),
        "site,east,north\nKunduz,68.86,36.73\nKabul,69.17,34.53\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("map.toml"),
        "title = \"Sites\"\n[[layer]]\nid = \"sites\"\nsource = \"sites.csv\"\nx = \"east\"\ny = \"north\"\nlabel = \"{site}\"\n",
    )
    .unwrap();
    let o = mapfig()
        .args(["render", "map.toml", "-o", "out", "--format", "svg"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = std::fs::read_to_string(dir.join("out/map.svg")).unwrap();
    assert!(
        svg.contains(">Kunduz</text>") && svg.contains(">Kabul</text>"),
        "{svg}"
    );
    assert!(
        svg.matches("class=\"feature marker\"").count() == 2,
        "{svg}"
    );
}
