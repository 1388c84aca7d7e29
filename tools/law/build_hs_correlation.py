"""Compile the HS 2022 -> HS 2012 correlation the rules of origin need into the package.

    python tools/law/build_hs_correlation.py [--data ../shared/data] [--check]

GN 11(o) is written in HS 2012; goods are classified in HS 2022.  From the UNSD correlation
table (``hs-correlation/hs2022_hs2012_correlation.csv``, which implements the WCO tables) this
writes ``src/tmec/law/correlation/hs2022_hs2012.json``: one row for every HS 2022 subheading
whose code is not an HS 2012 code, with the HS 2012 subheadings its goods could have been
classified in, UNSD's relationship label, UNSD's one-code conversion and a confidence tag; and
the list of HS 2012 codes HS 2022 no longer has (8701.20), still valid as keys of the rules.
An HS 2022 code that is also an HS 2012 code keeps its own rule (the rules cite it by number),
so it has no row.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
OUTPUT = ROOT / "src" / "tmec" / "law" / "correlation" / "hs2022_hs2012.json"
SOURCE = (
    "United Nations Statistics Division, HS 2022 to HS 2012 Conversion and Correlation Tables "
    "(workbook last modified 2022-08-01; implements the WCO correlation tables HS 2012-2017-2022), "
    "as mirrored in github.com/insongkim/concordance data-raw/ (commit 201c812e); "
    "shared/data/hs-correlation/hs2022_hs2012_correlation.csv and hs2022_hs2012_conversion.csv"
)
LICENCE = (
    "Official publication of the UN Statistics Division, reproduced for free statistical use; "
    "attribute as 'Source: United Nations Statistics Division, HS 2022 to HS 2012 Conversion and "
    "Correlation Tables'"
)


# Rows where the UNSD table lists several HS 2012 codes whose rules differ, and HS 2012 itself
# says which one held the good: the choice, with its reason (M: a reading, not a published table).
CHOICES: dict[str, tuple[list[str], str]] = {
    code: (
        [old],
        "HS 2012 classified a hybrid truck by its piston engine (8704.21-8704.32); 8704.90 held the "
        "trucks with no piston engine, so it is not where this good was",
    )
    for code, old in {
        "870441": "870421",
        "870442": "870422",
        "870443": "870423",
        "870451": "870431",
        "870452": "870432",
    }.items()
}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def build(data: Path) -> dict[str, Any]:
    folder = data / "hs-correlation"
    pairs = _rows(folder / "hs2022_hs2012_correlation.csv")
    conversion = {r["hs2022"]: r["hs2012"] for r in _rows(folder / "hs2022_hs2012_conversion.csv")}
    hs2012 = {p["hs2012"] for p in pairs if p["hs2012"] != "999999"}
    hs2022 = {p["hs2022"] for p in pairs if p["hs2022"] != "999999"}
    targets: dict[str, list[str]] = {}
    relation: dict[str, set[str]] = {}
    for p in pairs:
        if p["hs2022"] == "999999" or p["hs2012"] == "999999":
            continue
        targets.setdefault(p["hs2022"], []).append(p["hs2012"])
        relation.setdefault(p["hs2022"], set()).add(p["relationship"])
    codes: dict[str, dict[str, Any]] = {}
    for code in sorted(targets):
        if code in hs2012:
            continue
        found = sorted(set(targets[code]))
        row: dict[str, Any] = {
            "hs2012": found,
            "relationship": "/".join(sorted(relation[code])),
            "conversion": conversion.get(code),
            # One HS 2012 counterpart: the goods are the same, T (an official table read as
            # published).  Several: the goods were spread over those codes; the table says
            # where they could have been, not which rule applies to one good: S.
            "confidence": "T" if len(found) == 1 else "S",
        }
        if code in CHOICES:
            chosen, why = CHOICES[code]
            row.update(hs2012=chosen, unsd_hs2012=found, choice=why, confidence="M")
        codes[code] = row
    checksums = {
        name: hashlib.sha256((folder / name).read_bytes()).hexdigest()
        for name in ("hs2022_hs2012_correlation.csv", "hs2022_hs2012_conversion.csv")
    }
    return {
        "source": SOURCE,
        "licence": LICENCE,
        "revision": "UNSD 2022-08-01",
        "sha256": checksums,
        "from": "HS2022",
        "to": "HS2012",
        "generated_by": "tools/law/build_hs_correlation.py",
        "vintage_only": sorted(hs2012 - hs2022),
        "codes": codes,
    }


def render(document: dict[str, Any]) -> str:
    head = {k: v for k, v in document.items() if k != "codes"}
    lines = ["{"]
    lines.extend(f"{json.dumps(k)}: {json.dumps(v, sort_keys=True)}," for k, v in head.items())
    lines.append('"codes": {')
    rows = [f"{json.dumps(k)}: {json.dumps(v, sort_keys=True)}" for k, v in document["codes"].items()]
    lines.append(",\n".join(rows))
    lines.append("}}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--check", action="store_true", help="compare with the bundled file; exit 1 on a difference"
    )
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    text = render(build(args.data))
    if args.check:
        same = args.output.is_file() and args.output.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{args.output} differs from what {args.data} gives")
        return 0 if same else 1
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
