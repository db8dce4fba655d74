//! The Shapefile reader against real files: Natural Earth Shapefiles from the registry, the
//! same data written by GDAL's ogr2ogr as GeoJSON and as Shapefiles of other shape types,
//! encodings and packaging (tests/data/formats/shapefile, see tests/data/SOURCES.md), and
//! hostile variants of them through the real binary.

mod common;

use common::{have_prlimit, limited, mapfig, root, scratch, stderr};
use geo::{CoordsIter, Geometry};
use mapfig::sources::{load, Budget, Dataset, Input, Reader, Shapefile, Value};
use std::path::{Path, PathBuf};

/// The registry data folder, filled by tests/data/fetch-registry.sh.
fn registry(file: &str) -> PathBuf {
    common::registry_data(&format!("naturalearth/{file}"))
}

fn fixture(file: &str) -> PathBuf {
    root().join("tests/data/formats/shapefile").join(file)
}

/// The `d` attributes of an SVG, in document order.
fn path_data(svg: &str) -> Vec<String> {
    svg.split(" d=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

/// Draws `data` with `flags` into `dir`; the SVG.
fn draw(dir: &Path, data: &Path, flags: &[&str], name: &str) -> String {
    let svg = dir.join(format!("{name}.svg"));
    let png = dir.join(format!("{name}.png"));
    let out = mapfig()
        .arg("draw")
        .arg(data)
        .args(["-o"])
        .arg(&svg)
        .args(["-o"])
        .arg(&png)
        .args(flags)
        .output()
        .unwrap();
    assert!(out.status.success(), "{name}: {}", stderr(&out));
    assert!(std::fs::metadata(&png).unwrap().len() > 1000, "{name}: PNG");
    std::fs::read_to_string(svg).unwrap()
}

#[test]
fn shapefile_and_gdal_geojson_draw_the_same_paths() {
    let dir = scratch("shapefile", "same-paths");
    let shp = registry("naturalearth_lowres.shp");
    let geojson = fixture("naturalearth_lowres.geojson");
    for (i, flags) in [
        &[][..],
        &[
            "--proj",
            "+proj=robin",
            "--size",
            "900x500",
            "--stroke-width",
            "1",
        ][..],
    ]
    .iter()
    .enumerate()
    {
        let from_shp = path_data(&draw(&dir, &shp, flags, &format!("shp{i}")));
        let from_json = path_data(&draw(&dir, &geojson, flags, &format!("json{i}")));
        // Every country one path, drawn from the same rings in the same order.
        assert_eq!(from_shp.len(), 177, "{flags:?}");
        assert_eq!(from_shp, from_json, "{flags:?}");
    }
}

#[test]
fn properties_and_geometry_match_gdal() {
    let shp = load(&registry("naturalearth_lowres.shp")).unwrap();
    let json = load(&fixture("naturalearth_lowres.geojson")).unwrap();
    assert_eq!((shp.format, shp.crs.as_deref()), ("Shapefile", None));
    assert_eq!(shp.features.len(), 177);
    assert_eq!(json.features.len(), 177);
    for (i, (s, j)) in shp.features.iter().zip(&json.features).enumerate() {
        assert_eq!(s.id, i.to_string());
        for key in ["name", "iso_a3", "continent"] {
            assert_eq!(
                s.properties.value(key),
                j.properties.value(key),
                "{i} {key}"
            );
        }
        for key in ["pop_est", "gdp_md_est"] {
            let number = |v: Option<Value>| match v {
                Some(Value::Number(t)) => t.parse::<f64>().unwrap(),
                other => panic!("{i} {key}: {other:?}"),
            };
            assert_eq!(
                number(s.properties.value(key)),
                number(j.properties.value(key)),
                "{i} {key}"
            );
        }
        assert_close(s.geometry.as_ref(), j.geometry.as_ref(), i);
    }
    // Given the index instead, the same file is read.
    let from_shx = load(&registry("naturalearth_lowres.shx")).unwrap();
    assert_eq!(from_shx.features.len(), 177);
    assert_eq!(from_shx.features[5].geometry, shp.features[5].geometry);
    let ivory = shp
        .features
        .iter()
        .find(|f| f.property_text("iso_a3").as_deref() == Some("CIV"))
        .unwrap();
    assert_eq!(
        ivory.property_text("name").as_deref(),
        Some("Côte d'Ivoire")
    );
}

/// The same kind of geometry with the same positions, to GDAL's 15 written decimals.
fn assert_close(a: Option<&Geometry>, b: Option<&Geometry>, i: usize) {
    let (Some(a), Some(b)) = (a, b) else {
        return assert_eq!(a, b, "feature {i}");
    };
    assert_eq!(
        std::mem::discriminant(a),
        std::mem::discriminant(b),
        "feature {i}"
    );
    assert_eq!(a.coords_count(), b.coords_count(), "feature {i}");
    if let (Geometry::MultiPolygon(a), Geometry::MultiPolygon(b)) = (a, b) {
        let holes = |m: &geo::MultiPolygon| -> Vec<usize> {
            m.0.iter().map(|p| p.interiors().len()).collect()
        };
        assert_eq!(holes(a), holes(b), "feature {i}");
    }
    for (p, q) in a.coords_iter().zip(b.coords_iter()) {
        assert!(
            (p.x - q.x).abs() < 1e-12 && (p.y - q.y).abs() < 1e-12,
            "feature {i}: {p:?} {q:?}"
        );
    }
}

/// The features of `lowres` whose `continent` is `name`.
fn continent<'a>(lowres: &'a Dataset, name: &str) -> Vec<&'a mapfig::sources::Feature> {
    lowres
        .features
        .iter()
        .filter(|f| f.property_text("continent").as_deref() == Some(name))
        .collect()
}

#[test]
fn z_m_multipoint_and_null_shapes_read_their_xy() {
    let lowres = load(&registry("naturalearth_lowres.shp")).unwrap();
    // PolygonZ: the same x, y as the polygons it was written from.
    let africa = load(&fixture("africa_polygonz.shp")).unwrap();
    let want = continent(&lowres, "Africa");
    assert_eq!(africa.features.len(), 51);
    for (a, w) in africa.features.iter().zip(&want) {
        assert_eq!(a.geometry, w.geometry, "{:?}", a.property_text("name"));
        assert_eq!(a.property_text("name"), w.property_text("name"));
    }
    // GDAL wrote Nigeria's population with one decimal fewer: the digits are kept.
    let nigeria = africa
        .features
        .iter()
        .find(|f| f.property_text("iso_a3").as_deref() == Some("NGA"))
        .unwrap();
    assert_eq!(
        nigeria.properties.value("pop_est"),
        Some(Value::Number("200963599.00000000000000".into()))
    );
    // PolyLineM: every ring of the polygons as a line, in order.
    let lines = load(&fixture("south_america_linem.shp")).unwrap();
    let want = continent(&lowres, "South America");
    assert_eq!(lines.features.len(), 13);
    for (l, w) in lines.features.iter().zip(&want) {
        let line_coords: Vec<_> = l.geometry.as_ref().unwrap().coords_iter().collect();
        let ring_coords: Vec<_> = w.geometry.as_ref().unwrap().coords_iter().collect();
        assert_eq!(line_coords, ring_coords, "{:?}", l.property_text("name"));
        assert!(matches!(
            l.geometry,
            Some(Geometry::LineString(_) | Geometry::MultiLineString(_))
        ));
    }
    // MultiPoint: one point each, where the cities are.
    let cities = load(&registry("naturalearth_cities.shp")).unwrap();
    let multi = load(&fixture("cities_multipoint.shp")).unwrap();
    assert_eq!(multi.features.len(), 243);
    for (m, c) in multi.features.iter().zip(&cities.features) {
        let (Some(Geometry::MultiPoint(mp)), Some(Geometry::Point(p))) = (&m.geometry, &c.geometry)
        else {
            panic!("{:?} {:?}", m.geometry, c.geometry)
        };
        assert_eq!(mp.0, vec![*p]);
    }
    // Null shapes: features without geometry, attributes kept.
    let some_null = load(&fixture("cities_null.shp")).unwrap();
    let names: Vec<_> = some_null
        .features
        .iter()
        .filter(|f| f.geometry.is_none())
        .filter_map(|f| f.property_text("name"))
        .collect();
    assert_eq!(names, ["San Marino", "Luxembourg", "Funafuti", "Monaco"]);
    assert_eq!(some_null.features.len(), 12);
}

#[test]
fn latin1_zip_and_projected_files_read_right() {
    let cities = load(&registry("naturalearth_cities.shp")).unwrap();
    let latin1 = load(&fixture("cities_latin1.shp")).unwrap();
    let names = |d: &Dataset| -> Vec<String> {
        d.features
            .iter()
            .filter_map(|f| f.property_text("name"))
            .collect()
    };
    assert_eq!(names(&latin1), names(&cities));
    for name in ["São Tomé", "Reykjavík", "Asunción", "København"] {
        assert!(names(&latin1).iter().any(|n| n == name), "{name}");
    }
    // A zipped Shapefile: Europe's countries as the unzipped file has them.
    let lowres = load(&registry("naturalearth_lowres.shp")).unwrap();
    let europe = load(&fixture("europe.shp.zip")).unwrap();
    let want = continent(&lowres, "Europe");
    assert_eq!(europe.features.len(), 39);
    assert!(europe.objects.is_empty());
    for (e, w) in europe.features.iter().zip(&want) {
        assert_eq!(e.geometry, w.geometry);
        assert_eq!(e.property_text("name"), w.property_text("name"));
    }
    // A projected Shapefile: the .prj is kept, the metres left to the CRS step.
    let path = fixture("usa_epsg5070.shp");
    let bytes = std::fs::read(&path).unwrap();
    let limits = mapfig::limits::Limits::default();
    let options = Default::default();
    let input = Input {
        path: &path,
        bytes: &bytes,
        limits: &limits,
        options: &options,
    };
    let budget = Budget {
        limit: limits.max_vertices,
        held: 0,
    };
    assert!(Shapefile.sniff(&bytes, &path));
    let usa = Shapefile.read(&input, &budget).unwrap();
    let crs = usa.crs.as_deref().unwrap();
    assert!(
        crs.starts_with("PROJCS[") && crs.contains("Albers"),
        "{crs}"
    );
    let x_max = usa.features[0]
        .geometry
        .as_ref()
        .unwrap()
        .coords_iter()
        .map(|c| c.x.abs())
        .fold(0.0, f64::max);
    assert!(x_max > 1e6, "metres, not degrees: {x_max}");
}

/// Runs `mapfig draw` on `data` in `dir`; the failure's stderr (exit 1, no output file,
/// no panic).
fn refused(dir: &Path, data: &str, extra: &[&str]) -> String {
    let out = mapfig()
        .current_dir(dir)
        .args(["draw", data, "-o", "out.svg"])
        .args(extra)
        .output()
        .unwrap();
    let e = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{data}: {e}");
    assert!(!e.contains("panicked"), "{e}");
    assert!(!dir.join("out.svg").exists(), "{data}: wrote a file");
    e
}

/// A copy of naturalearth_lowres in `dir` as `name.*`, `edit` applied to the bytes of
/// each file by extension.
fn copy_lowres(dir: &Path, name: &str, edit: impl Fn(&str, &mut Vec<u8>)) {
    for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
        let mut bytes = std::fs::read(registry(&format!("naturalearth_lowres.{ext}"))).unwrap();
        edit(ext, &mut bytes);
        std::fs::write(dir.join(format!("{name}.{ext}")), bytes).unwrap();
    }
}

#[test]
fn hostile_shapefiles_are_refused_clearly() {
    let dir = scratch("shapefile", "hostile");
    // Truncated .shp.
    copy_lowres(&dir, "truncated", |ext, b| {
        if ext == "shp" {
            b.truncate(b.len() / 2);
        }
    });
    let e = refused(&dir, "truncated.shp", &[]);
    assert!(
        e.contains("truncated.shp: header:") && e.contains("truncated"),
        "{e}"
    );
    // A record length past the end of the file (record 3's header).
    copy_lowres(&dir, "length", |ext, b| {
        if ext == "shp" {
            let at = 100;
            b[at + 4..at + 8].copy_from_slice(&0x00ff_ffffu32.to_be_bytes());
        }
    });
    let e = refused(&dir, "length.shp", &[]);
    assert!(
        e.contains("length.shp: record 0 (byte 100)") && e.contains("runs past the end"),
        "{e}"
    );
    // .shx offsets past the end of the .shp.
    copy_lowres(&dir, "offsets", |ext, b| {
        if ext == "shx" {
            let at = 100 + 8 * 5;
            b[at..at + 4].copy_from_slice(&0x7fff_0000u32.to_be_bytes());
        }
    });
    let e = refused(&dir, "offsets.shp", &[]);
    assert!(
        e.contains("offsets.shx: entry 5") && e.contains("outside"),
        "{e}"
    );
    // A .dbf header claiming billions of records.
    copy_lowres(&dir, "count", |ext, b| {
        if ext == "dbf" {
            b[4..8].copy_from_slice(&0xffff_fff0u32.to_le_bytes());
        }
    });
    let e = refused(&dir, "count.shp", &[]);
    assert!(
        e.contains("count.dbf: header:") && e.contains("4294967280 records"),
        "{e}"
    );
    // No .dbf.
    copy_lowres(&dir, "nodbf", |_, _| {});
    std::fs::remove_file(dir.join("nodbf.dbf")).unwrap();
    let e = refused(&dir, "nodbf.shp", &[]);
    assert!(e.contains("nodbf.dbf") && e.contains("missing"), "{e}");
    // A .cpg naming an encoding nobody knows.
    copy_lowres(&dir, "cpg", |ext, b| {
        if ext == "cpg" {
            *b = b"KLINGON-8".to_vec();
        }
    });
    let e = refused(&dir, "cpg.shp", &[]);
    assert!(e.contains("cpg.cpg") && e.contains("\"KLINGON-8\""), "{e}");
    // Projected coordinates without their .prj: the error says to name the CRS.
    for ext in ["shp", "shx", "dbf"] {
        std::fs::copy(
            fixture(&format!("usa_epsg5070.{ext}")),
            dir.join(format!("noprj.{ext}")),
        )
        .unwrap();
    }
    let e = refused(&dir, "noprj.shp", &[]);
    assert!(
        e.contains("noprj.shp: feature 0") && e.contains("has no .prj"),
        "{e}"
    );
    // Over the vertex limit: stopped before parsing.
    copy_lowres(&dir, "ok", |_, _| {});
    let e = refused(&dir, "ok.shp", &["--max-vertices", "1000"]);
    assert!(e.contains("--max-vertices"), "{e}");
}

#[test]
fn zips_are_read_within_the_limit() {
    use std::io::Write;
    let dir = scratch("shapefile", "zips");
    let write_zip = |name: &str, members: &[(&str, Vec<u8>)]| {
        let file = std::fs::File::create(dir.join(name)).unwrap();
        let mut zip = zip::ZipWriter::new(file);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (member, bytes) in members {
            zip.start_file(*member, options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
    };
    write_zip("readme.zip", &[("README.txt", b"no shapes here".to_vec())]);
    let e = refused(&dir, "readme.zip", &[]);
    assert!(e.contains("a ZIP archive without a Shapefile"), "{e}");
    // A bomb: 64 MiB of zeros after a .shp header, a few kB compressed.
    let mut bomb = std::fs::read(registry("naturalearth_lowres.shp")).unwrap();
    bomb.resize(64 << 20, 0);
    write_zip("bomb.zip", &[("bomb.shp", bomb)]);
    assert!(std::fs::metadata(dir.join("bomb.zip")).unwrap().len() < 1 << 20);
    let e = refused(&dir, "bomb.zip", &["--max-input-bytes", "4MiB"]);
    assert!(
        e.contains("bomb.zip!bomb.shp") && e.contains("--max-input-bytes"),
        "{e}"
    );
    // Two Shapefiles: a layer picks one by name; the error lists them.
    let files = |stem: &str| -> Vec<(String, Vec<u8>)> {
        ["shp", "shx", "dbf", "prj", "cpg"]
            .iter()
            .map(|ext| {
                let bytes = std::fs::read(registry(&format!("{stem}.{ext}"))).unwrap();
                (format!("{stem}.{ext}"), bytes)
            })
            .collect()
    };
    let mut both = files("naturalearth_lowres");
    both.extend(files("naturalearth_cities"));
    let members: Vec<(&str, Vec<u8>)> = both.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    write_zip("both.zip", &members);
    let data = load(&dir.join("both.zip")).unwrap();
    let names: Vec<_> = data.objects.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["naturalearth_lowres", "naturalearth_cities"]);
    assert_eq!(
        data.object_range(Some("naturalearth_cities"), "layer")
            .unwrap(),
        177..420
    );
    let e = data.object_range(None, "layer \"x\"").unwrap_err();
    assert!(
        e.contains("naturalearth_lowres") && e.contains("naturalearth_cities"),
        "{e}"
    );
}

/// A Shapefile of `n` records (a point, then null shapes) whose `.dbf` has `fields`
/// one-byte text fields: the narrowest table, the most values per byte.
fn narrow_shapefile(dir: &Path, n: usize, fields: usize) {
    let mut records = Vec::new();
    for i in 0..n {
        let mut content = if i == 0 {
            let mut c = 1u32.to_le_bytes().to_vec();
            c.extend(68.86f64.to_le_bytes());
            c.extend(36.73f64.to_le_bytes());
            c
        } else {
            0u32.to_le_bytes().to_vec()
        };
        let mut r = (i as u32 + 1).to_be_bytes().to_vec();
        r.extend(((content.len() / 2) as u32).to_be_bytes());
        r.append(&mut content);
        records.push(r);
    }
    let header = |len: usize| {
        let mut h = vec![0u8; 100];
        h[..4].copy_from_slice(&9994u32.to_be_bytes());
        h[24..28].copy_from_slice(&((len / 2) as u32).to_be_bytes());
        h[28..32].copy_from_slice(&1000u32.to_le_bytes());
        h
    };
    let mut shp = header(100 + records.iter().map(Vec::len).sum::<usize>());
    let mut shx = header(100 + 8 * n);
    for r in &records {
        shx.extend(((shp.len() / 2) as u32).to_be_bytes());
        shx.extend((((r.len() - 8) / 2) as u32).to_be_bytes());
        shp.extend(r);
    }
    let mut dbf = vec![0u8; 32];
    dbf[0] = 3;
    dbf[4..8].copy_from_slice(&(n as u32).to_le_bytes());
    dbf[8..10].copy_from_slice(&((32 + 32 * fields + 1) as u16).to_le_bytes());
    dbf[10..12].copy_from_slice(&((1 + fields) as u16).to_le_bytes());
    for k in 0..fields {
        let mut d = [0u8; 32];
        d[..6].copy_from_slice(format!("f{k:05}").as_bytes());
        d[11] = b'C';
        d[16] = 1;
        dbf.extend(d);
    }
    dbf.push(0x0D);
    for _ in 0..n {
        dbf.push(b' ');
        dbf.extend(std::iter::repeat_n(b'X', fields));
    }
    std::fs::write(dir.join("narrow.shp"), shp).unwrap();
    std::fs::write(dir.join("narrow.shx"), shx).unwrap();
    std::fs::write(dir.join("narrow.dbf"), dbf).unwrap();
}

#[test]
fn a_table_of_narrow_fields_stays_a_small_multiple_of_its_size() {
    assert!(
        have_prlimit(),
        "this test needs `prlimit` (Debian: apt-get install util-linux)"
    );
    let dir = scratch("shapefile", "narrow");
    // 12.5 MB of one-byte values: held as named values they took over 1.5 GB.
    narrow_shapefile(&dir, 50_000, 250);
    let (out, _) = limited(
        &dir,
        500_000_000,
        &["draw", "narrow.shp", "-o", "n.svg"],
        std::time::Duration::from_secs(120),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let svg = std::fs::read_to_string(dir.join("n.svg")).unwrap();
    assert!(svg.contains("<circle"), "the one point is drawn");
}

#[test]
fn a_dbf_alone_is_a_table_of_features_without_geometry() {
    let data = load(&registry("naturalearth_lowres.dbf")).unwrap();
    assert_eq!(data.format, "dBASE table");
    assert_eq!(data.features.len(), 177);
    assert!(data.features.iter().all(|f| f.geometry.is_none()));
    let names: Vec<_> = data
        .features
        .iter()
        .filter_map(|f| f.property_text("name"))
        .collect();
    assert!(names.iter().any(|n| n == "Côte d'Ivoire"));
    assert_eq!(
        data.features[0].property_text("iso_a3").as_deref(),
        Some("FJI")
    );
}

#[test]
fn mutated_zips_are_read_or_refused_never_a_panic() {
    let zip = std::fs::read(fixture("europe.shp.zip")).unwrap();
    let limits = mapfig::limits::Limits {
        max_input_bytes: 1 << 20,
        ..Default::default()
    };
    // A fixed xorshift sequence: the same mutations on every run.
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..300 {
        let mut bytes = zip.clone();
        for _ in 0..1 + next() % 3 {
            let at = (next() % bytes.len() as u64) as usize;
            bytes[at] = next() as u8;
        }
        let _ = mapfig::sources::parse_within(&bytes, Path::new("m.zip"), &limits, 0);
    }
}
