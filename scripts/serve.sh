#!/usr/bin/env bash
# Installs what is missing, builds RNN Lab and serves it with live rebuild on change.
# It builds with Cargo.toml's `serve` profile: the release build's optimisation without fat
# LTO and wasm-opt, so the page trains as fast as the release build (docs/BENCHMARKS.md)
# and is served sooner. Usage: scripts/serve.sh     PORT=9000 scripts/serve.sh   to change the port.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
prepare_wasm_build
port="${PORT:-8080}"
say "serving RNN Lab at http://127.0.0.1:${port}/  (Ctrl-C stops it)"
exec trunk serve --offline --cargo-profile serve --address 127.0.0.1 --port "$port" "$@"
