//! Named colour schemes: every ColorBrewer scheme at every class count it defines, and
//! the 256-colour ramps viridis, magma, inferno, plasma, cividis and turbo. The colours
//! are generated from registry packages (`data.rs`, by `gen_schemes.py`; sources in
//! `src/color/SOURCES.md`), never typed by hand. A leaf module, so the spec can check a
//! scheme's name and the symbology stage can use its colours.

mod data;

use super::Rgba;

/// What a scheme is made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemeKind {
    /// ColorBrewer sequential (one or several hues, light to dark).
    Sequential,
    /// ColorBrewer diverging (two hues meeting at a light middle).
    Diverging,
    /// ColorBrewer qualitative (categories, no order).
    Qualitative,
    /// A 256-colour perceptual ramp (viridis and its kin).
    Ramp,
}

/// One scheme: its colours for each class count from `min_classes` on.
#[derive(Debug)]
pub struct Scheme {
    pub name: &'static str,
    pub kind: SchemeKind,
    pub min_classes: usize,
    /// The colours for `min_classes`, `min_classes + 1`, … classes, each list as `rrggbb`
    /// hex digits run together.
    lists: &'static [&'static str],
}

impl Scheme {
    /// The scheme called `name`, ignoring case (`"blues"` is ColorBrewer's `Blues`).
    pub fn find(name: &str) -> Option<&'static Scheme> {
        data::SCHEMES
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name.trim()))
    }

    /// Every scheme, ColorBrewer's first.
    pub fn all() -> &'static [Scheme] {
        data::SCHEMES
    }

    /// The most classes the scheme has its own colours for.
    pub fn max_classes(&self) -> usize {
        self.min_classes + self.lists.len().saturating_sub(1)
    }

    /// The scheme's own colours for `k` classes, when it defines that count.
    pub fn classes(&self, k: usize) -> Option<Vec<Rgba>> {
        let list = self.lists.get(k.checked_sub(self.min_classes)?)?;
        Some(decode(list))
    }

    /// The scheme as a ramp to interpolate: its longest list of colours.
    pub fn ramp(&self) -> Vec<Rgba> {
        self.lists.last().map(|l| decode(l)).unwrap_or_default()
    }
}

/// `rrggbb` hex digits run together, as colours (the data is generated and checked by a
/// test, so a malformed digit pair cannot occur; it would read as 0).
fn decode(list: &str) -> Vec<Rgba> {
    let byte = |s: &str| u8::from_str_radix(s, 16).unwrap_or(0);
    list.as_bytes()
        .chunks_exact(6)
        .filter_map(|c| std::str::from_utf8(c).ok())
        .map(|c| Rgba::rgb(byte(&c[0..2]), byte(&c[2..4]), byte(&c[4..6])))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_is_hex_of_its_class_count() {
        assert_eq!(Scheme::all().len(), 41);
        for s in Scheme::all() {
            for (i, list) in s.lists.iter().enumerate() {
                let k = if s.kind == SchemeKind::Ramp {
                    256
                } else {
                    s.min_classes + i
                };
                assert_eq!(list.len(), 6 * k, "{} {k}", s.name);
                assert!(list.bytes().all(|b| b.is_ascii_hexdigit()), "{}", s.name);
            }
        }
    }

    #[test]
    fn colorbrewer_and_viridis_colours() {
        let blues = Scheme::find("blues").unwrap();
        assert_eq!((blues.min_classes, blues.max_classes()), (3, 9));
        let five: Vec<String> = blues.classes(5).unwrap().iter().map(Rgba::hex).collect();
        assert_eq!(
            five,
            ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
        );
        assert_eq!(blues.classes(10), None);
        let viridis = Scheme::find("viridis").unwrap().ramp();
        assert_eq!(viridis.len(), 256);
        assert_eq!(viridis[0].hex(), "#440154");
        assert_eq!(viridis[255].hex(), "#fde725");
        assert_eq!(Scheme::find("Set3").unwrap().max_classes(), 12);
    }
}
