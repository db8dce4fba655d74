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
    /// A table row kept as the file stores it, decoded member by member when asked.
    Row(Arc<dyn Row>),
}

/// A row of a table format (a Shapefile's `.dbf` record), kept undecoded: a file of many
/// narrow columns would take many times its size as named values.
pub trait Row: std::fmt::Debug + Send + Sync {
    /// The value of column `key` (the first of that name), if there is one.
    fn value(&self, key: &str) -> Option<Value>;
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

    /// Properties read from a stored row when asked for.
    pub fn from_row(row: Arc<dyn Row>) -> Self {
        Properties(Some(Box::new(Stored::Row(row))))
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
            Stored::Row(row) => row.value(key),
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
            Stored::Row(row) => row.value(key).map(|v| v.to_json().into_owned().into()),
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
