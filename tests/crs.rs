//! Data in a projected CRS, through the real binary: declared by the file (the legacy
//! GeoJSON `crs` member, written by GDAL's ogr2ogr) or by the layer's `crs` key /
//! `draw --crs`, reprojected to what the same data in longitude/latitude draws; planar
//! screen coordinates (us-atlas's pre-projected `*-albers-10m` files) drawn as they are;
//! and the clear errors for what cannot be used.

mod common;

use common::{files_in, mapfig, root, scratch, stderr};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    root().join("tests/data/formats/crs").join(name)
}

fn registry(rel: &str) -> PathBuf {
    common::registry_data(rel)
}

/// The `d` attributes of an SVG's paths, in order.
fn path_data(svg: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(svg).unwrap();
    text.split(" d=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

/// The numbers of path data.
fn numbers(d: &str) -> Vec<f64> {
    d.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .filter_map(|t| t.parse().ok())
        .collect()
}

/// Draws `input` to `out` with `args`, asserting success.
fn draw(input: &Path, out: &Path, args: &[&str]) {
    let o = mapfig()
        .arg("draw")
        .arg(input)
        .arg("-o")
        .arg(out)
        .args(["--size", "400x300"])
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}: {}", input.display(), stderr(&o));
}

/// Asserts two SVGs draw the same paths, numbers within `tol` px.
fn assert_same_paths(a: &Path, b: &Path, tol: f64) {
    let (pa, pb) = (path_data(a), path_data(b));
    assert!(pa.len() > 50, "{}: {} paths", a.display(), pa.len());
    assert_eq!(pa.len(), pb.len());
    for (i, (x, y)) in pa.iter().zip(&pb).enumerate() {
        let (nx, ny) = (numbers(x), numbers(y));
        assert_eq!(nx.len(), ny.len(), "path {i}");
        let off = nx
            .iter()
            .zip(&ny)
            .map(|(p, q)| (p - q).abs())
            .fold(0.0, f64::max);
        assert!(off <= tol, "path {i} is {off} px off");
    }
}

#[test]
fn projected_geojson_draws_as_its_lon_lat_original() {
    let dir = scratch("crs", "same-paths");
    let lon_lat = dir.join("4326.svg");
    draw(
        &fixture("us-states-4326.geojson"),
        &lon_lat,
        &["--proj", "EPSG:5070"],
    );
    for code in ["5070", "3857"] {
        let out = dir.join(format!("{code}.svg"));
        let input = fixture(&format!("us-states-{code}.geojson"));
        draw(&input, &out, &["--proj", "EPSG:5070"]);
        // ogr2ogr wrote metres to 3 decimals; SVG paths have 2: the same to the last digit
        // but for rounding.
        assert_same_paths(&lon_lat, &out, 0.011);
    }
    // Auto projection sees the same longitudes/latitudes too.
    let (a, b) = (dir.join("auto-4326.svg"), dir.join("auto-5070.svg"));
    draw(&fixture("us-states-4326.geojson"), &a, &[]);
    draw(&fixture("us-states-5070.geojson"), &b, &[]);
    assert_same_paths(&a, &b, 0.011);
}

#[test]
fn a_legacy_crs_member_after_the_features_counts_too() {
    let dir = scratch("crs", "member-last");
    let text = std::fs::read_to_string(fixture("us-states-5070.geojson")).unwrap();
    let member = "\"crs\": { \"type\": \"name\", \"properties\": { \"name\": \"urn:ogc:def:crs:EPSG::5070\" } },\n";
    assert!(text.contains(member));
    let moved = text.replacen(member, "", 1);
    let end = moved.rfind('}').unwrap();
    let moved = format!(
        "{},\n{}}}\n",
        moved[..end].trim_end(),
        member.trim_end().trim_end_matches(',')
    );
    let input = dir.join("last.geojson");
    std::fs::write(&input, moved).unwrap();
    draw(&input, &dir.join("last.svg"), &["--proj", "EPSG:5070"]);
    draw(
        &fixture("us-states-5070.geojson"),
        &dir.join("first.svg"),
        &["--proj", "EPSG:5070"],
    );
    assert_same_paths(&dir.join("first.svg"), &dir.join("last.svg"), 0.0);
}

#[test]
fn the_layer_crs_overrides_what_the_file_declares() {
    let dir = scratch("crs", "override");
    // The file wrongly says Web Mercator; the layer knows better.
    let text = std::fs::read_to_string(fixture("us-states-5070.geojson")).unwrap();
    let wrong = text.replacen("EPSG::5070", "EPSG::3857", 1);
    std::fs::write(dir.join("wrong.geojson"), wrong).unwrap();
    let spec = dir.join("map.toml");
    std::fs::write(
        &spec,
        "output = \"map\"\nsize = [400, 300]\nprojection = \"EPSG:5070\"\n\
         [[layer]]\nid = \"states\"\nsource = \"wrong.geojson\"\ncrs = \"EPSG:5070\"\n",
    )
    .unwrap();
    let o = mapfig()
        .arg("render")
        .arg(&spec)
        .arg("--out")
        .arg(&dir)
        .args(["--format", "svg"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let spec_4326 = dir.join("ref.toml");
    std::fs::copy(fixture("us-states-4326.geojson"), dir.join("4326.geojson")).unwrap();
    std::fs::write(
        &spec_4326,
        "output = \"ref\"\nsize = [400, 300]\nprojection = \"EPSG:5070\"\n\
         [[layer]]\nid = \"states\"\nsource = \"4326.geojson\"\n",
    )
    .unwrap();
    let o = mapfig()
        .arg("render")
        .arg(&spec_4326)
        .arg("--out")
        .arg(&dir)
        .args(["--format", "svg"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_same_paths(&dir.join("ref.svg"), &dir.join("map.svg"), 0.011);
    // Without the override the file's (wrong) Web Mercator puts the states near Null
    // Island: a different map, or none.
    draw(&dir.join("wrong.geojson"), &dir.join("wrong.svg"), &[]);
    assert_ne!(
        path_data(&dir.join("wrong.svg")),
        path_data(&dir.join("map.svg"))
    );
}

/// Runs `draw` expecting a refusal: exit 1, no file written; returns stderr.
fn refused(input: &Path, args: &[&str]) -> String {
    let dir = input.parent().unwrap();
    let before = files_in(dir);
    let o = mapfig()
        .arg("draw")
        .arg(input)
        .arg("-o")
        .arg(dir.join("out.svg"))
        .args(args)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(files_in(dir), before, "a refused draw wrote a file");
    stderr(&o)
}

#[test]
fn a_crs_that_cannot_be_used_is_refused_naming_file_and_crs() {
    let dir = scratch("crs", "refused");
    let text = std::fs::read_to_string(fixture("us-states-5070.geojson")).unwrap();
    let cases = [
        ("urn:ogc:def:crs:EPSG::4267", "grid"),
        ("EPSG:31", "not among the EPSG definitions"),
        ("ESRI:102003", "is not a CRS mapfig reads"),
    ];
    for (i, (name, why)) in cases.iter().enumerate() {
        let input = dir.join(format!("bad-{i}.geojson"));
        std::fs::write(&input, text.replacen("urn:ogc:def:crs:EPSG::5070", name, 1)).unwrap();
        let e = refused(&input, &[]);
        assert!(e.contains(&format!("bad-{i}.geojson")), "{e}");
        assert!(
            e.contains("cannot reproject from the CRS the file declares"),
            "{e}"
        );
        assert!(e.contains(why), "{e}");
        assert!(e.contains("ogr2ogr -t_srs EPSG:4326"), "{e}");
    }
    let link = dir.join("link.geojson");
    std::fs::write(
        &link,
        r#"{"type": "FeatureCollection", "crs": {"type": "link", "properties": {"href": "http://example.com/crs", "type": "proj4"}}, "features": []}"#,
    )
    .unwrap();
    let e = refused(&link, &[]);
    assert!(e.contains("link.geojson: crs: a linked crs"), "{e}");
    // A wrong --crs is a wrong argument (exit 2), a layer's wrong crs bad data (exit 1).
    let o = mapfig()
        .arg("draw")
        .arg(fixture("us-states-4326.geojson"))
        .args(["--crs", "EPSG:nope", "-o"])
        .arg(dir.join("x.svg"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--crs: \"EPSG:nope\" is not a CRS"),
        "{}",
        stderr(&o)
    );
    std::fs::copy(fixture("us-states-4326.geojson"), dir.join("ok.geojson")).unwrap();
    std::fs::write(
        dir.join("map.toml"),
        "[[layer]]\nid = \"states\"\nsource = \"ok.geojson\"\ncrs = \"EPSG:31\"\n",
    )
    .unwrap();
    let o = mapfig()
        .arg("render")
        .arg(dir.join("map.toml"))
        .arg("--out")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("ok.geojson: cannot reproject from the layer's crs: EPSG:31 is not among"),
        "{e}"
    );
    assert!(!dir.join("map.svg").exists());
}

#[test]
fn screen_coordinates_draw_as_they_are() {
    // us-atlas's states as GeoJSON (topo2geo); the TopoJSON itself is drawn below.
    let input = registry("geojson/us-states-albers-10m.geojson");
    let dir = scratch("crs", "screen");
    let (svg, png) = (dir.join("albers.svg"), dir.join("albers.png"));
    let o = mapfig()
        .arg("draw")
        .arg(&input)
        .args(["--crs", "screen", "--size", "975x610", "-o"])
        .arg(&svg)
        .arg("-o")
        .arg(&png)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(path_data(&svg).len(), 51, "one path per state and DC");
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let grey = |x: u32, y: u32| buf[((y * info.width + x) as usize) * channels];
    assert_eq!((info.width, info.height), (975, 610));
    // The data spans x -57.6..957.1, y 13.0..606.6 (screen units, y down), fitted to the
    // 975×610 frame: Florida's peninsula, bottom right, is filled (#dddddd); the same
    // place mirrored top to bottom (southern Quebec) is background; Alaska (moved by
    // us-atlas to the bottom left) and Washington (top left) are filled.
    assert_eq!(grey(824, 531), 0xdd, "Florida");
    assert_eq!(grey(824, 79), 0xff, "Quebec");
    assert_eq!(grey(160, 488), 0xdd, "Alaska, bottom left");
    assert_eq!(grey(170, 65), 0xdd, "Washington, top left");
    assert_eq!(grey(3, 3), 0xff, "the Pacific, top left");
}

#[test]
fn us_atlas_pre_projected_topojson_draws_as_its_geojson_does() {
    let dir = scratch("crs", "albers-topojson");
    let draw = |input: &Path, extra: &[&str], out: &Path| {
        let o = mapfig()
            .arg("draw")
            .arg(input)
            .args(["--crs", "screen", "--size", "975x610"])
            .args(extra)
            .arg("-o")
            .arg(out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    };
    let (topo, geo) = (dir.join("topo.svg"), dir.join("geo.svg"));
    draw(
        &registry("us-atlas/states-albers-10m.json"),
        &["--object", "states"],
        &topo,
    );
    draw(&registry("geojson/us-states-albers-10m.geojson"), &[], &geo);
    let (a, b) = (path_data(&topo), path_data(&geo));
    assert_eq!(a.len(), 51);
    assert_eq!(
        a, b,
        "the TopoJSON and topo2geo's GeoJSON draw the same paths"
    );
    // Without a crs the file is refused, saying how to declare it.
    let o = mapfig()
        .arg("draw")
        .arg(registry("us-atlas/states-albers-10m.json"))
        .arg("-o")
        .arg(dir.join("no.svg"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("crs = \"screen\""), "{}", stderr(&o));
    assert!(!dir.join("no.svg").exists());
}

#[test]
fn data_that_is_not_lon_lat_and_declares_no_crs_says_how_to_declare_one() {
    let dir = scratch("crs", "no-crs");
    let input = dir.join("albers.geojson");
    std::fs::copy(registry("geojson/us-states-albers-10m.geojson"), &input).unwrap();
    let e = refused(&input, &[]);
    assert!(e.contains("albers.geojson: feature 0"), "{e}");
    assert!(e.contains("[647.9590460127125, 492.43814504935494]"), "{e}");
    assert!(e.contains("crs = \"screen\""), "{e}");
    assert!(e.contains("crs = \"EPSG:"), "{e}");
}

#[test]
fn planar_data_neither_mixes_with_lon_lat_nor_takes_a_projection() {
    let dir = scratch("crs", "mixed");
    std::fs::copy(
        registry("geojson/us-states-albers-10m.geojson"),
        dir.join("a.geojson"),
    )
    .unwrap();
    std::fs::copy(fixture("us-states-4326.geojson"), dir.join("b.geojson")).unwrap();
    let spec = dir.join("map.toml");
    std::fs::write(
        &spec,
        "output = \"map\"\n[[layer]]\nid = \"screen\"\nsource = \"a.geojson\"\ncrs = \"screen\"\n\
         [[layer]]\nid = \"states\"\nsource = \"b.geojson\"\n",
    )
    .unwrap();
    let o = mapfig()
        .arg("render")
        .arg(&spec)
        .arg("--out")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains(
            "layer \"screen\" is in crs = \"screen\" but layer \"states\" in longitude/latitude"
        ),
        "{e}"
    );
    assert!(!dir.join("map.svg").exists());
    let o = mapfig()
        .arg("draw")
        .arg(dir.join("a.geojson"))
        .args(["--crs", "screen", "--proj", "EPSG:5070", "-o"])
        .arg(dir.join("x.svg"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("cannot be projected with \"EPSG:5070\""),
        "{}",
        stderr(&o)
    );
    assert!(!dir.join("x.svg").exists());
}

#[test]
fn a_screen_map_leaves_out_furniture_that_needs_the_ground_and_says_so() {
    let dir = scratch("crs", "furniture");
    std::fs::copy(
        registry("geojson/us-states-albers-10m.geojson"),
        dir.join("a.geojson"),
    )
    .unwrap();
    std::fs::write(
        dir.join("map.toml"),
        "[[layer]]\nid = \"states\"\nsource = \"a.geojson\"\ncrs = \"screen\"\nlegend = \"States\"\n\
         [furniture]\nlegend = true\nscale_bar = true\nnorth_arrow = true\ngraticule = 10\ninset = \"locator\"\n",
    )
    .unwrap();
    let o = mapfig()
        .arg("render")
        .arg(dir.join("map.toml"))
        .arg("--out")
        .arg(&dir)
        .args(["--format", "svg"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "scale bar, north arrow, graticule left out: the map draws screen coordinates"
        ),
        "{}",
        stderr(&o)
    );
    let svg = std::fs::read_to_string(dir.join("map.svg")).unwrap();
    assert!(
        svg.contains("id=\"map-legend\"") || svg.contains("legend"),
        "legend kept"
    );
    assert!(!svg.contains("scale-bar") && !svg.contains("north-arrow"));
    assert_eq!(
        svg.matches("class=\"feature\"").count(),
        51,
        "the states and DC"
    );
}
