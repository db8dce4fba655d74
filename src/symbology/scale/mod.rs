//! Scales fitted to a layer's features: an [`Encoding`] from the spec plus the values of
//! its `by` property give a [`Fitted`] scale (class bounds, a continuous domain, or the
//! categories), which puts each feature at a [`Position`]; a [`ColorScale`] or
//! [`NumberScale`] turns positions into colours or opacities. Marks and legend read the
//! same fitted object, so they cannot disagree.
//!
//! Values: numbers, and text that reads as a finite number (a joined CSV cell), are
//! numbers; absent and null values are missing; other text in a numeric scale is missing
//! too and counted (a warning says how many). A log scale without a `domain` has no place
//! for values at or below 0: they are drawn as missing and counted too (with a `domain`
//! they are clamped to its low end, as every value beyond it is).

pub mod classify;
pub mod continuous;
mod fit;
pub mod legend;
pub mod palette;

use crate::color::scheme::{Scheme, SchemeKind};
use crate::color::{Paint, Rgba};
use crate::sources::Feature;
use crate::spec::encoding::DEFAULT_CLASSES;
use crate::spec::{Encoding, Missing, ScaleKind};
use continuous::{Continuous, Transform};
use palette::{class_colors, spec_colors, Ramp};
use std::collections::BTreeMap;

/// Most values an `arange` step may produce (classes are at most 20).
pub const MAX_BINS: usize = 64;
/// Most categories a categorical scale takes (more cannot be told apart by colour).
pub const MAX_CATEGORIES: usize = 256;

/// Where a feature's value puts it on a fitted scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Position {
    /// The class index, lowest first.
    Class(usize),
    /// Along a continuous scale, 0 to 1.
    T(f64),
    /// The category index, in the scale's order.
    Category(usize),
}

/// A scale fitted to the data.
#[derive(Debug, Clone, PartialEq)]
pub enum Fit {
    /// Class upper bounds (mapclassify's bins): class i holds `bins[i-1] < v <= bins[i]`.
    /// `lowest` is the low end of the first class (the data's minimum, or -∞ for
    /// threshold classes, whose last bound is +∞).
    Classes {
        bins: Vec<f64>,
        lowest: f64,
    },
    Continuous(Continuous),
    /// The categories in the scale's order: the spec's table order, else sorted (as
    /// numbers when every value is one, else as text).
    Categories {
        values: Vec<String>,
    },
}

/// A fitted scale and what it met in the data.
#[derive(Debug, Clone)]
pub struct Fitted {
    pub by: String,
    pub fit: Fit,
    index: BTreeMap<String, usize>,
    /// Features with a value placed on the scale.
    pub placed: usize,
    /// Features without the property, or with null or empty values.
    pub missing: usize,
    /// Features whose value cannot go on the scale (text in a numeric scale, a category
    /// the spec's table does not list).
    pub unusable: usize,
    /// Features left out of a log scale for values at or below 0.
    pub nonpositive: usize,
    /// A log scale without a domain: values at or below 0 have no position.
    drops_nonpositive: bool,
}

/// A feature's value of `by` as a number, or why not.
enum Reading {
    Missing,
    Text,
    Number(f64),
}

fn read(f: &Feature, by: &str) -> Reading {
    match f.property_text(by) {
        None => Reading::Missing,
        Some(t) if t.trim().is_empty() => Reading::Missing,
        Some(t) => match t.trim().parse::<f64>() {
            Ok(v) if v.is_finite() => Reading::Number(v),
            _ => Reading::Text,
        },
    }
}

impl Fitted {
    /// Fits `e`'s scale to the features' values of `e.by`. `Err` says why the data cannot
    /// take this scale.
    pub fn fit(e: &Encoding, features: &[&Feature]) -> Result<Fitted, String> {
        if e.scale == ScaleKind::Categorical {
            return Self::categories(e, features);
        }
        let drops_nonpositive = e.scale == ScaleKind::Log && e.domain.is_none();
        let (mut values, mut missing, mut text, mut nonpositive) = (Vec::new(), 0, 0, 0);
        for f in features {
            match read(f, &e.by) {
                Reading::Missing => missing += 1,
                Reading::Text => text += 1,
                Reading::Number(v) if drops_nonpositive && v <= 0.0 => nonpositive += 1,
                Reading::Number(v) => values.push(v),
            }
        }
        if values.is_empty() && text > 0 {
            return Err(format!(
                "no value of {:?} is a number ({text} are text): use scale = \"categorical\" for text values, or check the property name",
                e.by
            ));
        }
        values.sort_by(f64::total_cmp);
        let fit = numeric_fit(e, &values);
        Ok(Fitted {
            by: e.by.clone(),
            fit,
            index: BTreeMap::new(),
            placed: values.len(),
            missing,
            unusable: text,
            nonpositive,
            drops_nonpositive,
        })
    }

    fn categories(e: &Encoding, features: &[&Feature]) -> Result<Fitted, String> {
        let listed = !e.categories.is_empty();
        let mut values: Vec<String> = e.categories.iter().map(|(v, _)| v.clone()).collect();
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        for (i, v) in values.iter().enumerate() {
            index.entry(v.clone()).or_insert(i);
        }
        let (mut placed, mut missing, mut unusable) = (0, 0, 0);
        let mut seen: BTreeMap<String, ()> = BTreeMap::new();
        for f in features {
            match f.property_text(&e.by) {
                None => missing += 1,
                Some(t) if t.is_empty() => missing += 1,
                Some(t) if listed => {
                    if index.contains_key(&t) {
                        placed += 1;
                    } else {
                        unusable += 1;
                    }
                }
                Some(t) => {
                    placed += 1;
                    if !seen.contains_key(&t) {
                        if seen.len() >= MAX_CATEGORIES {
                            return Err(format!(
                                "{:?} has more than {MAX_CATEGORIES} different values, too many to tell apart by colour: use a numeric scale, or map a property with fewer values",
                                e.by
                            ));
                        }
                        seen.insert(t, ());
                    }
                }
            }
        }
        if !listed {
            values = seen.into_keys().collect();
            let numeric: Option<Vec<f64>> = values
                .iter()
                .map(|v| v.trim().parse::<f64>().ok())
                .collect();
            if let Some(numbers) = numeric {
                let mut pairs: Vec<(f64, String)> = numbers.into_iter().zip(values).collect();
                pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
                values = pairs.into_iter().map(|(_, v)| v).collect();
            }
            index = values
                .iter()
                .enumerate()
                .map(|(i, v)| (v.clone(), i))
                .collect();
        }
        Ok(Fitted {
            by: e.by.clone(),
            fit: Fit::Categories { values },
            index,
            placed,
            missing,
            unusable,
            nonpositive: 0,
            drops_nonpositive: false,
        })
    }

    /// Where `f` goes on the scale; `None` when its value is missing or unusable.
    pub fn position(&self, f: &Feature) -> Option<Position> {
        match &self.fit {
            Fit::Categories { .. } => {
                let t = f.property_text(&self.by)?;
                self.index.get(&t).map(|i| Position::Category(*i))
            }
            fit => {
                let Reading::Number(v) = read(f, &self.by) else {
                    return None;
                };
                match fit {
                    Fit::Classes { bins, .. } if bins.is_empty() => None,
                    Fit::Classes { bins, .. } => Some(Position::Class(classify::class_of(bins, v))),
                    Fit::Continuous(_) if self.drops_nonpositive && v <= 0.0 => None,
                    Fit::Continuous(c) => Some(Position::T(c.t(v))),
                    Fit::Categories { .. } => None,
                }
            }
        }
    }

    /// How many classes or categories the scale has (0 for a continuous one).
    pub fn slots(&self) -> usize {
        match &self.fit {
            Fit::Classes { bins, .. } => bins.len(),
            Fit::Continuous(_) => 0,
            Fit::Categories { values } => values.len(),
        }
    }

    /// A sentence for each kind of value that was left out, for the run's warnings.
    pub fn warnings(&self, layer: &str, channel: &str) -> Vec<String> {
        let mut out = Vec::new();
        if self.unusable > 0 {
            let what = match self.fit {
                Fit::Categories { .. } => "values its `colors` table does not list",
                _ => "values that are not numbers",
            };
            out.push(format!(
                "layer {layer:?}: {channel} by {:?}: {} feature(s) have {what}, drawn as missing data",
                self.by, self.unusable
            ));
        }
        if self.nonpositive > 0 {
            out.push(format!(
                "layer {layer:?}: {channel} by {:?}: {} feature(s) have values at or below 0, which a log scale cannot show, drawn as missing data (give the scale a `domain` to clamp them to its low end, or leave them out with `where`)",
                self.by, self.nonpositive
            ));
        }
        if self.placed == 0 && self.missing + self.nonpositive > 0 {
            out.push(format!(
                "layer {layer:?}: {channel} by {:?}: no feature has a value the scale can show, all {} are drawn as missing data",
                self.by, self.missing + self.nonpositive
            ));
        }
        out
    }
}

/// The classes or continuous scale of sorted, finite `values`.
fn numeric_fit(e: &Encoding, values: &[f64]) -> Fit {
    let k = e.classes.unwrap_or(DEFAULT_CLASSES);
    let (data_lo, data_hi) = match (values.first(), values.last()) {
        (Some(a), Some(b)) => (*a, *b),
        _ => (f64::NAN, f64::NAN),
    };
    let [lo, hi] = e.domain.unwrap_or([data_lo, data_hi]);
    let classes = |bins: Vec<f64>, lowest: f64| Fit::Classes { bins, lowest };
    match e.scale {
        ScaleKind::Threshold => {
            let mut bins = e.breaks.clone();
            bins.push(f64::INFINITY);
            classes(bins, f64::NEG_INFINITY)
        }
        _ if values.is_empty() && e.domain.is_none() => classes(Vec::new(), f64::NAN),
        ScaleKind::Quantile | ScaleKind::Jenks => {
            let bins = if e.scale == ScaleKind::Quantile {
                classify::quantile(values, k)
            } else {
                classify::jenks(values, k)
            };
            let bins = if e.nice {
                classify::nice(&bins, lo, hi)
            } else {
                bins
            };
            classes(bins, lo)
        }
        ScaleKind::Equal if e.nice => classes(classify::nice_equal_interval(lo, hi, k), lo),
        ScaleKind::Equal => classes(classify::equal_interval(lo, hi, k), lo),
        scale => {
            let transform = match scale {
                ScaleKind::Log => Transform::Log,
                ScaleKind::Sqrt => Transform::Sqrt,
                ScaleKind::Diverging => Transform::Diverging {
                    mid: e.midpoint.unwrap_or(0.0),
                },
                _ => Transform::Linear,
            };
            Fit::Continuous(Continuous::new(transform, lo, hi, e.nice))
        }
    }
}

/// Colours for a fitted scale.
#[derive(Debug, Clone)]
enum Palette {
    /// One colour per class or category.
    Discrete(Vec<Rgba>),
    Ramp(Ramp),
}

/// A fitted colour scale (`fill` or `stroke` by data).
#[derive(Debug, Clone)]
pub struct ColorScale {
    pub fitted: Fitted,
    palette: Palette,
    pub missing: Missing,
}

impl ColorScale {
    /// Fits `e` to the features and picks its colours: the scheme's own k-class colours
    /// for classes (else its ramp in Oklab), the ramp for continuous scales, one colour per
    /// category (refused when the scheme or `colors` has fewer than the categories).
    pub fn fit(e: &Encoding, features: &[&Feature]) -> Result<ColorScale, String> {
        let fitted = Fitted::fit(e, features)?;
        let scheme_name = e
            .scheme
            .clone()
            .unwrap_or_else(|| default_scheme(e.scale, fitted.slots()).into());
        let scheme = if e.colors.is_empty() {
            Scheme::find(&scheme_name)
        } else {
            None
        };
        let own = spec_colors(&e.colors);
        let mut palette = match &fitted.fit {
            Fit::Classes { bins, .. } => Palette::Discrete(class_colors(scheme, &own, bins.len())),
            Fit::Continuous(_) => Palette::Ramp(Ramp::new(match scheme {
                Some(s) => s.ramp(),
                None => own,
            })),
            Fit::Categories { values } => {
                Palette::Discrete(category_colors(e, scheme, &own, values.len())?)
            }
        };
        if e.reverse {
            palette = match palette {
                Palette::Discrete(mut c) => {
                    c.reverse();
                    Palette::Discrete(c)
                }
                Palette::Ramp(r) => Palette::Ramp(r.reversed()),
            };
        }
        Ok(ColorScale {
            fitted,
            palette,
            missing: e.missing.clone(),
        })
    }

    /// The colour of a scale position.
    pub fn color_at(&self, p: Position) -> Rgba {
        match (&self.palette, p) {
            (Palette::Discrete(c), Position::Class(i) | Position::Category(i)) => {
                c.get(i).copied().unwrap_or(Rgba::rgb(0, 0, 0))
            }
            (Palette::Ramp(r), Position::T(t)) => r.at(t),
            (Palette::Ramp(r), _) => r.at(0.5),
            (Palette::Discrete(c), Position::T(t)) => Ramp::new(c.clone()).at(t),
        }
    }

    /// The colour of `f`, `None` when its value is missing.
    pub fn color(&self, f: &Feature) -> Option<Rgba> {
        self.fitted.position(f).map(|p| self.color_at(p))
    }

    /// The paint of `f`: its colour, or the missing colour.
    pub fn paint(&self, f: &Feature) -> Paint {
        self.color(f).map_or(self.missing.fill, Paint::Color)
    }

    /// The colour ramp's stops (continuous scales).
    pub fn stops(&self) -> Vec<(f64, Rgba)> {
        match &self.palette {
            Palette::Ramp(r) => r.stops(),
            Palette::Discrete(c) => Ramp::new(c.clone()).stops(),
        }
    }
}

/// The scheme a scale uses when the spec names none.
fn default_scheme(scale: ScaleKind, slots: usize) -> &'static str {
    match scale {
        ScaleKind::Categorical if slots <= 8 => "Set2",
        ScaleKind::Categorical => "Set3",
        ScaleKind::Diverging => "RdBu",
        s if s.is_classed() => "Blues",
        _ => "viridis",
    }
}

/// `n` colours for categories: the spec's table, its list, or the scheme's.
fn category_colors(
    e: &Encoding,
    scheme: Option<&Scheme>,
    own: &[Rgba],
    n: usize,
) -> Result<Vec<Rgba>, String> {
    if !e.categories.is_empty() {
        return Ok(spec_colors(
            &e.categories.iter().map(|(_, p)| *p).collect::<Vec<_>>(),
        ));
    }
    let too_many = |have: usize, what: &str| {
        format!(
            "{:?} has {n} different values but {what} has {have} colours: give `colors = {{ value = \"colour\", .. }}` or a longer `colors` list, or use a scheme with more colours",
            e.by
        )
    };
    if !own.is_empty() {
        if n > own.len() {
            return Err(too_many(own.len(), "`colors`"));
        }
        return Ok(own[..n].to_vec());
    }
    let Some(s) = scheme else {
        return Ok(Vec::new());
    };
    if s.kind == SchemeKind::Qualitative {
        if n > s.max_classes() {
            return Err(too_many(s.max_classes(), &format!("scheme {:?}", s.name)));
        }
        let mut colors = s.classes(n.max(s.min_classes)).unwrap_or_default();
        colors.truncate(n);
        return Ok(colors);
    }
    Ok(class_colors(Some(s), &[], n))
}

/// A fitted numeric scale (`opacity` by data): positions onto `range`.
#[derive(Debug, Clone)]
pub struct NumberScale {
    pub fitted: Fitted,
    pub range: [f64; 2],
    reverse: bool,
}

impl NumberScale {
    pub fn fit(e: &Encoding, features: &[&Feature]) -> Result<NumberScale, String> {
        Ok(NumberScale {
            fitted: Fitted::fit(e, features)?,
            range: e.range.unwrap_or([0.2, 1.0]),
            reverse: e.reverse,
        })
    }

    pub fn value_at(&self, p: Position) -> f64 {
        let n = self.fitted.slots();
        let u = match p {
            Position::T(t) => t,
            Position::Class(i) | Position::Category(i) if n > 1 => i as f64 / (n - 1) as f64,
            _ => 1.0,
        };
        let u = if self.reverse { 1.0 - u } else { u };
        self.range[0] + (self.range[1] - self.range[0]) * u
    }

    pub fn value(&self, f: &Feature) -> Option<f64> {
        self.fitted.position(f).map(|p| self.value_at(p))
    }
}
