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

echo
echo "== USMCA origin: qualify and explain the bundled examples (illustrative, plausible figures)"
echo "-- A Mexican hot-rolled coil mill: 7208 coil from its own 7207 slab, melted and poured in Monterrey"
"$TMEC" qualify examples/hot_rolled_coil.yaml
echo
echo "-- A stamped steel body part (8708.29): the coil's origin is unknown, so it fails; the questions say what would fix it"
"$TMEC" qualify examples/stamped_body_part.yaml || echo "   (exit $?: not originating)"
echo
echo "-- An aluminum wheel (8708.70): a non-originating center cap of the same heading is within de minimis"
"$TMEC" qualify examples/aluminum_wheel.yaml
echo
echo "-- A ball bearing (8482.10) from accumulated rings: the ring maker's statement carries its Mexican value"
"$TMEC" qualify examples/bearing.yaml
echo
echo "-- The same wheel from a CSV bill of materials, as JSON for machines"
mkdir -p "$TMEC_HOME"
"$TMEC" qualify --bom examples/wheel_bom.csv --good examples/wheel_good.yaml --json > "$TMEC_HOME/wheel.json"
head -n 24 "$TMEC_HOME/wheel.json"

echo "== Certification of origin: issue, sign, log, verify offline (a throwaway store)"
CERT_DIR=$(mktemp -d)
(
  export TMEC_HOME="$CERT_DIR/home" TMEC_KEY_PASSPHRASE="demo passphrase, use a real one"
  "$TMEC" init --origin tmec.example/rodamientos-del-norte
  "$TMEC" certify examples/bearing.yaml --certifier examples/certifier.yaml \
    --blanket-from 2025-01-01 --blanket-to 2025-12-31 --out "$CERT_DIR/bearing"
  "$TMEC" keys export > "$CERT_DIR/issuer.pub"
  echo "-- a customs officer, offline, with the PDF and the issuer's public key:"
  env -u TMEC_HOME TMEC_HOME="$CERT_DIR/elsewhere" \
    "$TMEC" verify "$CERT_DIR/bearing/certificate.pdf" --key "$CERT_DIR/issuer.pub" --date 2025-06-30
  echo "-- a good that does not qualify is refused (exit 1):"
  "$TMEC" certify examples/stamped_body_part.yaml --certifier examples/certifier.yaml --invoice 1 || true
  "$TMEC" log verify
)
rm -rf "$CERT_DIR"
