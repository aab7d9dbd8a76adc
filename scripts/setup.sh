#!/usr/bin/env bash
# Installs what RNN Lab needs to build and test, skipping whatever is already there.
# Idempotent: safe to run every time (serve.sh and test.sh do).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# 1. Debian packages: Chromium + driver for tests, and a CJK font so its screenshots of the
#    Chinese page show characters; Debian's wasm-capable compiler when rustup has no wasm32
#    target (it cannot be downloaded on the project's machines).
apt_pkgs=(chromium chromium-driver fonts-wqy-microhei)
if ! have_rustup_wasm_target; then
  # rust-web-clippy: the linter for that compiler, so the page's code (wasm32 only) is linted.
  apt_pkgs+=(rustc-web cargo-web rust-web-src lld-19 rust-web-clippy)
fi
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  say "apt packages present: ${apt_pkgs[*]}"
else
  say "installing apt packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# 2. Node tools (wasm-opt from binaryen, playwright-core, axe-core), pinned by
#    scripts/package-lock.json.
if [ -x "$ROOT/scripts/node_modules/.bin/wasm-opt" ] && [ -d "$ROOT/scripts/node_modules/playwright-core" ] &&
  [ -f "$ROOT/scripts/node_modules/axe-core/axe.min.js" ]; then
  say "node tools present (wasm-opt $(wasm-opt --version | awk '{print $3}'), playwright-core, axe-core)"
else
  say "installing node tools (npm ci in scripts/)"
  (cd "$ROOT/scripts" && npm ci --no-audit --no-fund --loglevel=error)
fi

# 3. Cargo-installed tools, at exactly the versions the build expects.
if [ "$(trunk --version 2>/dev/null)" = "trunk $TRUNK_VERSION" ]; then
  say "trunk $TRUNK_VERSION present"
else
  say "installing trunk $TRUNK_VERSION (about 10 minutes on 2 cores, once)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi
wbg="$(wasm_bindgen_version)"
[ -n "$wbg" ] || die "could not read the wasm-bindgen version from Cargo.lock"
if [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $wbg" ] &&
  command -v wasm-bindgen-test-runner >/dev/null; then
  say "wasm-bindgen-cli $wbg present"
else
  # Without --locked: the registry mirror may lack a pinned transitive version (TOOLCHAIN.md).
  say "installing wasm-bindgen-cli $wbg (about 3 minutes, once)"
  cargo install wasm-bindgen-cli --version "$wbg" --force
fi
say "setup complete"
