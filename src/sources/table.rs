//! Tables of attributes for joins: CSV or TSV (read as [`super::csv`] reads a table, here
//! always without points, whatever the columns are called) and JSON arrays of records
//! (`[{"id": "1001", "rate": 0.097}, ...]`, as vega-datasets ships its tables). The format
//! is told by content: a table starting with `[` is JSON.

use super::csv::read_attribute_rows;
use super::properties::Properties;
use super::topojson::check_depth;
use crate::error::{Error, Result};
use serde_json::value::RawValue;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A join table: its rows' values, in file order.
#[derive(Debug)]
pub struct Table {
    pub path: PathBuf,
    /// `"CSV"`, `"TSV"` or `"JSON"`.
    pub format: &'static str,
    /// The header of a CSV or TSV table.
    header: Option<Arc<[String]>>,
    pub rows: Vec<Properties>,
}

impl Table {
    /// The table's column names: a CSV's header, or every member name of a JSON table's
    /// records in order of first appearance.
    pub fn columns(&self) -> Vec<String> {
        if let Some(h) = &self.header {
            return h.to_vec();
        }
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for row in &self.rows {
            for (name, _) in row.members() {
                if seen.insert(name.to_string()) {
                    out.push(name.into_owned());
                }
            }
        }
        out
    }

    /// What one row is called in messages.
    pub fn row_noun(&self) -> &'static str {
        if self.format == "JSON" {
            "record"
        } else {
            "row"
        }
    }
}

/// Reads a join table from its bytes; `path` names the file in errors.
pub fn read_table(bytes: &[u8], path: &Path) -> Result<Table> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[') => read_records(body, path),
        Some(b'{') => Err(Error::data(
            path,
            "",
            "a JSON object: a join table in JSON is an array of records, [{\"id\": \"1001\", \"rate\": 0.097}, ...]",
        )),
        _ => {
            let rows = read_attribute_rows(bytes, path)?;
            Ok(Table {
                path: path.to_path_buf(),
                format: rows.format,
                header: Some(rows.columns),
                rows: rows.features.into_iter().map(|f| f.properties).collect(),
            })
        }
    }
}

/// A JSON array of records, each an object (its members kept as the file writes them).
fn read_records(bytes: &[u8], path: &Path) -> Result<Table> {
    // serde skips a record's members without counting their depth: count it first.
    check_depth(bytes, path)?;
    let records: Vec<&RawValue> = serde_json::from_slice(bytes).map_err(|e| {
        Error::data(
            path,
            format!("{}:{}", e.line(), e.column()),
            format!("not a JSON array of records ({e})"),
        )
    })?;
    let rows = records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            if r.get().starts_with('{') {
                Ok(Properties::from_json_object(r))
            } else {
                Err(Error::data(
                    path,
                    format!("record {}", i + 1),
                    format!(
                        "a join table's records are objects such as {{\"id\": \"1001\", \"rate\": 0.097}}, got {}",
                        r.get().chars().take(40).collect::<String>()
                    ),
                ))
            }
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Table {
        path: path.to_path_buf(),
        format: "JSON",
        header: None,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::Value;

    #[test]
    fn json_records_keep_numbers_as_written() {
        let t = read_table(
            br#" [{"id": "01001", "rate": 0.0970}, {"id": 1003, "rate": null, "x": 1}]"#,
            Path::new("t.json"),
        )
        .unwrap();
        assert_eq!(t.format, "JSON");
        assert_eq!(t.rows.len(), 2);
        assert_eq!(
            t.rows[0].value("rate"),
            Some(Value::Number("0.0970".into()))
        );
        assert_eq!(t.rows[1].value("id"), Some(Value::Number("1003".into())));
        assert_eq!(t.columns(), ["id", "rate", "x"]);
        assert_eq!(t.row_noun(), "record");
    }

    #[test]
    fn tables_read_as_rows_whatever_their_columns() {
        // "y" would make a CSV layer a half pair of coordinates; a join table has none.
        let t = read_table(b"\xEF\xBB\xBFid\ty\n1001\t2008\n", Path::new("t.txt")).unwrap();
        assert_eq!(t.format, "TSV");
        assert_eq!(t.columns(), ["id", "y"]);
        assert_eq!(t.rows[0].value("y"), Some(Value::Number("2008".into())));
    }

    #[test]
    fn wrong_json_is_a_clear_error() {
        let e = read_table(b"{\"a\": 1}", Path::new("t.json")).unwrap_err();
        assert!(e.to_string().contains("array of records"), "{e}");
        let e = read_table(b"[{\"a\": 1}, 5]", Path::new("t.json")).unwrap_err();
        assert!(e.to_string().starts_with("t.json: record 2: "), "{e}");
        let e = read_table(b"[{\"a\": 1},", Path::new("t.json")).unwrap_err();
        assert!(e.to_string().starts_with("t.json: 1:10: "), "{e}");
        assert_eq!(e.exit_code(), 1);
    }
}
