#!/usr/bin/env bash
# Runs the training-step benchmark natively and PyTorch's counterpart back to back (same
# machine state), then the in-browser one. Numbers go into docs/BENCHMARKS.md by hand.
# Needs the torch venv from scripts/reference.sh for the PyTorch column.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
say "native (criterion, median steps/s)"
cargo bench --bench train_step 2>/dev/null | awk '/^train_step/ {name=$1} /thrpt:/ && name {print name, $4, $5; name=""}'
say "CSV parse, 850k rows (criterion)"
cargo bench --bench parse_csv 2>/dev/null | awk '/time:/ {print "parse_csv 850k rows", $4, $5}'
if [ -x target/torch-venv/bin/python ]; then
  say "PyTorch, 1 thread"
  target/torch-venv/bin/python scripts/bench_pytorch.py
else
  say "no target/torch-venv: run scripts/reference.sh once for the PyTorch column"
fi
say "in headless Chromium (wasm)"
scripts/build.sh >/dev/null 2>&1
node scripts/bench_browser.mjs 3
say "main-thread tasks while lesson 9 trains (headless Chromium)"
node scripts/bench_frames.mjs 5
say "the page's training speed against the raw speed of the same run (headless Chromium)"
node scripts/bench_page.mjs 8
