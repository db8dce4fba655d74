//! Any bytes through the TopoJSON reader (a `"type": "Topology"` prefix steers most inputs
//! to it rather than to GeoJSON), with a small vertex limit so amplified arcs stop early:
//! it must return Ok or Err, never panic, overflow the stack or run away with memory. What
//! it reads must also give prepare's shared arcs without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mapfig::limits::Limits;
use std::path::Path;

fuzz_target!(|bytes: &[u8]| {
    let limits = Limits {
        max_vertices: 100_000,
        ..Limits::default()
    };
    let mut text = br#"{"type":"Topology","#.to_vec();
    text.extend_from_slice(bytes);
    for input in [bytes, &text[..]] {
        let Ok(data) = mapfig::sources::parse_within(input, Path::new("fuzz.topojson"), &limits, 0)
        else {
            continue;
        };
        let data = std::sync::Arc::new(data);
        let Ok(projection) = mapfig::projection::Projection::parse("+proj=eqc") else {
            continue;
        };
        let flats: Vec<(usize, mapfig::geom::Flat)> = (0..data.features.len())
            .map(|i| {
                let mut flat = mapfig::geom::Flat::default();
                if let Some(g) = &data.features[i].geometry {
                    mapfig::geom::flatten(g, &mut flat);
                }
                (i, mapfig::projection::project_flat(&flat, &projection))
            })
            .collect();
        let features: Vec<mapfig::prepare::source_arcs::SourceFeature> = flats
            .iter()
            .map(|(i, f)| (&data, *i, f.polygons.as_slice()))
            .collect();
        for (mut topology, _) in mapfig::prepare::source_arcs::topologies(&features, &projection) {
            topology.simplify(0.1);
            let _ = topology.polygons();
            let _ = topology.inner_lines();
        }
    }
});
