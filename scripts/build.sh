#!/usr/bin/env bash
# Builds the optimised page into dist/ (wasm-opt, LTO) and prints what it ships, gzipped.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
prepare_wasm_build
trunk build --release --offline "$@"
say "shipped files (raw -> gzipped):"
for f in dist/*.wasm dist/*.js dist/*.css; do
  [ -e "$f" ] || continue
  printf '  %-40s %8d B -> %7d B\n' "$(basename "$f")" "$(wc -c <"$f")" "$(gzip -9c "$f" | wc -c)" >&2
done
