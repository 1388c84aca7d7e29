"""Keep the words of U.S. note 16 to subchapter III of chapter 99 (HTSUS 2026 rev 6): the 2026 metals regime.

The HTSUS JSON in ``../shared/data`` carries the chapter 99 headings but not the U.S. notes, which say
what a heading's conditions are: the United Kingdom's 95 % (note 16(d)), the U.S.-melted derivatives
(16(e)), the floors (16(f)), motorcycle parts (16(g)) and the USMCA steel and aluminum of Canada or
Mexico within a Commerce authorisation (16(h)-(i), from revision 6, 2026-04-23).  USITC publishes the
chapter as a PDF (hts.usitc.gov, release ``2026HTSRev6``, "Chapter 99"); its text, as extracted, is
``data/us_notes/chapter99_2026_rev_6.txt`` of GitHub ``arifshehab/tariff-rate-tracker`` (read from a
checkout or a bare git directory given with ``--tracker``).  This script keeps note 16 (a)-(i) from it,
without the page headers and the product lists of 16(c) (those are compiled from the proclamation's
annexes: ``s232_annexes_2026.yaml``), one printed line per line with runs of spaces closed up, and
writes ``tools/law/sources/hts_2026_rev_6_note_16.txt`` with the source's address and sha256.

The measures of ``src/tmec/law/tariffs/measures.yaml`` that rest on the note are checked against that
copy by ``tests/tariffs/test_s232_2026_regime.py`` (which also regenerates the copy when
``$TMEC_TARIFF_TRACKER`` is set).  A US Government work (17 USC 105): public domain.

Written by ``python tools/law/build_tracker_lists.py --tracker PATH`` with the lists taken from the tracker.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_tracker_lists import read_table  # a sibling script, not a package

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "tools" / "law" / "sources" / "hts_2026_rev_6_note_16.txt"
TEXT = "data/us_notes/chapter99_2026_rev_6.txt"
CODE = re.compile(r"\b\d{4}(?:\.\d{2}){0,2}(?:\d{2}|\.\d{2})?\b")
PAGE = re.compile(
    r"^(Harmonized Tariff Schedule of the United States|Annotated for Statistical|XXII$|99 - III - \d+$|"
    r"U\.S\. Notes \(con\.\)$|\[Compiler's note)"
)
LIST_TITLE = re.compile(r"^\((?:i|ii|iii|iv|v|vi|vii|viii|ix|x)\) (?:Articles|Derivative) [a-z ]+:")


def note_16(text: str) -> list[str]:
    """The printed lines of note 16 (a)-(i), less page furniture and the code lists."""
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.strip().startswith("16. (a)") and "9903.82" in ln)
    end = next(i for i in range(start + 1, len(lines)) if lines[i].strip().startswith("17. (a)"))
    kept: list[str] = []
    in_bracket = False  # a compiler's note of a list's title, run on to the next line
    for raw in lines[start:end]:
        line = " ".join(raw.split())
        words = " ".join(t for t in line.split() if not CODE.fullmatch(t))
        if in_bracket or not words or PAGE.match(words) or LIST_TITLE.match(words):
            in_bracket = ("[" in words or in_bracket) and "]" not in words
            continue  # a blank, a page header, a list of codes or its title
        kept.append(line)
    return kept


def build(tracker: Path) -> bytes:
    data, where = read_table(tracker, TEXT)
    text = data.decode("latin-1").replace("\xad", "-")  # the PDF's soft hyphen stands for an en dash
    head = [
        "# U.S. note 16 (a)-(i) to subchapter III of chapter 99, Harmonized Tariff Schedule of the United",
        "# States (2026) Revision 6 (in force from 2026-04-23), without the product lists of 16(c).",
        "# published by USITC as a PDF (hts.usitc.gov, release 2026HTSRev6, Chapter 99); text from",
        f"# GitHub arifshehab/tariff-rate-tracker {where} sha256 {hashlib.sha256(data).hexdigest()}",
        "# kept by tools/law/extract_note_16.py; do not edit. US Government work (17 USC 105), public domain",
    ]
    return ("\n".join(head + note_16(text)) + "\n").encode("utf-8")
