//! CRS parsing and reprojection against what GDAL computes for the same text. The expected
//! longitudes/latitudes were computed once with gdal-bin 3.6 / PROJ 9.1.1:
//!
//! ```text
//! echo "$X $Y" | gdaltransform -output_xy -s_srs tests/data/formats/crs/FILE \
//!     -t_srs "+proj=longlat +datum=WGS84 +no_defs"
//! ```
//!
//! (the same for the ESRI `.prj`, the OGC WKT1 and the WKT2 of each CRS), the projected
//! points being `cs2cs -f %.1f EPSG:4326 EPSG:n` of the round longitudes/latitudes.

use super::*;

/// A fixture's text.
fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/formats/crs")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// (EPSG code, projected point, what gdaltransform gives for it).
const CASES: &[(u16, [f64; 2], [f64; 2])] = &[
    (
        5070,
        [-338390.6, 1894100.1],
        [-100.000000127072, 39.9999996382671],
    ),
    (
        5070,
        [1567937.8, 401033.0],
        [-80.4999996720834, 25.5000000482607],
    ),
    (
        32642,
        [515601.0, 3820937.0],
        [69.1700003570518, 34.5300001074433],
    ),
    (
        32642,
        [487499.4, 4064930.2],
        [68.8599995388585, 36.7299999237136],
    ),
    (
        3857,
        [-14204.4, 6711506.7],
        [-0.127600296217473, 51.5071999698043],
    ),
    (
        3857,
        [16831507.0, -4011359.5],
        [151.199999928647, -33.8699997683877],
    ),
    (
        2154,
        [652301.6, 6861302.7],
        [2.3500004821479, 48.8499997696898],
    ),
    (
        2154,
        [892394.8, 6247424.6],
        [5.37000026105325, 43.2999995819653],
    ),
    (
        27700,
        [530043.2, 180358.2],
        [-0.127599918400035, 51.5071999167767],
    ),
    (
        27700,
        [325784.7, 673635.8],
        [-3.1900007647411, 55.9500002785729],
    ),
];

fn assert_near(crs: &Crs, what: &str, xy: [f64; 2], want: [f64; 2]) {
    let got = crs
        .to_lon_lat(xy[0], xy[1])
        .unwrap_or_else(|| panic!("{what}: {xy:?} does not reproject"));
    let d = (got[0] - want[0]).abs().max((got[1] - want[1]).abs());
    assert!(
        d < 1e-6,
        "{what} ({}): {xy:?} → {got:?}, GDAL {want:?} (off {d:e}°)",
        crs.name
    );
}

#[test]
fn every_flavour_of_each_crs_reprojects_as_gdal_does() {
    for &(code, xy, want) in CASES {
        for file in [
            format!("esri-{code}.prj"),
            format!("ogc-{code}.wkt"),
            format!("wkt2-{code}.wkt"),
        ] {
            let crs = Crs::parse(&fixture(&file)).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_near(&crs, &file, xy, want);
        }
        let crs = Crs::parse(&format!("EPSG:{code}")).unwrap();
        assert_near(&crs, "EPSG code", xy, want);
        let crs = Crs::parse(&format!("urn:ogc:def:crs:EPSG::{code}")).unwrap();
        assert_near(&crs, "URN", xy, want);
    }
}

#[test]
fn wkt_is_read_by_its_structure_when_it_names_no_code() {
    // The OGC and WKT2 texts give EPSG codes, which win; their structure alone must give
    // the same answer (as the ESRI .prj files, which carry no code, do).
    for &(code, xy, want) in CASES {
        for file in [format!("ogc-{code}.wkt"), format!("wkt2-{code}.wkt")] {
            let tree = wkt::parse(&fixture(&file)).unwrap();
            assert_eq!(tree.epsg, Some(code), "{file}");
            let d = tree.proj.unwrap_or_else(|e| panic!("{file}: {e}"));
            let crs = Crs::proj(&d.proj, &file, Some(d.wgs84_lon_lat))
                .unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_near(&crs, &format!("{file} by structure"), xy, want);
        }
    }
}

#[test]
fn names_say_where_the_crs_came_from() {
    assert_eq!(Crs::parse(" epsg:5070 ").unwrap().name, "EPSG:5070");
    let esri = Crs::parse(&fixture("esri-5070.prj")).unwrap();
    assert_eq!(esri.name, "NAD_1983_Contiguous_USA_Albers");
    let ogc = Crs::parse(&fixture("ogc-5070.wkt")).unwrap();
    assert_eq!(ogc.name, "EPSG:5070 (NAD83 / Conus Albers)");
    assert_eq!(
        Crs::parse("urn:ogc:def:crs:EPSG:6.3:3857").unwrap().name,
        "EPSG:3857"
    );
    let p = "+proj=aea +lat_1=29.5 +lat_2=45.5 +lat_0=23 +lon_0=-96 +datum=NAD83";
    assert_eq!(Crs::parse(p).unwrap().name, p);
}

#[test]
fn wgs84_longitude_latitude_in_any_spelling_is_kept() {
    for t in [
        "EPSG:4326",
        "OGC:CRS84",
        "urn:ogc:def:crs:OGC:1.3:CRS84",
        "urn:ogc:def:crs:EPSG::4326",
        "+proj=longlat +datum=WGS84 +no_defs",
        r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#,
    ] {
        assert!(Crs::parse(t).unwrap().is_lon_lat(), "{t}");
    }
    // Natural Earth's .prj as geopandas ships it is the ESRI spelling above.
    for t in [fixture("wkt2-4269.wkt"), fixture("ogc-4269.wkt")] {
        let nad83 = Crs::parse(&t).unwrap();
        // NAD83 is reprojected (a zero datum shift): the same degrees come back.
        let [lon, lat] = nad83.to_lon_lat(-77.0, 38.9).unwrap();
        assert!(
            (lon + 77.0).abs() < 1e-9 && (lat - 38.9).abs() < 1e-9,
            "{lon} {lat}"
        );
    }
}

#[test]
fn what_cannot_be_used_is_refused_by_name() {
    let cases = [
        ("EPSG:99999", "EPSG:99999 is not among the EPSG definitions"),
        (
            "EPSG:102003",
            "EPSG:102003 is not among the EPSG definitions",
        ),
        ("EPSG:x", "is not a CRS mapfig reads"),
        ("EPSG:65000", "not among the EPSG definitions"),
        ("EPSG:4267", "grid"),
        ("+proj=nonsense", "proj4rs cannot use"),
        ("hello", "is not a CRS mapfig reads"),
        (
            r#"PROJCS["Bonne",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Bonne"],PARAMETER["Standard_Parallel_1",60.0],UNIT["Meter",1.0]]"#,
            "Bonne: projection \"Bonne\" is not supported",
        ),
        (
            r#"GEOGCS["Mystery",DATUM["D_Mystery_1911",SPHEROID["Clarke_1880",6378249.145,293.465]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#,
            "no known shift to WGS 84",
        ),
        (r#"PROJCS["x",GEOGCS["y""#, "truncated"),
        ("PROJCS[", "truncated"),
        (
            r#"VERT_CS["NAVD88",VERT_DATUM["x",2005]]"#,
            "not a horizontal CRS",
        ),
    ];
    for (text, want) in cases {
        let e = Crs::parse(text).unwrap_err();
        assert!(e.contains(want), "{text:.60}: {e}");
    }
    let e = Crs::parse(&"A[".repeat(100_000)).unwrap_err();
    assert!(e.contains("nested deeper"), "{e}");
}

#[test]
fn wkt_whose_epsg_definition_proj4rs_cannot_use_is_read_by_its_structure() {
    // EPSG:4267 (NAD27) needs grid files; this WKT gives its own (approximate) shift.
    let wkt = r#"GEOGCS["NAD27 with a shift",DATUM["North_American_Datum_1927",SPHEROID["Clarke 1866",6378206.4,294.978698213898],TOWGS84[-8,160,176,0,0,0,0]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4267"]]"#;
    let crs = Crs::parse(wkt).unwrap();
    assert_eq!(crs.name, "NAD27 with a shift");
    let [lon, lat] = crs.to_lon_lat(-100.0, 40.0).unwrap();
    assert!(
        (lon + 100.0).abs() < 1e-3 && (lat - 40.0).abs() < 1e-3,
        "{lon} {lat}"
    );
}

#[test]
fn conics_symmetric_about_the_equator_are_refused_not_drawn_wrong() {
    let e = Crs::parse("+proj=lcc +lat_1=-30 +lat_2=30 +lon_0=0").unwrap_err();
    assert!(e.contains("proj4rs cannot use"), "{e}");
}

#[test]
fn screen_and_planar_are_kept_as_they_are() {
    assert_eq!(Crs::parse("screen").unwrap().planar(), Some(Planar::Screen));
    assert_eq!(Crs::parse("Pixels").unwrap().planar(), Some(Planar::Screen));
    assert_eq!(Crs::parse("planar").unwrap().planar(), Some(Planar::Plane));
    assert_eq!(Crs::parse("screen").unwrap().to_lon_lat(1.0, 2.0), None);
}

#[test]
fn units_compound_and_bound_crss_reproject_as_gdal_does() {
    // US survey feet (ESRI .prj written by ogr2ogr for EPSG:2263); a compound CRS with a
    // vertical part; a WKT2 bound CRS carrying its datum shift beside it (gdalsrsinfo -o
    // wkt2 of the proj string below). Expected values: gdaltransform as above.
    let cases = [
        (
            "esri-2263.prj",
            [989791.5, 212522.5],
            [-73.9799998460802, 40.7499999471664],
        ),
        (
            "wkt2-5070+5703.wkt",
            [-338390.6, 1894100.1],
            [-100.000000127072, 39.9999996382671],
        ),
        (
            "wkt2-bound-tmerc.wkt",
            [530043.2, 180358.2],
            [-0.127599918400035, 51.5071999167767],
        ),
    ];
    for (file, xy, want) in cases {
        let crs = Crs::parse(&fixture(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_near(&crs, file, xy, want);
    }
}

#[test]
fn hostile_parameters_give_errors_or_checked_positions_never_panics() {
    let methods = [
        "Albers",
        "Lambert_Conformal_Conic",
        "Transverse_Mercator",
        "Mercator",
        "Mercator_Auxiliary_Sphere",
        "Lambert_Azimuthal_Equal_Area",
        "Azimuthal_Equidistant",
        "Stereographic_North_Pole",
        "Polar_Stereographic",
        "Oblique_Stereographic",
        "Equirectangular",
        "Cylindrical_Equal_Area",
        "Sinusoidal",
        "Mollweide",
        "Robinson",
        "Equal_Earth",
        "Miller_Cylindrical",
        "Equidistant_Conic",
        "Orthographic",
        "Gnomonic",
        "Cassini_Soldner",
        "Polyconic",
    ];
    let values = ["0", "-90", "90", "1e300", "-1e-300", "360", "1e15"];
    for m in methods {
        for v in values {
            for p in [
                "Standard_Parallel_1",
                "Latitude_Of_Origin",
                "Scale_Factor",
                "Central_Meridian",
                "False_Easting",
            ] {
                let wkt = format!(
                    r#"PROJCS["t",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["{m}"],PARAMETER["{p}",{v}],PARAMETER["Standard_Parallel_2",{v}],UNIT["Meter",1.0]]"#
                );
                if let Ok(crs) = Crs::parse(&wkt) {
                    for xy in [[0.0, 0.0], [1e7, -1e7], [1e300, 1e300], [-5e5, 3e6]] {
                        if let Some([lon, lat]) = crs.to_lon_lat(xy[0], xy[1]) {
                            assert!(lon.is_finite() && lat.is_finite(), "{wkt}");
                        }
                    }
                }
            }
        }
    }
}

/// Reads GeoJSON text as a layer with `crs` would.
fn read(text: &str, crs: Option<&str>) -> crate::error::Result<Dataset> {
    let options = crate::spec::ReadOptions {
        crs: crs.map(str::to_string),
        ..Default::default()
    };
    crate::sources::parse_with(
        text.as_bytes(),
        std::path::Path::new("t.geojson"),
        &crate::limits::Limits::default(),
        0,
        &options,
    )
}

fn point_collection(crs_member: &str, points: &[[f64; 2]]) -> String {
    let features: Vec<String> = points
        .iter()
        .map(|p| {
            format!(
                r#"{{"type": "Feature", "properties": null, "geometry": {{"type": "Point", "coordinates": [{}, {}]}}}}"#,
                p[0], p[1]
            )
        })
        .collect();
    format!(
        r#"{{"type": "FeatureCollection", {crs_member} "features": [{}]}}"#,
        features.join(",")
    )
}

#[test]
fn the_crs_step_reprojects_checks_and_names_the_crs() {
    let member = r#""crs": {"type": "name", "properties": {"name": "EPSG:32642"}},"#;
    let data = read(&point_collection(member, &[[515601.0, 3820937.0]]), None).unwrap();
    assert_eq!(data.crs.as_deref(), Some("EPSG:32642"));
    let Some(geo::Geometry::Point(p)) = &data.features[0].geometry else {
        panic!("a point")
    };
    assert!(
        (p.x() - 69.17).abs() < 1e-6 && (p.y() - 34.53).abs() < 1e-6,
        "{p:?}"
    );
    // Lon/lat declared: checked (and named as no CRS), the same as undeclared.
    let member =
        r#""crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},"#;
    let data = read(&point_collection(member, &[[180.0000001, -90.0]]), None).unwrap();
    assert_eq!(data.crs, None);
    let e = read(&point_collection(member, &[[1.0, 2.0], [181.0, 2.0]]), None)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("t.geojson: feature 1 (id \"1\"): position [181.0, 2.0] is not a longitude"),
        "{e}"
    );
    // A position the projection cannot bring back: the first failing feature is named.
    // (An orthographic map's inverse is defined only on its disc.)
    let ortho = "+proj=ortho +lat_0=0 +lon_0=0 +datum=WGS84";
    let points = [[0.0, 0.0], [1e7, 1e7], [2e7, 2e7]];
    let e = read(&point_collection("", &points), Some(ortho))
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("t.geojson: feature 1 (id \"1\"): position [10000000.0, 10000000.0] cannot be reprojected"), "{e}");
    assert!(e.ends_with(&format!("(in {ortho})")), "{e}");
    // "crs" only as text in a property: still checked as lon/lat, with the hint.
    let text = r#"{"type": "Feature", "properties": {"note": "crs"}, "geometry": {"type": "Point", "coordinates": [942.2, 589.5]}}"#;
    let e = read(text, None).unwrap_err().to_string();
    assert!(
        e.contains("[942.2, 589.5] is not a longitude") && e.contains("crs = \"screen\""),
        "{e}"
    );
    // The layer's crs wins; screen coordinates stay as they are.
    let data = read(text, Some("screen")).unwrap();
    assert_eq!(data.planar(), Some(Planar::Screen));
    let Some(geo::Geometry::Point(p)) = &data.features[0].geometry else {
        panic!("a point")
    };
    assert_eq!((p.x(), p.y()), (942.2, 589.5));
}

#[test]
fn legacy_crs_members_that_cannot_be_used_are_refused() {
    for (member, want) in [
        (
            r#""crs": {"type": "link", "properties": {"href": "x.prj"}},"#,
            "t.geojson: crs: a linked crs",
        ),
        (
            r#""crs": {"type": "name", "properties": {}},"#,
            "t.geojson: crs: a named crs needs",
        ),
        (r#""crs": 5,"#, "t.geojson: crs: the crs member must be"),
        (
            r#""crs": {"type": "name", "properties": {"name": "EPSG:1"}},"#,
            "EPSG:1 is not among",
        ),
    ] {
        let e = read(&point_collection(member, &[[1.0, 2.0]]), None)
            .unwrap_err()
            .to_string();
        assert!(e.contains(want), "{member}: {e}");
    }
    // GeoJSON 2008 allowed "crs": null for "no CRS known": read as lon/lat.
    let data = read(&point_collection(r#""crs": null,"#, &[[1.0, 2.0]]), None).unwrap();
    assert_eq!(data.crs, None);
}

#[test]
fn more_methods_and_named_datums_reproject_as_gdal_does() {
    // Oblique stereographic on the Amersfoort datum and Lambert 1972 on the Belgian datum
    // (ESRI .prj files name their datums, no TOWGS84: the shift comes from the EPSG
    // geographic CRS on that datum), LAEA Europe, ESRI's Behrmann (EASE-Grid 2.0), and
    // polar stereographic as OGC WKT1 writes it (the true-scale latitude as the latitude
    // of origin), the Swiss Hotine oblique Mercator. Expected values: gdaltransform as above; the projected points are
    // `cs2cs -f %.3f EPSG:4326 EPSG:n` of round longitudes/latitudes.
    let cases = [
        (
            "esri-28992.prj",
            [149024.938, 456865.115],
            [5.300000004898, 52.1000000061511],
        ),
        (
            "esri-31370.prj",
            [152202.884, 165505.136],
            [4.39999999463714, 50.8000000068197],
        ),
        (
            "esri-3035.prj",
            [2987510.567, 4321000.0],
            [-14.3253799586561, 59.9011091614321],
        ),
        (
            "esri-6933.prj",
            [3859451.21, 3658789.325],
            [39.9999999996283, 29.9999999894741],
        ),
        (
            "ogc-3413.wkt",
            [0.0, -1633879.497],
            [-45.0, 75.0000000042748],
        ),
        ("ogc-3031.wkt", [0.0, 1638783.238], [0.0, -75.0000000036867]),
        // Swiss oblique Mercator (Hotine variant B) on CH1903+ and CH1903.
        (
            "esri-2056.prj",
            [2658121.836, 1183485.727],
            [8.20000000522017, 46.8000000094923],
        ),
        (
            "ogc-21781.wkt",
            [658121.836, 183485.727],
            [8.20000000522017, 46.8000000094923],
        ),
    ];
    for (file, xy, want) in cases {
        let crs = Crs::parse(&fixture(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_near(&crs, file, xy, want);
        // The OGC texts carry EPSG codes: their structure alone must agree too.
        let d = wkt::parse(&fixture(file)).unwrap().proj.unwrap();
        let crs = Crs::proj(&d.proj, file, Some(false)).unwrap();
        assert_near(&crs, &format!("{file} by structure"), xy, want);
    }
}

#[test]
fn the_datum_table_is_sorted_for_its_binary_search() {
    assert!(datum_names::DATUMS.windows(2).all(|w| w[0].0 < w[1].0));
    // Names ESRI and EPSG both use find their shift.
    for name in [
        "D_Timbalai_1948",
        "Hong_Kong_1980",
        "D_South_American_1969",
        "D_Israel",
    ] {
        let wkt = format!(
            r#"GEOGCS["x",DATUM["{name}",SPHEROID["International_1924",6378388.0,297.0]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#
        );
        let crs = Crs::parse(&wkt).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!crs.is_lon_lat(), "{name}");
    }
}
