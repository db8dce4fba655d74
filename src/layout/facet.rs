//! Small multiples (`[facet]`): one figure of panels, one per value of a layer's property.
//! Every panel is the spec laid out at panel size with that layer drawing only its value's
//! features; the layer's scales are still fitted to all of its features (the panel filter
//! applies after the fit), so every panel shares them; every panel shows the same lon/lat
//! box, so they share the projection and extent; one legend (in the last panel) serves all.

use super::Layout;
use crate::color::Paint;
use crate::error::{Error, Result};
use crate::prepare::extent::lon_lat_extent;
use crate::prepare::select::{select_layer, select_layers};
use crate::scene::{Node, Scene, Text, TextAnchor};
use crate::sources::{DataCache, Value};
use crate::spec::{Extent, Facet, Filter, Spec, Test, MAX_PANELS, MIN_SIDE};

const MARGIN: f64 = 20.0;
const GAP: f64 = 12.0;
const TITLE_SIZE: f64 = 22.0;
const SUBTITLE_SIZE: f64 = 14.0;
const CREDIT_SIZE: f64 = 11.0;

/// Lays out the figure of `spec`'s panels.
pub fn build(spec: &Spec, facet: &Facet, cache: &DataCache) -> Result<Layout> {
    let mut base = spec.clone();
    base.facet = None;
    let Some(at) = base.layers.iter().position(|l| l.id == facet.layer) else {
        return Err(Error::render(
            &spec.file,
            format!("facet.layer {:?} is not a layer of the spec", facet.layer),
        ));
    };
    let values = match &facet.values {
        Some(v) => v.clone(),
        None => distinct_values(&base, at, &facet.by, cache)?,
    };
    if values.is_empty() {
        return Err(Error::render(
            &spec.file,
            format!(
                "facet: no feature of layer {:?} has a value of {:?} to make a panel of",
                facet.layer, facet.by
            ),
        ));
    }
    if values.len() > MAX_PANELS {
        return Err(Error::render(
            &spec.file,
            format!(
                "facet: {:?} has {} values, over the {MAX_PANELS} panels a figure may have; choose some with facet.values",
                facet.by,
                values.len()
            ),
        ));
    }
    // Every panel shows the box all the panels' data fills.
    let selected = select_layers(&base, cache)?;
    let bbox = lon_lat_extent(&base, &selected)?.bbox;
    drop(selected);

    let n = values.len();
    let columns = facet.columns.unwrap_or(n.min(3)).min(n);
    let rows = n.div_ceil(columns);
    let header = MARGIN
        + spec.title.as_ref().map_or(0.0, |_| TITLE_SIZE * 1.4)
        + spec.subtitle.as_ref().map_or(0.0, |_| SUBTITLE_SIZE * 1.5)
        + 6.0;
    let footer = spec
        .credit
        .as_ref()
        .map_or(MARGIN, |_| CREDIT_SIZE * 1.6 + MARGIN);
    let pw = ((spec.width - 2.0 * MARGIN - (columns - 1) as f64 * GAP) / columns as f64).floor();
    let ph = ((spec.height - header - footer - (rows - 1) as f64 * GAP) / rows as f64).floor();
    if pw < MIN_SIDE || ph < MIN_SIDE {
        return Err(Error::render(
            &spec.file,
            format!(
                "facet: {n} panels in {rows} rows of {columns} leave {pw}×{ph} px a panel on a {}×{} figure, under the {MIN_SIDE} px a map needs; make the figure larger or set facet.columns",
                spec.width, spec.height
            ),
        ));
    }

    let mut panels: Vec<Layout> = Vec::with_capacity(n);
    for (i, value) in values.iter().enumerate() {
        let mut panel = base.clone();
        panel.width = pw;
        panel.height = ph;
        panel.title = Some(facet.title.replace("{value}", &text_of(value)));
        panel.subtitle = None;
        panel.credit = None;
        panel.description = None;
        panel.panel = false;
        panel.badges.clear();
        panel.extent = Extent::BBox(bbox);
        panel.layers[at].panel_filter =
            Filter(vec![(facet.by.clone(), Test::OneOf(vec![value.clone()]))]);
        panel.furniture.legend = spec.furniture.legend && i + 1 == n;
        panel.furniture.scale_bar = spec.furniture.scale_bar && i == 0;
        panel.furniture.north_arrow = spec.furniture.north_arrow && i == 0;
        panel.furniture.locator_inset = spec.furniture.locator_inset && i == 0;
        let mut layout = super::build(&panel, cache)?;
        let (x, y) = (
            MARGIN + (i % columns) as f64 * (pw + GAP),
            header + (i / columns) as f64 * (ph + GAP),
        );
        layout.scene.translate(x, y, &format!("panel{}-", i + 1));
        panels.push(layout);
    }
    Ok(compose(spec, facet, panels))
}

/// The figure: the spec's title, subtitle and credit round the panels' scenes.
fn compose(spec: &Spec, facet: &Facet, mut panels: Vec<Layout>) -> Layout {
    let first = &panels[0].scene;
    // The panels' own title colour, so the figure's header follows the theme.
    let mut ink = Paint::rgb(0x22, 0x22, 0x22);
    first.for_each_node(&mut |n| {
        if let Node::Text(t) = n {
            if t.class.as_deref() == Some("title") {
                ink = t.fill;
            }
        }
    });
    let mut nodes = Vec::new();
    let mut y = MARGIN;
    let mut line = |class: &str, text: &str, size: f64, bold: bool, y: f64| {
        let mut t = Text {
            id: Some(format!("figure-{class}")),
            class: Some(class.to_string()),
            x: MARGIN,
            y,
            lines: vec![text.to_string()],
            size,
            bold,
            italic: false,
            fill: ink,
            halo: None,
            anchor: TextAnchor::Start,
            line_height: (size * 1.2).round(),
            letter_spacing: 0.0,
            rotate: 0.0,
            shaped: Vec::new(),
        };
        t.shape();
        nodes.push(Node::Text(t));
    };
    if let Some(title) = &spec.title {
        y += TITLE_SIZE;
        line("title", title, TITLE_SIZE, true, y);
        y += TITLE_SIZE * 0.4;
    }
    if let Some(subtitle) = &spec.subtitle {
        y += SUBTITLE_SIZE * 1.2;
        line("subtitle", subtitle, SUBTITLE_SIZE, false, y);
    }
    if let Some(credit) = &spec.credit {
        line(
            "credit",
            credit,
            CREDIT_SIZE,
            false,
            spec.height - MARGIN + 4.0,
        );
    }
    let mut clips = Vec::new();
    let mut description = format!(
        "{} panels, one for each value of {} in layer {}: ",
        panels.len(),
        facet.by,
        facet.layer
    );
    let count = panels.len();
    for (i, p) in panels.iter_mut().enumerate() {
        clips.append(&mut p.scene.clips);
        description.push_str(&p.scene.title);
        description.push_str(if i + 1 == count { "." } else { ", " });
        let children = std::mem::take(&mut p.scene.nodes);
        nodes.push(Node::Group(crate::scene::Group::named(
            &format!("panel-{}", i + 1),
            "panel",
            children,
        )));
    }
    let mut layout = panels.swap_remove(0);
    for p in panels {
        layout.dropped_labels.extend(p.dropped_labels);
        layout.warnings.extend(p.warnings);
        layout.joins.extend(p.joins);
        layout.missing_glyphs.extend(p.missing_glyphs);
    }
    layout.scene = Scene {
        width: spec.width,
        height: spec.height,
        title: spec.title.clone().unwrap_or_else(|| spec.output.clone()),
        description: spec.description.clone().unwrap_or(description),
        background: layout.scene.background,
        clips,
        nodes,
        dark_variant: layout.scene.dark_variant.take(),
        id_prefix: spec.id_prefix.clone(),
    };
    layout
}

/// Every value of `by` among the features the layer's filter keeps, each once: numbers in
/// numeric order, then the rest as text.
fn distinct_values(
    spec: &Spec,
    at: usize,
    by: &str,
    cache: &DataCache,
) -> Result<Vec<serde_json::Value>> {
    let selected = select_layer(spec, &spec.layers[at], cache)?;
    let mut numbers: Vec<f64> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    for f in selected.source_features() {
        match f.properties.value(by) {
            Some(Value::Number(n)) => {
                if let Ok(x) = n.parse::<f64>() {
                    numbers.push(x);
                }
            }
            Some(Value::Text(t)) => texts.push(t),
            Some(Value::Bool(b)) => texts.push(b.to_string()),
            _ => {}
        }
    }
    numbers.sort_by(f64::total_cmp);
    numbers.dedup();
    texts.sort();
    texts.dedup();
    Ok(numbers
        .into_iter()
        .filter_map(|x| serde_json::Number::from_f64(x).map(serde_json::Value::Number))
        .map(|v| match v.as_f64() {
            Some(x) if x.fract() == 0.0 && x.abs() < 9e15 => serde_json::Value::from(x as i64),
            _ => v,
        })
        .chain(texts.into_iter().map(serde_json::Value::String))
        .collect())
}

/// A value as a panel title shows it.
fn text_of(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
