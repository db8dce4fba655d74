//! Fitting a page's texts and panel into the size the spec asked for. Every size the spec
//! accepts renders: when the page is too small for everything, layout gives things up in
//! one fixed, documented order (see [`plan_page`]) until the map frame keeps at least
//! [`MIN_FRAME`] px a side and the badges fit the panel, and says what it gave up (the
//! warnings end up on stderr). The title is cut or dropped last, never silently.

use crate::text::shape;

/// The smallest map frame, in px a side: below this a map cannot be read.
pub const MIN_FRAME: f64 = 80.0;

/// What layout left out or shortened to fit the page, one sentence each (printed as
/// warnings).
pub type Warnings = Vec<String>;

/// The ellipsis that ends a cut text.
const ELLIPSIS: char = '…';

/// Lines of `text` wrapped to `max_width`, at most `max_lines` of them (at least one); a
/// word wider than the line is broken between characters. Returns the lines and whether
/// anything was cut (the last line then ends with an ellipsis, still within the width).
/// Work stops after the last line kept, so a 2,000-word title costs what three lines cost.
pub fn wrap_cut(
    text: &str,
    max_width: f64,
    max_lines: usize,
    size: f64,
    bold: bool,
    italic: bool,
) -> (Vec<String>, bool) {
    let max_lines = max_lines.max(1);
    let width = |s: &str| shape::text_width(s, size, bold, italic, 0.0);
    let mut lines: Vec<String> = Vec::new();
    let mut cut = false;
    'paragraphs: for (k, para) in text.split('\n').enumerate() {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            let head = first_chars(&candidate, MAX_LINE_CHARS);
            if head.len() == candidate.len() && width(head) <= max_width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                if lines.len() == max_lines {
                    cut = true;
                    break 'paragraphs;
                }
            }
            // The word alone: whole when it fits, else broken into pieces that do (each
            // measured from at most MAX_LINE_CHARS characters, so a huge word costs no more
            // than a line).
            let mut rest = word;
            while {
                let head = first_chars(rest, MAX_LINE_CHARS);
                head.len() < rest.len() || width(head) > max_width
            } {
                let head = longest_prefix(first_chars(rest, MAX_LINE_CHARS), max_width, &width);
                lines.push(head.to_string());
                rest = &rest[head.len()..];
                if lines.len() == max_lines {
                    cut = true;
                    break 'paragraphs;
                }
            }
            line = rest.to_string();
        }
        lines.push(line);
        if lines.len() == max_lines {
            // Anything after this paragraph is cut.
            cut = has_more(text, k + 1);
            break;
        }
    }
    if cut {
        if let Some(last) = lines.last_mut() {
            *last = with_ellipsis(last, max_width, &width);
        }
    }
    (lines, cut)
}

/// Most characters measured for one line: more than any line of the widest page holds in
/// the smallest type (a longer line is broken there, still within its width).
const MAX_LINE_CHARS: usize = 10_000;

/// The first `n` characters of `s`.
fn first_chars(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or(s, |(i, _)| &s[..i])
}

/// Whether paragraphs after the first `n` hold any text.
fn has_more(text: &str, n: usize) -> bool {
    text.split('\n').skip(n).any(|p| !p.trim().is_empty())
}

/// The longest prefix of `s` (at least one character) no wider than `max_width`, by
/// bisection over character boundaries.
fn longest_prefix<'a>(s: &'a str, max_width: f64, width: &dyn Fn(&str) -> f64) -> &'a str {
    let bounds: Vec<usize> = s.char_indices().map(|(i, _)| i).skip(1).collect();
    let (mut lo, mut hi) = (0usize, bounds.len());
    // bounds[..lo] fit; find the last that fits.
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let end = bounds.get(mid - 1).copied().unwrap_or(s.len());
        if width(&s[..end]) <= max_width {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let end = match lo.checked_sub(1) {
        Some(i) => bounds.get(i).copied().unwrap_or(s.len()),
        // Not even one character fits: take one anyway, so the text always advances.
        None => bounds.first().copied().unwrap_or(s.len()),
    };
    &s[..end]
}

/// `line` shortened until it and an ellipsis fit `max_width`: cut at the last word that
/// fits (or between characters when a single word is too wide), found by bisection.
fn with_ellipsis(line: &str, max_width: f64, width: &dyn Fn(&str) -> f64) -> String {
    let line = first_chars(line.trim_end(), MAX_LINE_CHARS);
    let room = (max_width - width("…")).max(0.0);
    let mut keep = if width(line) <= room {
        line
    } else {
        longest_prefix(line, room, width)
    };
    if keep.len() < line.len() {
        if let Some(i) = keep.rfind(' ').filter(|&i| i > 0) {
            keep = &keep[..i];
        }
    }
    let mut s = keep.trim_end().to_string();
    // Kerning can make the joined text a hair wider than its parts.
    while !s.is_empty() && width(&format!("{s}{ELLIPSIS}")) > max_width {
        s.pop();
    }
    format!("{s}{ELLIPSIS}")
}

/// One line of text that fits `max_width`: cut with an ellipsis when it does not.
pub fn fit_line(text: &str, max_width: f64, size: f64, bold: bool) -> (String, bool) {
    let width = |s: &str| shape::text_width(s, size, bold, false, 0.0);
    if first_chars(text, MAX_LINE_CHARS).len() == text.len() && width(text) <= max_width {
        return (text.to_string(), false);
    }
    (with_ellipsis(text, max_width, &width), true)
}

/// Typography of the title block and credit line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Type {
    pub margin: f64,
    pub title: (f64, f64),
    pub subtitle: (f64, f64),
    pub credit: (f64, f64),
    /// Gap under the title and subtitle, and between the title and subtitle.
    pub gap: f64,
    pub title_gap: f64,
}

/// The page's usual typography (font size, line height).
pub const NORMAL: Type = Type {
    margin: 20.0,
    title: (22.0, 27.0),
    subtitle: (14.5, 19.0),
    credit: (10.5, 14.0),
    gap: 10.0,
    title_gap: 2.0,
};

/// Tighter margins and smaller type for a page too small for [`NORMAL`].
pub const COMPACT: Type = Type {
    margin: 8.0,
    title: (14.0, 16.0),
    subtitle: (11.0, 13.0),
    credit: (9.0, 11.0),
    gap: 4.0,
    title_gap: 1.0,
};

/// Most lines a title, subtitle or credit ever takes: longer texts are cut with an
/// ellipsis (and a warning).
pub const TITLE_LINES: usize = 3;
pub const SUBTITLE_LINES: usize = 3;
pub const CREDIT_LINES: usize = 3;

/// A title-block text as laid out.
#[derive(Debug, Clone)]
pub struct Block {
    pub lines: Vec<String>,
    pub cut: bool,
}

/// The page's texts and panel as they fit.
#[derive(Debug, Clone)]
pub struct PagePlan {
    pub ty: Type,
    pub title: Option<Block>,
    pub subtitle: Option<Block>,
    pub credit: Option<Block>,
    /// Top of the map frame (and panel).
    pub top: f64,
    /// Bottom of the map frame (and panel).
    pub bottom: f64,
    /// How many badges, from the first, stay in the panel.
    pub badges: usize,
    /// Whether the badges keep their notes.
    pub badge_notes: bool,
    pub warnings: Warnings,
}

/// What the page must hold, as the spec gives it.
pub struct PageTexts<'a> {
    pub width: f64,
    pub height: f64,
    pub title: Option<&'a str>,
    pub subtitle: Option<&'a str>,
    pub credit: Option<&'a str>,
    /// Width of the map frame besides the margins (page width less panel and gutter).
    pub panel_width: f64,
    /// Height of the badges in the panel, given how many are kept and with or without
    /// their notes.
    pub badge_count: usize,
}

/// One step of giving things up.
#[derive(Debug, Clone, Copy, PartialEq)]
struct State {
    compact: bool,
    badge_notes: bool,
    credit_lines: usize,
    subtitle_lines: usize,
    title_lines: usize,
    badges: usize,
}

/// Plans the page. When everything does not fit (a map frame of at least [`MIN_FRAME`] px a
/// side, badges within the panel beside it), things are given up in this order, each only
/// as far as needed:
///
/// 1. texts longer than their line budget (title 3 lines, subtitle 3, credit 3) are cut
///    with an ellipsis;
/// 2. margins and the title block's type shrink (compact typography);
/// 3. badge notes are dropped;
/// 4. the credit is cut to one line, then dropped;
/// 5. the subtitle is cut to one line, then dropped;
/// 6. badges are dropped, the last first;
/// 7. the title is cut to one line, then dropped.
///
/// `badges_height(count, notes)` is the panel height the first `count` badges need.
/// Returns `None` only when even an empty page has no room for the frame (a size the spec
/// refuses).
pub fn plan_page(page: &PageTexts, badges_height: &dyn Fn(usize, bool) -> f64) -> Option<PagePlan> {
    let mut s = State {
        compact: false,
        badge_notes: true,
        credit_lines: CREDIT_LINES,
        subtitle_lines: SUBTITLE_LINES,
        title_lines: TITLE_LINES,
        badges: page.badge_count,
    };
    loop {
        let plan = lay_out(page, s);
        let frame_w = page.panel_width - 2.0 * plan.ty.margin;
        let frame_h = plan.bottom - plan.top;
        let fits = frame_w >= MIN_FRAME
            && frame_h >= MIN_FRAME
            && (plan.badges == 0 || badges_height(plan.badges, plan.badge_notes) <= frame_h);
        if fits {
            return Some(with_warnings(page, plan));
        }
        s = next(s, page)?;
    }
}

/// The next step of [`plan_page`]'s order; `None` when nothing is left to give up.
fn next(mut s: State, page: &PageTexts) -> Option<State> {
    if !s.compact {
        s.compact = true;
    } else if s.badge_notes && s.badges > 0 {
        s.badge_notes = false;
    } else if s.credit_lines > 0 && page.credit.is_some() {
        s.credit_lines = if s.credit_lines > 1 { 1 } else { 0 };
    } else if s.subtitle_lines > 0 && page.subtitle.is_some() {
        s.subtitle_lines = if s.subtitle_lines > 1 { 1 } else { 0 };
    } else if s.badges > 0 {
        s.badges -= 1;
    } else if s.title_lines > 0 && page.title.is_some() {
        s.title_lines = if s.title_lines > 1 { 1 } else { 0 };
    } else {
        return None;
    }
    Some(s)
}

/// The page at state `s`: where the frame starts and ends.
fn lay_out(page: &PageTexts, s: State) -> PagePlan {
    let ty = if s.compact { COMPACT } else { NORMAL };
    let text_width = page.width - 2.0 * ty.margin;
    let block = |text: Option<&str>, lines: usize, (size, _): (f64, f64), bold: bool| {
        let text = text.filter(|_| lines > 0)?;
        let (lines, cut) = wrap_cut(text, text_width, lines, size, bold, false);
        Some(Block { lines, cut })
    };
    let title = block(page.title, s.title_lines, ty.title, true);
    let subtitle = block(page.subtitle, s.subtitle_lines, ty.subtitle, false);
    let credit = block(page.credit, s.credit_lines, ty.credit, false);
    let mut top = ty.margin;
    if let Some(t) = &title {
        top += t.lines.len() as f64 * ty.title.1 + ty.title_gap;
    }
    if let Some(t) = &subtitle {
        top += t.lines.len() as f64 * ty.subtitle.1;
    }
    if title.is_some() || subtitle.is_some() {
        top += ty.gap;
    }
    let bottom = match &credit {
        Some(c) => credit_baseline(page.height, &ty, c.lines.len()) - ty.credit.0 - ty.gap,
        None => page.height - ty.margin,
    };
    PagePlan {
        ty,
        title,
        subtitle,
        credit,
        top,
        bottom,
        badges: s.badges,
        badge_notes: s.badge_notes,
        warnings: Vec::new(),
    }
}

/// The first baseline of a credit of `lines` lines at the foot of the page.
pub fn credit_baseline(height: f64, ty: &Type, lines: usize) -> f64 {
    height - ty.margin * 0.8 - (lines as f64 - 1.0) * ty.credit.1
}

/// The plan with a warning for everything it cut or dropped.
fn with_warnings(page: &PageTexts, mut plan: PagePlan) -> PagePlan {
    let size = format!("{}×{} px page", page.width, page.height);
    let mut warnings = Vec::new();
    for (what, text, block) in [
        ("title", page.title, &plan.title),
        ("subtitle", page.subtitle, &plan.subtitle),
        ("credit", page.credit, &plan.credit),
    ] {
        let Some(text) = text else { continue };
        match block {
            None => warnings.push(format!(
                "{what} {:?} dropped: no room for it on the {size} beside a map frame of at least {MIN_FRAME} px a side",
                preview(text)
            )),
            Some(b) if b.cut => warnings.push(format!(
                "{what} {:?} cut to {} line{} with an ellipsis: no room for all of it on the {size}",
                preview(text),
                b.lines.len(),
                if b.lines.len() == 1 { "" } else { "s" }
            )),
            Some(_) => {}
        }
    }
    if page.badge_count > 0 && !plan.badge_notes {
        warnings.push(format!(
            "badge notes dropped: no room for them in the side panel of the {size}"
        ));
    }
    for k in plan.badges..page.badge_count {
        warnings.push(format!(
            "badge {} dropped: no room for it in the side panel of the {size}",
            k + 1
        ));
    }
    plan.warnings = warnings;
    plan
}

/// The start of a text, for a warning: at most 60 characters.
pub fn preview(text: &str) -> String {
    let mut s: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() > 60 {
        s = s.chars().take(59).collect::<String>() + "…";
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_to_its_lines_with_an_ellipsis() {
        let text = "word ".repeat(2000);
        let (lines, cut) = wrap_cut(&text, 300.0, 3, 22.0, true, false);
        assert!(cut);
        assert_eq!(lines.len(), 3);
        assert!(lines[2].ends_with('…'));
        for l in &lines {
            assert!(shape::text_width(l, 22.0, true, false, 0.0) <= 300.0, "{l}");
        }
    }

    #[test]
    fn a_word_wider_than_the_line_is_broken() {
        let text = "x".repeat(500);
        let (lines, cut) = wrap_cut(&text, 100.0, 2, 14.0, false, false);
        assert!(cut && lines.len() == 2, "{lines:?}");
        for l in &lines {
            assert!(
                shape::text_width(l, 14.0, false, false, 0.0) <= 100.0,
                "{l}"
            );
        }
        let (lines, cut) = wrap_cut("short text", 300.0, 3, 14.0, false, false);
        assert_eq!((lines, cut), (vec!["short text".to_string()], false));
    }

    #[test]
    fn a_huge_word_is_cut_quickly() {
        let text = "y".repeat(2_000_000);
        let start = std::time::Instant::now();
        let (lines, cut) = wrap_cut(&text, 500.0, 3, 22.0, true, false);
        assert!(cut && lines.len() == 3);
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn a_long_legend_text_is_cut_in_one_go() {
        let text = "word ".repeat(200_000);
        let start = std::time::Instant::now();
        let (line, cut) = fit_line(&text, 150.0, 11.5, false);
        assert!(
            cut && line.ends_with('…') && line.starts_with("word"),
            "{line}"
        );
        assert!(shape::text_width(&line, 11.5, false, false, 0.0) <= 150.0);
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn the_title_goes_last() {
        let page = PageTexts {
            width: 120.0,
            height: 120.0,
            title: Some("Title"),
            subtitle: Some("Subtitle"),
            credit: Some("Credit"),
            panel_width: 120.0,
            badge_count: 0,
        };
        let plan = plan_page(&page, &|_, _| 0.0).unwrap();
        assert!(plan.bottom - plan.top >= MIN_FRAME);
        assert!(plan.credit.is_none() && plan.subtitle.is_none());
        assert!(plan.warnings.iter().any(|w| w.starts_with("credit")));
        assert!(plan.warnings.iter().any(|w| w.starts_with("subtitle")));
    }
}
