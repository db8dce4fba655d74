//! GeoJSON text sequences: RFC 8142 (`application/geo+json-seq`, each record starts with
//! the record separator RS, 0x1E, and ends with a line feed) and newline-delimited GeoJSON
//! (NDJSON, GeoJSONL: one Feature per line, blank lines skipped). Each record is a GeoJSON
//! document read by the GeoJSON reader's own [`parse`]; records are read in parallel
//! batches within the run's vertex limit, and errors name the record's line.

use super::parse;
use crate::error::{Error, Result};
use crate::sources::dataset::{Dataset, Feature};
use crate::sources::formats::HEAD_BYTES;
use crate::sources::reader::{Budget, Input, Reader};
use rayon::prelude::*;
use std::path::Path;

/// The GeoJSON text sequence format (RFC 8142 or newline-delimited).
pub struct GeoJsonSeq;

/// The record separator that starts each record of RFC 8142.
const RS: u8 = 0x1E;

/// Records read per parallel batch: the vertex limit is checked between batches.
const BATCH: usize = 1024;

impl Reader for GeoJsonSeq {
    fn name(&self) -> &'static str {
        "GeoJSON text sequence"
    }

    /// RFC 8142: the first byte (after a byte-order mark) is RS. Newline-delimited: the
    /// first line is a JSON object whose `"type"` is `"Feature"`, and the next line that
    /// is not blank starts with `{`. A first line longer than the head shown is judged by
    /// its `"type"` alone.
    fn sniff(&self, head: &[u8], _path: &Path) -> bool {
        let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        if head.first() == Some(&RS) {
            return true;
        }
        let Some(start) = head.iter().position(|b| !b.is_ascii_whitespace()) else {
            return false;
        };
        let body = &head[start..];
        if body.first() != Some(&b'{') {
            return false;
        }
        match body.iter().position(|&b| b == b'\n') {
            Some(end) => {
                let rest = &body[end..];
                let next = rest.iter().find(|b| !b.is_ascii_whitespace());
                let complete = serde_json::from_slice::<TypeOnly>(&body[..end])
                    .is_ok_and(|t| t.kind.as_deref() == Some("Feature"));
                complete && next == Some(&b'{')
            }
            // A file shown whole in one line is one document: GeoJSON's to read.
            None => head.len() >= HEAD_BYTES && top_level_type(body).as_deref() == Some("Feature"),
        }
    }

    fn read(&self, input: &Input, budget: &Budget) -> Result<Dataset> {
        crate::limits::check_text(input.path, input.bytes)?;
        read_sequence(input.bytes, input.path, budget, input.options.crs.is_some())
    }
}

/// Only a document's `"type"`, for sniffing.
#[derive(serde::Deserialize)]
struct TypeOnly<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<std::borrow::Cow<'a, str>>,
}

/// The `"type"` member of the JSON object `text` starts with, when the text shows it
/// before its end: a scan of strings and nesting, for a first record longer than the
/// head a sniff sees.
fn top_level_type(text: &[u8]) -> Option<String> {
    let mut depth = 0usize;
    let mut i = 0;
    // The last string closed at depth 1, and whether a `:` followed it (a key).
    let mut last: Option<&[u8]> = None;
    let mut after_type_key = false;
    while let Some(&b) = text.get(i) {
        match b {
            b'"' => {
                let start = i + 1;
                i += 1;
                while let Some(&c) = text.get(i) {
                    match c {
                        b'\\' => i += 2,
                        b'"' => break,
                        _ => i += 1,
                    }
                }
                let s = text.get(start..i)?;
                if depth == 1 {
                    if after_type_key {
                        return std::str::from_utf8(s).ok().map(str::to_string);
                    }
                    last = Some(s);
                }
            }
            b':' if depth == 1 => after_type_key = last == Some(b"type"),
            b',' if depth == 1 => {
                after_type_key = false;
                last = None;
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > 1 {
                    after_type_key = false;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// One record of the sequence: the line it starts on and its text.
struct Record<'a> {
    /// The line of its first character.
    line: usize,
    /// Where its text starts: the line, and the columns before it on that line (the RS).
    start: (usize, usize),
    text: &'a [u8],
}

/// The records of a sequence, in order: split at RS when the file starts with one, else
/// at line feeds; blank records are skipped. Made as the read goes, a batch at a time.
struct Records<'a> {
    parts: std::slice::Split<'a, u8, fn(&u8) -> bool>,
    by_lines: bool,
    /// The line the next part starts on.
    line: usize,
}

impl<'a> Records<'a> {
    fn new(bytes: &'a [u8]) -> Records<'a> {
        fn is_rs(b: &u8) -> bool {
            *b == RS
        }
        fn is_lf(b: &u8) -> bool {
            *b == b'\n'
        }
        let by_lines = bytes.first() != Some(&RS);
        let split: fn(&u8) -> bool = if by_lines { is_lf } else { is_rs };
        Records {
            parts: bytes.split(split),
            by_lines,
            line: 1,
        }
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = Record<'a>;

    fn next(&mut self) -> Option<Record<'a>> {
        loop {
            let part = self.parts.next()?;
            let at = self.line;
            self.line += part.iter().filter(|&&b| b == b'\n').count() + usize::from(self.by_lines);
            if !part.iter().all(u8::is_ascii_whitespace) {
                // The record's own first line: where its first character is.
                let lead = part.iter().take_while(|b| b.is_ascii_whitespace());
                let newlines = lead.filter(|&&b| b == b'\n').count();
                return Some(Record {
                    line: at + newlines,
                    start: (at, usize::from(!self.by_lines)),
                    text: part,
                });
            }
        }
    }
}

/// Reads a sequence: every record's features, in order, the vertex limit checked after
/// every batch of records.
fn read_sequence(bytes: &[u8], path: &Path, budget: &Budget, layer_crs: bool) -> Result<Dataset> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // One line, sniffed by its start: a GeoJSON document like any other.
    if bytes.first() != Some(&RS) && Records::new(bytes).nth(1).is_none() {
        return parse(bytes, path, *budget, layer_crs);
    }
    // A record's legacy `crs` member holds for every record, so all are read as planar then.
    let layer_crs = layer_crs || memchr::memmem::find(bytes, b"\"crs\"").is_some();
    let mut features: Vec<Feature> = Vec::new();
    let mut vertices = 0u64;
    // A record's legacy `crs` member holds for the whole sequence; records may not differ.
    let mut crs: Option<(String, usize)> = None;
    let mut records = Records::new(bytes);
    loop {
        let batch: Vec<Record> = records.by_ref().take(BATCH).collect();
        if batch.is_empty() {
            break;
        }
        let record_budget = Budget {
            limit: budget.limit,
            held: budget.held.saturating_add(vertices),
        };
        let read = batch
            .par_iter()
            .map(|r| parse(r.text, path, record_budget, layer_crs).map_err(|e| relocate(e, r)))
            .collect::<Result<Vec<_>>>()?;
        for (record, data) in batch.iter().zip(read) {
            match (&crs, data.crs) {
                (_, None) => {}
                (None, Some(c)) => crs = Some((c, record.line)),
                (Some((first, _)), Some(c)) if *first == c => {}
                (Some((first, line)), Some(c)) => {
                    return Err(Error::data(
                        path,
                        format!("line {}", record.line),
                        format!("this record's crs {c:?} differs from {first:?} of line {line}: a sequence is in one CRS"),
                    ))
                }
            }
            let several = data.features.len() > 1;
            for mut f in data.features {
                use geo::CoordsIter;
                let n = f.geometry.as_ref().map_or(0, |g| g.coords_count() as u64);
                vertices = vertices.saturating_add(n);
                if vertices > budget.left() {
                    return Err(Error::data(
                        path,
                        format!("line {}", record.line),
                        budget.exceeded_message(),
                    ));
                }
                if !several && f.id == "0" && !has_id(record.text) {
                    f.id = features.len().to_string();
                }
                features.push(f);
            }
        }
    }
    let format = if bytes.first() == Some(&RS) {
        "GeoJSON text sequence (RFC 8142)"
    } else {
        "newline-delimited GeoJSON"
    };
    let mut data = Dataset::new(path, format, features);
    data.crs = crs.map(|(c, _)| c);
    Ok(data)
}

/// Whether a one-feature record gives its feature an id (`"id"`, or a property `id`): the
/// GeoJSON reader numbers a feature without one from 0 within its document, where the
/// sequence numbers it by its place in the file.
fn has_id(text: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Ids<'a> {
        #[serde(borrow)]
        id: Option<&'a serde_json::value::RawValue>,
        #[serde(borrow)]
        properties: Option<&'a serde_json::value::RawValue>,
    }
    let Ok(ids) = serde_json::from_slice::<Ids>(text) else {
        return false;
    };
    let given = |v: Option<&serde_json::value::RawValue>| v.is_some_and(|v| v.get() != "null");
    given(ids.id)
        || ids.properties.is_some_and(|p| {
            serde_json::from_str::<Ids>(p.get()).is_ok_and(|inner| given(inner.id))
        })
}

/// An error of the GeoJSON reader about one record, placed in the file: a `line:column`
/// within the record becomes one within the file, any other place is prefixed with the
/// record's line.
fn relocate(e: Error, record: &Record) -> Error {
    let (line, (start, shift)) = (record.line, record.start);
    let Error::Data {
        file,
        place,
        message,
    } = e
    else {
        return e;
    };
    let (head, rest) = match place.split_once(", ") {
        Some((h, r)) => (h, Some(r)),
        None => (place.as_str(), None),
    };
    let line_column = head
        .split_once(':')
        .and_then(|(l, c)| Some((l.parse::<usize>().ok()?, c.parse::<usize>().ok()?)));
    // A line:column in the record: its first line starts after the RS.
    let in_file = |l: usize, c: usize| {
        let c = if l == 1 { c + shift } else { c };
        format!("{}:{c}", start + l.saturating_sub(1))
    };
    let place = match (line_column, rest) {
        (Some((l, c)), None) => in_file(l, c),
        (Some((l, c)), Some(rest)) => format!("{}, {rest}", in_file(l, c)),
        (None, _) if place.is_empty() => format!("line {line}"),
        (None, _) => format!("line {line}, {place}"),
    };
    Error::Data {
        file,
        place,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &[u8]) -> Result<Dataset> {
        let budget = Budget {
            limit: 100,
            held: 0,
        };
        read_sequence(text, Path::new("s.geojsonl"), &budget, false)
    }

    const A: &str = r#"{"type":"Feature","properties":{"n":1},"geometry":{"type":"Point","coordinates":[1,2]}}"#;
    const B: &str = r#"{"type":"Feature","id":"b","properties":null,"geometry":null}"#;

    #[test]
    fn both_kinds_of_sequence_read_the_same_features() {
        let ndjson = format!("{A}\n\n{B}\r\n{A}");
        let rfc = format!("\x1e{A}\n\x1e{B}\n\x1e{A}\n");
        for text in [ndjson, rfc] {
            let d = read(text.as_bytes()).unwrap();
            let ids: Vec<&str> = d.features.iter().map(|f| f.id.as_str()).collect();
            assert_eq!(ids, ["0", "b", "2"]);
            assert_eq!(d.vertex_count(), 2);
        }
    }

    #[test]
    fn errors_name_the_line() {
        let text = format!("{A}\n\n{B}\n{{\"type\":\"Feature\",\"geometry\":{{\"type\":\"Point\",\"coordinates\":[1,200]}}}}\n");
        let e = read(text.as_bytes()).unwrap_err().to_string();
        assert!(e.starts_with("s.geojsonl: line 4, feature 0"), "{e}");
        let e = read(format!("{A}\n{{\"type\": \n").as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("s.geojsonl: 2:"), "{e}");
        // In an RFC 8142 file the RS is the first column; a record may span lines.
        let e = read(
            format!("\x1e{A}\n\x1e\n {{\"type\": \"Feature\",\n \"geometry\": [}}\n").as_bytes(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("s.geojsonl: 4:13: "), "{e}");
        let e = read(format!("\x1e{A}\n\x1e{{\"type\": 1,}}\n").as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("s.geojsonl: 2:11: "), "{e}");
        let budget = Budget { limit: 2, held: 1 };
        let e = read_sequence(
            format!("{A}\n{A}\n").as_bytes(),
            Path::new("s"),
            &budget,
            false,
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("s: line 2: the data passes the limit"), "{e}");
    }

    #[test]
    fn sniff_takes_sequences_only() {
        let seq = GeoJsonSeq;
        let p = Path::new("x.json");
        assert!(seq.sniff(b"\x1e{", p));
        assert!(seq.sniff(format!("{A}\n{B}\n").as_bytes(), p));
        let long = format!(
            "{{\"type\": \"Feature\", \"geometry\": {{\"type\": \"Polygon\", \"coordinates\": [[{}",
            "[1,2],".repeat(1000)
        );
        assert!(seq.sniff(&long.as_bytes()[..HEAD_BYTES], p));
        assert!(!seq.sniff(A.as_bytes(), p));
        assert!(!seq.sniff(b"{\"type\": \"FeatureCollection\",\n\"features\": []}\n", p));
        assert!(!seq.sniff(b"{\n  \"type\": \"Feature\"\n}\n", p));
        assert!(!seq.sniff(
            br#"{"features": [{"type": "Feature"}], "type": "FeatureCollection"}"#,
            p
        ));
        assert!(!seq.sniff(b"name,lon\n", p));
    }
}
