//! SVG ids a spec decides: the per-map id prefix (written as `id_prefix` or made from the
//! output name) and the rule that turns layer and feature ids into safe local ids. They
//! live with the spec because the spec checks them; the scene and the SVG writer use them.

/// Joins a map's id prefix to its local ids. A prefix never holds it (see
/// [`check_id_prefix`]), so the first one in an id ends the prefix: maps with different
/// prefixes cannot write the same id, whatever their layer and feature ids are.
pub const ID_SEPARATOR: char = '_';

/// Longest `id_prefix`, in characters.
pub const MAX_ID_PREFIX: usize = 64;

/// Checks an `id_prefix` written in a spec: an ASCII letter, then letters, digits and '-'
/// (a valid XML id and CSS identifier, without [`ID_SEPARATOR`]).
pub fn check_id_prefix(prefix: &str) -> Result<(), String> {
    let ok = prefix.chars().count() <= MAX_ID_PREFIX
        && prefix.starts_with(|c: char| c.is_ascii_alphabetic())
        && prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(format!("id_prefix must start with a letter and hold only letters, digits and '-', at most {MAX_ID_PREFIX} (it starts every SVG id), got {prefix:?}"))
    }
}

/// The id prefix of a map named `name` (its output file name): every character other
/// than an ASCII letter, digit or '-' becomes '-', and a name that does not start with a
/// letter gets `m-` in front. The result always passes [`check_id_prefix`].
pub fn id_prefix_for(name: &str) -> String {
    let mut p: String = name
        .chars()
        .take(MAX_ID_PREFIX - 2)
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    if !p.starts_with(|c: char| c.is_ascii_alphabetic()) {
        p.insert_str(0, "m-");
    }
    p
}

/// `raw` with every character that is not an ASCII letter, digit, '-' or '_' replaced by
/// '_': safe in an XML id, a CSS identifier (after the prefix) and a URL fragment.
pub fn safe_id(raw: &str) -> String {
    raw.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_prefixes_are_valid_and_never_hold_the_separator() {
        for (name, want) in [
            ("kunduz-districts", "kunduz-districts"),
            ("map_2.v1", "map-2-v1"),
            ("2024", "m-2024"),
            ("", "m-"),
            ("_x", "m--x"),
        ] {
            let p = id_prefix_for(name);
            assert_eq!(p, want, "{name}");
            assert!(check_id_prefix(&p).is_ok(), "{p}");
            assert!(!p.contains(ID_SEPARATOR), "{p}");
        }
        assert!(check_id_prefix("a_b").is_err());
        assert!(check_id_prefix("1a").is_err());
        assert!(check_id_prefix("").is_err());
        assert!(check_id_prefix(&"a".repeat(MAX_ID_PREFIX + 1)).is_err());
        assert!(check_id_prefix(&id_prefix_for(&"a".repeat(500))).is_ok());
    }

    #[test]
    fn safe_ids_keep_only_id_characters() {
        assert_eq!(safe_id("x-<b> \"q\""), "x-_b___q_");
        assert_eq!(safe_id("AF-KDZ_1"), "AF-KDZ_1");
    }
}
