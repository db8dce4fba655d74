//! Class breaks, in mapclassify's convention: a classification is its `bins`, the class
//! upper bounds, increasing, the last one the maximum; class `i` holds the values `v` with
//! `bins[i - 1] < v <= bins[i]`, so a value equal to a break falls in the LOWER class.
//! Quantiles and equal intervals are computed with mapclassify's (NumPy's, SciPy's)
//! floating-point steps, so their breaks equal its breaks to the last bit; Fisher-Jenks
//! breaks are exactly optimal (least within-class sum of squared deviations).

/// The class of `v`: the first whose upper bound is at least `v`; values above the last
/// bound (new data, threshold classes) are in the last class.
pub fn class_of(bins: &[f64], v: f64) -> usize {
    bins.partition_point(|b| *b < v)
        .min(bins.len().saturating_sub(1))
}

/// mapclassify `Quantiles(y, k).bins` of `sorted` (increasing, finite, not empty): the
/// `100 i / k`-th percentiles by SciPy's `scoreatpercentile` (linear interpolation between
/// the closest ranks), repeated values dropped (fewer classes when ties make quantiles
/// coincide).
pub fn quantile(sorted: &[f64], k: usize) -> Vec<f64> {
    let w = 100.0 / k as f64;
    let mut bins: Vec<f64> = arange(w, 100.0 + w, w)
        .into_iter()
        .map(|p| score_at_percentile(sorted, p.min(100.0)))
        .collect();
    bins.dedup();
    bins
}

/// NumPy's `arange(start, stop, step)` for floats: `ceil((stop - start) / step)` values,
/// the i-th `start + i * ((start + step) - start)`.
fn arange(start: f64, stop: f64, step: f64) -> Vec<f64> {
    let len = ((stop - start) / step).ceil();
    if !(len.is_finite() && len >= 1.0) {
        return Vec::new();
    }
    // A classification asks for at most a few dozen values.
    let len = (len as usize).min(1 + super::MAX_BINS);
    let delta = (start + step) - start;
    (0..len)
        .map(|i| {
            if i == 0 {
                start
            } else {
                start + i as f64 * delta
            }
        })
        .collect()
}

/// SciPy's `scoreatpercentile(a, per)` with its default `fraction` interpolation.
fn score_at_percentile(sorted: &[f64], per: f64) -> f64 {
    let last = sorted.len().saturating_sub(1);
    let idx = per / 100.0 * last as f64;
    let j = (idx.floor() as usize).min(last);
    if idx == idx.trunc() || j >= last {
        return sorted.get(j).copied().unwrap_or(f64::NAN);
    }
    let (w0, w1) = ((j + 1) as f64 - idx, idx - j as f64);
    (sorted[j] * w0 + sorted[j + 1] * w1) / (w0 + w1)
}

/// mapclassify `EqualInterval(y, k).bins` for values from `min` to `max`: `k` classes of
/// equal width, the last bound the maximum. All values equal: one class.
pub fn equal_interval(min: f64, max: f64, k: usize) -> Vec<f64> {
    let width = (max - min) * 1.0 / k as f64;
    if width <= 0.0 || !width.is_finite() {
        return vec![max];
    }
    let mut cuts = arange(min + width, max + width, width);
    cuts.truncate(k);
    if let Some(last) = cuts.last_mut() {
        *last = max;
    }
    cuts
}

/// Fisher-Jenks breaks of `sorted` (increasing, finite): the `k` classes of consecutive
/// values with the least total within-class sum of squared deviations, as class upper
/// bounds. Exact, by dynamic programming over the distinct values (weighted by how often
/// each occurs) with the divide-and-conquer step of Ckmeans.1d.dp (Wang & Song 2011; the
/// best split moves right as the class end does): O(k · m log m) for m distinct values.
pub fn jenks(sorted: &[f64], k: usize) -> Vec<f64> {
    let mut xs: Vec<f64> = Vec::new();
    let mut ws: Vec<f64> = Vec::new();
    for &v in sorted {
        match (xs.last(), ws.last_mut()) {
            (Some(x), Some(w)) if *x == v => *w += 1.0,
            _ => {
                xs.push(v);
                ws.push(1.0);
            }
        }
    }
    let m = xs.len();
    if m <= k {
        return xs;
    }
    let cost = SumsOfSquares::new(&xs, &ws);
    // best[i]: least cost of the values 0..=i in the classes so far; split[c][i]: where
    // the last of c + 1 classes ending at i starts.
    let mut best: Vec<f64> = (0..m).map(|i| cost.ssd(0, i)).collect();
    // u32 halves the k × m table (20 classes of a million distinct values: 80 MB).
    let mut split = vec![vec![0u32; m]; k];
    for (c, row) in split.iter_mut().enumerate().skip(1) {
        let mut next = vec![f64::INFINITY; m];
        fill(&cost, &best, &mut next, row, c, m - 1, c, m - 1);
        best = next;
    }
    let mut bins = vec![0.0; k];
    let mut end = m - 1;
    for c in (0..k).rev() {
        bins[c] = xs[end];
        if c > 0 {
            end = (split[c][end] as usize).saturating_sub(1);
        }
    }
    bins
}

/// Fills `next[i]` for `i` in `lo..=hi` (the least cost with the last class `j..=i`),
/// knowing the best `j` lies in `jlo..=jhi`.
#[allow(clippy::too_many_arguments)]
fn fill(
    cost: &SumsOfSquares,
    prev: &[f64],
    next: &mut [f64],
    split: &mut [u32],
    lo: usize,
    hi: usize,
    jlo: usize,
    jhi: usize,
) {
    if lo > hi {
        return;
    }
    let mid = lo + (hi - lo) / 2;
    let (mut best, mut at) = (f64::INFINITY, jlo);
    for j in jlo.max(1)..=jhi.min(mid) {
        let c = prev[j - 1] + cost.ssd(j, mid);
        if c < best {
            (best, at) = (c, j);
        }
    }
    next[mid] = best;
    split[mid] = u32::try_from(at).unwrap_or(u32::MAX);
    if mid > lo {
        fill(cost, prev, next, split, lo, mid - 1, jlo, at);
    }
    fill(cost, prev, next, split, mid + 1, hi, at, jhi);
}

/// Prefix sums of weights, values and squares (values shifted by their median, so the
/// differences of large sums lose as little as they can), for the sum of squared
/// deviations of any run of values in O(1).
struct SumsOfSquares {
    w: Vec<f64>,
    s: Vec<f64>,
    q: Vec<f64>,
}

impl SumsOfSquares {
    fn new(xs: &[f64], ws: &[f64]) -> Self {
        let shift = xs.get(xs.len() / 2).copied().unwrap_or(0.0);
        let mut out = SumsOfSquares {
            w: vec![0.0],
            s: vec![0.0],
            q: vec![0.0],
        };
        for (x, w) in xs.iter().zip(ws) {
            let d = x - shift;
            out.w.push(out.w[out.w.len() - 1] + w);
            out.s.push(out.s[out.s.len() - 1] + w * d);
            out.q.push(out.q[out.q.len() - 1] + w * d * d);
        }
        out
    }

    /// Sum of squared deviations from their mean of the values `a..=b`.
    fn ssd(&self, a: usize, b: usize) -> f64 {
        let w = self.w[b + 1] - self.w[a];
        let s = self.s[b + 1] - self.s[a];
        let q = self.q[b + 1] - self.q[a];
        if w <= 0.0 {
            return 0.0;
        }
        (q - s * s / w).max(0.0)
    }
}

/// Round numbers for class bounds: each inner bound rounded to two significant digits of
/// the values' range (bounds that then coincide merge), the last kept at the maximum.
pub fn nice(bins: &[f64], min: f64, max: f64) -> Vec<f64> {
    let range = max - min;
    if !(range > 0.0 && range.is_finite()) || bins.len() < 2 {
        return bins.to_vec();
    }
    let exponent = range.log10().floor() as i32 - 1;
    let mut out: Vec<f64> = bins[..bins.len() - 1]
        .iter()
        .map(|b| round_to(*b, exponent))
        .filter(|b| *b > min && *b < max)
        .collect();
    out.dedup();
    out.push(max);
    out
}

/// `v` rounded to a multiple of 10^`exponent`, computed so the result prints short
/// (`0.06`, not `0.060000000000000005`).
pub fn round_to(v: f64, exponent: i32) -> f64 {
    if exponent < 0 {
        let inv = 10f64.powi(-exponent);
        (v * inv).round() / inv
    } else {
        let step = 10f64.powi(exponent);
        (v / step).round() * step
    }
}

/// The round step between about `count` ticks from `lo` to `hi`, d3's `tickIncrement`:
/// 1, 2 or 5 times a power of ten. Negative `-n` means a step of `1 / n`.
pub fn tick_increment(lo: f64, hi: f64, count: usize) -> f64 {
    let step = (hi - lo) / count.max(1) as f64;
    let power = step.log10().floor();
    let error = step / 10f64.powf(power);
    let factor = if error >= 50f64.sqrt() {
        10.0
    } else if error >= 10f64.sqrt() {
        5.0
    } else if error >= 2f64.sqrt() {
        2.0
    } else {
        1.0
    };
    if power >= 0.0 {
        factor * 10f64.powf(power)
    } else {
        -(10f64.powf(-power)) / factor
    }
}

/// d3's `ticks(lo, hi, count)`: round values from `lo` to `hi`, about `count` of them.
pub fn ticks(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return if lo.is_finite() { vec![lo] } else { Vec::new() };
    }
    let inc = tick_increment(lo, hi, count);
    if !inc.is_finite() || inc == 0.0 {
        return Vec::new();
    }
    let (i0, i1, value): (f64, f64, Box<dyn Fn(f64) -> f64>) = if inc > 0.0 {
        (
            (lo / inc).ceil(),
            (hi / inc).floor(),
            Box::new(move |i| i * inc),
        )
    } else {
        let n = -inc;
        ((lo * n).ceil(), (hi * n).floor(), Box::new(move |i| i / n))
    };
    if i1 < i0 || i1.is_nan() || i0.is_nan() || i1 - i0 > 1000.0 {
        return Vec::new();
    }
    (0..=(i1 - i0) as usize)
        .map(|k| value(i0 + k as f64))
        .collect()
}

/// `[lo, hi]` widened to round numbers (d3's `nice`), for continuous domains.
pub fn nice_domain(lo: f64, hi: f64, count: usize) -> [f64; 2] {
    let (mut lo, mut hi) = (lo, hi);
    for _ in 0..10 {
        let inc = tick_increment(lo, hi, count);
        if !inc.is_finite() || inc == 0.0 {
            break;
        }
        let (nlo, nhi) = if inc > 0.0 {
            ((lo / inc).floor() * inc, (hi / inc).ceil() * inc)
        } else {
            let n = -inc;
            ((lo * n).floor() / n, (hi * n).ceil() / n)
        };
        if nlo == lo && nhi == hi {
            break;
        }
        (lo, hi) = (nlo, nhi);
    }
    [lo, hi]
}

/// Equal-interval classes on round numbers: the range widened to round bounds, classes a
/// round step wide (so the count may differ from `k` by one or two).
pub fn nice_equal_interval(min: f64, max: f64, k: usize) -> Vec<f64> {
    let [lo, hi] = nice_domain(min, max, k);
    let mut out = ticks(lo, hi, k);
    if out.first() == Some(&lo) {
        out.remove(0);
    }
    if out.len() < 2 {
        return equal_interval(min, max, k);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// mapclassify's own doctest: `quantile(numpy.arange(1000))` is
    /// `[249.75, 499.5, 749.25, 999]`, and with k = 3 `[333, 666, 999]` (as NumPy prints
    /// them: 100 / 3 is not exact, so neither are those).
    #[test]
    fn quantiles_as_mapclassify_documents_them() {
        let x: Vec<f64> = (0..1000).map(f64::from).collect();
        assert_eq!(quantile(&x, 4), [249.75, 499.5, 749.25, 999.0]);
        let three = quantile(&x, 3);
        assert!(three
            .iter()
            .zip([333.0, 666.0, 999.0])
            .all(|(a, b)| (a - b).abs() < 1e-9));
        // Ties collapse classes.
        assert_eq!(quantile(&[1.0, 1.0, 1.0, 1.0, 2.0], 4), [1.0, 2.0]);
    }

    #[test]
    fn a_value_equal_to_a_break_is_in_the_lower_class() {
        let bins = [1.0, 2.0, 3.0];
        assert_eq!(class_of(&bins, 1.0), 0);
        assert_eq!(class_of(&bins, 1.5), 1);
        assert_eq!(class_of(&bins, 2.0), 1);
        assert_eq!(class_of(&bins, 9.0), 2);
        assert_eq!(class_of(&bins, -9.0), 0);
    }

    #[test]
    fn equal_interval_ends_at_the_maximum() {
        assert_eq!(equal_interval(0.0, 10.0, 5), [2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(equal_interval(3.0, 3.0, 5), [3.0]);
    }

    /// Jenks against every split of a small set, brute force.
    #[test]
    fn jenks_is_optimal_on_small_sets() {
        let data = [
            1.0, 2.0, 2.0, 3.0, 10.0, 11.0, 12.0, 20.0, 21.0, 40.0, 41.0, 43.0,
        ];
        let ssd = |bins: &[f64]| {
            let mut by: Vec<Vec<f64>> = vec![Vec::new(); bins.len()];
            for v in data {
                by[class_of(bins, v)].push(v);
            }
            by.iter()
                .map(|c| {
                    let m = c.iter().sum::<f64>() / c.len().max(1) as f64;
                    c.iter().map(|v| (v - m) * (v - m)).sum::<f64>()
                })
                .sum::<f64>()
        };
        let jb = jenks(&data, 4);
        assert_eq!(jb.len(), 4);
        let mut best = f64::INFINITY;
        let n = data.len();
        for a in 0..n {
            for b in a + 1..n {
                for c in b + 1..n - 1 {
                    best = best.min(ssd(&[data[a], data[b], data[c], data[n - 1]]));
                }
            }
        }
        assert!((ssd(&jb) - best).abs() < 1e-9, "{jb:?} {} {best}", ssd(&jb));
        assert_eq!(jenks(&[1.0, 1.0, 5.0], 4), [1.0, 5.0]);
    }

    #[test]
    fn nice_numbers() {
        assert_eq!(ticks(0.0, 1.0, 5), [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(nice_domain(0.012, 0.301, 5), [0.0, 0.35]);
        assert_eq!(
            nice(&[0.0612, 0.0871, 0.301], 0.012, 0.301),
            [0.06, 0.09, 0.301]
        );
        assert_eq!(
            nice_equal_interval(3.0, 97.0, 5),
            [20.0, 40.0, 60.0, 80.0, 100.0]
        );
    }
}
