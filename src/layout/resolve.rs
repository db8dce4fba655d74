//! Texts filled from data before they are laid out: a badge's value, total, caption and
//! note, and the errors that name the template and feature when filling fails.

use super::annotations::BadgeContent;
use super::template::{fill, TemplateError};
use crate::error::{Error, Result};
use crate::prepare::select::describe_filter;
use crate::sources::{DataCache, Feature};
use crate::spec::{Badge, Spec};

/// The error for a template (`what`: "callout 2", "badge 1") that could not be filled
/// from `feature`.
pub fn template_error(
    spec: &Spec,
    what: &str,
    feature: Option<&Feature>,
    e: TemplateError,
) -> Error {
    let message = match (&e, feature) {
        (TemplateError::Missing(k), Some(f)) => {
            format!("{what}: its text names property {k:?}, which its feature {:?} does not have", f.id)
        }
        (TemplateError::Missing(k), None) => format!(
            "{what}: its text names property {k:?}, but it has no feature (set `source` and `where`)"
        ),
        (TemplateError::Syntax(m), _) => format!("{what}: {m}"),
        (_, Some(f)) => format!("{what}, feature {:?}: {}", f.id, e.describe()),
        (_, None) => format!("{what}: {}", e.describe()),
    };
    Error::render(&spec.file, message)
}

/// Badge `k` (0-based) of `spec` with its texts filled from its feature, when it names one.
pub fn resolve_badge(spec: &Spec, cache: &DataCache, k: usize, b: &Badge) -> Result<BadgeContent> {
    let what = format!("badge {}", k + 1);
    let feature = match &b.source {
        Some((path, filter)) => {
            let ds = cache.get(path)?;
            let f = ds.select(filter).next().cloned().ok_or_else(|| {
                Error::render(
                    &spec.file,
                    format!(
                        "{what}: {} matches no feature in {}",
                        describe_filter(filter),
                        path.display()
                    ),
                )
            })?;
            Some(f)
        }
        None => None,
    };
    let filled = |template: &str| {
        fill(template, feature.as_ref())
            .map_err(|e| template_error(spec, &what, feature.as_ref(), e))
    };
    let value = filled(&b.value)?;
    let total = b.total.as_deref().map(filled).transpose()?;
    let caption = filled(&b.caption)?;
    let note = b.note.as_deref().map(filled).transpose()?;
    let units = if b.units {
        let parse = |s: &str| s.replace(',', "").trim().parse::<u32>().ok();
        match (parse(&value), total.as_deref().and_then(parse)) {
            (Some(v), Some(t)) if v <= t && t > 0 && t <= 1000 => Some((v, t)),
            _ => {
                return Err(Error::render(
                    &spec.file,
                    format!("{what}: a unit bar needs whole numbers value <= total <= 1000, got {value:?} of {:?}", total.unwrap_or_default()),
                ))
            }
        }
    } else {
        None
    };
    Ok(BadgeContent {
        value,
        total,
        caption,
        note,
        units,
        color: b.color,
    })
}
