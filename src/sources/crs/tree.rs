//! The tree of a WKT text: `KEYWORD[arg, …]` nodes whose arguments are quoted texts,
//! numbers, bare words or nodes, with the look-ups the CRS readers share (children by
//! keyword, EPSG ids, units, names compared loosely). Nesting and every error are bounded.

use std::f64::consts::PI;

/// Nesting deeper than this is refused (real CRSs nest 5 or 6 deep).
const MAX_DEPTH: usize = 24;

/// One `KEYWORD[...]` of the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The keyword, upper-cased (`PROJCS`).
    pub key: String,
    pub args: Vec<Arg>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    Number(f64),
    /// A bare word: `EAST`, `Cartesian`.
    Word(String),
    Node(Node),
}

/// The tree of `text`: one root node.
pub fn parse_tree(text: &str) -> Result<Node, String> {
    let mut p = Parser {
        s: text.as_bytes(),
        at: 0,
    };
    p.space();
    let root = p.node(0)?;
    p.space();
    if p.at < p.s.len() {
        return Err(format!("unexpected text after the WKT at byte {}", p.at));
    }
    Ok(root)
}

struct Parser<'a> {
    s: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn space(&mut self) {
        while self.s.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }

    fn word(&mut self) -> String {
        let start = self.at;
        while self
            .s
            .get(self.at)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            self.at += 1;
        }
        String::from_utf8_lossy(&self.s[start..self.at]).into_owned()
    }

    fn node(&mut self, depth: usize) -> Result<Node, String> {
        if depth > MAX_DEPTH {
            return Err(format!("WKT nested deeper than {MAX_DEPTH} levels"));
        }
        let key = self.word().to_ascii_uppercase();
        if key.is_empty() {
            return Err(format!("expected a WKT keyword at byte {}", self.at));
        }
        self.space();
        let close = match self.s.get(self.at) {
            Some(b'[') => b']',
            Some(b'(') => b')',
            _ => return Err(format!("expected [ after {key} at byte {}", self.at)),
        };
        self.at += 1;
        let mut args = Vec::new();
        loop {
            self.space();
            if self.s.get(self.at) == Some(&close) && args.is_empty() {
                self.at += 1;
                break;
            }
            args.push(self.arg(depth)?);
            self.space();
            match self.s.get(self.at) {
                Some(b',') => self.at += 1,
                Some(&c) if c == close => {
                    self.at += 1;
                    break;
                }
                None => return Err("the WKT ends early (truncated?)".into()),
                _ => {
                    return Err(format!(
                        "expected , or {} in {key} at byte {}",
                        close as char, self.at
                    ))
                }
            }
        }
        Ok(Node { key, args })
    }

    fn arg(&mut self, depth: usize) -> Result<Arg, String> {
        match self.s.get(self.at) {
            None => Err("the WKT ends early (truncated?)".into()),
            Some(b'"') => self.text().map(Arg::Text),
            Some(_) if depth >= MAX_DEPTH => {
                Err(format!("WKT nested deeper than {MAX_DEPTH} levels"))
            }
            Some(b) if b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.') => {
                let start = self.at;
                while self
                    .s
                    .get(self.at)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.'))
                {
                    self.at += 1;
                }
                let t = String::from_utf8_lossy(&self.s[start..self.at]);
                t.parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .map(Arg::Number)
                    .ok_or_else(|| format!("{t:?} is not a number (byte {start})"))
            }
            Some(b) if b.is_ascii_alphabetic() => {
                let save = self.at;
                let w = self.word();
                self.space();
                if matches!(self.s.get(self.at), Some(b'[' | b'(')) {
                    self.at = save;
                    self.node(depth + 1).map(Arg::Node)
                } else {
                    Ok(Arg::Word(w))
                }
            }
            Some(_) => Err(format!("unexpected character at byte {}", self.at)),
        }
    }

    /// A quoted string; `""` inside it is one quote.
    fn text(&mut self) -> Result<String, String> {
        let start = self.at;
        self.at += 1;
        let mut out = Vec::new();
        loop {
            match self.s.get(self.at) {
                None => return Err(format!("unterminated string starting at byte {start}")),
                Some(b'"') if self.s.get(self.at + 1) == Some(&b'"') => {
                    out.push(b'"');
                    self.at += 2;
                }
                Some(b'"') => {
                    self.at += 1;
                    return Ok(String::from_utf8_lossy(&out).into_owned());
                }
                Some(&b) => {
                    out.push(b);
                    self.at += 1;
                }
            }
        }
    }
}

impl Node {
    /// The `i`th quoted text argument.
    pub fn text(&self, i: usize) -> Option<&str> {
        self.args
            .iter()
            .filter_map(|a| match a {
                Arg::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .nth(i)
    }

    /// The numeric arguments, in order.
    pub fn numbers(&self) -> Vec<f64> {
        self.args
            .iter()
            .filter_map(|a| match a {
                Arg::Number(v) => Some(*v),
                _ => None,
            })
            .collect()
    }

    /// The child nodes named any of `keys`.
    pub fn children<'a>(&'a self, keys: &'a [&str]) -> impl Iterator<Item = &'a Node> + 'a {
        self.args.iter().filter_map(move |a| match a {
            Arg::Node(n) if keys.contains(&n.key.as_str()) => Some(n),
            _ => None,
        })
    }

    /// The first child node named any of `keys`.
    pub fn child(&self, keys: &[&str]) -> Option<&Node> {
        self.args.iter().find_map(|a| match a {
            Arg::Node(n) if keys.contains(&n.key.as_str()) => Some(n),
            _ => None,
        })
    }
}

/// The node's own EPSG code: WKT1 `AUTHORITY["EPSG","5070"]`, WKT2 `ID["EPSG",5070]`.
pub fn epsg_of(node: &Node) -> Option<u16> {
    let id = node
        .children(&["AUTHORITY", "ID"])
        .find(|a| a.text(0).is_some_and(|t| t.eq_ignore_ascii_case("EPSG")))?;
    match id.args.get(1)? {
        Arg::Number(v) if v.fract() == 0.0 && *v >= 0.0 && *v <= f64::from(u16::MAX) => {
            Some(*v as u16)
        }
        Arg::Text(t) => t.trim().parse().ok(),
        _ => None,
    }
}

/// A name as compared: lower case, letters and digits only, ESRI's `D_`/`GCS_` dropped.
pub fn normalize(name: &str) -> String {
    let n = name.trim();
    let n = n
        .strip_prefix("D_")
        .or_else(|| n.strip_prefix("GCS_"))
        .unwrap_or(n);
    n.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Radians per degree.
pub const DEGREE: f64 = PI / 180.0;

/// The conversion factor of a unit node (`UNIT["Degree",0.0174532925199433]`), `default`
/// if it gives none.
pub fn unit_factor(unit: Option<&Node>, default: f64) -> f64 {
    unit.and_then(|u| u.numbers().first().copied())
        .filter(|f| f.is_finite() && *f > 0.0)
        .unwrap_or(default)
}
