#!/usr/bin/env bash
# Seeds the corpora from the project's own files and fuzzes each target in turn.
# Usage: fuzz/run.sh [seconds per target, default 600] [targets...]
# Needs cargo-fuzz (`cargo install cargo-fuzz`); on a stable toolchain RUSTC_BOOTSTRAP=1
# lets it pass the -Z flags it needs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
secs="${1:-600}"
shift || true
targets="${*:-geojson spec render check flatgeobuf geopackage}"
mkdir -p corpus/geojson corpus/spec corpus/render corpus/check corpus/flatgeobuf corpus/geopackage
cp ../tests/hostile/*.geojson ../geodata/article/*.geojson corpus/geojson/
cp ../maps/*.toml ../tests/hostile/*.toml corpus/spec/
# The binary formats start from the GDAL-written fixtures.
cp ../tests/data/formats/*.fgb corpus/flatgeobuf/
cp ../tests/data/formats/*.gpkg corpus/geopackage/
# render: a small spec naming data.geojson, a NUL, then a data file.
for g in ../tests/hostile/*.geojson ../geodata/article/*.geojson ../tests/data/antimeridian.geojson; do
  { printf 'title = "Fuzz {n:,.1f}"\nsize = [200, 150]\n[[layer]]\nid = "a"\nsource = "data.geojson"\nlabel = "{name|?}"\n'
    printf '\0'; cat "$g"; } > "corpus/render/$(basename "$g").seed"
done
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
  RUSTC_BOOTSTRAP=1 cargo fuzz run "$t" "corpus/$t" -- \
    -max_total_time="$secs" -jobs=1 -dict="$t.dict" -max_len="$max_len" -timeout=10 \
    -print_final_stats=1
  tail -n 8 fuzz-0.log
done
