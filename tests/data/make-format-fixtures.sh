#!/usr/bin/env bash
# Rebuilds the FlatGeobuf and GeoPackage fixtures in tests/data/formats/ with GDAL's ogr2ogr
# (Debian gdal-bin; these were made with GDAL 3.6.2), an independent writer, from the
# registry data (run tests/data/fetch-registry.sh first). Not run by CI: the outputs are
# committed. Each source is written three ways (FlatGeobuf, GeoPackage, GeoJSON) by the
# same ogr2ogr options, so the three hold the same features.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="${MAPFIG_REGISTRY_DATA:-$here/../../target/registry-data}"
ne="$data/naturalearth"
out="$here/formats"
cd "$out"
rm -f countries.fgb countries.gpkg countries.geojson world.gpkg cities.geojson \
  north-america-5070.fgb north-america-5070.gpkg north-america-5070.geojson \
  countries-z.fgb countries-z.gpkg all-types.fgb all-types.gpkg
geojson=(-f GeoJSON -lco RFC7946=NO -lco COORDINATE_PRECISION=15)
# Natural Earth 1:110m countries of three continents (the whole file is over 300 kB as
# GeoJSON): multipolygons, a hole (South Africa around Lesotho), the antimeridian (Russia).
some=(-where "continent IN ('Africa', 'Europe', 'South America')" -nlt PROMOTE_TO_MULTI -nln countries)
ogr2ogr -f FlatGeobuf countries.fgb "$ne/naturalearth_lowres.shp" "${some[@]}"
ogr2ogr -f GPKG countries.gpkg "$ne/naturalearth_lowres.shp" "${some[@]}"
ogr2ogr "${geojson[@]}" countries.geojson "$ne/naturalearth_lowres.shp" "${some[@]}"
# Two tables in one GeoPackage: those countries, and Natural Earth's populated places.
ogr2ogr -f GPKG world.gpkg "$ne/naturalearth_lowres.shp" "${some[@]}"
ogr2ogr -f GPKG -update world.gpkg "$ne/naturalearth_cities.shp" -nln cities
ogr2ogr "${geojson[@]}" cities.geojson "$ne/naturalearth_cities.shp" -nln cities
# (The spatial index, which mapfig does not read, is left out of the smaller files below.)
# Projected: North America in CONUS Albers (EPSG:5070).
na=(-where "continent = 'North America'" -nlt PROMOTE_TO_MULTI -t_srs EPSG:5070 -nln north_america)
ogr2ogr -f FlatGeobuf north-america-5070.fgb "$ne/naturalearth_lowres.shp" "${na[@]}"
ogr2ogr -f GPKG -lco SPATIAL_INDEX=NO north-america-5070.gpkg "$ne/naturalearth_lowres.shp" "${na[@]}"
ogr2ogr "${geojson[@]}" north-america-5070.geojson "$ne/naturalearth_lowres.shp" "${na[@]}"
# With Z (every z 0): the same countries as countries.geojson.
ogr2ogr -f FlatGeobuf -dim XYZ countries-z.fgb "$ne/naturalearth_lowres.shp" "${some[@]}"
ogr2ogr -f GPKG -lco SPATIAL_INDEX=NO -dim XYZ countries-z.gpkg "$ne/naturalearth_lowres.shp" "${some[@]}"
# Every geometry type, from the hand-written all-types.geojson (made-up shapes, no facts).
# Without a spatial index the FlatGeobuf keeps the features in file order (with one,
# GDAL writes them in the index's order, as in countries.fgb).
ogr2ogr -f FlatGeobuf -lco SPATIAL_INDEX=NO -nlt GEOMETRY all-types.fgb all-types.geojson -nln all_types
ogr2ogr -f GPKG -lco SPATIAL_INDEX=NO -nlt GEOMETRY all-types.gpkg all-types.geojson -nln all_types
ls -l "$out"
