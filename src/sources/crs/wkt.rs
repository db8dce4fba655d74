//! Well-known text CRSs (WKT1 as OGC and ESRI `.prj` files write it, WKT2 as GeoPackage
//! 1.2+ and FlatGeobuf may store it) turned into PROJ strings proj4rs reads. The text is
//! parsed into a small tree once; the datum, projection method and parameters are then
//! looked up by name, spelt any of the ways OGC, EPSG and ESRI spell them. Whatever is not
//! understood (a method, a parameter, a datum without a known shift to WGS 84) is refused
//! by name rather than guessed.

use super::datum;
use super::tree::{epsg_of, normalize, parse_tree, unit_factor, Arg, Node, DEGREE};

/// What a WKT CRS says: its name, its EPSG code if it gives one, and the PROJ string for it
/// (or why there is none).
#[derive(Debug, Clone, PartialEq)]
pub struct Wkt {
    pub name: String,
    pub epsg: Option<u16>,
    pub proj: Result<Described, String>,
}

/// A CRS as PROJ describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Described {
    pub proj: String,
    /// Longitude/latitude on WGS 84 itself, in degrees: nothing to reproject.
    pub wgs84_lon_lat: bool,
}

/// Whether `text` looks like WKT (a keyword and a bracket), not a name or PROJ string.
pub fn looks_like_wkt(text: &str) -> bool {
    let t = text.trim_start();
    let key_end = t
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(t.len());
    key_end > 0 && matches!(t[key_end..].trim_start().chars().next(), Some('[' | '('))
}

/// Parses a WKT CRS.
pub fn parse(text: &str) -> Result<Wkt, String> {
    let root = parse_tree(text)?;
    let crs = horizontal(&root)?;
    // A WKT2 bound CRS carries its datum's shift to WGS 84 beside the CRS.
    let shift = datum::bound_shift(&root)?;
    Ok(Wkt {
        name: crs.text(0).unwrap_or(&crs.key).to_string(),
        epsg: epsg_of(crs),
        proj: describe(crs, shift.as_deref()),
    })
}

const GEOGRAPHIC: &[&str] = &[
    "GEOGCS",
    "GEOGCRS",
    "GEODCRS",
    "GEOGRAPHICCRS",
    "GEODETICCRS",
    "BASEGEOGCRS",
    "BASEGEODCRS",
];
const PROJECTED: &[&str] = &["PROJCS", "PROJCRS", "PROJECTEDCRS"];

/// The horizontal CRS of `root`: itself, or the horizontal part of a compound CRS, or the
/// source of a WKT2 bound CRS.
fn horizontal(root: &Node) -> Result<&Node, String> {
    let key = root.key.as_str();
    if GEOGRAPHIC.contains(&key) || PROJECTED.contains(&key) {
        return Ok(root);
    }
    let inner = match key {
        "COMPD_CS" | "COMPOUNDCRS" => root
            .children(PROJECTED)
            .chain(root.children(GEOGRAPHIC))
            .next(),
        "BOUNDCRS" => root.child(&["SOURCECRS"]).and_then(|s| {
            s.args.iter().find_map(|a| match a {
                Arg::Node(n) => Some(n),
                _ => None,
            })
        }),
        _ => None,
    };
    match inner {
        Some(n) => horizontal(n),
        None => Err(format!(
            "{key} is not a horizontal CRS mapfig can read (expected PROJCS, GEOGCS, PROJCRS or GEOGCRS)"
        )),
    }
}

/// The PROJ string for a CRS node.
fn describe(crs: &Node, shift: Option<&str>) -> Result<Described, String> {
    if PROJECTED.contains(&crs.key.as_str()) {
        return projected(crs, shift);
    }
    let g = geographic(crs, shift)?;
    let wgs84 = g.wgs84;
    Ok(Described {
        proj: format!("+proj=longlat {}", g.datum),
        wgs84_lon_lat: wgs84,
    })
}

/// The datum part of a geographic CRS.
struct Geographic {
    /// `+a=… +rf=… +towgs84=…` (and `+pm=…`).
    datum: String,
    /// Radians per unit of its angles.
    angle_unit: f64,
    /// It is WGS 84 longitude/latitude in degrees.
    wgs84: bool,
}

fn geographic(g: &Node, shift: Option<&str>) -> Result<Geographic, String> {
    let datum = g
        .child(&["DATUM", "GEODETICDATUM", "TRF", "ENSEMBLE"])
        .ok_or("the geographic CRS has no DATUM")?;
    let datum_name = datum.text(0).unwrap_or_default();
    let ellipsoid = datum
        .child(&["SPHEROID", "ELLIPSOID"])
        .or_else(|| g.child(&["SPHEROID", "ELLIPSOID"]))
        .ok_or_else(|| format!("datum {datum_name:?} has no ellipsoid"))?;
    let (a, rf) = match ellipsoid.numbers()[..] {
        [a, rf, ..] if a > 0.0 && rf >= 0.0 => (
            a * unit_factor(ellipsoid.child(&["LENGTHUNIT", "UNIT"]), 1.0),
            rf,
        ),
        _ => {
            return Err(format!(
                "ellipsoid {:?} needs a semi-major axis and an inverse flattening",
                ellipsoid.text(0).unwrap_or_default()
            ))
        }
    };
    let unit = g.child(&["UNIT", "ANGLEUNIT"]).or_else(|| {
        g.children(&["AXIS"])
            .find_map(|ax| ax.child(&["ANGLEUNIT", "UNIT"]))
    });
    let angle_unit = unit_factor(unit, DEGREE);
    let pm = g.child(&["PRIMEM", "PRIMEMERIDIAN"]).map_or(0.0, |p| {
        let own = unit_factor(p.child(&["ANGLEUNIT", "UNIT"]), angle_unit);
        p.numbers().first().copied().unwrap_or(0.0) * own / DEGREE
    });
    let shift = match shift {
        Some(s) => s.to_string(),
        None => datum::shift(g, datum, datum_name)?,
    };
    let ellipsoid = if rf == 0.0 {
        format!("+a={a} +b={a}")
    } else {
        format!("+a={a} +rf={rf}")
    };
    let mut datum = format!("{ellipsoid} {shift}");
    if pm != 0.0 {
        datum.push_str(&format!(" +pm={pm}"));
    }
    let wgs84 = a == 6_378_137.0
        && (rf - 298.257_223_563).abs() < 1e-8
        && shift == datum::ZERO_SHIFT
        && pm == 0.0
        && (angle_unit - DEGREE).abs() < 1e-12;
    Ok(Geographic {
        datum,
        angle_unit,
        wgs84,
    })
}

/// What a projection parameter is, by name.
#[derive(Clone, Copy, PartialEq)]
enum Param {
    Angle(&'static str),
    Linear(&'static str),
    Scale,
    AuxiliarySphere,
}

fn param_kind(name: &str) -> Option<Param> {
    use Param::*;
    Some(match normalize(name).as_str() {
        "falseeasting"
        | "eastingatfalseorigin"
        | "eastingatprojectioncentre"
        | "eastingatprojectioncenter" => Linear("x_0"),
        "falsenorthing"
        | "northingatfalseorigin"
        | "northingatprojectioncentre"
        | "northingatprojectioncenter" => Linear("y_0"),
        "centralmeridian"
        | "longitudeofcenter"
        | "longitudeofcentre"
        | "longitudeofnaturalorigin"
        | "longitudeoffalseorigin"
        | "longitudeoforigin"
        | "longitudeofprojectioncentre"
        | "longitudeofprojectioncenter" => Angle("lon_0"),
        "latitudeoforigin"
        | "latitudeofcenter"
        | "latitudeofcentre"
        | "latitudeofnaturalorigin"
        | "latitudeoffalseorigin"
        | "latitudeofprojectioncentre"
        | "latitudeofprojectioncenter" => Angle("lat_0"),
        "standardparallel1"
        | "latitudeof1ststandardparallel"
        | "latitudeofstandardparallel"
        | "standardparallel"
        | "pseudostandardparallel1" => Angle("lat_1"),
        "standardparallel2" | "latitudeof2ndstandardparallel" => Angle("lat_2"),
        "scalefactor"
        | "scalefactoratnaturalorigin"
        | "scalefactoratprojectioncentre"
        | "scalefactoratprojectioncenter"
        | "scalefactoratcentre"
        | "scalefactoroninitialline" => Scale,
        "azimuth" | "azimuthofinitialline" | "azimuthofcentreline" => Angle("alpha"),
        "rectifiedgridangle"
        | "xyplanerotation"
        | "anglefromrectifiedtoskewgrid"
        | "angleatfromrectifiedtoskewgrid" => Angle("gamma"),
        "auxiliaryspheretype" => AuxiliarySphere,
        _ => return None,
    })
}

/// The PROJ name of a projection method, by any of its names.
fn method(name: &str) -> Option<&'static str> {
    Some(match normalize(name).as_str() {
        "albers" | "albersconicequalarea" | "albersequalarea" => "aea",
        "lambertconformalconic"
        | "lambertconformalconic2sp"
        | "lambertconicconformal2sp"
        | "lambertconformalconic1sp"
        | "lambertconicconformal1sp" => "lcc",
        "transversemercator" | "gausskruger" => "tmerc",
        "mercator" | "mercator1sp" | "mercator2sp" | "mercatorvarianta" | "mercatorvariantb" => {
            "merc"
        }
        "mercatorauxiliarysphere" | "popularvisualisationpseudomercator" => "webmerc",
        "lambertazimuthalequalarea" => "laea",
        "azimuthalequidistant" => "aeqd",
        "polarstereographic"
        | "polarstereographicvarianta"
        | "polarstereographicvariantb"
        | "stereographicnorthpole"
        | "stereographicsouthpole"
        | "stereographic" => "stere",
        "obliquestereographic" | "doublestereographic" => "sterea",
        "equirectangular" | "equidistantcylindrical" | "platecarree" => "eqc",
        "cylindricalequalarea" | "lambertcylindricalequalarea" | "behrmann" => "cea",
        "sinusoidal" => "sinu",
        "mollweide" => "moll",
        "robinson" => "robin",
        "equalearth" => "eqearth",
        "millercylindrical" => "mill",
        "equidistantconic" => "eqdc",
        "orthographic" => "ortho",
        "gnomonic" => "gnom",
        "cassinisoldner" | "cassini" => "cass",
        "polyconic" | "americanpolyconic" => "poly",
        // Hotine oblique Mercator: variant A (natural origin) and B (centre).
        "hotineobliquemercator"
        | "hotineobliquemercatorvarianta"
        | "hotineobliquemercatorazimuthnaturalorigin"
        | "rectifiedskeworthomorphicnaturalorigin"
        | "obliquemercator"
        | "hotineobliquemercatorvariantb"
        | "hotineobliquemercatorazimuthcenter"
        | "rectifiedskeworthomorphiccenter"
        | "rectifiedskeworthomorphic" => "omerc",
        _ => return None,
    })
}

/// Whether a Hotine oblique Mercator method (normalized name) is variant B, whose false
/// easting and northing are at the projection centre. OGC WKT1 spells variant B
/// `Oblique_Mercator` and variant A `Hotine_Oblique_Mercator`.
fn is_centre_variant(m: &str) -> bool {
    m == "obliquemercator"
        || m.ends_with("variantb")
        || m.ends_with("center")
        || m == "rectifiedskeworthomorphic"
}

/// A projected CRS as a PROJ string.
fn projected(crs: &Node, shift: Option<&str>) -> Result<Described, String> {
    let base = crs
        .child(GEOGRAPHIC)
        .ok_or("the projected CRS has no geographic CRS (GEOGCS) it is based on")?;
    let geo = geographic(base, shift)?;
    // WKT1 keeps the method and parameters on the CRS; WKT2 in its CONVERSION.
    let conversion = crs.child(&["CONVERSION"]).unwrap_or(crs);
    let method_name = conversion
        .child(&["PROJECTION", "METHOD"])
        .and_then(|m| m.text(0))
        .ok_or("the projected CRS names no projection method (PROJECTION)")?;
    let mut proj = method(method_name)
        .ok_or_else(|| format!("projection {method_name:?} is not supported"))?;
    // GDAL writes Web Mercator (EPSG:3857) in WKT1 as Mercator_1SP on a sphere, saying in
    // a PROJ4 extension that the datum must not be shifted (+nadgrids=@null).
    let web = crs.children(&["EXTENSION"]).any(|e| {
        e.text(0) == Some("PROJ4") && e.text(1).is_some_and(|t| t.contains("+nadgrids=@null"))
    });
    if proj == "merc" && web {
        proj = "webmerc";
    }
    let linear = unit_factor(
        crs.child(&["UNIT", "LENGTHUNIT"]).or_else(|| {
            crs.children(&["AXIS"])
                .find_map(|a| a.child(&["LENGTHUNIT", "UNIT"]))
        }),
        1.0,
    );
    let mut params: Vec<(&'static str, f64)> = Vec::new();
    for p in conversion.children(&["PARAMETER"]) {
        let name = p.text(0).unwrap_or_default();
        let value = p
            .numbers()
            .first()
            .copied()
            .ok_or_else(|| format!("parameter {name:?} has no value"))?;
        let own = p.child(&["ANGLEUNIT", "LENGTHUNIT", "SCALEUNIT", "UNIT"]);
        match param_kind(name) {
            Some(Param::Angle(key)) => {
                let f = unit_factor(own, geo.angle_unit);
                params.push((key, to_degrees(value, f)));
            }
            Some(Param::Linear(key)) => params.push((key, value * unit_factor(own, linear))),
            Some(Param::Scale) => params.push(("k_0", value)),
            Some(Param::AuxiliarySphere) if value == 0.0 => {}
            Some(Param::AuxiliarySphere) => {
                return Err(format!("Auxiliary_Sphere_Type {value} is not supported (only 0, the WGS 84 sphere of Web Mercator)"))
            }
            None => return Err(format!("projection parameter {name:?} is not supported")),
        }
    }
    let get = |k: &str| params.iter().find(|(key, _)| *key == k).map(|(_, v)| *v);
    let mut out = format!("+proj={proj}");
    // Methods whose "standard parallel" PROJ calls the latitude of true scale.
    let ts = matches!(proj, "merc" | "eqc" | "cea" | "stere");
    for (key, value) in &params {
        let key = match *key {
            "lat_1" if ts => "lat_ts",
            // The oblique Mercator's centre longitude.
            "lon_0" if proj == "omerc" => "lonc",
            key => key,
        };
        out.push_str(&format!(" +{key}={value}"));
    }
    if proj == "lcc" && get("lat_1").is_none() {
        // One standard parallel (Lambert 1SP): the latitude of origin.
        out.push_str(&format!(" +lat_1={}", get("lat_0").unwrap_or(0.0)));
    }
    let m = normalize(method_name);
    if proj == "omerc" && !is_centre_variant(&m) {
        // Variant A: false easting and northing at the natural origin, not the centre.
        out.push_str(" +no_uoff");
    }
    if m == "behrmann" && get("lat_1").is_none() {
        // ESRI's Behrmann: cylindrical equal-area true to scale at 30°.
        out.push_str(" +lat_ts=30");
    }
    if proj == "stere" && (m.contains("polar") || m.contains("pole")) {
        // Polar variant B and ESRI's polar methods give the standard parallel only, and
        // OGC WKT1 writes it as the latitude of origin: the projection is centred on the
        // pole on its side, true to scale at that latitude.
        let lat_0 = get("lat_0").filter(|l| l.abs() != 90.0);
        if let Some(ts) = lat_0 {
            out = out.replace(&format!(" +lat_0={ts}"), &format!(" +lat_ts={ts}"));
        }
        if get("lat_0").is_none() || lat_0.is_some() {
            let south = m.contains("south") || get("lat_1").or(lat_0).is_some_and(|l| l < 0.0);
            out.push_str(if south { " +lat_0=-90" } else { " +lat_0=90" });
        }
    }
    if proj == "webmerc" {
        // Web Mercator: WGS 84 coordinates on the sphere's formulas, no datum change.
        out.push_str(" +ellps=WGS84 +towgs84=0,0,0,0,0,0,0");
    } else {
        out.push(' ');
        out.push_str(&geo.datum);
    }
    if linear == 1.0 {
        out.push_str(" +units=m");
    } else {
        out.push_str(&format!(" +to_meter={linear}"));
    }
    Ok(Described {
        proj: out,
        wgs84_lon_lat: false,
    })
}

/// An angle in a unit of `factor` radians, in degrees: exact for degrees written with
/// fewer digits of π/180 than f64 holds.
fn to_degrees(value: f64, factor: f64) -> f64 {
    if (factor - DEGREE).abs() < 1e-12 {
        value
    } else {
        value * factor / DEGREE
    }
}
