#!/usr/bin/env bash
# One machine, N mapfig processes at once (GNU parallel), then the merge: the whole pipeline
# of a sharded build, run from the project folder (where mapfig.toml is):
#
#   bash deploy/gnu-parallel.sh 4
#
# `mapfig build` alone already renders on every core; shards on one machine are for trying
# the sharded pipeline before moving it to a cluster, or for bounding each process's memory
# (with RAYON_NUM_THREADS=1, each shard renders one map at a time).
set -euo pipefail
N=${1:-4}
mkdir -p reports
# Reports of an earlier run would be refused by the merge (or merged by mistake): start clean.
rm -f reports/report-*.json
# The shard index comes from MAPFIG_SHARD_INDEX, counted from 0; --halt stops the other
# shards as soon as one fails.
parallel --halt now,fail=1 \
  MAPFIG_SHARD_INDEX={} mapfig build --shard-count "$N" --report reports/report-{}.json \
  ::: $(seq 0 $((N - 1)))
# One report and the gallery page out/index.html, as an unsharded build writes them.
mapfig build --merge reports/report-*.json --report reports/report.json
