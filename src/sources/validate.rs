//! The checks every reader makes of the geometry it reads, whatever the format: positions
//! are longitude, latitude pairs in degrees (RFC 7946's ranges, a hair of slack for
//! rounding, then clamped), lines have 2 positions or more, polygon rings 4 or more and are
//! closed. Readers call these as they build each geometry rather than in a pass after it:
//! the error quotes the position as the file writes it (before clamping) and names the
//! line, ring or polygon it belongs to, and the read stops at the first bad one.

use crate::error::{Error, Result};
use geo::{Coord, LineString, Polygon};
use std::path::Path;

/// Positions as `geo` coordinates.
fn coords_of(ps: &[[f64; 2]]) -> Vec<Coord<f64>> {
    ps.iter().map(|&[x, y]| Coord { x, y }).collect()
}

/// The checks, for one feature: errors name the file and the feature.
pub struct Validator<'a> {
    pub path: &'a Path,
    /// The feature, as errors name it: `feature 3 (id "AF-KDZ")`.
    pub place: &'a str,
    /// The file (or the layer's `crs`) declares a CRS: positions need only be finite here;
    /// the CRS step after the read reprojects them and checks the result.
    pub planar: bool,
}

impl Validator<'_> {
    /// An error about the feature, or the part of it `sub` names (`ring 1`).
    pub fn err(&self, sub: &str, message: impl Into<String>) -> Error {
        let place = if sub.is_empty() {
            self.place.to_string()
        } else {
            format!("{}, {sub}", self.place)
        };
        Error::data(self.path, place, message)
    }

    /// A position as a lon/lat coordinate.
    pub fn position(&self, p: [f64; 2], sub: &str) -> Result<Coord<f64>> {
        let [x, y] = p;
        // Accept a hair outside the valid range (rounding in real data), clamp it.
        const SLACK: f64 = 1e-6;
        if self.planar {
            if !(x.is_finite() && y.is_finite()) {
                return Err(self.err(sub, format!("position [{x:?}, {y:?}] is not finite")));
            }
            return Ok(Coord { x, y });
        }
        if !(x.is_finite() && y.is_finite()) || x.abs() > 180.0 + SLACK || y.abs() > 90.0 + SLACK {
            return Err(self.err(
                sub,
                format!("position [{x:?}, {y:?}] is not a longitude, latitude pair in degrees (RFC 7946: longitude -180..180, latitude -90..90); {}", super::crs::NOT_LON_LAT_HINT),
            ));
        }
        Ok(Coord {
            x: x.clamp(-180.0, 180.0),
            y: y.clamp(-90.0, 90.0),
        })
    }

    // The slice forms are for readers that hold positions as slices (the GeoJSON reader
    // uses the `_vec` forms, which keep its vectors); the same checks, in the same order.
    #[allow(dead_code)]
    pub fn line(&self, ps: &[[f64; 2]], sub: &str) -> Result<LineString<f64>> {
        self.line_vec(coords_of(ps), sub)
    }

    #[allow(dead_code)]
    pub fn ring(&self, ps: &[[f64; 2]], sub: &str) -> Result<LineString<f64>> {
        self.ring_vec(coords_of(ps), sub)
    }

    /// [`line`](Self::line) for positions in a vector of their own: checked and clamped
    /// in place, the vector kept (no copy).
    pub fn line_vec(&self, mut ps: Vec<Coord<f64>>, sub: &str) -> Result<LineString<f64>> {
        if ps.len() < 2 {
            return Err(self.err(
                sub,
                format!(
                    "a line needs at least 2 positions, this one has {}",
                    ps.len()
                ),
            ));
        }
        for c in ps.iter_mut() {
            *c = self.position([c.x, c.y], sub)?;
        }
        Ok(LineString(ps))
    }

    /// [`ring`](Self::ring) for positions in a vector of their own (no copy).
    pub fn ring_vec(&self, ps: Vec<Coord<f64>>, sub: &str) -> Result<LineString<f64>> {
        if ps.len() < 4 {
            return Err(self.err(
                sub,
                format!("a polygon ring needs at least 4 positions (a closed triangle), this one has {}", ps.len()),
            ));
        }
        let at = |c: Option<&Coord<f64>>| c.map(|c| [c.x, c.y]);
        if at(ps.first()) != at(ps.last()) {
            return Err(self.err(
                sub,
                "ring is not closed: its first and last positions differ (RFC 7946 §3.1.6)",
            ));
        }
        self.line_vec(ps, sub)
    }

    /// [`polygon`](Self::polygon) for rings in vectors of their own (no copy).
    pub fn polygon_vec(&self, rings: Vec<Vec<Coord<f64>>>, sub: &str) -> Result<Polygon<f64>> {
        if rings.is_empty() {
            return Err(self.err(sub, "polygon has no rings"));
        }
        let mut out = Vec::with_capacity(rings.len());
        for (i, r) in rings.into_iter().enumerate() {
            let s = if sub.is_empty() {
                format!("ring {i}")
            } else {
                format!("{sub}, ring {i}")
            };
            out.push(self.ring_vec(r, &s)?);
        }
        let exterior = out.remove(0);
        Ok(Polygon::new(exterior, out))
    }

    /// A polygon from its rings, the exterior first.
    #[allow(dead_code)]
    pub fn polygon(&self, rings: &[&[[f64; 2]]], sub: &str) -> Result<Polygon<f64>> {
        self.polygon_vec(rings.iter().map(|r| coords_of(r)).collect(), sub)
    }
}
