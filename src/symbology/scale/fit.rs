//! A layer's rules fitted to its features: each channel the spec maps from data (`fill`,
//! `stroke`, `opacity` as tables) becomes a [`Rule::Mapped`] reading one fitted scale,
//! and the layer's legend blocks are made from those same scales.

use super::legend::{color_block, opacity_block, BlockStyle, Painted};
use super::{ColorScale, NumberScale};
use crate::error::{Error, Result};
use crate::sources::{Dataset, Feature};
use crate::spec::{Encoding, Layer};
use crate::symbology::rules::{Kind, LayerSymbology, Rule};
use std::sync::Arc;

impl LayerSymbology {
    /// The rules of layer `l` reading `dataset`: [`LayerSymbology::fit`] to every feature
    /// of the layer's object that its `where` selects, with or without geometry and
    /// wherever it lies, so the classes describe the layer's data, not what the frame
    /// shows or which polygons survived simplification (and a map's extent never changes
    /// its breaks).
    pub fn fit_dataset(l: &Layer, kind: Kind, dataset: &Dataset) -> Result<LayerSymbology> {
        if l.fill_by.is_none()
            && l.stroke_by.is_none()
            && l.opacity_by.is_none()
            && l.size.is_none()
        {
            return Ok(LayerSymbology::new(l, kind));
        }
        let range = dataset
            .object_range(l.object.as_deref(), &format!("layer {:?}", l.id))
            .map_err(|m| Error::data(&l.source, "", m))?;
        let features: Vec<&Feature> = dataset
            .features
            .get(range)
            .unwrap_or_default()
            .iter()
            .filter(|f| f.matches(&l.filter))
            .collect();
        LayerSymbology::fit(l, kind, &features)
    }

    /// The rules of layer `l` holding `features` (those left after its filter) of `kind`:
    /// [`LayerSymbology::new`]'s, with each mapped channel fitted to the features' values.
    /// An error (exit 1) when the data cannot take a scale (text in a numeric scale with
    /// no number at all, more categories than colours).
    pub fn fit(l: &Layer, kind: Kind, features: &[&Feature]) -> Result<LayerSymbology> {
        // Proportional symbols are point marks, styled as points whatever the features are.
        let kind = if l.size.is_some() { Kind::Point } else { kind };
        let mut sym = LayerSymbology::new(l, kind);
        if l.fill_by.is_none() && l.stroke_by.is_none() && l.opacity_by.is_none() {
            if let Some(size) = &l.size {
                sym.fit_size(l, size, features);
            }
            return Ok(sym);
        }
        let base = sym.resolve(None);
        let kind = sym.swatch_kind();
        let fail = |channel: &str, e: &Encoding, message: String| {
            Error::data(
                &l.source,
                format!("layer {:?}, {channel} by {:?}", l.id, e.by),
                message,
            )
        };
        let mut titled = false;
        let mut style = |e: &Encoding| {
            // A channel's own title, else the layer's legend title heads the first block
            // and later ones are named by their property.
            let title = e.title.clone().or_else(|| {
                if titled {
                    Some(e.by.clone())
                } else {
                    l.legend.clone()
                }
            });
            titled = true;
            BlockStyle {
                title,
                format: l.legend_style.format.as_ref(),
                missing_label: l.legend_style.missing_label.as_deref(),
                kind,
                base: &base,
            }
        };
        if let Some(e) = &l.fill_by {
            let scale = Arc::new(ColorScale::fit(e, features).map_err(|m| fail("fill", e, m))?);
            sym.warnings.extend(scale.fitted.warnings(&l.id, "fill"));
            sym.legend_blocks
                .push(color_block(&scale, &style(e), Painted::Fill));
            if let Some(hatch) = scale.missing.hatch {
                let s = scale.clone();
                sym.hatch = Rule::Mapped {
                    map: Arc::new(move |f| s.color(f).is_none().then_some(hatch)),
                    fallback: None,
                };
            }
            let fallback = scale.missing.fill;
            sym.fill = Rule::Mapped {
                map: Arc::new(move |f| scale.paint(f)),
                fallback,
            };
        }
        if let Some(e) = &l.stroke_by {
            let scale = Arc::new(ColorScale::fit(e, features).map_err(|m| fail("stroke", e, m))?);
            sym.warnings.extend(scale.fitted.warnings(&l.id, "stroke"));
            sym.legend_blocks
                .push(color_block(&scale, &style(e), Painted::Stroke));
            let fallback = scale.missing.fill;
            sym.stroke = Rule::Mapped {
                map: Arc::new(move |f| scale.paint(f)),
                fallback,
            };
        }
        if let Some(e) = &l.opacity_by {
            let scale = Arc::new(NumberScale::fit(e, features).map_err(|m| fail("opacity", e, m))?);
            sym.warnings.extend(scale.fitted.warnings(&l.id, "opacity"));
            sym.legend_blocks.push(opacity_block(&scale, &style(e)));
            // Missing values keep the layer fully opaque: their colour says they are missing.
            sym.opacity = Rule::Mapped {
                map: Arc::new(move |f| scale.value(f).unwrap_or(1.0)),
                fallback: 1.0,
            };
        }
        if let Some(size) = &l.size {
            sym.fit_size(l, size, features);
        }
        Ok(sym)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::color::Paint;
    use crate::sources::{Properties, Value};
    use crate::symbology::legend::LegendBody;

    fn layer(extra: &str) -> Layer {
        let text =
            format!("[[layer]]\nid = \"a\"\nsource = \"a.geojson\"\nlegend = \"Rate\"\n{extra}\n");
        crate::spec::parse(&text, std::path::Path::new("t.toml"))
            .unwrap()
            .layers[0]
            .clone()
    }

    /// Features whose `v` is each of `values` (`None`: without it).
    fn features(values: &[Option<Value>]) -> Vec<Feature> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| Feature {
                id: i.to_string(),
                properties: Properties::from_values(
                    v.iter().map(|v| ("v".to_string(), v.clone())).collect(),
                ),
                geometry: None,
            })
            .collect()
    }

    fn number(n: &str) -> Option<Value> {
        Some(Value::Number(n.into()))
    }

    #[test]
    fn marks_and_legend_come_from_one_scale_with_missing_data_hatched() {
        let l = layer("fill = { by = \"v\", scale = \"equal\", classes = 2, colors = [\"#000000\", \"#ffffff\"], missing = { fill = \"#eeeeee\", hatch = \"#999999\" } }");
        let fs = features(&[
            number("0"),
            number("10"),
            Some(Value::Text("0.5".into())),
            None,
            Some(Value::Text("n/a".into())),
            number("5"),
        ]);
        let refs: Vec<&Feature> = fs.iter().collect();
        let sym = LayerSymbology::fit(&l, Kind::Area, &refs).unwrap();
        let fills: Vec<Paint> = fs.iter().map(|f| sym.resolve(Some(f)).fill).collect();
        let (black, white, grey) = (
            Paint::rgb(0, 0, 0),
            Paint::rgb(255, 255, 255),
            Paint::rgb(0xee, 0xee, 0xee),
        );
        // 5 equals the break (5): the lower class.
        assert_eq!(fills, [black, white, black, grey, grey, black]);
        let hatches: Vec<bool> = fs
            .iter()
            .map(|f| sym.resolve(Some(f)).hatch.is_some())
            .collect();
        assert_eq!(hatches, [false, false, false, true, true, false]);
        assert!(sym.shared_style().is_none());
        assert_eq!(sym.warnings.len(), 1, "{:?}", sym.warnings);
        assert!(sym.warnings[0].contains("1 feature(s) have values that are not numbers"));
        let [block] = sym.legend_blocks.as_slice() else {
            panic!("one block")
        };
        assert_eq!(block.title.as_deref(), Some("Rate"));
        let LegendBody::Classes { swatches } = &block.body else {
            panic!("classes")
        };
        let rows: Vec<(&str, Paint, bool)> = swatches
            .iter()
            .map(|s| (s.text.as_str(), s.style.fill, s.style.hatch.is_some()))
            .collect();
        assert_eq!(
            rows,
            [
                ("0 – 5", black, false),
                ("5 – 10", white, false),
                ("No data", grey, true)
            ]
        );
        assert!(
            sym.legend().is_none(),
            "the mapped layer's legend is its blocks"
        );
    }

    #[test]
    fn continuous_colour_and_opacity_and_refusals() {
        let fs = features(&[number("1"), number("10"), number("100")]);
        let refs: Vec<&Feature> = fs.iter().collect();
        let l = layer("fill = { by = \"v\", scale = \"log\", colors = [\"#000000\", \"#ffffff\"] }\nopacity = { by = \"v\", scale = \"sqrt\", domain = [0, 100], range = [0, 1] }");
        let sym = LayerSymbology::fit(&l, Kind::Area, &refs).unwrap();
        let styles: Vec<_> = fs.iter().map(|f| sym.resolve(Some(f))).collect();
        assert_eq!(styles[0].fill, Paint::rgb(0, 0, 0));
        assert_eq!(styles[2].fill, Paint::rgb(255, 255, 255));
        // Halfway on the log scale: the Oklab middle of black and white.
        assert_eq!(
            styles[1].fill,
            Paint::Color(super::super::palette::mix(
                crate::color::Rgba::rgb(0, 0, 0),
                crate::color::Rgba::rgb(255, 255, 255),
                0.5
            ))
        );
        let opacities: Vec<f64> = styles.iter().map(|s| s.opacity).collect();
        assert_eq!(opacities, [0.1, 10f64.sqrt() / 10.0, 1.0]);
        let LegendBody::Ramp { stops, ticks } = &sym.legend_blocks[0].body else {
            panic!("ramp")
        };
        assert_eq!(stops.first().map(|s| s.0), Some(0.0));
        let ticks: Vec<(f64, &str)> = ticks.iter().map(|(t, s)| (*t, s.as_str())).collect();
        assert_eq!(ticks, [(0.0, "1"), (0.5, "10"), (1.0, "100")]);
        assert_eq!(sym.legend_blocks[1].title.as_deref(), Some("v"));

        // A log scale has no place for 0: missing data and a warning, or with a domain,
        // clamped to its low end.
        let zero = features(&[number("0"), number("3"), number("30")]);
        let refs: Vec<&Feature> = zero.iter().collect();
        let log = "fill = { by = \"v\", scale = \"log\", colors = [\"#000000\", \"#ffffff\"] }";
        let sym = LayerSymbology::fit(&layer(log), Kind::Area, &refs).unwrap();
        let fills: Vec<Paint> = zero.iter().map(|f| sym.resolve(Some(f)).fill).collect();
        let (black, white, grey) = (
            Paint::rgb(0, 0, 0),
            Paint::rgb(255, 255, 255),
            Paint::rgb(0xcc, 0xcc, 0xcc),
        );
        assert_eq!(fills, [grey, black, white]);
        assert!(
            sym.warnings[0].contains("1 feature(s) have values at or below 0"),
            "{:?}",
            sym.warnings
        );
        assert!(sym.legend_blocks[0].missing.is_some(), "a No data row");
        let clamped = log.replace("scale = \"log\"", "scale = \"log\", domain = [3, 30]");
        let sym = LayerSymbology::fit(&layer(&clamped), Kind::Area, &refs).unwrap();
        assert_eq!(sym.resolve(Some(&zero[0])).fill, black);
        assert!(sym.warnings.is_empty());
        let text = features(&[Some(Value::Text("a".into()))]);
        let refs: Vec<&Feature> = text.iter().collect();
        let e = LayerSymbology::fit(
            &layer("fill = { by = \"v\", classes = 3 }"),
            Kind::Area,
            &refs,
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("no value of \"v\" is a number"),
            "{e}"
        );
        assert_eq!(e.exit_code(), 1);
    }

    #[test]
    fn categories_in_order_and_too_many_refused() {
        let values: Vec<Option<Value>> = ["10", "9", "x10"]
            .iter()
            .map(|v| Some(Value::Text(v.to_string())))
            .collect();
        let fs = features(&values);
        let refs: Vec<&Feature> = fs.iter().collect();
        let sym = LayerSymbology::fit(
            &layer("fill = { by = \"v\", scale = \"categorical\" }"),
            Kind::Area,
            &refs,
        )
        .unwrap();
        let LegendBody::Categories { swatches } = &sym.legend_blocks[0].body else {
            panic!("categories")
        };
        let texts: Vec<&str> = swatches.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts,
            ["10", "9", "x10"],
            "text order when not every value is a number"
        );
        let numbers = features(&[number("10"), number("9"), number("9.5")]);
        let refs: Vec<&Feature> = numbers.iter().collect();
        let sym = LayerSymbology::fit(
            &layer("fill = { by = \"v\", scale = \"categorical\" }"),
            Kind::Area,
            &refs,
        )
        .unwrap();
        let LegendBody::Categories { swatches } = &sym.legend_blocks[0].body else {
            panic!("categories")
        };
        let texts: Vec<&str> = swatches.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts,
            ["9", "9.5", "10"],
            "numeric order when every value is a number"
        );
        let many: Vec<Option<Value>> = (0..300)
            .map(|i| Some(Value::Text(format!("v{i}"))))
            .collect();
        let fs = features(&many);
        let refs: Vec<&Feature> = fs.iter().collect();
        let e = LayerSymbology::fit(
            &layer("fill = { by = \"v\", scale = \"categorical\", scheme = \"viridis\" }"),
            Kind::Area,
            &refs,
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("more than 256 different values"),
            "{e}"
        );
    }
}
