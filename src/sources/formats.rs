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
