//! `mapfig completions SHELL` and `mapfig man`: made from the clap definitions, so they
//! name every command the binary has.

use std::process::{Command, Output};
mod common;
use common::{files_in, mapfig, scratch, stderr};

fn run(args: &[&str]) -> Output {
    let o = mapfig().args(args).output().unwrap();
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    o
}

/// The commands `mapfig --help` lists (clap's own `help` left out).
fn subcommands() -> Vec<String> {
    let help = String::from_utf8(run(&["--help"]).stdout).unwrap();
    let list: Vec<String> = help
        .split("Commands:\n")
        .nth(1)
        .expect("a Commands section")
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect();
    for c in [
        "build",
        "render",
        "draw",
        "inspect",
        "schema",
        "completions",
        "man",
    ] {
        assert!(list.iter().any(|l| l == c), "{c} not in {list:?}");
    }
    list
}

#[test]
fn bash_completion_offers_every_command_and_their_flags() {
    let script = String::from_utf8(run(&["completions", "bash"]).stdout).unwrap();
    for c in subcommands() {
        assert!(script.contains(&c), "{c} not in the bash completion");
    }
    assert!(script.contains("--allow-outside") && script.contains("--strict-labels"));
    // Loaded into bash, it completes `mapfig b<TAB>` and `mapfig build --al<TAB>`.
    let dir = scratch("docs", "bash");
    let path = dir.join("mapfig.bash");
    std::fs::write(&path, &script).unwrap();
    let complete = |words: &str| {
        let probe = format!(
            "source '{}'; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); _mapfig mapfig \"${{COMP_WORDS[-1]}}\" \"${{COMP_WORDS[-2]}}\"; echo \"${{COMPREPLY[*]}}\"",
            path.display()
        );
        let o = Command::new("bash").args(["-c", &probe]).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        String::from_utf8(o.stdout).unwrap().trim().to_string()
    };
    assert_eq!(complete("mapfig b"), "build");
    assert_eq!(complete("mapfig build --al"), "--allow-outside");
    let all = complete("mapfig ''");
    for c in subcommands() {
        assert!(all.split(' ').any(|w| w == c), "{c} not offered: {all}");
    }
}

#[test]
fn every_shell_gets_a_script_naming_the_commands() {
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let script = String::from_utf8(run(&["completions", shell]).stdout).unwrap();
        for c in subcommands() {
            assert!(script.contains(&c), "{c} not in the {shell} completion");
        }
    }
    let o = mapfig().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bash"), "{}", stderr(&o));
}

/// Formats a page with groff (Debian's groff-base), warnings on: none may be printed.
fn groff_reads(page: &[u8], name: &str) {
    let dir = scratch("docs", &format!("groff-{name}"));
    let path = dir.join(name);
    std::fs::write(&path, page).unwrap();
    let o = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .arg(&path)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run groff ({e}): apt-get install -y groff-base (./test.sh installs it)")
        });
    assert!(o.status.success() && o.stderr.is_empty(), "{}", stderr(&o));
}

#[test]
fn the_man_page_holds_every_command_and_parses_as_roff() {
    let page = run(&["man"]).stdout;
    let text = String::from_utf8(page.clone()).unwrap();
    assert!(text.starts_with(".TH mapfig 1 "), "{}", &text[..80]);
    assert!(text.is_ascii());
    assert!(text.contains(".SH NAME\nmapfig \\- Render"));
    for c in subcommands() {
        let heading = format!(".SH \"MAPFIG {}\"\n", c.to_uppercase());
        assert!(text.contains(&heading), "{heading}");
        assert!(
            text.contains(&format!("mapfig\\-{c}(1)")),
            "{c} in SUBCOMMANDS"
        );
    }
    // The commands' flags are in the one page.
    assert!(text.contains("\\fB\\-\\-allow\\-outside\\fR"));
    assert!(text.contains("\\fB\\-\\-strict\\-labels\\fR"));
    // Every line is text or a request roff knows.
    for line in text.lines().filter(|l| l.starts_with('.')) {
        let request = line[1..].split_whitespace().next().unwrap_or("");
        assert!(
            ["TH", "SH", "SS", "TP", "PP", "IP", "RS", "RE", "ie", "el", "br"].contains(&request),
            "{line}"
        );
    }
    groff_reads(&page, "mapfig-one-page.1");
}

#[test]
fn man_out_writes_one_page_per_command_or_nothing() {
    let dir = scratch("docs", "man-out");
    let out = dir.join("share/man/man1");
    let o = run(&["man", "--out", &out.display().to_string()]);
    let mut expected: Vec<String> = subcommands()
        .iter()
        .map(|c| format!("mapfig-{c}.1"))
        .collect();
    expected.push("mapfig.1".into());
    expected.sort();
    assert_eq!(files_in(&out), expected);
    assert!(stderr(&o).contains("mapfig-build.1"));
    for name in &expected {
        let page = std::fs::read(out.join(name)).unwrap();
        assert!(page.starts_with(b".TH "), "{name}");
        groff_reads(&page, name);
    }
    let build = std::fs::read_to_string(out.join("mapfig-build.1")).unwrap();
    assert!(build.starts_with(".TH mapfig-build 1 "));
    assert!(build.contains("\\fB\\-\\-out\\fR"));
    // A file where the folder should be: an error, and nothing written.
    let blocked = dir.join("blocked");
    std::fs::write(&blocked, "a file").unwrap();
    let o = mapfig()
        .args(["man", "--out", &blocked.display().to_string()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&blocked).unwrap(), "a file");
}
