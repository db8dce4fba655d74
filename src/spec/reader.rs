//! A strict reader of hand-written TOML (map specs, the project manifest) that finds every
//! problem in one pass instead of stopping at the first, as serde does.
//!
//! The text is parsed once into a tree that keeps each key's and value's byte span; each
//! table is then read key by key. A value of the wrong type or a key nobody asked for is
//! recorded in [`Problems`] with its place and reading goes on, so the user fixes a whole
//! file in one round. Unknown keys suggest the closest known one.

use crate::error::{line_column, Error};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::Path;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// How many problems one error report lists; the rest are counted.
pub const MAX_REPORTED: usize = 20;

/// A value and the byte span it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct At<T> {
    pub value: T,
    pub span: Range<usize>,
}

/// The problems found in one file, each at a byte offset of its text. Only the first
/// [`MAX_REPORTED`] by place are kept (the rest are counted), so a hostile file with
/// millions of mistakes holds no more memory than one with twenty.
#[derive(Debug, Default)]
pub struct Problems {
    first: BTreeSet<(usize, usize, String)>,
    more: usize,
}

impl Problems {
    pub fn add(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.add_with(span, || message.into());
    }

    /// Like [`Problems::add`], making the message only if it will be listed (suggesting a
    /// key costs an edit distance per known key; a million unknown keys need only twenty).
    pub fn add_with(&mut self, span: Range<usize>, message: impl FnOnce() -> String) {
        if self.first.len() >= MAX_REPORTED
            && self
                .first
                .last()
                .is_some_and(|l| (span.start, span.end) > (l.0, l.1))
        {
            self.more += 1;
            return;
        }
        let key = (span.start, span.end, message());
        if self.first.insert(key) && self.first.len() > MAX_REPORTED {
            self.first.pop_last();
            self.more += 1;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.first.is_empty()
    }

    /// How many problems were found so far, listed or not.
    pub fn count(&self) -> usize {
        self.first.len() + self.more
    }

    /// `Ok(value)` when nothing was found, else one error listing the problems sorted by
    /// place, with how many more there were. Line and column are worked out for the listed
    /// ones alone, in one pass over the text.
    pub fn finish<T>(self, file: &Path, text: &str, value: T) -> Result<T, Error> {
        if self.first.is_empty() {
            return Ok(value);
        }
        let mut errors = Vec::with_capacity(self.first.len());
        let mut counted = (0usize, 1usize, 1usize);
        for (start, _, message) in self.first {
            let (offset, line, column) = counted;
            let start = start.min(text.len());
            let (line, column) = match text.get(offset..start) {
                Some(between) => {
                    let (l, c) = line_column(between, between.len());
                    if l == 1 {
                        (line, column + c - 1)
                    } else {
                        (line + l - 1, c)
                    }
                }
                None => line_column(text, start),
            };
            counted = (start, line, column);
            errors.push(Error::Spec {
                file: file.to_path_buf(),
                line,
                column,
                message,
            });
        }
        Err(Error::several(errors, self.more))
    }
}

/// `the string "x"`, `a number`, … for messages about a value of the wrong type.
pub fn describe(v: &DeValue) -> String {
    match v {
        DeValue::String(s) if s.chars().count() <= 40 => format!("the string {:?}", s.as_ref()),
        DeValue::String(_) => "a string".into(),
        DeValue::Integer(i) => format!("the number {}", i.as_str()),
        DeValue::Float(f) => format!("the number {}", f.as_str()),
        DeValue::Boolean(b) => format!("{b}"),
        DeValue::Datetime(_) => "a date".into(),
        DeValue::Array(_) => "a list".into(),
        DeValue::Table(_) => "a table".into(),
    }
}

/// The number a TOML integer or float holds (integers beyond ±2^53 lose precision, as
/// every f64 does).
pub fn number(v: &DeValue) -> Option<f64> {
    match v {
        DeValue::Integer(i) => i128::from_str_radix(i.as_str(), i.radix())
            .ok()
            .map(|n| n as f64),
        DeValue::Float(f) => f.as_str().replace('_', "").parse().ok(),
        _ => None,
    }
}

/// The integer a TOML integer holds, when it fits an i64.
pub fn integer(v: &DeValue) -> Option<i64> {
    match v {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok(),
        _ => None,
    }
}

/// One TOML table being read: each key read is marked known, and [`Table::finish`]
/// reports the others as unknown.
pub struct Table<'a> {
    /// What the table is called in messages: `[[layer]]`, `[furniture]`, `the spec`.
    pub name: String,
    pub span: Range<usize>,
    entries: &'a DeTable<'a>,
    known: Vec<&'static str>,
}

impl<'a> Table<'a> {
    pub fn new(name: impl Into<String>, table: &'a Spanned<DeTable<'a>>) -> Self {
        Table {
            name: name.into(),
            span: table.span(),
            entries: table.get_ref(),
            known: Vec::new(),
        }
    }

    /// The table a value holds, or a problem saying what it holds instead.
    pub fn of(
        name: impl Into<String>,
        v: &'a Spanned<DeValue<'a>>,
        key: &str,
        p: &mut Problems,
    ) -> Option<Self> {
        match v.get_ref() {
            DeValue::Table(t) => Some(Table {
                name: name.into(),
                span: v.span(),
                entries: t,
                known: Vec::new(),
            }),
            other => {
                p.add(
                    v.span(),
                    format!(
                        "invalid type: `{key}` must be a table, got {}",
                        describe(other)
                    ),
                );
                None
            }
        }
    }

    /// The value of `key`, if present; marks `key` as one this table knows.
    pub fn get(&mut self, key: &'static str) -> Option<&'a Spanned<DeValue<'a>>> {
        self.known.push(key);
        self.entries.get(key)
    }

    /// Marks `key` as known without reading it (a key that is read elsewhere).
    pub fn know(&mut self, key: &'static str) {
        self.known.push(key);
    }

    /// The span of `key` itself (for messages about the key rather than its value).
    pub fn key_span(&self, key: &str) -> Option<Range<usize>> {
        self.entries.get_key_value(key).map(|(k, _)| k.span())
    }

    fn typed<T>(
        &mut self,
        key: &'static str,
        p: &mut Problems,
        expected: &str,
        read: impl FnOnce(&DeValue) -> Option<T>,
    ) -> Option<At<T>> {
        let v = self.get(key)?;
        match read(v.get_ref()) {
            Some(value) => Some(At {
                value,
                span: v.span(),
            }),
            None => {
                p.add(
                    v.span(),
                    format!(
                        "invalid type: `{key}` must be {expected}, got {}",
                        describe(v.get_ref())
                    ),
                );
                None
            }
        }
    }

    pub fn string(&mut self, key: &'static str, p: &mut Problems) -> Option<At<String>> {
        self.typed(key, p, "a string", |v| match v {
            DeValue::String(s) => Some(s.to_string()),
            _ => None,
        })
    }

    pub fn number(&mut self, key: &'static str, p: &mut Problems) -> Option<At<f64>> {
        self.typed(key, p, "a number", number)
    }

    pub fn boolean(&mut self, key: &'static str, p: &mut Problems) -> Option<bool> {
        self.typed(key, p, "true or false", |v| match v {
            DeValue::Boolean(b) => Some(*b),
            _ => None,
        })
        .map(|b| b.value)
    }

    /// A list of numbers, of exactly `len` items when `len` is given.
    pub fn numbers(
        &mut self,
        key: &'static str,
        len: Option<usize>,
        what: &str,
        p: &mut Problems,
    ) -> Option<At<Vec<f64>>> {
        self.typed(key, p, what, |v| match v {
            DeValue::Array(items) if len.is_none_or(|n| items.len() == n) => items
                .iter()
                .map(|i| number(i.get_ref()))
                .collect::<Option<Vec<f64>>>(),
            _ => None,
        })
    }

    /// A list of strings.
    pub fn strings(&mut self, key: &'static str, p: &mut Problems) -> Option<Vec<At<String>>> {
        let v = self.get(key)?;
        let DeValue::Array(items) = v.get_ref() else {
            p.add(
                v.span(),
                format!(
                    "invalid type: `{key}` must be a list of strings, got {}",
                    describe(v.get_ref())
                ),
            );
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        for i in items.iter() {
            match i.get_ref() {
                DeValue::String(s) => out.push(At {
                    value: s.to_string(),
                    span: i.span(),
                }),
                other => p.add(
                    i.span(),
                    format!(
                        "invalid type: `{key}` must be a list of strings, got {} in it",
                        describe(other)
                    ),
                ),
            }
        }
        Some(out)
    }

    /// An array of tables (`[[layer]]`), each item named `name` in messages.
    pub fn tables(&mut self, key: &'static str, name: &str, p: &mut Problems) -> Vec<Table<'a>> {
        let Some(v) = self.get(key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = v.get_ref() else {
            p.add(
                v.span(),
                format!(
                    "invalid type: `{key}` must be written as [[{key}]] tables, got {}",
                    describe(v.get_ref())
                ),
            );
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|i| Table::of(name, i, key, p))
            .collect()
    }

    /// Reports every key that no reader asked for, with the closest known key.
    pub fn finish(self, p: &mut Problems) {
        // A table knows a few dozen keys: a scan is cheaper than sorting them per table.
        for (k, _) in self.entries.iter() {
            if !self.known.contains(&k.get_ref().as_ref()) {
                p.add_with(k.span(), || {
                    unknown_key(k.get_ref(), &self.name, &self.known)
                });
            }
        }
    }
}

/// `unknown key `fil` in [[layer]]; did you mean `fill`?`, or the known keys when none is
/// close.
pub fn unknown_key(key: &str, table: &str, known: &[&str]) -> String {
    let shown: String = key.chars().take(60).collect();
    let head = format!("unknown key `{shown}` in {table}");
    match closest(key, known) {
        Some(k) => format!("{head}; did you mean `{k}`?"),
        None => {
            let list: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
            format!("{head} (known keys: {})", list.join(", "))
        }
    }
}

/// The known key most like `key`: fewest edits, allowing about one in three characters
/// wrong; failing that one that contains it or is contained in it (`color` for
/// `label_color`).
pub fn closest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    let key_l = key.to_ascii_lowercase();
    if key_l.chars().count() > 64 {
        return None;
    }
    let budget = (key_l.chars().count() / 3).max(1);
    let by_edits = known
        .iter()
        .map(|k| (edit_distance(&key_l, k), *k))
        .filter(|(d, _)| *d <= budget)
        .min();
    if let Some((_, k)) = by_edits {
        return Some(k);
    }
    if key_l.len() < 3 {
        return None;
    }
    known
        .iter()
        .copied()
        .filter(|k| k.contains(key_l.as_str()) || key_l.contains(*k))
        .min_by_key(|k| k.len().abs_diff(key_l.len()))
}

/// Levenshtein distance with adjacent swaps counted as one edit (both strings short).
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut before = vec![0usize; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            cur[j] = best;
        }
        before = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

/// Parses TOML text, recording every syntax error; `None` when there was any (a tree
/// recovered around a syntax error would only add confusing follow-up problems).
pub fn parse<'i>(text: &'i str, p: &mut Problems) -> Option<Spanned<DeTable<'i>>> {
    let (doc, errors) = DeTable::parse_recoverable(text);
    if errors.is_empty() {
        return Some(doc);
    }
    // The parser's recovery can report several follow-ups of one mistake on a line (an
    // unclosed array swallows the lines after it); the first error of each line is the one
    // to fix.
    let mut by_offset = BTreeMap::new();
    for e in errors {
        let span = e.span().unwrap_or(0..0);
        by_offset
            .entry(span.start)
            .or_insert_with(|| (span, e.message().trim().to_string()));
    }
    let (mut scanned, mut line, mut last_line) = (0usize, 0usize, None);
    for (start, (span, message)) in by_offset {
        let start = start.min(text.len());
        line += text
            .as_bytes()
            .get(scanned..start)
            .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
        scanned = scanned.max(start);
        if last_line != Some(line) {
            p.add(span, message);
            last_line = Some(line);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_keys_are_suggested() {
        let known = ["fill", "stroke", "stroke_width", "label_color", "opacity"];
        assert_eq!(closest("fil", &known), Some("fill"));
        assert_eq!(closest("strokewidth", &known), Some("stroke_width"));
        assert_eq!(closest("opactiy", &known), Some("opacity"));
        assert_eq!(closest("color", &known), Some("label_color"));
        assert_eq!(closest("banana", &known), None);
    }

    #[test]
    fn problems_are_sorted_and_capped_with_lines_and_columns() {
        let text = "a\nbb\nccc\n".repeat(20);
        let mut p = Problems::default();
        for i in (0..text.len()).rev().step_by(2) {
            p.add(i..i + 1, format!("at {i}"));
        }
        let total = text.len().div_ceil(2);
        let e = p.finish(Path::new("x.toml"), &text, ()).unwrap_err();
        let Error::Several { errors, more } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(errors.len(), MAX_REPORTED);
        assert_eq!(*more, total - MAX_REPORTED);
        let mut last = (0, 0);
        for (k, err) in errors.iter().enumerate() {
            let Error::Spec {
                line,
                column,
                message,
                ..
            } = err
            else {
                panic!("{err:?}")
            };
            let offset: usize = message[3..].parse().unwrap();
            assert_eq!((*line, *column), line_column(&text, offset), "error {k}");
            assert!((*line, *column) > last);
            last = (*line, *column);
        }
    }
}
