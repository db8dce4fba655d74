//! `[atlas]`: one map per feature of a coverage layer. The spec is read once; each page is
//! the spec with the current feature's values put in (see `build::atlas`).

use super::reader::Table;
use super::validate::{LayerIds, Validator};
use super::Filter;
use crate::color::Paint;

/// The `[atlas]` table of a spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Atlas {
    /// The coverage layer: one page per feature it selects (and `filter` keeps).
    pub layer: String,
    /// Each page's output file name, a template over the feature (`"state-{id}"`); default
    /// the spec's output, a dash and the feature id.
    pub output: Option<String>,
    /// Each page's title, a template over the feature (`"{name}"`); default the spec's.
    pub title: Option<String>,
    /// Each page's subtitle, a template over the feature.
    pub subtitle: Option<String>,
    /// Space left round the current feature, as a share of the frame.
    pub pad: f64,
    /// Fill of the current feature, drawn over the coverage layer; `None` for none.
    pub highlight: Option<Paint>,
    /// Which of the coverage layer's features get a page (all when empty).
    pub filter: Filter,
}

/// The margin round the current feature when `[atlas]` names none.
pub const DEFAULT_ATLAS_PAD: f64 = 0.15;

impl Validator<'_> {
    /// The `[atlas]` table; `None` (with a problem noted) when it is not usable.
    pub(super) fn atlas(&mut self, mut a: Table, ids: &LayerIds) -> Option<Atlas> {
        let layer = match a.string("layer", &mut self.problems) {
            Some(l) if ids.contains(&l.value) => Some(l.value),
            Some(l) => {
                self.problem(
                    l.span,
                    format!(
                        "atlas.layer {:?} is not a layer of this spec (its [[layer]] ids are the coverage layers an atlas can page through)",
                        l.value
                    ),
                );
                None
            }
            None => {
                self.problem(
                    a.span.clone(),
                    "[atlas] needs `layer = \"id\"`: the layer with one page per feature",
                );
                None
            }
        };
        let output = a
            .string("output", &mut self.problems)
            .map(|v| self.template(v));
        let title = a
            .string("title", &mut self.problems)
            .map(|v| self.template(v));
        let subtitle = a
            .string("subtitle", &mut self.problems)
            .map(|v| self.template(v));
        let pad = match a.number("pad", &mut self.problems) {
            Some(p) if (0.0..0.45).contains(&p.value) => p.value,
            Some(p) => {
                self.problem(
                    p.span,
                    format!(
                        "atlas.pad must be from 0 to 0.45 (a share of the frame), got {}",
                        p.value
                    ),
                );
                DEFAULT_ATLAS_PAD
            }
            None => DEFAULT_ATLAS_PAD,
        };
        let highlight = self.opt_paint(&mut a, "highlight");
        let filter = self.filter(&mut a);
        a.finish(&mut self.problems);
        Some(Atlas {
            layer: layer?,
            output,
            title,
            subtitle,
            pad,
            highlight: highlight.filter(|p| !p.is_none()),
            filter,
        })
    }
}
