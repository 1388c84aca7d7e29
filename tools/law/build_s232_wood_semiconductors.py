"""Compile the product lists of Section 232 timber, lumber and wood products (Proclamation 10976 of
29 Sep 2025, U.S. note 37 to subchapter III of chapter 99) and of Section 232 semiconductors (the
proclamation of 14 Jan 2026, U.S. note 39) from the notes' text.

The HTSUS JSON prints the headings 9903.76.01-.04, .20-.24 and 9903.79.01-.09 with their rates but
not the notes; ``../shared/data`` lacks them.  The words of U.S. notes 37 and 39 are read from the
USITC chapter 99 of
**HTSUS 2026 revision 6** (effective 2026-04-23) as extracted from its PDF by GitHub
``arifshehab/tariff-rate-tracker`` (``data/us_notes/chapter99_2026_rev_6.txt``, the copy the Annex II
builder reads; the git directory is given with ``--tracker``, or ``TMEC_TARIFF_TRACKER``):

* 37(b): softwood timber and lumber (heading 9903.76.01, +10 %);
* 37(d): upholstered wooden furniture (9903.76.02, +25 %; the United Kingdom's 9903.76.20, Japan's,
  the EU's, Korea's and Taiwan's 9903.76.21-.24);
* 37(f): completed kitchen cabinets and vanities and their parts (9903.76.03, +25 %, and the same
  country headings); 37(g): the articles of those provisions that are not wooden cabinets or
  vanities or parts of them (9903.76.04, no additional duty);
* 39(b): the provisions of "semiconductor articles" (9903.79.01, +25 %; those that do not meet the
  note's technical parameters, 9903.79.02, and the end uses of 39(d), 9903.79.03-.09, pay none).

The wood lists are Proc. 10976's Annex I as the HTSUS prints it (the annex PDF is not in the copy);
the measures that use them, with their rates and dates, are in ``measures.yaml`` (programs
``s232_wood`` and ``s232_semiconductors``), checked against every revision's chapter 99 by
``tests/tariffs/test_measures_law.py``.

The rises of the upholstered furniture and the kitchen cabinets and vanities duties are compiled from
the proclamation of 31 Dec 2025 that put them off to 2027-01-01 (its clause (1), rewriting Proc.
10976's clause 5: "Effective January 1, 2027, the duty rate in clause 2 shall increase to 30 percent
and the duty rate in clause 3 shall increase to 50 percent ... except for countries with which the
United States reaches an agreement"), read from its whitehouse.gov page as GitHub
``brian14708/wh-briefings`` keeps it (``--wh-briefings``, or ``TMEC_WH_BRIEFINGS``): two measures,
written to ``s232_wood_2027.yaml`` and read before the 25 % ones, which end that day; the countries
with an agreement keep their own headings (the measures before them).  No HTSUS revision in
``../shared/data`` (to 2026 rev 10) prints the rises yet.

Usage: ``python tools/law/build_s232_wood_semiconductors.py --tracker GITDIR [--wh-briefings GITDIR]
[--out DIR]``; ``tests/tariffs/test_s232_wood_semiconductors.py`` regenerates the files when
``TMEC_TARIFF_TRACKER`` (and ``TMEC_WH_BRIEFINGS``) are set.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from builder_cli import DEFAULT_OUT, git_show  # a sibling script, not a package

NAME = "s232_wood_semiconductors.yaml"
RISES = "s232_wood_2027.yaml"
WH = "brian14708/wh-briefings"
# the proclamation of 31 Dec 2025 as the mirror first kept it
AMENDMENT = (
    "c98868d5f3c781586ee1e6b7ab21ac6a73b4a005",
    "presidential-actions/2025-12/2025-12-31-amendments-to-adjusting-imports-of-timber-lumber-and-their-"
    "derivative-products-into-the-united-states.md",
)
_RISE = re.compile(
    r"Effective\s+(\w+\s+\d{1,2},\s+\d{4}),\s+the\s+duty\s+rate\s+in\s+clause\s+2\s+shall\s+increase\s+to\s+"
    r"(\d+)\s+percent\s+and\s+the\s+duty\s+rate\s+in\s+clause\s+3\s+shall\s+increase\s+to\s+(\d+)\s+percent"
)
# (clause of Proc. 10976, the 25 % measure of measures.yaml it follows, title, heading, scope, note 37)
_RISEN = (
    (
        "2",
        "s232_wood_upholstered",
        "upholstered wooden furniture",
        "9903.76.02",
        "s232_wood_upholstered",
        "(c)-(d)",
    ),
    (
        "3",
        "s232_wood_cabinets_vanities",
        "kitchen cabinets and vanities and their parts",
        "9903.76.03",
        "s232_wood_cabinets_vanities",
        "(e)-(f)",
    ),
)
REPO = "arifshehab/tariff-rate-tracker"
COMMIT = "9919812fe16ad61d72318dc7b96d387cc6c226da"
NOTES = "data/us_notes/chapter99_2026_rev_6.txt"
LAW = "Proc. 10976 (29 Sep 2025) Annex I, as amended 31 Dec 2025"
CHIPS_LAW = "Proclamation of 14 Jan 2026 (semiconductors) clause 3"
# (note, scope, subdivision that lists it, the next subdivision, what it is, its headings)
LISTS = (
    ("37", "s232_wood_softwood_lumber", "(b)", "(c)", "softwood timber and lumber", "heading 9903.76.01"),
    (
        "37",
        "s232_wood_upholstered",
        "(d)",
        "(e)",
        "upholstered wooden furniture",
        "headings 9903.76.02, 9903.76.20-.24",
    ),
    (
        "37",
        "s232_wood_cabinets_vanities",
        "(f)",
        "(g)",
        "kitchen cabinets and vanities and their parts (wooden or not: 37(g), 9903.76.04)",
        "headings 9903.76.03, 9903.76.04, 9903.76.20-.24",
    ),
    (
        "39",
        "s232_semiconductor_provisions",
        "(b)",
        "(c)",
        "the provisions of semiconductor articles (those meeting the note's technical parameters)",
        "headings 9903.79.01, 9903.79.02 (not meeting them), 9903.79.03-.09 (end uses of 39(d))",
    ),
)
_CODE = re.compile(r"(?<![\d.])(\d{4}\.\d{2}(?:\.\d{2}(?:\d{2})?)?)(?![\d.])")
# where each note's words end: the next note's number, or (note 39, the last) the headings' table
_END = {"37": r"^\s*38\.\s*$", "39": r"^\s*Heading/ Stat\."}


def note(text: str, number: str) -> str:
    """The words of U.S. note ``number``: from its number, alone on a line, to where it ends."""
    start = re.search(rf"^\s*{number}\.\s*$", text, re.MULTILINE)
    end = re.search(_END[number], text[start.end() :], re.MULTILINE) if start else None
    if start is None or end is None:
        raise SystemExit(f"{NOTES}: U.S. note {number} not found")
    return text[start.end() : start.end() + end.start()]


def subdivision(words: str, first: str, after: str) -> list[str]:
    """The HTS provisions a subdivision lists after its colon, in the order printed (to the first
    sentence after the list, note 39(b)'s technical parameters)."""
    a = re.search(rf"^\s*{re.escape(first)} ", words, re.MULTILINE)
    b = re.search(rf"^\s*{re.escape(after)} ", words, re.MULTILINE)
    if a is None or b is None:
        raise SystemExit(f"subdivision {first} or {after} not found")
    body = words[words.index(":", a.start()) + 1 : b.start()]
    body = re.split(r"\n\s*\n\s*[A-Z]", body.strip("\n"), maxsplit=1)[0]
    codes = _CODE.findall(body)
    if not codes or len(set(codes)) != len(codes):
        raise SystemExit(f"subdivision {first}: no provisions, or one listed twice: {codes}")
    return codes


def _fmt(code: str) -> str:
    digits = code.replace(".", "")
    return ".".join(p for p in (digits[:4], digits[4:6], digits[6:8], digits[8:]) if p)


def build(git_dir: Path, out: Path | None = None) -> bytes:
    raw = git_show(git_dir, COMMIT, NOTES)
    text = raw.decode("utf-8", errors="replace")
    copy = f"GitHub {REPO} {NOTES} at commit {COMMIT} sha256 {hashlib.sha256(raw).hexdigest()}"
    lines = [
        "# Section 232 timber, lumber and wood products (Proc. 10976) and semiconductors (proclamation of",
        "# 14 Jan 2026): the product lists of U.S. notes 37 and 39, compiled by",
        "# tools/law/build_s232_wood_semiconductors.py; do not edit.",
        "# from the words of U.S. notes 37 and 39 to subchapter III of chapter 99 in HTSUS 2026 rev 6",
        f"# source: {copy}",
        "# licence: US Government work (17 USC 105), public domain",
        "scopes:",
    ]
    words = {n: note(text, n) for n in _END}
    for number, name, first, after, what, headings in LISTS:
        codes = [_fmt(c) for c in subdivision(words[number], first, after)]
        law = LAW if number == "37" else CHIPS_LAW
        lines += [
            f"  {name}:",
            "    items: [" + ", ".join(f'"{c}"' for c in codes) + "]",
            f'    reference: "{law}: {what}; U.S. note {number}{first} (HTSUS 2026 rev 6), {headings}"',
            "    confidence: T",
        ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def build_rises(git_dir: Path) -> bytes:
    """The 2027 rates of clauses 2 and 3 of Proc. 10976, from the proclamation of 31 Dec 2025."""
    import datetime as dt  # only this builder dates anything

    raw = git_show(git_dir, *AMENDMENT)
    text = re.sub(r"\s+", " ", raw.decode("utf-8"))
    found = _RISE.search(text)
    if found is None or "except for countries with which the United States reaches an agreement" not in text:
        raise SystemExit(f"{AMENDMENT[1]}: the rises of clauses 2 and 3 not found")
    day = dt.datetime.strptime(found[1].replace("  ", " "), "%B %d, %Y").date().isoformat()
    copy = f"GitHub {WH} {AMENDMENT[1]} at commit {AMENDMENT[0]} sha256 {hashlib.sha256(raw).hexdigest()}"
    lines = [
        "# Section 232 wood products: the rises of Proc. 10976 clauses 2 and 3 as the proclamation of",
        "# 31 Dec 2025 (clause (1), rewriting clause 5) dates them, compiled by",
        "# tools/law/build_s232_wood_semiconductors.py; do not edit.",
        f"# source: {copy} (the page of whitehouse.gov/presidential-actions/2025/12/ it copies)",
        "# licence: US Government work (17 USC 105), public domain",
        "# countries with an agreement keep their headings (9903.76.20-.24: the measures before these)",
        "measures:",
    ]
    for (clause, after, what, heading, scope, note), rate in zip(_RISEN, (found[2], found[3]), strict=True):
        lines += [
            f"  - id: {after}_{day[:4]}",
            "    program: s232_wood",
            f'    title: "Section 232 {what} (from {day})"',
            f'    heading: "{heading}"',
            f"    rate: {rate}",
            "    base: full",
            f"    scope: {scope}",
            f"    valid_from: {day}",
            '    reference: "Proclamation of 31 Dec 2025 clause (1) (Proc. 10976 clause 5 as amended: '
            f"clause {clause} at {rate} % from {day}, except for countries with an agreement); "
            f"U.S. note 37{note}; "
            f'heading {heading} (no HTSUS revision to 2026 rev 10 prints the rise)"',
            "    confidence: T",
        ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracker", type=Path, required=True, help=f"a git directory of {REPO}")
    parser.add_argument("--wh-briefings", type=Path, help=f"a git directory of {WH}")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    outputs = [(NAME, build(args.tracker, args.out))]
    if args.wh_briefings:
        outputs.append((RISES, build_rises(args.wh_briefings)))
    for name, body in outputs:
        (args.out / name).write_bytes(body)
        print(f"{args.out / name}: {len(body):,} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
