//! Visvalingam–Whyatt effective areas of a polyline: how much area each vertex adds, so
//! keeping the vertices with the largest areas simplifies the line.

use crate::geom::Pt;

/// Reusable buffers for computing effective areas of many polylines in turn.
#[derive(Debug, Default)]
pub(super) struct EffectiveAreas {
    prev: Vec<usize>,
    next: Vec<usize>,
    heap: AreaHeap,
}

impl EffectiveAreas {
    /// Writes each vertex's effective area to `out` (same length as `line`): the triangle
    /// it forms with its neighbours when it is removed, smallest first, never less than
    /// the area of a vertex removed before it, so removal order is area order. The two
    /// endpoints, which stay, get infinity.
    pub(super) fn compute(&mut self, line: &[Pt], out: &mut [f64]) {
        let n = line.len();
        out.fill(f64::INFINITY);
        if n < 3 {
            return;
        }
        let triangle = |a: usize, b: usize, c: usize| {
            let (a, b, c) = (line[a], line[b], line[c]);
            ((b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1])).abs() / 2.0
        };
        self.prev.clear();
        self.prev.extend((0..n).map(|i| i.saturating_sub(1)));
        self.next.clear();
        self.next.extend((0..n).map(|i| i + 1));
        self.heap.reset(n, |i| triangle(i - 1, i, i + 1));
        while let Some((i, area)) = self.heap.pop() {
            out[i] = area;
            let (p, q) = (self.prev[i], self.next[i]);
            self.next[p] = q;
            self.prev[q] = p;
            if p > 0 {
                self.heap.update(p, triangle(self.prev[p], p, q).max(area));
            }
            if q < n - 1 {
                self.heap.update(q, triangle(p, q, self.next[q]).max(area));
            }
        }
    }
}

/// A binary min-heap of a line's inner vertices by area (ties: the earlier vertex) that
/// can change a vertex's area in place, so no outdated entries pile up.
#[derive(Debug, Default)]
struct AreaHeap {
    /// Vertex indices in heap order.
    order: Vec<usize>,
    /// Where each vertex sits in `order`.
    slot: Vec<usize>,
    area: Vec<f64>,
}

impl AreaHeap {
    /// Holds vertices `1..n - 1` with areas `area(i)`.
    fn reset(&mut self, n: usize, area: impl Fn(usize) -> f64) {
        self.area.clear();
        self.area
            .extend((0..n).map(|i| if i == 0 || i == n - 1 { 0.0 } else { area(i) }));
        self.order.clear();
        self.order.extend(1..n - 1);
        self.slot.clear();
        self.slot.extend((0..n).map(|i| i.saturating_sub(1)));
        for at in (0..self.order.len() / 2).rev() {
            self.sift_down(at);
        }
    }

    fn pop(&mut self) -> Option<(usize, f64)> {
        let top = *self.order.first()?;
        let last = self.order.pop()?;
        if !self.order.is_empty() {
            self.order[0] = last;
            self.slot[last] = 0;
            self.sift_down(0);
        }
        Some((top, self.area[top]))
    }

    fn update(&mut self, vertex: usize, area: f64) {
        let old = std::mem::replace(&mut self.area[vertex], area);
        if area < old {
            self.sift_up(self.slot[vertex]);
        } else {
            self.sift_down(self.slot[vertex]);
        }
    }

    fn below(&self, a: usize, b: usize) -> bool {
        self.area[a]
            .total_cmp(&self.area[b])
            .then(a.cmp(&b))
            .is_lt()
    }

    fn swap(&mut self, i: usize, j: usize) {
        self.order.swap(i, j);
        self.slot[self.order[i]] = i;
        self.slot[self.order[j]] = j;
    }

    fn sift_up(&mut self, mut at: usize) {
        while at > 0 {
            let parent = (at - 1) / 2;
            if !self.below(self.order[at], self.order[parent]) {
                break;
            }
            self.swap(at, parent);
            at = parent;
        }
    }

    fn sift_down(&mut self, mut at: usize) {
        loop {
            let mut least = at;
            for child in [2 * at + 1, 2 * at + 2] {
                if child < self.order.len() && self.below(self.order[child], self.order[least]) {
                    least = child;
                }
            }
            if least == at {
                break;
            }
            self.swap(at, least);
            at = least;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn areas(line: &[Pt]) -> Vec<f64> {
        let mut out = vec![0.0; line.len()];
        EffectiveAreas::default().compute(line, &mut out);
        out
    }

    #[test]
    fn removes_the_smallest_triangle_first() {
        // Triangles of 1, 4 and 12; once vertex 1 is gone vertex 2 still spans 4, and
        // then vertex 3 spans 16.
        let line = [[0.0, 0.0], [1.0, 1.0], [2.0, 0.0], [6.0, 4.0], [8.0, 0.0]];
        assert_eq!(areas(&line), [f64::INFINITY, 1.0, 4.0, 16.0, f64::INFINITY]);
    }

    #[test]
    fn areas_never_fall_below_an_earlier_removal() {
        // Removing the bump at (2, 1) leaves (3, 0) collinear, yet it is not worth less
        // than the bump was.
        let line = [[0.0, 0.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0], [10.0, 0.0]];
        assert_eq!(areas(&line), [f64::INFINITY, 0.5, 1.5, 1.5, f64::INFINITY]);
    }

    #[test]
    fn short_lines_keep_everything() {
        assert_eq!(areas(&[[0.0, 0.0], [1.0, 1.0]]), vec![f64::INFINITY; 2]);
        assert!(areas(&[]).is_empty());
    }
}
