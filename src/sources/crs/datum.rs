//! How a WKT datum goes to WGS 84: its `TOWGS84`, a WKT2 bound CRS's abridged
//! transformation, the EPSG definition of its geographic CRS, or a datum known by name.
//! A datum with none of these is refused, never taken as WGS 84 (OSGB 1936 would be 100 m
//! off).

use super::datum_names::DATUMS;
use super::tree::{epsg_of, normalize, unit_factor, Arg, Node, DEGREE};

pub const ZERO_SHIFT: &str = "+towgs84=0,0,0,0,0,0,0";

/// How the datum goes to WGS 84: the WKT's own `TOWGS84`, else what the EPSG definition
/// of the geographic CRS says, else a datum known by name.
pub fn shift(g: &Node, datum: &Node, name: &str) -> Result<String, String> {
    if let Some(t) = datum.child(&["TOWGS84"]).or_else(|| g.child(&["TOWGS84"])) {
        let v = t.numbers();
        if v.len() != 3 && v.len() != 7 {
            return Err(format!("TOWGS84 needs 3 or 7 numbers, it has {}", v.len()));
        }
        let v: Vec<String> = v.iter().map(f64::to_string).collect();
        return Ok(format!("+towgs84={}", v.join(",")));
    }
    if let Some(shift) = epsg_of(g).and_then(definition_shift) {
        return Ok(shift);
    }
    let n = normalize(name);
    const ZERO: &[&str] = &[
        "wgs1984",
        "wgs84",
        "worldgeodeticsystem1984",
        "northamerican1983",
        "nad83",
        "nad1983",
        "etrs1989",
        "etrs89",
        "europeanterrestrialreferencesystem1989",
        "rgf1993",
        "reseaugeodesiquefrancais1993",
        "gda1994",
        "gda94",
        "geocentricdatumofaustralia1994",
        "gda2020",
        "geocentricdatumofaustralia2020",
        "nzgd2000",
        "newzealandgeodeticdatum2000",
        "sirgas2000",
        "sistemadereferenciageocentricoparaasamericas2000",
        "jgd2000",
        "japanesegeodeticdatum2000",
        "jgd2011",
        "japanesegeodeticdatum2011",
        "itrf",
        "internationalterrestrialreferenceframe",
        "csrs",
        "canadianspatialreferencesystem",
        "hartebeesthoek94",
        "sweref99",
        "euref89",
        "chtrf95",
        "etrf",
    ];
    if ZERO.iter().any(|z| n.starts_with(z)) {
        return Ok(ZERO_SHIFT.into());
    }
    if n.starts_with("osgb1936")
        || n.starts_with("osgb36")
        || n == "ordnancesurveyofgreatbritain1936"
    {
        // proj4rs's OSGB36 (the EPSG:27700 Helmert parameters).
        return Ok("+towgs84=446.448,-125.157,542.06,0.1502,0.247,0.8421,-20.4894".into());
    }
    // Datums named without a code: the shift of the EPSG geographic CRS on that datum.
    // ESRI spells a few shorter than EPSG does.
    const ESRI: &[(&str, u16)] = &[
        ("israel", 4141),
        ("belge1972", 4313),
        ("australian1966", 4202),
        ("australian1984", 4203),
        ("rt90", 4124),
        ("ntf", 4275),
    ];
    let key = n.replace("datum", "");
    let code = ESRI
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, c)| *c)
        .or_else(|| {
            DATUMS
                .binary_search_by(|(k, _)| (*k).cmp(key.as_str()))
                .ok()
                .and_then(|i| DATUMS.get(i))
                .map(|(_, c)| *c)
        });
    if let Some(shift) = code.and_then(definition_shift) {
        return Ok(shift);
    }
    if n.starts_with("northamerican1927") || n.starts_with("nad27") {
        return Err(format!(
            "datum {name:?} (NAD27) goes to WGS 84 only through NADCON grid files, which mapfig does not have"
        ));
    }
    Err(format!(
        "datum {name:?} has no known shift to WGS 84 (the WKT gives no TOWGS84 and no EPSG code)"
    ))
}

/// The datum shift in the EPSG definition of geographic CRS `code`: zero for WGS 84 and
/// NAD83, else its `+towgs84` (a grid-only datum such as NAD27 has none to give).
fn definition_shift(code: u16) -> Option<String> {
    let def = crs_definitions::from_code(code)?.proj4;
    let tokens: Vec<&str> = def.split_whitespace().collect();
    if tokens.contains(&"+datum=WGS84") || tokens.contains(&"+datum=NAD83") {
        return Some(ZERO_SHIFT.into());
    }
    tokens
        .iter()
        .find(|t| t.starts_with("+towgs84="))
        .map(|t| t.to_string())
}

/// The `+towgs84` of a WKT2 `BOUNDCRS` whose target is WGS 84, from its
/// `ABRIDGEDTRANSFORMATION` (geocentric translations, position vector or coordinate frame
/// Helmert); `None` for any other root. A bound CRS with another transformation is refused.
pub fn bound_shift(root: &Node) -> Result<Option<String>, String> {
    if root.key != "BOUNDCRS" {
        return Ok(None);
    }
    let target = root.child(&["TARGETCRS"]).and_then(|t| {
        t.args.iter().find_map(|a| match a {
            Arg::Node(n) => Some(n),
            _ => None,
        })
    });
    let to_wgs84 = target.is_some_and(|t| {
        epsg_of(t) == Some(4326)
            || matches!(normalize(t.text(0).unwrap_or_default()).as_str(), "wgs84")
    });
    let transformation = root.child(&["ABRIDGEDTRANSFORMATION"]);
    let (Some(tr), true) = (transformation, to_wgs84) else {
        return Err("a bound CRS is read only with an abridged transformation to WGS 84".into());
    };
    let method = tr
        .child(&["METHOD"])
        .and_then(|m| m.text(0))
        .unwrap_or_default();
    let m = normalize(method);
    let frame = m.starts_with("coordinateframe");
    if !(m.starts_with("positionvector") || frame || m.starts_with("geocentrictranslations")) {
        return Err(format!("datum transformation {method:?} is not supported"));
    }
    let mut v = [0.0; 7];
    for p in tr.children(&["PARAMETER"]) {
        let name = normalize(p.text(0).unwrap_or_default());
        let Some(&value) = p.numbers().first() else {
            continue;
        };
        let unit = p.child(&["ANGLEUNIT", "LENGTHUNIT", "SCALEUNIT", "UNIT"]);
        let arc_seconds = || unit_factor(unit, DEGREE / 3600.0) / (DEGREE / 3600.0) * value;
        let i = match name.as_str() {
            "xaxistranslation" => 0,
            "yaxistranslation" => 1,
            "zaxistranslation" => 2,
            "xaxisrotation" => 3,
            "yaxisrotation" => 4,
            "zaxisrotation" => 5,
            "scaledifference" => 6,
            _ => {
                return Err(format!(
                    "datum transformation parameter {:?} is not supported",
                    p.text(0).unwrap_or_default()
                ))
            }
        };
        v[i] = match i {
            0..=2 => value * unit_factor(unit, 1.0),
            // PROJ's +towgs84 takes position-vector rotations: a coordinate frame's turn the
            // other way.
            3..=5 if frame => -arc_seconds(),
            3..=5 => arc_seconds(),
            // In parts per million; GDAL writes it as a factor near 1 ("unity").
            _ => match unit.and_then(|u| u.text(0)).map(normalize).as_deref() {
                Some("partspermillion") => value,
                _ if (value - 1.0).abs() < 0.01 => (value - 1.0) * 1e6,
                _ => value,
            },
        };
    }
    let v: Vec<String> = v
        .iter()
        .map(|x| format!("{}", (x * 1e9).round() / 1e9))
        .collect();
    Ok(Some(format!("+towgs84={}", v.join(","))))
}
