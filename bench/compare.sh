#!/usr/bin/env bash
# mapfig side by side with its peers on the shared benchmark datasets, in one run, then the
# ratios the project promises (bench/ratios.py):
#   - GeoJSON → SVG against mapshaper, GeoJSON → PNG against mapshaper + resvg (peers.sh's
#     ms-svg and ms+resvg-png), and mapfig writing SVG and PNG from one command;
#   - the Shapefile task: world admin-1 as a Shapefile → PNG against MapServer's map2img
#     (peers.sh's mapserver-png; mapshaper + resvg reading the Shapefile for reference), and
#     mapfig reading the same data as FlatGeobuf (written from the Shapefile by GDAL's
#     ogr2ogr, so both hold the same geometry).
#
#   bench/compare.sh                       # afg, world-countries, world-admin1 + world-admin1-shp
#   bench/compare.sh afg.geojson           # some of them (names under $BENCH_DATA)
#   bench/compare.sh world-admin1-shp      # a folder under $BENCH_DATA: the Shapefile task
#   bench/compare.sh choro                 # the choropleth task: US counties joined to
#                                          # unemployment.tsv, 5 quantile classes (peers.sh choro:
#                                          # mapshaper -join -classify, geopandas + mapclassify)
#
# Uses ../shared/bench: setup-peers.sh (pinned peer installs), make-data.sh (datasets,
# rebuilt from registry packages, never committed) and peers.sh (1 warm-up + 5 runs,
# medians of wall time and peak RSS). Environment as there (BENCH_DATA, BENCH_OUT, RUNS…).
# A mapfig build that refuses a format (no Shapefile or FlatGeobuf reader) skips its row
# with a message, and the ratios print "–" for it.
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

datasets=() shapefiles=() choro=""
for d in "${@:-afg.geojson world-countries.geojson world-admin1.geojson world-admin1-shp choro}"; do
  for f in $d; do
    if [ "$f" = choro ]; then choro=1
    elif [ -d "$BENCH_DATA/$f" ]; then shapefiles+=("$BENCH_DATA/$f"); else datasets+=("$BENCH_DATA/$f"); fi
  done
done

STYLE=(--fill '#dddddd' --stroke '#333333' --stroke-width 0.5)
SIZE="${WIDTH:-1600}x${HEIGHT:-1200}"
timeit() { # dataset task out -- cmd...: one mapfig row, same harness and settings as peers.sh
  local ds="$1" task="$2" out="$3"; shift 4
  python3 "$SHARED/runbench.py" time --results "$BENCH_OUT/results.tsv" --dataset "$ds" \
    --peer mapfig --task "$task" --out "$out" --runs "${RUNS:-5}" --warmup "${WARMUP:-1}" \
    -- "$@" || true
}

if [ "${#datasets[@]}" -gt 0 ]; then
  # Same projection, size, fill and stroke as the mapshaper command in peers.sh.
  export CANDIDATE_NAME=mapfig
  export CANDIDATE_SVG="$BIN draw {in} -o {out} --proj {proj} --size {w}x{h} --fill '#dddddd' --stroke '#333333' --stroke-width 0.5"
  export CANDIDATE_PNG="$BIN draw {in} -o {out} --proj {proj} --size {w}x{h} --fill '#dddddd' --stroke '#333333' --stroke-width 0.5"
  PEERS="${PEERS:-ms-svg ms+resvg-png candidate-svg candidate-png}" bash "$SHARED/peers.sh" "${datasets[@]}"

  # Both files from one command (`-o a.svg -o a.png`: read, project and lay out once).
  for IN in "${datasets[@]}"; do
    DS="$(basename "$IN")"
    P="${PROJ:-$(python3 "$SHARED/runbench.py" proj "$IN")}"
    O="$BENCH_OUT/$DS"
    mkdir -p "$O"
    timeit "$DS" svg+png "$O/candidate-both.png" -- "$BIN" draw "$IN" -o "$O/candidate-both.svg" \
      -o "$O/candidate-both.png" --proj "$P" --size "$SIZE" "${STYLE[@]}"
  done
fi

# The Shapefile task: MapServer (and mapshaper + resvg) from peers.sh, then mapfig on the
# same .shp and on a FlatGeobuf copy of it, all with the projection peers.sh chose.
for DIR in "${shapefiles[@]}"; do
  DS="$(basename "${DIR%/}")"
  PEERS="${SHP_PEERS:-mapserver-png ms-shp+resvg-png}" bash "$SHARED/peers.sh" "$DIR"
  SHP="$(ls "$DIR"/*.shp | head -n 1)"
  P="${PROJ:-$(python3 "$SHARED/runbench.py" proj "$SHP")}"
  O="$BENCH_OUT/${DS//./-}"
  mkdir -p "$O"
  FGB_DIR="$BENCH_DATA/${DS%-shp}-fgb"
  FGB="$FGB_DIR/$(basename "${SHP%.*}").fgb"
  if [ ! -s "$FGB" ]; then
    if command -v ogr2ogr >/dev/null; then
      # A Shapefile's polygon layer mixes polygons and multipolygons; FlatGeobuf wants
      # one type: every feature a MultiPolygon. Written aside, moved in when whole.
      mkdir -p "$FGB_DIR"
      rm -f "$FGB.tmp.fgb"
      ogr2ogr -f FlatGeobuf -nlt PROMOTE_TO_MULTI "$FGB.tmp.fgb" "$SHP" && mv "$FGB.tmp.fgb" "$FGB"
    else
      echo "[compare] no ogr2ogr (apt-get install gdal-bin): skip the FlatGeobuf row" >&2
    fi
  fi
  for IN in "$SHP" "$FGB"; do
    [ -s "$IN" ] || continue
    case "$IN" in *.fgb) ROW="${DS%-shp}-fgb" ;; *) ROW="$DS" ;; esac
    OUT="$O/mapfig-$(basename "$IN").png"
    # A mapfig without this format's reader says so: skip its row rather than time an error.
    if ! err="$("$BIN" draw "$IN" -o "$OUT" --proj "$P" --size "$SIZE" "${STYLE[@]}" 2>&1 >/dev/null)"; then
      echo "[compare] skip mapfig on $IN: it refuses the file: ${err%%$'\n'*}" >&2
      continue
    fi
    timeit "$ROW" png "$OUT" -- "$BIN" draw "$IN" -o "$OUT" --proj "$P" --size "$SIZE" "${STYLE[@]}"
  done
done

# The choropleth task: the peers of peers.sh choro, and mapfig rendering a spec that joins
# the same TSV to the same TopoJSON and classes the rate in 5 quantiles (Blues, #cccccc
# without a rate, no outlines), in the same projection and size. The spec is written
# outside the timing, with absolute paths to the data.
if [ -n "$choro" ]; then
  O="$BENCH_OUT/us-counties-choro"
  SPECDIR="$BENCH_OUT/choro-spec"
  mkdir -p "$O" "$SPECDIR"
  CP="${CHORO_PROJ:-+proj=aea +lat_1=29.5 +lat_2=45.5 +lat_0=37.5 +lon_0=-96 +datum=WGS84 +units=m}"
  cat > "$SPECDIR/candidate.toml" <<SPEC
size = [${CHORO_WIDTH:-1600}, ${CHORO_HEIGHT:-1000}]
projection = "$CP"

[[layer]]
id = "counties"
source = "$BENCH_DATA/us-10m.json"
object = "counties"
join = { data = "$BENCH_DATA/unemployment.tsv", key = "id", on = "id" }
fill = { by = "rate", scale = "quantile", classes = 5, scheme = "Blues", missing = "#cccccc" }
stroke = "none"
legend = { title = "Unemployment rate", format = ".1%" }
SPEC
  RENDER="$BIN render $SPECDIR/candidate.toml -o $O --scale 1"
  export CANDIDATE_NAME=mapfig
  CANDIDATE_CHORO="$RENDER --format png" CANDIDATE_CHORO_TASK=png \
    PEERS="${CHORO_PEERS:-ms-choro-svg ms-choro+resvg-png mpl-choro-svg mpl-choro-png candidate-choro}" \
    bash "$SHARED/peers.sh" choro
  CANDIDATE_CHORO="$RENDER --format svg" CANDIDATE_CHORO_TASK=svg PEERS=candidate-choro \
    bash "$SHARED/peers.sh" choro
  # Both files from one command.
  timeit us-counties-choro svg+png "$O/candidate.png" -- bash -c "$RENDER --format svg,png"
fi

python3 "$HERE/ratios.py" "$BENCH_OUT/results.tsv" "${datasets[@]}" "${shapefiles[@]}" ${choro:+choro}
