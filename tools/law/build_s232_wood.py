"""Compile the product lists of Section 232 timber, lumber and wood products (Proclamation 10976 of
29 Sep 2025, U.S. note 37 to subchapter III of chapter 99) from the note's text.

The HTSUS JSON prints the headings 9903.76.01-.04 and .20-.24 with their rates but not the notes;
``../shared/data`` lacks them.  The words of U.S. note 37 are read from the USITC chapter 99 of
**HTSUS 2026 revision 6** (effective 2026-04-23) as extracted from its PDF by GitHub
``arifshehab/tariff-rate-tracker`` (``data/us_notes/chapter99_2026_rev_6.txt``, the copy the Annex II
builder reads; the git directory is given with ``--tracker``, or ``TMEC_TARIFF_TRACKER``):

* 37(b): softwood timber and lumber (heading 9903.76.01, +10 %);
* 37(d): upholstered wooden furniture (9903.76.02, +25 %; the United Kingdom's 9903.76.20, Japan's,
  the EU's, Korea's and Taiwan's 9903.76.21-.24);
* 37(f): completed kitchen cabinets and vanities and their parts (9903.76.03, +25 %, and the same
  country headings); 37(g): the articles of those provisions that are not wooden cabinets or
  vanities or parts of them (9903.76.04, no additional duty).

The lists are the proclamation's Annex I as the HTSUS prints it (the annex PDF is not in the copy);
the measures that use them, with their rates and dates, are in ``measures.yaml`` (program
``s232_wood``), checked against every revision's chapter 99 by ``tests/tariffs/test_measures_law.py``.

Usage: ``python tools/law/build_s232_wood.py --tracker GITDIR [--out DIR]``;
``tests/tariffs/test_s232_wood.py`` regenerates the file when ``TMEC_TARIFF_TRACKER`` is set.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from builder_cli import git_show, run_builder  # a sibling script, not a package

NAME = "s232_wood_2025.yaml"
REPO = "arifshehab/tariff-rate-tracker"
COMMIT = "9919812fe16ad61d72318dc7b96d387cc6c226da"
NOTES = "data/us_notes/chapter99_2026_rev_6.txt"
LAW = "Proc. 10976 (29 Sep 2025) Annex I, as amended 31 Dec 2025"
# (scope, subdivision that lists it, the next subdivision, what it is, its headings)
LISTS = (
    ("s232_wood_softwood_lumber", "(b)", "(c)", "softwood timber and lumber", "heading 9903.76.01"),
    (
        "s232_wood_upholstered",
        "(d)",
        "(e)",
        "upholstered wooden furniture",
        "headings 9903.76.02, 9903.76.20-.24",
    ),
    (
        "s232_wood_cabinets_vanities",
        "(f)",
        "(g)",
        "kitchen cabinets and vanities and their parts (wooden or not: 37(g), 9903.76.04)",
        "headings 9903.76.03, 9903.76.04, 9903.76.20-.24",
    ),
)
_CODE = re.compile(r"(?<![\d.])(\d{4}\.\d{2}\.\d{2}(?:\d{2})?)(?![\d.])")


def note_37(text: str) -> str:
    """The words of U.S. note 37: from its number to note 38's."""
    start = re.search(r"^37\.\s*$", text, re.MULTILINE)
    end = re.search(r"^\s*38\.\s*$", text, re.MULTILINE)
    if start is None or end is None or end.start() < start.end():
        raise SystemExit(f"{NOTES}: U.S. note 37 not found between '37.' and '38.'")
    return text[start.end() : end.start()]


def subdivision(note: str, first: str, after: str) -> list[str]:
    """The HTS provisions a subdivision lists after its colon, in the order printed."""
    a = note.index(f"\n{first} ") if f"\n{first} " in note else note.index(first)
    b = note.index(f"\n{after} ", a)
    body = note[note.index(":", a) + 1 : b]
    codes = _CODE.findall(body)
    if not codes or len(set(codes)) != len(codes):
        raise SystemExit(f"U.S. note 37{first}: no provisions, or one listed twice: {codes}")
    return codes


def _fmt(code: str) -> str:
    digits = code.replace(".", "")
    return ".".join([digits[:4], digits[4:6], digits[6:8]] + ([digits[8:]] if len(digits) > 8 else []))


def build(git_dir: Path, out: Path | None = None) -> bytes:
    raw = git_show(git_dir, COMMIT, NOTES)
    note = note_37(raw.decode("utf-8", errors="replace"))
    copy = f"GitHub {REPO} {NOTES} at commit {COMMIT} sha256 {hashlib.sha256(raw).hexdigest()}"
    lines = [
        "# Section 232 timber, lumber and wood products (Proc. 10976): the product lists of U.S. note 37,",
        "# compiled by tools/law/build_s232_wood.py; do not edit.",
        "# from the words of U.S. note 37 to subchapter III of chapter 99 as printed in HTSUS 2026 rev 6",
        f"# source: {copy}",
        "# licence: US Government work (17 USC 105), public domain",
        "scopes:",
    ]
    for name, first, after, what, headings in LISTS:
        codes = [_fmt(c) for c in subdivision(note, first, after)]
        lines += [
            f"  {name}:",
            "    items: [" + ", ".join(f'"{c}"' for c in codes) + "]",
            f'    reference: "{LAW}: {what}; U.S. note 37{first} (HTSUS 2026 rev 6), {headings}"',
            "    confidence: T",
        ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    return run_builder(
        argv, __doc__.splitlines()[0], build, NAME, source="--tracker", required=f"a git directory of {REPO}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
