"""Compile the EU CBAM tables from ``shared/data/cbam`` into the package's compact file.

    python tools/law/build_cbam.py [DATA_DIR]     # default: ../shared/data/cbam

Writes ``src/tmec/law/carbon/cbam_tables.json`` (goods list, Annex IV precursor defaults,
benchmarks columns A/B, the 2028 downstream proposal, sources), ``cbam_defaults.jsonl``
(the default values, one country table a line, with their published mark-up columns and
route markers) and the licence files the data
comes with (``NOTICE``, ``LICENSE-Apache-2.0``).  Nothing is retyped: every value is
copied from the source file as its text, so ``Decimal`` reads exactly what the act says.
Country names become ISO 3166 codes here, once; the table's own name is kept beside
the code.  ``tests/carbon/test_tables_build.py`` runs ``build`` again and fails on any
difference.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT_DIR = ROOT / "src" / "tmec" / "law" / "carbon"
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "cbam"

SECTORS = {"Iron and steel": "iron_steel", "Aluminium": "aluminium"}
OTHER = "Other Countries and Territories"
# Table names that pycountry does not spell the same way; every other name must be found by
# pycountry.countries.lookup, or the build stops (a new country is never dropped silently).
NAMES = {
    "Bolivia": "BO",
    "Brunei": "BN",
    "Congo": "CG",
    "Democratic Republic of the Congo": "CD",
    "Iran": "IR",
    "Laos": "LA",
    "Moldova": "MD",
    "Myanmar/Burma": "MM",
    "North Korea": "KP",
    "Russia": "RU",
    "South Korea": "KR",
    "Syria": "SY",
    "Taiwan": "TW",
    "Tanzania": "TZ",
    "Türkiye": "TR",
    "Venezuela": "VE",
    "Vietnam": "VN",
}
FILES = {
    "goods": "cbam_goods_cn.json",
    "defaults": "default_values_2621.json",
    "annex_iv": "annex_iv_precursor_defaults_2621.json",
    "benchmarks": "benchmarks_2620.json",
    "downstream": "downstream_2028_proposal.json",
}
ACTS = {
    "goods": "Reg. (EU) 2023/956 Annex I (EU CBAM Report Structure v23.00, code list 'CL CBAMGoods')",
    "defaults": "Commission IR (EU) 2025/2621 Annex I, as corrected by IR (EU) 2026/1740",
    "annex_iv": "Commission IR (EU) 2025/2621 Annex IV (highest default value, precursors of unknown origin)",
    "benchmarks": "Commission IR (EU) 2025/2620 Annex (CBAM benchmarks, columns A and B)",
    "downstream": "COM(2025) 989 final, Annexes 1-3 (17 Dec 2025): PROPOSAL, not law",
}
DATES = {
    "goods": "2023-05-17",
    "defaults": "2025-12-31",
    "annex_iv": "2025-12-31",
    "benchmarks": "2025-12-22",
    "downstream": "2025-12-17",
}
LICENCE = (
    "Apache-2.0 (files of the PyPI package opencbam 0.1.0, opencbam/engine/data/; see NOTICE); "
    "EU legal texts re-usable under Commission Decision 2011/833/EU"
)


def iso_code(name: str) -> str:
    if name == OTHER:
        return "OTHER"
    if name in NAMES:
        return NAMES[name]
    import pycountry

    try:
        return str(pycountry.countries.lookup(name).alpha_2)
    except LookupError:
        raise SystemExit(
            f"build_cbam: no ISO 3166 code for the table name {name!r}: add it to NAMES"
        ) from None


def digits(cn: str) -> str:
    return cn.replace(" ", "")


def value(text: str | None) -> str | None:
    """The published text of a number; "DASH" (the act's "–") and "NA" become null."""
    if text is None or text in {"DASH", "NA"}:
        return None
    return text


def build(data_dir: Path) -> dict[str, bytes]:
    raw = {key: (data_dir / name).read_bytes() for key, name in FILES.items()}
    data = {key: json.loads(blob) for key, blob in raw.items()}

    goods = sorted(
        ([g["cn"], g["sector"], g["category"], g["description"]] for g in data["goods"]["goods"]),
        key=lambda g: g[0],
    )
    defaults: dict[str, dict[str, Any]] = {}
    for row in data["defaults"]:
        sector = SECTORS.get(row["sector"])
        if sector is None:
            continue
        code = iso_code(row["country"])
        table = defaults.setdefault(code, {"name": row["country"], "rows": []})
        # [cn, direct, indirect, total, 2026, 2027, 2028+, route marker as published]
        table["rows"].append(
            [
                digits(row["cn_code"]),
                value(row["direct"]),
                value(row["indirect"]),
                value(row["total"]),
                value(row["markup_2026"]),
                value(row["markup_2027"]),
                value(row["markup_2028"]),
                row["route"],
            ]
        )
    annex_iv = [
        [digits(r["cn_code"]), r["highest"], r["markup_2026"], r["markup_2027"], r["markup_2028"], r["route"]]
        for r in data["annex_iv"]
        if r["sector"] in SECTORS
    ]
    benchmarks = {
        digits(b["cn_code"]): {
            column: [[e["value"], e["route"], e["year"]] for e in b[f"column_{column.lower()}"]]
            for column in ("A", "B")
        }
        for b in data["benchmarks"]
        if b["sector"] in SECTORS
    }
    proposal = data["downstream"]
    downstream = {
        "status": proposal["meta"]["status"],
        "proposed_application": proposal["meta"]["proposed_application"],
        "note": proposal["meta"]["legislative_note"],
        "entries": sorted(
            [e["cn"], e["description"], e.get("ex", False), [digits(x) for x in e.get("excludes", [])]]
            for part in ("iron_steel_additions", "combined_metal_products")
            for e in proposal[part]
        ),
    }
    sources = {
        key: {
            "file": f"shared/data/cbam/{FILES[key]}",
            "sha256": hashlib.sha256(raw[key]).hexdigest(),
            "act": ACTS[key],
            "date": DATES[key],
        }
        for key in FILES
    }
    tables = {
        "_about": "EU CBAM tables compiled by tools/law/build_cbam.py; do not edit by hand",
        "licence": LICENCE,
        "sources": sources,
        "goods": goods,
        "defaults_file": "cbam_defaults.jsonl",
        "annex_iv": annex_iv,
        "benchmarks": dict(sorted(benchmarks.items())),
        "downstream_2028": downstream,
    }
    text = json.dumps(tables, ensure_ascii=False, separators=(",", ":"), sort_keys=False) + "\n"
    # One line per country table, so that a look-up parses the one or two tables it reads.
    lines = "".join(
        json.dumps({"code": code, **table}, ensure_ascii=False, separators=(",", ":")) + "\n"
        for code, table in sorted(defaults.items())
    )
    return {
        "cbam_tables.json": text.encode("utf-8"),
        "cbam_defaults.jsonl": lines.encode("utf-8"),
        "NOTICE": (data_dir / "NOTICE").read_bytes(),
        "LICENSE-Apache-2.0": (data_dir / "LICENSE-Apache-2.0").read_bytes(),
    }


def main(argv: list[str]) -> int:
    data_dir = Path(argv[0]) if argv else DEFAULT_DATA
    for name, blob in build(data_dir).items():
        (OUT_DIR / name).write_bytes(blob)
        print(f"wrote {OUT_DIR / name} ({len(blob):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
