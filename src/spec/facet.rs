//! `[facet]`: small multiples. One figure of several panels, one per value of a property of
//! a layer, sharing projection, extent, scales and one legend (see `layout::facet`).

use super::reader::Table;
use super::validate::{LayerIds, Validator};

/// The `[facet]` table of a spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Facet {
    /// The layer split into panels.
    pub layer: String,
    /// The property whose values make the panels.
    pub by: String,
    /// Which values, in this order; `None` for every value the layer holds, sorted.
    pub values: Option<Vec<serde_json::Value>>,
    /// Panels a row; `None` for up to three a row.
    pub columns: Option<usize>,
    /// Each panel's title; `{value}` is the panel's value.
    pub title: String,
}

/// Most panels one figure may have.
pub const MAX_PANELS: usize = 24;

impl Validator<'_> {
    /// The `[facet]` table; `None` (with a problem noted) when it is not usable.
    pub(super) fn facet(&mut self, mut t: Table, ids: &LayerIds) -> Option<Facet> {
        let layer = match t.string("layer", &mut self.problems) {
            Some(l) if ids.contains(&l.value) => Some(l.value),
            Some(l) => {
                self.problem(
                    l.span,
                    format!("facet.layer {:?} is not a layer of this spec", l.value),
                );
                None
            }
            None => {
                self.problem(
                    t.span.clone(),
                    "[facet] needs `layer = \"id\"`: the layer split into panels",
                );
                None
            }
        };
        let by = t.string("by", &mut self.problems).map(|b| b.value);
        if by.is_none() {
            self.problem(
                t.span.clone(),
                "[facet] needs `by = \"property\"`: the property whose values make the panels",
            );
        }
        let values = t.get("values").and_then(|v| match v.get_ref() {
            toml::de::DeValue::Array(items) => {
                let values: Vec<serde_json::Value> = items
                    .iter()
                    .filter_map(|i| match i.get_ref() {
                        toml::de::DeValue::String(s) => {
                            Some(serde_json::Value::String(s.to_string()))
                        }
                        toml::de::DeValue::Integer(_) => {
                            super::reader::integer(i.get_ref()).map(serde_json::Value::from)
                        }
                        toml::de::DeValue::Float(_) => super::reader::number(i.get_ref())
                            .and_then(serde_json::Number::from_f64)
                            .map(serde_json::Value::Number),
                        toml::de::DeValue::Boolean(b) => Some(serde_json::Value::Bool(*b)),
                        _ => None,
                    })
                    .collect();
                if values.len() != items.len() || values.is_empty() || values.len() > MAX_PANELS {
                    self.problem(
                        v.span(),
                        format!(
                            "facet.values must be 1 to {MAX_PANELS} strings, numbers or booleans"
                        ),
                    );
                    return None;
                }
                Some(values)
            }
            _ => {
                self.problem(v.span(), "facet.values must be a list such as [2008, 2016]");
                None
            }
        });
        let columns = match t.number("columns", &mut self.problems) {
            Some(c) if c.value.fract() == 0.0 && (1.0..=MAX_PANELS as f64).contains(&c.value) => {
                Some(c.value as usize)
            }
            Some(c) => {
                self.problem(
                    c.span,
                    format!(
                        "facet.columns must be a whole number from 1 to {MAX_PANELS}, got {}",
                        c.value
                    ),
                );
                None
            }
            None => None,
        };
        let title = t
            .string("title", &mut self.problems)
            .map_or_else(|| "{value}".to_string(), |v| v.value);
        t.finish(&mut self.problems);
        Some(Facet {
            layer: layer?,
            by: by?,
            values,
            columns,
            title,
        })
    }
}
