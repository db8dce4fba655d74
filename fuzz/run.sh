#!/usr/bin/env bash
# Seeds the corpora from the project's own files and fuzzes each target in turn.
# Usage: fuzz/run.sh [seconds per target, default 600] [targets...]
# Needs cargo-fuzz (`cargo install cargo-fuzz`); on a stable toolchain RUSTC_BOOTSTRAP=1
# lets it pass the -Z flags it needs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
secs="${1:-600}"
shift || true
targets="${*:-geojson spec render check csv geojsonseq flatgeobuf geopackage shapefile topojson thematic}"
mkdir -p corpus/geojson corpus/spec corpus/render corpus/check corpus/csv corpus/geojsonseq corpus/flatgeobuf corpus/geopackage corpus/shapefile corpus/topojson corpus/thematic
# csv and geojsonseq: small tables and sequences (the first lines of the committed ones).
printf 'name;Lat;LON;code\r\n"a ""b"" c";-20.88;55.45;01001\r\n"two\r\nlines";1;2;\r\n' > corpus/csv/quoted.csv
printf 'id\trate\n1001\t.097\n1003\t\n' > corpus/csv/table.tsv
printf 'a,b,lat,lon\n1,2,3,4\n,,,\n' > corpus/csv/points.csv
head -n 3 ../tests/data/formats/london-boroughs.geojsonl > corpus/geojsonseq/london.geojsonl
head -c 3000 ../tests/data/formats/london-boroughs.geojsons > corpus/geojsonseq/london.geojsons
cp ../tests/hostile/*.geojson ../geodata/article/*.geojson corpus/geojson/
cp ../maps/*.toml ../tests/hostile/*.toml corpus/spec/
# topojson: the hostile cases, and world-atlas's smallest file when the registry data is here.
cp ../tests/data/topojson-hostile/*.topojson corpus/topojson/
if [ -f ../target/registry-data/world-atlas/countries-110m.json ]; then
  cp ../target/registry-data/world-atlas/countries-110m.json corpus/topojson/
fi
# The binary formats start from the GDAL-written fixtures.
cp ../tests/data/formats/*.fgb corpus/flatgeobuf/
cp ../tests/data/formats/*.gpkg corpus/geopackage/
# render: a small spec naming data.geojson, a NUL, then a data file.
for g in ../tests/hostile/*.geojson ../geodata/article/*.geojson ../tests/data/antimeridian.geojson; do
  { printf 'title = "Fuzz {n:,.1f}"\nsize = [200, 150]\n[[layer]]\nid = "a"\nsource = "data.geojson"\nlabel = "{name|?}"\n'
    printf '\0'; cat "$g"; } > "corpus/render/$(basename "$g").seed"
done
# thematic: specs mapping data (join, where comparisons, colour scales, hatching, symbols,
# legends), a NUL, small polygons and points with numbers, a NUL, a join table.
pts='{"type":"FeatureCollection","features":[
{"type":"Feature","id":"a","properties":{"k":"01","v":3,"c":"x"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[2,0],[2,2],[0,2],[0,0]]]}},
{"type":"Feature","id":"b","properties":{"k":"2","v":-1,"c":"y"},"geometry":{"type":"Polygon","coordinates":[[[2,0],[4,0],[4,2],[2,2],[2,0]]]}},
{"type":"Feature","id":"c","properties":{"k":"3","v":null},"geometry":{"type":"Point","coordinates":[1,3]}}]}'
table=$'id,rate,name\n1,0.5,one\n02,0.25,two\n4,x,four\n'
i=0
for keys in \
  'fill = { by = "rate", scale = "quantile", classes = 3, scheme = "Blues", missing = { fill = "#fff", hatch = "#999" } }' \
  'fill = { by = "rate", scale = "jenks", classes = 2 }
legend = { title = "R", format = ".1%", position = "right", direction = "horizontal" }' \
  'fill = { by = "v", scale = "log", scheme = "magma", domain = [1, 10], nice = true }
size = { by = "v", max = 20, title = "V" }' \
  'fill = { by = "v", scale = "diverging", midpoint = 0, scheme = "RdBu", reverse = true }
opacity = { by = "rate", range = [0.2, 1] }' \
  'fill = { by = "c", colors = { x = "#c00", y = "#00c" }, missing_label = "none" }
where = { not = { v = { lt = 0 } } }' \
  'fill = { by = "rate", scale = "threshold", breaks = [0.3] }
where = { rate = { between = [0, 1] }, k = { in = ["01", 2] } }
legend = { position = "above" }' ; do
  { printf 'size = [300, 200]\n[[layer]]\nid = "a"\nsource = "data.geojson"\nlabel = "{name|?}"\njoin = { data = "table.csv", key = "id", on = "k", pad = 2 }\n%s\n' "$keys"
    printf '\0%s\0%s' "$pts" "$table"; } > "corpus/thematic/seed-$i"
  i=$((i + 1))
done
# shapefile: the .shp's length and the .dbf's offset (2 bytes each, little-endian), then
# the .shp, .shx and .dbf of the small committed Shapefiles.
le16() { printf "\\x$(printf %02x $(($1 & 255)))\\x$(printf %02x $(($1 >> 8)))"; }
for s in cities_null south_america_linem; do
  f=../tests/data/formats/shapefile/$s
  shp=$(stat -c %s "$f.shp"); shx=$(stat -c %s "$f.shx")
  { le16 "$shp"; le16 $((shp + shx)); cat "$f.shp" "$f.shx" "$f.dbf"; } > "corpus/shapefile/$s.seed"
done
cp ../tests/data/formats/shapefile/europe.shp.zip corpus/shapefile/
# check: small committed/fresh pairs (a map drawn by mapfig as SVG and as PNG, and each
# against itself and the other), split by a NUL.
seed="$(mktemp -d)"
cargo run --release --quiet --manifest-path ../Cargo.toml -- draw ../tests/data/antimeridian.geojson \
  -o "$seed/a.svg" -o "$seed/a.png" --size 140x120 --scale 1
cargo run --release --quiet --manifest-path ../Cargo.toml -- draw ../geodata/afghanistan.geojson \
  -o "$seed/b.svg" -o "$seed/b.png" --size 140x120 --scale 1
for x in svg png; do
  { cat "$seed/a.$x"; printf '\0'; cat "$seed/a.$x"; } > "corpus/check/same.$x"
  { cat "$seed/a.$x"; printf '\0'; cat "$seed/b.$x"; } > "corpus/check/other.$x"
done
rm -rf "$seed"
for t in $targets; do
  # A GeoPackage is SQLite pages of 4 KiB: the smallest fixture is 90 kB.
  max_len=16384
  [ "$t" = geopackage ] && max_len=300000
  # A dictionary of the format's words where there is one (binary formats have none).
  dict=()
  [ -s "$t.dict" ] && dict=(-dict="$t.dict")
  RUSTC_BOOTSTRAP=1 cargo fuzz run "$t" "corpus/$t" -- \
    -max_total_time="$secs" -jobs=1 "${dict[@]}" -max_len="$max_len" -timeout=10 \
    -print_final_stats=1
  tail -n 8 fuzz-0.log
done
