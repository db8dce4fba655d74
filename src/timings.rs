//! How long each pipeline stage took and how much memory the run peaked at, for
//! `--timings`: measuring only, so every stage may use it.

use std::time::{Duration, Instant};

/// Wall time per pipeline stage, for `--timings`.
#[derive(Debug, Clone)]
pub struct Timings {
    pub stages: Vec<(String, Duration)>,
    last: Instant,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            stages: Vec::new(),
            last: Instant::now(),
        }
    }
}

impl Timings {
    /// Ends the current stage under `name` and starts the next.
    pub fn lap(&mut self, name: &str) {
        let now = Instant::now();
        self.stages.push((name.to_string(), now - self.last));
        self.last = now;
    }

    /// Starts timing afresh from now (after work that should not count).
    pub fn restart(&mut self) {
        self.last = Instant::now();
    }
}

/// Peak resident memory of this process in bytes (Linux; `None` elsewhere).
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
