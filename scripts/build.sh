#!/usr/bin/env bash
# Builds the optimised page into dist/ (wasm-opt, LTO), prints what it ships gzipped, and
# fails when what a page downloads to show itself exceeds the size budget.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Gzipped bytes a page downloads before it shows itself: wasm + JS, and the words of one
# language (the larger catalogue; the page fetches the one it shows). A ratchet at the
# latest size plus 2 %, so the page cannot grow unnoticed; #17's goal is 400 KB, and
# docs/BENCHMARKS.md ("What the page ships") says what stands between the two. Lower it as
# the page shrinks.
SIZE_BUDGET=607900
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
words=0
for f in dist/i18n/*.json; do
  gz=$(gzip -9c "$f" | wc -c)
  printf '  %-40s %8d B -> %7d B\n' "i18n/$(basename "$f")" "$(wc -c <"$f")" "$gz" >&2
  [ "$gz" -le "$words" ] || words=$gz
done
[ "$words" -gt 0 ] || die "the build has no catalogue in dist/i18n (index.html copies www/i18n)"
total=$((total + words))
say "wasm + JS + the words of one language, gzipped: $total B (budget $SIZE_BUDGET B)"
[ "$total" -le "$SIZE_BUDGET" ] || die "a page downloads $total B gzipped (wasm, JS and its words), over the budget of $SIZE_BUDGET B (scripts/build.sh)"
