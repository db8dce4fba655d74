//! The files one run has read, shared by every thread of the run: each file is read and
//! parsed once however many layers, specs and threads ask for it, and the run's vertex
//! limit holds for all of them together (a file counts once).

use super::dataset::Dataset;
use super::formats;
use super::reader::{Budget, Input};
use super::table::{read_table, Table};
use crate::error::Result;
use crate::limits::Limits;
use crate::spec::ReadOptions;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

/// A join table's read, done once.
type TableSlot = Arc<OnceLock<Result<Arc<Table>>>>;

/// A file's read, done once: the first thread to ask reads it, the others wait for it.
type Slot = Arc<OnceLock<Result<Arc<Dataset>>>>;

/// Files already read during one run, and the run's [`Limits`], which every file read
/// through it must keep. Shared by reference across threads (`&DataCache` is enough).
#[derive(Default)]
pub struct DataCache {
    /// Keyed by the file and how it is read: the same file read with another CRS or other
    /// point columns is other data.
    files: Mutex<HashMap<(PathBuf, ReadOptions), Slot>>,
    /// Join tables, read once each like the data files.
    tables: Mutex<HashMap<PathBuf, TableSlot>>,
    /// One-shot renders (`draw`) let layout free geometry once it is projected: the file
    /// will not be asked for again, and big inputs then need half the memory.
    pub one_shot: bool,
    limits: Limits,
    /// Vertices of every file read so far.
    vertices: Mutex<u64>,
    /// Files read so far (each once, unless forgotten or failed).
    parsed: AtomicUsize,
}

impl DataCache {
    pub fn new(limits: Limits) -> Self {
        DataCache {
            limits,
            ..DataCache::default()
        }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// How many times a file was read and parsed: each file once per run, unless it was
    /// forgotten or its read failed.
    pub fn parsed_files(&self) -> usize {
        self.parsed.load(Ordering::Relaxed)
    }

    /// Drops the cache's hold on a file, so its last user may take its features apart.
    pub fn forget(&self, path: &Path) {
        lock(&self.files).retain(|(p, _), _| p != path);
    }

    /// The dataset of `path`, read on the first ask.
    pub fn get(&self, path: &Path) -> Result<Arc<Dataset>> {
        self.get_with(path, &ReadOptions::default())
    }

    /// The dataset of `path` read as `options` say, read on the first ask.
    pub fn get_with(&self, path: &Path, options: &ReadOptions) -> Result<Arc<Dataset>> {
        let key = (path.to_path_buf(), options.clone());
        let slot = Arc::clone(lock(&self.files).entry(key.clone()).or_default());
        let result = slot.get_or_init(|| self.read(path, options)).clone();
        if result.is_err() {
            // A failed read is not kept: asked again, the file is read again, as if this
            // was the first ask (an over-limit error then counts what is loaded by then).
            let mut files = lock(&self.files);
            if files.get(&key).is_some_and(|s| Arc::ptr_eq(s, &slot)) {
                files.remove(&key);
            }
        }
        result
    }

    /// The join table at `path` (CSV, TSV or JSON records), read on the first ask within
    /// the run's input-byte limit; a failed read is tried again when asked again.
    pub fn get_table(&self, path: &Path) -> Result<Arc<Table>> {
        let slot = Arc::clone(lock(&self.tables).entry(path.to_path_buf()).or_default());
        let result = slot
            .get_or_init(|| {
                self.parsed.fetch_add(1, Ordering::Relaxed);
                let bytes = crate::limits::read_input(path, &self.limits)?;
                read_table(&bytes, path).map(Arc::new)
            })
            .clone();
        if result.is_err() {
            let mut tables = lock(&self.tables);
            if tables.get(path).is_some_and(|s| Arc::ptr_eq(s, &slot)) {
                tables.remove(path);
            }
        }
        result
    }

    fn read(&self, path: &Path, options: &ReadOptions) -> Result<Arc<Dataset>> {
        self.parsed.fetch_add(1, Ordering::Relaxed);
        let bytes = crate::limits::read_input(path, &self.limits)?;
        let input = Input {
            path,
            bytes: &bytes,
            limits: &self.limits,
            options,
        };
        // Files read at the same time each get what was left when they started; the sum is
        // checked again below, so together they never pass the limit.
        let budget = Budget {
            limit: self.limits.max_vertices,
            held: *lock(&self.vertices),
        };
        let d = formats::read(&input, &budget)?;
        let mut held = lock(&self.vertices);
        *held = crate::limits::add_vertices(&d.path, d.vertex_count(), *held, &self.limits)?;
        Ok(Arc::new(d))
    }
}

/// Locks `m`; a thread that panicked holding it left the data whole (every update is one
/// assignment), so its poison is ignored.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str, text: &str) -> PathBuf {
        let p = std::env::temp_dir().join(format!("mapfig-cache-{}-{name}", std::process::id()));
        std::fs::write(&p, text).unwrap();
        p
    }

    const LINE: &str = r#"{"type":"LineString","coordinates":[[0,0],[1,1],[2,0]]}"#;

    #[test]
    fn threads_asking_at_once_share_one_read() {
        let path = scratch("shared.geojson", LINE);
        let cache = DataCache::default();
        let got: Vec<Arc<Dataset>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4).map(|_| s.spawn(|| cache.get(&path))).collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap().unwrap())
                .collect()
        });
        assert_eq!(cache.parsed_files(), 1);
        assert!(got.iter().all(|d| Arc::ptr_eq(d, &got[0])));
        cache.forget(&path);
        cache.get(&path).unwrap();
        assert_eq!(cache.parsed_files(), 2);
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn the_vertex_limit_counts_every_file_once() {
        let a = scratch("a.geojson", LINE);
        let b = scratch("b.geojson", LINE);
        let cache = DataCache::new(Limits {
            max_vertices: 5,
            ..Limits::default()
        });
        cache.get(&a).unwrap();
        cache.get(&a).unwrap();
        let e = cache.get(&b).unwrap_err().to_string();
        assert!(e.contains("(with the 3 already loaded)"), "{e}");
        // A failed read is tried again, and fails the same way.
        assert_eq!(cache.get(&b).unwrap_err().to_string(), e);
        assert_eq!(cache.parsed_files(), 3);
        let _ = std::fs::remove_file(a);
        let _ = std::fs::remove_file(b);
    }
}
