"""Compile the product lists that the framework agreements of the European Union, Switzerland and
Liechtenstein exempt from their reciprocal floors, from the text of U.S. note 2 to subchapter III of
chapter 99 (HTSUS 2026 revision 6, the notes' copy ``build_ieepa_annex_ii.py`` reads).

* note 2(v)(xx), heading 9903.02.74: products of the European Union classifiable in the listed
  provisions (unavailable natural resources, "potentially available products") owe no duty of headings
  9903.02.19/.20; note 2(v)(xxv)(b), headings 9903.02.84 and 9903.02.89: the same for Switzerland and
  Liechtenstein (9903.02.82/.83, .87/.88).  Being classified there is enough: the duty is spared.
* note 2(v)(xxiii), heading 9903.02.77, and 2(v)(xxv)(d), headings 9903.02.86 and 9903.02.91: products
  "not patented in the United States for use in pharmaceutical applications" classifiable in the listed
  provisions.  Whether the product is patented is not on the entry line: spared only when the entry
  declares it (``metals_relief`` ``unpatented_pharma``), asked otherwise.

Each heading's text is "The duty provided in the applicable subheading": the good pays column 1 and no
reciprocal duty; the measure is a 0 % line under its heading in place of the floor (program
``ieepa_annex_ii``, as 9903.01.32).  Each list is in force from the day the revision that first prints
its heading takes effect (the compiled chapter 99, ``hts_chapter99.tsv``: USITC, primary) to the end of
IEEPA duties — for Switzerland and Liechtenstein from 2025-11-14 in law, as their floors
(``build_ieepa_reciprocal.RETROACTIVE``: FR notice 2025-23316, whose Annex II, effective from that day,
creates these headings), the revision's day kept as the deposited one.  Revision 6 prints each list
as it stood then (the tracker's per-revision tables, ``data/us_notes/floor_exempt_*.csv``, count the
same provisions in every revision since each heading began: secondary, not read here).  The particular
articles of the EU (9903.02.75, described by use, not by provision) and the civil aircraft lists
(9903.02.76, .81, .85, .90: an end use the entry does not show, and they spare Section 232 metals too)
stay under ``not_compiled`` in ``ieepa_reciprocal.yaml`` (``build_ieepa_reciprocal.py``), which names
the headings compiled here.

Usage: ``python tools/law/build_ieepa_floor_lists.py --tracker GITDIR [--out DIR]``;
``tests/tariffs/test_ieepa_floor_lists.py`` regenerates the file when ``TMEC_TARIFF_TRACKER`` is set.
"""

from __future__ import annotations

import csv
import hashlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_ieepa_annex_ii import COMMIT, DEFAULT_OUT, NOTES, REPO, _end_of_ieepa, _fmt, enumeration
from build_ieepa_reciprocal import EU, RETROACTIVE
from builder_cli import git_show, run_builder  # sibling scripts, not a package

NAME = "ieepa_floor_lists.yaml"
CHAPTER99 = "hts_chapter99.tsv"  # tools/law/build_hts.py: each chapter 99 heading by revision
LICENCE = "US Government work (17 USC 105), public domain"
PHARMA = "unpatented_pharma"
# (heading, origins, note subdivision, the text that starts the list, the text after it, declared fact)
LISTS = (
    (
        "9903.02.74",
        EU,
        "2(v)(xx)",
        "(xx) As provided in heading 9903.02.74",
        "(xxi) As provided in heading",
        "",
    ),
    ("9903.02.77", EU, "2(v)(xxiii)", "(xxiii) As provided in heading 9903.02.77", "(xxiv)", PHARMA),
    (
        "9903.02.84",
        ("CH",),
        "2(v)(xxv)(b)",
        "(b) As provided in headings 9903.02.84 and 9903.02.89",
        "(c) As provided in headings 9903.02.85",
        "",
    ),
    (
        "9903.02.89",
        ("LI",),
        "2(v)(xxv)(b)",
        "(b) As provided in headings 9903.02.84 and 9903.02.89",
        "(c) As provided in headings 9903.02.85",
        "",
    ),
    (
        "9903.02.86",
        ("CH",),
        "2(v)(xxv)(d)",
        "(d) As provided in headings 9903.02.86 and 9903.02.91",
        "\n(x)\n",
        PHARMA,
    ),
    (
        "9903.02.91",
        ("LI",),
        "2(v)(xxv)(d)",
        "(d) As provided in headings 9903.02.86 and 9903.02.91",
        "\n(x)\n",
        PHARMA,
    ),
)


def _first_printed(out: Path) -> dict[str, str]:
    """The day each chapter 99 heading is first in force, as the compiled chapter 99 records it."""
    first: dict[str, str] = {}
    with (out / CHAPTER99).open(encoding="utf-8", newline="") as fh:
        for row in csv.reader((ln for ln in fh if not ln.startswith("#")), delimiter="\t"):
            heading = f"{row[0][:4]}.{row[0][4:6]}.{row[0][6:8]}"
            first[heading] = min(first.get(heading, row[1]), row[1])
    return first


def build(git_dir: Path, out: Path = DEFAULT_OUT) -> bytes:
    raw = git_show(git_dir, COMMIT, NOTES)
    text = raw.decode("utf-8", errors="replace")
    first = _first_printed(out)
    end = _end_of_ieepa(out)
    copy = f"GitHub {REPO} {NOTES} at commit {COMMIT} sha256 {hashlib.sha256(raw).hexdigest()}"
    scopes: dict[str, Any] = {}
    measures: list[dict[str, Any]] = []
    for heading, origins, note, start, stop, fact in LISTS:
        codes = enumeration(text, start, stop)
        name = "reciprocal_floor_list_" + note.replace("(", "_").replace(")", "").replace("2_v_", "")
        what = "non-patented articles for use in pharmaceutical applications" if fact else "listed products"
        scopes[name] = {  # Switzerland and Liechtenstein share their note's lists
            "items": [_fmt(c) for c in codes],
            "reference": f"U.S. note {note} (HTSUS 2026 rev 6)",
            "confidence": "V",
        }
        measure: dict[str, Any] = {
            "id": f"ieepa_floor_list_{heading.replace('.', '_')}",
            "program": "ieepa_annex_ii",
            "title": f"IEEPA reciprocal: {what} of U.S. note {note} (no reciprocal duty)",
            "heading": heading,
            "rate": 0,
            "base": "full",
            "origins": list(origins),
            "scope": name,
            "exemption": True,
            "valid_from": first[heading],
            "valid_to": end,
            "reference": f"EO 14257 as amended; heading {heading} ('The duty provided in the applicable "
            f"subheading'), U.S. note {note} as printed in HTSUS 2026 rev 6 (copy: {copy}); in force from "
            f"the revision that first prints the heading ({first[heading]})",
            "confidence": "V",
        }
        if fact:
            measure["when"] = {"metals_relief": fact}
        if origins[0] in RETROACTIVE:  # dated back with the country's floor by the same notice's annex
            _, start_in_law, text_in_law = RETROACTIVE[origins[0]]
            if start_in_law < first[heading]:
                measure["valid_from"], measure["deposited_from"] = start_in_law, first[heading]
                measure["reference"] += (
                    f"; in force from {start_in_law} by {text_in_law}, deposited at entry from "
                    f"{first[heading]}"
                )
        measures.append(measure)
    header = [
        "# The product lists the EU, Swiss and Liechtenstein framework agreements exempt from the reciprocal",
        "# floors, compiled by tools/law/build_ieepa_floor_lists.py from U.S. note 2 in HTSUS 2026 rev 6: do "
        "not edit.",
        f"# source: USITC HTSUS 2026 rev 6 chapter 99, U.S. notes (copy: {copy}); first days: {CHAPTER99}",
        f"# licence: {LICENCE}",
        "# provisions: " + "; ".join(f"{m['heading']} {len(scopes[m['scope']]['items'])}" for m in measures),
    ]
    lists = yaml.safe_dump(
        {"scopes": scopes}, sort_keys=False, allow_unicode=True, width=110, default_flow_style=None
    )
    rules = yaml.safe_dump({"measures": measures}, sort_keys=False, allow_unicode=True, width=110)
    return ("\n".join(header) + "\n" + lists + rules).encode("utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    return run_builder(
        argv, __doc__.splitlines()[0], build, NAME, source="--tracker", required=f"a git directory of {REPO}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
