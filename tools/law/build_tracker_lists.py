"""Compile product lists the shared data lacks into measure scopes — from a SECONDARY source.

The USTR notices that set the Section 301 (China) lists (U.S. notes 20 and 31 to subchapter III of
chapter 99) and the annex of the copper proclamation of July 2025 (Proc. 10962, U.S. note 36) are not
in ``../shared/data``, and the HTSUS JSON does not carry the U.S. notes.  This builder takes the
lists from a tracker's tables, ``resources/s301_product_lists.csv`` (``hts8, list, ch99_code``) and
``resources/s232_copper_products.csv`` (``hts10, ch99_code``, 8-digit prefixes) of GitHub
``arifshehab/tariff-rate-tracker`` (a copy of the Budget Lab at Yale's tariff-rate-tracker, MIT),
read from a checkout or a bare git directory given with ``--tracker``.  Every scope it writes is
tagged confidence ``S`` (one secondary source), so every duty priced with it shows ``[unverified]``.

Written to ``src/tmec/law/tariffs/``:

* ``s301_china_lists.yaml``: one scope ``s301_<heading>`` per chapter 99 heading of
  :data:`HEADINGS`.  List 4B (9903.88.16, suspended since Dec 2019) and the crane/chassis headings
  (conditions on the article, not a list) are left out;
* ``s232_copper_2025.yaml``: ``s232_copper_2025`` (heading 9903.78.01);
* ``s232_annexes_2026_jun.yaml``: the list moves of Proclamation 11032 (``build_s232_june_2026.py``);

and ``tools/law/sources/hts_2026_rev_6_note_16.txt``, the words of U.S. note 16 (``extract_note_16.py``).

Usage: ``python tools/law/build_tracker_lists.py --tracker PATH [--out DIR]``; the test in
``tests/tariffs/test_measures_law.py`` regenerates the files when ``$TMEC_TARIFF_TRACKER`` names
such a directory, and skips otherwise.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "src" / "tmec" / "law" / "tariffs"
NAME = "s301_china_lists.yaml"
TABLE = "resources/s301_product_lists.csv"
COPPER_NAME = "s232_copper_2025.yaml"
COPPER_TABLE = "resources/s232_copper_products.csv"
HEADINGS = {
    "9903.88.01": "List 1 (U.S. note 20(a)-(b))",
    "9903.88.02": "List 2 (U.S. note 20(c)-(d))",
    "9903.88.03": "List 3 (U.S. note 20(e)-(f))",
    "9903.88.04": "List 3, additional (U.S. note 20(g))",
    "9903.88.15": "List 4A (U.S. note 20(r)-(s))",
    "9903.91.01": "four-year review, U.S. note 31(b)",
    "9903.91.02": "four-year review, U.S. note 31(c)",
    "9903.91.03": "four-year review, U.S. note 31(d)",
    "9903.91.05": "four-year review, U.S. note 31(f)",
    "9903.91.06": "four-year review, U.S. note 31(g)",
    "9903.91.07": "four-year review, U.S. note 31(h)",
    "9903.91.08": "four-year review, U.S. note 31(i)",
    "9903.91.11": "four-year review, U.S. note 31(j)",
}


def read_table(tracker: Path, table: str = TABLE) -> tuple[bytes, str]:
    """The table's bytes and where they were read (a file of a checkout, or HEAD of a git directory)."""
    path = tracker / table
    if path.is_file():
        return path.read_bytes(), str(path)
    run = ["git", "--git-dir", str(tracker), "rev-parse", "HEAD"]
    commit = subprocess.run(run, check=True, capture_output=True, text=True).stdout.strip()
    show = ["git", "--git-dir", str(tracker), "show", f"{commit}:{table}"]
    return subprocess.run(show, check=True, capture_output=True).stdout, f"{table} at commit {commit}"


def _code8(code: str, table: str) -> str:
    if len(code) != 8 or not code.isdigit():
        raise SystemExit(f"{table}: expected an 8-digit HTS code, found {code!r}")
    return f"{code[:4]}.{code[4:6]}.{code[6:]}"


def _header(title: str, where: str, data: bytes) -> list[str]:
    return [
        f"# {title},",
        "# compiled by tools/law/build_tracker_lists.py; do not edit.",
        "# SECONDARY SOURCE: a tracker's table, not the notices themselves (confidence S).",
        f"# source: GitHub arifshehab/tariff-rate-tracker {where} sha256 {hashlib.sha256(data).hexdigest()}",
        "# licence: the lists are US Government facts; the table is from an MIT-licensed repository",
        "scopes:",
    ]


def _scope(name: str, codes: list[str], reference: str) -> list[str]:
    return [
        f"  {name}:",
        f"    items: [{', '.join(f'{chr(34)}{c}{chr(34)}' for c in codes)}]",
        f'    reference: "{reference} ({len(codes)} codes; list from a tracker\'s table, secondary)"',
        "    confidence: S",
    ]


def parse(data: bytes) -> dict[str, list[str]]:
    lists: dict[str, set[str]] = {h: set() for h in HEADINGS}
    for row in csv.DictReader(io.StringIO(data.decode("utf-8"))):
        heading, code = row["ch99_code"].strip(), row["hts8"].strip()
        if heading in lists:
            lists[heading].add(_code8(code, TABLE))
    return {h: sorted(codes) for h, codes in lists.items()}


def build(tracker: Path) -> bytes:
    data, where = read_table(tracker)
    lines = _header("Section 301 (China) product lists by chapter 99 heading", where, data)
    for heading, codes in parse(data).items():
        if not codes:
            raise SystemExit(f"{TABLE}: no codes for {heading}")
        name = f"s301_{heading.replace('.', '_')}"
        lines += _scope(name, codes, f"Section 301 China, {HEADINGS[heading]}, heading {heading}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def build_copper(tracker: Path) -> bytes:
    data, where = read_table(tracker, COPPER_TABLE)
    rows = csv.DictReader(io.StringIO(data.decode("utf-8")))
    codes = sorted({_code8(r["hts10"].strip(), COPPER_TABLE) for r in rows if r["ch99_code"] == "9903.78.01"})
    if not codes:
        raise SystemExit(f"{COPPER_TABLE}: no codes for 9903.78.01")
    lines = _header(
        "Section 232 copper, semi-finished and intensive derivative products (Aug 2025)", where, data
    )
    lines += _scope(
        "s232_copper_2025", codes, "Proc. 10962 (copper) Annex, U.S. note 36(b), heading 9903.78.01"
    )
    return ("\n".join(lines) + "\n").encode("utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tracker", type=Path, required=True, help="a tariff-rate-tracker checkout or git dir"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    # these import this module: not at its top
    from build_s232_june_2026 import NAME as JUNE_NAME
    from build_s232_june_2026 import build as build_june
    from extract_note_16 import DEFAULT_OUT as NOTE_16
    from extract_note_16 import build as build_note_16

    built = ((NAME, build(args.tracker)), (COPPER_NAME, build_copper(args.tracker)))
    outputs = [(args.out / name, body) for name, body in built]
    outputs += [
        (args.out / JUNE_NAME, build_june(args.tracker, args.out)),
        (NOTE_16, build_note_16(args.tracker)),
    ]
    for path, body in outputs:
        path.write_bytes(body)
        print(f"{path}: {len(body):,} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
