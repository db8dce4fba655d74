//! Antimeridian cutting and latitude clipping on small hand-made shapes.

use super::strips::unwrap_longitudes;
use super::*;
use crate::geom::{polygon_area, ring_area, Ring};

fn polygons(polys: Vec<Vec<Ring>>) -> Flat {
    Flat {
        polygons: polys,
        ..Flat::default()
    }
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Ring {
    vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
}

fn reversed(mut r: Ring) -> Ring {
    r.reverse();
    r
}

fn total_area(f: &Flat) -> f64 {
    f.polygons.iter().map(|p| polygon_area(p)).sum()
}

/// Every ring closed, within `lo..=hi`, no edge longer than 180° of longitude.
fn assert_clean(f: &Flat, lo: f64, hi: f64) {
    for r in f.polygons.iter().flatten() {
        assert!(r.len() >= 4 && r.first() == r.last(), "not closed: {r:?}");
    }
    for r in f.polygons.iter().flatten().chain(&f.lines) {
        assert!(
            r.iter().all(|p| p[0] >= lo && p[0] <= hi),
            "out of range: {r:?}"
        );
        for w in r.windows(2) {
            assert!((w[1][0] - w[0][0]).abs() <= 180.0, "long edge {w:?}");
        }
    }
}

#[test]
fn square_across_180_splits_in_two_either_winding() {
    for ring in [
        rect(170.0, -10.0, -170.0, 10.0),
        reversed(rect(170.0, -10.0, -170.0, 10.0)),
        rect(170.0, -10.0, 190.0, 10.0),
        rect(-190.0, -10.0, -170.0, 10.0),
    ] {
        let input_ccw = ring_area(&unwrap_longitudes(&ring, true)) > 0.0;
        let out = cut(&polygons(vec![vec![ring.clone()]]));
        assert_eq!(out.polygons.len(), 2, "{ring:?} → {:?}", out.polygons);
        assert_clean(&out, -180.0, 180.0);
        assert!((total_area(&out) - 400.0).abs() < 1e-9, "{out:?}");
        for p in &out.polygons {
            assert!((polygon_area(p) - 200.0).abs() < 1e-9);
            assert_eq!(ring_area(&p[0]) > 0.0, input_ccw, "winding kept");
        }
    }
}

#[test]
fn comb_crossing_four_times_joins_arcs_along_the_cut() {
    // An E shape opening west, its spine east of 180: the cut meets it four times.
    let e = vec![
        [170.0, 0.0],
        [-170.0, 0.0],
        [-170.0, 30.0],
        [170.0, 30.0],
        [170.0, 20.0],
        [-178.0, 20.0],
        [-178.0, 10.0],
        [170.0, 10.0],
        [170.0, 0.0],
    ];
    for ring in [e.clone(), reversed(e)] {
        let out = cut(&polygons(vec![vec![ring]]));
        assert_clean(&out, -180.0, 180.0);
        // West of 180: two teeth; east: the spine with two stubs.
        assert_eq!(out.polygons.len(), 3, "{:?}", out.polygons);
        assert!((total_area(&out) - (20.0 * 30.0 - 12.0 * 10.0)).abs() < 1e-9);
    }
}

#[test]
fn hole_across_180_stays_a_hole() {
    let poly = vec![
        rect(160.0, -40.0, -160.0, -20.0),
        reversed(rect(175.0, -35.0, -175.0, -25.0)),
    ];
    let out = cut(&polygons(vec![poly]));
    assert_clean(&out, -180.0, 180.0);
    assert_eq!(out.polygons.len(), 2);
    assert!((total_area(&out) - (40.0 * 20.0 - 10.0 * 10.0)).abs() < 1e-9);
}

#[test]
fn line_across_180_splits_in_two() {
    let out = cut(&Flat {
        lines: vec![vec![[170.0, 0.0], [-170.0, 10.0]]],
        ..Flat::default()
    });
    assert_eq!(
        out.lines,
        vec![
            vec![[170.0, 0.0], [180.0, 5.0]],
            vec![[-180.0, 5.0], [-170.0, 10.0]]
        ]
    );
}

#[test]
fn line_round_the_globe_twice_is_cut_each_time() {
    let track: Vec<Pt> = (0..=16)
        .map(|i| [(i as f64 * 45.0 + 180.0) % 360.0 - 180.0, 0.0])
        .collect();
    let out = cut(&Flat {
        lines: vec![track],
        ..Flat::default()
    });
    assert_clean(&out, -180.0, 180.0);
    assert_eq!(out.lines.len(), 3, "{:?}", out.lines);
}

#[test]
fn a_full_parallel_is_not_read_as_a_hop() {
    let equator = vec![[-180.0, 0.0], [180.0, 0.0]];
    let band = rect(-180.0, -10.0, 180.0, 10.0);
    let f = Flat {
        polygons: vec![vec![band]],
        lines: vec![equator],
        points: vec![],
    };
    let out = cut(&f);
    assert_eq!(out.polygons, f.polygons);
    assert_eq!(out.lines, f.lines);
}

#[test]
fn polar_cap_drawn_along_180_is_the_cap() {
    for ring in [
        vec![
            [-180.0, 80.0],
            [180.0, 80.0],
            [180.0, 90.0],
            [-180.0, 90.0],
            [-180.0, 80.0],
        ],
        vec![
            [-180.0, -80.0],
            [-180.0, -90.0],
            [180.0, -90.0],
            [180.0, -80.0],
            [-180.0, -80.0],
        ],
    ] {
        let out = cut(&polygons(vec![vec![ring.clone()]]));
        assert_eq!(out.polygons.len(), 1, "{ring:?} → {:?}", out.polygons);
        assert_clean(&out, -180.0, 180.0);
        assert!(
            (total_area(&out) - 3600.0).abs() < 1e-9,
            "{:?}",
            out.polygons
        );
    }
}

#[test]
fn data_already_cut_comes_back_unchanged() {
    let f = polygons(vec![
        vec![rect(170.0, 60.0, 180.0, 70.0)],
        vec![rect(-180.0, 60.0, -170.0, 70.0)],
        vec![rect(0.0, 0.0, 10.0, 10.0)],
    ]);
    assert_eq!(cut(&f).polygons, f.polygons);
}

#[test]
fn ring_round_the_south_pole_is_closed_along_the_pole() {
    // Natural Earth style: closed along -90 by one 360° edge.
    let explicit = vec![
        [-180.0, -85.0],
        [-90.0, -85.0],
        [0.0, -85.0],
        [90.0, -85.0],
        [180.0, -85.0],
        [180.0, -90.0],
        [-180.0, -90.0],
        [-180.0, -85.0],
    ];
    // d3 style: runs once round, clockwise, the last edge jumping back over 180.
    let d3 = vec![
        [-180.0, -85.0],
        [-90.0, -85.0],
        [0.0, -85.0],
        [90.0, -85.0],
        [179.0, -85.0],
        [-180.0, -85.0],
    ];
    // Starting mid-ocean, wound the other way.
    let mid = vec![
        [0.0, -85.0],
        [-90.0, -85.0],
        [-179.0, -85.0],
        [90.0, -85.0],
        [0.0, -85.0],
    ];
    for ring in [
        explicit.clone(),
        reversed(explicit),
        d3.clone(),
        reversed(d3),
        mid,
    ] {
        let out = cut(&polygons(vec![vec![ring.clone()]]));
        assert_eq!(out.polygons.len(), 1, "{ring:?} → {:?}", out.polygons);
        assert_clean(&out, -180.0, 180.0);
        let r = &out.polygons[0][0];
        assert!(
            (polygon_area(&out.polygons[0]) - 360.0 * 5.0).abs() < 1e-9,
            "{r:?}"
        );
        assert!(r.iter().any(|p| p[1] == -90.0));
        assert!(r.iter().all(|p| p[1] <= -85.0));
    }
}

#[test]
fn ring_round_the_north_pole_picks_the_north_pole() {
    let ring = vec![[0.0, 80.0], [120.0, 80.0], [-120.0, 80.0], [0.0, 80.0]];
    let out = cut(&polygons(vec![vec![ring]]));
    assert_eq!(out.polygons.len(), 1);
    assert_clean(&out, -180.0, 180.0);
    assert!((total_area(&out) - 3600.0).abs() < 1e-9);
    assert!(out.polygons[0][0].iter().all(|p| p[1] >= 80.0));
}

#[test]
fn cut_at_moves_the_seam_to_the_projection_antimeridian() {
    let f = polygons(vec![
        vec![rect(170.0, -10.0, -170.0, 10.0)],
        vec![rect(-40.0, -10.0, -20.0, 10.0)],
    ]);
    let out = cut_at(&f, 150.0);
    assert_clean(&out, -30.0, 330.0);
    // The Pacific square is whole around 180; the Atlantic one is cut at -30.
    assert_eq!(out.polygons.len(), 3, "{:?}", out.polygons);
    assert_eq!(out.polygons[0][0], rect(170.0, -10.0, 190.0, 10.0));
    assert!((total_area(&out) - 800.0).abs() < 1e-9);
    assert_eq!(seam(-180.0), 360.0);
    assert_eq!(seam(540.0), 360.0);
}

#[test]
fn fractional_lon_0_leaves_no_slivers() {
    let lon_0 = 100.123;
    let seam = seam(lon_0);
    let f = polygons(vec![
        vec![rect(-85.0, 0.0, -75.0, 10.0)],
        vec![vec![
            [0.0, -70.0],
            [120.0, -70.0],
            [-120.0, -70.0],
            [0.0, -70.0],
        ]],
    ]);
    let out = cut_at(&f, lon_0);
    // The square is cut at -79.877; the polar ring is closed in one part.
    assert_eq!(out.polygons.len(), 3, "{:?}", out.polygons);
    assert_clean(&out, seam - 360.0 - SEAM_SLACK, seam + SEAM_SLACK);
    assert!((total_area(&out) - (100.0 + 360.0 * 20.0)).abs() < 1e-6);
}

#[test]
fn clip_latitude_trims_a_tall_square() {
    let f = Flat {
        polygons: vec![vec![rect(0.0, -89.0, 10.0, 89.0)]],
        lines: vec![vec![[5.0, -89.0], [5.0, 89.0]]],
        points: vec![[1.0, 88.0], [1.0, 0.0]],
    };
    let m = WEB_MERCATOR_MAX_LAT;
    let out = clip_latitude(&f, -m, m);
    assert_eq!(out.polygons.len(), 1);
    assert!((total_area(&out) - 10.0 * 2.0 * m).abs() < 1e-9);
    assert!(out.polygons[0][0].iter().all(|p| p[1].abs() <= m));
    assert_eq!(out.lines, vec![vec![[5.0, -m], [5.0, m]]]);
    assert_eq!(out.points, vec![[1.0, 0.0]]);
}

#[test]
fn clip_latitude_closes_a_polar_cap_along_the_parallel() {
    let cap = polygons(vec![vec![vec![
        [-180.0, -70.0],
        [0.0, -70.0],
        [180.0, -70.0],
        [180.0, -90.0],
        [-180.0, -90.0],
        [-180.0, -70.0],
    ]]]);
    let out = clip_latitude(&cut(&cap), -80.0, 80.0);
    assert_eq!(out.polygons.len(), 1);
    assert!((total_area(&out) - 3600.0).abs() < 1e-9);
    // The new edge along -80 is densified, not one 360° stroke.
    assert_clean(&out, -180.0, 180.0);
    let longest = out.polygons[0][0]
        .windows(2)
        .map(|w| (w[1][0] - w[0][0]).abs())
        .fold(0.0, f64::max);
    assert!(longest <= 180.0 + 1e-9, "{longest}");
}
