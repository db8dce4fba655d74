//! A feature's properties, as small as they can be held: JSON readers keep the raw text of
//! the properties object and read one member when asked (many renders never ask), other
//! readers keep a list of [`Value`]s. Either way a member reads back exactly as written.

use super::value::Value;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::sync::Arc;

/// A feature's properties. Empty or absent properties take no memory beyond one pointer
/// (files of millions of bare features).
#[derive(Debug, Clone, Default)]
pub struct Properties(Option<Box<Stored>>);

#[derive(Debug, Clone)]
enum Stored {
    /// The properties object as the file writes it.
    Json(Box<RawValue>),
    /// Named values, in the order read.
    Values(Vec<(String, Value)>),
    /// A table row: its cells' text back to back, where each cell ends, and the column
    /// names every row of the table shares. Values are made from the text when asked
    /// ([`Value::from_cell`]), so a row of a big CSV is two allocations, not two per cell.
    Row {
        columns: Arc<[String]>,
        text: Box<str>,
        ends: Box<[u32]>,
    },
    /// A row kept as its format stores it (a Shapefile's `.dbf` record), decoded member by
    /// member when asked: a file of many narrow columns would take many times its size as
    /// named values.
    Lazy(Arc<dyn Row>),
}

/// A row of a table format kept undecoded (see [`Properties::from_lazy_row`]).
pub trait Row: std::fmt::Debug + Send + Sync {
    /// The value of column `key` (the first of that name), if there is one.
    fn value(&self, key: &str) -> Option<Value>;
    /// Every column's name and value, in the table's order (the first of a repeated name).
    fn members(&self) -> Vec<(String, Value)>;
}

impl Properties {
    /// Properties from a JSON object.
    pub fn from_object(map: serde_json::Map<String, serde_json::Value>) -> Self {
        Properties::from_values(
            map.iter()
                .map(|(k, v)| (k.clone(), Value::from_serde(v)))
                .collect(),
        )
    }

    /// Properties from named values (the first of a repeated name wins).
    pub fn from_values(values: Vec<(String, Value)>) -> Self {
        if values.is_empty() {
            return Properties(None);
        }
        Properties(Some(Box::new(Stored::Values(values))))
    }

    /// A table row: `text` holds its cells back to back, cell `i` ending at `ends[i]`,
    /// named by `columns[i]`. Cells past either list are left out.
    pub fn from_row(columns: Arc<[String]>, text: String, ends: Vec<u32>) -> Self {
        if columns.is_empty() || ends.is_empty() {
            return Properties(None);
        }
        Properties(Some(Box::new(Stored::Row {
            columns,
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        })))
    }

    /// Properties read from a stored row when asked for.
    pub fn from_lazy_row(row: Arc<dyn Row>) -> Self {
        Properties(Some(Box::new(Stored::Lazy(row))))
    }

    /// Every member, in the order the file writes them (the first of a repeated name).
    pub fn members(&self) -> Vec<(Cow<'_, str>, Value)> {
        match self.0.as_deref() {
            None => Vec::new(),
            Some(Stored::Json(raw)) => {
                let mut de = serde_json::Deserializer::from_str(raw.get());
                let all =
                    serde::Deserializer::deserialize_any(&mut de, AllMembers).unwrap_or_default();
                let mut seen = std::collections::HashSet::new();
                all.into_iter()
                    .filter(|(k, _)| seen.insert(k.clone()))
                    .map(|(k, v)| (k, Value::from_json(v.get().trim())))
                    .collect()
            }
            Some(Stored::Values(values)) => {
                let mut seen = std::collections::HashSet::new();
                values
                    .iter()
                    .filter(|(k, _)| seen.insert(k.as_str()))
                    .map(|(k, v)| (Cow::Borrowed(k.as_str()), v.clone()))
                    .collect()
            }
            Some(Stored::Row { columns, .. }) => {
                let mut seen = std::collections::HashSet::new();
                (0..columns.len())
                    .filter_map(|i| {
                        let name = columns.get(i)?;
                        seen.insert(name.as_str()).then_some(())?;
                        Some((
                            Cow::Borrowed(name.as_str()),
                            Value::from_cell(self.cell(i)?),
                        ))
                    })
                    .collect()
            }
            Some(Stored::Lazy(row)) => row
                .members()
                .into_iter()
                .map(|(k, v)| (Cow::Owned(k), v))
                .collect(),
        }
    }

    /// Cell `i` of a table row.
    fn cell(&self, i: usize) -> Option<&str> {
        let Some(Stored::Row { text, ends, .. }) = self.0.as_deref() else {
            return None;
        };
        let start = match i.checked_sub(1) {
            None => 0,
            Some(p) => *ends.get(p)? as usize,
        };
        text.get(start..*ends.get(i)? as usize)
    }

    /// The cell of the first column named `key`.
    fn row_value(&self, key: &str) -> Option<Value> {
        let Some(Stored::Row { columns, .. }) = self.0.as_deref() else {
            return None;
        };
        let i = columns.iter().position(|c| c == key)?;
        self.cell(i).map(Value::from_cell)
    }

    /// Keeps the raw text of a JSON properties object; `{}` is kept as nothing.
    pub(crate) fn from_json_object(raw: &RawValue) -> Self {
        let inner = raw.get().trim_start_matches('{').trim_end_matches('}');
        if inner.trim().is_empty() {
            return Properties(None);
        }
        Properties(Some(Box::new(Stored::Json(raw.to_owned()))))
    }

    /// One member, read without building the others.
    pub fn value(&self, key: &str) -> Option<Value> {
        match self.0.as_deref()? {
            Stored::Json(_) => self.member_json(key).map(|t| Value::from_json(t.trim())),
            Stored::Values(values) => values
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone()),
            Stored::Row { .. } => self.row_value(key),
            Stored::Lazy(row) => row.value(key),
        }
    }

    /// One member as JSON text: for JSON input, the text the file holds (numbers keep
    /// every digit as written).
    pub fn member_json(&self, key: &str) -> Option<Cow<'_, str>> {
        match self.0.as_deref()? {
            Stored::Json(raw) => {
                let mut de = serde_json::Deserializer::from_str(raw.get());
                serde::Deserializer::deserialize_any(&mut de, Member(key))
                    .ok()
                    .flatten()
                    .map(|v| v.get().into())
            }
            Stored::Values(values) => values
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.to_json()),
            Stored::Row { .. } => self
                .row_value(key)
                .map(|v| Cow::Owned(v.to_json().into_owned())),
            Stored::Lazy(row) => row.value(key).map(|v| Cow::Owned(v.to_json().into_owned())),
        }
    }
}

/// Finds one key in a JSON object, skipping the other values without building them, and
/// returns its value's raw text.
struct Member<'a>(&'a str);

impl<'de> serde::de::Visitor<'de> for Member<'_> {
    type Value = Option<&'de RawValue>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(k) = map.next_key::<Cow<'de, str>>()? {
            if k == self.0 && found.is_none() {
                found = Some(map.next_value::<&'de RawValue>()?);
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// Reads every member of a JSON object as raw text, in order.
struct AllMembers;

impl<'de> serde::de::Visitor<'de> for AllMembers {
    type Value = Vec<(Cow<'de, str>, &'de RawValue)>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut all = Vec::new();
        while let Some(k) = map.next_key::<Cow<'de, str>>()? {
            all.push((k, map.next_value::<&'de RawValue>()?));
        }
        Ok(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_values_read_back_the_same() {
        let raw: Box<RawValue> =
            serde_json::from_str(r#"{"n": 1000.50, "name": "Kunduz", "n": 2}"#).unwrap();
        let json = Properties::from_json_object(&raw);
        let values = Properties::from_values(vec![
            ("n".into(), Value::Number("1000.50".into())),
            ("name".into(), Value::Text("Kunduz".into())),
        ]);
        for p in [&json, &values] {
            assert_eq!(p.member_json("n").as_deref(), Some("1000.50"));
            assert_eq!(p.value("name"), Some(Value::Text("Kunduz".into())));
            assert_eq!(p.value("absent"), None);
        }
        assert!(
            Properties::from_json_object(&RawValue::from_string("{ }".into()).unwrap())
                .0
                .is_none()
        );
    }
}
