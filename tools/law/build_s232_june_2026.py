"""Compile the June 2026 moves between the Section 232 metals lists (Proc. 11032) — from a SECONDARY source.

Proclamation 11032 (signed 2026-06-01, 91 FR of 2026-06-04, FR Doc. 2026-11314; effective 2026-06-08,
HTSUS 2026 rev 10) moved products between the lists of U.S. note 16(c) and added a list (c)(xi) of
derivative steel articles (forklifts, earthmoving machinery, their parts, certain tractors and special
vehicles; headings 9903.82.09 and 9903.82.20-.22).  Neither the proclamation's annexes nor the rev 10
text of note 16 is in ``../shared/data`` (the HTSUS JSON does not carry the U.S. notes), so the moves
are taken from a tracker's table, ``resources/s232_annex_products.csv`` (``hts_prefix, annex,
metal_type, source, effective_date``) of GitHub ``arifshehab/tariff-rate-tracker`` (a copy of the
Budget Lab at Yale's tariff-rate-tracker, MIT): its rows whose source names Proclamation 11032.
Every scope written is tagged confidence ``S`` (one secondary source): every duty priced with one
shows ``[unverified]``.

The June lists are the April lists (``src/tmec/law/tariffs/s232_annexes_2026.yaml``, compiled from the
April proclamation's annexes) with each of those codes moved: taken out of every other list (the
code and the finer codes under it) and put in its own.  A coarser code left behind in a list that
imposes a duty would still cover the moved code: the builder fails on one (a coarser code left in
Annex II, which imposes nothing, is kept).  Every code moved must exist in the HTSUS in force on
2026-06-08 (``hts_schedule.tsv``).

Written to ``src/tmec/law/tariffs/s232_annexes_2026_jun.yaml``: ``s232_2026_jun_<list>`` for each list
that changes, with its ``_other_chapters`` variant (outside chapters 72, 73, 74, 76: the metal-weight
rule of note 16(c)) and for (c)(vi)-(viii) and (xi) its ``_ch84_85_87`` variant (the motorcycle parts
of note 16(g)), and the new ``s232_2026_jun_xi_steel_derivatives``.

Written by ``python tools/law/build_tracker_lists.py --tracker PATH [--out DIR]``; the test in
``tests/tariffs/test_s232_june_2026.py`` regenerates the file when ``$TMEC_TARIFF_TRACKER`` names a
tracker checkout or git directory, and skips otherwise.
"""

from __future__ import annotations

import csv
import hashlib
import io
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_s232_annexes import (
    METAL_CHAPTERS,
    PARTS,
    PARTS_CHAPTERS,
    _code,
    _known_codes,
)  # sibling scripts, not a package
from build_tracker_lists import read_table

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "src" / "tmec" / "law" / "tariffs"
NAME = "s232_annexes_2026_jun.yaml"
APRIL = "s232_annexes_2026.yaml"
TABLE = "resources/s232_annex_products.csv"
EFFECTIVE = "2026-06-08"
# the tracker's (annex, metal) -> the list of note 16(c) (the April file's names); "1c" is (c)(xi)
TARGET = {
    ("1c", "steel"): "xi_steel_derivatives",
    ("1b", "steel"): "i_b_steel_derivatives",
    ("1b", "aluminum"): "i_b_aluminum_derivatives",
    ("2", "steel"): "ii_steel_derivatives",
    ("3", "steel"): "iii_steel_derivatives",
    ("3", "aluminum"): "iii_aluminum_derivatives",
}
NOTE = {
    "xi": "(c)(xi), new: derivative steel articles (9903.82.09 at 25 %, 9903.82.20-.22)",
    "i_b": "Annex I-B (25 %; U.S. note 16(c)(vi)-(viii))",
    "ii": "Annex II (removed from the scope of Section 232)",
    "iii": "Annex III (15 % floor; U.S. note 16(c)(ix)-(x))",
}


def moves(data: bytes) -> list[tuple[str, str]]:
    """(code as the annexes write it, target list) for each row of Proclamation 11032, in order."""
    out: list[tuple[str, str]] = []
    for row in csv.DictReader(io.StringIO(data.decode("utf-8"))):
        if "11032" not in row["source"]:
            continue
        if row["effective_date"].strip() != EFFECTIVE:
            raise SystemExit(
                f"{TABLE}: expected {EFFECTIVE} for {row['hts_prefix']}, found {row['effective_date']}"
            )
        key = (row["annex"].strip(), row["metal_type"].strip())
        digits = row["hts_prefix"].strip()
        if key not in TARGET or not digits.isdigit() or len(digits) not in (8, 10):
            raise SystemExit(f"{TABLE}: unexpected row {row}")
        out.append((_code(digits), TARGET[key]))
    if not out:
        raise SystemExit(f"{TABLE}: no rows of Proclamation 11032")
    return out


def _digits(code: str) -> str:
    return code.replace(".", "")


def _annex(name: str) -> str:
    return next(k for k in NOTE if name.startswith(f"{k}_"))


def june_lists(april: dict[str, list[str]], moved: list[tuple[str, str]]) -> dict[str, list[str]]:
    """The lists that change on 2026-06-08, by their April name (``xi_steel_derivatives`` is new)."""
    lists = {name: list(codes) for name, codes in april.items()}
    lists.setdefault("xi_steel_derivatives", [])
    changed = {"xi_steel_derivatives"}
    for code, target in moved:
        d = _digits(code)
        for name, codes in lists.items():
            kept = [c for c in codes if not (name != target and _digits(c).startswith(d))]
            if len(kept) != len(codes):
                lists[name] = kept
                changed.add(name)
        if not any(d.startswith(_digits(c)) for c in lists[target]):
            lists[target].append(code)
            changed.add(target)
    for code, target in moved:
        d = _digits(code)
        for name, codes in lists.items():
            coarser = [c for c in codes if len(_digits(c)) < len(d) and d.startswith(_digits(c))]
            # an article may be on lists of one annex for each of its metals (note 16(c)), not on two
            if coarser and _annex(name) not in (_annex(target), "ii"):
                raise SystemExit(f"{code} moves to {target}, but {name} keeps the coarser {coarser[0]}")
    return {name: lists[name] for name in sorted(changed)}


def _april(out: Path) -> tuple[dict[str, list[str]], bytes]:
    data = (out / APRIL).read_bytes()
    scopes = yaml.safe_load(data)["scopes"]
    prefix = "s232_2026_"
    lists = {
        name.removeprefix(prefix): [str(c) for c in spec["items"]]
        for name, spec in scopes.items()
        if not name.endswith("_other_chapters")
    }
    return lists, data


def build(tracker: Path, out: Path = DEFAULT_OUT) -> bytes:
    data, where = read_table(tracker, TABLE)
    moved = moves(data)
    april, april_bytes = _april(out)
    known = _known_codes(out / "hts_schedule.tsv", EFFECTIVE)
    unknown = sorted({c for c, _ in moved if _digits(c) not in known})
    if unknown:
        raise SystemExit(f"{TABLE}: codes not in the HTSUS in force on {EFFECTIVE}: {', '.join(unknown)}")
    lists = june_lists(april, moved)
    lines = [
        "# Section 232 metals lists as changed by Proclamation 11032 (effective 2026-06-08, HTSUS rev 10),",
        "# compiled by tools/law/build_s232_june_2026.py; do not edit.",
        "# SECONDARY SOURCE: the moves are a tracker's table, not the proclamation's annexes (confidence S).",
        f"# source: GitHub arifshehab/tariff-rate-tracker {where} sha256 {hashlib.sha256(data).hexdigest()}",
        f"#   applied to {APRIL} sha256 {hashlib.sha256(april_bytes).hexdigest()}",
        f"# {len(moved)} rows of Proclamation 11032; lists changed: {', '.join(lists)}",
        "# licence: the lists are US Government facts; the table is from an MIT-licensed repository",
        "scopes:",
    ]
    for name, codes in lists.items():
        annex = _annex(name)
        what = name.removeprefix(f"{annex}_").replace("_", " ")
        variants = [(name, codes)]
        if annex != "ii":
            variants.append((f"{name}_other_chapters", [c for c in codes if c[:2] not in METAL_CHAPTERS]))
        if annex in ("i_b", "xi"):  # motorcycle parts: note 16(g), heading 9903.82.13
            variants.append((f"{name}_{PARTS}", [c for c in codes if c[:2] in PARTS_CHAPTERS]))
        for scope, items in variants:
            lines += [
                f"  s232_2026_jun_{scope}:",
                f"    items: [{', '.join(f'{chr(34)}{c}{chr(34)}' for c in items)}]",
                f'    reference: "Proclamation 11032 (June 2026), {NOTE[annex]}: {what}'
                + (", outside chapters 72, 73, 74, 76" if scope.endswith("_other_chapters") else "")
                + (", in chapters 84, 85, 87" if scope.endswith(PARTS) else "")
                + f" ({len(items)} codes; moves from a tracker's table, secondary)\"",
                "    confidence: S",
            ]
    return ("\n".join(lines) + "\n").encode("utf-8")
