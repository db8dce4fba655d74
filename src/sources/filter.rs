//! Whether a feature passes a `where` filter ([`crate::spec::Filter`]). Equality is
//! [`exact::matches_value`]'s. Order comparisons (`gt`, `gte`, `lt`, `lte`, `between`)
//! compare two numbers by exact decimal value when both sides are numbers — a data number,
//! or text in JSON's number grammar (`"0.05"`, `"1e3"`; not `"01001"`, which is a code) —
//! and two texts by Unicode code points; a number and a non-numeric text, or a missing
//! property, pass no comparison. `ne` and `not` are negations, so a feature without the
//! property passes them; a top-level `not` over several properties negates their
//! conjunction.

use super::exact::{self, Decimal};
use super::properties::Properties;
use super::value::Value;
use crate::spec::{Cmp, Filter, Test};
use std::cmp::Ordering;

/// Whether a feature of `properties` and id `id` passes every test of `filter`. A property
/// `id` the feature lacks is its feature id.
pub fn matches(properties: &Properties, id: &str, filter: &Filter) -> bool {
    filter
        .0
        .iter()
        .all(|(key, test)| holds_for(test, key, properties, id))
}

/// Whether `test` of property `key` holds for a feature (a sub-filter reads its own keys).
fn holds_for(test: &Test, key: &str, properties: &Properties, id: &str) -> bool {
    match test {
        Test::Where(f) => matches(properties, id, f),
        Test::Not(t) => !holds_for(t, key, properties, id),
        Test::All(ts) => ts.iter().all(|t| holds_for(t, key, properties, id)),
        leaf => {
            let value = match properties.value(key) {
                Some(Value::Null) | None if key == "id" => Some(Value::Text(id.to_string())),
                Some(Value::Null) | None => None,
                Some(v) => Some(v),
            };
            holds(leaf, value.as_ref())
        }
    }
}

/// Whether `test` holds of a property's value (`None`: the feature has none).
pub fn holds(test: &Test, value: Option<&Value>) -> bool {
    match test {
        Test::OneOf(wanted) => {
            value.is_some_and(|v| wanted.iter().any(|w| exact::matches_value(w, v)))
        }
        Test::Order(cmp, bound) => {
            value
                .and_then(|v| compare(v, bound))
                .is_some_and(|o| match cmp {
                    Cmp::Gt => o == Ordering::Greater,
                    Cmp::Gte => o != Ordering::Less,
                    Cmp::Lt => o == Ordering::Less,
                    Cmp::Lte => o != Ordering::Greater,
                })
        }
        Test::Between(low, high) => value.is_some_and(|v| {
            compare(v, low).is_some_and(|o| o != Ordering::Less)
                && compare(v, high).is_some_and(|o| o != Ordering::Greater)
        }),
        Test::Not(t) => !holds(t, value),
        Test::All(tests) => tests.iter().all(|t| holds(t, value)),
        // A sub-filter reads the feature, not one value: see `holds_for`.
        Test::Where(_) => false,
    }
}

/// How a data value stands against a spec bound: as numbers when both are numeric, as
/// texts when both are text; `None` when they are not comparable.
pub fn compare(value: &Value, bound: &serde_json::Value) -> Option<Ordering> {
    let data_number = match value {
        Value::Number(t) => Decimal::parse(t),
        Value::Text(s) => Decimal::parse(s),
        _ => None,
    };
    let bound_number = match bound {
        serde_json::Value::Number(n) => Decimal::parse(&n.to_string()),
        serde_json::Value::String(s) => Decimal::parse(s),
        _ => None,
    };
    match (data_number, bound_number, value, bound) {
        (Some(d), Some(b), _, _) => Some(d.cmp(&b)),
        (_, _, Value::Text(s), serde_json::Value::String(b)) => Some(s.as_str().cmp(b.as_str())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn n(t: &str) -> Value {
        Value::Number(t.into())
    }

    fn t(s: &str) -> Value {
        Value::Text(s.into())
    }

    #[test]
    fn decimals_order_exactly() {
        let d = |s: &str| Decimal::parse(s).unwrap();
        let sorted = [
            "-1e300",
            "-10",
            "-9.5",
            "-0.001",
            "0",
            "1e-300",
            "0.097",
            "0.1",
            "0.10000001",
            "1",
            "9007199254740992",
            "9007199254740993",
            "1e300",
        ];
        for w in sorted.windows(2) {
            assert!(d(w[0]) < d(w[1]), "{} < {}", w[0], w[1]);
            assert!(d(w[1]) > d(w[0]), "{} > {}", w[1], w[0]);
        }
        assert_eq!(d("-0.0").cmp(&d("0")), Ordering::Equal);
        assert_eq!(d("1.50").cmp(&d("15e-1")), Ordering::Equal);
    }

    #[test]
    fn numbers_and_numeric_text_compare_as_numbers_text_as_text() {
        assert_eq!(compare(&n("0.097"), &json!(0.05)), Some(Ordering::Greater));
        assert_eq!(compare(&t("10"), &json!(9)), Some(Ordering::Greater));
        assert_eq!(compare(&t("10"), &json!("9")), Some(Ordering::Greater));
        assert_eq!(compare(&n("10"), &json!("9")), Some(Ordering::Greater));
        // Text order would put "10" before "9"; codes with leading zeros are text.
        assert_eq!(compare(&t("01001"), &json!(2000)), None);
        assert_eq!(compare(&t("01001"), &json!("02")), Some(Ordering::Less));
        assert_eq!(compare(&t("Kunduz"), &json!("M")), Some(Ordering::Less));
        assert_eq!(compare(&t("Kunduz"), &json!(5)), None);
        assert_eq!(compare(&n("5"), &json!("K")), None);
        assert_eq!(compare(&Value::Bool(true), &json!(1)), None);
    }

    #[test]
    fn tests_hold_as_documented() {
        let gt = Test::Order(Cmp::Gt, json!(0.05));
        assert!(holds(&gt, Some(&n("0.051"))));
        assert!(!holds(&gt, Some(&n("0.05"))));
        assert!(!holds(&gt, None));
        let gte = Test::Order(Cmp::Gte, json!(0.05));
        assert!(holds(&gte, Some(&n("5e-2"))));
        let between = Test::Between(json!(1), json!("3"));
        assert!(holds(&between, Some(&n("1"))));
        assert!(holds(&between, Some(&t("3.0"))));
        assert!(!holds(&between, Some(&n("3.01"))));
        let ne = Test::Not(Box::new(Test::OneOf(vec![json!("AK"), json!("HI")])));
        assert!(holds(&ne, Some(&t("CA"))));
        assert!(!holds(&ne, Some(&t("HI"))));
        assert!(holds(&ne, None), "a negation passes a missing property");
        let range = Test::All(vec![
            Test::Order(Cmp::Gte, json!(2)),
            Test::Order(Cmp::Lt, json!(4)),
        ]);
        assert!(holds(&range, Some(&n("2"))) && !holds(&range, Some(&n("4"))));
    }
}
