//! Writing output files safely: every output of one command is written into temporary files
//! first and only renamed into place when all of them are complete ([`Transaction`]).
//!
//! The rules (README, "Untrusted input and limits"):
//! - temporary files are created exclusively (`O_CREAT|O_EXCL`, so never through a planted
//!   symlink) with unpredictable names, in the target's own folder so the final rename is
//!   atomic; they are removed when the command fails;
//! - an output path may hold nothing or a regular file; a symlink, folder, device, FIFO or
//!   socket there is refused, never replaced or written through;
//! - no output may be one of the command's inputs (compared by device and inode, so a
//!   symlink or hard link to an input is caught too);
//! - nothing is renamed into place until every output is written; if a rename still fails,
//!   the files already replaced are put back from hard-linked backups;
//! - the only files deleted are the ones the run created, and stale temporary files of an
//!   earlier, killed run (only mapfig's own name pattern, only regular files, only when the
//!   run that made them is gone or they are a day old).

use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Temporary files are `.mapfig-PID.SPACE-RANDOM.tmp`: recognisable, so a later run can
/// sweep those of a killed run, and unpredictable, so nobody can plant anything at the name.
/// SPACE names the machine boot and PID namespace the PID belongs to ([`process_space`]):
/// shard jobs on several machines or containers write into one shared out folder, and a
/// PID is only worth looking up in the space it came from. (`.mapfig-PID-RANDOM.tmp`,
/// without it, is what mapfig wrote before and where the space cannot be read.)
const TEMP_PREFIX: &str = ".mapfig-";
const TEMP_SUFFIX: &str = ".tmp";
const TEMP_RANDOM: usize = 12;

/// A temporary file whose run may still be alive (another process, or a PID namespace this
/// one cannot see) is swept only when it is this old: no run keeps one open for a day.
const STALE_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// The outputs of one command, written to temporary files and renamed into place together
/// by [`Transaction::commit`]. Dropping it uncommitted removes every temporary file and
/// every folder it created, so a failed command changes nothing.
#[derive(Default)]
pub struct Transaction {
    staged: Vec<Staged>,
    /// Folders made for the outputs, outermost first; removed again (if still empty) when
    /// the transaction does not commit.
    made_dirs: Vec<PathBuf>,
    /// Folders already checked, created and swept.
    ready_dirs: Vec<PathBuf>,
    /// Folders the command may create when missing (an out folder, a report folder);
    /// any other output's folder must exist.
    creatable: Vec<PathBuf>,
    /// The files this command reads: no output may be one of them.
    inputs: Vec<(PathBuf, FileId)>,
    committed: bool,
}

struct Staged {
    target: PathBuf,
    /// The target's folder (resolved) and name: two outputs with one key are one file.
    key: PathBuf,
    temp: tempfile::TempPath,
    /// The target must not exist: it is linked into place, which fails when a file
    /// appeared there meanwhile, instead of renamed over it.
    new: bool,
}

/// What identifies a file whatever path leads to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileId {
    dev: u64,
    ino: u64,
}

#[cfg(unix)]
fn file_id(meta: &std::fs::Metadata) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    Some(FileId {
        dev: meta.dev(),
        ino: meta.ino(),
    })
}

#[cfg(not(unix))]
fn file_id(_meta: &std::fs::Metadata) -> Option<FileId> {
    None
}

impl Transaction {
    pub fn new() -> Self {
        Transaction::default()
    }

    /// Records a file the command reads; staging an output that is the same file (by path,
    /// symlink or hard link) fails. Paths that do not exist are ignored.
    pub fn protect(&mut self, input: &Path) {
        if let Ok(meta) = std::fs::metadata(input) {
            if let Some(id) = file_id(&meta) {
                self.inputs.push((input.to_path_buf(), id));
            }
        } else if let Ok(canonical) = std::fs::canonicalize(input) {
            // Without inode numbers, the resolved path is the next best identity.
            self.inputs.push((canonical, FileId { dev: 0, ino: 0 }));
        }
    }

    /// Lets staging create `dir` (and its missing parents) when it does not exist.
    pub fn allow_folder(&mut self, dir: &Path) {
        self.creatable.push(dir.to_path_buf());
    }

    /// Whether `path` will hold a file once the transaction commits: staged here, or a
    /// regular file already there.
    pub fn will_exist(&self, path: &Path) -> bool {
        self.staged.iter().any(|s| s.target == path)
            || std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file())
    }

    /// The outputs staged so far, in order.
    pub fn targets(&self) -> impl Iterator<Item = &Path> {
        self.staged.iter().map(|s| s.target.as_path())
    }

    /// Writes `bytes` to a new temporary file beside `target`, to be renamed onto it by
    /// [`commit`](Self::commit). Creates the target's folder if needed.
    pub fn stage(&mut self, target: &Path, bytes: &[u8]) -> Result<()> {
        self.stage_as(target, bytes, false)
    }

    /// Like [`stage`](Self::stage) for a file that must not exist yet (`mapfig init`): a
    /// usage error naming it when there is anything at `target`, now or when the
    /// transaction commits; never replaced.
    pub fn stage_new(&mut self, target: &Path, bytes: &[u8]) -> Result<()> {
        Transaction::check_new(target)?;
        self.stage_as(target, bytes, true)
    }

    /// The error [`stage_new`](Self::stage_new) gives when something is at `target`, for a
    /// command that refuses before it does any work.
    pub fn check_new(target: &Path) -> Result<()> {
        refuse_existing(target)
    }

    fn stage_as(&mut self, target: &Path, bytes: &[u8], new: bool) -> Result<()> {
        let name = target.file_name().ok_or_else(|| {
            Error::Usage(format!(
                "{}: not a file path (it names no file)",
                target.display()
            ))
        })?;
        let dir = folder_of(target);
        self.prepare_dir(&dir, target)?;
        self.check_output(target)?;
        let key = std::fs::canonicalize(&dir)
            .unwrap_or_else(|_| dir.clone())
            .join(name);
        if self.staged.iter().any(|s| s.key == key) {
            return Err(Error::Usage(format!(
                "{}: this command would write the file twice (two outputs with one name)",
                target.display()
            )));
        }
        let mut file = temp_builder()
            .tempfile_in(&dir)
            .map_err(|e| io_error(target, "cannot create a temporary file beside it", &e))?;
        // No fsync: the rename already makes the file appear whole or not at all, and
        // syncing a large SVG costs more than rendering it.
        file.write_all(bytes)
            .map_err(|e| io_error(target, "cannot write", &e))?;
        let temp = file.into_temp_path();
        self.staged.push(Staged {
            target: target.to_path_buf(),
            key,
            temp,
            new,
        });
        Ok(())
    }

    /// Renames every staged file onto its target, after checking each target once more.
    /// If a rename fails, the files already replaced are restored and the new ones removed.
    /// Returns the targets written, in staging order.
    pub fn commit(mut self) -> Result<Vec<PathBuf>> {
        for s in &self.staged {
            self.check_output(&s.target)?;
            if s.new {
                refuse_existing(&s.target)?;
            }
        }
        // Keep each file about to be replaced under a second name until all renames are
        // done, so a failure half-way can put it back.
        let mut backups = Vec::with_capacity(self.staged.len());
        for s in &self.staged {
            backups.push(backup(&s.target)?);
        }
        let mut done = 0;
        let mut failure = None;
        for s in &self.staged {
            let placed = if s.new {
                // A hard link is made only where nothing is: a file that appeared since
                // the check stays as it is.
                std::fs::hard_link(&s.temp, &s.target).map_err(|e| match e.kind() {
                    std::io::ErrorKind::AlreadyExists => exists_error(&s.target),
                    _ => io_error(&s.target, "cannot create", &e),
                })
            } else {
                std::fs::rename(&s.temp, &s.target)
                    .map_err(|e| io_error(&s.target, "cannot replace", &e))
            };
            if let Err(e) = placed {
                failure = Some(e);
                break;
            }
            done += 1;
        }
        if let Some(err) = failure {
            for (s, b) in self.staged.iter().zip(&backups).take(done).rev() {
                match b {
                    Some(b) => {
                        let _ = std::fs::rename(b.path(), &s.target);
                    }
                    // Nothing was there before: the file is this run's own.
                    None => {
                        let _ = std::fs::remove_file(&s.target);
                    }
                }
            }
            return Err(err);
        }
        self.committed = true;
        let staged = std::mem::take(&mut self.staged);
        let mut written = Vec::with_capacity(staged.len());
        for s in staged {
            if s.new {
                // Linked into place: dropping the temporary name removes only that name.
                drop(s.temp);
            } else {
                // The temporary name is gone (renamed); nothing is left to remove.
                let _ = s.temp.keep();
            }
            written.push(s.target);
        }
        drop(backups);
        Ok(written)
    }

    /// Checks that `target` holds nothing or a regular file that is not an input: what
    /// staging checks, for a command that wants to refuse before it renders.
    pub fn check_output(&self, target: &Path) -> Result<()> {
        let meta = match std::fs::symlink_metadata(target) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io_error(target, "cannot inspect", &e)),
            Ok(m) => m,
        };
        let kind = meta.file_type();
        if !kind.is_file() {
            let what = if kind.is_symlink() {
                "a symbolic link"
            } else if kind.is_dir() {
                "a folder"
            } else {
                "not a regular file (a device, FIFO or socket)"
            };
            return Err(Error::Io {
                path: target.to_path_buf(),
                message: format!(
                    "is {what}; mapfig writes an output only where there is nothing or a regular file, and never replaces or follows anything else"
                ),
            });
        }
        let id = file_id(&meta);
        let canonical = std::fs::canonicalize(target).ok();
        for (input, input_id) in &self.inputs {
            let same = match id {
                Some(id) => id == *input_id,
                None => canonical.as_deref() == Some(input.as_path()),
            };
            if same {
                return Err(Error::Usage(format!(
                    "{}: is the same file as the input {}; writing it would destroy the input (choose another output)",
                    target.display(),
                    input.display()
                )));
            }
        }
        Ok(())
    }

    /// Makes sure `dir` is a folder (creating it and any missing parents, remembered so a
    /// failed run removes them) and sweeps it of stale temporary files.
    fn prepare_dir(&mut self, dir: &Path, target: &Path) -> Result<()> {
        if self.ready_dirs.iter().any(|d| d == dir) {
            return Ok(());
        }
        let mut missing = Vec::new();
        let mut cur = Some(dir);
        while let Some(d) = cur.filter(|d| !d.as_os_str().is_empty()) {
            match std::fs::metadata(d) {
                Ok(m) if m.is_dir() => break,
                Ok(_) => {
                    return Err(Error::Io {
                        path: d.to_path_buf(),
                        message: if d == dir {
                            "is a file, not a folder: outputs go into a folder; choose another output folder or move the file away".into()
                        } else {
                            format!(
                                "is a file, not a folder, so the output folder {} cannot be made inside it",
                                dir.display()
                            )
                        },
                    })
                }
                // Missing, or under a file (`NotADirectory`): look further up for the cause.
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                    ) =>
                {
                    if std::fs::symlink_metadata(d).is_ok() {
                        return Err(Error::Io {
                            path: d.to_path_buf(),
                            message: "is a symbolic link to nothing; the output folder cannot be made there".into(),
                        });
                    }
                    missing.push(d.to_path_buf());
                    cur = d.parent();
                }
                Err(e) => return Err(io_error(d, "cannot open the output folder", &e)),
            }
        }
        if !missing.is_empty() && !self.creatable.iter().any(|c| c == dir) {
            return Err(Error::Io {
                path: target.to_path_buf(),
                message: format!("cannot write: the folder {} does not exist", dir.display()),
            });
        }
        for d in missing.into_iter().rev() {
            match std::fs::create_dir(&d) {
                Ok(()) => self.made_dirs.push(d),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && d.is_dir() => {}
                Err(e) => return Err(io_error(&d, "cannot create the output folder", &e)),
            }
        }
        sweep_stale(dir);
        self.ready_dirs.push(dir.to_path_buf());
        Ok(())
    }
}

impl Drop for Transaction {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        // Dropping the temporary paths deletes the files; then the folders this run made
        // are empty again and go too (a folder someone else filled meanwhile stays).
        self.staged.clear();
        for d in self.made_dirs.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
    }
}

/// A usage error when anything (a file, a folder, a symlink) is at `target`.
fn refuse_existing(target: &Path) -> Result<()> {
    match std::fs::symlink_metadata(target) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error(target, "cannot inspect", &e)),
        Ok(_) => Err(exists_error(target)),
    }
}

fn exists_error(target: &Path) -> Error {
    Error::Usage(format!(
        "{}: already exists; mapfig never replaces it here (remove it or choose another name)",
        target.display()
    ))
}

/// Writes one file as a transaction of its own.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut t = Transaction::new();
    t.stage(path, bytes)?;
    t.commit().map(|_| ())
}

fn folder_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn temp_builder() -> tempfile::Builder<'static, 'static> {
    let mut b = tempfile::Builder::new();
    // The prefix holds the PID, so a later run can tell a dead run's leftovers; leaked once
    // per process (a few bytes) so the builder may borrow it for 'static.
    b.prefix(temp_prefix())
        .suffix(TEMP_SUFFIX)
        .rand_bytes(TEMP_RANDOM);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The mode `File::create` would give (0666 less the umask), not tempfile's 0600:
        // the output must be as readable as any file the user makes.
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    b
}

fn temp_prefix() -> &'static str {
    static PREFIX: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PREFIX.get_or_init(|| match process_space() {
        Some(space) => format!("{TEMP_PREFIX}{}.{space}-", std::process::id()),
        None => format!("{TEMP_PREFIX}{}-", std::process::id()),
    })
}

/// Where this process's PID means something: the first 8 hex digits of the machine's boot
/// id and the inode of its PID namespace, e.g. `6a2c1f3en4026531836` (Linux); `None`
/// where either cannot be read.
fn process_space() -> Option<&'static str> {
    static SPACE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    SPACE
        .get_or_init(|| {
            let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
            let boot: String = boot
                .chars()
                .filter(char::is_ascii_hexdigit)
                .take(8)
                .collect();
            // `pid:[4026531836]`
            let ns = std::fs::read_link("/proc/self/ns/pid").ok()?;
            let ns: String = ns
                .to_string_lossy()
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            (boot.len() == 8 && !ns.is_empty()).then(|| format!("{}n{ns}", boot.to_lowercase()))
        })
        .as_deref()
}

/// A hard link (or, where the file system has none, a copy) of `target` under a fresh
/// temporary name beside it; `None` if nothing is there. Deleted when dropped.
fn backup(target: &Path) -> Result<Option<tempfile::NamedTempFile<()>>> {
    if std::fs::symlink_metadata(target).is_err() {
        return Ok(None);
    }
    temp_builder()
        .make_in(folder_of(target), |p| {
            std::fs::hard_link(target, p).or_else(|_| copy_exclusive(target, p))
        })
        .map(Some)
        .map_err(|e| io_error(target, "cannot keep a backup while replacing", &e))
}

fn copy_exclusive(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut src = std::fs::File::open(from)?;
    let mut dst = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(to)?;
    std::io::copy(&mut src, &mut dst).map(|_| ())
}

/// Removes temporary files a killed run left in `dir`: only names of mapfig's own pattern,
/// only regular files (never what a symlink points to), and only when the process that
/// made them is gone (seen through /proc) or they are older than [`STALE_AFTER`].
fn sweep_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some((pid, space)) = name.to_str().and_then(temp_pid) else {
            continue;
        };
        let Ok(meta) = std::fs::symlink_metadata(entry.path()) else {
            continue;
        };
        if !meta.file_type().is_file() {
            continue;
        }
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age > STALE_AFTER);
        // A PID of another machine or PID namespace says nothing here: only age counts.
        let here = space.is_none_or(|s| Some(s) == process_space());
        if old || (here && process_gone(pid)) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The PID, and the process space if named, of `.mapfig-PID.SPACE-RANDOM.tmp` or
/// `.mapfig-PID-RANDOM.tmp`, if the name is one.
fn temp_pid(name: &str) -> Option<(u32, Option<&str>)> {
    let rest = name.strip_prefix(TEMP_PREFIX)?.strip_suffix(TEMP_SUFFIX)?;
    let (owner, random) = rest.split_once('-')?;
    let (pid, space) = match owner.split_once('.') {
        Some((pid, space)) => (pid, Some(space)),
        None => (owner, None),
    };
    let ok = !pid.is_empty()
        && pid.bytes().all(|b| b.is_ascii_digit())
        && space.is_none_or(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric()))
        && random.len() == TEMP_RANDOM
        && random.bytes().all(|b| b.is_ascii_alphanumeric());
    if ok {
        Some((pid.parse().ok()?, space))
    } else {
        None
    }
}

/// Whether process `pid` surely no longer runs: only answered where /proc shows this
/// process's own entry (Linux); elsewhere, never (then only age makes a file stale).
fn process_gone(pid: u32) -> bool {
    if pid == std::process::id() {
        return false;
    }
    Path::new("/proc/self").exists() && !Path::new(&format!("/proc/{pid}")).exists()
}

fn io_error(path: &Path, doing: &str, e: &std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        message: format!("{doing}: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("mapfig-files-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn a_rename_failing_half_way_puts_back_what_was_replaced() {
        let d = scratch("rollback");
        let (one, two) = (d.join("one"), d.join("two"));
        std::fs::create_dir_all(&one).unwrap();
        std::fs::create_dir_all(&two).unwrap();
        std::fs::write(one.join("x.svg"), "old x").unwrap();
        let mut t = Transaction::new();
        t.stage(&one.join("x.svg"), b"new x").unwrap();
        t.stage(&one.join("new.svg"), b"new file").unwrap();
        t.stage(&two.join("y.svg"), b"new y").unwrap();
        // The second folder vanishes with its temporary file: the last rename fails.
        std::fs::remove_dir_all(&two).unwrap();
        assert!(t.commit().is_err());
        assert_eq!(std::fs::read_to_string(one.join("x.svg")).unwrap(), "old x");
        assert!(
            !one.join("new.svg").exists(),
            "a file the run made is taken back"
        );
        let left: Vec<_> = std::fs::read_dir(&one).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file or backup left");
    }

    #[test]
    fn temp_files_of_another_process_space_are_swept_only_when_old() {
        let d = scratch("spaces");
        // Above Linux's largest PID (2^22): no process has it.
        let dead = 4_194_999;
        let elsewhere = d.join(format!(".mapfig-{dead}.00000000n1-abcdefABCDEF.tmp"));
        std::fs::write(&elsewhere, "another machine's shard, still writing").unwrap();
        let here = process_space().map(|s| d.join(format!(".mapfig-{dead}.{s}-abcdefABCDEF.tmp")));
        if let Some(h) = &here {
            std::fs::write(h, "a killed run's").unwrap();
        }
        sweep_stale(&d);
        assert!(
            elsewhere.exists(),
            "a PID of another machine is not looked up here"
        );
        if let Some(h) = here {
            assert!(
                !h.exists(),
                "a dead PID of this machine's namespace is swept"
            );
        }
    }

    #[test]
    fn temp_names_are_recognised_exactly() {
        assert_eq!(temp_pid(".mapfig-123-abcdefABCDEF.tmp"), Some((123, None)));
        assert_eq!(
            temp_pid(".mapfig-123.6a2c1f3en4026531836-abcdefABCDEF.tmp"),
            Some((123, Some("6a2c1f3en4026531836")))
        );
        assert_eq!(temp_pid(".mapfig-123.-abcdefABCDEF.tmp"), None);
        assert_eq!(temp_pid(".mapfig-123-abc.tmp"), None);
        assert_eq!(temp_pid(".mapfig--abcdefABCDEF.tmp"), None);
        assert_eq!(temp_pid("mapfig-123-abcdefABCDEF.tmp"), None);
        assert_eq!(temp_pid(".mapfig-12x-abcdefABCDEF.tmp"), None);
    }

    #[test]
    fn nothing_is_renamed_until_commit_and_drop_cleans_up() {
        let d = scratch("tx");
        let sub = d.join("a").join("b");
        let mut t = Transaction::new();
        assert!(
            t.stage(&sub.join("x.svg"), b"x").is_err(),
            "not a creatable folder"
        );
        t.allow_folder(&sub);
        t.stage(&sub.join("x.svg"), b"x").unwrap();
        t.stage(&sub.join("y.svg"), b"y").unwrap();
        assert!(!sub.join("x.svg").exists());
        drop(t);
        assert!(!d.join("a").exists(), "folders made by the run are removed");
        let mut t = Transaction::new();
        t.allow_folder(&sub);
        t.stage(&sub.join("x.svg"), b"x").unwrap();
        assert!(t.stage(&sub.join("x.svg"), b"again").is_err());
        let written = t.commit().unwrap();
        assert_eq!(written, vec![sub.join("x.svg")]);
        assert_eq!(std::fs::read(sub.join("x.svg")).unwrap(), b"x");
        let left: Vec<_> = std::fs::read_dir(&sub).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file left");
    }
}
