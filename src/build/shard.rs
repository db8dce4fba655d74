//! Shards: one part of a build's units of work for one job of a batch (a CI matrix, a
//! Kubernetes Indexed Job, an AWS Batch array job), so a big project builds on several
//! machines at once, every unit in exactly one job.
//!
//! A unit is whatever one job renders alone: today a spec file (one map); an atlas adds one
//! unit a page. Units are dealt round-robin in their order (unit `k` goes to shard
//! `k mod N`), not cut into contiguous runs. Both give every shard the same number of units
//! give or take one; round-robin also spreads the cost when expensive units sit together
//! (a big spec's pages, neighbouring counties of one state), which matters more for the
//! wall time of a batch than the data a contiguous run would share. It is also the order
//! `--shard I/N` always used, so existing matrices render what they did.
//!
//! Indexes are 0-based, as the batch engines count; `--shard I/N` keeps its 1-based
//! spelling (`1/3` is index 0).

use crate::error::{Error, Result};
use std::ffi::OsString;

/// The environment variables a shard index is read from with `--shard-count`, each 0-based:
/// Kubernetes Indexed Jobs, AWS Batch array jobs, and mapfig's own (for a GitHub Actions
/// matrix, GNU parallel or anything else).
pub const INDEX_VARIABLES: [&str; 3] = [
    "JOB_COMPLETION_INDEX",
    "AWS_BATCH_JOB_ARRAY_INDEX",
    "MAPFIG_SHARD_INDEX",
];

/// One part of a batch: shard `index` (from 0) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    index: usize,
    count: usize,
}

impl Shard {
    /// Shard `index` (from 0) of `count`; `None` unless `index < count`.
    pub fn new(index: usize, count: usize) -> Option<Shard> {
        (index < count).then_some(Shard { index, count })
    }

    /// The index, from 0.
    pub fn index(&self) -> usize {
        self.index
    }

    pub fn count(&self) -> usize {
        self.count
    }

    /// The `--shard` spelling: `2/3` for index 1 of 3.
    pub fn label(&self) -> String {
        format!("{}/{}", self.index + 1, self.count)
    }

    /// Reads `--shard I/N`: this shard counted from 1, of how many.
    pub fn parse(s: &str) -> Result<Shard> {
        let bad = || {
            Error::Usage(format!(
                "--shard must look like 1/3 (this shard, counted from 1 / how many), got {s:?}"
            ))
        };
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let number = |t: &str| -> Result<usize> {
            whole_number(t.trim()).map_err(|too_large| {
                if too_large {
                    Error::Usage(format!(
                        "--shard {s:?}: {t:?} is too large (the largest is {})",
                        usize::MAX
                    ))
                } else {
                    bad()
                }
            })
        };
        let (index, count) = (number(i)?, number(n)?);
        if index == 0 {
            return Err(bad());
        }
        Shard::new(index - 1, count).ok_or_else(bad)
    }

    /// Reads `--shard-count N`: how many shards, at least 1.
    pub fn parse_count(s: &str) -> Result<usize> {
        match whole_number(s.trim()) {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(Error::Usage(format!(
                "--shard-count must be a whole number of shards, at least 1, got {s:?}"
            ))),
        }
    }

    /// Shard of `count` whose index the environment gives: [`INDEX_VARIABLES`], read
    /// through `var` (`std::env::var_os` in the command). One of them must be set; several
    /// may be only when they agree. A value must be a whole number from 0 to `count - 1`.
    pub fn from_env(count: usize, var: impl Fn(&str) -> Option<OsString>) -> Result<Shard> {
        let mut found: Vec<(&str, usize)> = Vec::new();
        for name in INDEX_VARIABLES {
            let Some(value) = var(name) else { continue };
            let text = value.to_string_lossy();
            let index = value
                .to_str()
                .and_then(|v| whole_number(v).ok())
                .filter(|&i| i < count)
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "{name}={text:?} is not a shard index: with --shard-count {count} it must be a whole number from 0 to {}",
                        count - 1
                    ))
                })?;
            found.push((name, index));
        }
        let Some(&(first, index)) = found.first() else {
            return Err(Error::Usage(format!(
                "--shard-count {count} takes this job's shard index (from 0) from the environment, but none of {} is set; set one (Kubernetes Indexed Jobs set JOB_COMPLETION_INDEX, AWS Batch array jobs AWS_BATCH_JOB_ARRAY_INDEX), or use --shard I/N (from 1)",
                INDEX_VARIABLES.join(", ")
            )));
        };
        if let Some(&(other, i)) = found.iter().find(|(_, i)| *i != index) {
            return Err(Error::Usage(format!(
                "{first}={index} and {other}={i} name different shards; set only one of {}",
                INDEX_VARIABLES.join(", ")
            )));
        }
        Shard::new(index, count)
            .ok_or_else(|| Error::Usage(format!("{first}={index}: not below {count}")))
    }

    /// Whether the unit at `position` of the ordered units is this shard's.
    pub fn owns(&self, position: usize) -> bool {
        position % self.count == self.index
    }

    /// How many of `total` units this shard gets: `total / count`, one more for the first
    /// `total % count` shards.
    pub fn len_of(&self, total: usize) -> usize {
        total / self.count + usize::from(self.index < total % self.count)
    }

    /// This shard's units, in their order. `units` must be in an order every job computes
    /// alike (the manifest's sorted specs; an atlas's pages in feature order after them).
    pub fn select<K: Clone>(&self, units: &[K]) -> Vec<K> {
        units
            .iter()
            .skip(self.index)
            .step_by(self.count)
            .cloned()
            .collect()
    }
}

/// The inverse of [`Shard::select`]: every shard's units, in shard order, back in the order
/// of the whole. `None` unless each part has the length [`Shard::len_of`] gives.
pub fn interleave<K>(parts: Vec<Vec<K>>) -> Option<Vec<K>> {
    let count = parts.len();
    let total: usize = parts.iter().map(Vec::len).sum();
    for (index, part) in parts.iter().enumerate() {
        if Shard::new(index, count)?.len_of(total) != part.len() {
            return None;
        }
    }
    let mut iters: Vec<_> = parts.into_iter().map(Vec::into_iter).collect();
    (0..total)
        .map(|k| iters.get_mut(k % count).and_then(Iterator::next))
        .collect()
}

/// A whole number of ASCII digits (no sign, no spaces); `Err(true)` when it is too large.
fn whole_number(s: &str) -> std::result::Result<usize, bool> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(false);
    }
    s.parse().map_err(|_| true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unit_is_in_exactly_one_shard_and_shards_are_even() {
        for total in 0..=23 {
            let units: Vec<usize> = (0..total).collect();
            for count in 1..=9 {
                let parts: Vec<Vec<usize>> = (0..count)
                    .map(|i| Shard::new(i, count).unwrap().select(&units))
                    .collect();
                let lens: Vec<usize> = parts.iter().map(Vec::len).collect();
                let (min, max) = (lens.iter().min(), lens.iter().max());
                assert!(
                    max.unwrap() - min.unwrap() <= 1,
                    "{total} / {count}: {lens:?}"
                );
                for (i, part) in parts.iter().enumerate() {
                    let shard = Shard::new(i, count).unwrap();
                    assert_eq!(part.len(), shard.len_of(total));
                    assert!(part.iter().all(|&k| shard.owns(k)));
                }
                assert_eq!(interleave(parts).unwrap(), units, "{total} / {count}");
            }
        }
        assert!(interleave(vec![vec![0, 2], vec![]]).is_none());
    }

    #[test]
    fn shard_flags_count_from_one_and_read_back() {
        let s = Shard::parse("2/3").unwrap();
        assert_eq!((s.index(), s.count(), s.label()), (1, 3, "2/3".into()));
        for bad in ["3/2", "0/2", "x", "1/0", "-1/2", "+1/2", "1/"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
        assert!(Shard::parse("1/99999999999999999999999")
            .unwrap_err()
            .to_string()
            .contains("too large"));
        assert_eq!(Shard::parse_count("7").unwrap(), 7);
        assert!(Shard::parse_count("0").is_err() && Shard::parse_count("two").is_err());
    }

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn the_index_comes_from_one_variable_or_agreeing_ones() {
        let s = Shard::from_env(3, env(&[("JOB_COMPLETION_INDEX", "2")])).unwrap();
        assert_eq!((s.index(), s.count()), (2, 3));
        let both = [
            ("MAPFIG_SHARD_INDEX", "0"),
            ("AWS_BATCH_JOB_ARRAY_INDEX", "0"),
        ];
        assert_eq!(Shard::from_env(2, env(&both)).unwrap().index(), 0);
        let error = |vars: &[(&str, &str)]| Shard::from_env(3, env(vars)).unwrap_err().to_string();
        let none = error(&[]);
        assert!(INDEX_VARIABLES.iter().all(|v| none.contains(v)), "{none}");
        let disagree = error(&[("JOB_COMPLETION_INDEX", "1"), ("MAPFIG_SHARD_INDEX", "2")]);
        assert!(
            disagree.contains("JOB_COMPLETION_INDEX=1")
                && disagree.contains("MAPFIG_SHARD_INDEX=2"),
            "{disagree}"
        );
        for bad in ["3", "-1", "", "1.0", " 1", "x"] {
            let e = error(&[("MAPFIG_SHARD_INDEX", bad)]);
            assert!(e.contains(&format!("MAPFIG_SHARD_INDEX={bad:?}")), "{e}");
        }
    }
}
