//! The shape of the library, checked from its source so it stays true: one pipeline of
//! stages where a module imports only from its own stage or an earlier one, no import cycle
//! between modules, no function over 150 lines and no file over 700 (tests excluded).
//!
//! The stage order is DESIGN.md's pipeline: a module added to src/ must be given a stage here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level modules and their stage: a module may use only modules of its own or a lower
/// stage. Stage 0 holds the leaves every stage may use.
const STAGES: &[(&str, u32)] = &[
    ("error", 0),
    ("geom", 0),
    ("color", 0),
    ("limits", 0),
    ("timings", 0),
    ("projection", 1),
    ("spec", 2),
    ("sources", 3),
    ("prepare", 4),
    ("text", 5),
    ("scene", 6),
    ("symbology", 7),
    ("layout", 8),
    ("emit", 9),
    ("render", 10),
    ("build", 10),
    ("starter", 10),
    // The binary's own modules (src/cli/, beside main.rs): the command line over everything.
    ("cli", 11),
];

const MAX_FILE_LINES: usize = 700;
const MAX_FN_LINES: usize = 150;

struct Source {
    /// Module path, e.g. `["layout", "labels"]`; empty for lib.rs.
    module: Vec<String>,
    path: PathBuf,
    /// Code with comments, strings and `#[cfg(test)]` items blanked out, lines kept.
    code: String,
}

fn src_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Blanks comments and the insides of string and char literals (newlines kept), so braces
/// and paths are only ever read from code.
fn strip(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
        } else if (c == 'r' || (c == 'b' && next == Some('r')))
            && !prev_is_ident(&b, i)
            && raw_string_start(&b, i + usize::from(c == 'b') + 1).is_some()
        {
            let start = i + usize::from(c == 'b') + 1;
            let hashes = raw_string_start(&b, start).unwrap_or(0);
            let body = start + hashes + 1;
            out.extend(std::iter::repeat_n(' ', body - i));
            i = body;
            while i < b.len() {
                if b[i] == '"' && (0..hashes).all(|k| b.get(i + 1 + k) == Some(&'#')) {
                    out.extend(std::iter::repeat_n(' ', hashes + 1));
                    i += hashes + 1;
                    break;
                }
                out.push(blank(b[i]));
                i += 1;
            }
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < b.len() {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{..}') or a lifetime ('a).
            let end = if next == Some('\\') {
                (i + 2..b.len()).find(|&k| b[k] == '\'')
            } else if b.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match end {
                Some(e) => {
                    out.extend(std::iter::repeat_n(' ', e - i + 1));
                    i = e + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn prev_is_ident(b: &[char], i: usize) -> bool {
    i > 0 && (b[i - 1].is_alphanumeric() || b[i - 1] == '_')
}

/// At `i`: `#*"` opening a raw string → the number of `#`.
fn raw_string_start(b: &[char], i: usize) -> Option<usize> {
    let hashes = b[i.min(b.len())..]
        .iter()
        .take_while(|&&c| c == '#')
        .count();
    (b.get(i + hashes) == Some(&'"')).then_some(hashes)
}

/// The index of the brace closing the one opened at `open`.
fn matching_brace(code: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (k, &c) in code.iter().enumerate().skip(open) {
        match c {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
    }
    None
}

/// Blanks every item marked `#[cfg(test)]` (test modules, test-only functions).
fn strip_tests(code: &str) -> String {
    let mut bytes = code.as_bytes().to_vec();
    let mut from = 0;
    while let Some(at) = code[from..].find("#[cfg(test)]").map(|k| k + from) {
        let after = at + "#[cfg(test)]".len();
        let rest = &code[after..];
        // The item ends at its block's closing brace, or at `;` (`mod tests;`).
        let semi = rest.find(';');
        let brace = rest.find('{');
        let end = match (semi, brace) {
            (Some(s), Some(b)) if s < b => after + s,
            (_, Some(b)) => matching_brace(code.as_bytes(), after + b).unwrap_or(code.len() - 1),
            (Some(s), None) => after + s,
            (None, None) => code.len() - 1,
        };
        for c in &mut bytes[at..=end] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
        from = end + 1;
    }
    String::from_utf8(bytes).expect("ASCII blanks keep UTF-8")
}

fn sources() -> Vec<Source> {
    let root = src_dir();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(
        files.len() > 10,
        "found only {} files in {}",
        files.len(),
        root.display()
    );
    files
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n != "main.rs"))
        .map(|path| {
            let rel = path.strip_prefix(&root).expect("under src/");
            let mut module: Vec<String> = rel
                .iter()
                .map(|s| s.to_string_lossy().into_owned())
                .collect();
            let last = module.pop().unwrap_or_default();
            let is_dir_module = last == "mod.rs" || last == "lib.rs";
            if !is_dir_module {
                module.push(last.trim_end_matches(".rs").to_string());
            }
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            Source {
                module,
                code: strip_tests(&strip(&text)),
                path,
            }
        })
        // Files that hold only tests (`#[cfg(test)] mod tests;` → tests.rs).
        .filter(|s| s.module.last().is_none_or(|m| m != "tests"))
        .collect()
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Every path a piece of code names through `crate::` or `super::`, as segments from the
/// crate root (use-trees with braces expanded).
fn referenced_paths(s: &Source) -> Vec<Vec<String>> {
    let code = s.code.as_bytes();
    let mut out = Vec::new();
    for (kw, base) in [("crate::", Vec::new()), ("super::", super_of(s))] {
        let mut from = 0;
        while let Some(k) = s.code[from..].find(kw).map(|k| k + from) {
            from = k + kw.len();
            if k > 0 && (is_ident(code[k - 1]) || code[k - 1] == b'$') {
                continue;
            }
            let mut prefix = base.clone();
            // `super::super::…`
            let mut at = from;
            while s.code[at..].starts_with("super::") {
                prefix.pop();
                at += "super::".len();
            }
            use_tree(code, at, prefix, &mut out);
        }
    }
    out
}

/// The module `super` names from this file.
fn super_of(s: &Source) -> Vec<String> {
    let mut m = s.module.clone();
    m.pop();
    m
}

/// Reads a path or `{a, b::{c, d}}` tree at `at`, pushing each full path onto `out`.
fn use_tree(code: &[u8], mut at: usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut path = prefix;
    loop {
        while at < code.len() && code[at].is_ascii_whitespace() {
            at += 1;
        }
        if at < code.len() && code[at] == b'{' {
            let Some(end) = matching_brace(code, at) else {
                return;
            };
            // Split the inside on top-level commas.
            let inner = &code[at + 1..end];
            let mut depth = 0;
            let mut start = 0;
            for (k, &c) in inner.iter().enumerate() {
                match c {
                    b'{' => depth += 1,
                    b'}' => depth -= 1,
                    b',' if depth == 0 => {
                        use_tree(code, at + 1 + start, path.clone(), out);
                        start = k + 1;
                    }
                    _ => {}
                }
            }
            use_tree(code, at + 1 + start, path, out);
            return;
        }
        let start = at;
        while at < code.len() && is_ident(code[at]) {
            at += 1;
        }
        if at == start {
            break;
        }
        let seg = String::from_utf8_lossy(&code[start..at]).into_owned();
        if seg != "self" {
            path.push(seg);
        }
        if code[at..].starts_with(b"::") {
            at += 2;
        } else {
            break;
        }
    }
    if !path.is_empty() {
        out.push(path);
    }
}

/// The longest known module a path lies in.
fn module_of(path: &[String], modules: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|m| modules.contains(m))
}

fn stage(top: &str) -> Option<u32> {
    STAGES.iter().find(|(m, _)| *m == top).map(|(_, s)| *s)
}

/// Module → modules it imports (other than itself and its own ancestors' items).
fn import_graph(srcs: &[Source]) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let modules: BTreeSet<Vec<String>> = srcs.iter().map(|s| s.module.clone()).collect();
    let mut graph = BTreeMap::new();
    for s in srcs {
        let deps: BTreeSet<Vec<String>> = referenced_paths(s)
            .iter()
            .filter_map(|p| module_of(p, &modules))
            .filter(|m| !m.is_empty() && *m != s.module)
            .collect();
        graph.insert(s.module.clone(), deps);
    }
    graph
}

fn name(m: &[String]) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

#[test]
fn every_module_imports_only_from_its_own_or_an_earlier_stage() {
    let srcs = sources();
    let graph = import_graph(&srcs);
    let mut wrong = Vec::new();
    for s in &srcs {
        let Some(top) = s.module.first() else {
            continue;
        };
        let Some(own) = stage(top) else {
            wrong.push(format!(
                "{}: module `{top}` has no stage in tests/architecture.rs STAGES",
                s.path.display()
            ));
            continue;
        };
        for dep in &graph[&s.module] {
            let dep_stage = stage(&dep[0]).unwrap_or(u32::MAX);
            if dep_stage > own {
                wrong.push(format!(
                    "{} (stage {own}) imports {} (stage {dep_stage})",
                    name(&s.module),
                    name(dep)
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the pipeline:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_import_cycles_between_modules() {
    let srcs = sources();
    let graph = import_graph(&srcs);
    let mut cycles = Vec::new();
    // Depth-first search for a back edge, reporting each cycle's modules once.
    let mut state: BTreeMap<Vec<String>, u8> = BTreeMap::new();
    fn visit(
        m: &Vec<String>,
        graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        state: &mut BTreeMap<Vec<String>, u8>,
        stack: &mut Vec<Vec<String>>,
        cycles: &mut Vec<String>,
    ) {
        state.insert(m.clone(), 1);
        stack.push(m.clone());
        for d in graph.get(m).into_iter().flatten() {
            // A module may use its own submodules, and a submodule its ancestors' items.
            if d.starts_with(m) || m.starts_with(d) {
                continue;
            }
            match state.get(d).copied().unwrap_or(0) {
                0 => visit(d, graph, state, stack, cycles),
                1 => {
                    let from = stack.iter().position(|x| x == d).unwrap_or(0);
                    let names: Vec<String> = stack[from..].iter().map(|x| name(x)).collect();
                    cycles.push(format!("{} → {}", names.join(" → "), name(d)));
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(m.clone(), 2);
    }
    for m in graph.keys() {
        if state.get(m).copied().unwrap_or(0) == 0 {
            visit(m, &graph, &mut state, &mut Vec::new(), &mut cycles);
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn files_and_functions_stay_short() {
    let mut long = Vec::new();
    for s in sources() {
        let lines = s.code.trim_end().lines().count();
        if lines > MAX_FILE_LINES {
            long.push(format!(
                "{}: {lines} lines (at most {MAX_FILE_LINES}, tests excluded)",
                s.path.display()
            ));
        }
        for (fname, line, n) in functions(&s.code) {
            if n > MAX_FN_LINES {
                long.push(format!(
                    "{}:{line}: fn {fname} is {n} lines (at most {MAX_FN_LINES})",
                    s.path.display()
                ));
            }
        }
    }
    assert!(long.is_empty(), "too long:\n{}", long.join("\n"));
}

/// Each function with a body: name, first line (1-based) and length in lines.
fn functions(code: &str) -> Vec<(String, usize, usize)> {
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(k) = code[from..].find("fn ").map(|k| k + from) {
        from = k + 3;
        if k > 0 && is_ident(b[k - 1]) {
            continue;
        }
        let name_end = (from..b.len())
            .find(|&i| !is_ident(b[i]))
            .unwrap_or(b.len());
        let fname = code[from..name_end].to_string();
        if fname.is_empty() {
            continue; // `fn(` types
        }
        // The body opens at the first `{` outside parentheses and generics, unless a `;`
        // comes first (a declaration in a trait).
        let mut depth = 0i32;
        let mut open = None;
        for (i, &c) in b.iter().enumerate().skip(name_end) {
            match c {
                b'(' | b'[' => depth += 1,
                b')' | b']' => depth -= 1,
                b';' if depth == 0 => break,
                b'{' if depth == 0 => {
                    open = Some(i);
                    break;
                }
                _ => {}
            }
        }
        let Some(open) = open else { continue };
        let Some(close) = matching_brace(b, open) else {
            continue;
        };
        let first = code[..k].matches('\n').count() + 1;
        let last = code[..close].matches('\n').count() + 1;
        out.push((fname, first, last - first + 1));
    }
    out
}

#[test]
fn the_checks_see_what_they_check() {
    // The stripper keeps code and blanks literals and comments.
    let s =
        strip("let a = \"crate::x\"; // crate::y\nuse crate::z; let c = '{'; let r = r#\"}\"#;");
    assert!(!s.contains("crate::x") && !s.contains("crate::y") && s.contains("crate::z"));
    assert_eq!(s.matches('{').count(), 0);
    assert_eq!(s.matches('}').count(), 0);
    // Use-trees expand; `super` resolves from the file's module.
    let src = Source {
        module: vec!["layout".into(), "labels".into()],
        path: PathBuf::from("layout/labels.rs"),
        code: "use crate::{geom::{self, Pt}, scene::Text};\nuse super::fit::x;".into(),
    };
    let paths = referenced_paths(&src);
    assert!(paths.contains(&vec!["geom".to_string()]));
    assert!(paths.contains(&vec!["geom".to_string(), "Pt".to_string()]));
    assert!(paths.contains(&vec!["scene".to_string(), "Text".to_string()]));
    assert!(paths.contains(&vec![
        "layout".to_string(),
        "fit".to_string(),
        "x".to_string()
    ]));
    // Functions are measured from `fn` to the closing brace; tests are blanked.
    let f = functions("fn a() {\n}\n\nfn b<T: Fn()>(x: T) -> u8 {\n 1\n}\n");
    assert_eq!(f, vec![("a".into(), 1, 2), ("b".into(), 4, 3)]);
    let t = strip_tests("fn a() {}\n#[cfg(test)]\nmod tests {\n fn long() {}\n}\n");
    assert!(t.contains("fn a") && !t.contains("long"));
}
