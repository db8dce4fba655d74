//! A FlatGeobuf feature's properties: a blob of (column index, value) pairs, each value
//! little-endian in its column's type, strings and blobs after a 4-byte length. Numbers
//! become their shortest exact decimal text, date-times stay text, binary is skipped.

use super::buffer::{Fb, Table};
use crate::sources::Value;

/// FlatGeobuf's `ColumnType`s, by code.
const BYTE: u8 = 0;
const UBYTE: u8 = 1;
const BOOL: u8 = 2;
const SHORT: u8 = 3;
const USHORT: u8 = 4;
const INT: u8 = 5;
const UINT: u8 = 6;
const LONG: u8 = 7;
const ULONG: u8 = 8;
const FLOAT: u8 = 9;
const DOUBLE: u8 = 10;
const STRING: u8 = 11;
const JSON: u8 = 12;
const DATETIME: u8 = 13;
const BINARY: u8 = 14;

/// One column of the header (or of a feature that carries its own).
pub struct Column {
    pub name: String,
    pub kind: u8,
}

impl Column {
    pub fn read(t: &Table) -> Fb<Column> {
        let name = t.string(0)?.ok_or("a column has no name")?.to_string();
        let kind = t.u8(1, 0)?;
        if kind > BINARY {
            return Err(format!("column {name:?} has unknown type {kind}"));
        }
        Ok(Column { name, kind })
    }
}

/// The properties blob as named values, in the order written.
pub fn read(mut blob: &[u8], columns: &[Column]) -> Fb<Vec<(String, Value)>> {
    let mut out = Vec::new();
    while !blob.is_empty() {
        let i = u16::from_le_bytes(take::<2>(&mut blob)?) as usize;
        let c = columns.get(i).ok_or_else(|| {
            format!(
                "a property of column {i}, of the {} columns there are",
                columns.len()
            )
        })?;
        let value = match c.kind {
            BYTE => Value::Number((take::<1>(&mut blob)?[0] as i8).to_string()),
            UBYTE => Value::Number(take::<1>(&mut blob)?[0].to_string()),
            BOOL => Value::Bool(take::<1>(&mut blob)?[0] != 0),
            SHORT => Value::Number(i16::from_le_bytes(take(&mut blob)?).to_string()),
            USHORT => Value::Number(u16::from_le_bytes(take(&mut blob)?).to_string()),
            INT => Value::Number(i32::from_le_bytes(take(&mut blob)?).to_string()),
            UINT => Value::Number(u32::from_le_bytes(take(&mut blob)?).to_string()),
            LONG => Value::Number(i64::from_le_bytes(take(&mut blob)?).to_string()),
            ULONG => Value::Number(u64::from_le_bytes(take(&mut blob)?).to_string()),
            FLOAT => float(f64::from(f32::from_le_bytes(take(&mut blob)?)), true),
            DOUBLE => float(f64::from_le_bytes(take(&mut blob)?), false),
            kind => {
                let n = u32::from_le_bytes(take(&mut blob)?) as usize;
                let bytes = blob.get(..n).ok_or_else(|| {
                    format!(
                        "column {:?} declares {n} bytes, {} are left",
                        c.name,
                        blob.len()
                    )
                })?;
                blob = &blob[n..];
                let text = || {
                    std::str::from_utf8(bytes)
                        .map(str::to_string)
                        .map_err(|_| format!("column {:?} holds text that is not UTF-8", c.name))
                };
                match kind {
                    STRING | DATETIME => Value::Text(text()?),
                    JSON => Value::from_json(text()?.trim()),
                    _ => continue,
                }
            }
        };
        out.push((c.name.clone(), value));
    }
    Ok(out)
}

fn take<const N: usize>(blob: &mut &[u8]) -> Fb<[u8; N]> {
    let (head, rest) = blob.split_first_chunk::<N>().ok_or_else(|| {
        format!(
            "a property value is cut off ({} bytes left, {N} needed)",
            blob.len()
        )
    })?;
    *blob = rest;
    Ok(*head)
}

/// A float as the shortest text that reads back as the same value (`f32` columns at
/// their own precision); NaN and infinities, which no number text can be, are null.
fn float(x: f64, single: bool) -> Value {
    if !x.is_finite() {
        return Value::Null;
    }
    if single {
        Value::Number(format!("{}", x as f32))
    } else {
        Value::Number(format!("{x}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_reads_back() {
        let cols: Vec<Column> = [
            ("b", BYTE),
            ("flag", BOOL),
            ("n", LONG),
            ("f", FLOAT),
            ("d", DOUBLE),
            ("s", STRING),
            ("j", JSON),
            ("bin", BINARY),
        ]
        .into_iter()
        .map(|(n, k)| Column {
            name: n.into(),
            kind: k,
        })
        .collect();
        let mut blob = vec![0, 0, 0xff, 1, 0, 1, 2, 0];
        blob.extend((-9007199254740993i64).to_le_bytes());
        blob.extend([3, 0]);
        blob.extend(0.1f32.to_le_bytes());
        blob.extend([4, 0]);
        blob.extend(889953.0f64.to_le_bytes());
        blob.extend([5, 0, 3, 0, 0, 0]);
        blob.extend("Kü".as_bytes());
        blob.extend([6, 0, 5, 0, 0, 0]);
        blob.extend(b"[1,2]");
        blob.extend([7, 0, 2, 0, 0, 0, 9, 9]);
        let got = read(&blob, &cols).unwrap();
        let want = vec![
            ("b".to_string(), Value::Number("-1".into())),
            ("flag".into(), Value::Bool(true)),
            ("n".into(), Value::Number("-9007199254740993".into())),
            ("f".into(), Value::Number("0.1".into())),
            ("d".into(), Value::Number("889953".into())),
            ("s".into(), Value::Text("Kü".into())),
            ("j".into(), Value::Json("[1,2]".into())),
        ];
        assert_eq!(got, want);
        for cut in 1..blob.len() {
            if let Ok(vs) = read(&blob[..cut], &cols) {
                assert_eq!(vs[..], want[..vs.len()], "{cut}");
            }
        }
        assert!(read(&[9, 0, 1], &cols).unwrap_err().contains("column 9"));
    }
}
