//! A layer's `join`: the table (CSV, TSV or a JSON array of records) whose columns become
//! the properties of the layer's features, row to feature by key. The join itself is
//! `crate::sources::join`'s; here it is only read.

use super::reader::{At, Table};
use super::validate::Validator;
use std::path::PathBuf;

/// `join = { data = "unemployment.tsv", key = "id", on = "id", pad = 5, strict = true }`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Join {
    /// The table, relative to the spec.
    pub data: PathBuf,
    /// The table's column holding the keys.
    pub key: String,
    /// The feature property that holds the key, or `id` for the feature id (the format's
    /// id); `key` when the spec does not say.
    pub on: String,
    /// Keys that are whole numbers of fewer digits get leading zeros up to this many
    /// digits, on both sides (`pad = 5`: `1001` → `01001`).
    pub pad: Option<usize>,
    /// A feature without a row fails the render.
    pub strict: bool,
}

/// The most digits `pad` may ask for (longer keys are left as they are anyway).
pub(super) const MAX_PAD: f64 = 64.0;

impl Validator<'_> {
    /// The layer's `join` table, if it has one.
    pub(super) fn join(&mut self, l: &mut Table) -> Option<Join> {
        let v = l.get("join")?;
        let mut t = Table::of("`join`", v, "join", &mut self.problems)?;
        let data = match t.string("data", &mut self.problems) {
            Some(d) => self.join_path(&d),
            None => {
                if t.key_span("data").is_none() {
                    self.problem(
                        t.span.clone(),
                        "join needs `data = \"table.csv\"` (a CSV, TSV or JSON table)",
                    );
                }
                None
            }
        };
        let key = self.join_name(&mut t, "key");
        if key.is_none() && t.key_span("key").is_none() {
            self.problem(
                t.span.clone(),
                "join needs `key = \"column\"`: the table's column holding the keys",
            );
        }
        let on = self.join_name(&mut t, "on");
        let pad = match t.number("pad", &mut self.problems) {
            Some(p) if p.value.fract() == 0.0 && (1.0..=MAX_PAD).contains(&p.value) => {
                Some(p.value as usize)
            }
            Some(p) => {
                self.problem(
                    p.span,
                    format!(
                        "join.pad must be a whole number of digits from 1 to {MAX_PAD}, got {}",
                        p.value
                    ),
                );
                None
            }
            None => None,
        };
        let strict = t.boolean("strict", &mut self.problems).unwrap_or(false);
        t.finish(&mut self.problems);
        let (data, key) = (data?, key?);
        Some(Join {
            data,
            on: on.unwrap_or_else(|| key.clone()),
            key,
            pad,
            strict,
        })
    }

    /// A column or property name: not empty.
    fn join_name(&mut self, t: &mut Table, name: &'static str) -> Option<String> {
        let v = t.string(name, &mut self.problems)?;
        if v.value.is_empty() {
            self.problem(v.span, format!("join.{name} must name a column, got \"\""));
            return None;
        }
        Some(v.value)
    }

    /// The table's path, relative to the spec.
    fn join_path(&mut self, v: &At<String>) -> Option<PathBuf> {
        let p = v.value.trim();
        if p.is_empty() {
            self.problem(v.span.clone(), "join.data path is empty");
            return None;
        }
        Some(
            self.path
                .parent()
                .unwrap_or(std::path::Path::new(""))
                .join(p),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn join(text: &str) -> Result<Option<Join>, String> {
        let spec = format!("[[layer]]\nid = \"p\"\nsource = \"a.json\"\njoin = {text}\n");
        crate::spec::parse(&spec, Path::new("maps/m.toml"))
            .map(|s| s.layers[0].join.clone())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn a_join_reads_with_its_defaults() {
        let j = join(r#"{ data = "../data/unemployment.tsv", key = "id", pad = 5 }"#)
            .unwrap()
            .unwrap();
        assert_eq!(
            j,
            Join {
                data: Path::new("maps/../data/unemployment.tsv").to_path_buf(),
                key: "id".into(),
                on: "id".into(),
                pad: Some(5),
                strict: false,
            }
        );
        let j = join(r#"{ data = "t.csv", key = "fips", on = "GEOID", strict = true }"#)
            .unwrap()
            .unwrap();
        assert_eq!((j.on.as_str(), j.pad, j.strict), ("GEOID", None, true));
    }

    #[test]
    fn wrong_joins_are_spec_errors() {
        let e = join(r#"{ key = "id" }"#).unwrap_err();
        assert!(e.contains("join needs `data"), "{e}");
        let e = join(r#"{ data = "t.csv" }"#).unwrap_err();
        assert!(e.contains("join needs `key"), "{e}");
        let e = join(r#"{ data = "t.csv", key = "id", pad = 2.5 }"#).unwrap_err();
        assert!(e.contains("join.pad must be a whole number"), "{e}");
        let e = join(r#"{ data = "t.csv", key = "id", padd = 5 }"#).unwrap_err();
        assert!(e.contains("did you mean `pad`?"), "{e}");
        let e = join(r#""t.csv""#).unwrap_err();
        assert!(e.contains("`join` must be a table"), "{e}");
        let e = join(r#"{ data = "t.csv", key = "" }"#).unwrap_err();
        assert!(e.contains("join.key must name a column"), "{e}");
    }
}
