#!/usr/bin/env bash
# RNN Lab against TensorFlow.js 4.22 in the same headless Chromium session: builds the release
# page, installs the pinned TensorFlow.js packages (scripts/tfjs/package-lock.json; only this
# benchmark uses them), then runs scripts/bench_vs_tfjs.mjs, which prints the tables and
# rewrites them in docs/BENCHMARKS.md. Not part of the default tests (it takes several minutes).
# Usage: scripts/bench_vs_tfjs.sh [seconds per measurement, default 3] [--no-doc]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
"$ROOT/scripts/build.sh"
cd "$ROOT"
if [ -f scripts/tfjs/node_modules/@tensorflow/tfjs/dist/tf.min.js ] &&
  [ -f scripts/tfjs/node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js ]; then
  say "TensorFlow.js present"
else
  say "installing TensorFlow.js (npm ci in scripts/tfjs/)"
  (cd scripts/tfjs && npm ci --no-audit --no-fund --loglevel=error)
fi
say "benchmarking (about 6 minutes)"
node scripts/bench_vs_tfjs.mjs "$@"
