//! World data through `antimeridian`: once cut (and, for Web Mercator, clipped to its latitude
//! limit), no projected segment is long enough to be a streak across the map. Runs on the
//! committed fixture, on the committed world-atlas 1:110m countries, and on world-atlas
//! 1:10m countries from the benchmark data, which must exist (see [`world_countries_10m`]).

mod common;

use mapfig::geom::{distance, flatten, polygon_area, Flat, Pt};
use mapfig::prepare::antimeridian::{clip_latitude, cut, cut_at, WEB_MERCATOR_MAX_LAT};
use mapfig::projection::project_flat as project;
use mapfig::projection::Projection;
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/antimeridian.geojson")
}

/// world-atlas@2.0.2 countries-10m as GeoJSON (topojson-client's topo2geo), 21 MB, so not
/// committed: `tests/data/fetch-registry.sh` makes it.
fn world_countries_10m() -> PathBuf {
    common::registry_data("geojson/world-countries-10m.geojson")
}

fn load(path: &Path) -> Vec<(String, Flat)> {
    let data = mapfig::sources::load(path).unwrap_or_else(|e| panic!("{e}"));
    data.features
        .iter()
        .filter_map(|f| {
            let mut flat = Flat::default();
            flatten(f.geometry.as_ref()?, &mut flat);
            Some((f.id.clone(), flat))
        })
        .collect()
}

/// The longest straight segment of any ring or line.
fn longest_segment(flat: &Flat) -> (f64, [Pt; 2]) {
    flat.polygons
        .iter()
        .flatten()
        .chain(&flat.lines)
        .flat_map(|r| r.windows(2))
        .map(|w| (distance(w[0], w[1]), [w[0], w[1]]))
        .fold((0.0, [[0.0; 2]; 2]), |a, b| if b.0 > a.0 { b } else { a })
}

struct Map {
    projection: Projection,
    lon_0: f64,
    /// Latitude limit to clip to before projecting (Web Mercator).
    max_lat: Option<f64>,
}

impl Map {
    fn new(definition: &str, lon_0: f64, max_lat: Option<f64>) -> Map {
        let projection = Projection::parse(definition).unwrap_or_else(|e| panic!("{e}"));
        Map {
            projection,
            lon_0,
            max_lat,
        }
    }

    fn world_width(&self) -> f64 {
        let east = self.projection.forward(self.lon_0 + 180.0, 0.0);
        let west = self.projection.forward(self.lon_0 - 180.0, 0.0);
        match (east, west) {
            (Some(e), Some(w)) => e[0] - w[0],
            _ => panic!("{:?}: cannot project the equator's ends", self.projection),
        }
    }

    fn prepare(&self, flat: &Flat) -> Flat {
        let cut = cut_at(flat, self.lon_0);
        match self.max_lat {
            Some(m) => clip_latitude(&cut, -m, m),
            None => cut,
        }
    }

    /// Features whose longest projected segment exceeds a third of the world's width.
    fn streaks(&self, features: &[(String, Flat)], prepare: bool) -> Vec<String> {
        let limit = self.world_width() / 3.0;
        features
            .iter()
            .filter_map(|(id, flat)| {
                let flat = if prepare {
                    self.prepare(flat)
                } else {
                    flat.clone()
                };
                let (len, seg) = longest_segment(&project(&flat, &self.projection));
                (len > limit).then(|| format!("{id}: {len:.0} m from {:?} to {:?}", seg[0], seg[1]))
            })
            .collect()
    }
}

fn maps() -> Vec<Map> {
    vec![
        Map::new("+proj=robin +datum=WGS84 +units=m", 0.0, None),
        Map::new("EPSG:3857", 0.0, Some(WEB_MERCATOR_MAX_LAT)),
        Map::new("+proj=merc +datum=WGS84 +units=m", 0.0, Some(85.0)),
        Map::new("+proj=robin +lon_0=150 +datum=WGS84 +units=m", 150.0, None),
        // Its seam, 107.7°E, runs through Russia, Mongolia, China and Indonesia.
        Map::new(
            "+proj=robin +lon_0=-72.3 +datum=WGS84 +units=m",
            -72.3,
            None,
        ),
    ]
}

/// Planar area of a feature with its rings unwrapped; `None` if a ring winds round a pole
/// (cutting closes those, adding area).
fn unwrapped_area(flat: &Flat) -> Option<f64> {
    let mut total = 0.0;
    for poly in &flat.polygons {
        let mut rings = Vec::new();
        for r in poly {
            let mut turn = 0.0;
            let mut u = Vec::with_capacity(r.len());
            for (i, p) in r.iter().enumerate() {
                if i > 0 {
                    let dx = p[0] - r[i - 1][0];
                    if dx.abs() > 180.0 {
                        turn -= 360.0 * (dx / 360.0).round();
                    }
                }
                u.push([p[0] + turn, p[1]]);
            }
            if turn != 0.0 {
                return None;
            }
            rings.push(u);
        }
        total += polygon_area(&rings);
    }
    Some(total)
}

fn area(flat: &Flat) -> f64 {
    flat.polygons.iter().map(|p| polygon_area(p)).sum()
}

#[test]
fn fixture_has_no_streaks_once_cut() {
    let mut features = load(&fixture());
    assert_eq!(features.len(), 13);
    // A parallel from -180 to 180 really does cross the whole map (checked unchanged below).
    features.retain(|(id, _)| id != "equator");
    for map in maps() {
        let before = map.streaks(&features, false);
        assert!(
            !before.is_empty(),
            "{:?}: the fixture should streak uncut",
            map.projection
        );
        let after = map.streaks(&features, true);
        assert!(
            after.is_empty(),
            "{:?}:\n{}",
            map.projection,
            after.join("\n")
        );
    }
}

#[test]
fn fixture_parts_stay_in_range_and_keep_their_area() {
    for (id, flat) in load(&fixture()) {
        let out = cut(&flat);
        for p in out
            .polygons
            .iter()
            .flatten()
            .flatten()
            .chain(out.lines.iter().flatten())
        {
            assert!(p[0].abs() <= 180.0, "{id}: {p:?}");
        }
        let parts = out.polygons.len();
        match id.as_str() {
            "square-jump" | "square-jump-cw" | "hole-across" | "fiji-hop" => {
                assert_eq!(parts, if id == "fiji-hop" { 1 } else { 2 }, "{id}")
            }
            "comb" => assert_eq!(parts, 3),
            "already-cut" | "ordinary" | "equator" => {
                assert_eq!(out.polygons, flat.polygons, "{id}");
                assert_eq!(out.lines, flat.lines, "{id}");
            }
            "route" => assert_eq!(out.lines.len(), 2),
            "date-line-point" => assert_eq!(out.points, flat.points),
            _ => {}
        }
        if let Some(a) = unwrapped_area(&flat) {
            assert!((area(&out) - a).abs() < 1e-9, "{id}: {} vs {a}", area(&out));
        }
        if id.starts_with("antarctic") || id == "arctic" {
            assert_eq!(parts, 1, "{id}");
            let pole = if id == "arctic" { 90.0 } else { -90.0 };
            assert!(out.polygons[0][0].iter().any(|p| p[1] == pole), "{id}");
        }
    }
}

#[test]
fn world_countries_have_no_streaks_once_cut() {
    check_world(&load(&world_countries_10m()));
}

#[test]
fn world_countries_110m_have_no_streaks_once_cut() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/countries-110m.geojson");
    check_world(&load(&path));
}

/// World-atlas countries: cutting changes only the three that cross 180 unsplit, keeps every
/// area, splits Russia, Mongolia, China and Indonesia at 107.7°E, and leaves no streaks.
fn check_world(features: &[(String, Flat)]) {
    let changed: Vec<String> = features
        .iter()
        .filter_map(|(id, f)| {
            let c = cut(f);
            (c.polygons != f.polygons || c.lines != f.lines).then(|| {
                format!(
                    "{id} ({} → {} polygons)",
                    f.polygons.len(),
                    c.polygons.len()
                )
            })
        })
        .collect();
    println!(
        "{} features, cut changed {}: {changed:?}",
        features.len(),
        changed.len()
    );
    // Russia, Fiji and Antarctica cross 180 unsplit in world-atlas.
    assert_eq!(changed.len(), 3, "{changed:?}");
    let mut split = Vec::new();
    for (id, flat) in features {
        if let Some(a) = unwrapped_area(flat) {
            let got = area(&cut(flat));
            assert!(
                (got - a).abs() <= 1e-9 * a.abs().max(1.0),
                "{id}: {got} vs {a}"
            );
            let off_centre = cut_at(flat, -72.3);
            let got = area(&off_centre);
            assert!(
                (got - a).abs() <= 1e-9 * a.abs().max(1.0),
                "{id} cut at 107.7°E: {got} vs {a}"
            );
            if off_centre.polygons.len() != flat.polygons.len() {
                split.push(id.as_str());
            }
        }
    }
    println!("cut at 107.7°E split {}: {split:?}", split.len());
    assert!(split.len() >= 4, "{split:?}");
    for map in maps() {
        let before = map.streaks(features, false);
        println!(
            "{:?}: {} features streak uncut",
            map.projection,
            before.len()
        );
        let after = map.streaks(features, true);
        assert!(
            after.is_empty(),
            "{:?}:\n{}",
            map.projection,
            after.join("\n")
        );
    }
}
