#!/usr/bin/env bash
# Seeds the corpora from the project's own files and fuzzes each target in turn.
# Usage: fuzz/run.sh [seconds per target, default 600] [targets...]
# Needs cargo-fuzz (`cargo install cargo-fuzz`); on a stable toolchain RUSTC_BOOTSTRAP=1
# lets it pass the -Z flags it needs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
secs="${1:-600}"
shift || true
targets="${*:-geojson spec}"
mkdir -p corpus/geojson corpus/spec
cp ../tests/hostile/*.geojson ../geodata/article/*.geojson corpus/geojson/
cp ../maps/*.toml ../tests/hostile/*.toml corpus/spec/
for t in $targets; do
  RUSTC_BOOTSTRAP=1 cargo fuzz run "$t" "corpus/$t" -- \
    -max_total_time="$secs" -jobs=1 -dict="$t.dict" -max_len=16384 -timeout=10 \
    -print_final_stats=1
  tail -n 8 fuzz-0.log
done
