//! Proportional symbols: a layer's `size = { by, max, scale }` fitted to its features. One
//! fitted [`SizeSymbols`] gives each feature's radius (the marks) and the nested circles of
//! the legend, so the two cannot disagree.
//!
//! With `scale = "sqrt"` (the default) a circle's *area* is proportional to the value:
//! r = max · √(v / vmax), where vmax is the largest value of the layer's features (or the
//! spec's `domain` maximum); with `linear` the radius is: r = max · v / vmax. A value that is
//! missing, not a number, zero or negative gets no symbol (a circle cannot show it); they
//! are counted and reported. A value above the `domain` maximum is drawn at `max` (and
//! reported), so no data can make a symbol bigger than the spec allows.

use super::legend::{LegendBlock, LegendBody};
use crate::sources::{Feature, Value};
use crate::spec::number_format::{Decimal, NumberFormat};
use crate::spec::{SizeEncoding, SizeScale};

/// A size encoding fitted to one layer's features.
#[derive(Debug, Clone, PartialEq)]
pub struct SizeSymbols {
    /// The property the sizes follow.
    pub by: String,
    /// Radius of the symbol of `vmax`, in pixels.
    pub max: f64,
    pub scale: SizeScale,
    /// The value drawn at `max`: the data's largest positive value, or the spec's domain
    /// maximum; `None` when no feature has a positive value (nothing is drawn).
    pub vmax: Option<f64>,
    /// How many features got a symbol, and why the others did not.
    pub counts: SizeCounts,
}

/// What fitting found in the layer's values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SizeCounts {
    /// Features with a positive value: each gets a symbol.
    pub positive: usize,
    /// Features without the property, or with null or a value that is not a number.
    pub missing: usize,
    /// Features whose value is zero or negative.
    pub not_positive: usize,
    /// Features whose value is above the spec's domain maximum: drawn at `max`, as a scale
    /// clamped to its domain does (their area is then less than their value's).
    pub above_domain: usize,
}

impl SizeSymbols {
    /// Fits `enc` to `features` (the layer's, after its `where`).
    pub fn fit(enc: &SizeEncoding, features: &[&Feature]) -> SizeSymbols {
        let mut counts = SizeCounts::default();
        let mut data_max: Option<f64> = None;
        for f in features {
            match value(f, &enc.by) {
                None => counts.missing += 1,
                Some(v) if v <= 0.0 => counts.not_positive += 1,
                Some(v) => {
                    counts.positive += 1;
                    data_max = Some(data_max.map_or(v, |m| m.max(v)));
                    if enc.domain_max.is_some_and(|d| v > d) {
                        counts.above_domain += 1;
                    }
                }
            }
        }
        SizeSymbols {
            by: enc.by.clone(),
            max: enc.max,
            scale: enc.scale,
            vmax: enc.domain_max.or(data_max),
            counts,
        }
    }

    /// The radius of a symbol for `v`, in pixels; `None` for a value with no symbol.
    pub fn radius_of(&self, v: f64) -> Option<f64> {
        let vmax = self.vmax?;
        if !(v.is_finite() && v > 0.0) {
            return None;
        }
        // Values above the domain are drawn at `max` (counted and reported by `fit`), so no
        // value can make a symbol bigger than the spec allows.
        let t = (v / vmax).min(1.0);
        let r = match self.scale {
            SizeScale::Sqrt => self.max * t.sqrt(),
            SizeScale::Linear => self.max * t,
        };
        (r.is_finite() && r > 0.0).then_some(r)
    }

    /// The radius of `f`'s symbol; `None` when it gets none.
    pub fn radius(&self, f: &Feature) -> Option<f64> {
        self.radius_of(value(f, &self.by)?)
    }

    /// Three reference values for the legend's nested circles, largest first: the largest
    /// value rounded down to one significant digit, and two smaller round numbers whose
    /// circles are about a half and a quarter as wide (areas a quarter and a sixteenth
    /// with `sqrt`). Fewer when rounding makes two equal; none without data.
    pub fn legend_values(&self) -> Vec<(f64, Decimal)> {
        let Some(vmax) = self.vmax else {
            return Vec::new();
        };
        let steps: [f64; 3] = match self.scale {
            SizeScale::Sqrt => [1.0, 4.0, 16.0],
            SizeScale::Linear => [1.0, 2.0, 4.0],
        };
        let mut out: Vec<(f64, Decimal)> = Vec::new();
        for (i, step) in steps.iter().enumerate() {
            // The largest is rounded down, so its circle is never bigger than `max`.
            let nice = one_digit(vmax / step, i == 0);
            if let Some((v, d)) = nice {
                if v > 0.0 && out.last().is_none_or(|(last, _)| v < *last) {
                    out.push((v, d));
                }
            }
        }
        out
    }

    /// The nested-circles legend block, each reference value with its radius from this
    /// same scale, in `style`; `format` (d3-format) writes the values, "," by default.
    pub fn legend_block(
        &self,
        title: Option<String>,
        style: crate::scene::Style,
        format: Option<&NumberFormat>,
    ) -> Option<LegendBlock> {
        let default = NumberFormat::parse(",").ok()?;
        let format = format.unwrap_or(&default);
        let circles: Vec<(f64, String)> = self
            .legend_values()
            .iter()
            .filter_map(|(v, d)| Some((self.radius_of(*v)?, format.format(d))))
            .collect();
        if circles.is_empty() {
            return None;
        }
        Some(LegendBlock {
            title,
            body: LegendBody::Circles { circles, style },
            missing: None,
        })
    }

    /// Warnings for layer `layer`: features left without a symbol, values over the domain.
    pub fn warnings(&self, layer: &str) -> Vec<String> {
        let c = &self.counts;
        let total = c.positive + c.missing + c.not_positive;
        let mut w = Vec::new();
        if c.missing + c.not_positive > 0 {
            w.push(format!(
                "layer {layer:?}: {} of {total} features get no proportional symbol: {} without a number in `{}` (missing, null or not a number), {} with zero or a negative value",
                c.missing + c.not_positive,
                c.missing,
                self.by,
                c.not_positive
            ));
        }
        if c.above_domain > 0 {
            w.push(format!(
                "layer {layer:?}: {} features have a `{}` above the size domain's maximum {}: their symbols are drawn at `max`, smaller than their values; raise the domain to show them true to size",
                c.above_domain,
                self.by,
                self.vmax.unwrap_or_default()
            ));
        }
        w
    }
}

/// A feature's number in property `by`: a number, or text that reads as one; `None` for a
/// missing or null property, other text, booleans, arrays and objects, and numbers beyond
/// f64.
pub fn value(f: &Feature, by: &str) -> Option<f64> {
    let v = match f.properties.value(by)? {
        Value::Number(t) => t.parse::<f64>().ok()?,
        // Text that reads as a JSON number (CSV readers and joins may hand numbers over as
        // text); `Decimal` knows the grammar.
        Value::Text(t) if Decimal::parse(&t).is_some() => t.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    v.is_finite().then_some(v)
}

/// `v` rounded to one significant digit (down when `down`, else to nearest), as the number
/// and its exact decimal.
fn one_digit(v: f64, down: bool) -> Option<(f64, Decimal)> {
    if !(v.is_finite() && v > 0.0) {
        return None;
    }
    let mut exp = v.log10().floor() as i32;
    let mut digit = v / 10f64.powi(exp);
    digit = if down {
        // A hair of tolerance, so 3 does not become 2.9999… → 2.
        (digit * (1.0 + 1e-12)).floor()
    } else {
        digit.round()
    };
    if digit >= 10.0 {
        digit = 1.0;
        exp += 1;
    }
    if digit < 1.0 {
        return None;
    }
    let d = Decimal::parse(&format!("{digit}e{exp}"))?;
    let value: f64 = format!("{digit}e{exp}").parse().ok()?;
    Some((value, d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::Properties;

    fn feature(v: Option<Value>) -> Feature {
        Feature {
            id: "f".into(),
            properties: Properties::from_values(
                v.into_iter().map(|v| ("v".to_string(), v)).collect(),
            ),
            geometry: None,
        }
    }

    fn enc(scale: SizeScale, domain_max: Option<f64>) -> SizeEncoding {
        SizeEncoding {
            by: "v".into(),
            max: 20.0,
            scale,
            domain_max,
            title: None,
        }
    }

    #[test]
    fn area_is_true_to_the_value() {
        let fs: Vec<Feature> = ["1", "4", "6.4", "0", "-2"]
            .iter()
            .map(|t| feature(Some(Value::Number(t.to_string()))))
            .chain([
                feature(None),
                feature(Some(Value::Null)),
                feature(Some(Value::Text("n/a".into()))),
                feature(Some(Value::Text(" 2 ".into()))),
            ])
            .collect();
        let refs: Vec<&Feature> = fs.iter().collect();
        let s = SizeSymbols::fit(&enc(SizeScale::Sqrt, None), &refs);
        assert_eq!(s.vmax, Some(6.4));
        assert_eq!(
            s.counts,
            SizeCounts {
                positive: 4,
                missing: 3,
                not_positive: 2,
                above_domain: 0
            }
        );
        let r = |i: usize| s.radius(&fs[i]);
        assert_eq!(r(2), Some(20.0));
        let (a, b) = (r(0).unwrap(), r(1).unwrap());
        assert!(((b * b) / (a * a) - 4.0).abs() < 1e-12);
        assert_eq!(r(3), None);
        assert_eq!(r(4), None);
        assert_eq!(r(5), None);
        assert_eq!(r(8).map(|r| (r * r * 6.4 / 400.0 * 1e9).round()), Some(2e9));
        let linear = SizeSymbols::fit(&enc(SizeScale::Linear, Some(8.0)), &refs);
        assert_eq!(linear.radius(&fs[1]), Some(10.0));
        // Above the domain: drawn at `max`, and reported.
        let clamped = SizeSymbols::fit(&enc(SizeScale::Sqrt, Some(2.0)), &refs);
        assert_eq!(clamped.counts.above_domain, 2);
        assert_eq!(
            (clamped.radius(&fs[1]), clamped.radius(&fs[2])),
            (Some(20.0), Some(20.0))
        );
        assert!(clamped.warnings("q").join("").contains("2 features have a `v` above the size domain's maximum 2: their symbols are drawn at `max`"));
        // Extreme values stay finite and bounded.
        let huge = [
            feature(Some(Value::Number("1e308".into()))),
            feature(Some(Value::Number("1e-300".into()))),
        ];
        let huge_refs: Vec<&Feature> = huge.iter().collect();
        let h = SizeSymbols::fit(&enc(SizeScale::Sqrt, None), &huge_refs);
        assert_eq!(h.radius(&huge[0]), Some(20.0));
        assert!(h.radius(&huge[1]).is_none_or(|r| r < 1e-100));
        let w = s.warnings("quakes").join("\n");
        assert!(
            w.contains("5 of 9 features get no proportional symbol: 3 without a number in `v`"),
            "{w}"
        );
    }

    #[test]
    fn legend_circles_are_round_values_from_the_same_scale() {
        let s = SizeSymbols {
            by: "mag".into(),
            max: 24.0,
            scale: SizeScale::Sqrt,
            vmax: Some(6.4),
            counts: SizeCounts::default(),
        };
        let values: Vec<f64> = s.legend_values().iter().map(|(v, _)| *v).collect();
        assert_eq!(values, [6.0, 2.0, 0.4]);
        let block = s
            .legend_block(
                Some("Magnitude".into()),
                crate::scene::Style::default(),
                None,
            )
            .unwrap();
        let LegendBody::Circles { circles, .. } = block.body else {
            panic!("circles");
        };
        assert_eq!(circles.len(), 3);
        assert_eq!(circles[0].1, "6");
        assert!((circles[0].0 - 24.0 * (6.0f64 / 6.4).sqrt()).abs() < 1e-9);
        assert!((circles[2].0 - s.radius_of(0.4).unwrap()).abs() < 1e-12);
        let big = SizeSymbols {
            vmax: Some(1_234_567.0),
            ..s.clone()
        };
        let block = big
            .legend_block(None, crate::scene::Style::default(), None)
            .unwrap();
        let LegendBody::Circles { circles, .. } = block.body else {
            panic!("circles");
        };
        let texts: Vec<&str> = circles.iter().map(|c| c.1.as_str()).collect();
        assert_eq!(texts, ["1,000,000", "300,000", "80,000"]);
        let none = SizeSymbols { vmax: None, ..s };
        assert!(none
            .legend_block(None, crate::scene::Style::default(), None)
            .is_none());
    }
}
