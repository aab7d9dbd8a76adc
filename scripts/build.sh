#!/usr/bin/env bash
# Builds the optimised page into dist/ (wasm-opt, LTO), prints what it ships gzipped, and
# fails when the wasm and JS together exceed the size budget.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Gzipped bytes of wasm + JS the page may ship. A ratchet at the latest size plus 2 %, so the
# page cannot grow unnoticed; #17's goal is 400 KB, and docs/BENCHMARKS.md ("What the page
# ships") says what stands between the two. Lower it as the page shrinks.
SIZE_BUDGET=628000
prepare_wasm_build
trunk build --release --offline "$@"
say "shipped files (raw -> gzipped):"
total=0
for f in dist/*.wasm dist/*.js dist/*.css; do
  [ -e "$f" ] || continue
  gz=$(gzip -9c "$f" | wc -c)
  printf '  %-40s %8d B -> %7d B\n' "$(basename "$f")" "$(wc -c <"$f")" "$gz" >&2
  case "$f" in *.css) ;; *) total=$((total + gz)) ;; esac
done
say "wasm + JS gzipped: $total B (budget $SIZE_BUDGET B)"
[ "$total" -le "$SIZE_BUDGET" ] || die "the page ships $total B of wasm + JS gzipped, over the budget of $SIZE_BUDGET B (scripts/build.sh)"
