//! `mapfig schema`: the JSON Schema of a map spec, held to the parser. Every spec of the
//! repository validates against it, unknown keys and wrong words do not, and the keys of
//! every table are exactly those the parser reads (taken from the parser's own
//! unknown-key messages, which list the keys a table knows).

use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
mod common;
use common::{mapfig, root, stderr};

fn schema() -> Value {
    let o = mapfig().arg("schema").output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("mapfig schema prints JSON")
}

/// A validator of the part of JSON Schema 2020-12 that `mapfig schema` writes. A keyword
/// it does not know fails the test, so the schema cannot grow one unchecked.
struct Validator<'a> {
    root: &'a Value,
}

impl Validator<'_> {
    /// Where `value` breaks `schema`, as `path: why` lines (none when it validates).
    fn errors(&self, schema: &Value, value: &Value, path: &str) -> Vec<String> {
        let mut errs = Vec::new();
        let Some(s) = schema.as_object() else {
            return vec![format!("{path}: schema is not an object: {schema}")];
        };
        for (k, want) in s {
            match k.as_str() {
                "$schema" | "$defs" | "title" | "description" | "examples" => {}
                "$ref" => {
                    let name = want.as_str().unwrap().strip_prefix("#/$defs/").unwrap();
                    let target = &self.root["$defs"][name];
                    assert!(!target.is_null(), "dangling $ref {want}");
                    errs.extend(self.errors(target, value, path));
                }
                "type" => {
                    let types: Vec<&str> = match want {
                        Value::String(t) => vec![t.as_str()],
                        Value::Array(ts) => ts.iter().map(|t| t.as_str().unwrap()).collect(),
                        other => panic!("type {other}"),
                    };
                    if !types.iter().any(|t| is_type(value, t)) {
                        errs.push(format!("{path}: {value} is not of type {want}"));
                    }
                }
                "enum" => {
                    if !want.as_array().unwrap().iter().any(|w| same(w, value)) {
                        errs.push(format!("{path}: {value} is not one of {want}"));
                    }
                }
                "pattern" => {
                    let re = regex_lite::Regex::new(want.as_str().unwrap()).unwrap();
                    if value.as_str().is_some_and(|v| !re.is_match(v)) {
                        errs.push(format!("{path}: {value} does not match {want}"));
                    }
                }
                "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" => {
                    let (Some(v), Some(b)) = (value.as_f64(), want.as_f64()) else {
                        continue;
                    };
                    let ok = match k.as_str() {
                        "minimum" => v >= b,
                        "maximum" => v <= b,
                        "exclusiveMinimum" => v > b,
                        _ => v < b,
                    };
                    if !ok {
                        errs.push(format!("{path}: {v} breaks {k} {b}"));
                    }
                }
                "minItems" | "maxItems" => {
                    let (Some(items), Some(n)) = (value.as_array(), want.as_u64()) else {
                        continue;
                    };
                    let n = n as usize;
                    if (k == "minItems" && items.len() < n) || (k == "maxItems" && items.len() > n)
                    {
                        errs.push(format!("{path}: {} items breaks {k} {n}", items.len()));
                    }
                }
                "minProperties" => {
                    if value
                        .as_object()
                        .is_some_and(|o| (o.len() as u64) < want.as_u64().unwrap())
                    {
                        errs.push(format!("{path}: fewer than {want} keys"));
                    }
                }
                "prefixItems" => {
                    if let Some(items) = value.as_array() {
                        for (i, (sub, item)) in
                            want.as_array().unwrap().iter().zip(items).enumerate()
                        {
                            errs.extend(self.errors(sub, item, &format!("{path}[{i}]")));
                        }
                    }
                }
                "items" => {
                    let skip = s
                        .get("prefixItems")
                        .and_then(Value::as_array)
                        .map_or(0, Vec::len);
                    if let Some(items) = value.as_array() {
                        for (i, item) in items.iter().enumerate().skip(skip) {
                            errs.extend(self.errors(want, item, &format!("{path}[{i}]")));
                        }
                    }
                }
                "required" => {
                    if let Some(o) = value.as_object() {
                        for r in want.as_array().unwrap() {
                            if !o.contains_key(r.as_str().unwrap()) {
                                errs.push(format!("{path}: missing required key {r}"));
                            }
                        }
                    }
                }
                "properties" => {
                    if let Some(o) = value.as_object() {
                        for (key, sub) in want.as_object().unwrap() {
                            if let Some(v) = o.get(key) {
                                errs.extend(self.errors(sub, v, &format!("{path}.{key}")));
                            }
                        }
                    }
                }
                "additionalProperties" => {
                    let known = s.get("properties").and_then(Value::as_object);
                    if let Some(o) = value.as_object() {
                        for (key, v) in o {
                            if known.is_some_and(|p| p.contains_key(key)) {
                                continue;
                            }
                            match want {
                                Value::Bool(false) => {
                                    errs.push(format!("{path}: unknown key {key:?}"))
                                }
                                Value::Bool(true) => {}
                                sub => errs.extend(self.errors(sub, v, &format!("{path}.{key}"))),
                            }
                        }
                    }
                }
                "anyOf" | "oneOf" => {
                    let passing = want
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|sub| self.errors(sub, value, path).is_empty())
                        .count();
                    if passing == 0 || (k == "oneOf" && passing > 1) {
                        errs.push(format!("{path}: {passing} of the {k} schemas hold"));
                    }
                }
                "not" => {
                    if self.errors(want, value, path).is_empty() {
                        errs.push(format!("{path}: holds what `not` forbids: {want}"));
                    }
                }
                other => panic!("the test validator does not know the keyword {other:?}"),
            }
        }
        errs
    }
}

fn is_type(v: &Value, t: &str) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "number" => v.is_number(),
        // JSON Schema's integers are mathematical: 5.0 is one (as the parser takes it).
        "integer" => v.as_f64().is_some_and(|f| f.fract() == 0.0),
        other => panic!("type {other:?}"),
    }
}

/// JSON Schema equality: numbers by value (0 equals 0.0).
fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// A spec's TOML as the JSON an editor checks against the schema.
fn as_json(toml_text: &str) -> Value {
    toml::from_str(toml_text).unwrap()
}

fn validate(schema: &Value, spec: &Value) -> Vec<String> {
    Validator { root: schema }.errors(schema, spec, "spec")
}

fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            toml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "toml") {
            out.push(p);
        }
    }
}

#[test]
fn the_schema_is_draft_2020_12_and_every_spec_of_the_repository_validates() {
    let schema = schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let mut specs = Vec::new();
    toml_files(&root().join("maps"), &mut specs);
    toml_files(&root().join("examples/maps"), &mut specs);
    assert!(specs.len() >= 7, "{specs:?}");
    // Every other spec of the repository the parser accepts (test inputs, fuzz seeds).
    let mut others = Vec::new();
    for dir in ["tests", "fuzz"] {
        toml_files(&root().join(dir), &mut others);
    }
    let accepted: Vec<PathBuf> = others
        .into_iter()
        .filter(|p| {
            std::fs::read_to_string(p).is_ok_and(|text| mapfig::spec::parse(&text, p).is_ok())
        })
        .collect();
    for path in specs.iter().chain(&accepted) {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(
            mapfig::spec::parse(&text, path).is_ok(),
            "{}",
            path.display()
        );
        let errs = validate(&schema, &as_json(&text));
        assert!(errs.is_empty(), "{}:\n{}", path.display(), errs.join("\n"));
    }
}

/// A spec that uses every table and most keys, valid for parser and schema alike.
const RICH: &str = r##"
"$schema" = "https://example.org/mapfig.schema.json"
title = "T"
subtitle = "S"
credit = "C"
description = "D"
output = "rich-map.v2"
id_prefix = "rich-2"
size = [800, 600.5]
projection = "EPSG:3857"
extent = { fit = ["a", "b"], pad = 0.1 }
background = "#fff"
panel = "right"
theme = "greyscale"
strict = true
fonts = ["f.ttf"]
strict_text = false
embed_fonts = true
dark_variant = true
simplify = "10%"

[[layer]]
id = "a"
source = "a.geojson"
object = "counties"
crs = "EPSG:4326"
x = "lon"
y = "lat"
join = { data = "t.tsv", key = "id", on = "fips", pad = 5, strict = true }
where = { rate = { gt = 0.05, lte = 0.1 }, state = ["AK", "HI"], n = { between = [1, 2.5] }, not = { state = "AK", pop = { ne = 3 } } }
fill = { by = "rate", scale = "natural-breaks", classes = 5.0, scheme = "ylorrd", missing = { fill = "#fff", hatch = "#999" }, missing_label = "n/a", nice = true, reverse = false, title = "Rate" }
stroke = { by = "party", colors = { Red = "#c00", Blue = "blue" }, missing = "#ccc" }
opacity = { by = "depth", range = [0.3, 1], domain = [0, 700] }
size = { by = "pop", max = 24, scale = "linear", domain = [0, 1e6], title = "People" }
hatch = "#999999"
stroke_width = 0
dash = [4, 2]
label = "{name}"
label_size = 12
label_color = "black"
label_weight = "bold"
label_transform = "uppercase"
label_priority = -2
label_required = true
label_leader = false
marker = "square"
marker_size = 4
legend = { title = "Rate", format = ".1%", position = "below", direction = "horizontal", missing_label = "none" }
description = "Counties"
arrow = true
curve = false

[[layer]]
id = "b"
source = "b.geojson"
border_with = { source = "c.geojson", where = { iso = "TJ" } }
stroke = "#333"
fill = { by = "v", scale = "diverging", midpoint = 0, domain = [-1, 1], colors = ["#00f", "#fff", "#f00"] }

[[layer]]
id = "c"
source = "c.geojson"
lines = "inner"
opacity = 0.5
legend = "Borders"

[[callout]]
at = [68.9, 36.7]
title = "Kunduz"
text = "Seized\nin 2015"
offset = [20, -10]
color = "#222"

[[callout]]
source = "p.geojson"
where = { id = "x" }
text = "{text}"

[[badge]]
value = 25
total = "{total}"
caption = "provinces"
note = "UN estimate"
units = true
source = "b.geojson"
where = { id = "isis" }
color = "#8c2d19"

[furniture]
legend = true
scale_bar = true
scale_units = "km+mi"
north_arrow = true
frame = true
graticule = 0
inset = "locator"
"##;

#[test]
fn a_spec_of_every_table_validates_and_each_mistake_fails() {
    let schema = schema();
    mapfig::spec::parse(RICH, Path::new("maps/rich.toml")).expect("the parser takes it");
    let rich = as_json(RICH);
    let errs = validate(&schema, &rich);
    assert!(errs.is_empty(), "{}", errs.join("\n"));
    // Each mistake, made once in a small valid spec: the parser refuses it, and so does
    // the schema.
    let base = json!({"layer": [{"id": "a", "source": "a.geojson"}]});
    assert!(validate(&schema, &base).is_empty());
    let mistakes = [
        ("top-level unknown key", json!({"titel": "x"})),
        (
            "unknown layer key",
            json!({"layer": [{"id": "a", "source": "a.geojson", "fil": "red"}]}),
        ),
        (
            "unknown fill key",
            json!({"layer": [{"id": "a", "source": "a", "fill": {"by": "v", "schema": "Blues"}}]}),
        ),
        (
            "opacity takes no scheme",
            json!({"layer": [{"id": "a", "source": "a", "opacity": {"by": "v", "scheme": "Blues"}}]}),
        ),
        (
            "stroke's missing takes no hatch",
            json!({"layer": [{"id": "a", "source": "a", "stroke": {"by": "v", "missing": {"hatch": "#999"}}}]}),
        ),
        (
            "unknown comparison",
            json!({"layer": [{"id": "a", "source": "a", "where": {"rate": {"gtt": 1}}}]}),
        ),
        (
            "unknown furniture key",
            json!({"furniture": {"scalebar": true}}),
        ),
        (
            "wrong marker word",
            json!({"layer": [{"id": "a", "source": "a", "marker": "star"}]}),
        ),
        (
            "unknown scheme",
            json!({"layer": [{"id": "a", "source": "a", "fill": {"by": "v", "scheme": "Blus"}}]}),
        ),
        ("layer without source", json!({"layer": [{"id": "a"}]})),
        ("no layer at all", json!({"layer": []})),
        ("size out of range", json!({"size": [100, 900]})),
        (
            "extent with both",
            json!({"extent": {"bbox": [0, 0, 1, 1], "fit": "a"}}),
        ),
        (
            "callout with at and source",
            json!({"callout": [{"at": [1, 2], "source": "p", "text": "x"}]}),
        ),
        (
            "object and layer",
            json!({"layer": [{"id": "a", "source": "a", "object": "x", "layer": "y"}]}),
        ),
        (
            "opacity above 1",
            json!({"layer": [{"id": "a", "source": "a", "opacity": 1.5}]}),
        ),
        ("bad output name", json!({"output": ".hidden"})),
        (
            "classes not whole",
            json!({"layer": [{"id": "a", "source": "a", "fill": {"by": "v", "classes": 2.5}}]}),
        ),
    ];
    for (what, change) in mistakes {
        let mut spec = base.clone();
        for (k, v) in change.as_object().unwrap() {
            spec[k] = v.clone();
        }
        assert!(
            !validate(&schema, &spec).is_empty(),
            "{what}: the schema takes {spec}"
        );
        let text = toml::to_string(&spec).unwrap();
        assert!(
            mapfig::spec::parse(&text, Path::new("m.toml")).is_err(),
            "{what}: the parser takes it too"
        );
    }
    // Scheme names in any case and themes with spaces round them, as the parser reads them.
    let mut spec = rich.clone();
    spec["theme"] = json!(" dark ");
    spec["layer"][0]["fill"]["scheme"] = json!("BLUES");
    assert!(validate(&schema, &spec).is_empty());
    let text = toml::to_string(&spec).unwrap();
    assert!(mapfig::spec::parse(&text, Path::new("m.toml")).is_ok());
}

/// The keys each table of a spec takes, read off the parser's messages for an unknown key
/// in each of them (`… in [[layer]] (known keys: `id`, `source`, …)`).
fn parser_keys() -> BTreeMap<String, BTreeSet<String>> {
    const ODD: &str = "qqqqqqqqqq";
    let text = format!(
        r#"
{ODD} = 1
extent = {{ fit = "a", {ODD} = 1 }}
[[layer]]
id = "a"
source = "a.geojson"
{ODD} = 1
join = {{ data = "t.csv", key = "id", {ODD} = 1 }}
where = {{ p = {{ {ODD} = 1 }} }}
fill = {{ by = "v", missing = {{ {ODD} = 1 }}, {ODD} = 1 }}
stroke = {{ by = "v", missing = {{ {ODD} = 1 }}, {ODD} = 1 }}
opacity = {{ by = "v", {ODD} = 1 }}
size = {{ by = "v", {ODD} = 1 }}
legend = {{ {ODD} = 1 }}
[[layer]]
id = "b"
source = "b.geojson"
border_with = {{ source = "c.geojson", {ODD} = 1 }}
[[callout]]
at = [1, 2]
text = "x"
{ODD} = 1
[[badge]]
value = 1
caption = "x"
{ODD} = 1
[furniture]
{ODD} = 1
[atlas]
layer = "a"
{ODD} = 1
[facet]
layer = "a"
by = "x"
{ODD} = 1
"#
    );
    let err = mapfig::spec::parse(&text, Path::new("m.toml"))
        .unwrap_err()
        .to_string();
    let re = regex_lite::Regex::new(r"unknown key `qqqqqqqqqq` in (.+?) \(known keys: ([^)]*)\)")
        .unwrap();
    let mut out = BTreeMap::new();
    for line in err.lines() {
        let caps = re
            .captures(line)
            .unwrap_or_else(|| panic!("not an unknown-key message: {line}"));
        let at: usize = line.split(':').nth(1).unwrap().parse().unwrap();
        let keys = caps[2]
            .split(", ")
            .map(|k| k.trim_matches('`').to_string())
            .collect();
        // The message names the table; the line tells the two `missing` tables apart.
        let name = match (&caps[1], at) {
            ("`missing`", 10) => "fill.missing".to_string(),
            ("`missing`", 11) => "stroke.missing".to_string(),
            (t, _) => t.trim_matches(['`', '[', ']']).to_string(),
        };
        assert!(out.insert(name, keys).is_none(), "{line}");
    }
    out
}

/// The keys the schema gives each table, by the parser's names for them.
fn schema_keys(schema: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let defs = &schema["$defs"];
    let keys = |t: &Value| -> BTreeSet<String> {
        t["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("no properties: {t}"))
            .keys()
            .cloned()
            .collect()
    };
    let missing = |channel: &str| {
        defs[channel]["properties"]["missing"]["anyOf"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["type"] == "object")
            .cloned()
            .unwrap()
    };
    let comparisons = defs["test"]["anyOf"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["type"] == "object")
        .cloned()
        .unwrap();
    [
        ("the spec", keys(schema)),
        ("extent", keys(&defs["extent"])),
        ("layer", keys(&defs["layer"])),
        ("join", keys(&defs["join"])),
        ("a `where` test", keys(&comparisons)),
        ("fill", keys(&defs["fill"])),
        ("fill.missing", keys(&missing("fill"))),
        ("stroke", keys(&defs["stroke"])),
        ("stroke.missing", keys(&missing("stroke"))),
        ("opacity", keys(&defs["opacity"])),
        ("size", keys(&defs["size"])),
        ("legend", keys(&defs["legend"])),
        (
            "border_with",
            keys(&defs["layer"]["properties"]["border_with"]),
        ),
        ("callout", keys(&defs["callout"])),
        ("badge", keys(&defs["badge"])),
        ("furniture", keys(&defs["furniture"])),
        ("atlas", keys(&defs["atlas"])),
        ("facet", keys(&defs["facet"])),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

#[test]
fn every_key_the_parser_knows_is_in_the_schema_and_no_other() {
    let parser = parser_keys();
    let schema = schema_keys(&schema());
    assert_eq!(
        parser.keys().collect::<Vec<_>>(),
        schema.keys().collect::<Vec<_>>(),
        "the tables"
    );
    for (table, keys) in &parser {
        assert_eq!(keys, &schema[table], "the keys of {table}");
    }
}

#[test]
fn keyword_words_are_the_parsers_own() {
    let schema = schema();
    let layer = &schema["$defs"]["layer"]["properties"];
    // Every word the parser takes (aliases too) and nothing else.
    assert_eq!(layer["marker"]["enum"], json!(["circle", "square", "none"]));
    let scales = &schema["$defs"]["fill"]["properties"]["scale"]["enum"];
    for word in [
        "quantile",
        "jenks",
        "fisher-jenks",
        "natural-breaks",
        "ordinal",
    ] {
        assert!(scales.as_array().unwrap().contains(&json!(word)), "{word}");
    }
    for word in ["quantile", "jenks", "ordinal", "log"] {
        let spec = format!(
            "[[layer]]\nid = \"a\"\nsource = \"a.geojson\"\nfill = {{ by = \"v\", scale = \"{word}\" }}\n"
        );
        let parsed = mapfig::spec::parse(&spec, Path::new("m.toml"));
        assert!(parsed.is_ok(), "{word}: {parsed:?}");
    }
    let schemes = &schema["$defs"]["fill"]["properties"]["scheme"]["anyOf"][0]["enum"];
    assert_eq!(
        schemes.as_array().unwrap().len(),
        mapfig::color::scheme::Scheme::all().len()
    );
}

#[test]
fn the_schema_command_pipes_cleanly() {
    // `mapfig schema > file` is the use; the output is stable from run to run.
    let a = mapfig().arg("schema").output().unwrap();
    let b = mapfig().arg("schema").output().unwrap();
    assert_eq!(a.stdout, b.stdout);
    assert!(a.stdout.ends_with(b"}\n"));
    assert!(a.stderr.is_empty(), "{}", stderr(&a));
}
