//! GeoPackage binary geometry (OGC 12-128r18 §2.1.3): `GP`, a version, flags (byte order
//! of the header, envelope kind, empty, extended), an SRS id and an optional envelope,
//! then the geometry as WKB.

use crate::error::Result;
use crate::sources::validate::Validator;
use crate::sources::wkb;
use geo::Geometry;

/// Envelope bytes for each envelope kind of the flags (none, xy, xyz, xym, xyzm).
const ENVELOPE_BYTES: [usize; 5] = [0, 32, 48, 48, 64];

/// The geometry of one blob; `None` for an empty one.
pub fn read(blob: &[u8], v: &Validator) -> Result<Option<Geometry<f64>>> {
    let bad = |m: String| v.err("", format!("not a GeoPackage geometry blob: {m}"));
    if blob.len() < 8 || &blob[..2] != b"GP" {
        return Err(bad(format!(
            "it starts {:02x?}, not with \"GP\" and an 8-byte header",
            &blob[..blob.len().min(8)]
        )));
    }
    let flags = blob[3];
    if flags & 0b0010_0000 != 0 {
        return Err(bad(
            "an extended (non-standard) geometry type, which mapfig does not read".into(),
        ));
    }
    let envelope = ((flags >> 1) & 0b111) as usize;
    let Some(&envelope_bytes) = ENVELOPE_BYTES.get(envelope) else {
        return Err(bad(format!("envelope kind {envelope} (must be 0 to 4)")));
    };
    let wkb_at = 8 + envelope_bytes;
    let Some(wkb) = blob.get(wkb_at..) else {
        return Err(bad(format!(
            "its header and envelope need {wkb_at} bytes, the blob has {}",
            blob.len()
        )));
    };
    if flags & 0b0001_0000 != 0 {
        return Ok(None);
    }
    wkb::read(wkb, v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn header_envelope_then_wkb() {
        let v = Validator {
            path: Path::new("t.gpkg"),
            place: "row 0",
            planar: false,
        };
        let mut b = b"GP\0\x03".to_vec(); // little-endian, xy envelope
        b.extend(4326i32.to_le_bytes());
        b.extend([0u8; 32]);
        b.push(1);
        b.extend(1u32.to_le_bytes());
        b.extend(3.0f64.to_le_bytes());
        b.extend(4.0f64.to_le_bytes());
        assert_eq!(
            read(&b, &v).unwrap(),
            Some(geo::Point::new(3.0, 4.0).into())
        );
        let mut empty = b.clone();
        empty[3] |= 0x10;
        assert_eq!(read(&empty, &v).unwrap(), None);
        for (blob, says) in [
            (&b"GP"[..], "8-byte header"),
            (&b"XX\0\x01\0\0\0\0"[..], "not with \"GP\""),
            (&b"GP\0\x0a\0\0\0\0"[..], "envelope kind 5"),
            (&b"GP\0\x20\0\0\0\0"[..], "extended"),
            (&b[..20], "need 40 bytes"),
            (&b[..45], "needs 16 more bytes"),
        ] {
            let e = read(blob, &v).unwrap_err().to_string();
            assert!(e.contains(says), "{says}: {e}");
        }
    }
}
