//! Resource limits: how much one run may read, hold and draw. A hostile or mistaken input
//! (an endless device, a 10-GB export, a billion-vertex line, a poster-sized PNG) fails
//! fast with a message naming the limit and the flag that raises it, instead of exhausting
//! memory or time. Every file mapfig reads goes through [`read_regular`] (or the readers
//! built on it), which refuses FIFOs, devices, sockets and folders before reading. Reading
//! takes any bytes (data formats may be binary); where text is required, [`check_text`]
//! refuses a binary file.

use crate::error::{Error, Result};
use std::io::Read;
use std::path::Path;

/// Largest canvas side accepted, in CSS pixels (a spec's `size`, `draw --size`).
pub const MAX_SIDE: f64 = 20_000.0;

/// Smallest canvas side a spec may ask for, in CSS pixels: the map frame (at least 80 px)
/// inside the page margins, with room for the furniture, so every accepted size renders.
pub const MIN_SIDE: f64 = 120.0;

/// Smallest PNG scale: every map side is at least [`MIN_SIDE`] CSS pixels, so at this
/// scale every PNG is at least one pixel a side.
pub const MIN_SCALE: f64 = 0.01;

/// Largest PNG scale.
pub const MAX_SCALE: f64 = 16.0;

/// Checks a PNG scale (`--scale`, the manifest's `scale`, the PNG writers' argument): the
/// message completes "scale …" / "--scale …".
pub fn check_scale(scale: f64) -> std::result::Result<(), String> {
    if scale.is_finite() && (MIN_SCALE..=MAX_SCALE).contains(&scale) {
        return Ok(());
    }
    Err(format!(
        "must be from {MIN_SCALE} (so the smallest map, {MIN_SIDE} px a side, is still a pixel wide in the PNG) to {MAX_SCALE}, got {scale}"
    ))
}

/// Largest spec file read. Specs are written by hand; a bigger one is not a spec.
pub const MAX_SPEC_BYTES: u64 = 16 << 20;

/// How many leading bytes [`check_text`] looks at for NUL.
const SNIFF_BYTES: usize = 8 << 10;

/// Limits of one run. The defaults render any real map; lower them for untrusted input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest data file read, in bytes (`--max-input-bytes`).
    pub max_input_bytes: u64,
    /// Most vertices the data files of one run may hold together; a file used by several
    /// layers or specs counts once (`--max-vertices`).
    pub max_vertices: u64,
    /// Largest PNG, in pixels: width × height after `--scale` (`--max-pixels`).
    pub max_pixels: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 1 << 30,
            max_vertices: 50_000_000,
            max_pixels: 400_000_000,
        }
    }
}

/// Reads a data file, text or binary, of at most `limits.max_input_bytes`.
pub fn read_input(path: &Path, limits: &Limits) -> Result<Vec<u8>> {
    read_regular_as(path, limits.max_input_bytes, || {
        format!(
            "larger than the limit of {} for one input file; raise it with --max-input-bytes",
            human_bytes(limits.max_input_bytes)
        )
    })
}

/// Reads a committed output file (`mapfig check`), binary allowed, of at most
/// `limits.max_input_bytes`.
pub fn read_committed(path: &Path, limits: &Limits) -> Result<Vec<u8>> {
    read_regular_as(path, limits.max_input_bytes, || {
        format!(
            "larger than the limit of {}; raise it with --max-input-bytes",
            human_bytes(limits.max_input_bytes)
        )
    })
}

/// Reads a spec file (at most [`MAX_SPEC_BYTES`]), refusing a binary file.
pub fn read_spec(path: &Path) -> Result<Vec<u8>> {
    let bytes = read_regular_as(path, MAX_SPEC_BYTES, || {
        format!(
            "larger than {}: not a map spec",
            human_bytes(MAX_SPEC_BYTES)
        )
    })?;
    check_text(path, &bytes)?;
    Ok(bytes)
}

/// Refuses bytes that cannot be a text file: a NUL among the first bytes (every binary
/// format mapfig may be handed has one early: PNG, ZIP, Shapefile, SQLite).
pub fn check_text(path: &Path, bytes: &[u8]) -> Result<()> {
    if bytes[..bytes.len().min(SNIFF_BYTES)].contains(&0) {
        return Err(Error::Io {
            path: path.to_path_buf(),
            message: "not a text file (it holds NUL bytes: a binary file?)".into(),
        });
    }
    Ok(())
}

/// Reads a whole regular file of at most `max_bytes`: the one way mapfig reads a file.
///
/// The file is opened without blocking (opening a FIFO for reading would otherwise wait for
/// a writer forever), then the opened handle is checked (`fstat`, so the file checked is
/// the file read: no race with a rename), and anything but a regular file — a FIFO, a
/// device, a socket, a folder — is refused before a byte is read. A file over `max_bytes`
/// is refused from its size; reading stops at `max_bytes + 1` all the same, in case it grows.
pub fn read_regular(path: &Path, max_bytes: u64) -> Result<Vec<u8>> {
    read_regular_as(path, max_bytes, || {
        format!("larger than the limit of {}", human_bytes(max_bytes))
    })
}

/// [`read_regular`], `too_big` saying what the limit is (and which flag raises it).
fn read_regular_as(path: &Path, max: u64, too_big: impl Fn() -> String) -> Result<Vec<u8>> {
    let too_large = || Error::Io {
        path: path.to_path_buf(),
        message: too_big(),
    };
    let (file, len) = open_regular(path)?;
    if len > max {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    if !read_rest(path, file, max, len, &mut bytes)? {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Opens `path` for reading if it is a regular file; returns the handle and its size.
fn open_regular(path: &Path) -> Result<(std::fs::File, u64)> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| Error::io(path, &e))?;
    let meta = file.metadata().map_err(|e| Error::io(path, &e))?;
    if !meta.is_file() {
        return Err(Error::Io {
            path: path.to_path_buf(),
            message: format!(
                "{}, not a regular file: mapfig reads only regular files",
                file_kind(&meta)
            ),
        });
    }
    Ok((file, meta.len()))
}

/// `O_NONBLOCK`, which std does not export (its value differs between systems).
#[cfg(any(target_os = "linux", target_os = "android"))]
const O_NONBLOCK: i32 = 0o4000;
#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
const O_NONBLOCK: i32 = 0x0004;

/// What a non-regular file is, for the error.
fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    if meta.is_dir() {
        return "is a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "is a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "is a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "is a device";
        }
    }
    "is a special file"
}

/// Reads what is left of `file` into `bytes`; false when that makes more than `max` bytes
/// (reading stops there).
fn read_rest(
    path: &Path,
    file: std::fs::File,
    max: u64,
    len: u64,
    bytes: &mut Vec<u8>,
) -> Result<bool> {
    let want = len.min(max).saturating_add(1) as usize;
    bytes.reserve(want.saturating_sub(bytes.len()));
    file.take(max.saturating_sub(bytes.len() as u64).saturating_add(1))
        .read_to_end(bytes)
        .map_err(|e| Error::io(path, &e))?;
    Ok(bytes.len() as u64 <= max)
}

/// Checks that the `n` vertices of `path`, added to the `held` vertices already loaded,
/// stay within the limit; returns the new total.
pub fn add_vertices(path: &Path, n: u64, held: u64, limits: &Limits) -> Result<u64> {
    let total = held.saturating_add(n);
    if total > limits.max_vertices {
        let with = if held > 0 {
            format!(" (with the {held} already loaded, {total})")
        } else {
            String::new()
        };
        return Err(Error::data(
            path,
            "",
            format!(
                "{n} vertices{with} is over the limit of {} vertices per run; raise it with --max-vertices",
                limits.max_vertices
            ),
        ));
    }
    Ok(total)
}

/// The error for a file whose parse passed the vertex limit at feature `index`, with
/// `held` vertices loaded before it.
pub fn vertex_limit_error(path: &Path, index: usize, held: u64, max_vertices: u64) -> Error {
    Error::data(
        path,
        format!("feature {index}"),
        vertex_limit_message(held, max_vertices),
    )
}

/// What [`vertex_limit_error`] says.
pub fn vertex_limit_message(held: u64, max_vertices: u64) -> String {
    let with = if held > 0 {
        format!(" (with the {held} already loaded)")
    } else {
        String::new()
    };
    format!(
        "the data passes the limit of {max_vertices} vertices per run{with}: reading stopped here; raise it with --max-vertices"
    )
}

/// Checks a raster's size against the pixel limit.
pub fn check_pixels(width: f64, height: f64, limits: &Limits, file: &Path) -> Result<()> {
    let pixels = width * height;
    if pixels > limits.max_pixels as f64 {
        return Err(Error::render(
            file,
            format!(
                "a {width}×{height} PNG ({pixels} pixels) is over the limit of {} pixels; lower --scale or the spec's size, or raise --max-pixels",
                limits.max_pixels
            ),
        ));
    }
    Ok(())
}

/// `1 GiB`, `512 MiB`, `1000 bytes`: exact when a whole number of units, else bytes.
pub fn human_bytes(n: u64) -> String {
    for (unit, size) in [("GiB", 1u64 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] {
        if n >= size && n.is_multiple_of(size) {
            return format!("{} {unit}", n / size);
        }
    }
    format!("{n} bytes")
}

/// A byte count as a user writes it: `1000000`, `64KiB`, `512MiB`, `2GiB`, `10MB` (the
/// `-iB` units are powers of 1024, `kB`, `MB`, `GB` powers of 1000; `K`, `M`, `G` alone
/// mean the binary ones).
pub fn parse_bytes(s: &str) -> std::result::Result<u64, String> {
    let t = s.trim().replace('_', "");
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        "t" | "tib" => 1 << 40,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        "tb" => 1_000_000_000_000,
        _ => {
            return Err(format!(
                "{s:?} is not a size: use bytes or a unit, e.g. 512MiB or 2GiB"
            ))
        }
    };
    positive(digits, factor, s)
}

/// A count as a user writes it: `50000000`, `50_000_000`, `50M`, `2G`, `800k` (powers of
/// 1000).
pub fn parse_count(s: &str) -> std::result::Result<u64, String> {
    let t = s.trim().replace('_', "");
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let factor: u64 = match unit.trim() {
        "" => 1,
        "k" | "K" => 1_000,
        "M" => 1_000_000,
        "G" => 1_000_000_000,
        _ => {
            return Err(format!(
                "{s:?} is not a count: use a whole number, e.g. 50000000 or 50M"
            ))
        }
    };
    positive(digits, factor, s)
}

/// `digits` × `factor`, above 0. A number too big for 64 bits is "too large" with the
/// largest accepted value, not "not a whole number" (which it is).
fn positive(digits: &str, factor: u64, original: &str) -> std::result::Result<u64, String> {
    let too_large = || {
        format!(
            "{original:?} is too large: the largest accepted value is {} (2^64 - 1)",
            u64::MAX
        )
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{original:?} is not a whole number above 0"));
    }
    let n: u64 = digits.parse().map_err(|_| too_large())?;
    match n.checked_mul(factor) {
        Some(0) => Err(format!("{original:?}: must be above 0")),
        Some(v) => Ok(v),
        None => Err(too_large()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_counts_parse_with_units() {
        assert_eq!(parse_bytes("1GiB"), Ok(1 << 30));
        assert_eq!(parse_bytes("512 MiB"), Ok(512 << 20));
        assert_eq!(parse_bytes("10MB"), Ok(10_000_000));
        assert_eq!(parse_bytes("4096"), Ok(4096));
        assert!(parse_bytes("0").is_err());
        assert!(parse_bytes("lots").is_err());
        assert!(parse_bytes("99999999999G").is_err());
        assert_eq!(parse_count("50M"), Ok(50_000_000));
        assert_eq!(parse_count("1_000"), Ok(1000));
        assert!(parse_count("1.5M").is_err());
    }

    #[test]
    fn human_bytes_is_exact() {
        assert_eq!(human_bytes(1 << 30), "1 GiB");
        assert_eq!(human_bytes(3 << 20), "3 MiB");
        assert_eq!(human_bytes(1000), "1000 bytes");
    }

    fn scratch(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let p = std::env::temp_dir().join(format!("mapfig-limits-{}-{name}", std::process::id()));
        std::fs::write(&p, bytes).unwrap();
        p
    }

    #[test]
    fn reading_stops_at_the_limit() {
        let p = scratch("big", &[b' '; 100]);
        let small = Limits {
            max_input_bytes: 99,
            ..Limits::default()
        };
        let e = read_input(&p, &small).unwrap_err().to_string();
        assert!(
            e.contains("--max-input-bytes") && e.contains("99 bytes"),
            "{e}"
        );
        let exact = Limits {
            max_input_bytes: 100,
            ..Limits::default()
        };
        assert_eq!(read_input(&p, &exact).unwrap().len(), 100);
        let _ = std::fs::remove_file(p);
    }

    #[test]
    fn read_regular_reads_files_and_refuses_the_rest() {
        let p = scratch("regular", b"\x89PNG\0bytes");
        assert_eq!(read_regular(&p, 100).unwrap(), b"\x89PNG\0bytes");
        let e = read_regular(&p, 5).unwrap_err().to_string();
        assert!(e.contains("larger than the limit of 5 bytes"), "{e}");
        let _ = std::fs::remove_file(p);
        let e = read_regular(&std::env::temp_dir(), 100)
            .unwrap_err()
            .to_string();
        assert!(e.contains("is a folder, not a regular file"), "{e}");
        let fifo = std::env::temp_dir().join(format!("mapfig-limits-{}-fifo", std::process::id()));
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        if made {
            // Returns at once: opening does not wait for a writer.
            let e = read_regular(&fifo, 100).unwrap_err().to_string();
            assert!(e.contains("is a FIFO"), "{e}");
            let _ = std::fs::remove_file(fifo);
        }
    }

    #[test]
    fn endless_and_binary_sources_are_refused_at_once() {
        let zero = Path::new("/dev/zero");
        if zero.exists() {
            let e = read_input(zero, &Limits::default())
                .unwrap_err()
                .to_string();
            assert!(e.contains("is a device, not a regular file"), "{e}");
        }
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        let p = scratch("png", png);
        let e = read_spec(&p).unwrap_err().to_string();
        assert!(e.contains("not a text file"), "{e}");
        // Data may be binary: the text check is the reader's, not the file reader's.
        assert_eq!(read_input(&p, &Limits::default()).unwrap(), png);
        let e = check_text(&p, png).unwrap_err().to_string();
        assert!(
            e.ends_with("not a text file (it holds NUL bytes: a binary file?)"),
            "{e}"
        );
        let _ = std::fs::remove_file(p);
    }
}
