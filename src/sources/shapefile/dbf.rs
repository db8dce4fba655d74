//! The `.dbf` attribute table (dBASE III/IV): its header and field list, checked against
//! the bytes present, and one record's values as [`Value`]s. Numbers keep the digits the
//! file writes; blank or `*`-filled numbers, `?` logicals and blank dates are null; text
//! loses its padding.

use super::encoding::TextEncoding;
use crate::error::{Error, Result};
use crate::sources::properties::{Properties, Row};
use crate::sources::value::Value;
use std::path::Path;
use std::sync::Arc;

/// Bytes of one field descriptor, and of the header before them.
const DESCRIPTOR: usize = 32;

/// One column.
#[derive(Debug)]
struct Field {
    name: String,
    kind: u8,
    /// Where its bytes start in a record, and how many there are.
    at: usize,
    len: usize,
}

/// A `.dbf` file: its fields and its records' bytes, shared by the features, each of
/// which decodes its own record's values when they are asked for.
#[derive(Debug)]
pub(super) struct Table {
    /// The records, back to back.
    records: Box<[u8]>,
    fields: Vec<Field>,
    encoding: TextEncoding,
    pub count: usize,
    record_len: usize,
}

impl Table {
    /// Reads the header; `encoding` is what the `.cpg` names, if anything.
    pub fn open(bytes: &[u8], path: &Path, encoding: Option<TextEncoding>) -> Result<Arc<Self>> {
        let err = |place: &str, m: String| Error::data(path, place, m);
        if bytes.len() < DESCRIPTOR + 1 {
            return Err(err(
                "header",
                format!(
                    "not a dBASE file: {} bytes, shorter than its 33-byte header",
                    bytes.len()
                ),
            ));
        }
        let count = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
        let start = usize::from(u16::from_le_bytes([bytes[8], bytes[9]]));
        let record_len = usize::from(u16::from_le_bytes([bytes[10], bytes[11]]));
        let encoding = encoding
            .or_else(|| TextEncoding::from_ldid(bytes[29]))
            .unwrap_or(TextEncoding::Utf8OrWindows1252);
        if start > bytes.len() || start < DESCRIPTOR + 1 {
            return Err(err(
                "header",
                format!(
                    "the header says records start at byte {start}, outside the file's {} bytes: not a dBASE file, or truncated",
                    bytes.len()
                ),
            ));
        }
        if record_len == 0 {
            return Err(err(
                "header",
                "the header says records are 0 bytes long (each holds at least its deletion flag): a corrupt header".into(),
            ));
        }
        let fields = fields(&bytes[..start], record_len, encoding, path)?;
        let needed = start as u64 + count as u64 * record_len as u64;
        if needed > bytes.len() as u64 {
            return Err(err(
                "header",
                format!(
                    "the header says it holds {count} records of {record_len} bytes from byte {start} ({needed} bytes in all), but the file has only {}: it is truncated or the count is wrong",
                    bytes.len()
                ),
            ));
        }
        let records = bytes.get(start..needed as usize).unwrap_or_default().into();
        Ok(Arc::new(Table {
            records,
            fields,
            encoding,
            count,
            record_len,
        }))
    }

    /// Record `i`'s bytes (the deletion flag first).
    fn record(&self, i: usize) -> &[u8] {
        let from = i.saturating_mul(self.record_len);
        self.records
            .get(from..from.saturating_add(self.record_len))
            .unwrap_or(&[])
    }

    /// Whether record `i` is marked deleted (its shape is not a feature).
    pub fn deleted(&self, i: usize) -> bool {
        self.record(i).first() == Some(&b'*')
    }

    /// Checks that record `i`'s text can be decoded (only an encoding mapfig cannot
    /// decode beyond ASCII may fail), so that reading its values later cannot.
    pub fn check(&self, i: usize) -> std::result::Result<(), String> {
        if !matches!(self.encoding, TextEncoding::Unsupported(_)) {
            return Ok(());
        }
        for f in &self.fields {
            self.field(i, f)
                .map_err(|m| format!("field {:?}: {m}", f.name))?;
        }
        Ok(())
    }

    /// Record `i`'s values, decoded when asked for.
    pub fn row(self: &Arc<Self>, i: usize) -> Properties {
        if self.fields.is_empty() {
            return Properties::default();
        }
        Properties::from_lazy_row(Arc::new(DbfRow {
            table: Arc::clone(self),
            index: i,
        }))
    }

    fn field(&self, i: usize, f: &Field) -> std::result::Result<Value, String> {
        let raw = self.record(i).get(f.at..f.at + f.len).unwrap_or(&[]);
        value(f.kind, raw, self.encoding)
    }
}

/// One record of a [`Table`].
#[derive(Debug)]
struct DbfRow {
    table: Arc<Table>,
    index: usize,
}

impl Row for DbfRow {
    fn value(&self, key: &str) -> Option<Value> {
        let f = self.table.fields.iter().find(|f| f.name == key)?;
        self.table.field(self.index, f).ok()
    }

    fn members(&self) -> Vec<(String, Value)> {
        let mut seen = std::collections::HashSet::new();
        self.table
            .fields
            .iter()
            .filter(|f| seen.insert(f.name.as_str()))
            .filter_map(|f| Some((f.name.clone(), self.table.field(self.index, f).ok()?)))
            .collect()
    }
}

/// The field descriptors of `header` (the bytes before the first record).
fn fields(
    header: &[u8],
    record_len: usize,
    encoding: TextEncoding,
    path: &Path,
) -> Result<Vec<Field>> {
    let mut fields = Vec::new();
    // Byte 0 of a record is its deletion flag.
    let mut at = 1;
    let mut pos = DESCRIPTOR;
    loop {
        match header.get(pos) {
            Some(0x0D) => break,
            Some(_) if pos + DESCRIPTOR <= header.len() => {}
            _ => {
                return Err(Error::data(
                    path,
                    "header",
                    "the field list does not end (with byte 0x0D) before the records start: not a dBASE file, or a corrupt one",
                ))
            }
        }
        let d = &header[pos..pos + DESCRIPTOR];
        let name_bytes = &d[..11];
        let name_end = name_bytes.iter().position(|&b| b == 0).unwrap_or(11);
        let name = encoding
            .decode(&name_bytes[..name_end])
            .map_err(|m| Error::data(path, format!("field {}", fields.len()), m))?
            .trim()
            .to_string();
        let len = usize::from(d[16]);
        if at + len > record_len {
            return Err(Error::data(
                path,
                format!("field {name:?}"),
                format!(
                    "the fields take more than the {record_len}-byte record the header declares: a corrupt header"
                ),
            ));
        }
        fields.push(Field {
            name,
            kind: d[11].to_ascii_uppercase(),
            at,
            len,
        });
        at += len;
        pos += DESCRIPTOR;
    }
    Ok(fields)
}

/// One field's value.
fn value(kind: u8, raw: &[u8], encoding: TextEncoding) -> std::result::Result<Value, String> {
    let ascii = || String::from_utf8_lossy(raw).trim().to_string();
    Ok(match kind {
        b'N' | b'F' => {
            let t = ascii();
            if t.is_empty() || t.bytes().all(|b| b == b'*') {
                Value::Null
            } else {
                match json_number(&t) {
                    Some(n) => Value::Number(n),
                    None => Value::Text(t),
                }
            }
        }
        b'L' => match raw.first().map(u8::to_ascii_uppercase) {
            Some(b'T' | b'Y') => Value::Bool(true),
            Some(b'F' | b'N') => Value::Bool(false),
            _ => Value::Null,
        },
        b'D' => {
            let t = ascii();
            if t.is_empty() || t.bytes().all(|b| b == b'0') {
                Value::Null
            } else if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
                Value::Text(format!("{}-{}-{}", &t[..4], &t[4..6], &t[6..]))
            } else {
                Value::Text(t)
            }
        }
        _ => {
            // Text is padded with spaces (some writers pad with NUL).
            let end = raw
                .iter()
                .rposition(|&b| b != b' ' && b != 0)
                .map_or(0, |i| i + 1);
            // Blank text is null, as GDAL reads it.
            match end {
                0 => Value::Null,
                _ => Value::Text(encoding.decode(&raw[..end])?),
            }
        }
    })
}

/// A number as dBASE writes it (`  12.50`, `+3`, `.5`, `-0.`, `1.2E+03`), in JSON's
/// number grammar with the same digits (`12.50`, `3`, `0.5`, `-0`, `1.2E+03`); `None`
/// for text that is not a number.
fn json_number(t: &str) -> Option<String> {
    let (sign, rest) = match t.as_bytes().first()? {
        b'-' => ("-", &t[1..]),
        b'+' => ("", &t[1..]),
        _ => ("", t),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (int, frac) = match mantissa.find('.') {
        Some(i) => (&mantissa[..i], &mantissa[i + 1..]),
        None => (mantissa, ""),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
        return None;
    }
    let int = int.trim_start_matches('0');
    let mut out = format!("{sign}{}", if int.is_empty() { "0" } else { int });
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    if let Some(e) = exponent {
        let e_digits = e.strip_prefix(['+', '-']).unwrap_or(e);
        if e_digits.is_empty() || !digits(e_digits) {
            return None;
        }
        out.push('e');
        out.push_str(e);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_digits_in_json_grammar() {
        for (t, want) in [
            ("12.50", Some("12.50")),
            ("+3", Some("3")),
            (".5", Some("0.5")),
            ("-0.", Some("-0")),
            ("007", Some("7")),
            ("1.2E+03", Some("1.2e+03")),
            ("889953.00000000000", Some("889953.00000000000")),
            ("1,5", None),
            ("-", None),
            ("1e", None),
        ] {
            assert_eq!(json_number(t).as_deref(), want, "{t}");
        }
    }

    #[test]
    fn values_by_field_type() {
        let e = TextEncoding::Utf8OrWindows1252;
        assert_eq!(value(b'N', b"   ****", e), Ok(Value::Null));
        assert_eq!(value(b'N', b"      ", e), Ok(Value::Null));
        assert_eq!(value(b'F', b" -1.50", e), Ok(Value::Number("-1.50".into())));
        assert_eq!(value(b'L', b"?", e), Ok(Value::Null));
        assert_eq!(value(b'L', b"t", e), Ok(Value::Bool(true)));
        assert_eq!(
            value(b'D', b"20240131", e),
            Ok(Value::Text("2024-01-31".into()))
        );
        assert_eq!(value(b'D', b"        ", e), Ok(Value::Null));
        assert_eq!(
            value(b'C', b"Kunduz   ", e),
            Ok(Value::Text("Kunduz".into()))
        );
        assert_eq!(value(b'C', b"    ", e), Ok(Value::Null));
        assert_eq!(
            value(b'C', b"Z\xfcrich ", e),
            Ok(Value::Text("Zürich".into()))
        );
    }
}
