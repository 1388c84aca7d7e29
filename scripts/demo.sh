#!/usr/bin/env bash
# `make demo`: the main job end to end on the bundled examples, on the embedded default.
set -euo pipefail
cd "$(dirname "$0")/.."
TMEC=.venv/bin/tmec
export TMEC_HOME="${TMEC_HOME:-$PWD/.tmec}"

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
echo "== Automotive rules of origin (illustrative figures): a Mexican-assembled pickup meets all five requirements"
echo "   (vehicle RVC, Table A.2 core parts via the super-core, 70 % steel, 70 % aluminum, 45 % LVC)"
"$TMEC" qualify examples/pickup_mx_crew_cab.yaml
echo
echo "== A Mexican-assembled compact car meets RVC, core parts, steel and aluminum but not the 40 % LVC (exit 1)"
"$TMEC" qualify examples/compact_car_mx.yaml || echo "(exit $?: not originating)"
echo
echo "== Averaging (UR s.16): the regular-cab pickup fails its RVC alone; averaged with the crew cab by model line,"
echo "   class and plant over the fiscal year, both meet it"
"$TMEC" qualify examples/pickup_mx_regular_cab.yaml --json | .venv/bin/python -c \
  "import json,sys; d=json.load(sys.stdin); print('regular cab alone:', 'originating' if d['originating'] else 'not originating', '- fails', ', '.join(d['automotive']['failed']))" || true
"$TMEC" average examples/pickup_mx_crew_cab.yaml examples/pickup_mx_regular_cab.yaml --category model_line_class_plant
echo
echo "== The LVC thresholds for passenger vehicles the day before and the day of the last phase-in step"
"$TMEC" law show usmca.automotive.lvc_passenger_vehicle --date 2023-06-30 --json | .venv/bin/python -c \
  "import json,sys; d=json.load(sys.stdin); print(d['parameter'], d['date'], d['value'], '-', d['reference'])"
"$TMEC" law show usmca.automotive.lvc_passenger_vehicle --date 2023-07-01 --json | .venv/bin/python -c \
  "import json,sys; d=json.load(sys.stdin); print(d['parameter'], d['date'], d['value'], '-', d['reference'])"
echo
echo "== A Mexican-assembled road tractor (illustrative figures): RVC 63.3 % < 64 %, made up by the high-wage LVC"
echo "   points above 30 until 1 July 2027 (UR s.18(22)); on 1 July 2027 it needs 70 %, the credit is gone and"
echo "   its steel must be shown melted and poured in the region"
"$TMEC" qualify examples/heavy_truck_mx.yaml --json | .venv/bin/python -c \
  "import json,sys; d=json.load(sys.stdin); a=d['automotive']; print('2025-02-03:', 'originating' if d['originating'] else 'not originating', '| vehicle RVC', a['vehicle_rvc']['value'][:7], '+ LVC credit', a['vehicle_rvc'].get('lvc_credit','')[:7], '>=', a['vehicle_rvc']['threshold'])"
"$TMEC" qualify examples/heavy_truck_mx.yaml --date 2027-07-01 --json | .venv/bin/python -c \
  "import json,sys; d=json.load(sys.stdin); a=d['automotive']; print('2027-07-01:', 'originating' if d['originating'] else 'not originating', '| fails', ', '.join(a['failed']), '| threshold', a['vehicle_rvc']['threshold'])" || true
echo
echo "== Which automotive table lists a part, and its staged threshold on a date (UR s.14-s.15)"
"$TMEC" automotive part 8708.40 --end-use light_truck --date 2022-07-01
"$TMEC" automotive part 8482.10 --end-use heavy_truck --date 2024-07-01
echo
echo "== A model year from a vehicle list: two pickup configurations and one CSV line per vehicle built (UR s.16)"
"$TMEC" average examples/pickup_mx_crew_cab.yaml examples/pickup_mx_regular_cab.yaml \
  --vehicles examples/pickup_vehicles.csv --category model_line_class_plant
echo
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
echo
echo "== What the border costs: US duties on a date (tmec duty), across the regime changes"
for day in 2018-06-01 2019-06-01 2025-04-15 2025-06-10 2026-03-01; do
  echo "-- Mexican hot-rolled coil 7208.39.00, \$100,000, not claimed under USMCA, entered $day"
  "$TMEC" duty --hts 7208.39.00 --origin MX --value 100000 --date "$day" --melted-poured MX
done
for day in 2024-08-01 2025-04-15 2025-06-10; do
  echo "-- Mexican aluminum extrusion 7604.21.00, \$50,000, USMCA claimed, smelted in China, entered $day"
  "$TMEC" duty --hts 7604.21.00 --origin MX --value 50000 --date "$day" --usmca --smelted-cast CN
done
for day in 2025-04-02 2025-04-03; do
  echo "-- USMCA car 8703.23.01 from Mexico, \$30,000 of which \$12,000 non-US content, entered $day"
  "$TMEC" duty --hts 8703.23.01 --origin MX --value 30000 --date "$day" --usmca --non-us-content 12000
done
for day in 2025-04-15 2025-06-01; do
  echo "-- Stamped body part 8708.29.25 from Mexico, \$1,000, with and without a USMCA claim, entered $day"
  "$TMEC" duty --hts 8708.29.25 --origin MX --value 1000 --date "$day" --usmca
  "$TMEC" duty --hts 8708.29.25 --origin MX --value 1000 --date "$day"
done
echo "-- The same coil on 15 April 2025 as deposited at entry (IEEPA + 232) vs the liability after EO 14289"
"$TMEC" duty --hts 7208.39.00 --origin MX --value 100000 --date 2025-04-15 --melted-poured MX --basis deposited
echo "-- The measures in force for goods of Canada on 1 March 2026"
"$TMEC" measures show --date 2026-03-01 --origin CA
echo
echo "== What a tariff change does to an industry (tmec impact): the \"\$3.2 billion\" claim"
mkdir -p "$TMEC_HOME"
"$TMEC" impact --scenario mx-steel-2025 --model smart --chart "$TMEC_HOME/mx-steel-loss.svg"
"$TMEC" impact --scenario mx-steel-2025 --model ces --json | .venv/bin/python -c \
  'import json,sys; d=json.load(sys.stdin); print("CES exact:", d["trade_change"], "| implied Em:", d["scenario"]["implied_em"])'
echo
echo "== Portfolio scale: a synthetic portfolio of 200 goods, qualified at once (DuckDB), then one supplier's change"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
"$TMEC" generate portfolio "$WORK/bom" --goods 200 --seed 1
"$TMEC" portfolio qualify "$WORK/bom" --date 2026-03-02 || [ $? -eq 1 ]   # 1: some goods do not qualify
printf 'part_id,origin\nA2-0000007,originating\n' > "$WORK/changes.csv"
"$TMEC" portfolio qualify "$WORK/bom" --date 2026-03-02 --changed "$WORK/changes.csv" || [ $? -eq 1 ]
echo
echo "== Duty exposure: 50,000 entry lines of 2025 by month, then a scenario (232 steel at 75 % on Mexico)"
"$TMEC" generate entries "$WORK/entries.parquet" --lines 50000 --year 2025
"$TMEC" exposure "$WORK/entries.parquet" --by month
"$TMEC" exposure "$WORK/entries.parquet" --scenario examples/scenarios/steel-mx-75.yaml --by origin
echo "-- the same scenario fed to the trade-impact model, flow by flow (HS chapter x origin; SMART linear):"
"$TMEC" exposure "$WORK/entries.parquet" --scenario examples/scenarios/steel-mx-75.yaml --impact --model smart --json \
  | .venv/bin/python -c 'import json, sys; i = json.load(sys.stdin)["impact"]
for g in i["groups"]:
    if g["duty_before"] != g["duty_after"]:
        print("  {chapter} {origin}: rate {rate_before} % -> {rate_after} %, trade {trade_change}, welfare {welfare}".format(**g))
print("  all flows: trade change {trade_change}, tariff revenue {tariff_revenue_before} -> {tariff_revenue_after}".format(**i["totals"]),
      "(Em {em}, Es {es}, Ex {ex})".format(**i["assumptions"]))'
echo
echo "== The law in force: CTC de minimis on 1 July 2023"
"$TMEC" law show usmca.de_minimis --date 2023-07-01
