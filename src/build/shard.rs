//! Shards: one part of the specs for one job of a CI matrix, so a big atlas builds on
//! several machines at once without two jobs rendering the same map.

use crate::error::{Error, Result};
use std::path::PathBuf;

/// One part of a CI job matrix: `index` of `count`, both from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    pub fn parse(s: &str) -> Result<Shard> {
        let bad = || {
            Error::Usage(format!(
                "--shard must look like 1/3 (this shard / how many), got {s:?}"
            ))
        };
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let number = |t: &str| -> Result<usize> {
            t.trim().parse().map_err(|e: std::num::ParseIntError| {
                if *e.kind() == std::num::IntErrorKind::PosOverflow {
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
        if count == 0 || index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// This shard's share of the (sorted) specs: every `count`-th, starting at `index`.
    pub fn select(&self, specs: &[PathBuf]) -> Vec<PathBuf> {
        specs
            .iter()
            .enumerate()
            .filter(|(k, _)| k % self.count == self.index - 1)
            .map(|(_, p)| p.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_specs_without_overlap() {
        let specs: Vec<PathBuf> = ["a", "b", "c", "d", "e"]
            .iter()
            .map(PathBuf::from)
            .collect();
        let one = Shard::parse("1/2").unwrap().select(&specs);
        let two = Shard::parse("2/2").unwrap().select(&specs);
        assert_eq!(one.len() + two.len(), 5);
        assert!(one.iter().all(|s| !two.contains(s)));
        assert!(
            Shard::parse("3/2").is_err()
                && Shard::parse("0/2").is_err()
                && Shard::parse("x").is_err()
        );
    }
}
