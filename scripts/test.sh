#!/usr/bin/env bash
# Installs what is missing, then runs every check and test RNN Lab has:
#   format + clippy, native cargo tests, the optimised wasm build (warning-free),
#   wasm-bindgen tests in headless Chromium, and page tests of the built app in headless Chromium.
# Prints one summary and exits non-zero on any failure. .ci/run calls exactly this.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
"$ROOT/scripts/setup.sh" || die "setup failed"
cd "$ROOT"

LOGS="$ROOT/target/test-logs"
mkdir -p "$LOGS"
stages=()
failed_stages=()
passed=0
failed=0

# Adds the pass/fail counts a runner printed in LOG (cargo/libtest, wasm-bindgen-test, node --test).
count() {
  local log="$1" p f
  p=$(grep -hoE 'test result: [a-zA-Z]+\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
  f=$(grep -hoE '[0-9]+ passed; [0-9]+ failed' "$log" | awk '{s+=$3} END {print s+0}')
  p=$((p + $(grep -hoE '^ℹ pass [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')))
  f=$((f + $(grep -hoE '^ℹ fail [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')))
  passed=$((passed + p))
  failed=$((failed + f))
}

# run NAME CMD...: runs one stage with its output shown and logged; records its outcome.
run() {
  local name="$1"; shift
  local log="$LOGS/$name.log"
  say "== $name: $*"
  local start=$SECONDS
  ( "$@" ) 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  count "$log"
  if [ "$rc" -eq 0 ]; then
    stages+=("ok    $name ($((SECONDS - start)) s)")
  else
    stages+=("FAIL  $name ($((SECONDS - start)) s, exit $rc, log: target/test-logs/$name.log)")
    failed_stages+=("$name")
  fi
}

lint() {
  cargo fmt --check && cargo clippy --all-targets --quiet -- -D warnings && wasm_lint
}
# The page (src/ui) is compiled for wasm32 only: lint it there too, in its own subshell so the
# wasm build environment stays scoped to it.
wasm_lint() (
  wasm_env
  cargo clippy --target wasm32-unknown-unknown --bins --lib --quiet -- -D warnings
)
wasm_build() {
  local out
  out=$("$ROOT/scripts/build.sh" 2>&1) || { echo "$out"; return 1; }
  echo "$out"
  # The release build of the page must print no warnings either.
  if echo "$out" | grep -qE '^warning: .*(rnn-lab|rnn_lab)|^warning: unused|^warning: `rnn-lab`'; then
    echo "the wasm build printed warnings (see above)"; return 1
  fi
}
wasm_tests() {
  wasm_env
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
  export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
  export WASM_BINDGEN_TEST_TIMEOUT=120
  cargo test --target wasm32-unknown-unknown --test web
}
page_tests() {
  node --test --test-reporter=spec --test-concurrency=1 tests/page/
}

run lint lint
run native-tests cargo test --all-targets
run wasm-build wasm_build
run wasm-tests wasm_tests
run page-tests page_tests

echo
say "stages:"
printf '  %s\n' "${stages[@]}" >&2
say "screenshots: target/screenshots/"
echo "summary: $passed passed, $failed failed"
if [ ${#failed_stages[@]} -gt 0 ]; then
  die "failed: ${failed_stages[*]}"
fi
