#!/usr/bin/env bash
# Regenerates the committed PyTorch reference fixtures (tests/reference/fixtures/*.json).
# Needs torch from PyPI (a large download, once, into target/torch-venv); CI does not run this:
# it tests against the committed fixtures.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
venv="$ROOT/target/torch-venv"
if ! "$venv/bin/python" -c "import torch" 2>/dev/null; then
  say "creating $venv with torch (large download, once)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet torch numpy
fi
"$venv/bin/python" "$ROOT/tests/reference/make_reference.py"
