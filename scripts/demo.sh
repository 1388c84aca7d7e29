#!/usr/bin/env bash
# `make demo`: the main job end to end on the bundled examples, on the embedded default.
set -euo pipefail
cd "$(dirname "$0")/.."
TMEC=.venv/bin/tmec
export TMEC_HOME="${TMEC_HOME:-$PWD/.tmec}"

echo "== The law in force: CTC de minimis on 1 July 2023"
"$TMEC" law show usmca.de_minimis --date 2023-07-01

echo
echo "== Product-specific rules: a welded steel tube (7306.30) the day before and the day of the 2023 steel rule"
"$TMEC" rules show 7306.30 --date 2023-06-30
"$TMEC" rules show 7306.30 --date 2023-07-01
echo
echo "== A stamped body part (8708.29) in August 2022: the staged thresholds resolved on that date"
"$TMEC" rules show 8708.29 --date 2022-08-01
echo
echo "== An HS 2022 code (8701.21, a diesel road tractor) finds its HS 2012 rule through the correlation"
"$TMEC" rules show 8701.21 --date 2025-01-01
