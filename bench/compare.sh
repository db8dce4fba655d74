#!/usr/bin/env bash
# mapfig side by side with its peers (mapshaper, mapshaper + resvg, geopandas + matplotlib)
# on the shared benchmark datasets, in one run, then the ratios the project promises; also
# mapfig writing SVG and PNG from one command.
#
#   bench/compare.sh                 # all three datasets
#   bench/compare.sh afg.geojson     # some of them (names under $BENCH_DATA)
#
# Uses ../shared/bench: setup-peers.sh (pinned peer installs), make-data.sh (datasets,
# rebuilt from registry packages, never committed) and peers.sh (1 warm-up + 5 runs,
# medians of wall time and peak RSS). Environment as there (BENCH_DATA, BENCH_OUT, RUNS…).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
SHARED="${SHARED_BENCH:-$ROOT/../shared/bench}"
export BENCH_DATA="${BENCH_DATA:-/tmp/benchdata}" BENCH_OUT="${BENCH_OUT:-/tmp/benchout}"
[ -d "$SHARED" ] || { echo "needs ../shared/bench beside the repository" >&2; exit 1; }

cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml"
BIN="$ROOT/target/release/mapfig"
bash "$SHARED/setup-peers.sh"
bash "$SHARED/make-data.sh" >/dev/null

datasets=()
for d in "${@:-afg.geojson world-countries.geojson world-admin1.geojson}"; do
  for f in $d; do datasets+=("$BENCH_DATA/$f"); done
done

# Same projection, size, fill and stroke as the mapshaper command in peers.sh.
export CANDIDATE_NAME=mapfig
export CANDIDATE_SVG="$BIN draw {in} -o {out} --proj {proj} --size {w}x{h} --fill '#dddddd' --stroke '#333333' --stroke-width 0.5"
export CANDIDATE_PNG="$BIN draw {in} -o {out} --proj {proj} --size {w}x{h} --fill '#dddddd' --stroke '#333333' --stroke-width 0.5"
PEERS="${PEERS:-ms-svg ms+resvg-png candidate-svg candidate-png}" bash "$SHARED/peers.sh" "${datasets[@]}"

# Both files from one command (`-o a.svg -o a.png`: read, project and lay out once), timed
# by the same harness and settings as peers.sh.
for IN in "${datasets[@]}"; do
  DS="$(basename "$IN")"
  P="${PROJ:-$(python3 "$SHARED/runbench.py" proj "$IN")}"
  O="$BENCH_OUT/$DS"
  mkdir -p "$O"
  python3 "$SHARED/runbench.py" time --results "$BENCH_OUT/results.tsv" --dataset "$DS" \
    --peer mapfig --task svg+png --out "$O/candidate-both.png" --runs "${RUNS:-5}" \
    --warmup "${WARMUP:-1}" -- "$BIN" draw "$IN" -o "$O/candidate-both.svg" \
    -o "$O/candidate-both.png" --proj "$P" --size "${WIDTH:-1600}x${HEIGHT:-1200}" \
    --fill '#dddddd' --stroke '#333333' --stroke-width 0.5 || true
done

python3 "$HERE/ratios.py" "$BENCH_OUT/results.tsv" "${datasets[@]}"
