//! Coordinate reference systems: what a file declares (a Shapefile's `.prj`, a GeoPackage
//! srs, a FlatGeobuf header, the legacy GeoJSON `crs` member) or a layer's `crs` key says,
//! and the step after every read that brings such data to longitude/latitude degrees
//! (proj4rs), or keeps it planar when it is screen or plain planar coordinates.
//!
//! ```
//! use mapfig::sources::crs::Crs;
//!
//! let albers = Crs::parse("EPSG:5070").unwrap();
//! assert_eq!(albers.name, "EPSG:5070");
//! // The centre of the Conus Albers projection is at 96° W, 23° N.
//! let [lon, lat] = albers.to_lon_lat(0.0, 0.0).unwrap();
//! assert!((lon + 96.0).abs() < 1e-9 && (lat - 23.0).abs() < 1e-9);
//! assert!(Crs::parse("urn:ogc:def:crs:OGC:1.3:CRS84").unwrap().is_lon_lat());
//! ```

mod datum;
mod datum_names;
pub mod tree;
pub mod wkt;

use super::dataset::Dataset;
use crate::error::{Error, Result};
use crate::projection::Planar;
use geo::{Coord, Geometry};
use proj4rs::transform::transform;
use proj4rs::Proj;
use rayon::prelude::*;

/// A CRS coordinates are in.
pub struct Crs {
    /// How `inspect` and errors name it: `"EPSG:5070"`, the WKT's name, the PROJ string.
    pub name: String,
    kind: Kind,
}

enum Kind {
    /// Longitude, latitude in degrees on WGS 84 (or a datum within a metre of it that its
    /// definition says needs no shift): checked, not moved.
    LonLat,
    /// Not longitude/latitude: drawn as they are (see [`Planar`]).
    Planar(Planar),
    /// Reprojected with proj4rs; `geographic` sources take and give radians.
    Proj { source: Box<Proj>, geographic: bool },
}

impl std::fmt::Debug for Crs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Crs({})", self.name)
    }
}

/// What to do about a CRS mapfig cannot use, said after why.
pub const REPROJECT_HINT: &str =
    "reproject the file to EPSG:4326 (e.g. ogr2ogr -t_srs EPSG:4326 out.geojson in.shp)";

impl Crs {
    /// Parses a CRS as files and users write it: `EPSG:n`, `urn:ogc:def:crs:EPSG::n`,
    /// `OGC:CRS84`, a PROJ string (`+proj=…`), WKT1 or WKT2, or `screen` / `planar`. The
    /// error says why it cannot be used (not what to do: see [`REPROJECT_HINT`]).
    pub fn parse(text: &str) -> std::result::Result<Crs, String> {
        let t = text.trim();
        let lower = t.to_ascii_lowercase();
        if let Some(p) = Planar::parse(&lower) {
            return Ok(Crs {
                name: p.name().into(),
                kind: Kind::Planar(p),
            });
        }
        const CRS84: &[&str] = &[
            "ogc:crs84",
            "crs:84",
            "crs84",
            "wgs84",
            "urn:ogc:def:crs:ogc:1.3:crs84",
            "urn:ogc:def:crs:ogc::crs84",
            "http://www.opengis.net/def/crs/ogc/1.3/crs84",
        ];
        if CRS84.contains(&lower.as_str()) {
            return Ok(Crs {
                name: "OGC:CRS84".into(),
                kind: Kind::LonLat,
            });
        }
        if let Some(code) = epsg_code(&lower) {
            return Crs::epsg(code);
        }
        if t.starts_with('+') {
            return Crs::proj(t, t, None);
        }
        if wkt::looks_like_wkt(t) {
            let w = wkt::parse(t)?;
            // The EPSG definition when there is one proj4rs can use; else what the WKT says.
            let by_code = w
                .epsg
                .filter(|c| crs_definitions::from_code(*c).is_some())
                .and_then(|c| Crs::epsg(u32::from(c)).ok())
                .map(|crs| Crs {
                    name: format!("{} ({})", crs.name, w.name),
                    ..crs
                });
            if let Some(crs) = by_code {
                return Ok(crs);
            }
            let d = w.proj.map_err(|m| format!("{}: {m}", w.name))?;
            return Crs::proj(&d.proj, &w.name, Some(d.wgs84_lon_lat));
        }
        Err(format!(
            "{:?} is not a CRS mapfig reads: use \"EPSG:n\", a PROJ string (+proj=…), WKT, \"screen\" or \"planar\"",
            shorten(t)
        ))
    }

    /// EPSG:`code`, from the definitions proj4rs carries.
    fn epsg(code: u32) -> std::result::Result<Crs, String> {
        let name = format!("EPSG:{code}");
        if code == 4326 {
            return Ok(Crs {
                name,
                kind: Kind::LonLat,
            });
        }
        let def = u16::try_from(code)
            .ok()
            .and_then(crs_definitions::from_code)
            .ok_or_else(|| format!("{name} is not among the EPSG definitions mapfig knows"))?;
        Crs::proj(def.proj4, &name, None)
    }

    /// A PROJ string; `wgs84` says whether it is WGS 84 longitude/latitude when the caller
    /// knows (else: a `longlat` on `+datum=WGS84` or `+ellps=WGS84` without shift is).
    fn proj(def: &str, name: &str, wgs84: Option<bool>) -> std::result::Result<Crs, String> {
        if def
            .split_whitespace()
            .any(|t| t.starts_with("+nadgrids=") && t != "+nadgrids=@null")
        {
            return Err(format!(
                "{name} shifts its datum with grid files ({def}), which mapfig does not have"
            ));
        }
        let source = Proj::from_proj_string(def)
            .map_err(|e| format!("{name}: proj4rs cannot use {def:?} ({e})"))?;
        let geographic = source.is_latlong();
        let plain_wgs84 = || {
            let tokens: Vec<&str> = def.split_whitespace().collect();
            (tokens.contains(&"+datum=WGS84") || tokens.contains(&"+ellps=WGS84"))
                && tokens.iter().all(|t| {
                    !t.starts_with("+pm=")
                        && (!t.starts_with("+towgs84=")
                            || t.trim_start_matches("+towgs84=")
                                .split(',')
                                .all(|v| v.parse::<f64>() == Ok(0.0)))
                })
        };
        let lon_lat = geographic && wgs84.unwrap_or_else(plain_wgs84);
        let kind = if lon_lat {
            Kind::LonLat
        } else {
            Kind::Proj {
                source: Box::new(source),
                geographic,
            }
        };
        Ok(Crs {
            name: name.to_string(),
            kind,
        })
    }

    /// Whether coordinates in this CRS are WGS 84 longitude/latitude already.
    pub fn is_lon_lat(&self) -> bool {
        matches!(self.kind, Kind::LonLat)
    }

    /// Planar coordinates drawn as they are, if the CRS is one.
    pub fn planar(&self) -> Option<Planar> {
        match self.kind {
            Kind::Planar(p) => Some(p),
            _ => None,
        }
    }

    /// A position in this CRS in longitude/latitude degrees; `None` where it cannot be
    /// reprojected. Planar CRSs have no longitude/latitude: `None`.
    pub fn to_lon_lat(&self, x: f64, y: f64) -> Option<[f64; 2]> {
        match &self.kind {
            Kind::LonLat => Some([x, y]),
            Kind::Planar(_) => None,
            Kind::Proj { source, geographic } => {
                let mut p = if *geographic {
                    (x.to_radians(), y.to_radians(), 0.0)
                } else {
                    (x, y, 0.0)
                };
                transform(source, wgs84()?, &mut p).ok()?;
                let ll = [p.0.to_degrees(), p.1.to_degrees()];
                (ll[0].is_finite() && ll[1].is_finite()).then_some(ll)
            }
        }
    }
}

/// WGS 84 longitude/latitude, built once (a constant definition proj4rs always reads).
fn wgs84() -> Option<&'static Proj> {
    static WGS84: std::sync::OnceLock<Option<Proj>> = std::sync::OnceLock::new();
    WGS84
        .get_or_init(|| Proj::from_proj_string("+proj=longlat +datum=WGS84 +no_defs").ok())
        .as_ref()
}

/// The EPSG code `EPSG:n`, `urn:ogc:def:crs:EPSG:[version]:n` or an opengis.net URI names
/// (lower-cased text).
fn epsg_code(lower: &str) -> Option<u32> {
    let code = lower
        .strip_prefix("epsg:")
        .or_else(|| {
            lower
                .strip_prefix("urn:ogc:def:crs:epsg:")
                .and_then(|rest| rest.rsplit_once(':').map(|(_, c)| c))
        })
        .or_else(|| {
            [
                "http://www.opengis.net/def/crs/epsg/",
                "https://www.opengis.net/def/crs/epsg/",
            ]
            .iter()
            .find_map(|p| lower.strip_prefix(p))
            .and_then(|rest| rest.rsplit_once('/').map(|(_, c)| c))
        })?;
    code.trim().parse().ok()
}

/// Long CRS text (WKT) cut for an error message.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// The CRS step after a read: the layer's `crs` (`layer_crs`), else the CRS the file
/// declares, decides. Longitude/latitude is range-checked and clamped, planar data is kept
/// as it is, anything else is reprojected to longitude/latitude degrees (in parallel) and
/// range-checked; `Dataset::crs` is then the CRS's readable name. Data with no CRS at all
/// was checked by its reader.
pub fn to_lon_lat(data: &mut Dataset, layer_crs: Option<&str>) -> Result<()> {
    let Some(text) = layer_crs.or(data.crs.as_deref()) else {
        return Ok(());
    };
    let whose = if layer_crs.is_some() {
        "the layer's crs"
    } else {
        "the CRS the file declares"
    };
    let crs = Crs::parse(text).map_err(|m| {
        Error::data(
            &data.path,
            "",
            format!("cannot reproject from {whose}: {m}; {REPROJECT_HINT}"),
        )
    })?;
    if crs.planar().is_some() {
        data.crs = Some(crs.name);
        return Ok(());
    }
    if let Some((place, message)) = first_failure(data, &crs) {
        return Err(Error::data(
            &data.path,
            place,
            format!("{message} (in {})", crs.name),
        ));
    }
    data.crs = (!crs.is_lon_lat()).then_some(crs.name);
    Ok(())
}

/// Brings every feature of `data` to longitude/latitude from `crs` (in parallel, in
/// place); the first feature in file order that cannot be, named, and why.
fn first_failure(data: &mut Dataset, crs: &Crs) -> Option<(String, String)> {
    data.features
        .par_iter_mut()
        .enumerate()
        .filter_map(|(i, f)| {
            let g = f.geometry.as_mut()?;
            reproject(g, crs).err().map(|m| (i, &f.id, m))
        })
        .min_by_key(|(i, _, _)| *i)
        .map(|(i, id, message)| (format!("feature {i} (id {id:?})"), message))
}

/// Checks that positions read without a CRS (by a reader that could not check them as it
/// read) are longitude/latitude, clamping rounding at the edges.
pub fn check_lon_lat(data: &mut Dataset) -> Result<()> {
    let crs = Crs {
        name: "longitude/latitude".into(),
        kind: Kind::LonLat,
    };
    match first_failure(data, &crs) {
        Some((place, message)) => Err(Error::data(
            &data.path,
            place,
            format!("{message}; {NOT_LON_LAT_HINT}"),
        )),
        None => Ok(()),
    }
}

/// What to do about data that is plainly not longitude/latitude and declares no CRS.
pub const NOT_LON_LAT_HINT: &str = "if the file is pre-projected, say its CRS with the layer's crs = \"EPSG:…\" (draw --crs), or crs = \"screen\" for screen coordinates such as us-atlas's *-albers files";

/// Slack for rounding at the edges of the longitude/latitude ranges (then clamped).
const SLACK: f64 = 1e-6;

/// Brings every position of `g` to checked longitude/latitude, stopping at the first that
/// cannot be.
fn reproject(g: &mut Geometry<f64>, crs: &Crs) -> std::result::Result<(), String> {
    each_position(g, &mut |c: &mut Coord<f64>| {
        let [lon, lat] = crs.to_lon_lat(c.x, c.y).ok_or_else(|| {
            format!("position [{:?}, {:?}] cannot be reprojected to longitude/latitude: it lies outside the projection's domain", c.x, c.y)
        })?;
        if lon.abs() > 180.0 + SLACK || lat.abs() > 90.0 + SLACK {
            return Err(if crs.is_lon_lat() {
                format!("position [{lon:?}, {lat:?}] is not a longitude, latitude pair in degrees (longitude -180..180, latitude -90..90)")
            } else {
                format!("position [{:?}, {:?}] reprojects to [{lon:?}, {lat:?}], outside longitude -180..180, latitude -90..90", c.x, c.y)
            });
        }
        *c = Coord {
            x: lon.clamp(-180.0, 180.0),
            y: lat.clamp(-90.0, 90.0),
        };
        Ok(())
    })
}

/// Calls `f` on every position of `g` in order, stopping at its first error. (geo's
/// `try_map_coords_in_place` cannot be instantiated for a closure through nested
/// collections; a `dyn` callback can.)
fn each_position(
    g: &mut Geometry<f64>,
    f: &mut dyn FnMut(&mut Coord<f64>) -> std::result::Result<(), String>,
) -> std::result::Result<(), String> {
    let line =
        |l: &mut geo::LineString<f64>,
         f: &mut dyn FnMut(&mut Coord<f64>) -> std::result::Result<(), String>| {
            l.0.iter_mut().try_for_each(f)
        };
    let polygon =
        |p: &mut geo::Polygon<f64>,
         f: &mut dyn FnMut(&mut Coord<f64>) -> std::result::Result<(), String>| {
            let mut outer = Ok(());
            p.exterior_mut(|l| outer = line(l, f));
            outer?;
            let mut inner = Ok(());
            p.interiors_mut(|rings| inner = rings.iter_mut().try_for_each(|l| line(l, f)));
            inner
        };
    match g {
        Geometry::Point(p) => f(&mut p.0),
        Geometry::Line(l) => {
            f(&mut l.start)?;
            f(&mut l.end)
        }
        Geometry::LineString(l) => line(l, f),
        Geometry::Polygon(p) => polygon(p, f),
        Geometry::MultiPoint(m) => m.0.iter_mut().try_for_each(|p| f(&mut p.0)),
        Geometry::MultiLineString(m) => m.0.iter_mut().try_for_each(|l| line(l, f)),
        Geometry::MultiPolygon(m) => m.0.iter_mut().try_for_each(|p| polygon(p, f)),
        Geometry::GeometryCollection(c) => c.0.iter_mut().try_for_each(|g| each_position(g, f)),
        Geometry::Rect(r) => {
            let (mut min, mut max) = (r.min(), r.max());
            f(&mut min)?;
            f(&mut max)?;
            *r = geo::Rect::new(min, max);
            Ok(())
        }
        Geometry::Triangle(t) => {
            let [mut a, mut b, mut c] = [t.v1(), t.v2(), t.v3()];
            f(&mut a)?;
            f(&mut b)?;
            f(&mut c)?;
            *t = geo::Triangle::new(a, b, c);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests;
