#!/usr/bin/env bash
# The whole test suite: `make test`.  Starts the throwaway services the tests need
# when their programs are installed, and says clearly what it skips otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

exec "$BIN/python" -m pytest "$@"
