"""Compile the Section 301 product exclusions in force since 2025 (headings 9903.88.69 and
9903.88.70, U.S. note 20(vvv) and 20(www) to subchapter III of chapter 99) from the notes' text.

USTR's exclusions are granted to products described in words within a statistical reporting number,
so the code alone cannot show that an entry is excluded: each exclusion becomes a measure of program
``s301`` at 0 % under its heading, applied when the entry claims it (``metals_relief:
s301_exclusion``) and asked about otherwise, naming the exclusion's number and description.

* 20(vvv)(i)-(iv): heading 9903.88.69, sparing the duties of 9903.88.01 (List 1), 9903.88.02 (List 2),
  9903.88.03/.04 (List 3) and 9903.88.15 (List 4A) respectively;
* 20(www): heading 9903.88.70, the solar manufacturing machines of heading 8486, sparing 9903.88.02.

The words are read from the USITC chapter 99 of **HTSUS 2026 revision 6** as extracted from its PDF by
GitHub ``arifshehab/tariff-rate-tracker`` (``data/us_notes/chapter99_2026_rev_6.txt``, the copy the
wood and Annex II builders read; a secondary copy of the USITC text).  Where an exclusion's
description names the statistical reporting numbers it was described in over time ("prior to
January 27, 2022; ... effective January 27, 2022"), the numbers of the last period are kept (the
earlier ones left the schedule before 2025).  The days come from the headings' own text in every
revision (``hts_chapter99.tsv``, compiled from ``../shared/data``): from the first day any revision's
text names to the last ("through November 9, 2026"; "before June 1, 2025" is through May 31).  The
lists are as rev 6 prints them: the revisions before it are not in the copy.

The exclusions are put before the List 1-4A measures and after the four-year review's (note 31),
whose duties the exclusions do not spare.

Usage: ``python tools/law/build_s301_exclusions.py --tracker GITDIR [--out DIR]``;
``tests/tariffs/test_s301_exclusions.py`` regenerates the file when ``TMEC_TARIFF_TRACKER`` is set.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# sibling scripts, not a package; the same copy of the notes at the same commit as the wood lists
from build_s232_wood_semiconductors import COMMIT, NOTES, REPO
from builder_cli import DEFAULT_OUT, git_show, run_builder

NAME = "s301_exclusions.yaml"
CHAPTER99 = "hts_chapter99.tsv"
# (subdivision, heading, the heading whose duty it spares, where it starts, where it ends)
SUBDIVISIONS = (
    ("vvv)(i", "9903.88.69", "9903.88.01", r"^\(vvv\)\s+\(i\) ", r"^\(ii\) "),
    ("vvv)(ii", "9903.88.69", "9903.88.02", r"^\(ii\) ", r"^\(iii\) "),
    ("vvv)(iii", "9903.88.69", "9903.88.03 or 9903.88.04", r"^\(iii\) ", r"^\(iv\) "),
    ("vvv)(iv", "9903.88.69", "9903.88.15", r"^\(iv\) ", r"^\(www\) "),
    ("www", "9903.88.70", "9903.88.02", r"^\(www\) ", r"^\(21\) \(a\)"),
)
# the page furniture the PDF extract repeats inside the notes
_PAGE = re.compile(
    r"^\s*(Harmonized Tariff Schedule of the United States.*|Annotated for Statistical Reporting Purposes"
    r"|XXII|99 - III - \d+|U\.S\. Notes \(con\.\))\s*$"
)
_ITEM = re.compile(r"^\s*\((\d+)\)\s+(.*)$")
_STAT = re.compile(r"(?<![\d.])(\d{4}\.\d{2}\.\d{4})(?![\d.])")
_DESCRIBED = re.compile(r"\s*\(described in statistical reporting numbers? (.*)\)\s*$")
_NUMBERS = re.compile(
    r"\d{4}\.\d{2}\.\d{4}"
    r"(?:[ ,;]+(?:or|prior to|effective|through|[A-Z][a-z]+ \d{1,2}, \d{4}|\d{4}\.\d{2}\.\d{4}))*"
)
_MONTH = (
    r"(January|February|March|April|May|June|July|August|September|October|November|December)"
    r" (\d{1,2}), (\d{4})"
)


def _day(match: re.Match[str]) -> dt.date:
    return dt.datetime.strptime(" ".join(match.groups()), "%B %d %Y").date()


def subdivision_text(text: str, start: str, end: str) -> str:
    """The words of one subdivision of note 20, searched for from where 20(vvv) begins."""
    vvv = re.search(SUBDIVISIONS[0][3], text, re.MULTILINE)
    a = re.search(start, text[vvv.start() :], re.MULTILINE) if vvv else None
    b = re.search(end, text[vvv.start() + a.end() :], re.MULTILINE) if vvv and a else None
    if vvv is None or a is None or b is None:
        raise SystemExit(f"{NOTES}: subdivision {start!r} or its end {end!r} not found")
    body = text[vvv.start() + a.start() : vvv.start() + a.end() + b.start()]
    return "\n".join(line for line in body.splitlines() if not _PAGE.match(line))


def exclusions(body: str, where: str) -> list[tuple[int, str, list[str]]]:
    """The numbered exclusions after the subdivision's colon: (number, description, codes)."""
    items: list[tuple[int, list[str]]] = []
    colon = re.search(r":\s*$", body, re.MULTILINE)  # the end of the subdivision's opening words
    if colon is None:
        raise SystemExit(f"{where}: no list after the opening words")
    for line in body[colon.end() :].splitlines():
        m = _ITEM.match(line)
        if m and (not items or int(m.group(1)) == items[-1][0] + 1):
            items.append((int(m.group(1)), [m.group(2).strip()]))
        elif items and line.strip():
            items[-1][1].append(line.strip())
    out = []
    for number, words in items:
        text = re.sub(r"-\s(?=[a-z])", "-", " ".join(words))  # words the PDF broke at a hyphen
        described = _DESCRIBED.search(text)
        if described:
            # by period: "X prior to January 27, 2022; described in ... Y effective January 27, 2022"
            # (once a comma in place of the semicolon): the last period's numbers
            codes = _STAT.findall(re.split(r";|,\s*(?=described in)", described.group(1))[-1])
            description = text[: described.start()].strip()
        else:
            # a number alone, or numbers by period ("5603.92.0090 prior to July 1, 2022; 5603.92.0070
            # or 5603.92.0095 effective July 1, 2022")
            codes, description = _STAT.findall(text.split(";")[-1]), ""
            if not _NUMBERS.fullmatch(text.strip()):
                raise SystemExit(f"{where}({number}): neither a number alone nor a description: {text!r}")
        if not codes:
            raise SystemExit(f"{where}({number}): no statistical reporting number in {text!r}")
        out.append((number, description, codes))
    if [n for n, _, _ in out] != list(range(1, len(out) + 1)):
        raise SystemExit(f"{where}: exclusions not numbered 1 to {len(out)}")
    return out


def heading_days(chapter99: Path, heading: str) -> tuple[dt.date, dt.date, list[str]]:
    """The first and last day of entry any revision's text of ``heading`` gives, and each revision's end."""
    digits = heading.replace(".", "")
    starts, ends, printed = [], [], []
    for row in chapter99.read_text(encoding="utf-8").splitlines():
        cells = row.split("\t")
        if cells[0] != digits:
            continue
        words = cells[-1]
        start = re.search(rf"on or after {_MONTH}", words)
        through = re.search(rf"through {_MONTH}", words)
        before = re.search(rf"before {_MONTH}", words)
        if start is None or (through is None and before is None):
            raise SystemExit(f"{chapter99}: {heading} from {cells[1]}: no dates in {words!r}")
        last = _day(through) if through else _day(before) - dt.timedelta(days=1)  # type: ignore[arg-type]
        starts.append(_day(start))
        ends.append(last)
        printed.append(f"{cells[1]}: through {last}")
    if not starts or len(set(starts)) != 1:
        raise SystemExit(f"{chapter99}: {heading}: no text, or texts that start on different days")
    return starts[0], max(ends), printed


def _fmt(code: str) -> str:
    digits = code.replace(".", "")
    return f"{digits[:4]}.{digits[4:6]}.{digits[6:8]}.{digits[8:]}"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build(git_dir: Path, out: Path | None = None) -> bytes:
    raw = git_show(git_dir, COMMIT, NOTES)
    text = raw.decode("utf-8", errors="replace")
    copy = f"GitHub {REPO} {NOTES} at commit {COMMIT} sha256 {hashlib.sha256(raw).hexdigest()}"
    chapter99 = DEFAULT_OUT / CHAPTER99  # the repo's own, compiled from ../shared/data
    days = {h: heading_days(chapter99, h) for h in ("9903.88.69", "9903.88.70")}
    scopes: list[str] = []
    measures: list[str] = []
    count = 0
    for sub, heading, spared, start, end in SUBDIVISIONS:
        where = f"U.S. note 20({sub})"
        first, last, _ = days[heading]
        for number, description, codes in exclusions(subdivision_text(text, start, end), where):
            count += 1
            name = f"s301_exclusion_{sub.replace(')(', '_')}_{number}"
            what = description or f"any product of statistical reporting number {_fmt(codes[0])}"
            scopes += [f"  {name}:", "    items: [" + ", ".join(f'"{_fmt(c)}"' for c in codes) + "]"]
            measures += [
                f"  - id: {name}",
                "    program: s301",
                f"    title: {_quote(f'Section 301 product exclusion 20({sub})({number}): {what}')}",
                f'    heading: "{heading}"',
                "    rate: 0",
                "    base: full",
                f"    scope: {name}",
                "    origins: [CN]",
                "    when: {metals_relief: s301_exclusion}",
                "    exemption: true",
                f"    valid_from: {first.isoformat()}",
                f"    valid_to: {(last + dt.timedelta(days=1)).isoformat()}",
                f'    reference: "USTR product exclusion, U.S. note 20({sub})({number}) (HTSUS 2026 rev 6, '
                f"USITC notes text, secondary copy); heading {heading} (through {last}), "
                f'in place of {spared}"',
                "    confidence: T",
            ]
    lines = [
        "# Section 301 product exclusions (USTR), headings 9903.88.69 and 9903.88.70: U.S. note 20(vvv) and",
        "# 20(www) to subchapter III of chapter 99 in HTSUS 2026 rev 6, compiled by",
        "# tools/law/build_s301_exclusions.py; do not edit.",
        f"# source: USITC HTSUS 2026 rev 6 chapter 99, U.S. notes (copy: {copy})",
        f"# days: the headings' text in every revision ({CHAPTER99}): "
        + "; ".join(f"{h} {', '.join(p)}" for h, (_, _, p) in days.items()),
        "# licence: US Government work (17 USC 105), public domain",
        f"# {count} exclusions",
        "scopes:",
        *scopes,
        "measures:",
        *measures,
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    return run_builder(
        argv, __doc__.splitlines()[0], build, NAME, source="--tracker", required=f"a git directory of {REPO}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
