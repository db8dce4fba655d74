//! Text from data written into XML or HTML markup by hand (the gallery page); the SVG
//! writer's elements escape through the svg crate, after the same cleaning.

use crate::scene::clean_text;

/// `s` made safe inside elements and quoted attributes: cleaned ([`clean_text`]), then
/// `&`, `<`, `>`, `"` and `'` written as references.
///
/// ```
/// use mapfig::emit::markup::escape;
///
/// assert_eq!(escape("<b>\"Kunduz\" & 'Baghlan'</b>"),
///     "&lt;b&gt;&quot;Kunduz&quot; &amp; &#39;Baghlan&#39;&lt;/b&gt;");
/// ```
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in clean_text(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
