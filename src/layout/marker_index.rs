//! The point markers of the collision index, kept as bare centres: 16 bytes a marker, where
//! an R-tree entry with its obstacle cost over a hundred. A map may draw millions of
//! markers (one MultiPoint of `[0,0],` positions is 6 bytes of input each), so their part
//! of the index must stay a small multiple of those bytes.
//!
//! Each set of markers of one size is sorted once into an implicit k-d tree (the layout
//! kdbush uses: the median of each slice on alternating axes, no nodes, no pointers) and
//! answers box queries in O(√n + k).

use super::pixel_box::BoxPx;

type Pt = [f64; 2];

/// Slices this short are scanned rather than split.
const LEAF: usize = 64;

/// Marker boxes: squares of side `side` around each centre.
#[derive(Debug, Default)]
pub struct MarkerIndex {
    sets: Vec<MarkerSet>,
}

#[derive(Debug)]
struct MarkerSet {
    side: f64,
    centers: Vec<Pt>,
    /// Whether `centers` is in k-d order; an unsorted set is scanned whole.
    sorted: bool,
}

impl MarkerIndex {
    /// Adds markers with boxes of `side` × `side` centred on them (the boxes
    /// [`BoxPx::centered`] makes). Centres that are not finite are left out (they cover
    /// nothing).
    pub fn add(&mut self, centers: &[Pt], side: f64) {
        if !side.is_finite() {
            return;
        }
        let set = match self.sets.last_mut() {
            Some(s) if s.side == side => s,
            _ => {
                self.sets.push(MarkerSet {
                    side,
                    centers: Vec::new(),
                    sorted: true,
                });
                match self.sets.last_mut() {
                    Some(s) => s,
                    None => return,
                }
            }
        };
        let before = set.centers.len();
        set.centers.extend(
            centers
                .iter()
                .filter(|c| c[0].is_finite() && c[1].is_finite()),
        );
        if set.centers.len() != before {
            set.sorted = false;
        }
    }

    /// Sorts every set into k-d order: O(n log n) once, after the last marker is added.
    pub fn index(&mut self) {
        for s in &mut self.sets {
            if !s.sorted {
                sort_kd(&mut s.centers, 0);
                s.sorted = true;
            }
        }
    }

    /// Calls `f` with the box of every marker whose box may meet the rectangle `lo`–`hi`
    /// (every one that does, and a few that only come near).
    pub fn near(&self, lo: Pt, hi: Pt, f: &mut impl FnMut(BoxPx)) {
        for s in &self.sets {
            // A little wider than the boxes reach, so rounding never loses one.
            let m = s.side / 2.0 * (1.0 + 1e-9) + 1e-9;
            let (qlo, qhi) = ([lo[0] - m, lo[1] - m], [hi[0] + m, hi[1] + m]);
            let mut visit = |c: Pt| f(BoxPx::centered(c, s.side, s.side));
            if s.sorted {
                search_kd(&s.centers, 0, qlo, qhi, &mut visit);
            } else {
                s.centers
                    .iter()
                    .filter(|c| inside(**c, qlo, qhi))
                    .for_each(|c| visit(*c));
            }
        }
    }
}

fn inside(c: Pt, lo: Pt, hi: Pt) -> bool {
    c[0] >= lo[0] && c[0] <= hi[0] && c[1] >= lo[1] && c[1] <= hi[1]
}

/// Puts the median (on `axis`) of `pts` in the middle, smaller before, larger after, and
/// recurses on both halves with the other axis. Depth is log₂(n / LEAF).
fn sort_kd(pts: &mut [Pt], axis: usize) {
    if pts.len() <= LEAF {
        return;
    }
    let m = pts.len() / 2;
    let a = axis & 1;
    pts.select_nth_unstable_by(m, |p, q| p[a].total_cmp(&q[a]));
    let (left, right) = pts.split_at_mut(m);
    sort_kd(left, a ^ 1);
    if let Some(rest) = right.get_mut(1..) {
        sort_kd(rest, a ^ 1);
    }
}

fn search_kd(pts: &[Pt], axis: usize, lo: Pt, hi: Pt, f: &mut impl FnMut(Pt)) {
    if pts.len() <= LEAF {
        pts.iter()
            .filter(|c| inside(**c, lo, hi))
            .for_each(|c| f(*c));
        return;
    }
    let m = pts.len() / 2;
    let a = axis & 1;
    let Some(p) = pts.get(m).copied() else {
        return;
    };
    if inside(p, lo, hi) {
        f(p);
    }
    if lo[a] <= p[a] {
        search_kd(pts.get(..m).unwrap_or_default(), a ^ 1, lo, hi, f);
    }
    if hi[a] >= p[a] {
        search_kd(pts.get(m + 1..).unwrap_or_default(), a ^ 1, lo, hi, f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The k-d search finds exactly what a scan of every box finds.
    #[test]
    fn kd_search_matches_a_full_scan() {
        let mut seed = 7u64;
        let mut rnd = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) % 10_000) as f64 / 10.0
        };
        let pts: Vec<Pt> = (0..5000).map(|_| [rnd(), rnd()]).collect();
        let mut ix = MarkerIndex::default();
        ix.add(&pts, 6.0);
        ix.add(&[[f64::NAN, 1.0]], 6.0);
        ix.index();
        for _ in 0..200 {
            let (x, y, w, h) = (rnd(), rnd(), rnd() / 10.0, rnd() / 10.0);
            let q = BoxPx::new(x, y, x + w, y + h);
            let mut want: Vec<(u64, u64)> = pts
                .iter()
                .map(|c| BoxPx::centered(*c, 6.0, 6.0))
                .filter(|b| b.intersects(&q))
                .map(|b| (b.x0.to_bits(), b.y0.to_bits()))
                .collect();
            let mut got = Vec::new();
            ix.near([q.x0, q.y0], [q.x1, q.y1], &mut |b| {
                if b.intersects(&q) {
                    got.push((b.x0.to_bits(), b.y0.to_bits()));
                }
            });
            want.sort();
            got.sort();
            assert_eq!(got, want);
        }
    }
}
