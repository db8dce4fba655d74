//! Just enough of FlatBuffers to read FlatGeobuf's header and features from untrusted
//! bytes: tables through their vtables, scalars, strings and vectors, every offset and
//! length checked against the buffer, so a corrupt file is an error, never a panic or an
//! out-of-bounds read.

/// What is wrong with a buffer, in a few words.
pub type Fb<T> = std::result::Result<T, String>;

fn slice(buf: &[u8], at: usize, len: usize) -> Fb<&[u8]> {
    at.checked_add(len)
        .and_then(|end| buf.get(at..end))
        .ok_or_else(|| {
            format!(
                "offset {at} + {len} bytes is past the end of the {}-byte buffer",
                buf.len()
            )
        })
}

pub fn u16_at(buf: &[u8], at: usize) -> Fb<u16> {
    let b = slice(buf, at, 2)?;
    Ok(u16::from_le_bytes([b[0], b[1]]))
}

pub fn u32_at(buf: &[u8], at: usize) -> Fb<u32> {
    let b = slice(buf, at, 4)?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// One FlatBuffers table: where it starts and its vtable.
#[derive(Clone, Copy)]
pub struct Table<'a> {
    buf: &'a [u8],
    pos: usize,
    vtable: &'a [u8],
}

impl<'a> Table<'a> {
    /// The buffer's root table.
    pub fn root(buf: &'a [u8]) -> Fb<Table<'a>> {
        let at = u32_at(buf, 0)? as usize;
        Table::at(buf, at)
    }

    fn at(buf: &'a [u8], pos: usize) -> Fb<Table<'a>> {
        let soffset = u32_at(buf, pos)? as i32;
        let vt = i64::try_from(pos)
            .ok()
            .and_then(|p| p.checked_sub(i64::from(soffset)))
            .and_then(|v| usize::try_from(v).ok())
            .ok_or_else(|| format!("table at {pos} has its vtable outside the buffer"))?;
        let vt_len = u16_at(buf, vt)? as usize;
        if vt_len < 4 || !vt_len.is_multiple_of(2) {
            return Err(format!("table at {pos} has a vtable of {vt_len} bytes"));
        }
        let vtable = slice(buf, vt, vt_len)?;
        let table_len = u16_at(buf, vt + 2)? as usize;
        slice(buf, pos, table_len)?;
        Ok(Table { buf, pos, vtable })
    }

    /// Where field `id` is, `None` when absent.
    fn field(&self, id: usize) -> Option<usize> {
        let at = 4 + 2 * id;
        let off = self.vtable.get(at..at + 2)?;
        match u16::from_le_bytes([off[0], off[1]]) {
            0 => None,
            off => Some(self.pos + off as usize),
        }
    }

    pub fn u8(&self, id: usize, default: u8) -> Fb<u8> {
        match self.field(id) {
            None => Ok(default),
            Some(at) => Ok(slice(self.buf, at, 1)?[0]),
        }
    }

    pub fn u16(&self, id: usize, default: u16) -> Fb<u16> {
        self.field(id)
            .map_or(Ok(default), |at| u16_at(self.buf, at))
    }

    pub fn i32(&self, id: usize, default: i32) -> Fb<i32> {
        self.field(id)
            .map_or(Ok(default), |at| Ok(u32_at(self.buf, at)? as i32))
    }

    pub fn u64(&self, id: usize, default: u64) -> Fb<u64> {
        match self.field(id) {
            None => Ok(default),
            Some(at) => {
                let b = slice(self.buf, at, 8)?;
                Ok(u64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
            }
        }
    }

    /// Where an offset field points.
    fn target(&self, id: usize) -> Fb<Option<usize>> {
        let Some(at) = self.field(id) else {
            return Ok(None);
        };
        let off = u32_at(self.buf, at)? as usize;
        at.checked_add(off)
            .filter(|&t| t < self.buf.len())
            .map(Some)
            .ok_or_else(|| {
                format!(
                    "field {id} of the table at {} points past the buffer",
                    self.pos
                )
            })
    }

    pub fn table(&self, id: usize) -> Fb<Option<Table<'a>>> {
        match self.target(id)? {
            None => Ok(None),
            Some(t) => Table::at(self.buf, t).map(Some),
        }
    }

    /// A vector of `elem`-byte scalars, as its bytes.
    pub fn vector(&self, id: usize, elem: usize) -> Fb<Option<&'a [u8]>> {
        let Some(t) = self.target(id)? else {
            return Ok(None);
        };
        let n = u32_at(self.buf, t)? as usize;
        let bytes = n
            .checked_mul(elem)
            .ok_or_else(|| format!("a vector of {n} elements at {t} is past the buffer"))?;
        slice(self.buf, t + 4, bytes).map(Some)
    }

    pub fn string(&self, id: usize) -> Fb<Option<&'a str>> {
        match self.vector(id, 1)? {
            None => Ok(None),
            Some(b) => std::str::from_utf8(b)
                .map(Some)
                .map_err(|_| format!("field {id} is not UTF-8 text")),
        }
    }

    /// A vector of tables.
    pub fn tables(&self, id: usize) -> Fb<Vec<Table<'a>>> {
        let Some(t) = self.target(id)? else {
            return Ok(Vec::new());
        };
        let offsets = self.vector(id, 4)?.unwrap_or_default();
        let start = t + 4;
        (0..offsets.len() / 4)
            .map(|i| {
                let at = start + 4 * i;
                let off = u32_at(self.buf, at)? as usize;
                Table::at(self.buf, at + off)
            })
            .collect()
    }

    /// How many bytes the buffer has: a bound on what one table can hold, unless its
    /// offsets share data.
    pub fn buffer_len(&self) -> usize {
        self.buf.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table with one u8 field (id 0 = 7) and one string field (id 1 = "ab").
    fn sample() -> Vec<u8> {
        let mut b = Vec::new();
        b.extend(12u32.to_le_bytes()); // root → table at 12
        b.extend([8, 0, 12, 0, 4, 0, 8, 0]); // vtable at 4: len 8, table 12, u8 @4, str @8
        b.extend((12i32 - 4).to_le_bytes()); // table at 12: soffset to vtable
        b.extend([7, 0, 0, 0]);
        b.extend(4u32.to_le_bytes()); // at 20: string at 24
        b.extend(2u32.to_le_bytes());
        b.extend(b"ab\0");
        b
    }

    #[test]
    fn reads_fields_and_refuses_bad_offsets() {
        let b = sample();
        let t = Table::root(&b).unwrap();
        assert_eq!(t.u8(0, 0).unwrap(), 7);
        assert_eq!(t.string(1).unwrap(), Some("ab"));
        assert_eq!(t.u8(5, 3).unwrap(), 3);
        for cut in 0..b.len() - 1 {
            let r = Table::root(&b[..cut]).and_then(|t| t.string(1));
            assert!(r.is_err(), "{cut}");
        }
        let mut long = b.clone();
        long[24] = 0xff;
        long[27] = 0xff;
        assert!(Table::root(&long).unwrap().string(1).is_err());
    }
}
