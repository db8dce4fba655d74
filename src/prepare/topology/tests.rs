//! Topology: shared arcs, simplification, rebuilt polygons and borders.

use super::*;

/// A closed ring through `points`.
fn ring(points: &[[f64; 2]]) -> Ring {
    let mut r = points.to_vec();
    r.push(points[0]);
    r
}

/// An axis-aligned square with a vertex every 5 units, counter-clockwise from its
/// lower-left corner.
fn square(x: f64, y: f64, side: f64) -> Ring {
    let steps = (side / 5.0) as usize;
    let mut points = Vec::new();
    for (start, dir) in [
        ([x, y], [1.0, 0.0]),
        ([x + side, y], [0.0, 1.0]),
        ([x + side, y + side], [-1.0, 0.0]),
        ([x, y + side], [0.0, -1.0]),
    ] {
        for k in 0..steps {
            let t = 5.0 * k as f64;
            points.push([start[0] + dir[0] * t, start[1] + dir[1] * t]);
        }
    }
    ring(&points)
}

/// A wiggly border from (10, 0) up to (10, 40), 21 vertices.
fn wiggly_border() -> Vec<Pt> {
    (0..=20)
        .map(|i| {
            let wiggle = if i == 0 || i == 20 {
                0.0
            } else {
                ((i * 7) % 5) as f64 - 2.0
            };
            [10.0 + wiggle, 2.0 * i as f64]
        })
        .collect()
}

/// Two neighbours along the wiggly border: the left one counter-clockwise, the right
/// one clockwise, so both walk the border upwards.
fn neighbours() -> Vec<Polygons> {
    let border = wiggly_border();
    let mut left = border.clone();
    left.extend([[0.0, 40.0], [0.0, 0.0]]);
    let mut right = border;
    right.extend([[20.0, 40.0], [20.0, 0.0]]);
    vec![vec![vec![ring(&left)]], vec![vec![ring(&right)]]]
}

/// Whether closed `ring` runs through all of `line` in order, either way round.
fn contains_run(ring: &[Pt], line: &[Pt]) -> bool {
    let n = ring.len() - 1;
    let at = |i: usize| ring[i % n];
    (0..n).any(|start| {
        (0..line.len()).all(|k| at(start + k) == line[k])
            || (0..line.len()).all(|k| at(start + n - k) == line[k])
    })
}

fn same_either_way(a: &[Pt], b: &[Pt]) -> bool {
    a == b || a.iter().rev().eq(b.iter())
}

/// Four squares of side 10 in a 2 × 2 block: 0 lower left, 1 lower right, 2 upper
/// left, 3 upper right.
fn block() -> Vec<Polygons> {
    [[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 10.0]]
        .iter()
        .map(|&[x, y]| vec![vec![square(x, y, 10.0)]])
        .collect()
}

#[test]
fn neighbours_store_their_border_once() {
    let topology = Topology::build_with_grid(&neighbours(), 1.0);
    let inner = topology.inner_lines();
    assert_eq!(inner.len(), 1);
    assert!(same_either_way(&inner[0], &wiggly_border()));
    let outer = topology.outer_lines();
    assert_eq!(outer.len(), 2);
    assert!(outer.iter().all(|l| l.len() == 4 && l[1][0] != 10.0));
    assert_eq!(topology.sides.len(), 3);
}

#[test]
fn simplified_border_is_identical_on_both_sides() {
    let mut topology = Topology::build_with_grid(&neighbours(), 1.0);
    topology.simplify(0.3);
    let border = &topology.inner_lines()[0];
    assert!(border.len() > 2 && border.len() < wiggly_border().len());
    let polygons = topology.polygons();
    for feature in &polygons {
        assert!(contains_run(&feature[0][0], border));
    }
    // Both rings hold exactly the border's points on the border line and nothing else.
    let on_border = |r: &Ring| -> Vec<Pt> {
        let mut pts: Vec<Pt> = r[..r.len() - 1]
            .iter()
            .filter(|p| p[0] > 5.0 && p[0] < 15.0)
            .copied()
            .collect();
        pts.sort_by(|a, b| a[1].total_cmp(&b[1]));
        pts
    };
    assert_eq!(on_border(&polygons[0][0][0]), on_border(&polygons[1][0][0]));
}

#[test]
fn keep_shapes_never_leaves_a_ring_below_four_positions() {
    let circle = |cx: f64, cy: f64, r: f64| -> Ring {
        let points: Vec<Pt> = (0..32)
            .map(|k| {
                let a = k as f64 * std::f64::consts::TAU / 32.0;
                [cx + r * a.cos(), cy + r * a.sin()]
            })
            .collect();
        ring(&points)
    };
    let diamond = |cx: f64| ring(&[[cx - 5.0, 0.0], [cx, -5.0], [cx + 5.0, 0.0], [cx, 5.0]]);
    let mut features = neighbours();
    features.push(vec![vec![circle(100.0, 0.0, 10.0)]]);
    features.push(vec![vec![
        circle(200.0, 0.0, 20.0),
        circle(200.0, 0.0, 10.0),
    ]]);
    // Two islands touching at (305, 0), one feature each.
    features.push(vec![vec![diamond(300.0)]]);
    features.push(vec![vec![diamond(310.0)]]);
    let mut topology = Topology::build(&features);
    topology.simplify(0.0);
    for ring in topology.polygons().iter().flatten().flatten() {
        assert!(ring.len() >= 4, "{ring:?}");
        assert_eq!(ring[0], ring[ring.len() - 1]);
        let mut distinct = ring.clone();
        distinct.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
        distinct.dedup();
        assert!(distinct.len() >= 3, "{ring:?}");
    }
}

#[test]
fn full_share_returns_the_input_after_snapping() {
    let mut features = neighbours();
    features.extend(block());
    // A repeated point, and a feature of an island and a polygon with a hole.
    let repeated = features[0][0][0][3];
    features[0][0][0].insert(3, repeated);
    features.push(vec![
        vec![
            square(100.0, 0.0, 20.0),
            ring(&[[105.0, 5.0], [105.0, 10.0], [110.0, 5.0]]),
        ],
        vec![ring(&[[130.0, 0.0], [140.0, 0.0], [135.0, 5.0]])],
    ]);
    let mut topology = Topology::build_with_grid(&features, 1.0);
    topology.simplify(0.0);
    topology.simplify(1.0);
    features[0][0][0].remove(3);
    assert_eq!(topology.polygons(), features);

    // The default grid moves points by less than half a cell.
    let shifted: Vec<Polygons> = features
        .iter()
        .map(|f| {
            f.iter()
                .map(|p| {
                    p.iter()
                        .map(|r| r.iter().map(|q| [q[0] * 0.013, q[1] * 0.017]).collect())
                        .collect()
                })
                .collect()
        })
        .collect();
    let rebuilt = Topology::build(&shifted).polygons();
    let cell = 140.0 * 0.013 * 1e-7;
    for (a, b) in shifted
        .iter()
        .flatten()
        .flatten()
        .zip(rebuilt.iter().flatten().flatten())
    {
        assert_eq!(a.len(), b.len());
        for (p, q) in a.iter().zip(b) {
            assert!((p[0] - q[0]).abs() <= cell && (p[1] - q[1]).abs() <= cell);
        }
    }
}

#[test]
fn zero_share_keeps_only_arc_endpoints() {
    let mut topology = Topology::build_with_grid(&block(), 1.0);
    assert_eq!(topology.vertex_count(), 21);
    topology.simplify(0.0);
    // The centre and the four midpoints of the block's sides.
    assert_eq!(topology.vertex_count(), 5);
    let polygons = topology.polygons();
    // Its start corner is gone, so the ring starts at the next vertex that is left.
    assert_eq!(
        polygons[0][0][0],
        vec![[10.0, 0.0], [10.0, 10.0], [0.0, 10.0], [10.0, 0.0]]
    );
    // keep-shapes adds only what a ring needs: one vertex each for the two neighbours.
    let mut topology = Topology::build_with_grid(&neighbours(), 1.0);
    topology.simplify(0.0);
    assert!(topology.vertex_count() <= 4);
}

#[test]
fn shared_border_chains_arcs_between_groups() {
    let topology = Topology::build_with_grid(&block(), 1.0);
    let vertical = vec![
        [10.0, 0.0],
        [10.0, 5.0],
        [10.0, 10.0],
        [10.0, 15.0],
        [10.0, 20.0],
    ];
    let left_right = topology.shared_border(&[0, 2], &[1, 3]);
    assert_eq!(left_right.len(), 1);
    assert!(same_either_way(&left_right[0], &vertical));
    assert_eq!(left_right, topology.shared_border(&[0, 2], &[1, 3]));
    assert_eq!(topology.shared_border(&[1, 3], &[0, 2]).len(), 1);
    assert!(same_either_way(
        &topology.shared_border(&[0], &[1])[0],
        &vertical[..3]
    ));
    // Corners touching at a point share no border.
    assert!(topology.shared_border(&[0], &[3]).is_empty());
    assert!(topology.shared_border(&[0], &[0]).is_empty());
    // A checkerboard meets in a cross: four ends, so two lines at best.
    let cross = topology.shared_border(&[0, 3], &[1, 2]);
    assert_eq!(cross.len(), 2);
    assert_eq!(cross.iter().map(|l| l.len() - 1).sum::<usize>(), 8);
}

#[test]
fn an_enclave_shares_one_closed_arc_with_its_hole() {
    let hole = square(5.0, 5.0, 10.0);
    // The enclave starts elsewhere and runs the other way round.
    let mut enclave: Ring = hole[..hole.len() - 1].iter().rev().copied().collect();
    enclave.rotate_left(3);
    enclave.push(enclave[0]);
    let features = vec![
        vec![vec![square(0.0, 0.0, 20.0), hole]],
        vec![vec![enclave.clone()]],
    ];
    let topology = Topology::build_with_grid(&features, 1.0);
    let inner = topology.inner_lines();
    assert_eq!(inner.len(), 1);
    assert_eq!(inner[0].len(), 9);
    assert_eq!(inner[0][0], inner[0][8]);
    assert_eq!(topology.outer_lines().len(), 1);
    let border = topology.shared_border(&[1], &[0]);
    assert_eq!(border.len(), 1);
    assert!(contains_run(&enclave, &border[0]));
    assert_eq!(topology.polygons(), features);
}

#[test]
fn seams_inside_one_feature_are_neither_inner_nor_outer() {
    let features = vec![vec![
        vec![square(0.0, 0.0, 10.0)],
        vec![square(10.0, 0.0, 10.0)],
    ]];
    let topology = Topology::build_with_grid(&features, 1.0);
    assert!(topology.inner_lines().is_empty());
    let outer = topology.outer_lines();
    assert_eq!(outer.len(), 2);
    assert!(outer.iter().all(|l| !l.iter().all(|p| p[0] == 10.0)));
}

#[test]
fn rings_touching_at_a_point_share_no_arc() {
    let diamond = |cx: f64| ring(&[[cx - 5.0, 0.0], [cx, -5.0], [cx + 5.0, 0.0], [cx, 5.0]]);
    let features = vec![vec![vec![diamond(0.0)]], vec![vec![diamond(10.0)]]];
    let mut topology = Topology::build_with_grid(&features, 1.0);
    assert!(topology.inner_lines().is_empty());
    assert!(topology.shared_border(&[0], &[1]).is_empty());
    // Each diamond is one closed arc from the point they touch at.
    let outer = topology.outer_lines();
    assert_eq!(outer.len(), 2);
    assert!(outer
        .iter()
        .all(|l| l.len() == 5 && l[0] == [5.0, 0.0] && l[4] == l[0]));
    assert_eq!(topology.polygons(), features);
    // At 0% keep-shapes leaves each a triangle, the touching point among its corners.
    topology.simplify(0.0);
    for ring in topology.polygons().iter().flatten().flatten() {
        assert_eq!(ring.len(), 4);
        assert!(ring.contains(&[5.0, 0.0]));
    }
}

#[test]
fn empty_and_degenerate_input_does_not_panic() {
    let mut topology = Topology::build(&[]);
    topology.simplify(0.5);
    assert!(topology.polygons().is_empty());
    let features = vec![
        vec![vec![vec![], vec![[1.0, 1.0], [1.0, 1.0]]]],
        vec![vec![vec![[0.0, 0.0], [1.0, 0.0], [0.0, 0.0]]]],
    ];
    let mut topology = Topology::build(&features);
    topology.simplify(0.0);
    let polygons = topology.polygons();
    assert_eq!(polygons[0][0].len(), 2);
    assert!(polygons[0][0][0].is_empty());
    assert!(topology.shared_border(&[0, 7], &[1]).is_empty());
}
