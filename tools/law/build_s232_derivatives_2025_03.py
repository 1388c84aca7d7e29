"""Compile the Section 232 derivative lists of Proclamations 10896 (steel) and 10895 (aluminum) of
10 Feb 2025, in force from 12 Mar 2025, and the two inclusions before August's, into measure scopes.

Neither proclamation's annex nor U.S. note 16 as 2025 printed it is in ``../shared/data`` or a mirror.
What is, and what each list is made of:

* **Aluminum, note 19(j) (heading 9903.85.07) and 19(k) (9903.85.08).**  The words of U.S. note 19 to
  subchapter III of chapter 99 in HTSUS 2026 rev 6 (the tracker's copy of the USITC PDF, the one the
  wood builder reads; ``--tracker`` names its git directory): the lists as they stood when the headings
  ended (2026-04-06).  The builder takes out the provisions the August inclusions added (read from
  ``us-measures/2025-15819.pdf`` as ``build_s232_derivatives_2025.py`` reads it) and those of April's
  beer and cans notice (below); what remains is the list of 12 Mar 2025.  Check: each remaining
  provision lies under a line that HTSUS 2025 rev 5 footnotes to U.S. note 19.
* **Steel, note 16(m) (9903.81.90, chapter 73) and 16(n) (9903.81.91, other chapters).**  The 2026 notes
  replaced note 16; its 2025 lists are read from the USITC HTSUS JSON itself: the lines of chapters 01-97
  that HTSUS 2025 rev 5 (in force from 2025-03-05, the first to print the derivative headings'
  footnotes) footnotes "See ... U.S. note 16" and 2025 basic did not, less the steel articles of note
  16(b) (a line that was missing its footnote, 7306.29.20.00).  A footnote points at the note; it is not
  the note's list: the list read that way is confidence T, and it is compared (in the file's header)
  with a tracker's table of note 16(m) (secondary).
* **The inclusions of 4 Apr 2025 (beer 19(k), empty cans 19(j)) and of 23 Jun 2025 (household
  appliances, 16(n)).**  ``tools/law/sources/s232_inclusions_2025_apr_jun.txt``: the notices' lists as
  CBP's CSMS messages and trade reports quote them (secondary, confidence S); April's codes must be in
  note 19(j) or (k) of 2026 rev 6 and not footnoted in March.

Writes ``src/tmec/law/tariffs/s232_derivatives_2025_03.yaml``; the measures using the scopes (rates,
bases, dates, the UK's headings) are in ``measures.yaml``.

Usage: ``python tools/law/build_s232_derivatives_2025_03.py --tracker GITDIR [--data ../shared/data]
[--out DIR]``; ``tests/tariffs/test_s232_derivatives_2025_03.py`` regenerates the file when
``TMEC_TARIFF_TRACKER`` and the data are present.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_s232_derivatives_2025 import PDF, notice_text  # sibling scripts, not a package
from build_s232_derivatives_2025 import parse as august_lists
from build_s232_wood_semiconductors import COMMIT, NOTES, REPO
from builder_cli import DEFAULT_DATA, DEFAULT_OUT, git_show

NAME = "s232_derivatives_2025_03.yaml"
SOURCES = Path(__file__).resolve().parent / "sources" / "s232_inclusions_2025_apr_jun.txt"
REVISIONS = Path("hts") / "revisions"
BEFORE, MARCH = "hts_2025_basic.json.gz", "hts_2025_rev_5.json.gz"
TRACKER_TABLE = "resources/s232_metal_chapter_products.csv"
# U.S. note 16(b): the steel articles (Proc. 9705), by HS-6 range; lines under them are not derivatives
STEEL_ARTICLES = (
    ("720610", "721650"),
    ("721699", "730110"),
    ("730210", "730210"),
    ("730240", "730290"),
    ("730410", "730690"),
)
_CODE = re.compile(r"(?<![\d.])(\d{4}\.\d{2}(?:\.\d{2}(?:\d{2})?)?)(?!\.?\d)")
_NOTE = {"16": re.compile(r"note 16\b"), "19": re.compile(r"note 19\b")}


def _fmt(code: str) -> str:
    digits = code.replace(".", "")
    return ".".join(p for p in (digits[:4], digits[4:6], digits[6:8], digits[8:]) if p)


def _under(code: str, lines: set[str]) -> bool:
    """``code`` is one of ``lines``, under one, or over one (a list may name an 8-digit line whose
    statistical lines carry the footnote, or a statistical line of a footnoted 8-digit one)."""
    d = code.replace(".", "")
    return any(d.startswith(x) or x.startswith(d) for x in (c.replace(".", "") for c in lines))


def footnoted(path: Path, note: str) -> set[str]:
    """The lines of chapters 01-97 whose footnotes refer to U.S. note ``note`` of subchapter III."""
    rows = json.loads(gzip.decompress(path.read_bytes()))
    return {
        r["htsno"]
        for r in rows
        if r.get("htsno")
        and not r["htsno"].startswith(("98", "99"))
        and any(_NOTE[note].search(f.get("value") or "") for f in r.get("footnotes") or [])
    }


def _steel_article(code: str) -> bool:
    six = code.replace(".", "")[:6]
    return any(lo <= six <= hi for lo, hi in STEEL_ARTICLES)


def note_19(text: str) -> dict[str, list[str]]:
    """Subdivisions (i), (j) and (k) of U.S. note 19: the provisions each lists, in the order printed;
    (i), the derivatives of Proc. 9980 (9903.85.04), must list what (a)(iii) lists (9903.85.03)."""
    start = re.search(r"^19\. \(a\)", text, re.MULTILINE)
    end = re.search(r"^20\. \(a\)", text, re.MULTILINE)
    if start is None or end is None:
        raise SystemExit(f"{NOTES}: U.S. note 19 not found")
    words = text[start.start() : end.start()]
    out: dict[str, list[str]] = {}
    described = re.compile(r"\(described in\s+subheading\s+(\d{4}\.\d{2}\.\d{2})\)")
    for sub, begin, stop in (
        ("a(iii)", "\n(iii) Effective", "\n(iv) "),
        ("i", "\n(i) The rates of duty", "\n(j) "),
    ):
        a = words.find(begin)
        b = words.find(stop, a)
        out[sub] = described.findall(words[a:b]) if a >= 0 and b >= 0 else []
    if not out["i"] or out["i"] != out["a(iii)"]:
        raise SystemExit(f"{NOTES}: note 19(i) {out['i']} is not note 19(a)(iii) {out['a(iii)']}")
    for sub, heading, after in (("j", "9903.85.07", "(k)"), ("k", "9903.85.08", "(l)")):
        a = words.find(f"\n({sub}) The rates of duty")
        b = words.find(f"\n{after} ", a)
        if a < 0 or b < 0 or heading not in words[a : a + 200]:
            raise SystemExit(f"{NOTES}: note 19({sub}) ({heading}) not found")
        body = words[a:b].split("smelted and cast in the United States:", 1)[1]
        body = body.split("For any derivative aluminum product", 1)[0]  # (k)'s closing sentence
        codes = [_fmt(c) for c in _CODE.findall(body)]
        if not codes or len(set(codes)) != len(codes):
            raise SystemExit(f"note 19({sub}): no provisions, or one listed twice")
        out[sub] = codes
    return out


def inclusions(path: Path) -> dict[str, tuple[str, str, str, list[str]]]:
    """The blocks of the sources file: key -> (effective day, metal, document, codes quoted)."""
    blocks: dict[str, tuple[str, str, str, list[str]]] = {}
    key = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("== "):
            key, day, metal, document = (p.strip() for p in line[3:].split("|", 3))
            blocks[key] = (day, metal, document, [])
        elif line.startswith("quote: ") and key:
            blocks[key][3].extend(_fmt(c) for c in _CODE.findall(line) if not c.startswith("99"))
    return blocks


def _stat_lines(schedule: Path) -> dict[str, tuple[str, str]]:
    """The 10-digit lines of the compiled schedule: code -> (valid_from, valid_to or "")."""
    rows = (r.split("\t", 3) for r in schedule.read_text(encoding="utf-8").splitlines()[1:])
    return {r[0]: (r[1], r[2]) for r in rows if len(r[0]) == 10}


def lineage(
    codes: list[str], lines: dict[str, tuple[str, str]], start: str
) -> tuple[dict[str, str], list[str]]:
    """The statistical lines a listed 10-digit line was split from, or into, while the list was in force
    (``start`` to 2026-04-06): a list names a line, and a split moves its goods, not out of the list.
    Only a clean split is followed: every line born that day under the subheading is listed (then the
    lines that ended that day are its predecessors: 9401.99.90.81 before .30 and .70), or every line
    that ended that day is listed (then the lines born that day are its successors).  Returns the lines
    added (each with the listed line it follows) and the listed lines whose split was not clean."""
    listed = {c.replace(".", "") for c in codes}
    found: dict[str, str] = {}
    unclear: list[str] = []
    for code in sorted(c for c in listed if c in lines):
        begin, end = lines[code]
        family = {c: v for c, v in lines.items() if c[:8] == code[:8]}
        for day, in_force in ((begin, begin > start), (end, bool(end) and end < "2026-04-06")):
            if not in_force:
                continue
            born = {c for c, (b, _) in family.items() if b == day}
            gone = {c for c, (_, e) in family.items() if e == day}
            follow = gone if day == begin else born
            if (born if day == begin else gone) <= listed:
                found.update({c: _fmt(code) for c in sorted(follow - listed)})
            else:
                unclear.append(f"{_fmt(code)} ({'from' if day == begin else 'to'} {day})")
    return {_fmt(k): v for k, v in sorted(found.items())}, unclear


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tracker_16m(tracker: Path) -> set[str]:
    """The tracker's table of note 16(m) (secondary), as 8- or 10-digit codes."""
    rows = git_show(tracker, COMMIT, TRACKER_TABLE).decode("utf-8").splitlines()[1:]
    return {_fmt(r.split(",")[0]) for r in rows if "note_16(m)" in r}


def _scope(name: str, codes: list[str], reference: str, confidence: str) -> list[str]:
    codes = list(dict.fromkeys(codes))  # a code quoted twice is listed once
    provisions = f"{len(codes)} provision" + ("s" if len(codes) != 1 else "")
    return [
        f"  {name}:",
        "    items: [" + ", ".join(f'"{c}"' for c in codes) + "]",
        '    reference: "' + f"{reference} ({provisions})".replace('"', "'") + '"',
        f"    confidence: {confidence}",
    ]


def build(data: Path, tracker: Path, out: Path = DEFAULT_OUT) -> bytes:
    revisions = data / REVISIONS
    before16, march16 = footnoted(revisions / BEFORE, "16"), footnoted(revisions / MARCH, "16")
    steel = sorted(c for c in march16 - before16 if not _steel_article(c))
    m16 = [c for c in steel if c.startswith("73")]
    n16 = [c for c in steel if not c.startswith("73")]

    raw = git_show(tracker, COMMIT, NOTES)
    listed = note_19(raw.decode("utf-8", errors="replace"))
    august = august_lists(notice_text(data / PDF))
    added = inclusions(SOURCES)
    april = added["2025-04"][3]
    day_jun, _, doc_jun, appliances = added["2025-06"]
    march19 = footnoted(revisions / MARCH, "19")
    alu: dict[str, list[str]] = {}
    alu_april: dict[str, list[str]] = {}
    for sub in ("j", "k"):
        later = set(august[("19", sub)])
        alu_april[sub] = [c for c in listed[sub] if c in april]
        alu[sub] = [c for c in listed[sub] if c not in later and c not in april]
        stray = [c for c in alu[sub] if not _under(c, march19)]
        if stray:
            raise SystemExit(f"note 19({sub}): {stray} neither added later nor footnoted in March 2025")
    if sorted(alu_april["j"] + alu_april["k"]) != sorted(april) or any(_under(c, march19) for c in april):
        raise SystemExit(f"{SOURCES.name}: April's codes {april} are not all new in note 19(j)/(k)")

    lines_10 = _stat_lines(out / "hts_schedule.tsv")
    moved: dict[str, str] = {}
    unclear: list[str] = []
    for codes, start in (
        (m16, "2025-03-12"),
        (n16, "2025-03-12"),
        (appliances, "2025-06-23"),
        (alu["j"], "2025-03-12"),
        (alu["k"], "2025-03-12"),
        (alu_april["k"], "2025-04-04"),
    ):
        added_lines, not_clean = lineage(codes, lines_10, start)
        codes.extend(added_lines)
        moved.update(added_lines)
        unclear += not_clean
    tracker_m = _tracker_16m(tracker)
    only_fn = [c for c in m16 if not _under(c, tracker_m)]
    only_tr = sorted(c for c in tracker_m if not _under(c, set(m16)))
    notes_copy = f"GitHub {REPO} {NOTES} at commit {COMMIT} sha256 {hashlib.sha256(raw).hexdigest()}"
    day_apr, _, doc_apr, _ = added["2025-04"]
    lines = [
        "# Section 232 derivative lists of Procs. 10896 (steel) and 10895 (aluminum) from 12 Mar 2025,",
        "# and the inclusions of 4 Apr 2025 (beer, cans) and 23 Jun 2025 (household appliances), compiled",
        "# by tools/law/build_s232_derivatives_2025_03.py; do not edit.",
        f"# source: USITC HTSUS JSON {MARCH} sha256 {_sha(revisions / MARCH)} and {BEFORE} sha256 "
        f"{_sha(revisions / BEFORE)} (steel: the lines footnoted to U.S. note 16 in the one, not the other); "
        f"{notes_copy} (aluminum: U.S. note 19(i)-(k)), less us-measures/2025-15819.pdf sha256 "
        f"{_sha(data / PDF)} (the August inclusions); tools/law/sources/{SOURCES.name} sha256 "
        f"{_sha(SOURCES)} (April and June: secondary quotations of the notices)",
        "# licence: US Government works (17 USC 105), public domain",
        f"# cross-check, note 16(m) against the tracker's table ({TRACKER_TABLE}, secondary): footnoted",
        f"#   only: {', '.join(only_fn) or 'none'}; tracker only (covered by note 16(l)): "
        + (", ".join(only_tr) or "none"),
        "# statistical lines split from or into a listed one while the lists were in force, added with it: "
        + (", ".join(f"{k} ({v})" for k, v in moved.items()) or "none"),
        "# listed lines split with unlisted ones (no line added for them): " + (", ".join(unclear) or "none"),
        "scopes:",
    ]
    lines += _scope(
        "s232_2020_aluminum_derivatives_19i",
        listed["i"],
        "Proc. 9980 (85 FR 5281) Annex I: derivative aluminum articles, U.S. note 19(a)(iii) (9903.85.03, "
        "to 2025-03-11) and 19(i) (9903.85.04, from 2025-03-12), as HTSUS 2026 rev 6 prints them",
        "V",
    )
    lines += _scope(
        "s232_2025_03_steel_derivatives_16m",
        m16,
        "Proc. 10896 (90 FR 9817) Annex I, U.S. note 16(m): derivative steel articles of chapter 73, "
        "heading 9903.81.90, from 2025-03-12; read from the lines HTSUS 2025 rev 5 footnotes to note 16",
        "T",
    )
    lines += _scope(
        "s232_2025_03_steel_derivatives_16n",
        n16,
        "Proc. 10896 (90 FR 9817) Annex I, U.S. note 16(n): derivative steel articles outside chapter 73, "
        "heading 9903.81.91, from 2025-03-12; read from the lines HTSUS 2025 rev 5 footnotes to note 16",
        "T",
    )
    lines += _scope(
        "s232_2025_06_steel_derivatives_16n",
        appliances,
        f"{doc_jun}: household appliances added to U.S. note 16(n), heading 9903.81.91, from {day_jun} "
        "(the notice's list as CSMS #65405824 quotes it)",
        "S",
    )
    for sub, heading, what in (
        ("j", "9903.85.07", "of chapter 76"),
        ("k", "9903.85.08", "outside chapter 76"),
    ):
        lines += _scope(
            f"s232_2025_03_aluminum_derivatives_19{sub}",
            alu[sub],
            f"Proc. 10895 (90 FR 9807) Annex I, U.S. note 19({sub}): derivative aluminum articles {what}, "
            f"heading {heading}, from 2025-03-12; note 19({sub}) of HTSUS 2026 rev 6 less later inclusions",
            "T",
        )
    for sub in ("j", "k"):
        lines += _scope(
            f"s232_2025_04_aluminum_derivatives_19{sub}",
            alu_april[sub],
            f"{doc_apr}: added to U.S. note 19({sub}) from {day_apr} (CSMS #64639013)",
            "S",
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--tracker", type=Path, required=True, help=f"a git directory of {REPO}")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    body = build(args.data, args.tracker, args.out)
    (args.out / NAME).write_bytes(body)
    print(f"{args.out / NAME}: {len(body):,} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
