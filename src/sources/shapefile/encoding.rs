//! The text encoding of a `.dbf`: named by the `.cpg` file when there is one, else by the
//! language driver id (LDID) byte of the `.dbf` header, else UTF-8 — with Windows-1252 for
//! any value that is not valid UTF-8 (old files without either are mostly Windows-1252,
//! and such a value cannot be UTF-8 text).

use encoding_rs::{Encoding, UTF_8};

/// How the `.dbf`'s text is decoded.
#[derive(Debug, Clone, Copy)]
pub(super) enum TextEncoding {
    /// UTF-8, each value not valid UTF-8 read as Windows-1252.
    Utf8OrWindows1252,
    /// A named encoding.
    Known(&'static Encoding),
    /// A DOS code page the header names that mapfig cannot decode: ASCII text reads,
    /// other bytes are an error saying so.
    Unsupported(&'static str),
}

impl TextEncoding {
    /// The encoding a `.cpg` file names; an error message when mapfig does not know it.
    pub fn from_cpg(text: &[u8]) -> Result<TextEncoding, String> {
        let written = String::from_utf8_lossy(text);
        let written = written.trim();
        let lower = written.to_ascii_lowercase();
        let label = lower.strip_prefix("ansi ").unwrap_or(&lower).trim();
        if label.is_empty() {
            return Ok(TextEncoding::Utf8OrWindows1252);
        }
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let candidates = [
            label.to_string(),
            match label.strip_prefix("cp").unwrap_or(label) {
                "65001" => "utf-8".to_string(),
                "8859-1" | "88591" => "iso-8859-1".to_string(),
                n if n.starts_with("8859") && digits(&n[4..].replace('-', "")) => {
                    format!("iso-8859-{}", n[4..].trim_start_matches('-'))
                }
                "866" => "ibm866".to_string(),
                "932" => "shift_jis".to_string(),
                "936" => "gbk".to_string(),
                "949" => "euc-kr".to_string(),
                "950" => "big5".to_string(),
                n if digits(n) => format!("windows-{n}"),
                n => n.to_string(),
            },
        ];
        for c in &candidates {
            match Encoding::for_label(c.as_bytes()) {
                Some(e) if e == UTF_8 => return Ok(TextEncoding::Utf8OrWindows1252),
                // Labels the web maps to these are not encodings a .dbf can be in.
                Some(e)
                    if e != encoding_rs::REPLACEMENT
                        && e != encoding_rs::UTF_16LE
                        && e != encoding_rs::UTF_16BE =>
                {
                    return Ok(TextEncoding::Known(e))
                }
                _ => {}
            }
        }
        Err(format!(
            "names the text encoding {written:?}, which mapfig does not know; write one of UTF-8, ISO-8859-1, windows-1252 (or another windows- or ISO-8859 code page) in it, or convert the file to UTF-8 (ogr2ogr -lco ENCODING=UTF-8)"
        ))
    }

    /// The encoding a `.dbf` header's language driver id names; `None` for none.
    pub fn from_ldid(ldid: u8) -> Option<TextEncoding> {
        let known = |e| Some(TextEncoding::Known(e));
        match ldid {
            0x03 | 0x57 | 0x58 | 0x59 => known(encoding_rs::WINDOWS_1252),
            0x26 | 0x65 => known(encoding_rs::IBM866),
            0xC8 => known(encoding_rs::WINDOWS_1250),
            0xC9 => known(encoding_rs::WINDOWS_1251),
            0xCA => known(encoding_rs::WINDOWS_1254),
            0xCB => known(encoding_rs::WINDOWS_1253),
            0x7D => known(encoding_rs::WINDOWS_1255),
            0x7E => known(encoding_rs::WINDOWS_1256),
            0x50 | 0x7C => known(encoding_rs::WINDOWS_874),
            0x13 | 0x7B => known(encoding_rs::SHIFT_JIS),
            0x4D | 0x7A => known(encoding_rs::GBK),
            0x4E | 0x79 => known(encoding_rs::EUC_KR),
            0x4F | 0x78 => known(encoding_rs::BIG5),
            0x01 => Some(TextEncoding::Unsupported("DOS code page 437")),
            0x02
            | 0x0A..=0x12
            | 0x14..=0x25
            | 0x37
            | 0x40
            | 0x64
            | 0x66
            | 0x67
            | 0x6A
            | 0x6B
            | 0x87 => Some(TextEncoding::Unsupported("a DOS code page")),
            _ => None,
        }
    }

    /// A value's text; an error message for bytes the encoding cannot say.
    pub fn decode(&self, bytes: &[u8]) -> Result<String, String> {
        match self {
            TextEncoding::Utf8OrWindows1252 => Ok(match std::str::from_utf8(bytes) {
                Ok(s) => s.to_string(),
                Err(_) => encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(bytes)
                    .0
                    .into_owned(),
            }),
            TextEncoding::Known(e) => Ok(e.decode_without_bom_handling(bytes).0.into_owned()),
            TextEncoding::Unsupported(what) => match std::str::from_utf8(bytes) {
                Ok(s) if s.is_ascii() => Ok(s.to_string()),
                _ => Err(format!(
                    "the file's header says its text is in {what}, which mapfig cannot decode; write the encoding's name in a .cpg file next to it, or convert the file to UTF-8 (ogr2ogr -lco ENCODING=UTF-8)"
                )),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpg_labels_name_encodings() {
        for (label, text) in [
            ("UTF-8", "Zürich"),
            ("LATIN1", "Zürich"),
            ("ISO-8859-1\n", "Zürich"),
            ("88591", "Zürich"),
            ("1252", "Zürich"),
            ("ANSI 1252", "Zürich"),
            ("CP1252", "Zürich"),
        ] {
            let e = TextEncoding::from_cpg(label.as_bytes()).unwrap();
            let bytes: &[u8] = if matches!(e, TextEncoding::Utf8OrWindows1252) {
                "Zürich".as_bytes()
            } else {
                b"Z\xfcrich"
            };
            assert_eq!(e.decode(bytes).unwrap(), text, "{label}");
        }
        let cyrillic = TextEncoding::from_cpg(b"1251").unwrap();
        assert_eq!(
            cyrillic.decode(b"\xcc\xee\xf1\xea\xe2\xe0").unwrap(),
            "Москва"
        );
        assert!(TextEncoding::from_cpg(b"KLINGON").is_err());
        // Not UTF-8: Windows-1252.
        let default = TextEncoding::Utf8OrWindows1252;
        assert_eq!(default.decode(b"Z\xfcrich").unwrap(), "Zürich");
        let dos = TextEncoding::from_ldid(0x01).unwrap();
        assert_eq!(dos.decode(b"Kabul").unwrap(), "Kabul");
        assert!(dos.decode(b"Z\x81rich").is_err());
    }
}
