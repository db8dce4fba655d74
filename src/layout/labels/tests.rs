//! Label placement: no overlaps, polygons labelled inside or with a leader, lines followed.

use super::*;

fn req(target: Target, text: &str) -> Request {
    Request {
        layer: "l".into(),
        feature: text.into(),
        lines: vec![text.into()],
        size: 11.0,
        bold: false,
        color: Paint::rgb(0, 0, 0),
        required: false,
        priority: 0.0,
        target,
        letter_spacing: 0.0,
        leader: true,
    }
}

#[test]
fn labels_never_overlap_and_crowded_ones_are_dropped() {
    let frame = BoxPx::new(0.0, 0.0, 100.0, 40.0);
    let reqs: Vec<Request> = (0..12)
        .map(|i| req(Target::Point([50.0, 20.0], 2.0), &format!("Place {i}")))
        .collect();
    let mut occ = Occupied::default();
    let (placed, dropped) = place(&reqs, frame, &mut occ);
    assert!(!placed.is_empty() && !dropped.is_empty());
    assert_eq!(placed.len() + dropped.len(), 12);
    for (i, a) in placed.iter().enumerate() {
        assert!(a.bbox.inside(&frame));
        for b in &placed[i + 1..] {
            assert!(!a.bbox.intersects(&b.bbox), "{a:?} {b:?}");
        }
    }
}

#[test]
fn a_big_polygon_gets_its_label_inside() {
    let sq = vec![vec![
        [0.0, 0.0],
        [200.0, 0.0],
        [200.0, 200.0],
        [0.0, 200.0],
        [0.0, 0.0],
    ]];
    let mut occ = Occupied::default();
    let (placed, _) = place(
        &[req(
            Target::Polygon {
                rings: sq,
                whole: true,
            },
            "Kunduz",
        )],
        BoxPx::new(0.0, 0.0, 300.0, 300.0),
        &mut occ,
    );
    let c = placed[0].center;
    assert!(
        (c[0] - 100.0).abs() < 1.0 && (c[1] - 100.0).abs() < 1.0,
        "{c:?}"
    );
    assert!(placed[0].leader.is_none());
}

#[test]
fn a_tiny_polygon_gets_a_leader() {
    let sq = vec![vec![
        [50.0, 50.0],
        [54.0, 50.0],
        [54.0, 54.0],
        [50.0, 54.0],
        [50.0, 50.0],
    ]];
    let mut occ = Occupied::default();
    let (placed, _) = place(
        &[req(
            Target::Polygon {
                rings: sq,
                whole: true,
            },
            "Tiny",
        )],
        BoxPx::new(0.0, 0.0, 300.0, 300.0),
        &mut occ,
    );
    assert!(placed[0].leader.is_some());
}

#[test]
fn labels_follow_straight_lines() {
    let diagonal = Target::Line(vec![[0.0, 100.0], [100.0, 0.0], [200.0, -100.0]]);
    let mut occ = Occupied::default();
    let (placed, _) = place(
        &[req(diagonal, "Road")],
        BoxPx::new(-50.0, -150.0, 250.0, 150.0),
        &mut occ,
    );
    assert!((placed[0].rotate + 45.0).abs() < 1e-6, "{:?}", placed[0]);
    // A zigzag is not straight enough: the label stays level.
    let zigzag: Vec<Pt> = (0..40)
        .map(|i| [f64::from(i) * 5.0, if i % 2 == 0 { 0.0 } else { 12.0 }])
        .collect();
    let mut occ = Occupied::default();
    let (placed, _) = place(
        &[req(Target::Line(zigzag), "Road")],
        BoxPx::new(-50.0, -150.0, 250.0, 150.0),
        &mut occ,
    );
    assert_eq!(placed[0].rotate, 0.0);
}

#[test]
fn point_along_a_line() {
    let l = [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0]];
    assert_eq!(point_along(&l, 0.5), Some([10.0, 0.0]));
    assert_eq!(point_along(&l, 0.75), Some([10.0, 5.0]));
}
