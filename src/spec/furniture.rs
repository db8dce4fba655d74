//! The `[furniture]` table: legend, scale bar, north arrow, frame, graticule and locator
//! inset. A spec without the table gets [`Furniture::DEFAULT`]; each key in it changes
//! only itself.

use super::keywords::{INSET, SCALE_UNITS};
use super::reader::Table;
use super::validate::Validator;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Furniture {
    pub legend: bool,
    pub scale_bar: bool,
    pub scale_km: bool,
    pub scale_miles: bool,
    pub north_arrow: bool,
    pub frame: bool,
    /// Graticule spacing in degrees.
    pub graticule: Option<f64>,
    /// Line and column of the `graticule` key, for errors found when it is drawn.
    pub graticule_at: (usize, usize),
    pub locator_inset: bool,
}

impl Furniture {
    /// No furniture at all.
    pub const NONE: Furniture = Furniture {
        legend: false,
        scale_bar: false,
        scale_km: true,
        scale_miles: false,
        north_arrow: false,
        frame: false,
        graticule: None,
        graticule_at: (0, 0),
        locator_inset: false,
    };

    /// What a spec gets without a `[furniture]` table: legend and scale bar.
    pub const DEFAULT: Furniture = Furniture {
        legend: true,
        scale_bar: true,
        ..Furniture::NONE
    };
}

impl Validator<'_> {
    /// The `[furniture]` table, each key read over [`Furniture::DEFAULT`].
    pub(super) fn furniture(&mut self, mut f: Table) -> Furniture {
        let mut furniture = Furniture::DEFAULT;
        let p = &mut self.problems;
        let (legend, scale_bar) = (f.boolean("legend", p), f.boolean("scale_bar", p));
        let (north_arrow, frame) = (f.boolean("north_arrow", p), f.boolean("frame", p));
        furniture.legend = legend.unwrap_or(furniture.legend);
        furniture.scale_bar = scale_bar.unwrap_or(furniture.scale_bar);
        furniture.north_arrow = north_arrow.unwrap_or(furniture.north_arrow);
        furniture.frame = frame.unwrap_or(furniture.frame);
        (furniture.scale_km, furniture.scale_miles) = self.keyword_or(
            &mut f,
            &SCALE_UNITS,
            (furniture.scale_km, furniture.scale_miles),
        );
        if let Some(g) = f.number("graticule", &mut self.problems) {
            furniture.graticule_at = crate::error::line_column(self.text, g.span.start);
            if g.value == 0.0 {
                furniture.graticule = None;
            } else if g.value.is_finite() && g.value >= 0.1 && g.value <= 90.0 {
                furniture.graticule = Some(g.value);
            } else {
                self.problem(
                    g.span,
                    format!(
                        "graticule is the spacing in degrees, from 0.1 to 90 (0 for none), got {}",
                        g.value
                    ),
                );
            }
        }
        furniture.locator_inset = self.keyword_or(&mut f, &INSET, furniture.locator_inset);
        f.finish(&mut self.problems);
        furniture
    }
}
