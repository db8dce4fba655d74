//! A layer's `size = { by, max, scale, domain }`: proportional symbols, a circle per
//! feature whose area (or radius) follows a numeric property. Read into the plain
//! [`SizeEncoding`]; fitting it to the data is [`crate::symbology::size`]'s job.

use super::keywords::Keywords;
use super::reader::{number, Table};
use super::validate::Validator;
use toml::de::DeValue;

/// `size = { by = "mag", max = 24, scale = "sqrt" }`.
#[derive(Debug, Clone, PartialEq)]
pub struct SizeEncoding {
    /// The property holding each feature's value.
    pub by: String,
    /// Radius in pixels of the symbol of the largest value (of the data, or of `domain`).
    pub max: f64,
    pub scale: SizeScale,
    /// The value drawn at `max` instead of the data's largest, so maps of several data sets
    /// share one scale (`domain = [0, 8]`).
    pub domain_max: Option<f64>,
}

/// How a value becomes a radius.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeScale {
    /// Area proportional to the value: r = max · √(v / vmax). What a reader compares.
    Sqrt,
    /// Radius proportional to the value: r = max · v / vmax.
    Linear,
}

pub const SIZE_SCALE: Keywords<SizeScale> = Keywords {
    key: "scale",
    words: &[("sqrt", SizeScale::Sqrt), ("linear", SizeScale::Linear)],
};

/// Largest `max` radius, in pixels.
pub const MAX_RADIUS: f64 = 500.0;

impl Validator<'_> {
    /// The layer's `size` table, if it has one (a wrong one is a problem and `None`).
    pub(super) fn size_encoding(&mut self, l: &mut Table) -> Option<SizeEncoding> {
        let v = l.get("size")?;
        let mut t = Table::of("`size`", v, "size", &mut self.problems)?;
        let by = match t.string("by", &mut self.problems) {
            Some(b) if b.value.trim().is_empty() => {
                self.problem(b.span, "`by` must name a numeric property, got \"\"");
                None
            }
            Some(b) => Some(b.value),
            None => {
                if t.key_span("by").is_none() {
                    self.problem(
                        t.span.clone(),
                        "`size` needs `by = \"property\"`: the numeric property the symbols' sizes follow",
                    );
                }
                None
            }
        };
        let max = match t.number("max", &mut self.problems) {
            Some(m) if m.value.is_finite() && m.value > 0.0 && m.value <= MAX_RADIUS => {
                Some(m.value)
            }
            Some(m) => {
                self.problem(
                    m.span,
                    format!(
                        "`max` is the largest symbol's radius in pixels, above 0 and at most {MAX_RADIUS}, got {}",
                        m.value
                    ),
                );
                None
            }
            None => {
                if t.key_span("max").is_none() {
                    self.problem(
                        t.span.clone(),
                        "`size` needs `max = 20`: the radius in pixels of the largest value's symbol",
                    );
                }
                None
            }
        };
        let scale = self.keyword_or(&mut t, &SIZE_SCALE, SizeScale::Sqrt);
        let domain_max = self.size_domain(&mut t);
        t.finish(&mut self.problems);
        Some(SizeEncoding {
            by: by?,
            max: max?,
            scale,
            domain_max,
        })
    }

    /// A layer with `size` draws its features as circles: it cannot draw shared borders
    /// (`lines`, `border_with`) instead, which belong to no one feature.
    pub(super) fn check_size_draws_features(&mut self, l: &Table, layer: &super::Layer) {
        if layer.size.is_some() && layer.geometry != super::LayerGeometry::Features {
            let key = ["lines", "border_with"]
                .into_iter()
                .find_map(|k| l.key_span(k))
                .unwrap_or_else(|| l.span.clone());
            self.problem(
                key,
                "a layer with `size` draws each feature as a circle; it cannot draw `lines` or `border_with` (make a second layer of the same source for those)",
            );
        }
    }

    /// `domain = [0, hi]` or `domain = hi`: the value drawn at `max`. Symbols start at
    /// zero (a value of 0 has no area), so a lower end other than 0 is refused.
    fn size_domain(&mut self, t: &mut Table) -> Option<f64> {
        let v = t.get("domain")?;
        let hi = match v.get_ref() {
            DeValue::Array(items) if items.len() == 2 => {
                let lo = number(items[0].get_ref());
                let hi = number(items[1].get_ref());
                if lo != Some(0.0) {
                    self.problem(
                        v.span(),
                        "proportional symbols start at zero: `domain` must be [0, largest value] (or the largest value alone)",
                    );
                    return None;
                }
                hi
            }
            other => number(other),
        };
        match hi {
            Some(h) if h.is_finite() && h > 0.0 => Some(h),
            _ => {
                self.problem(
                    v.span(),
                    "`domain` must be the value drawn at `max`, a number above 0, or [0, that number]",
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size_of(table: &str) -> Result<Option<SizeEncoding>, String> {
        let text = format!("[[layer]]\nid = \"q\"\nsource = \"q.geojson\"\nsize = {table}\n");
        crate::spec::parse(&text, std::path::Path::new("t.toml"))
            .map(|s| s.layers[0].size.clone())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn reads_by_max_scale_and_domain() {
        assert_eq!(
            size_of("{ by = \"mag\", max = 24 }").unwrap(),
            Some(SizeEncoding {
                by: "mag".into(),
                max: 24.0,
                scale: SizeScale::Sqrt,
                domain_max: None,
            })
        );
        let s = size_of("{ by = \"pop\", max = 30, scale = \"linear\", domain = [0, 1e6] }")
            .unwrap()
            .unwrap();
        assert_eq!((s.scale, s.domain_max), (SizeScale::Linear, Some(1e6)));
        let s = size_of("{ by = \"pop\", max = 30, domain = 8 }")
            .unwrap()
            .unwrap();
        assert_eq!(s.domain_max, Some(8.0));
    }

    #[test]
    fn wrong_tables_are_spec_errors_at_their_place() {
        for (table, needle) in [
            ("{ max = 24 }", "needs `by"),
            ("{ by = \"mag\" }", "needs `max"),
            ("{ by = \"mag\", max = 0 }", "above 0 and at most 500"),
            (
                "{ by = \"mag\", max = 24, scale = \"log\" }",
                "scale must be \"sqrt\" or \"linear\"",
            ),
            (
                "{ by = \"mag\", max = 24, domain = [1, 8] }",
                "start at zero",
            ),
            ("{ by = \"mag\", max = 24, domain = -3 }", "above 0"),
            (
                "{ by = \"mag\", max = 24, colour = \"red\" }",
                "unknown key `colour`",
            ),
            ("24", "`size` must be a table"),
            (
                "{ by = \"mag\", max = 24 }\nlines = \"inner\"",
                "cannot draw `lines` or `border_with`",
            ),
        ] {
            let e = size_of(table).unwrap_err();
            assert!(e.contains(needle), "{table}: {e}");
            // At the `size` table, or at the key it clashes with on the next line.
            let line = if table.contains('\n') {
                "t.toml:5:"
            } else {
                "t.toml:4:"
            };
            assert!(e.starts_with(line), "{table}: {e}");
        }
    }
}
