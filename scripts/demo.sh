#!/usr/bin/env bash
# `make demo`: the main job end to end on the bundled examples, on the embedded default.
set -euo pipefail
cd "$(dirname "$0")/.."
TMEC=.venv/bin/tmec
export TMEC_HOME="${TMEC_HOME:-$PWD/.tmec}"

echo "== The law in force: CTC de minimis on 1 July 2023"
"$TMEC" law show usmca.de_minimis --date 2023-07-01
