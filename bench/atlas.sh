#!/usr/bin/env bash
# The county atlas of issue 13: one 600×450 page per us-atlas county (SVG and PNG at scale 1),
# as one `mapfig build` of an atlas spec, beside one `mapfig render` per page for a sample of
# counties (per-page time each way). Data: tests/data/fetch-registry.sh's us-atlas 3.0.1.
#   bash bench/atlas.sh            # prints wall time, peak RSS, pages and time per page
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml"
BIN="$ROOT/target/release/mapfig"
bash "$ROOT/tests/data/fetch-registry.sh"
DATA="${MAPFIG_REGISTRY_DATA:-$ROOT/target/registry-data}/us-atlas"
WORK="${BENCH_OUT:-/tmp/benchout}/county-atlas"
rm -rf "$WORK" && mkdir -p "$WORK/maps" "$WORK/single"
cat > "$WORK/mapfig.toml" <<TOML
specs = ["maps/*.toml"]
out = "out"
formats = ["svg", "png"]
scale = 1
TOML
page_layers() {
  cat <<TOML
[[layer]]
id = "counties"
source = "$DATA/counties-10m.json"
object = "counties"
fill = "#e4ddcf"
stroke = "#ffffff"
stroke_width = 0.5
label = "{name}"
label_size = 10

[[layer]]
id = "states"
source = "$DATA/states-10m.json"
object = "states"
fill = "none"
stroke = "#888888"

[furniture]
legend = false
TOML
}
{ printf 'title = "County"\nsize = [600, 450]\n[atlas]\nlayer = "counties"\noutput = "county-{id}"\ntitle = "{name}"\nhighlight = "#c0392b"\npad = 0.3\n'; page_layers; } > "$WORK/maps/counties.toml"
/usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$BIN" build --manifest "$WORK/mapfig.toml" >/dev/null 2>"$WORK/stderr.txt"
read -r wall rss < "$WORK/time.txt"
pages=$(ls "$WORK/out" | grep -c '\.svg$')
echo "atlas: $pages pages in $wall s wall, peak RSS $((rss / 1024)) MiB, $(python3 -c "print(round($wall / $pages * 1000, 1))") ms a page"
# One render per page, for 20 counties: each reads and parses the 3.4 MB TopoJSON again.
ids=$(python3 -c "import json;d=json.load(open('$DATA/counties-10m.json'));g=d['objects']['counties']['geometries'];print(' '.join(x['id'] for x in g[::max(1,len(g)//20)][:20]))")
start=$(date +%s.%N)
for id in $ids; do
  { printf 'title = "County"\nsize = [600, 450]\noutput = "county-%s"\n[atlas]\nlayer = "counties"\nwhere = { id = "%s" }\nhighlight = "#c0392b"\npad = 0.3\n' "$id" "$id"; page_layers; } > "$WORK/single/one.toml"
  "$BIN" render "$WORK/single/one.toml" -o "$WORK/single/out" --format svg,png --scale 1 >/dev/null 2>&1
done
end=$(date +%s.%N)
echo "one render per page: $(python3 -c "print(round(($end - $start) / 20 * 1000, 1))") ms a page (20 pages)"
