//! The one error type of the library. Every variant names the file it is about and, where
//! known, the place inside it, so the CLI can print `file:line:column: message`.

use std::fmt;
use std::path::{Path, PathBuf};

/// What went wrong, and where.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// A map spec is malformed or invalid (unknown key, wrong type, bad value).
    Spec {
        file: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// A data file is malformed or holds invalid geometry.
    Data {
        file: PathBuf,
        /// `line:column` for JSON syntax errors, or a feature path such as
        /// `feature 3 (id "AF-KDZ"), polygon 0, ring 1`.
        place: String,
        message: String,
    },
    /// A file could not be read or written.
    Io { path: PathBuf, message: String },
    /// A command-line argument is invalid.
    Usage(String),
    /// Rendering failed for a reason that is not the input's fault in one place
    /// (for example a projection that cannot represent the data).
    Render { file: PathBuf, message: String },
    /// Every problem found in one file (a spec or the manifest), sorted by place: at most
    /// [`crate::spec::reader::MAX_REPORTED`] of them, and how many more there were.
    Several { errors: Vec<Error>, more: usize },
}

impl Error {
    pub fn io(path: &Path, err: &std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            message: err.to_string(),
        }
    }

    pub fn data(file: &Path, place: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Data {
            file: file.to_path_buf(),
            place: place.into(),
            message: message.into(),
        }
    }

    pub fn render(file: &Path, message: impl Into<String>) -> Self {
        Error::Render {
            file: file.to_path_buf(),
            message: message.into(),
        }
    }

    /// The problems of one file as one error: the problem itself when there is only one.
    pub fn several(mut errors: Vec<Error>, more: usize) -> Self {
        if errors.len() == 1 && more == 0 {
            if let Some(e) = errors.pop() {
                return e;
            }
        }
        Error::Several { errors, more }
    }

    /// Process exit code: 2 for what the user wrote wrong (arguments, spec), 1 for
    /// everything else (data, files, rendering).
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Spec { .. } | Error::Usage(_) => 2,
            Error::Several { errors, .. } => errors.iter().map(Error::exit_code).max().unwrap_or(2),
            _ => 1,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Spec {
                file,
                line,
                column,
                message,
            } => write!(f, "{}:{line}:{column}: {message}", file.display()),
            Error::Data {
                file,
                place,
                message,
            } if place.is_empty() => write!(f, "{}: {message}", file.display()),
            Error::Data {
                file,
                place,
                message,
            } => write!(f, "{}: {place}: {message}", file.display()),
            Error::Io { path, message } => write!(f, "{}: {message}", path.display()),
            Error::Usage(message) => write!(f, "{message}"),
            Error::Render { file, message } => write!(f, "{}: {message}", file.display()),
            // One line per problem, so editors and CI logs can jump to each place.
            Error::Several { errors, more } => {
                for (i, e) in errors.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{e}")?;
                }
                if *more > 0 {
                    write!(f, "\n… and {more} more")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Line and column (both 1-based) of a byte offset in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_from_one() {
        let text = "a = 1\nbb = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        assert_eq!(line_column(text, 8), (2, 3));
        assert_eq!(line_column(text, 999), (3, 1));
    }

    #[test]
    fn spec_errors_print_file_line_column() {
        let e = Error::Spec {
            file: "maps/a.toml".into(),
            line: 3,
            column: 7,
            message: "unknown key".into(),
        };
        assert_eq!(e.to_string(), "maps/a.toml:3:7: unknown key");
        assert_eq!(e.exit_code(), 2);
    }
}
