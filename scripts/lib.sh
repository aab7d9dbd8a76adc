# Shared helpers for RNN Lab's scripts. Source it; do not run it.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT

say() { printf '\033[1;34m[rnn-lab]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[rnn-lab] error:\033[0m %s\n' "$*" >&2; exit 1; }

# Versions the build is pinned to. wasm-bindgen's comes from Cargo.lock, because the CLI must
# equal the library exactly.
TRUNK_VERSION="0.21.14"
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

# Cargo-installed tools live in ~/.cargo/bin; node tools in scripts/node_modules/.bin.
export PATH="$ROOT/scripts/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# True when rustup already has the wasm32 standard library (the normal developer-laptop path).
have_rustup_wasm_target() {
  command -v rustup >/dev/null 2>&1 &&
    rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown
}

# Sets up the environment for a wasm32 build in this shell. Prefers rustup's wasm32 target;
# otherwise uses Debian's rustc-web with its std source (build-std), as in TOOLCHAIN.md.
# Scoped: only the wasm build and wasm test commands call this.
wasm_env() {
  if have_rustup_wasm_target; then
    return 0
  fi
  export PATH="$ROOT/scripts/node_modules/.bin:/usr/bin:$PATH"
  export RUSTC_BOOTSTRAP=1
  export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=/usr/bin/wasm-ld-19
}

# Runs a command as root (directly, or through sudo when there is one).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root to run: $*"
  fi
}

# Everything before a Trunk build: install what is missing, enter the wasm environment, and
# fetch crates first (Trunk runs offline and passes --offline to cargo, which then cannot
# fetch std's own dependencies when std is built from source).
prepare_wasm_build() {
  "$ROOT/scripts/setup.sh"
  wasm_env
  cd "$ROOT"
  cargo fetch --target wasm32-unknown-unknown --quiet
}
