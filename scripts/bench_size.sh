#!/usr/bin/env bash
# What the page ships, in two parts: the release wasm as scripts/build.sh builds it, against
# the same program built with `--cfg rnn_lab_no_page` (src/main.rs starts the training side
# only, so LTO drops the page's components, yew, the charts and plotters). Both go through
# the same wasm-bindgen and `wasm-opt -O3` and are gzipped (-9); the difference is what the
# page's own code weighs, the rest is the engine, the worker, serde, the allocator and std.
# Not a test: docs/BENCHMARKS.md ("What the page ships") quotes it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
"$ROOT/scripts/build.sh"
wasm_env
cd "$ROOT"
say "building the training side alone (target/no-page)"
CARGO_TARGET_DIR=target/no-page cargo rustc --release --target wasm32-unknown-unknown \
  --bin rnn-lab --quiet -- --cfg rnn_lab_no_page
out="$ROOT/target/bench-size"
rm -rf "$out"
gz() { gzip -9c "$1" | wc -c; }
measure() {
  local name=$1 wasm=$2
  mkdir -p "$out/$name"
  wasm-bindgen --target web --out-dir "$out/$name" "$wasm"
  wasm-opt -O3 "$out/$name/rnn-lab_bg.wasm" -o "$out/$name/opt.wasm"
  echo $(($(gz "$out/$name/opt.wasm") + $(gz "$out/$name/rnn-lab.js")))
}
whole=$(measure whole target/wasm32-unknown-unknown/release/rnn-lab.wasm)
alone=$(measure no-page target/no-page/wasm32-unknown-unknown/release/rnn-lab.wasm)
printf 'wasm + its JS bindings, gzipped (wasm-bindgen, wasm-opt -O3):\n'
printf '  the whole page:             %7d B\n' "$whole"
printf '  the training side alone:    %7d B\n' "$alone"
printf '  the page'"'"'s own part:        %7d B\n' "$((whole - alone))"
