//! The `examples/` project (issue 11's maps of real data): the committed outputs are what
//! a fresh render gives, the county map's legend ranges and every county's colour come
//! from the same quantile breaks (mapclassify's convention, computed here independently),
//! counties without a row are hatched, and symbols are drawn largest first.

mod common;

use common::{mapfig, root, scratch, stderr};
use std::collections::BTreeMap;

const BLUES_5: [&str; 5] = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];

/// The value of attribute `name` in one tag's text.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    tag.split(&format!(" {name}=\"")).nth(1)?.split('"').next()
}

#[test]
fn committed_examples_match_a_fresh_render() {
    let dir = scratch("examples", "check");
    let out = mapfig()
        .args(["check", "--manifest"])
        .arg(root().join("examples/mapfig.toml"))
        .arg("--report-dir")
        .arg(dir.join("report"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "examples/out is stale: run `mapfig build --manifest examples/mapfig.toml`\n{}",
        stderr(&out)
    );
}

/// numpy's default percentile (linear interpolation between the two nearest ranks), as
/// mapclassify's Quantiles takes it.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (h - lo as f64)
}

#[test]
fn county_colours_and_legend_ranges_come_from_the_same_quantile_breaks() {
    let ex = root().join("examples");
    // The table's rates by county code, padded to five digits as the spec's `pad = 5`.
    let tsv = std::fs::read_to_string(ex.join("data/unemployment.tsv")).unwrap();
    let rates: BTreeMap<String, f64> = tsv
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once('\t'))
        .map(|(id, r)| (format!("{:0>5}", id), r.parse().unwrap()))
        .collect();
    assert_eq!(rates.len(), 3218);
    // The map's counties (one feature per code in us-atlas 3.0.1): the classified values are
    // the rates of those with a row.
    let topo: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ex.join("data/counties-10m.json")).unwrap())
            .unwrap();
    let ids: Vec<String> = topo["objects"]["counties"]["geometries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_str().unwrap().to_string())
        .collect();
    let mut values: Vec<f64> = ids.iter().filter_map(|id| rates.get(id)).copied().collect();
    assert_eq!(values.len(), 3212, "matched counties");
    values.sort_by(f64::total_cmp);
    let mut bins: Vec<f64> = [0.2, 0.4, 0.6, 0.8]
        .map(|p| percentile(&values, p))
        .to_vec();
    bins.push(*values.last().unwrap());

    let svg = std::fs::read_to_string(ex.join("out/us-unemployment.svg")).unwrap();
    // The legend: five ranges (lower, upper] in ".1%" and the no-data row, in class order.
    let label = svg
        .split("aria-label=\"Legend: ")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap();
    let pct = |v: f64| format!("{:.1}%", v * 100.0);
    let mut lower = values[0];
    let mut want = Vec::new();
    for b in &bins {
        want.push(format!("{} – {}", pct(lower), pct(*b)));
        lower = *b;
    }
    assert_eq!(
        label,
        format!("Unemployment rate: {}, No data", want.join(", "))
    );
    let swatches: Vec<&str> = svg
        .split("<rect class=\"legend-swatch\"")
        .skip(1)
        .take(5)
        .map(|t| attr(t, "fill").unwrap())
        .collect();
    assert_eq!(swatches, BLUES_5);

    // Every county path: its class colour by those breaks (a value equal to a break in the
    // lower class), or the hatch when the table has no row for it.
    let (mut painted, mut hatched) = (0, 0);
    for tag in svg.split("<path ").skip(1) {
        let tag = tag.split('>').next().unwrap();
        let Some(id) = attr(tag, "id").and_then(|i| i.strip_prefix("us-unemployment_counties-"))
        else {
            continue;
        };
        let fill = attr(tag, "fill").unwrap();
        match rates.get(id) {
            Some(rate) => {
                let class = bins.iter().position(|b| rate <= b).unwrap();
                assert_eq!(fill, BLUES_5[class], "county {id}, rate {rate}");
                painted += 1;
            }
            None => {
                assert!(
                    fill.starts_with("url(#us-unemployment_hatch-"),
                    "{id}: {fill}"
                );
                hatched += 1;
            }
        }
    }
    assert!(painted > 3100, "{painted} counties painted");
    // Alaska's six redrawn census areas, Oglala Lakota and Kalawao (the territories are
    // outside albers-usa).
    assert_eq!(hatched, 8, "counties without a row");
    assert!(svg.contains("<pattern "), "the hatch pattern");
}

#[test]
fn the_county_join_report_is_printed_and_written() {
    let dir = scratch("examples", "join-report");
    let out = mapfig()
        .arg("render")
        .arg(root().join("examples/maps/us-unemployment.toml"))
        .args(["--format", "svg", "-o"])
        .arg(&dir)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("3218 table rows, 3231 features, 3212 matched"),
        "{err}"
    );
    assert!(err.contains("6 rows without a feature: 02201, 02232, 02270, 02280, 46113, 51515"));
}

#[test]
fn earthquake_symbols_are_drawn_largest_first() {
    let svg = std::fs::read_to_string(root().join("examples/out/world-earthquakes.svg")).unwrap();
    let radii: Vec<f64> = svg
        .split("<circle class=\"feature symbol\"")
        .skip(1)
        .map(|t| attr(t, "r").unwrap().parse().unwrap())
        .collect();
    assert!(radii.len() > 1500, "{} symbols", radii.len());
    assert!(radii.windows(2).all(|w| w[0] >= w[1]), "not largest first");
}
