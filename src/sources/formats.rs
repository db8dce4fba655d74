//! The formats mapfig reads, and the choice among them: by content, never by the file's
//! name alone, so a `.json` export or a misnamed file is read for what it is.

use super::csv::Csv;
use super::dataset::Dataset;
use super::flatgeobuf::FlatGeobuf;
use super::geojson::{GeoJson, GeoJsonSeq};
use super::geopackage::GeoPackage;
use super::reader::{Budget, Input, Reader};
use super::shapefile::Shapefile;
use super::topojson::TopoJson;
use crate::error::Result;

/// Every reader, most specific first: the first whose [`Reader::sniff`] accepts a file
/// reads it. Binary formats go by their signature (a Shapefile also as a ZIP or a lone
/// `.dbf`); a format recognised by a JSON member
/// (TopoJSON's `"Topology"`) or by its lines (a GeoJSON text sequence) goes before GeoJSON,
/// which takes any JSON object; a CSV table is claimed by its name and text content.
pub const READERS: &[&dyn Reader] = &[
    &Shapefile,
    &FlatGeobuf,
    &GeoPackage,
    &TopoJson,
    &GeoJsonSeq,
    &Csv,
    &GeoJson,
];

/// The formats of [`READERS`], as errors list them.
pub const READABLE: &str = "GeoJSON (also as RFC 8142 text sequences or NDJSON), TopoJSON, Shapefile (.shp or a .zip), FlatGeobuf, GeoPackage and CSV/TSV tables";

/// What a file that no reader takes looks like, by its first bytes, when it is a format
/// people hand to map tools (rasters, other vector formats, archives, documents).
pub fn unsupported(head: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"II*\0", "a TIFF image (a GeoTIFF raster?)"),
        (b"MM\0*", "a TIFF image (a GeoTIFF raster?)"),
        (b"II+\0", "a BigTIFF image (a raster)"),
        (b"%PDF-", "a PDF document"),
        (b"PAR1", "an Apache Parquet file (GeoParquet?)"),
        (b"ARROW1", "an Apache Arrow file"),
        (b"\x1f\x8b", "a gzip-compressed file (decompress it first)"),
        (b"BZh", "a bzip2-compressed file (decompress it first)"),
        (b"\xFD7zXZ\0", "an xz-compressed file (decompress it first)"),
        (b"7z\xBC\xAF\x27\x1C", "a 7-Zip archive"),
        (b"\x1A\x45\xDF\xA3", "a Matroska/WebM video"),
        (b"CDF\x01", "a netCDF file (a raster)"),
        (b"CDF\x02", "a netCDF file (a raster)"),
        (b"\x89HDF\r\n\x1a\n", "an HDF5 file (a raster)"),
    ];
    if let Some((_, what)) = SIGNATURES.iter().find(|(sig, _)| head.starts_with(sig)) {
        return Some(what);
    }
    let text = String::from_utf8_lossy(&head[..head.len().min(512)]);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    let lower = text.to_ascii_lowercase();
    let markup = [
        ("<kml", "KML"),
        ("<gpx", "GPX"),
        ("<gml", "GML"),
        ("<wfs:", "a WFS response (GML)"),
        ("<svg", "an SVG image"),
        ("<!doctype html", "an HTML page"),
        ("<html", "an HTML page"),
        ("<osm", "OpenStreetMap XML"),
    ];
    if lower.starts_with('<') {
        return Some(
            markup
                .iter()
                .find(|(tag, _)| lower.contains(tag))
                .map_or("an XML document", |(_, what)| *what),
        );
    }
    let wkt_crs = [
        "projcs[",
        "geogcs[",
        "projcrs[",
        "geogcrs[",
        "geodcrs[",
        "compd_cs[",
    ];
    if wkt_crs.iter().any(|w| lower.starts_with(w)) {
        return Some("a CRS definition (a .prj file)");
    }
    let wkt = [
        "point",
        "linestring",
        "polygon",
        "multipoint",
        "multilinestring",
        "multipolygon",
        "geometrycollection",
    ];
    if wkt
        .iter()
        .any(|w| lower.starts_with(w) && wkt_body(lower[w.len()..].trim_start()))
    {
        return Some("WKT geometry text");
    }
    if lower.starts_with('{')
        && lower.contains("\"spatialreference\"")
        && lower.contains("\"geometrytype\"")
    {
        return Some(
            "Esri JSON (an ArcGIS REST response), not GeoJSON (ask the service for f=geojson)",
        );
    }
    None
}

/// Whether `rest` (after a WKT keyword, lower case) goes on as WKT: an optional `z`, `m` or
/// `zm`, then `(` or `empty`.
fn wkt_body(rest: &str) -> bool {
    let rest = ["zm", "z", "m"]
        .iter()
        .find_map(|d| {
            let r = rest.strip_prefix(d)?;
            r.starts_with([' ', '(']).then_some(r)
        })
        .unwrap_or(rest)
        .trim_start();
    rest.starts_with('(') || rest.starts_with("empty")
}

/// How many leading bytes a reader is shown to recognise its format.
pub(crate) const HEAD_BYTES: usize = 4096;

/// The reader for a file. GeoJSON, the format people write by hand, reads what no reader
/// recognises: its errors say what is wrong with the file ("not GeoJSON: ...").
pub fn reader_for(input: &Input) -> &'static dyn Reader {
    let head = &input.bytes[..input.bytes.len().min(HEAD_BYTES)];
    READERS
        .iter()
        .copied()
        .find(|r| r.sniff(head, input.path))
        .unwrap_or(&GeoJson)
}

/// Reads a file with the reader for it, then brings data in a declared CRS (the file's,
/// or the layer's `crs`, which overrides it) to longitude/latitude: see [`super::crs`].
pub fn read(input: &Input, budget: &Budget) -> Result<Dataset> {
    let head = &input.bytes[..input.bytes.len().min(HEAD_BYTES)];
    // GeoJSON takes any JSON object, Esri JSON too: ask what a file looks like when no
    // reader but GeoJSON's claims it.
    let claimed = READERS.iter().find(|r| r.sniff(head, input.path));
    if claimed.is_none_or(|r| r.name() == GeoJson.name()) {
        if let Some(what) = unsupported(head) {
            // Vector data converts; an image, a document or an archive is the wrong file.
            let vector = [
                "KML",
                "GPX",
                "GML",
                "OpenStreetMap",
                "Parquet",
                "Arrow",
                "WKT",
                "Esri",
            ]
            .iter()
            .any(|v| what.contains(v));
            let advice = if what.contains(".prj") {
                "give the Shapefile's .shp, not its .prj".to_string()
            } else if vector {
                format!(
                    "convert it first, e.g. `ogr2ogr -f GeoJSON out.geojson {}`",
                    input.path.display()
                )
            } else {
                "is this the file you meant?".to_string()
            };
            return Err(crate::error::Error::data(
                input.path,
                "",
                format!("this looks like {what}, which mapfig does not read (it reads {READABLE}): {advice}"),
            ));
        }
    }
    let mut data = reader_for(input).read(input, budget)?;
    super::crs::to_lon_lat(&mut data, input.options.crs.as_deref())?;
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;
    use std::path::Path;

    #[test]
    fn files_no_reader_takes_are_named_for_what_they_look_like() {
        let limits = Limits::default();
        for (bytes, what) in [
            (&b"\x89PNG\r\n\x1a\n\0\0"[..], "a PNG image"),
            (b"%PDF-1.7\n", "a PDF document"),
            (b"PAR1\x15\x04", "Parquet"),
            (
                b"<?xml version=\"1.0\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\">",
                "KML",
            ),
            (b"PROJCS[\"NAD83 / Conus Albers\"", "a CRS definition"),
            (b"MULTIPOLYGON (((1 2, 3 4, 5 6, 1 2)))", "WKT geometry"),
            (
                b"{\"geometryType\":\"esriGeometryPolygon\",\"spatialReference\":{\"wkid\":4326}",
                "Esri JSON",
            ),
        ] {
            let input = Input {
                path: Path::new("x.dat"),
                bytes,
                limits: &limits,
                options: &Default::default(),
            };
            let budget = Budget {
                limit: 1000,
                held: 0,
            };
            let e = read(&input, &budget).unwrap_err().to_string();
            assert!(
                e.contains(what) && e.contains("which mapfig does not read"),
                "{e}"
            );
            let vector = !["PNG", "PDF", "CRS"].iter().any(|w| what.contains(w));
            assert_eq!(e.contains("ogr2ogr"), vector, "{e}");
        }
    }

    #[test]
    fn content_chooses_the_reader() {
        let limits = Limits::default();
        for (bytes, geojson) in [
            (&b"\xEF\xBB\xBF  {\"type\": \"Point\"}"[..], true),
            (b"\x89PNG\r\n\x1a\n", false),
            (b"name,lon,lat\n", false),
            (b"", false),
        ] {
            let input = Input {
                path: Path::new("x.json"),
                bytes,
                limits: &limits,
                options: &Default::default(),
            };
            assert_eq!(GeoJson.sniff(bytes, input.path), geojson);
            // Nothing else recognises these: GeoJSON reads them and says what they are not.
            assert_eq!(reader_for(&input).name(), "GeoJSON");
        }
    }
}
