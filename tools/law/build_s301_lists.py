"""Compile the Section 301 (China) product lists into measure scopes — from a SECONDARY source.

The USTR notices that set the lists (U.S. notes 20 and 31 to subchapter III of chapter 99) are not in
``../shared/data``, and the HTSUS JSON does not carry the U.S. notes.  This builder takes the lists
from a tracker's table: ``resources/s301_product_lists.csv`` (columns ``hts8, list, ch99_code``) of
GitHub ``arifshehab/tariff-rate-tracker`` (a copy of the Budget Lab at Yale's tariff-rate-tracker,
MIT), read from a checkout or a bare git directory given with ``--tracker``.  Every scope it writes
is tagged confidence ``S`` (one secondary source), so every duty priced with it shows
``[unverified]``.

Written: ``src/tmec/law/tariffs/s301_china_lists.yaml``, one scope ``s301_<heading>`` per chapter 99
heading of :data:`HEADINGS` (HTS 8-digit codes).  List 4B (9903.88.16, suspended since Dec 2019)
and the crane/chassis headings (conditions on the article, not a list) are left out.

Usage: ``python tools/law/build_s301_lists.py --tracker PATH [--out DIR]``; the test in
``tests/tariffs/test_measures_law.py`` regenerates the file when ``$TMEC_TARIFF_TRACKER`` names
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


def read_table(tracker: Path) -> tuple[bytes, str]:
    """The table's bytes and where they were read (a file of a checkout, or HEAD of a git directory)."""
    path = tracker / TABLE
    if path.is_file():
        return path.read_bytes(), str(path)
    run = ["git", "--git-dir", str(tracker), "rev-parse", "HEAD"]
    commit = subprocess.run(run, check=True, capture_output=True, text=True).stdout.strip()
    show = ["git", "--git-dir", str(tracker), "show", f"{commit}:{TABLE}"]
    return subprocess.run(show, check=True, capture_output=True).stdout, f"{TABLE} at commit {commit}"


def parse(data: bytes) -> dict[str, list[str]]:
    lists: dict[str, set[str]] = {h: set() for h in HEADINGS}
    for row in csv.DictReader(io.StringIO(data.decode("utf-8"))):
        heading, code = row["ch99_code"].strip(), row["hts8"].strip()
        if heading in lists:
            if len(code) != 8 or not code.isdigit():
                raise SystemExit(f"{TABLE}: expected an 8-digit HTS code, found {code!r}")
            lists[heading].add(f"{code[:4]}.{code[4:6]}.{code[6:]}")
    return {h: sorted(codes) for h, codes in lists.items()}


def build(tracker: Path) -> bytes:
    data, where = read_table(tracker)
    lists = parse(data)
    lines = [
        "# Section 301 (China) product lists by chapter 99 heading,",
        "# compiled by tools/law/build_s301_lists.py; do not edit.",
        "# SECONDARY SOURCE: a tracker's table, not the USTR notices (confidence S).",
        f"# source: GitHub arifshehab/tariff-rate-tracker {where} sha256 {hashlib.sha256(data).hexdigest()}",
        "# licence: the lists are US Government facts; the table is from an MIT-licensed repository",
        "scopes:",
    ]
    for heading, codes in lists.items():
        if not codes:
            raise SystemExit(f"{TABLE}: no codes for {heading}")
        lines += [
            f"  s301_{heading.replace('.', '_')}:",
            f"    items: [{', '.join(f'{chr(34)}{c}{chr(34)}' for c in codes)}]",
            f'    reference: "Section 301 China, {HEADINGS[heading]}, heading {heading} ({len(codes)} codes; '
            'list from the tariff-rate-tracker table, secondary)"',
            "    confidence: S",
        ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tracker", type=Path, required=True, help="a tariff-rate-tracker checkout or git dir"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    body = build(args.tracker)
    (args.out / NAME).write_bytes(body)
    print(f"{args.out / NAME}: {len(body):,} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
