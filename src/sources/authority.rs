//! A CRS as binary formats declare it (FlatGeobuf's header, GeoPackage's
//! `gpkg_spatial_ref_sys`): an authority and code, and or WKT. Turned into the text
//! `Dataset::crs` holds: `"EPSG:n"` where there is an EPSG code, else the WKT verbatim;
//! `None` for longitude/latitude on WGS 84, the coordinates mapfig reads as they are.

/// The CRS to declare for `org`:`code` (or `code_string`) and `wkt`; `None` for WGS 84
/// longitude/latitude (EPSG:4326, OGC:CRS84) and for a CRS given by none of them.
pub fn declared(
    org: Option<&str>,
    code: i32,
    code_string: Option<&str>,
    wkt: Option<&str>,
) -> Option<String> {
    let org = org.map(str::trim).filter(|o| !o.is_empty());
    let code_string = code_string.map(str::trim).filter(|c| !c.is_empty());
    let wkt = wkt
        .map(str::trim)
        .filter(|w| !w.is_empty() && *w != "undefined");
    let epsg = org.is_none_or(|o| o.eq_ignore_ascii_case("EPSG"));
    let is_ogc = org.is_some_and(|o| o.eq_ignore_ascii_case("OGC"));
    let code_text = code_string
        .map(str::to_string)
        .or_else(|| (code > 0).then(|| code.to_string()));
    match (epsg, is_ogc, code_text.as_deref()) {
        (true, _, Some("4326")) => None,
        (_, true, Some(c)) if c.eq_ignore_ascii_case("CRS84") => None,
        (true, _, Some(c)) if c.bytes().all(|b| b.is_ascii_digit()) => Some(format!("EPSG:{c}")),
        _ => match (wkt, org, code_text) {
            (Some(w), _, _) => Some(w.to_string()),
            (None, Some(o), Some(c)) => Some(format!("{o}:{c}")),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::declared;

    #[test]
    fn codes_and_wkt() {
        assert_eq!(declared(Some("EPSG"), 4326, None, Some("GEOGCS[..]")), None);
        assert_eq!(
            declared(Some("epsg"), 5070, None, None).as_deref(),
            Some("EPSG:5070")
        );
        assert_eq!(
            declared(None, 3857, None, None).as_deref(),
            Some("EPSG:3857")
        );
        assert_eq!(declared(Some("OGC"), 0, Some("CRS84"), None), None);
        assert_eq!(
            declared(Some("ESRI"), 102003, None, Some("PROJCS[\"x\"]")).as_deref(),
            Some("PROJCS[\"x\"]")
        );
        assert_eq!(
            declared(Some("ESRI"), 102003, None, None).as_deref(),
            Some("ESRI:102003")
        );
        assert_eq!(declared(Some("NONE"), -1, None, Some("undefined")), None);
        assert_eq!(declared(None, 0, None, None), None);
    }
}
