//! Joins and `where` comparisons through the binary, on registry data: vega-datasets'
//! unemployment.tsv joined to us-atlas' counties (the issue's county map), its
//! population_engineers_hurricanes.csv and us-state-capitals.json (JSON records) joined
//! to us-atlas' states. Every expected number is computed here from the files themselves
//! (by a plain reading independent of mapfig's readers) and hard-coded as well.

mod common;

use common::{mapfig, registry_data, scratch, stderr};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Output;

/// Renders `maps/m.toml` (holding `spec`) in `dir` with `mapfig build --report r.json`:
/// the run, the report's join list and the SVG.
fn build(dir: &Path, spec: &str) -> (Output, serde_json::Value, Option<String>) {
    std::fs::create_dir_all(dir.join("maps")).unwrap();
    std::fs::write(dir.join("maps/m.toml"), spec).unwrap();
    let o = mapfig()
        .args(["build", "--report", "r.json"])
        .current_dir(dir)
        .env("CI", "true")
        .output()
        .unwrap();
    let report = std::fs::read(dir.join("r.json"))
        .ok()
        .map(|b| serde_json::from_slice::<serde_json::Value>(&b).unwrap());
    let joins = report.map_or(serde_json::Value::Null, |r| r["maps"][0]["joins"].clone());
    let svg = std::fs::read_to_string(dir.join("out/m.svg")).ok();
    (o, joins, svg)
}

/// The feature ids layer `layer` draws in an SVG of `maps/m.toml` (ids `m_{layer}-{id}`).
fn drawn(svg: &str, layer: &str) -> BTreeSet<String> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    let prefix = format!("m_{layer}-");
    doc.descendants()
        .filter_map(|n| n.attribute("id"))
        .filter_map(|id| id.strip_prefix(&prefix))
        .map(str::to_string)
        .collect()
}

fn path(p: &Path) -> String {
    p.display().to_string()
}

/// A TopoJSON object's geometries: (id, properties), in file order.
fn topo_features(file: &Path, object: &str) -> Vec<(String, serde_json::Value)> {
    let topo: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    topo["objects"][object]["geometries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let id = g["id"].as_str().unwrap().to_string();
            (id, g["properties"].clone())
        })
        .collect()
}

/// A delimited text table's rows, each column name → cell (no quoting in these files).
fn table_rows(file: &Path, delimiter: char) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(delimiter).collect();
    lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            header
                .iter()
                .zip(l.split(delimiter))
                .map(|(h, c)| (h.to_string(), c.to_string()))
                .collect()
        })
        .collect()
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn counties_spec(extra: &str) -> String {
    format!(
        "[[layer]]\nid = \"counties\"\nsource = {:?}\nobject = \"counties\"\njoin = {{ data = {:?}, key = \"id\", on = \"id\", pad = 5 }}\n{extra}",
        path(&registry_data("us-atlas/counties-10m.json")),
        path(&registry_data("vega-datasets/unemployment.tsv")),
    )
}

#[test]
fn county_unemployment_join_reports_3218_rows_and_the_unmatched_ids() {
    let counties = topo_features(&registry_data("us-atlas/counties-10m.json"), "counties");
    let rows = table_rows(&registry_data("vega-datasets/unemployment.tsv"), '\t');
    // Independently: the table's ids are numbers ("1001"); the counties' are 5-digit text.
    let padded = |id: &str| format!("{id:0>5}");
    let table_ids: BTreeSet<String> = rows.iter().map(|r| padded(&r["id"])).collect();
    let county_ids: BTreeSet<&str> = counties.iter().map(|(id, _)| id.as_str()).collect();
    let without_row: Vec<&str> = counties
        .iter()
        .map(|(id, _)| id.as_str())
        .filter(|id| !table_ids.contains(*id))
        .collect();
    let without_feature: Vec<String> = rows
        .iter()
        .map(|r| padded(&r["id"]))
        .filter(|id| !county_ids.contains(id.as_str()))
        .collect();
    assert_eq!((rows.len(), counties.len()), (3218, 3231));
    assert_eq!((without_row.len(), without_feature.len()), (19, 6));

    // Counties over 10% unemployed: drawn are exactly those, by the joined column.
    let over: BTreeSet<String> = rows
        .iter()
        .filter(|r| format!("0{}", r["rate"]).parse::<f64>().unwrap() > 0.1)
        .map(|r| padded(&r["id"]))
        .filter(|id| county_ids.contains(id.as_str()))
        .collect();
    let dir = scratch("join", "counties");
    let (o, joins, svg) = build(&dir, &counties_spec("where = { rate = { gt = 0.1 } }\n"));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(drawn(&svg.unwrap(), "counties"), over);
    assert!(over.len() > 100, "{}", over.len());

    let j = &joins[0];
    assert_eq!(j["layer"], "counties");
    assert_eq!(j["table_rows"], 3218);
    assert_eq!(j["features"], 3231);
    assert_eq!(j["matched"], 3212);
    assert_eq!(j["matched"], counties.len() - without_row.len());
    assert_eq!(j["features_without_row"], 19);
    assert_eq!(j["rows_without_feature"], 6);
    assert_eq!(strings(&j["first_features_without_row"]), without_row[..10]);
    assert_eq!(
        strings(&j["first_features_without_row"]),
        [
            "02275", "02158", "02105", "02195", "60020", "60050", "02198", "78030", "78010",
            "69110"
        ]
    );
    assert_eq!(strings(&j["first_rows_without_feature"]), without_feature);
    assert_eq!(
        strings(&j["first_rows_without_feature"]),
        ["02201", "02232", "02270", "02280", "46113", "51515"]
    );
    // The same report, as one block on stderr.
    let err = stderr(&o);
    assert!(
        err.contains("mapfig: join: ./maps/m.toml: layer \"counties\" joined to ")
            && err.contains("(key \"id\", on \"id\", pad 5): 3218 table rows, 3231 features, 3212 matched\n  19 features without a row: 02275, 02158, 02105, 02195, 60020, 60050, 02198, 78030, 78010, 69110 (first 10 of 19)\n  6 rows without a feature: 02201, 02232, 02270, 02280, 46113, 51515\n"),
        "{err}"
    );
}

#[test]
fn pad_changes_no_match_only_how_keys_are_shown() {
    let dir = scratch("join", "pad");
    let spec = counties_spec("").replace(", pad = 5", "");
    let (o, joins, _) = build(&dir, &spec);
    assert!(o.status.success(), "{}", stderr(&o));
    // "01001" and 1001 meet as numbers without `pad`: the same 3212 matches.
    assert_eq!(joins[0]["matched"], 3212);
    assert_eq!(joins[0]["pad"], serde_json::Value::Null);
    assert_eq!(
        strings(&joins[0]["first_rows_without_feature"]),
        ["2201", "2232", "2270", "2280", "46113", "51515"]
    );

    // Strict: the 19 counties without a row fail the render, listed, and nothing is written.
    let dir = scratch("join", "strict");
    let spec = counties_spec("").replace("pad = 5", "pad = 5, strict = true");
    let (o, _, svg) = build(&dir, &spec);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("unemployment.tsv: layer \"counties\" (strict): 19 of its 3231 features")
            && err.contains("02275, 02158, 02105"),
        "{err}"
    );
    assert!(svg.is_none());
}

#[test]
fn csv_join_matches_numeric_ids_to_two_digit_codes() {
    let states_file = registry_data("us-atlas/states-10m.json");
    let csv = registry_data("vega-datasets/population_engineers_hurricanes.csv");
    let states = topo_features(&states_file, "states");
    let rows = table_rows(&csv, ',');
    let csv_ids: BTreeSet<u32> = rows.iter().map(|r| r["id"].parse().unwrap()).collect();
    let matched: Vec<&String> = states
        .iter()
        .map(|(id, _)| id)
        .filter(|id| csv_ids.contains(&id.parse().unwrap()))
        .collect();
    assert_eq!((rows.len(), states.len(), matched.len()), (52, 56, 52));
    // The states with at least 10 hurricanes and fewer than 10 million people.
    let by_id: BTreeMap<u32, &BTreeMap<String, String>> =
        rows.iter().map(|r| (r["id"].parse().unwrap(), r)).collect();
    let picked: BTreeSet<String> = states
        .iter()
        .filter(|(id, _)| {
            by_id.get(&id.parse().unwrap()).is_some_and(|r| {
                r["hurricanes"].parse::<u32>().unwrap() >= 10
                    && r["population"].parse::<u64>().unwrap() < 10_000_000
            })
        })
        .map(|(id, _)| id.clone())
        .collect();
    assert_eq!(picked.len(), 7, "{picked:?}");

    let dir = scratch("join", "csv");
    let spec = format!(
        "[[layer]]\nid = \"states\"\nsource = {:?}\nobject = \"states\"\njoin = {{ data = {:?}, key = \"id\" }}\nwhere = {{ hurricanes = {{ gte = 10 }}, population = {{ lt = 10000000 }} }}\n",
        path(&states_file),
        path(&csv)
    );
    let (o, joins, svg) = build(&dir, &spec);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(joins[0]["matched"], 52);
    assert_eq!(joins[0]["matched"], matched.len());
    assert_eq!(joins[0]["table_rows"], 52);
    assert_eq!(joins[0]["features_without_row"], 4);
    assert_eq!(joins[0]["rows_without_feature"], 0);
    assert_eq!(drawn(&svg.unwrap(), "states"), picked);
}

#[test]
fn json_records_join_by_name() {
    let states_file = registry_data("us-atlas/states-10m.json");
    let capitals = registry_data("vega-datasets/us-state-capitals.json");
    let records: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(&capitals).unwrap()).unwrap();
    let names: BTreeSet<&str> = records
        .iter()
        .map(|r| r["state"].as_str().unwrap())
        .collect();
    let states = topo_features(&states_file, "states");
    let without: Vec<&str> = states
        .iter()
        .map(|(_, p)| p["name"].as_str().unwrap())
        .filter(|n| !names.contains(n))
        .collect();
    assert_eq!((records.len(), without.len()), (50, 6));

    let dir = scratch("join", "records");
    let spec = format!(
        "[[layer]]\nid = \"states\"\nsource = {:?}\nobject = \"states\"\njoin = {{ data = {:?}, key = \"state\", on = \"name\" }}\nwhere = {{ city = {{ in = [\"Juneau\", \"Honolulu\"] }} }}\n",
        path(&states_file),
        path(&capitals)
    );
    let (o, joins, svg) = build(&dir, &spec);
    assert!(o.status.success(), "{}", stderr(&o));
    let j = &joins[0];
    assert_eq!(
        (j["table_rows"].as_u64(), j["matched"].as_u64()),
        (Some(50), Some(50))
    );
    assert_eq!(strings(&j["first_features_without_row"]), without);
    assert_eq!(j["rows_without_feature"], 0);
    // Alaska (02) and Hawaii (15) by their joined capitals; the numbers in the records
    // (lon, lat) joined as numbers: a comparison picks Juneau's longitude.
    assert_eq!(
        drawn(&svg.unwrap(), "states"),
        BTreeSet::from(["02".into(), "15".into()])
    );
    let spec = spec.replace(
        "where = { city = { in = [\"Juneau\", \"Honolulu\"] } }",
        "where = { lon = { lt = -130 }, lat = { gt = 50 } }",
    );
    let (o, _, svg) = build(&dir, &spec);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        drawn(&svg.unwrap(), "states"),
        BTreeSet::from(["02".into()])
    );
}

#[test]
fn duplicate_keys_fail_naming_both_rows() {
    let dir = scratch("join", "duplicates");
    std::fs::write(
        dir.join("t.tsv"),
        "id\trate\n1001\t.097\n1003\t.091\n01001\t.1\n",
    )
    .unwrap();
    let spec = counties_spec("").replace(
        &format!(
            "{:?}",
            path(&registry_data("vega-datasets/unemployment.tsv"))
        ),
        "\"../t.tsv\"",
    );
    let (o, _, svg) = build(&dir, &spec);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "t.tsv: rows 1 and 3: column \"id\" holds \"1001\" and \"01001\", the same key"
        ),
        "{}",
        stderr(&o)
    );
    assert!(svg.is_none());
}

#[test]
fn a_wrong_key_column_is_a_spec_mistake_listing_the_columns() {
    let dir = scratch("join", "wrong-key");
    let spec = counties_spec("").replace("key = \"id\", on", "key = \"fips\", on");
    let (o, _, _) = build(&dir, &spec);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("join.key = \"fips\" names no column of ")
            && stderr(&o).contains("its columns are \"id\", \"rate\""),
        "{}",
        stderr(&o)
    );
}

/// Six points whose `n` is a number or numeric text, and a `name`.
const POINTS: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","id":"a","properties":{"n":5,"name":"Balkh"},"geometry":{"type":"Point","coordinates":[67,36]}},
{"type":"Feature","id":"b","properties":{"n":"12","name":"Kunduz"},"geometry":{"type":"Point","coordinates":[68,36]}},
{"type":"Feature","id":"c","properties":{"n":9.5,"name":"Takhar"},"geometry":{"type":"Point","coordinates":[69,36]}},
{"type":"Feature","id":"d","properties":{"n":"100","name":"Badakhshan"},"geometry":{"type":"Point","coordinates":[70,36]}},
{"type":"Feature","id":"e","properties":{"n":null,"name":"Baghlan"},"geometry":{"type":"Point","coordinates":[68,35]}},
{"type":"Feature","id":"f","properties":{"name":"Samangan"},"geometry":{"type":"Point","coordinates":[67,35]}}]}"#;

fn points(filter: &str, dir: &Path) -> (Output, BTreeSet<String>) {
    std::fs::write(dir.join("p.geojson"), POINTS).unwrap();
    let spec = format!(
        "[[layer]]\nid = \"p\"\nsource = \"../p.geojson\"\nwhere = {filter}\n[[layer]]\nid = \"all\"\nsource = \"../p.geojson\"\n"
    );
    let (o, _, svg) = build(dir, &spec);
    (o, svg.map_or_else(BTreeSet::new, |s| drawn(&s, "p")))
}

#[test]
fn each_comparison_on_numbers_numeric_text_and_text() {
    let dir = scratch("join", "operators");
    let set = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    for (filter, expected) in [
        // "12" and "100" are numeric text: compared as numbers, 12 > 9.5 (as text "12" < "9").
        ("{ n = { gt = 9.5 } }", set(&["b", "d"])),
        ("{ n = { gte = 9.5 } }", set(&["b", "c", "d"])),
        ("{ n = { lt = 12 } }", set(&["a", "c"])),
        ("{ n = { lte = \"12\" } }", set(&["a", "b", "c"])),
        ("{ n = { eq = 12 } }", set(&["b"])),
        ("{ n = { ne = 12 } }", set(&["a", "c", "d", "e", "f"])),
        ("{ n = { in = [5, \"100\"] } }", set(&["a", "d"])),
        ("{ n = { between = [5, 12] } }", set(&["a", "b", "c"])),
        (
            "{ n = { not = { between = [5, 12] } } }",
            set(&["d", "e", "f"]),
        ),
        ("{ n = { gt = 5, lt = 100 } }", set(&["b", "c"])),
        (
            "{ name = { not = [\"Kunduz\", \"Takhar\"] } }",
            set(&["a", "d", "e", "f"]),
        ),
        // Text compares as text, by code points.
        (
            "{ name = { gte = \"Baghlan\", lt = \"Balkh\" } }",
            set(&["e"]),
        ),
        ("{ name = { between = [\"K\", \"T\"] } }", set(&["b", "f"])),
        ("{ n = 5, name = \"Balkh\" }", set(&["a"])),
        // A top-level `not` naming properties negates them together.
        (
            "{ not = { name = \"Kunduz\" } }",
            set(&["a", "c", "d", "e", "f"]),
        ),
        (
            "{ not = { n = { lt = 10 }, name = { gte = \"B\" } } }",
            set(&["b", "d", "e", "f"]),
        ),
    ] {
        let (o, ids) = points(filter, &dir);
        assert!(o.status.success(), "{filter}: {}", stderr(&o));
        assert_eq!(ids, expected, "{filter}");
    }
}

#[test]
fn a_filter_matching_nothing_warns_and_fails_under_strict() {
    let dir = scratch("join", "nothing");
    let (o, ids) = points("{ n = { gt = 1000 } }", &dir);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(ids.is_empty());
    assert!(
        stderr(&o).contains("mapfig: warning: ./maps/m.toml: layer \"p\": `where` n > 1000 matches none of the 6 features in ./maps/../p.geojson: the layer draws nothing"),
        "{}",
        stderr(&o)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("r.json")).unwrap()).unwrap();
    assert!(report["maps"][0]["warnings"][0]
        .as_str()
        .unwrap()
        .contains("matches none"));

    let spec = std::fs::read_to_string(dir.join("maps/m.toml")).unwrap();
    let (o, _, _) = build(&dir, &format!("strict = true\n{spec}"));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "`where` n > 1000 matches none of the 6 features in ./maps/../p.geojson (strict = true)"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_joined_layer_keeps_the_files_shared_arcs() {
    // Counties joined and states' inner borders from the same TopoJSON, simplified together:
    // the joined copy shares the file's arcs, so the map is the one drawn without the join.
    let counties = registry_data("us-atlas/counties-10m.json");
    let spec = |join: &str| {
        format!(
            "simplify = \"10%\"\n[[layer]]\nid = \"counties\"\nsource = {:?}\nobject = \"counties\"\n{join}\n[[layer]]\nid = \"states\"\nsource = {:?}\nobject = \"states\"\nlines = \"inner\"\nstroke = \"#000000\"\n",
            path(&counties),
            path(&counties)
        )
    };
    let join = format!(
        "join = {{ data = {:?}, key = \"id\", pad = 5 }}",
        path(&registry_data("vega-datasets/unemployment.tsv"))
    );
    let (o, _, plain) = build(&scratch("join", "arcs-plain"), &spec(""));
    assert!(o.status.success(), "{}", stderr(&o));
    let (o, joins, joined) = build(&scratch("join", "arcs-joined"), &spec(&join));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(joins[0]["matched"], 3212);
    assert!(plain.unwrap() == joined.unwrap(), "the joined map differs");
}

/// Renders the points joined (on `name`) to the table `t.<ext>` holding `table`, with
/// `args` added; the run.
fn join_points(name: &str, ext: &str, table: &[u8], args: &[&str]) -> Output {
    let dir = scratch("join", name);
    std::fs::write(dir.join("p.geojson"), POINTS).unwrap();
    if !table.is_empty() {
        std::fs::write(dir.join(format!("t.{ext}")), table).unwrap();
    }
    std::fs::write(
        dir.join("m.toml"),
        format!("[[layer]]\nid = \"p\"\nsource = \"p.geojson\"\njoin = {{ data = \"t.{ext}\", key = \"name\" }}\n"),
    )
    .unwrap();
    let mut cmd = mapfig();
    cmd.args(["render", "m.toml", "-o", "out", "--format", "svg"])
        .args(args);
    let (o, took) = common::run_within(&mut cmd, &dir, std::time::Duration::from_secs(30));
    assert!(took.as_secs() < 30, "the run hung");
    assert!(!dir.join("out/m.svg").exists() || o.status.success());
    o
}

#[test]
fn broken_and_hostile_tables_are_clean_errors() {
    let fails = |name: &str, ext: &str, table: &[u8], args: &[&str], wanted: &str| {
        let o = join_points(name, ext, table, args);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stderr(&o));
        assert!(stderr(&o).contains(wanted), "{name}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{name}: {}", stderr(&o));
    };
    fails("missing", "csv", b"", &[], "t.csv");
    fails("nul", "csv", b"name,v\nBalkh,1\0\n", &[], "not a text file");
    fails(
        "truncated",
        "json",
        br#"[{"name": "Balkh", "v": 1}, {"name": "#,
        &[],
        "t.json: 1:37: not a JSON array of records",
    );
    fails(
        "object",
        "json",
        br#"{"name": "Balkh"}"#,
        &[],
        "array of records",
    );
    fails("scalars", "json", b"[1, 2]", &[], "t.json: record 1: ");
    let deep = format!(
        "[{{\"name\": {}{}}}]",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    fails(
        "deep",
        "json",
        deep.as_bytes(),
        &[],
        "t.json: 1:137: JSON nested deeper than 128 levels",
    );
    let big = format!("name,v\n{}", "Balkh,1\n".repeat(1000));
    fails(
        "big",
        "csv",
        big.as_bytes(),
        &["--max-input-bytes", "4000"],
        "limit",
    );
    fails(
        "ragged",
        "tsv",
        b"name\tv\nBalkh\t1\t2\n",
        &[],
        "t.tsv: line 2: the row has 3 cells",
    );

    // A FIFO is refused without waiting for a writer.
    let dir = scratch("join", "fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(dir.join("t.csv"))
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        made,
        "this test needs `mkfifo` (Debian: apt-get install coreutils)"
    );
    std::fs::write(dir.join("p.geojson"), POINTS).unwrap();
    std::fs::write(
        dir.join("m.toml"),
        "[[layer]]\nid = \"p\"\nsource = \"p.geojson\"\njoin = { data = \"t.csv\", key = \"name\" }\n",
    )
    .unwrap();
    let mut cmd = mapfig();
    cmd.args(["render", "m.toml", "-o", "out"]);
    let (o, _) = common::run_within(&mut cmd, &dir, std::time::Duration::from_secs(30));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("t.csv: is a FIFO"), "{}", stderr(&o));

    // A good table: the points' names meet the rows; a number joined stays a number.
    let o = join_points("good", "csv", b"name,v\nBalkh,1\nKunduz,2.50\n", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("2 table rows, 6 features, 2 matched\n  4 features without a row: Takhar, Badakhshan, Baghlan, Samangan\n"),
        "{}",
        stderr(&o)
    );
}
