#!/usr/bin/env bash
# Whether what README's first command serves (scripts/serve.sh: Cargo.toml's `serve` profile)
# trains as fast as the release build: builds both (the release page into dist/, the served
# one into target/dist-serve/), then scripts/bench_serve.mjs opens them side by side in one
# headless Chromium and prints raw training speeds, three rounds each, in turn.
# Usage: scripts/bench_serve.sh [seconds per measurement, default 3]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
"$ROOT/scripts/build.sh"
prepare_wasm_build
say "building the served page (serve profile) into target/dist-serve"
trunk build --offline --cargo-profile serve --dist target/dist-serve
say "benchmarking (about 3 minutes)"
node scripts/bench_serve.mjs "$@"
