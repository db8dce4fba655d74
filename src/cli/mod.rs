//! The binary's commands around rendering: shell completions and man pages made from the
//! clap definitions, the spec's JSON Schema and a starter spec for a data file. `main.rs`
//! holds the rendering commands and the flag definitions.

pub mod docs;
pub mod init;

use mapfig::{Error, Result};
use std::io::Write;
use std::path::PathBuf;

/// Writes `bytes` to stdout; a reader that stops early (`mapfig schema | head`) is no error.
pub fn print(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Io {
            path: PathBuf::from("<stdout>"),
            message: e.to_string(),
        }),
        _ => Ok(()),
    }
}
