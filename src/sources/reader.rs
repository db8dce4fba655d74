//! The contract between mapfig and a geodata format: a [`Reader`] recognises its format by
//! content and turns a file's bytes into a [`Dataset`] within the run's limits. Adding a
//! format is one file implementing it, listed in [`super::formats`].

use super::dataset::Dataset;
use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::spec::ReadOptions;
use std::path::{Path, PathBuf};

/// A reader of one geodata format.
pub trait Reader: Sync {
    /// The format's name, as a user knows it (`"GeoJSON"`).
    fn name(&self) -> &'static str;

    /// Whether a file starting with `head` (its first bytes, text or binary) is in this
    /// format. `path` is there for formats whose content cannot tell (a CSV table); a
    /// format with a signature must go by content alone.
    fn sniff(&self, head: &[u8], path: &Path) -> bool;

    /// Reads a whole file, checking every feature, and stopping as soon as the file holds
    /// more vertices than `budget` leaves.
    fn read(&self, input: &Input, budget: &Budget) -> Result<Dataset>;
}

/// One file to read: its bytes, already read within the run's limits, and the way to its
/// sibling files (a Shapefile's `.dbf` and `.prj`), read within the same limits.
pub struct Input<'a> {
    /// Names the file in errors; siblings are found next to it.
    pub path: &'a Path,
    pub bytes: &'a [u8],
    pub limits: &'a Limits,
    /// What the layer says about reading the file (its CRS, a table's point columns).
    pub options: &'a ReadOptions,
}

impl Input<'_> {
    /// The sibling file of the same name with `extension` (`"dbf"`), read as any input is
    /// (a regular file, within `--max-input-bytes`); `None` when there is none.
    pub fn sibling(&self, extension: &str) -> Result<Option<(PathBuf, Vec<u8>)>> {
        let path = self.path.with_extension(extension);
        match std::fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(&path, &e)),
            Ok(_) => {
                let bytes = crate::limits::read_input(&path, self.limits)?;
                Ok(Some((path, bytes)))
            }
        }
    }
}

/// The vertices one file may hold: the run's limit, less what other files hold already.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// The run's vertex limit (`--max-vertices`).
    pub limit: u64,
    /// Vertices the run holds already, in other files.
    pub held: u64,
}

impl Budget {
    /// Vertices this file may hold.
    pub fn left(&self) -> u64 {
        self.limit.saturating_sub(self.held)
    }

    /// The error for a file that passed the budget at feature `index`.
    pub fn exceeded(&self, path: &Path, index: usize) -> Error {
        crate::limits::vertex_limit_error(path, index, self.held, self.limit)
    }

    /// What [`Budget::exceeded`] says, for a reader that names the place itself.
    pub fn exceeded_message(&self) -> String {
        crate::limits::vertex_limit_message(self.held, self.limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siblings_are_read_within_the_limits() {
        let dir = std::env::temp_dir().join(format!("mapfig-sibling-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("roads.prj"), "GEOGCS[\"WGS 84\"]").unwrap();
        std::fs::write(dir.join("roads.dbf"), [0u8; 64]).unwrap();
        let path = dir.join("roads.shp");
        let limits = Limits {
            max_input_bytes: 32,
            ..Limits::default()
        };
        let input = Input {
            path: &path,
            bytes: &[],
            limits: &limits,
            options: &ReadOptions::default(),
        };
        let (prj, bytes) = input.sibling("prj").unwrap().unwrap();
        assert_eq!(
            (prj, bytes),
            (dir.join("roads.prj"), b"GEOGCS[\"WGS 84\"]".to_vec())
        );
        assert!(input.sibling("cpg").unwrap().is_none());
        let e = input.sibling("dbf").unwrap_err().to_string();
        assert!(e.contains("--max-input-bytes"), "{e}");
        std::fs::create_dir_all(dir.join("roads.shx")).unwrap();
        let e = input.sibling("shx").unwrap_err().to_string();
        assert!(e.contains("not a regular file"), "{e}");
        let _ = std::fs::remove_dir_all(dir);
    }
}
