"""Compile the Section 232 derivative inclusions of August 2025 into measure scopes.

Reads ``<data>/us-measures/2025-15819.pdf`` (Federal Register, 19 Aug 2025, 90 FR 40326: BIS,
"Adoption and Procedures of the Section 232 Steel and Aluminum Tariff Inclusions Process", Annex I,
effective 12:01 a.m. EDT 2025-08-18) and writes ``src/tmec/law/tariffs/s232_derivatives_2025.yaml``:
the HTS provisions Annex I inserts into the lists of U.S. note 16 (steel) and note 19 (aluminum) to
subchapter III of chapter 99, one scope per subdivision, in the ``scopes:`` form of ``measures.yaml``:

* ``s232_2025_08_steel_derivatives_16m`` — note 16(m) (heading 9903.81.90, 50 % from 2025-06-04);
* ``s232_2025_08_steel_derivatives_16n`` — note 16(n) (9903.81.91, on the steel content);
* ``s232_2025_08_aluminum_derivatives_19j`` — note 19(j) (9903.85.07);
* ``s232_2025_08_aluminum_derivatives_19k`` — note 19(k) (9903.85.08, on the aluminum content).

The United Kingdom subdivisions 16(t), 16(u), 19(r) and 19(s) receive the same lists; the builder
checks that they do (a difference would be a misread).  The codes are read from the text of the
notice by pattern, never retyped.  Each is checked against the HTSUS in force on 2025-08-18
(``src/tmec/law/tariffs/hts_schedule.tsv``); codes not found there are listed in the file's header.

Usage: ``python tools/law/build_s232_derivatives_2025.py [--data ../shared/data] [--out DIR]``;
``tests/tariffs/test_measures_law.py`` regenerates the file when the data is present.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_s232_annexes import _known_codes  # sibling scripts, not a package
from builder_cli import run_builder

NAME = "s232_derivatives_2025.yaml"
PDF = Path("us-measures") / "2025-15819.pdf"
EFFECTIVE = "2025-08-18"
# subdivision -> (scope, the UK subdivision that must receive the same list, what it is)
LISTS = {
    ("16", "m"): ("s232_2025_08_steel_derivatives_16m", ("16", "t"), "steel derivatives, note 16(m)"),
    ("16", "n"): ("s232_2025_08_steel_derivatives_16n", ("16", "u"), "steel derivatives, note 16(n)"),
    ("19", "j"): ("s232_2025_08_aluminum_derivatives_19j", ("19", "r"), "aluminum derivatives, note 19(j)"),
    ("19", "k"): ("s232_2025_08_aluminum_derivatives_19k", ("19", "s"), "aluminum derivatives, note 19(k)"),
}
AMEND = re.compile(r"By amending subdivision \((\w+)\) to (?:U\.S\. )?note (\d+)")
# the list follows the last colon of the instruction ("in numerical order:", "in the United States:")
LEAD = re.compile(r"(?:numerical order|United States):")
CODE = re.compile(r"\b(\d{4}\.\d{2}(?:\.\d{2,4})?)\b")


def _code(token: str) -> str:
    """``8419.50.1000`` -> ``8419.50.10.00``; 8-digit codes as written."""
    digits = token.replace(".", "")
    return ".".join(p for p in (digits[:4], digits[4:6], digits[6:8], digits[8:10]) if p)


def notice_text(pdf: Path) -> str:
    from pypdf import PdfReader  # only the builder reads PDFs

    text = "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
    # the page furniture of the Federal Register (print slug, running head) interrupts the lists
    text = re.sub(r"VerDate.*\n", "", text)
    text = re.sub(r"\d{5} Federal Register / Vol\. \d+.*\n", "", text)
    return re.sub(r"[ \t]+\n", "\n", text)


def parse(text: str) -> dict[tuple[str, str], list[str]]:
    """Annex I of the notice: the codes each amended subdivision receives, in the order of the text."""
    annex = text[text.index("Annex I\n") : text.index("Annex II\n")]
    marks = list(AMEND.finditer(annex))
    lists: dict[tuple[str, str], list[str]] = {}
    for i, mark in enumerate(marks):
        block = annex[mark.end() : marks[i + 1].start() if i + 1 < len(marks) else len(annex)]
        leads = list(LEAD.finditer(block))
        if not leads:
            raise SystemExit(f"subdivision ({mark[1]}) of note {mark[2]}: no list found after it")
        codes: list[str] = []
        for token in CODE.findall(block[leads[-1].end() :]):
            code = _code(token)
            if code not in codes:
                codes.append(code)
        lists[(mark[2], mark[1])] = codes
    return lists


def build(data: Path, out: Path) -> bytes:
    pdf = data / PDF
    lists = parse(notice_text(pdf))
    for (note, sub), (_, uk, _) in LISTS.items():
        if (note, sub) not in lists or lists.get(uk) != lists[(note, sub)]:
            raise SystemExit(
                f"{pdf}: note {note}({sub}) and its UK twin {uk[0]}({uk[1]}) differ or are missing"
            )
    known = _known_codes(out / "hts_schedule.tsv", EFFECTIVE)
    absent = sorted({c for key in LISTS for c in lists[key] if c.replace(".", "") not in known})
    lines = [
        "# Section 232 derivative inclusions of 18 Aug 2025 (FR 2025-15819, 90 FR 40326, Annex I),",
        "# compiled by tools/law/build_s232_derivatives_2025.py; do not edit.",
        f"# source: us-measures/2025-15819.pdf sha256 {hashlib.sha256(pdf.read_bytes()).hexdigest()}",
        "# licence: US Government work (17 USC 105), public domain",
        f"# codes not in the HTSUS in force on {EFFECTIVE} (kept as the notice writes them): "
        + (", ".join(absent) or "none"),
        "scopes:",
    ]
    for key, (scope, _, what) in LISTS.items():
        codes = lists[key]
        lines += [
            f"  {scope}:",
            f"    items: [{', '.join(f'{chr(34)}{c}{chr(34)}' for c in codes)}]",
            f'    reference: "BIS inclusions notice of 19 Aug 2025 (90 FR 40326), Annex I: {what}, '
            f'from {EFFECTIVE} ({len(codes)} provisions)"',
            "    confidence: T",
        ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    return run_builder(argv, __doc__.splitlines()[0], build, NAME)


if __name__ == "__main__":
    raise SystemExit(main())
