//! An atlas: one page per feature of a spec's coverage layer (`[atlas]`). The spec is read
//! once and its data through the batch's one cache (each file parsed once for every page);
//! each page is the spec with the current feature put in: its output name and title from
//! the atlas templates, every `"{atlas.FIELD}"` in a `where` filter or a title replaced by
//! the feature's value, a layer holding only the current feature (highlighted or not) that
//! the page's extent is fitted to.

use crate::error::{Error, Result};
use crate::layout::template;
use crate::prepare::select;
use crate::sources::{DataCache, Feature, Value};
use crate::spec::{id_prefix_for, Atlas, Extent, Filter, Layer, Spec, Test};
use std::collections::HashMap;

/// Most pages one atlas may have: every page is held in memory until the batch is written.
pub const MAX_PAGES: usize = 100_000;

/// The pages of `spec`: itself when it has no `[atlas]`, else one spec per feature of the
/// coverage layer, in the layer's file order.
pub fn pages(spec: Spec, cache: &DataCache) -> Result<Vec<Spec>> {
    let Some(atlas) = spec.atlas.clone() else {
        return Ok(vec![spec]);
    };
    let Some(at) = spec.layers.iter().position(|l| l.id == atlas.layer) else {
        return Err(Error::render(
            &spec.file,
            format!("atlas.layer {:?} is not a layer of the spec", atlas.layer),
        ));
    };
    let coverage = select::select_layer(&spec, &spec.layers[at], cache)?;
    let features: Vec<&Feature> = coverage
        .source_features()
        .filter(|f| f.matches(&atlas.filter) && has_coordinates(f))
        .collect();
    if features.is_empty() {
        return Err(Error::render(
            &spec.file,
            format!(
                "atlas: layer {:?} has no feature with a position{} to make a page of",
                atlas.layer,
                if atlas.filter.0.is_empty() {
                    String::new()
                } else {
                    format!(" matching {}", atlas.filter.describe())
                }
            ),
        ));
    }
    if features.len() > MAX_PAGES {
        return Err(Error::render(
            &spec.file,
            format!(
                "atlas: {} pages, over the limit of {MAX_PAGES}; narrow them with the atlas's `where`",
                features.len()
            ),
        ));
    }
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut out = Vec::with_capacity(features.len());
    for f in features {
        let page = page(&spec, &atlas, at, f)?;
        if let Some(other) = seen.insert(page.output.clone(), f.id.clone()) {
            return Err(Error::render(
                &spec.file,
                format!(
                    "atlas: features {other:?} and {:?} both make a page named {:?}; make atlas.output unique (e.g. include {{id}})",
                    f.id, page.output
                ),
            ));
        }
        out.push(page);
    }
    Ok(out)
}

/// Whether the feature has a position to fit a page to (a TopoJSON county whose rings all
/// collapsed in quantization has a geometry with none).
fn has_coordinates(f: &Feature) -> bool {
    use geo::CoordsIter;
    f.geometry
        .as_ref()
        .is_some_and(|g| g.coords_iter().next().is_some())
}

/// The page of feature `f`.
fn page(spec: &Spec, atlas: &Atlas, at: usize, f: &Feature) -> Result<Spec> {
    let fill = |what: &str, t: &str| {
        template::fill(t, Some(f)).map_err(|e| {
            Error::render(
                &spec.file,
                format!("atlas.{what} for feature {:?}: {}", f.id, e.describe()),
            )
        })
    };
    let mut page = spec.clone();
    page.atlas = None;
    page.output = match &atlas.output {
        Some(t) => file_name(&fill("output", t)?),
        None => file_name(&format!("{}-{}", spec.output, f.id)),
    };
    if page.output.is_empty() {
        return Err(Error::render(
            &spec.file,
            format!("atlas.output for feature {:?} is empty", f.id),
        ));
    }
    page.id_prefix = id_prefix_for(&page.output);
    if let Some(t) = &atlas.title {
        page.title = Some(fill("title", t)?);
    }
    if let Some(t) = &atlas.subtitle {
        page.subtitle = Some(fill("subtitle", t)?);
    }
    for text in [
        &mut page.title,
        &mut page.subtitle,
        &mut page.description,
        &mut page.credit,
    ]
    .into_iter()
    .flatten()
    {
        *text = put_in_text(text, f);
    }
    for l in &mut page.layers {
        put_in_filter(&mut l.filter, f);
    }
    let current = current_layer(spec, atlas, at, f);
    page.extent = Extent::Fit {
        layers: vec![current.id.clone()],
        pad: atlas.pad,
    };
    page.layers.insert(at + 1, current);
    Ok(page)
}

/// The layer holding only the current feature, over the coverage layer: filled with the
/// highlight colour, or drawn not at all (it is what the page is fitted to).
fn current_layer(spec: &Spec, atlas: &Atlas, at: usize, f: &Feature) -> Layer {
    let coverage = &spec.layers[at];
    let mut id = format!("{}-atlas", coverage.id);
    while spec.layers.iter().any(|l| l.id == id) {
        id.push('-');
    }
    let mut filter = coverage.filter.clone();
    filter.0.push((
        "id".to_string(),
        Test::OneOf(vec![serde_json::Value::String(f.id.clone())]),
    ));
    Layer {
        id,
        object: coverage.object.clone(),
        read: coverage.read.clone(),
        join: coverage.join.clone(),
        filter,
        fill: Some(atlas.highlight.unwrap_or(crate::color::Paint::None)),
        stroke: if atlas.highlight.is_some() {
            coverage.stroke
        } else {
            Some(crate::color::Paint::None)
        },
        stroke_width: coverage.stroke_width,
        description: Some(format!("The atlas page's feature, {}", f.id)),
        ..Layer::new("", coverage.source.clone())
    }
}

/// A page's output name as a plain file name: characters other than letters, digits, `-`,
/// `_` and `.` become `-`, and no leading dot.
fn file_name(s: &str) -> String {
    let name: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    name.trim_start_matches('.').to_string()
}

/// The feature's value of `field` (`id` is the feature id) as text.
fn value_text(f: &Feature, field: &str) -> Option<String> {
    if field == "id" {
        return Some(f.id.clone());
    }
    match f.properties.value(field)? {
        Value::Null => None,
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) | Value::Text(n) | Value::Json(n) => Some(n),
    }
}

/// `text` with every `{atlas.FIELD}` replaced by the feature's value (left as it is when
/// the feature has none).
fn put_in_text(text: &str, f: &Feature) -> String {
    const OPEN: &str = "{atlas.";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(OPEN) {
        out.push_str(&rest[..i]);
        let after = &rest[i + OPEN.len()..];
        match after.find('}') {
            Some(j) => match value_text(f, &after[..j]) {
                Some(v) => {
                    out.push_str(&v);
                    rest = &after[j + 1..];
                }
                None => {
                    out.push_str(OPEN);
                    rest = after;
                }
            },
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The filter with `{atlas.FIELD}` put into its text values.
fn put_in_filter(filter: &mut Filter, f: &Feature) {
    for (_, test) in &mut filter.0 {
        put_in_test(test, f);
    }
}

fn put_in_test(test: &mut Test, f: &Feature) {
    let value = |v: &mut serde_json::Value| {
        if let serde_json::Value::String(s) = v {
            if s.contains("{atlas.") {
                *s = put_in_text(s, f);
            }
        }
    };
    match test {
        Test::OneOf(vs) => vs.iter_mut().for_each(value),
        Test::Order(_, v) => value(v),
        Test::Between(a, b) => {
            value(a);
            value(b);
        }
        Test::Not(t) => put_in_test(t, f),
        Test::All(ts) => ts.iter_mut().for_each(|t| put_in_test(t, f)),
        Test::Where(w) => put_in_filter(w, f),
    }
}
