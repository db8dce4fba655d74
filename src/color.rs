//! CSS colours, parsed once and written back in one canonical form so output is stable
//! whatever spelling the spec used (`red`, `#f00`, `rgb(255 0 0)` all become `#ff0000`).

pub mod scheme;

use std::fmt;

/// A colour or `none`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Paint {
    None,
    Color(Rgba),
}

/// 8-bit sRGB with alpha.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgba {
    pub r: u8,
    pub g: u8,
    pub b: u8,
    pub a: u8,
}

impl Rgba {
    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Rgba { r, g, b, a: 255 }
    }

    /// `#rrggbb`, without alpha (alpha goes to a separate opacity attribute in SVG).
    pub fn hex(&self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }

    pub fn alpha(&self) -> f64 {
        f64::from(self.a) / 255.0
    }
}

impl Paint {
    /// Parses any CSS colour syntax, plus `none`.
    pub fn parse(text: &str) -> Result<Paint, String> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("none") || t.eq_ignore_ascii_case("transparent") {
            return Ok(Paint::None);
        }
        let c = csscolorparser::parse(t)
            .map_err(|e| format!("invalid colour {text:?}: {e} (use CSS syntax such as \"#c0392b\", \"steelblue\", \"rgb(10 20 30)\" or \"none\")"))?;
        let [r, g, b, a] = c.to_rgba8();
        Ok(Paint::Color(Rgba { r, g, b, a }))
    }

    pub fn rgb(r: u8, g: u8, b: u8) -> Paint {
        Paint::Color(Rgba::rgb(r, g, b))
    }

    pub fn is_none(&self) -> bool {
        matches!(self, Paint::None) || matches!(self, Paint::Color(c) if c.a == 0)
    }
}

impl fmt::Display for Paint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Paint::None => f.write_str("none"),
            Paint::Color(c) => f.write_str(&c.hex()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_colour_agree() {
        for s in [
            "red",
            "#f00",
            "#FF0000",
            "rgb(255, 0, 0)",
            "hsl(0 100% 50%)",
        ] {
            assert_eq!(Paint::parse(s).unwrap(), Paint::rgb(255, 0, 0), "{s}");
        }
        assert_eq!(Paint::parse("red").unwrap().to_string(), "#ff0000");
    }

    #[test]
    fn none_and_alpha() {
        assert_eq!(Paint::parse("none").unwrap(), Paint::None);
        match Paint::parse("rgba(0,0,0,0.5)").unwrap() {
            Paint::Color(c) => assert!((c.alpha() - 0.5).abs() < 0.01),
            Paint::None => panic!("expected a colour"),
        }
    }

    #[test]
    fn garbage_is_an_error_that_quotes_the_input() {
        let e = Paint::parse("reddish").unwrap_err();
        assert!(e.contains("\"reddish\""), "{e}");
    }
}
