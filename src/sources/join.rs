//! Attribute joins: a table's rows matched to a layer's features by key, the row's columns
//! becoming the feature's properties, with a report of what matched.
//!
//! Keys are compared as text after two steps ([`join_key`]): a key that looks like a
//! number (an optional `-`, digits — leading zeros allowed —, an optional fraction and
//! exponent) is written as its value (`"01001"`, `1001`, `1001.0` and `"1.001e3"` are all
//! `1001`); then, with `pad = n`, a whole non-negative number of fewer than `n` digits gets
//! leading zeros up to `n` (`1001` → `01001`). Other keys are compared as written (case
//! matters). Both sides get the same steps, so a county id `"01001"` meets a table's
//! `1001` with or without `pad`: since numbers already meet by value, `pad` changes no
//! match; it makes the report show keys as the features write them (`02201`, not `2201`).
//!
//! Where a feature already has a property of a table column's name, the feature's value
//! is kept (as mapshaper's `-join` does without `force`) and the report names the column;
//! the key column itself is not copied.

use super::dataset::{Dataset, Feature};
use super::exact::Decimal;
use super::properties::Properties;
use super::table::Table;
use super::value::Value;
use crate::error::{Error, Result};
use crate::spec::Join;
use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::path::PathBuf;

/// How many keys of each unmatched kind a report lists.
pub const LISTED_KEYS: usize = 10;

/// What a layer's join matched.
#[derive(Debug, Clone, PartialEq)]
pub struct JoinReport {
    pub layer: String,
    pub data: PathBuf,
    pub key: String,
    pub on: String,
    pub pad: Option<usize>,
    /// Rows in the table.
    pub rows: usize,
    /// Features of the layer's collection (before `where`).
    pub features: usize,
    /// Features that found their row.
    pub matched: usize,
    pub features_without_row: usize,
    pub rows_without_feature: usize,
    /// The keys of the first [`LISTED_KEYS`] features without a row, in file order, as
    /// the features write them (`(feature 7: no "fips")` for a feature without a key).
    pub first_features_without_row: Vec<String>,
    /// The keys of the first [`LISTED_KEYS`] rows without a feature, in table order.
    pub first_rows_without_feature: Vec<String>,
    /// Table columns the features have already: their own values are kept.
    pub kept_feature_properties: Vec<String>,
}

impl JoinReport {
    /// The report as a few lines of text, for stderr.
    pub fn to_text(&self) -> String {
        let pad = self.pad.map_or(String::new(), |p| format!(", pad {p}"));
        let mut out = format!(
            "layer {:?} joined to {} (key {:?}, on {:?}{pad}): {} table rows, {} features, {} matched",
            self.layer,
            self.data.display(),
            self.key,
            self.on,
            self.rows,
            self.features,
            self.matched
        );
        let mut list = |n: usize, what: &str, keys: &[String]| {
            if n > 0 {
                let more = if n > keys.len() {
                    format!(" (first {} of {n})", keys.len())
                } else {
                    String::new()
                };
                out.push_str(&format!("\n  {n} {what}: {}{more}", keys.join(", ")));
            }
        };
        list(
            self.features_without_row,
            "features without a row",
            &self.first_features_without_row,
        );
        list(
            self.rows_without_feature,
            "rows without a feature",
            &self.first_rows_without_feature,
        );
        if !self.kept_feature_properties.is_empty() {
            out.push_str(&format!(
                "\n  columns the features have already (their values kept): {}",
                self.kept_feature_properties.join(", ")
            ));
        }
        out
    }

    /// The report as JSON, for `--report`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "layer": self.layer,
            "data": self.data.display().to_string(),
            "key": self.key,
            "on": self.on,
            "pad": self.pad,
            "table_rows": self.rows,
            "features": self.features,
            "matched": self.matched,
            "features_without_row": self.features_without_row,
            "rows_without_feature": self.rows_without_feature,
            "first_features_without_row": self.first_features_without_row,
            "first_rows_without_feature": self.first_rows_without_feature,
            "kept_feature_properties": self.kept_feature_properties,
        })
    }
}

/// A key as it is compared: see the module's documentation.
///
/// ```
/// use mapfig::sources::join::join_key;
/// assert_eq!(join_key("01001", None), "1001");
/// assert_eq!(join_key("1001.0", None), "1001");
/// assert_eq!(join_key("1001", Some(5)), "01001");
/// assert_eq!(join_key("01001", Some(5)), "01001");
/// assert_eq!(join_key("AF-KDZ", Some(5)), "AF-KDZ");
/// ```
pub fn join_key(text: &str, pad: Option<usize>) -> String {
    let text = text.trim();
    let Some(value) = numeric(text) else {
        return text.to_string();
    };
    let canonical = value.canonical();
    match pad {
        Some(width) if canonical.len() < width && canonical.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{canonical:0>width$}")
        }
        _ => canonical,
    }
}

/// A key as the report shows it: as written, with the zeros of `pad` when it is a whole
/// number of fewer digits (`2201` → `02201`, the way the features write it).
fn shown_key(text: String, pad: Option<usize>) -> String {
    match pad {
        Some(width) if text.len() < width && text.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{text:0>width$}")
        }
        _ => text,
    }
}

/// The value of a key that looks like a number: JSON's number grammar, leading zeros
/// allowed.
fn numeric(text: &str) -> Option<Decimal> {
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let zeros = unsigned.bytes().take_while(|&b| b == b'0').count();
    let rest = unsigned.get(zeros..)?;
    let trimmed = if zeros > 0 && !rest.starts_with(|c: char| c.is_ascii_digit()) {
        // Keep one zero before a point or the end: "00.5" is 0.5, "000" is 0.
        unsigned.get(zeros - 1..)?
    } else {
        rest
    };
    Decimal::parse(&format!("{sign}{trimmed}"))
}

/// A property value as a key's text: `None` for null, arrays and objects.
fn value_text(v: Value) -> Option<String> {
    match v {
        Value::Text(s) | Value::Number(s) => Some(s),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null | Value::Json(_) => None,
    }
}

/// The rows of `table` by key: an error naming both rows when two have one key. Rows
/// without a key are left out (the caller counts them as rows without a feature).
fn index_rows(table: &Table, j: &Join) -> Result<HashMap<String, usize>> {
    let mut index: HashMap<String, usize> = HashMap::with_capacity(table.rows.len());
    for (i, row) in table.rows.iter().enumerate() {
        let Some(text) = row.value(&j.key).and_then(value_text) else {
            continue;
        };
        let key = join_key(&text, j.pad);
        if let Some(first) = index.insert(key, i) {
            let noun = table.row_noun();
            let first_text = table
                .rows
                .get(first)
                .and_then(|r| r.value(&j.key))
                .and_then(value_text)
                .unwrap_or_default();
            let holds = if first_text == text {
                format!("holds {text:?} in both")
            } else {
                format!("holds {first_text:?} and {text:?}, the same key")
            };
            return Err(Error::data(
                &table.path,
                format!("{noun}s {} and {}", first + 1, i + 1),
                format!(
                    "column {:?} {holds} ({noun} 1 is the first {}): a join table needs one {noun} per key",
                    j.key,
                    if noun == "row" { "under the header" } else { "of the array" }
                ),
            ));
        }
    }
    Ok(index)
}

/// The features of `data[range]` with the rows of `table` joined as `j` says, for layer
/// `layer`; with `strict`, a feature without a row is an error. The joined dataset has
/// `data`'s objects, topology and feature indices (features outside `range` are left
/// empty), so it stands in for `data` in the layer.
pub fn join(
    data: &Dataset,
    range: Range<usize>,
    table: &Table,
    j: &Join,
    layer: &str,
    strict: bool,
) -> Result<(Dataset, JoinReport)> {
    let features = data.features.get(range.clone()).unwrap_or_default();
    check_names(data, features, table, j, layer)?;
    let index = index_rows(table, j)?;
    let mut used = vec![false; table.rows.len()];
    let mut kept = BTreeSet::new();
    let mut report = JoinReport {
        layer: layer.to_string(),
        data: j.data.clone(),
        key: j.key.clone(),
        on: j.on.clone(),
        pad: j.pad,
        rows: table.rows.len(),
        features: features.len(),
        matched: 0,
        features_without_row: 0,
        rows_without_feature: 0,
        first_features_without_row: Vec::new(),
        first_rows_without_feature: Vec::new(),
        kept_feature_properties: Vec::new(),
    };
    let mut joined = Vec::with_capacity(data.features.len());
    joined.resize_with(range.start.min(data.features.len()), placeholder);
    for f in features {
        let text = if j.on == "id" {
            Some(f.id.clone())
        } else {
            f.properties.value(&j.on).and_then(value_text)
        };
        let row = text
            .as_deref()
            .and_then(|t| index.get(&join_key(t, j.pad)))
            .and_then(|&r| Some((r, table.rows.get(r)?)));
        match row {
            Some((r, row)) => {
                report.matched += 1;
                if let Some(u) = used.get_mut(r) {
                    *u = true;
                }
                joined.push(Feature {
                    id: f.id.clone(),
                    properties: merge(&f.properties, row, &j.key, &mut kept),
                    geometry: f.geometry.clone(),
                });
            }
            None => {
                report.features_without_row += 1;
                if report.first_features_without_row.len() < LISTED_KEYS {
                    report.first_features_without_row.push(match text {
                        Some(t) => shown_key(t, j.pad),
                        None => format!("(feature {}: no {:?})", f.id, j.on),
                    });
                }
                joined.push(f.clone());
            }
        }
    }
    joined.resize_with(data.features.len(), placeholder);
    for (r, row) in table.rows.iter().enumerate() {
        if used.get(r).copied().unwrap_or(true) {
            continue;
        }
        report.rows_without_feature += 1;
        if report.first_rows_without_feature.len() < LISTED_KEYS {
            let key = row.value(&j.key).and_then(value_text);
            report.first_rows_without_feature.push(match key {
                Some(k) => shown_key(k, j.pad),
                None => format!("({} {}: no {:?})", table.row_noun(), r + 1, j.key),
            });
        }
    }
    report.kept_feature_properties = kept.into_iter().collect();
    if strict && report.features_without_row > 0 {
        return Err(Error::data(
            &j.data,
            "",
            format!(
                "layer {layer:?} (strict): {} of its {} features in {} have no {}: {}{}; add their {}s or drop `strict`",
                report.features_without_row,
                report.features,
                data.path.display(),
                table.row_noun(),
                report.first_features_without_row.join(", "),
                if report.features_without_row > LISTED_KEYS { ", ..." } else { "" },
                table.row_noun(),
            ),
        ));
    }
    let out = Dataset {
        path: data.path.clone(),
        format: data.format,
        crs: data.crs.clone(),
        objects: data.objects.clone(),
        features: joined,
        topology: data.topology.clone(),
    };
    Ok((out, report))
}

/// A feature outside the joined collection: nothing (the layer never draws it).
fn placeholder() -> Feature {
    Feature {
        id: String::new(),
        properties: Properties::default(),
        geometry: None,
    }
}

/// A feature's properties with a row's columns added: the feature's own value wins a
/// clash (the column's name is added to `kept`); the key column is left out.
fn merge(
    feature: &Properties,
    row: &Properties,
    key: &str,
    kept: &mut BTreeSet<String>,
) -> Properties {
    let mut values: Vec<(String, Value)> = feature
        .members()
        .into_iter()
        .map(|(k, v)| (k.into_owned(), v))
        .collect();
    let own = values.len();
    for (name, value) in row.members() {
        if name == key {
            continue;
        }
        if values
            .get(..own)
            .unwrap_or_default()
            .iter()
            .any(|(k, _)| *k == name)
        {
            kept.insert(name.into_owned());
        } else {
            values.push((name.into_owned(), value));
        }
    }
    Properties::from_values(values)
}

/// An error when the table has no column `j.key`, or no feature has the property `j.on`
/// (both are spec mistakes: exit 2), listing what there is.
fn check_names(
    data: &Dataset,
    features: &[Feature],
    table: &Table,
    j: &Join,
    layer: &str,
) -> Result<()> {
    let quoted = |names: Vec<String>| {
        let n = names.len();
        let mut shown: Vec<String> = names
            .into_iter()
            .take(30)
            .map(|c| format!("{c:?}"))
            .collect();
        if n > 30 {
            shown.push(format!("and {} more", n - 30));
        }
        shown.join(", ")
    };
    let has_key = table.rows.iter().any(|r| r.value(&j.key).is_some());
    if !has_key && !table.rows.is_empty() {
        return Err(Error::Usage(format!(
            "layer {layer:?}: join.key = {:?} names no column of {}; its columns are {}",
            j.key,
            table.path.display(),
            quoted(table.columns())
        )));
    }
    let has_on = j.on == "id" || features.iter().any(|f| f.properties.value(&j.on).is_some());
    if !has_on && !features.is_empty() {
        let names = features
            .first()
            .map(|f| {
                f.properties
                    .members()
                    .into_iter()
                    .map(|(k, _)| k.into_owned())
                    .collect()
            })
            .unwrap_or_default();
        return Err(Error::Usage(format!(
            "layer {layer:?}: join.on = {:?} names no property of the features of {} (`on = \"id\"` takes the feature id); the first feature's properties are {}",
            j.on,
            data.path.display(),
            quoted(names)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::table::read_table;
    use std::path::Path;

    fn spec_join(key: &str, on: &str, pad: Option<usize>) -> Join {
        Join {
            data: "t.csv".into(),
            key: key.into(),
            on: on.into(),
            pad,
            strict: false,
        }
    }

    fn features(json: &str) -> Dataset {
        crate::sources::parse(json.as_bytes(), Path::new("f.geojson")).unwrap()
    }

    const FEATURES: &str = r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","id":"01001","properties":{"name":"Autauga","rate":"own"},"geometry":null},
        {"type":"Feature","id":"01003","properties":{"name":"Baldwin"},"geometry":null},
        {"type":"Feature","id":"02105","properties":{"name":"Hoonah"},"geometry":null}]}"#;

    #[test]
    fn keys_compare_as_numbers_and_padded_text() {
        for (a, b) in [
            ("01001", "1001"),
            ("1001.0", "1001"),
            ("1.001e3", "01001"),
            ("-0", "0"),
            ("00.50", "5e-1"),
        ] {
            assert_eq!(join_key(a, None), join_key(b, None), "{a} {b}");
        }
        assert_eq!(join_key("00.50", None), "5e-1");
        assert_eq!(join_key(" 1001 ", Some(5)), "01001");
        assert_eq!(join_key("123456", Some(5)), "123456");
        assert_eq!(join_key("-12", Some(5)), "-12");
        assert_eq!(join_key("1.5", Some(5)), "15e-1");
        assert_ne!(join_key("A1", None), join_key("a1", None));
        assert_eq!(join_key("1e400", Some(5)), "1e400");
    }

    #[test]
    fn rows_join_by_padded_key_and_the_feature_keeps_its_own_values() {
        let data = features(FEATURES);
        let table = read_table(
            b"id\trate\tname\n1001\t.097\tx\n1003\t.091\tx\n2201\t.1\tx\n",
            Path::new("t.tsv"),
        )
        .unwrap();
        let (joined, report) = join(
            &data,
            0..3,
            &table,
            &spec_join("id", "id", Some(5)),
            "c",
            false,
        )
        .unwrap();
        assert_eq!(report.matched, 2);
        assert_eq!(report.first_features_without_row, ["02105"]);
        assert_eq!(report.first_rows_without_feature, ["02201"]);
        assert_eq!(report.kept_feature_properties, ["name", "rate"]);
        let f = &joined.features[1];
        assert_eq!(
            f.properties.value("rate"),
            Some(Value::Number("0.091".into()))
        );
        assert_eq!(
            f.properties.value("name"),
            Some(Value::Text("Baldwin".into()))
        );
        assert_eq!(
            f.properties.value("id"),
            None,
            "the key column is not copied"
        );
        assert_eq!(
            joined.features[0].properties.value("rate"),
            Some(Value::Text("own".into()))
        );
        let e = join(
            &data,
            0..3,
            &table,
            &spec_join("id", "id", Some(5)),
            "c",
            true,
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("1 of its 3 features") && e.to_string().contains("02105"),
            "{e}"
        );
    }

    #[test]
    fn duplicate_keys_name_both_rows() {
        let data = features(FEATURES);
        let table = read_table(b"id,rate\n1001,1\n1003,2\n01001,3\n", Path::new("t.csv")).unwrap();
        let e = join(
            &data,
            0..3,
            &table,
            &spec_join("id", "id", None),
            "c",
            false,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.csv: rows 1 and 3: column \"id\" holds \"1001\" and \"01001\", the same key (row 1 is the first under the header): a join table needs one row per key"
        );
        assert_eq!(e.exit_code(), 1);
    }

    #[test]
    fn a_wrong_key_or_on_lists_what_there_is() {
        let data = features(FEATURES);
        let table = read_table(b"fips,rate\n1001,1\n", Path::new("t.csv")).unwrap();
        let e = join(
            &data,
            0..3,
            &table,
            &spec_join("id", "id", None),
            "c",
            false,
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("its columns are \"fips\", \"rate\""),
            "{e}"
        );
        assert_eq!(e.exit_code(), 2);
        let e = join(
            &data,
            0..3,
            &table,
            &spec_join("fips", "geoid", None),
            "c",
            false,
        )
        .unwrap_err();
        assert!(e.to_string().contains("\"name\", \"rate\""), "{e}");
    }
}
