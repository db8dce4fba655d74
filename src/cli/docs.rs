//! `mapfig completions SHELL` and `mapfig man`: generated from the same clap definitions
//! that parse the flags, so they can never list a flag the binary does not take.

use mapfig::emit::Transaction;
use mapfig::{Error, Result};
use std::path::{Path, PathBuf};

/// The flags of `mapfig completions`.
#[derive(clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// The flags of `mapfig man`.
#[derive(clap::Args)]
pub struct ManArgs {
    /// Write one page per command into this folder (mapfig.1, mapfig-build.1, …) instead
    /// of printing a single page with every command to stdout.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// The completion script for `shell`.
pub fn completions(mut cmd: clap::Command, shell: clap_complete::Shell) -> Vec<u8> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "mapfig", &mut script);
    script
}

/// The command as the man pages show it: built (so subcommands know their full names),
/// without clap's `help` subcommand.
fn built(cmd: clap::Command) -> clap::Command {
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    cmd
}

/// One roff page for mapfig and every subcommand: mapfig's own sections, then a section
/// per subcommand with its description, synopsis and options (their sections made
/// subsections), then the version.
pub fn man_page(cmd: clap::Command) -> Result<Vec<u8>> {
    let cmd = built(cmd);
    let top = clap_mangen::Man::new(cmd.clone());
    let mut page = render(&top, |m, w| {
        m.render_title(w)?;
        m.render_name_section(w)?;
        m.render_synopsis_section(w)?;
        m.render_description_section(w)?;
        m.render_options_section(w)?;
        m.render_subcommands_section(w)
    })?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = sub
            .get_display_name()
            .unwrap_or_else(|| sub.get_name())
            .replace('-', " ")
            .to_uppercase();
        page.push_str(&format!(".SH \"{name}\"\n"));
        let part = render(&clap_mangen::Man::new(sub.clone()), |m, w| {
            m.render_description_section(w)?;
            m.render_synopsis_section(w)?;
            m.render_options_section(w)
        })?;
        page.push_str(&part.replace("\n.SH ", "\n.SS "));
    }
    page.push_str(&render(&top, |m, w| m.render_version_section(w))?);
    Ok(tidy(&page))
}

/// One page per command: `mapfig.1` and `mapfig-SUB.1` for each subcommand, with their
/// file names.
pub fn man_pages(cmd: clap::Command) -> Result<Vec<(String, Vec<u8>)>> {
    let cmd = built(cmd);
    let mut pages = Vec::new();
    for c in std::iter::once(&cmd).chain(cmd.get_subcommands().filter(|s| !s.is_hide_set())) {
        let man = clap_mangen::Man::new(c.clone());
        pages.push((man.get_filename(), tidy(&render(&man, |m, w| m.render(w))?)));
    }
    Ok(pages)
}

/// Writes [`man_pages`] into `dir` (made when missing), all of them or none.
pub fn write_man_pages(cmd: clap::Command, dir: &Path) -> Result<Vec<PathBuf>> {
    let mut tx = Transaction::new();
    tx.allow_folder(dir);
    for (name, page) in man_pages(cmd)? {
        tx.stage(&dir.join(name), &page)?;
    }
    tx.commit()
}

/// Each section clap_mangen renders starts with its two-line preamble (defining `\*(Aq`,
/// an apostrophe on every formatter); each part is written after a newline of its own.
fn render(
    man: &clap_mangen::Man,
    draw: impl FnOnce(&clap_mangen::Man, &mut Vec<u8>) -> std::io::Result<()>,
) -> Result<String> {
    let mut out = Vec::new();
    draw(man, &mut out).map_err(|e| Error::Io {
        path: PathBuf::from("<man page>"),
        message: e.to_string(),
    })?;
    let mut text = String::from_utf8_lossy(&out).into_owned();
    text = format!("\n{text}");
    Ok(text)
}

/// The page with `.TH` first (where `man` and `lexgrog` look for it), the preamble once
/// right after it, no blank lines (a blank line in roff is a paragraph break), in ASCII.
fn tidy(page: &str) -> Vec<u8> {
    const PREAMBLE: [&str; 2] = [".ie \\n(.g .ds Aq \\(aq", ".el .ds Aq '"];
    let lines: Vec<&str> = page
        .lines()
        .filter(|l| !l.is_empty() && !PREAMBLE.contains(l))
        .collect();
    let (title, rest): (Vec<&str>, Vec<&str>) = lines.iter().partition(|l| l.starts_with(".TH "));
    let mut out = String::new();
    for l in title.iter().take(1).chain(&PREAMBLE).chain(&rest) {
        // Non-ASCII characters as groff's and mandoc's `\[uXXXX]` escapes: a formatter
        // run without a UTF-8 preprocessor reads them right too.
        for c in l.chars() {
            match c {
                c if c.is_ascii() => out.push(c),
                c => out.push_str(&format!("\\[u{:04X}]", c as u32)),
            }
        }
        out.push('\n');
    }
    out.into_bytes()
}
