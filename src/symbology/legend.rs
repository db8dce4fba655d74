//! Legend blocks: what a legend shows for one layer's rules. They are made from the same
//! [`LayerSymbology`](super::rules::LayerSymbology) that styles the features, so marks and
//! legend cannot disagree; layout only places and draws them. The texts of class ranges
//! and ticks are written here, once, so every scale writes them alike.

use crate::color::Rgba;
use crate::scene::Style;
use crate::spec::number_format::{Decimal, NumberFormat};

/// One legend row of a constant layer: what its swatch looks like and its text.
#[derive(Debug, Clone)]
pub struct LegendEntry {
    pub text: String,
    pub kind: SwatchKind,
    pub style: Style,
    pub marker_radius: f64,
}

/// The shape of a legend swatch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SwatchKind {
    Area,
    Line,
    Point,
    Square,
}

/// What a legend shows for one fitted scale: a title and a body.
#[derive(Debug, Clone)]
pub struct LegendBlock {
    pub title: Option<String>,
    pub body: LegendBody,
    /// The missing-data row of a ramp or circles (classes and categories carry theirs as
    /// their last swatch).
    pub missing: Option<Swatch>,
}

/// The body of a legend block.
#[derive(Debug, Clone)]
pub enum LegendBody {
    /// Classed colours: one swatch per class, lowest first; text is the formatted range.
    Classes { swatches: Vec<Swatch> },
    /// A continuous colour ramp: stops at t in 0..=1 (left/bottom = domain min), ticks at t.
    Ramp {
        stops: Vec<(f64, Rgba)>,
        ticks: Vec<(f64, String)>,
    },
    /// Categorical entries, in the scale's order.
    Categories { swatches: Vec<Swatch> },
    /// Proportional symbols: nested circles, radius in px, with their value text, largest
    /// first.
    Circles {
        circles: Vec<(f64, String)>,
        style: Style,
    },
}

/// One swatch of a block: its text, shape and style (`style.hatch` for a hatched one).
#[derive(Debug, Clone)]
pub struct Swatch {
    pub text: String,
    pub kind: SwatchKind,
    pub style: Style,
}

/// The text of the missing-data row when the spec names none.
pub const NO_DATA: &str = "No data";

/// `values` as legend texts: in `format`, or, without one, in the fewest significant
/// digits (3 to 6) that keep them apart, so neighbouring breaks never read the same.
/// Non-finite values are written as Rust writes them ("inf", "NaN").
pub fn format_values(values: &[f64], format: Option<&NumberFormat>) -> Vec<String> {
    let decimals: Vec<Option<Decimal>> = values.iter().map(|v| decimal(*v)).collect();
    let chosen = match format {
        Some(f) => Some(f.clone()),
        None => default_format(&decimals),
    };
    values
        .iter()
        .zip(&decimals)
        .map(|(v, d)| match (d, &chosen) {
            (Some(d), Some(f)) => f.format(d),
            _ => v.to_string(),
        })
        .collect()
}

/// `,.N~r` with the fewest significant digits N from 3 to 6 that write every value
/// differently (N = 6 when none does).
fn default_format(values: &[Option<Decimal>]) -> Option<NumberFormat> {
    let mut last = None;
    for digits in 3..=6 {
        let f = NumberFormat::parse(&format!(",.{digits}~r")).ok()?;
        let mut texts: Vec<String> = values.iter().flatten().map(|d| f.format(d)).collect();
        let n = texts.len();
        texts.sort();
        texts.dedup();
        if texts.len() == n {
            return Some(f);
        }
        last = Some(f);
    }
    last
}

/// A finite `v` as exact decimal digits (Rust writes the shortest text that reads back
/// as `v`, without an exponent).
fn decimal(v: f64) -> Option<Decimal> {
    if !v.is_finite() {
        return None;
    }
    // -0 reads as 0.
    Decimal::parse(&format!("{}", v + 0.0))
}

/// The texts of the classes between `bounds` (n + 1 ascending values for n classes: the
/// lowest value or -∞, the breaks, the highest value or +∞). A class is (lower, upper]:
/// a value equal to a break falls in the lower class, and the first class also holds its
/// lower bound. Classes with two finite bounds read "a – b"; an open first class reads
/// "≤ b" and an open last class "> a".
///
/// ```
/// use mapfig::symbology::legend::class_texts;
/// let f = mapfig::spec::number_format::NumberFormat::parse(".1%").unwrap();
/// let t = class_texts(&[0.02, 0.05, 0.078], Some(&f));
/// assert_eq!(t, ["2.0% – 5.0%", "5.0% – 7.8%"]);
/// let open = class_texts(&[f64::NEG_INFINITY, 10.0, 20.0, f64::INFINITY], None);
/// assert_eq!(open, ["≤ 10", "10 – 20", "> 20"]);
/// ```
pub fn class_texts(bounds: &[f64], format: Option<&NumberFormat>) -> Vec<String> {
    let texts = format_values(bounds, format);
    bounds
        .windows(2)
        .zip(texts.windows(2))
        .map(|(v, t)| {
            let (a, b) = (&t[0], &t[1]);
            match (v[0].is_finite(), v[1].is_finite()) {
                (true, true) => format!("{a} – {b}"),
                (false, true) => format!("≤ {b}"),
                (true, false) => format!("> {a}"),
                (false, false) => "all values".to_string(),
            }
        })
        .collect()
}

impl LegendBlock {
    /// What the block says, in words, for the legend's accessible label: its title and
    /// each entry ("Unemployment rate: 2.0% – 5.0%, 5.0% – 7.8%, No data").
    pub fn describe(&self) -> String {
        let mut items: Vec<String> = match &self.body {
            LegendBody::Classes { swatches } | LegendBody::Categories { swatches } => {
                swatches.iter().map(|s| s.text.clone()).collect()
            }
            LegendBody::Ramp { ticks, .. } => match (ticks.first(), ticks.last()) {
                (Some(a), Some(b)) if ticks.len() > 1 => {
                    vec![format!("a colour ramp from {} to {}", a.1, b.1)]
                }
                _ => vec!["a colour ramp".to_string()],
            },
            LegendBody::Circles { circles, .. } => {
                let values: Vec<&str> = circles.iter().map(|c| c.1.as_str()).collect();
                vec![format!("circles sized for {}", values.join(", "))]
            }
        };
        items.extend(self.missing.iter().map(|m| m.text.clone()));
        match &self.title {
            Some(t) => format!("{t}: {}", items.join(", ")),
            None => items.join(", "),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_ranges_follow_the_lower_class_convention_and_the_format() {
        let pct = NumberFormat::parse(".1%").unwrap();
        assert_eq!(
            class_texts(&[0.02, 0.05, 0.078, 0.3], Some(&pct)),
            ["2.0% – 5.0%", "5.0% – 7.8%", "7.8% – 30.0%"]
        );
        assert_eq!(
            class_texts(&[f64::NEG_INFINITY, 1.5, f64::INFINITY], None),
            ["≤ 1.5", "> 1.5"]
        );
    }

    #[test]
    fn default_format_keeps_neighbouring_breaks_apart() {
        // Three significant digits would write both inner breaks as "5.01"; four keep
        // them apart.
        let t = class_texts(&[5.0, 5.0104, 5.0123, 6.0], None);
        assert_eq!(t, ["5 – 5.01", "5.01 – 5.012", "5.012 – 6"]);
        assert_eq!(
            class_texts(&[1000.0, 25_000.0, 1_250_000.0], None),
            ["1,000 – 25,000", "25,000 – 1,250,000"]
        );
        assert_eq!(format_values(&[-0.0, 2.5], None), ["0", "2.5"]);
    }

    #[test]
    fn a_block_describes_itself_in_words() {
        let swatch = |text: &str| Swatch {
            text: text.into(),
            kind: SwatchKind::Area,
            style: Style::default(),
        };
        let block = LegendBlock {
            title: Some("Unemployment rate".into()),
            body: LegendBody::Classes {
                swatches: vec![
                    swatch("2.0% – 5.0%"),
                    swatch("5.0% – 7.8%"),
                    swatch(NO_DATA),
                ],
            },
            missing: None,
        };
        assert_eq!(
            block.describe(),
            "Unemployment rate: 2.0% – 5.0%, 5.0% – 7.8%, No data"
        );
        let ramp = LegendBlock {
            title: None,
            body: LegendBody::Ramp {
                stops: vec![(0.0, Rgba::rgb(0, 0, 0)), (1.0, Rgba::rgb(255, 255, 255))],
                ticks: vec![(0.0, "0".into()), (1.0, "10".into())],
            },
            missing: Some(swatch("n/a")),
        };
        assert_eq!(ramp.describe(), "a colour ramp from 0 to 10, n/a");
    }
}
