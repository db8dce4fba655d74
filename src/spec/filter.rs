//! `where` filters: which features of a file a layer, callout, badge or `border_with` takes.
//! A filter is a table of property tests that must all hold: a plain value or a list
//! (`name = ["Kunduz", "Takhar"]`), or a table of comparisons
//! (`rate = { gt = 0.05, lte = 0.1 }`, `in`, `between`, `ne`, `not`). How a test meets a
//! data value (numbers by exact decimal value, text by code points) is
//! `crate::sources::filter`'s job; here a filter is only read and described.

use super::reader::{self, Table};
use super::validate::Validator;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// Feature filter: every key's test must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter(pub Vec<(String, Test)>);

/// What a property must be.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// Equal to one of these values (a plain value or list, `eq`, `in`).
    OneOf(Vec<serde_json::Value>),
    /// Ordered against a bound (`gt`, `gte`, `lt`, `lte`).
    Order(Cmp, serde_json::Value),
    /// From the first bound to the second, both included (`between = [a, b]`).
    Between(serde_json::Value, serde_json::Value),
    /// The test does not hold (`ne`, `not`): also true of a feature without the property.
    Not(Box<Test>),
    /// Every test holds (a table of several comparisons).
    All(Vec<Test>),
    /// A whole filter holds, over all the feature's properties (the sub-filter of a
    /// top-level `not = { state = "AK", … }`); its property name is not read.
    Where(Box<Filter>),
}

/// An order comparison with a bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Gt,
    Gte,
    Lt,
    Lte,
}

/// The comparison keys a test table takes.
pub(super) const OPERATORS: &[&str] =
    &["eq", "ne", "gt", "gte", "lt", "lte", "in", "between", "not"];

impl Cmp {
    fn symbol(self) -> &'static str {
        match self {
            Cmp::Gt => ">",
            Cmp::Gte => ">=",
            Cmp::Lt => "<",
            Cmp::Lte => "<=",
        }
    }
}

impl Filter {
    /// The filter in words, for messages: "the layer" when it takes everything.
    pub fn describe(&self) -> String {
        if self.0.is_empty() {
            return "the layer".into();
        }
        format!("`where` {}", self.tests_text())
    }

    /// The tests in words, comma-separated.
    fn tests_text(&self) -> String {
        let parts: Vec<String> = self.0.iter().map(|(k, t)| t.describe(k)).collect();
        parts.join(", ")
    }
}

impl Test {
    /// The test of property `key` in words: `rate > 0.05`, `state = "AK" | "HI"`.
    pub fn describe(&self, key: &str) -> String {
        let list = |vs: &[serde_json::Value]| {
            vs.iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(" | ")
        };
        match self {
            Test::OneOf(vs) => format!("{key} = {}", list(vs)),
            Test::Order(c, v) => format!("{key} {} {v}", c.symbol()),
            Test::Between(a, b) => format!("{a} <= {key} <= {b}"),
            Test::Not(t) => match t.as_ref() {
                Test::OneOf(vs) => format!("{key} != {}", list(vs)),
                other => format!("not ({})", other.describe(key)),
            },
            Test::All(ts) => ts
                .iter()
                .map(|t| t.describe(key))
                .collect::<Vec<_>>()
                .join(" and "),
            Test::Where(f) => f.tests_text(),
        }
    }
}

impl Validator<'_> {
    /// The `where` key of a table, everything when it has none.
    pub(super) fn filter(&mut self, t: &mut Table) -> Filter {
        let Some(v) = t.get("where") else {
            return Filter::default();
        };
        let DeValue::Table(entries) = v.get_ref() else {
            self.problem(
                v.span(),
                format!(
                    "invalid type: `where` must be a table such as {{ id = \"AF-KDZ\" }}, got {}",
                    reader::describe(v.get_ref())
                ),
            );
            return Filter::default();
        };
        self.filter_entries(entries)
    }

    /// The tests of a `where` table. A `not` whose table names properties rather than
    /// comparisons is a filter of its own, negated: `not = { state = "AK", rate = { lt = 0.05 } }`.
    fn filter_entries(&mut self, entries: &DeTable) -> Filter {
        let mut out = Vec::with_capacity(entries.len());
        for (key, value) in entries.iter() {
            let test = match value.get_ref() {
                DeValue::Table(sub)
                    if key.get_ref() == "not"
                        && sub
                            .iter()
                            .any(|(k, _)| !OPERATORS.contains(&k.get_ref().as_ref())) =>
                {
                    let sub = self.filter_entries(sub);
                    Some(Test::Not(Box::new(Test::Where(Box::new(sub)))))
                }
                _ => self.test(value),
            };
            if let Some(test) = test {
                out.push((key.get_ref().to_string(), test));
            }
        }
        Filter(out)
    }

    /// One property's test: a value, a list of values, or a table of comparisons.
    fn test(&mut self, v: &Spanned<DeValue>) -> Option<Test> {
        match v.get_ref() {
            DeValue::Array(_) => self.values(v).map(Test::OneOf),
            DeValue::Table(entries) => {
                let mut tests = Vec::with_capacity(entries.len());
                for (op, value) in entries.iter() {
                    let op_name = op.get_ref().as_ref();
                    let test = match op_name {
                        "eq" => self.scalar(value).map(|x| Test::OneOf(vec![x])),
                        "ne" => self
                            .scalar(value)
                            .map(|x| Test::Not(Box::new(Test::OneOf(vec![x])))),
                        "gt" | "gte" | "lt" | "lte" => self.bound(value).map(|x| {
                            let cmp = match op_name {
                                "gt" => Cmp::Gt,
                                "gte" => Cmp::Gte,
                                "lt" => Cmp::Lt,
                                _ => Cmp::Lte,
                            };
                            Test::Order(cmp, x)
                        }),
                        "in" => match value.get_ref() {
                            DeValue::Array(_) => self.values(value).map(Test::OneOf),
                            other => {
                                self.problem(
                                    value.span(),
                                    format!(
                                        "invalid type: `in` must be a list of values, got {}",
                                        reader::describe(other)
                                    ),
                                );
                                None
                            }
                        },
                        "between" => self.between(value),
                        "not" => self.test(value).map(|t| Test::Not(Box::new(t))),
                        other => {
                            self.problems.add_with(op.span(), || {
                                let known = reader::unknown_key(other, "a `where` test", OPERATORS);
                                format!("{known}: compare with eq, ne, gt, gte, lt, lte, in = [..], between = [low, high] or not = ..")
                            });
                            None
                        }
                    };
                    tests.extend(test);
                }
                match tests.len() {
                    0 if entries.is_empty() => {
                        self.problem(
                            v.span(),
                            "an empty `where` test: write a comparison such as { gt = 0.05 }",
                        );
                        None
                    }
                    0 => None,
                    1 => tests.pop(),
                    _ => Some(Test::All(tests)),
                }
            }
            _ => self.scalar(v).map(|x| Test::OneOf(vec![x])),
        }
    }

    /// A list of scalar values (`None` when one of them is not a scalar).
    fn values(&mut self, v: &Spanned<DeValue>) -> Option<Vec<serde_json::Value>> {
        let DeValue::Array(items) = v.get_ref() else {
            return self.scalar(v).map(|x| vec![x]);
        };
        let values: Vec<Option<serde_json::Value>> = items.iter().map(|i| self.scalar(i)).collect();
        values.into_iter().collect()
    }

    /// A bound of an order comparison: a number or a string.
    fn bound(&mut self, v: &Spanned<DeValue>) -> Option<serde_json::Value> {
        let value = self.scalar(v)?;
        if value.is_boolean() {
            self.problem(
                v.span(),
                "a comparison bound must be a number or a string, not true or false",
            );
            return None;
        }
        Some(value)
    }

    /// `between = [low, high]`: two bounds, low not above high when both are numbers.
    fn between(&mut self, v: &Spanned<DeValue>) -> Option<Test> {
        let pair = match v.get_ref() {
            DeValue::Array(items) if items.len() == 2 => items,
            other => {
                self.problem(
                    v.span(),
                    format!(
                        "invalid type: `between` must be a [low, high] pair, got {}",
                        reader::describe(other)
                    ),
                );
                return None;
            }
        };
        let low = self.bound(pair.first()?)?;
        let high = self.bound(pair.get(1)?)?;
        if let (Some(a), Some(b)) = (low.as_f64(), high.as_f64()) {
            if a > b {
                self.problem(
                    v.span(),
                    format!("`between` takes [low, high], got [{low}, {high}]: swap them"),
                );
                return None;
            }
        }
        Some(Test::Between(low, high))
    }

    /// A value to compare with: a string, a number or a boolean.
    fn scalar(&mut self, v: &Spanned<DeValue>) -> Option<serde_json::Value> {
        let value = match v.get_ref() {
            DeValue::String(s) => serde_json::Value::String(s.to_string()),
            DeValue::Integer(_) => match reader::integer(v.get_ref()) {
                Some(i) => serde_json::Value::from(i),
                None => {
                    self.problem(v.span(), "`where` numbers must fit in 64 bits");
                    return None;
                }
            },
            DeValue::Float(_) => {
                match reader::number(v.get_ref()).and_then(serde_json::Number::from_f64) {
                    Some(n) => serde_json::Value::Number(n),
                    None => {
                        self.problem(v.span(), "`where` values must be finite numbers");
                        return None;
                    }
                }
            }
            DeValue::Boolean(b) => serde_json::Value::Bool(*b),
            other => {
                self.problem(
                    v.span(),
                    format!(
                        "`where` values must be strings, numbers, booleans or lists of them, got {}",
                        reader::describe(other)
                    ),
                );
                return None;
            }
        };
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::Path;

    fn filter(text: &str) -> Result<Filter, String> {
        let spec = format!("[[layer]]\nid = \"p\"\nsource = \"a.geojson\"\nwhere = {text}\n");
        crate::spec::parse(&spec, Path::new("m.toml"))
            .map(|s| s.layers[0].filter.clone())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn comparisons_parse_into_tests() {
        let f = filter(
            r#"{ rate = { gt = 0.05, lte = 0.1 }, state = { not = ["AK", "HI"] }, fips = { in = ["01", 2] }, pop = { between = [1, 2.5] }, x = { ne = 3 }, y = { not = { lt = "M" } }, z = { eq = true } }"#,
        )
        .unwrap();
        let tests: Vec<(&str, &Test)> = f.0.iter().map(|(k, t)| (k.as_str(), t)).collect();
        // Keys in name order, as the TOML table holds them.
        assert_eq!(
            tests,
            [
                ("fips", &Test::OneOf(vec![json!("01"), json!(2)])),
                ("pop", &Test::Between(json!(1), json!(2.5))),
                (
                    "rate",
                    &Test::All(vec![
                        Test::Order(Cmp::Gt, json!(0.05)),
                        Test::Order(Cmp::Lte, json!(0.1))
                    ])
                ),
                (
                    "state",
                    &Test::Not(Box::new(Test::OneOf(vec![json!("AK"), json!("HI")])))
                ),
                ("x", &Test::Not(Box::new(Test::OneOf(vec![json!(3)])))),
                ("y", &Test::Not(Box::new(Test::Order(Cmp::Lt, json!("M"))))),
                ("z", &Test::OneOf(vec![json!(true)])),
            ]
        );
        assert_eq!(
            f.describe(),
            "`where` fips = \"01\" | 2, 1 <= pop <= 2.5, rate > 0.05 and rate <= 0.1, state != \"AK\" | \"HI\", x != 3, not (y < \"M\"), z = true"
        );
    }

    #[test]
    fn a_top_level_not_of_properties_is_a_negated_filter() {
        let f = filter(r#"{ not = { state = "AK", rate = { lt = 0.05 } }, n = 1 }"#).unwrap();
        let sub = Filter(vec![
            ("rate".into(), Test::Order(Cmp::Lt, json!(0.05))),
            ("state".into(), Test::OneOf(vec![json!("AK")])),
        ]);
        assert_eq!(
            f.0,
            [
                ("n".into(), Test::OneOf(vec![json!(1)])),
                (
                    "not".into(),
                    Test::Not(Box::new(Test::Where(Box::new(sub))))
                ),
            ]
        );
        assert_eq!(
            f.describe(),
            "`where` n = 1, not (rate < 0.05, state = \"AK\")"
        );
        // Comparisons only: the test of a property named `not`.
        let f = filter("{ not = { gt = 5 } }").unwrap();
        assert_eq!(f.0, [("not".into(), Test::Order(Cmp::Gt, json!(5)))]);
    }

    #[test]
    fn wrong_comparisons_are_spec_errors_at_their_place() {
        let e = filter("{ rate = { gtt = 0.05 } }").unwrap_err();
        assert!(e.starts_with("m.toml:4:20: unknown key `gtt`"), "{e}");
        assert!(e.contains("did you mean `gt`?"), "{e}");
        let e = filter("{ rate = { between = [0.2, 0.1] } }").unwrap_err();
        assert!(e.contains("swap them"), "{e}");
        let e = filter("{ rate = { between = 3 } }").unwrap_err();
        assert!(e.contains("[low, high] pair"), "{e}");
        let e = filter("{ rate = { gt = true } }").unwrap_err();
        assert!(e.contains("number or a string"), "{e}");
        let e = filter("{ rate = { in = 3 } }").unwrap_err();
        assert!(e.contains("`in` must be a list"), "{e}");
        let e = filter("{ rate = {} }").unwrap_err();
        assert!(e.contains("empty `where` test"), "{e}");
        let e = filter("{ rate = { gt = [1] } }").unwrap_err();
        assert!(e.contains("got a list"), "{e}");
    }
}
