//! Every key whose value is one of a few words (`marker = "square"`, `panel = "none"`,
//! `theme = "dark"`…): one table per key, all of them here, read by one mechanism, so a
//! wrong word gets the same answer under every key: the words it takes and the closest.

use super::reader;

/// The words one key takes and what each means. The first word for a value is the one
/// offered in messages; later words for the same value are aliases, accepted but never
/// offered (`greyscale` for `print`).
pub struct Keywords<T: 'static> {
    /// The key the words are written under, named in messages.
    pub key: &'static str,
    pub words: &'static [(&'static str, T)],
}

impl<T: Clone + PartialEq> Keywords<T> {
    /// What `word` means, if it is one of the words (exactly: no case folding).
    pub fn find(&self, word: &str) -> Option<T> {
        self.words
            .iter()
            .find(|(w, _)| *w == word)
            .map(|(_, value)| value.clone())
    }

    /// The offered words, quoted: `"a"`, `"a" or "b"`, `"a", "b" or "c"`.
    pub fn offered(&self) -> String {
        let words: Vec<String> = self.offered_words().map(|w| format!("{w:?}")).collect();
        match words.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => words.join(""),
        }
    }

    /// What `word` means, or a message naming the key, the words it takes and the closest
    /// of them to `word`.
    pub fn parse(&self, word: &str) -> Result<T, String> {
        if let Some(value) = self.find(word) {
            return Ok(value);
        }
        let known: Vec<&str> = self.offered_words().collect();
        let hint = reader::closest(word, &known)
            .map(|w| format!("; did you mean {w:?}?"))
            .unwrap_or_default();
        Err(format!(
            "{} must be {}, got {word:?}{hint}",
            self.key,
            self.offered()
        ))
    }

    fn offered_words(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.words
            .iter()
            .enumerate()
            .filter(|(i, (_, value))| !self.words[..*i].iter().any(|(_, v)| v == value))
            .map(|(_, (word, _))| *word)
    }
}

/// How a finished map is recoloured (the colours themselves are
/// [`crate::symbology::theme`]'s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// The spec's own colours.
    #[default]
    Light,
    /// Lightness inverted, hue kept.
    Dark,
    /// Greys of the same lightness.
    Print,
}

impl Theme {
    /// A theme name (surrounding spaces allowed), as a spec, the manifest and `--theme`
    /// write it.
    pub fn parse(s: &str) -> Result<Theme, String> {
        let word = s.trim();
        THEME
            .find(word)
            .ok_or_else(|| format!("unknown theme {word:?}: use {}", THEME.offered()))
    }
}

pub const THEME: Keywords<Theme> = Keywords {
    key: "theme",
    words: &[
        ("light", Theme::Light),
        ("dark", Theme::Dark),
        ("print", Theme::Print),
        ("greyscale", Theme::Print),
        ("grayscale", Theme::Print),
    ],
};

/// Whether the page has the side panel that holds badges.
pub const PANEL: Keywords<bool> = Keywords {
    key: "panel",
    words: &[("right", true), ("none", false)],
};

/// The scale bar's units: (kilometres, miles).
pub const SCALE_UNITS: Keywords<(bool, bool)> = Keywords {
    key: "scale_units",
    words: &[
        ("km", (true, false)),
        ("mi", (false, true)),
        ("km+mi", (true, true)),
    ],
};

/// Whether the map gets a locator inset.
pub const INSET: Keywords<bool> = Keywords {
    key: "inset",
    words: &[("locator", true), ("none", false)],
};

/// Whether labels are bold.
pub const LABEL_WEIGHT: Keywords<bool> = Keywords {
    key: "label_weight",
    words: &[("normal", false), ("bold", true)],
};

/// Whether labels are upper-cased.
pub const LABEL_TRANSFORM: Keywords<bool> = Keywords {
    key: "label_transform",
    words: &[("uppercase", true), ("none", false)],
};

/// The symbol drawn at each point of a layer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Marker {
    Circle,
    Square,
    None,
}

pub const MARKER: Keywords<Marker> = Keywords {
    key: "marker",
    words: &[
        ("circle", Marker::Circle),
        ("square", Marker::Square),
        ("none", Marker::None),
    ],
};

/// The lines a layer draws instead of its features: its inner borders (`true`) or its
/// outline (`false`).
pub const LINES: Keywords<bool> = Keywords {
    key: "lines",
    words: &[("inner", true), ("outer", false)],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_words_list_the_offered_ones_and_suggest_the_closest() {
        assert_eq!(MARKER.parse("square"), Ok(Marker::Square));
        assert_eq!(
            MARKER.parse("circel"),
            Err("marker must be \"circle\", \"square\" or \"none\", got \"circel\"; did you mean \"circle\"?".into())
        );
        assert_eq!(
            PANEL.parse("left"),
            Err("panel must be \"right\" or \"none\", got \"left\"".into())
        );
    }

    #[test]
    fn aliases_are_accepted_but_not_offered() {
        assert_eq!(Theme::parse(" grayscale "), Ok(Theme::Print));
        assert_eq!(THEME.offered(), "\"light\", \"dark\" or \"print\"");
        assert_eq!(
            Theme::parse("sepia"),
            Err("unknown theme \"sepia\": use \"light\", \"dark\" or \"print\"".into())
        );
    }
}
