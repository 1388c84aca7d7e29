"""Compile the product lists of the April 2026 Section 232 metals proclamation into measure scopes.

Reads ``<data>/us-measures/annexes_text.txt`` (the text of ``Metals-ANNEXES-I-A-I-B-II-III-IV.pdf``)
and writes ``src/tmec/law/tariffs/s232_annexes_2026.yaml``: one scope per annex and list, in the
``scopes:`` form of ``measures.yaml`` (HTS codes at 4, 6, 8 or 10 digits), each with its source:

* Annex I-A (50 % on full value; U.S. note 16(c)(i)-(v)): ``s232_2026_i_a_{steel, steel_derivatives,
  aluminum, aluminum_derivatives, copper}``;
* Annex I-B (25 %; note 16(c)(vi)-(viii)): ``s232_2026_i_b_...``;
* Annex II (removed from scope): ``s232_2026_ii_...``;
* Annex III (15 % floor; note 16(c)(ix)-(x)): ``s232_2026_iii_...``;

and, for the metal-weight rule of note 16(c) (under 15 % of the article's weight: heading
9903.82.03, except in chapters 72, 73, 74 and 76), ``<scope>_other_chapters``: the codes of a list
outside those chapters; for the motorcycle parts of note 16(g) (heading 9903.82.13),
``<scope>_ch84_85_87``: the codes of an Annex I-B list in chapters 84, 85 and 87.  Every code of
Annexes I-A, I-B and III is checked to exist in the HTSUS revision in force on 2026-04-06
(``src/tmec/law/tariffs/hts_schedule.tsv``); the builder fails on one that does not (Annex II,
which imposes nothing, cites two retired statistical lines: listed).

Usage: ``python tools/law/build_s232_annexes.py [--data ../shared/data] [--out src/tmec/law/tariffs]``;
``tests/tariffs/test_measures_law.py`` regenerates the file when the data is present.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from builder_cli import run_builder  # a sibling script, not a package

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
DEFAULT_OUT = ROOT / "src" / "tmec" / "law" / "tariffs"
NAME = "s232_annexes_2026.yaml"
ANNEXES = {"Annex I-A": "i_a", "Annex I-B": "i_b", "Annex II": "ii", "Annex III": "iii"}
SECTIONS = {
    "steel derivatives": "steel_derivatives",
    "aluminum derivatives": "aluminum_derivatives",
    "aluminum derivative": "aluminum_derivatives",  # Annex I-B's heading, singular
    "copper articles": "copper",
    "steel": "steel",
    "aluminum": "aluminum",
}
NOTE = {
    "i_a": "Annex I-A (50 % on full value; U.S. note 16(c)(i)-(v))",
    "i_b": "Annex I-B (25 % on full value; U.S. note 16(c)(vi)-(viii))",
    "ii": "Annex II (removed from the scope of Section 232)",
    "iii": "Annex III (temporary reduction, 15 % floor; U.S. note 16(c)(ix)-(x))",
}
METAL_CHAPTERS = ("72", "73", "74", "76")
# note 16(g): motorcycle parts "classifiable in chapter 84, 85 or 87" (heading 9903.82.13)
PARTS_CHAPTERS = ("84", "85", "87")
PARTS = "ch84_85_87"
CODE = re.compile(r"^\d{4}(?:\.\d{2}(?:\.\d{2}(?:\.?\d{2})?)?)?$")


def _code(token: str) -> str:
    """``8207.20.0070`` or ``7616.99.51.60`` -> ``8207.20.00.70``; shorter codes as written."""
    digits = token.replace(".", "")
    parts = [digits[:4], digits[4:6], digits[6:8], digits[8:10]]
    return ".".join(p for p in parts if p)


def parse(text: str) -> dict[str, list[str]]:
    """Lists by scope name, codes in the order of the text, each once."""
    lists: dict[str, list[str]] = {}
    annex = section = None
    for raw in text.splitlines():
        line = raw.strip()
        head = next((a for a in ANNEXES if re.match(rf"^{re.escape(a)}\b(?![-\w])", line)), None)
        if line.startswith("Annex IV"):
            break  # Annex IV is the text of the notes, the same lists in columns
        if head is not None:
            annex, section = ANNEXES[head], None
            continue
        if annex is None:
            continue
        for label, key in SECTIONS.items():
            if line.lower().startswith(label) and (len(line) == len(label) or line[len(label)] == " "):
                rest = line[len(label) :].split()
                if all(CODE.match(t) for t in rest):
                    section, line = key, " ".join(rest)
                break
        tokens = line.split()
        if section is None or not tokens or not all(CODE.match(t) for t in tokens):
            continue  # descriptions, page numbers, notes
        codes = lists.setdefault(f"s232_2026_{annex}_{section}", [])
        for t in tokens:
            code = _code(t)
            if code not in codes:
                codes.append(code)
    return lists


def _known_codes(schedule: Path, day: str) -> set[str]:
    """Every code (and prefix of one) of the compiled schedule in force on ``day``."""
    known: set[str] = set()
    for row in schedule.read_text(encoding="utf-8").splitlines()[1:]:
        code, start, end = row.split("\t", 3)[:3]
        if start <= day and (not end or day < end):
            known.update(code[:n] for n in (4, 6, 8, 10) if n <= len(code))
    return known


def build(data: Path, out: Path) -> bytes:
    path = data / "us-measures" / "annexes_text.txt"
    pdf = data / "us-measures" / "Metals-ANNEXES-I-A-I-B-II-III-IV.pdf"
    lists = parse(path.read_bytes().decode("utf-8", errors="replace"))
    known = _known_codes(out / "hts_schedule.tsv", "2026-04-06")

    def missing(names: list[str]) -> list[str]:
        return sorted({c for n in names for c in lists[n] if c.replace(".", "") not in known})

    # a code the duties apply to must exist; Annex II (no duty) cites two retired statistical lines
    unknown = missing([n for n in lists if not n.startswith("s232_2026_ii_")])
    if unknown:
        raise SystemExit(f"{path}: codes not in the HTSUS in force on 2026-04-06: {', '.join(unknown)}")
    retired = missing([n for n in lists if n.startswith("s232_2026_ii_")])
    pdf_sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
    lines = [
        "# Product lists of the Section 232 metals proclamation effective 2026-04-06 (HTSUS 2026 rev 5),",
        "# compiled by tools/law/build_s232_annexes.py; do not edit.",
        f"# source: us-measures/annexes_text.txt sha256 {hashlib.sha256(path.read_bytes()).hexdigest()}",
        f"#   (text of Metals-ANNEXES-I-A-I-B-II-III-IV.pdf sha256 {pdf_sha})",
        "# licence: US Government work (17 USC 105), public domain",
        "# Annex II codes not in the HTSUS in force on 2026-04-06 (kept as the annex writes them): "
        + (", ".join(retired) or "none"),
        "scopes:",
    ]
    for name in sorted(lists):
        annex = next(k for k in NOTE if name.startswith(f"s232_2026_{k}_"))
        variants = [(name, lists[name])]
        other = [c for c in lists[name] if c[:2] not in METAL_CHAPTERS]
        if annex != "ii":  # even when empty: the carve-out names every list
            variants.append((f"{name}_other_chapters", other))
        if annex == "i_b":  # motorcycle parts: note 16(g), heading 9903.82.13
            variants.append((f"{name}_{PARTS}", [c for c in lists[name] if c[:2] in PARTS_CHAPTERS]))
        for scope, codes in variants:
            what = name.removeprefix(f"s232_2026_{annex}_").replace("_", " ")
            lines += [
                f"  {scope}:",
                f"    items: [{', '.join(repr(c).replace(chr(39), chr(34)) for c in codes)}]",
                f'    reference: "Proclamation of April 2026 (Section 232 metals), {NOTE[annex]}: {what}'
                + (", outside chapters 72, 73, 74, 76" if scope.endswith("_other_chapters") else "")
                + (", in chapters 84, 85, 87" if scope.endswith(PARTS) else "")
                + '"',
                "    confidence: T",
            ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    return run_builder(argv, __doc__.splitlines()[0], build, NAME)


if __name__ == "__main__":
    raise SystemExit(main())
