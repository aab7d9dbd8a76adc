#!/usr/bin/env bash
# Fuzzes what the page reads from outside (tests/fuzz): CSV files, links, the remembered
# state, weights files, and run settings against the memory estimate. Not part of the
# default tests. Usage:
#   bash scripts/fuzz.sh                 # every target, 10 minutes each
#   bash scripts/fuzz.sh csv 60          # one target, 60 seconds
# Findings land in tests/fuzz/artifacts/<target>/; each becomes a regression test.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

TARGETS=(csv link remembered weights run_memory)
only="${1:-}"
seconds="${2:-600}"

rustup toolchain list 2>/dev/null | grep -q '^nightly' ||
  die "cargo-fuzz needs the nightly toolchain: rustup toolchain install nightly"
if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz (about a minute, once)"
  cargo install cargo-fuzz --locked
fi

for target in "${TARGETS[@]}"; do
  [ -n "$only" ] && [ "$only" != "$target" ] && continue
  corpus="tests/fuzz/corpus/$target"
  mkdir -p "$corpus"
  # Seeds: the project's own test files and a link of every lesson.
  case "$target" in
    csv) cp -n tests/data/good/* tests/data/bad/* "$corpus/" 2>/dev/null || true ;;
  esac
  say "fuzzing $target for ${seconds}s"
  cargo +nightly fuzz run --fuzz-dir tests/fuzz --target-dir target/fuzz "$target" "$corpus" -- \
    -max_total_time="$seconds" -max_len=65536 -timeout=60 -rss_limit_mb=4096 -print_final_stats=1
done
