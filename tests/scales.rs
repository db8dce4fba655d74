//! Colour by data: class breaks against mapclassify's on vega-datasets' unemployment
//! table, and choropleths through the binary whose every path is checked against its
//! class's colour.

mod common;

use common::{mapfig, registry_data, root, scratch, stderr};
use mapfig::color::scheme::Scheme;
use mapfig::symbology::scale::classify::{class_of, equal_interval, jenks, quantile};
use std::path::Path;

/// The `rate` column of vega-datasets' unemployment.tsv (3,218 counties), sorted.
fn unemployment_rates() -> Vec<f64> {
    let text = std::fs::read_to_string(registry_data("vega-datasets/unemployment.tsv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("id\trate"));
    let mut rates: Vec<f64> = lines
        .filter(|l| !l.is_empty())
        .map(|l| l.split('\t').nth(1).unwrap().parse::<f64>().unwrap())
        .collect();
    rates.sort_by(f64::total_cmp);
    rates
}

/// The reference breaks, written by ../shared/bench/choro_breaks.py with mapclassify.
fn reference() -> serde_json::Value {
    let path = root().join("tests/data/mapclassify/unemployment-breaks.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The `bins` of `method` under `section` of the reference, read from the file's text with
/// Rust's exact float parsing (serde_json's default parser may be a unit in the last place
/// off, and these must compare bit for bit).
fn reference_bins(section: &str, method: &str) -> Vec<f64> {
    let path = root().join("tests/data/mapclassify/unemployment-breaks.json");
    let text = std::fs::read_to_string(path).unwrap();
    let at = text.find(&format!("\"{section}\"")).unwrap();
    let at = at + text[at..].find(&format!("\"{method}\"")).unwrap();
    let at = at + text[at..].find("\"bins\": [").unwrap() + "\"bins\": [".len();
    let end = at + text[at..].find(']').unwrap();
    text[at..end]
        .split(',')
        .map(|n| n.trim().parse::<f64>().unwrap())
        .collect()
}

/// How many values fall in each class, a value equal to a bound in the lower class.
fn counts(values: &[f64], bins: &[f64]) -> Vec<u64> {
    let mut c = vec![0; bins.len()];
    for v in values {
        c[class_of(bins, *v)] += 1;
    }
    c
}

/// The within-class sum of squared deviations of a classification.
fn within_ssd(values: &[f64], bins: &[f64]) -> f64 {
    let mut classes: Vec<Vec<f64>> = vec![Vec::new(); bins.len()];
    for v in values {
        classes[class_of(bins, *v)].push(*v);
    }
    classes
        .iter()
        .filter(|c| !c.is_empty())
        .map(|c| {
            let mean = c.iter().sum::<f64>() / c.len() as f64;
            c.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>()
        })
        .sum()
}

#[test]
fn quantile_and_equal_interval_breaks_equal_mapclassify() {
    let rates = unemployment_rates();
    let r = reference();
    assert_eq!(r["mapclassify"], "2.10.0");
    let tsv = &r["tsv"];
    assert_eq!(rates.len() as u64, tsv["n"].as_u64().unwrap());
    let k = r["k"].as_u64().unwrap() as usize;
    for (name, bins) in [
        ("quantile", quantile(&rates, k)),
        (
            "equal_interval",
            equal_interval(rates[0], rates[rates.len() - 1], k),
        ),
    ] {
        let want = reference_bins("tsv", name);
        // Bit for bit: the same floating-point steps as NumPy and SciPy.
        assert_eq!(bins, want, "{name} breaks");
        let want_counts: Vec<u64> = tsv[name]["counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap())
            .collect();
        assert_eq!(counts(&rates, &bins), want_counts, "{name} class counts");
    }
}

#[test]
fn jenks_breaks_are_at_least_as_good_as_mapclassify_fisher_jenks() {
    let rates = unemployment_rates();
    let theirs = reference_bins("tsv", "fisher_jenks");
    let ours = jenks(&rates, 5);
    assert_eq!(ours.len(), theirs.len());
    assert_eq!(ours.last(), theirs.last(), "the last bound is the maximum");
    let (ssd_ours, ssd_theirs) = (within_ssd(&rates, &ours), within_ssd(&rates, &theirs));
    assert!(
        ssd_ours <= ssd_theirs * (1.0 + 1e-12),
        "ours {ours:?} SSD {ssd_ours} > mapclassify {theirs:?} SSD {ssd_theirs}"
    );
    eprintln!("Fisher-Jenks within-class SSD: mapfig {ours:?} {ssd_ours}, mapclassify {theirs:?} {ssd_theirs}");
}

/// The Natural Earth countries fixture (Africa, Europe, South America).
fn countries() -> Vec<serde_json::Map<String, serde_json::Value>> {
    let path = root().join("tests/data/formats/countries.geojson");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"].as_object().unwrap().clone())
        .collect()
}

/// Runs `mapfig render` on `layer_keys` over the countries fixture in `dir`.
fn run(dir: &Path, layer_keys: &str) -> std::process::Output {
    std::fs::copy(
        root().join("tests/data/formats/countries.geojson"),
        dir.join("countries.geojson"),
    )
    .unwrap();
    let spec =
        format!("[[layer]]\nid = \"countries\"\nsource = \"countries.geojson\"\n{layer_keys}\n");
    std::fs::write(dir.join("map.toml"), spec).unwrap();
    mapfig()
        .arg("render")
        .arg(dir.join("map.toml"))
        .arg("-o")
        .arg(dir.join("out"))
        .output()
        .unwrap()
}

/// Renders `layer_keys` over the countries fixture; the SVG and PNG bytes.
fn render(dir: &Path, layer_keys: &str) -> (String, Vec<u8>) {
    let out = run(dir, layer_keys);
    assert!(out.status.success(), "{}", stderr(&out));
    (
        std::fs::read_to_string(dir.join("out/map.svg")).unwrap(),
        std::fs::read(dir.join("out/map.png")).unwrap(),
    )
}

/// The `fill` of each feature path, by feature index (`id="map_countries-N"`).
fn fills(svg: &str) -> Vec<(usize, String)> {
    layer_fills(svg, "countries")
}

/// The fill of every feature path of layer `layer`, by the number in its id
/// (`map_<layer>-<n>`, or `map_<layer>-<n>-2` for a second feature with the same id).
fn layer_fills(svg: &str, layer: &str) -> Vec<(usize, String)> {
    let prefix = format!("map_{layer}-");
    let mut out = Vec::new();
    for tag in svg.split("<path ").skip(1) {
        let tag = tag.split('>').next().unwrap();
        let attr = |name: &str| {
            tag.split(&format!(" {name}=\""))
                .nth(1)
                .or_else(|| tag.strip_prefix(&format!("{name}=\"")))
                .and_then(|s| s.split('"').next())
        };
        if let (Some(id), Some(fill)) = (attr("id"), attr("fill")) {
            if let Some(i) = id.strip_prefix(&prefix) {
                let n = i.split('-').next().unwrap();
                out.push((n.parse().unwrap(), fill.to_string()));
            }
        }
    }
    out
}

/// Percentile breaks computed here plainly (rank interpolation), as an independent check.
fn plain_quantile_breaks(values: &[f64], k: usize) -> Vec<f64> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    (1..=k)
        .map(|i| {
            let x = i as f64 / k as f64 * (v.len() - 1) as f64;
            let (lo, hi) = (x.floor() as usize, x.ceil() as usize);
            v[lo] + (v[hi] - v[lo]) * (x - lo as f64)
        })
        .collect()
}

#[test]
fn a_quantile_choropleth_paints_each_country_its_class_colour_and_renders_the_same_bytes() {
    let dir = scratch("scales", "quantile");
    let keys = "fill = { by = \"pop_est\", scale = \"quantile\", classes = 5, scheme = \"Blues\" }";
    let (svg, png) = render(&dir, keys);
    let pops: Vec<f64> = countries()
        .iter()
        .map(|p| p["pop_est"].as_f64().unwrap())
        .collect();
    let breaks = plain_quantile_breaks(&pops, 5);
    let blues: Vec<String> = Scheme::find("Blues")
        .unwrap()
        .classes(5)
        .unwrap()
        .iter()
        .map(|c| c.hex())
        .collect();
    let drawn = fills(&svg);
    assert!(drawn.len() > 100, "{} paths", drawn.len());
    let mut per_class = [0; 5];
    for (i, fill) in &drawn {
        let v = pops[*i];
        // Lower class on a tie; within 1e-6 of a break the plain breaks may differ by rounding.
        assert!(breaks.iter().all(|b| (b - v).abs() > 1e-6 || *b == v));
        let class = breaks.iter().position(|b| v <= *b).unwrap();
        per_class[class] += 1;
        assert_eq!(fill, &blues[class], "feature {i} ({v}) in class {class}");
    }
    assert!(per_class.iter().all(|c| *c > 0), "{per_class:?}");
    // Same input, same bytes.
    let (svg2, png2) = render(&scratch("scales", "quantile-again"), keys);
    assert_eq!(svg, svg2);
    assert!(png == png2, "PNG bytes differ between two runs");
}

#[test]
fn threshold_classes_left_empty_are_fine_and_text_values_are_missing() {
    let dir = scratch("scales", "threshold");
    // No country has more than 10^12 people: the last class is empty.
    let keys = "fill = { by = \"pop_est\", breaks = [1e6, 2e7, 1e12], colors = [\"#ffffcc\", \"#a1dab4\", \"#41b6c4\", \"#225ea8\"] }";
    let (svg, _) = render(&dir, keys);
    let pops: Vec<f64> = countries()
        .iter()
        .map(|p| p["pop_est"].as_f64().unwrap())
        .collect();
    let colours = ["#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"];
    for (i, fill) in fills(&svg) {
        let v = pops[i];
        let class = [1e6, 2e7, 1e12].iter().position(|b| v <= *b).unwrap_or(3);
        assert_eq!(fill, colours[class], "feature {i} ({v})");
        assert_ne!(fill, colours[3]);
    }
}

#[test]
fn categories_are_sorted_and_take_the_scheme_colours() {
    let dir = scratch("scales", "categorical");
    let (svg, _) = render(&dir, "fill = { by = \"continent\", scheme = \"Set2\" }");
    let props = countries();
    let set2: Vec<String> = Scheme::find("Set2")
        .unwrap()
        .classes(3)
        .unwrap()
        .iter()
        .map(|c| c.hex())
        .collect();
    let order = ["Africa", "Europe", "South America"];
    for (i, fill) in fills(&svg) {
        let continent = props[i]["continent"].as_str().unwrap();
        let k = order.iter().position(|c| *c == continent).unwrap();
        assert_eq!(fill, set2[k], "{continent}");
    }
}

#[test]
fn data_that_cannot_take_the_scale_is_refused_and_writes_nothing() {
    for (keys, code, want) in [
        (
            "fill = { by = \"name\", classes = 5 }",
            1,
            "no value of \"name\" is a number",
        ),
        (
            "fill = { by = \"pop_est\", scale = \"quantile\", scheme = \"Bleus\" }",
            2,
            "map.toml:4:",
        ),
        (
            "fill = { by = \"pop_est\", scale = \"quantile\", scheme = \"Bleus\" }",
            2,
            "did you mean Blues?",
        ),
        (
            "fill = { by = \"name\", scheme = \"Set1\", scale = \"categorical\" }",
            1,
            "but scheme \"Set1\" has 9 colours",
        ),
    ] {
        let dir = scratch("scales", "refused");
        let out = run(&dir, keys);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(code), "{keys}: {err}");
        assert!(err.contains(want), "{keys}: {want:?} not in {err}");
        assert!(!dir.join("out/map.svg").exists());
    }
}

/// vega-datasets' us-10m.json and unemployment.tsv copied into `dir` (mapfig joins them,
/// as the choropleth peers of ../shared/bench do); the rates by county id, read here.
fn counties_with_rates(dir: &Path) -> std::collections::BTreeMap<i64, f64> {
    let text = std::fs::read_to_string(registry_data("vega-datasets/unemployment.tsv")).unwrap();
    let rates: std::collections::BTreeMap<i64, f64> = text
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (id, rate) = l.split_once('\t').unwrap();
            (id.parse().unwrap(), rate.parse().unwrap())
        })
        .collect();
    std::fs::write(dir.join("unemployment.tsv"), text).unwrap();
    std::fs::copy(
        registry_data("vega-datasets/us-10m.json"),
        dir.join("us.json"),
    )
    .unwrap();
    rates
}

/// Every county's fill in the SVG is the colour of its class by mapclassify's breaks of
/// the joined rates (quantiles: mapclassify's `Quantiles` of the 3,607 county features
/// with a rate, the fixture's `joined_records`, which mapfig fits to as well: the layer's
/// features with or without geometry; equal intervals: the same minimum and maximum as the
/// table, so the table's `EqualInterval` bounds), and counties without a rate (lakes) get
/// the missing colour.
#[test]
fn every_county_is_painted_its_mapclassify_class_colour() {
    let blues: Vec<String> = Scheme::find("Blues")
        .unwrap()
        .classes(5)
        .unwrap()
        .iter()
        .map(|c| c.hex())
        .collect();
    let r = reference();
    assert_eq!(r["joined_records"]["n"], 3607);
    assert_eq!(r["joined_records"]["min"], r["tsv"]["min"]);
    assert_eq!(r["joined_records"]["max"], r["tsv"]["max"]);
    for (scale, bins) in [
        ("quantile", reference_bins("joined_records", "quantile")),
        ("equal", reference_bins("tsv", "equal_interval")),
    ] {
        let dir = scratch("scales", &format!("counties-{scale}"));
        let rates = counties_with_rates(&dir);
        let spec = format!("[[layer]]\nid = \"counties\"\nsource = \"us.json\"\nobject = \"counties\"\njoin = {{ data = \"unemployment.tsv\", key = \"id\", on = \"id\" }}\nfill = {{ by = \"rate\", scale = \"{scale}\", classes = 5, scheme = \"Blues\", missing = \"#cccccc\" }}\n");
        std::fs::write(dir.join("us.toml"), spec).unwrap();
        let out = mapfig()
            .arg("render")
            .arg(dir.join("us.toml"))
            .arg("-o")
            .arg(dir.join("out"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let svg = std::fs::read_to_string(dir.join("out/us.svg")).unwrap();
        let (mut painted, mut missing, mut per_class) = (0, 0, [0u64; 5]);
        for tag in svg.split("<path ").skip(1) {
            let tag = tag.split('>').next().unwrap();
            let Some(id) = tag
                .split(" id=\"us_counties-")
                .nth(1)
                .and_then(|s| s.split('"').next())
            else {
                continue;
            };
            let fill = tag
                .split(" fill=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap();
            // A repeated feature id gets a suffix ("53045-2"): the county's id comes first.
            let id: i64 = id.split('-').next().unwrap().parse().unwrap();
            match rates.get(&id) {
                Some(rate) => {
                    let class = class_of(&bins, *rate);
                    assert_eq!(
                        fill, blues[class],
                        "{scale}: county {id}, rate {rate}, class {class}"
                    );
                    per_class[class] += 1;
                    painted += 1;
                }
                None => {
                    assert_eq!(fill, "#cccccc", "{scale}: county {id} has no rate");
                    missing += 1;
                }
            }
        }
        // Of the 3,607 rated features 3,218 have geometry at 1:10m (a few too small to
        // leave a path at this size), every class holds some, the lakes are missing data.
        assert!(
            (3200..=3218).contains(&painted),
            "{scale}: {painted} counties painted"
        );
        assert!(per_class.iter().all(|c| *c > 0), "{scale}: {per_class:?}");
        assert!(missing > 0, "the lakes have no rate");
    }
}

/// Every class count: quantile and equal-interval bounds equal mapclassify's for k = 2 to
/// 20, and Fisher-Jenks within-class sums of squares are no larger than its `FisherJenks`
/// for k = 3 to 7 (tests/data/mapclassify/make-breaks-by-k.py).
#[test]
fn breaks_for_every_class_count_match_mapclassify() {
    let rates = unemployment_rates();
    let path = root().join("tests/data/mapclassify/unemployment-breaks-by-k.txt");
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.starts_with("# mapclassify 2.10.0"));
    let mut checked = 0;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let mut words = line.split(' ');
        let method = words.next().unwrap();
        let k: usize = words.next().unwrap().parse().unwrap();
        let want: Vec<f64> = words.map(|w| w.parse().unwrap()).collect();
        match method {
            "quantile" => assert_eq!(quantile(&rates, k), want, "quantile k = {k}"),
            "equal_interval" => assert_eq!(
                equal_interval(rates[0], rates[rates.len() - 1], k),
                want,
                "equal interval k = {k}"
            ),
            "fisher_jenks" => {
                let ours = jenks(&rates, k);
                assert_eq!(ours.len(), want.len(), "jenks k = {k}");
                let (a, b) = (within_ssd(&rates, &ours), within_ssd(&rates, &want));
                assert!(a <= b * (1.0 + 1e-12), "jenks k = {k}: {a} > {b}");
            }
            other => panic!("unknown method {other}"),
        }
        checked += 1;
    }
    assert_eq!(checked, 19 * 2 + 5);
}

/// The earthquake spelling, `fill = { by = "sig", scale = "log", scheme = "magma" }`
/// on vega-datasets' earthquakes.json: the 107 quakes of significance 0 have no place on a
/// log scale and are drawn as missing data with a warning; every other one gets the
/// magma colour at its place on the scale.
#[test]
fn a_log_scale_draws_values_at_zero_as_missing_with_a_warning() {
    let dir = scratch("scales", "quakes");
    std::fs::copy(
        registry_data("vega-datasets/earthquakes.json"),
        dir.join("earthquakes.json"),
    )
    .unwrap();
    let spec = "[[layer]]\nid = \"quakes\"\nsource = \"earthquakes.json\"\nfill = { by = \"sig\", scale = \"log\", scheme = \"magma\" }\n";
    std::fs::write(dir.join("quakes.toml"), spec).unwrap();
    let out = mapfig()
        .arg("render")
        .arg(dir.join("quakes.toml"))
        .arg("-o")
        .arg(dir.join("out"))
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("107 feature(s) have values at or below 0"),
        "{err}"
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("earthquakes.json")).unwrap())
            .unwrap();
    let sig: std::collections::BTreeMap<String, f64> = doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                f["properties"]["sig"].as_f64().unwrap(),
            )
        })
        .collect();
    let (lo, hi) = sig
        .values()
        .filter(|v| **v > 0.0)
        .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
    let magma = Scheme::find("magma").unwrap().ramp();
    let svg = std::fs::read_to_string(dir.join("out/quakes.svg")).unwrap();
    let mut checked = 0;
    for tag in svg.split("<circle ").skip(1) {
        let attr = |name: &str| {
            tag.split(&format!(" {name}=\""))
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap()
        };
        // The legend's reference circles have no feature id.
        if !tag.contains(" id=\"quakes_quakes-") {
            continue;
        }
        let id = attr("id").strip_prefix("quakes_quakes-").unwrap();
        let v = sig[id];
        if v <= 0.0 {
            assert_eq!(attr("fill"), "#cccccc", "{id}");
        } else {
            // Where the value lies on the log scale, as a position in magma's 256 colours:
            // the drawn colour is within one step of the ramp there.
            let t = (v.log10() - lo.log10()) / (hi.log10() - lo.log10());
            let i = (t * 255.0).floor() as usize;
            let fill = attr("fill");
            let near: Vec<String> = magma[i.saturating_sub(1)..(i + 2).min(256)]
                .iter()
                .map(|c| c.hex())
                .collect();
            let rgb = |h: &str| -> Vec<i32> {
                (0..3)
                    .map(|k| i32::from_str_radix(&h[1 + 2 * k..3 + 2 * k], 16).unwrap())
                    .collect()
            };
            let within =
                |a: &str, b: &str| rgb(a).iter().zip(rgb(b)).all(|(x, y)| (x - y).abs() <= 12);
            assert!(
                near.iter().any(|n| within(n, fill)),
                "{id}: sig {v} t {t}: {fill} not near {near:?}"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, sig.len());
}

/// The fitted quantile bounds of the joined county rates are mapclassify's `Quantiles` of
/// the same 3,607 records, bit for bit (the scale reads every feature the layer selects,
/// also the 389 without geometry at 1:10m).
#[test]
fn the_joined_county_quantiles_are_mapclassify_bounds() {
    use mapfig::symbology::scale::{ColorScale, Fit};
    let dir = scratch("scales", "joined-bounds");
    counties_with_rates(&dir);
    let spec = mapfig::spec::parse(
        "[[layer]]\nid = \"counties\"\nsource = \"us.json\"\nobject = \"counties\"\njoin = { data = \"unemployment.tsv\", key = \"id\" }\nfill = { by = \"rate\", scale = \"quantile\", classes = 5 }\n",
        &dir.join("us.toml"),
    )
    .unwrap();
    let l = &spec.layers[0];
    // The layer's data after its join, as the render sees it.
    let cache = mapfig::sources::DataCache::default();
    let selected = mapfig::prepare::select::select_layers(&spec, &cache).unwrap();
    let data = &selected[0].dataset;
    let range = data.object_range(Some("counties"), "counties").unwrap();
    let features: Vec<_> = data.features[range].iter().collect();
    let scale = ColorScale::fit(l.fill_by.as_ref().unwrap(), &features).unwrap();
    assert_eq!(scale.fitted.placed, 3607);
    let Fit::Classes { bins, .. } = &scale.fitted.fit else {
        panic!("classes")
    };
    assert_eq!(bins, &reference_bins("joined_records", "quantile"));
}

/// `mapfig draw` maps data in one line: `--join`, `--fill` as a table and `--legend` give
/// the same classes and colours as a spec, with a legend; a wrong key is a usage error
/// naming the option, and writes nothing.
#[test]
fn draw_makes_a_choropleth_in_one_line() {
    let dir = scratch("scales", "draw-choropleth");
    let rates = counties_with_rates(&dir);
    let out = mapfig()
        .current_dir(&dir)
        .args([
            "draw",
            "us.json",
            "--object",
            "counties",
            "--join",
            "{ data = \"unemployment.tsv\", key = \"id\" }",
            "--fill",
            "{ by = \"rate\", scale = \"quantile\", classes = 5, scheme = \"Blues\" }",
            "--legend",
            "Unemployment \"rate\"",
            "-o",
            "map.svg",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let svg = std::fs::read_to_string(dir.join("map.svg")).unwrap();
    let bins = reference_bins("joined_records", "quantile");
    let blues = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
    let mut painted = 0;
    for (id, fill) in layer_fills(&svg, "counties") {
        if let Some(rate) = rates.get(&(id as i64)) {
            assert_eq!(fill, blues[class_of(&bins, *rate)], "county {id}");
            painted += 1;
        }
    }
    assert!(painted > 3000, "{painted}");
    assert!(
        svg.contains("aria-label=\"Legend: Unemployment &quot;rate&quot;: "),
        "a legend"
    );

    let bad = mapfig()
        .current_dir(&dir)
        .args([
            "draw",
            "us.json",
            "--object",
            "counties",
            "--fill",
            "{ by = \"rate\", scale = \"quantle\" }",
            "-o",
            "bad.svg",
        ])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(
        stderr(&bad).contains("did you mean \"quantile\""),
        "{}",
        stderr(&bad)
    );
    assert!(!dir.join("bad.svg").exists());
}
