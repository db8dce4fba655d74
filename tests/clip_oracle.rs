//! The cap clipper (`prepare::clip::clip_to_cap`) against an oracle: on random simple
//! polygons (with and without a hole, wound either way), random polylines and points, and
//! random caps, every output vertex lies in the cap, every input vertex inside the cap comes
//! out bit for bit, and away from the edges a point is inside the clipped polygon exactly
//! when it is inside both the polygon and the cap.

use mapfig::geom::{contains, segment_distance, Bounds, Flat, Line, Pt, Ring};
use mapfig::prepare::clip::{angular_distance, clip_to_cap, Cap};
use proptest::prelude::*;
use std::f64::consts::TAU;

/// Output vertices may lie this far (degrees) outside the cap: points on its edge are
/// computed back from the azimuthal plane.
const ON_EDGE: f64 = 1e-6;

/// Input vertices this far (degrees) inside the cap's edge count as inside: the clipper
/// decides in the plane, where distances round differently.
const CLEARLY_INSIDE: f64 = 1e-7;

/// Test points at least this far (degrees, planar lon/lat) from every input edge: near a
/// crossing the clipped edge leaves the input edge by a hair.
const FROM_EDGES: f64 = 0.01;

/// A cap that contains neither pole nor reaches ±180° of longitude, so its lon/lat image is
/// one simple region in the planar lon/lat the clipper works in.
fn cap() -> impl Strategy<Value = Cap> {
    (-60.0..60.0f64, -50.0..50.0f64, 5.0..60.0f64).prop_map(|(lon, lat, radius)| Cap {
        centre: [lon, lat],
        radius: radius.min(84.0 - lat.abs()),
    })
}

/// How far (degrees) the clipped edge along the cap may stray from the true circle: it is
/// drawn as straight lon/lat chords between points on the circle 2° of azimuth apart. 20 000
/// cases pass with a quarter of this; with none, probes just inside the circle fail.
fn cap_edge_slack(cap: Cap) -> f64 {
    0.02 * cap.radius
}

/// A star-shaped ring round `centre` (so simple), counter-clockwise unless `clockwise`: one
/// vertex per `jitter` entry (a shift of up to half a step from evenly spaced angles, and a
/// share of `radius`).
fn star(centre: Pt, radius: f64, jitter: &[(f64, f64)], clockwise: bool) -> Ring {
    let n = jitter.len() as f64;
    let mut ring: Ring = jitter
        .iter()
        .enumerate()
        .map(|(i, &(shift, share))| {
            let angle = TAU * (i as f64 + 0.5 * shift) / n;
            let r = radius * share;
            [centre[0] + r * angle.cos(), centre[1] + r * angle.sin()]
        })
        .collect();
    if clockwise {
        ring.reverse();
    }
    ring.push(ring[0]);
    ring
}

/// A cap and a polygon near it: a star-shaped exterior of 6 to 24 vertices round a point
/// within 1.5 cap radii of the cap's centre, from a third of the cap's size to twice it, and
/// maybe a star-shaped hole round the same point that stays inside it. Neighbouring vertices
/// are at most 1.5 × 60° apart as seen from that point, so the exterior's edges keep
/// 0.3 · cos(45°) ≈ 0.21 of its radius clear round it, more than the hole's 0.12.
fn cap_and_polygon() -> impl Strategy<Value = (Cap, Vec<Ring>)> {
    let jitter = || prop::collection::vec((0.0..1.0f64, 0.3..=1.0f64), 6..24);
    (
        cap(),
        (-1.5..1.5f64, -1.5..1.5f64, 0.3..2.0f64),
        jitter(),
        prop::option::of(jitter()),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(cap, (dx, dy, size), outer, inner, cw_outer, cw_inner)| {
            let r = cap.radius;
            let lon = (cap.centre[0] + dx * r).clamp(-170.0, 170.0);
            let lat = (cap.centre[1] + dy * r).clamp(-80.0, 80.0);
            let radius = (size * r).min(85.0 - lat.abs()).min(179.0 - lon.abs());
            let mut rings = vec![star([lon, lat], radius, &outer, cw_outer)];
            if let Some(inner) = inner {
                rings.push(star([lon, lat], 0.12 * radius, &inner, cw_inner));
            }
            (cap, rings)
        })
}

fn line() -> impl Strategy<Value = Line> {
    prop::collection::vec((-170.0..170.0f64, -80.0..80.0f64), 2..16)
        .prop_map(|pts| pts.into_iter().map(|(x, y)| [x, y]).collect())
}

fn points() -> impl Strategy<Value = Vec<Pt>> {
    prop::collection::vec((-180.0..180.0f64, -90.0..90.0f64), 0..16)
        .prop_map(|pts| pts.into_iter().map(|(x, y)| [x, y]).collect())
}

/// Test points spread over the box of the cap and the polygon.
fn probes() -> impl Strategy<Value = Vec<(f64, f64)>> {
    prop::collection::vec((0.0..=1.0f64, 0.0..=1.0f64), 64)
}

fn polygon_vertices(flat: &Flat) -> Vec<Pt> {
    flat.polygons.iter().flatten().flatten().copied().collect()
}

fn all_vertices(flat: &Flat) -> Vec<Pt> {
    let mut v = polygon_vertices(flat);
    v.extend(flat.lines.iter().flatten());
    v.extend(&flat.points);
    v
}

fn kept_bit_for_bit(input: &[Pt], output: &[Pt], cap: Cap) -> Result<(), TestCaseError> {
    let mut out: Vec<[u64; 2]> = output
        .iter()
        .map(|p| [p[0].to_bits(), p[1].to_bits()])
        .collect();
    out.sort_unstable();
    for p in input {
        if angular_distance(cap.centre, *p) < cap.radius - CLEARLY_INSIDE {
            let bits = [p[0].to_bits(), p[1].to_bits()];
            prop_assert!(
                out.binary_search(&bits).is_ok(),
                "{:?} is inside {:?} but not in the output",
                p,
                cap
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn clipped_geometry_stays_in_the_cap_and_keeps_what_was_inside(
        (cap, poly) in cap_and_polygon(),
        line in line(),
        points in points(),
    ) {
        let input = Flat { polygons: vec![poly], lines: vec![line], points };
        let out = clip_to_cap(&input, cap);
        for p in all_vertices(&out) {
            let d = angular_distance(cap.centre, p);
            prop_assert!(d <= cap.radius + ON_EDGE, "{:?} is {} from {:?}", p, d, cap);
        }
        for r in out.polygons.iter().flatten() {
            prop_assert!(r.len() >= 4 && r.first() == r.last(), "open ring {:?}", r);
        }
        for l in &out.lines {
            prop_assert!(l.len() >= 2, "short line {:?}", l);
        }
        kept_bit_for_bit(&polygon_vertices(&input), &polygon_vertices(&out), cap)?;
        kept_bit_for_bit(&input.lines.concat(), &out.lines.concat(), cap)?;
        let inside: Vec<Pt> =
            input.points.iter().copied().filter(|p| cap.contains(*p)).collect();
        prop_assert_eq!(&out.points, &inside);
    }

    #[test]
    fn inside_the_clipped_polygon_is_inside_the_polygon_and_the_cap(
        (cap, poly) in cap_and_polygon(),
        probes in probes(),
    ) {
        let input = Flat { polygons: vec![poly.clone()], ..Flat::default() };
        let out = clip_to_cap(&input, cap);
        // Probes where the polygon's box and the cap's overlap, where the answer can be
        // either; elsewhere it is always "outside".
        let mut extent = Bounds::default();
        extent.add_all(&poly[0]);
        let Some(b) = extent.get() else {
            return Ok(());
        };
        let [[cw, cs], [ce, cn]] = cap_box(cap);
        let [w, s, e, n] = [b[0].max(cw), b[1].max(cs), b[2].min(ce), b[3].min(cn)];
        if w > e || s > n {
            prop_assert!(out.polygons.is_empty(), "{:?}", out.polygons);
            return Ok(());
        }
        let slack = cap_edge_slack(cap);
        for (u, v) in probes {
            let q = [w + u * (e - w), s + v * (n - s)];
            let from_edges = poly
                .iter()
                .flat_map(|r| r.windows(2))
                .map(|w| segment_distance(q, w[0], w[1]))
                .fold(f64::INFINITY, f64::min);
            let from_circle = (angular_distance(cap.centre, q) - cap.radius).abs();
            if from_edges < FROM_EDGES || from_circle < slack {
                continue;
            }
            let expected = contains(&poly, q) && cap.contains(q);
            let got = out.polygons.iter().any(|p| contains(p, q));
            prop_assert_eq!(got, expected, "{:?} with {:?}: {:?}", q, cap, out.polygons);
        }
    }
}

/// Corners of a lon/lat box that holds the whole cap, with room to spare.
fn cap_box(cap: Cap) -> [Pt; 2] {
    let [lon, lat] = cap.centre;
    // A cap that holds no pole spans at most radius / cos(its highest latitude) of longitude.
    let dlon = (cap.radius / (lat.abs() + cap.radius).min(89.0).to_radians().cos()).min(180.0);
    [
        [lon - dlon, lat - cap.radius],
        [lon + dlon, lat + cap.radius],
    ]
}
