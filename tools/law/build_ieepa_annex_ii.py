"""Compile the product exemptions of the IEEPA reciprocal duty (Annex II of EO 14257 as amended, heading
9903.01.32) and the lists of the Brazil and India orders that name the same kind of list, from the text of
U.S. note 2 to subchapter III of chapter 99.

The HTSUS JSON prints the headings but not the notes; ``../shared/data`` lacks them. The notes' text is
read from the USITC chapter 99 of **HTSUS 2026 revision 6** (effective 2026-04-23) as extracted from its
PDF by the tariff tracker GitHub ``arifshehab/tariff-rate-tracker``
(``data/us_notes/chapter99_2026_rev_6.txt``,
the snapshot the other tracker lists come from; the git directory is given with ``--tracker``, or
``TMEC_TARIFF_TRACKER``):

* note 2(v)(iii)(a): the subheadings heading 9903.01.32 spares the reciprocal duty (of headings
  9903.01.25, .35, .39, .63, 9903.02.01-.73, .79-.80, .82-.83, .87-.88): the list as it stood when
  IEEPA duties ended, after EO 14346 (2025-09-08) and the agricultural order of 2025-11-14;
* note 2(x)(iii)(a): Brazil's Annex I as revised by the order of 20 Nov 2025; the provisions that
  are not in the order's first Annex I (``ieepa_brazil_annex_i.yaml``) are its additions, in force
  from the day that order gives (read there).

Revision 6 prints each list as it stood at the end; when each subheading entered Annex II (or left
it) is not in it. Those days are taken from the tracker's ``resources/annex_ii_first_appearance.csv``
(built by the tracker from the note's text in each revision's chapter 99 PDF, which are not in the
snapshot): a secondary source, so the Annex II measures are confidence S, ``[unverified]``. A
subheading of revision 6's list that the table does not date, or a dated one missing from the list
while the table says it was never removed, stops the build.

India's order exempts the same products (heading 9903.01.86, U.S. note 2(v)(iii)): its measures take
Annex II's scopes, within its own dates.

Usage: ``python tools/law/build_ieepa_annex_ii.py --tracker GITDIR [--out DIR]``;
``tests/tariffs/test_ieepa_annex_ii.py`` regenerates the file when ``TMEC_TARIFF_TRACKER`` is set.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from builder_cli import git_show, run_builder  # a sibling script, not a package

NAME = "ieepa_annex_ii.yaml"
ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "src" / "tmec" / "law" / "tariffs"
BRAZIL = "ieepa_brazil_annex_i.yaml"  # tools/law/build_ieepa_brazil_annex.py
COUNTRY = "ieepa_country.yaml"  # tools/law/build_ieepa_country.py
SCHEDULE = "hts_schedule.json"  # tools/law/build_hts.py: each revision's chapter 99 day
RECIPROCAL = "ieepa_reciprocal.yaml"  # tools/law/build_ieepa_reciprocal.py
REPO = "arifshehab/tariff-rate-tracker"
COMMIT = "9919812fe16ad61d72318dc7b96d387cc6c226da"
NOTES = "data/us_notes/chapter99_2026_rev_6.txt"
DATES = "resources/annex_ii_first_appearance.csv"
LICENCE = (
    "US Government work (17 USC 105), public domain; first-appearance dates from tariff-rate-tracker (MIT)"
)
LAW = "EO 14257 (2 Apr 2025) Annex II as amended (EO 14346 of 5 Sep 2025, EO of 14 Nov 2025)"
_HEADER = re.compile(
    r"Harmonized Tariff Schedule|Annotated for|U\.S\. Notes|^\s*[IVXLC]+\s*$|99 - III|Compiler"
)
_TOKEN = re.compile(r"(?<![\d.])(\d{4}(?:\.\d{2}(?:\.\d{2,4})?)?)(?![\d.])")


def enumeration(text: str, start: str, end: str) -> list[str]:
    """The provisions listed between ``start`` and ``end`` (page headers left out), digits only."""
    a = text.index(start)
    body = text[text.index(":", a) + 1 : text.index(end, a)]
    lines = [ln for ln in body.splitlines() if not _HEADER.search(ln)]
    codes = [c.replace(".", "") for c in _TOKEN.findall("\n".join(lines))]
    if len(set(codes)) != len(codes):
        raise SystemExit(f"{start!r}: a provision is listed twice")
    return sorted(codes)


def _dated(
    codes: list[str], table: list[dict[str, str]], day_of: dict[str, str]
) -> list[tuple[str, str, str]]:
    """(code, valid_from, valid_to or '') for the listed codes and the removed ones of the table."""
    by_prefix = {r["prefix"]: r for r in table}
    out: list[tuple[str, str, str]] = []
    for code in codes:
        found = [by_prefix[code[:n]] for n in (10, 8, 6, 4) if code[:n] in by_prefix]
        if not found:
            raise SystemExit(f"{code}: in note 2(v)(iii)(a) of 2026 rev 6 but not dated by {DATES}")
        row = found[0]
        if row["removed_at"] != "NA":
            raise SystemExit(
                f"{code}: in the list of 2026 rev 6 but {DATES} says it left at {row['removed_at']}"
            )
        out.append((code, _start(row, day_of), ""))
    listed = {
        r["prefix"] for c in codes for r in table if c.startswith(r["prefix"]) or r["prefix"].startswith(c)
    }
    for r in table:
        if r["removed_at"] == "NA" and r["prefix"] not in listed:
            raise SystemExit(
                f"{r['prefix']}: {DATES} says it was never removed, but 2026 rev 6 does not list it"
            )
        if r["removed_at"] != "NA":
            out.append((r["prefix"], _start(r, day_of), day_of[_label(r["removed_at"])]))
    return sorted(out)


def _label(revision: str) -> str:
    return revision if revision.startswith("20") else f"2025_{revision}"


def _start(row: dict[str, str], day_of: dict[str, str]) -> str:
    day = row["first_effective_date"]
    return day if day != "NA" else day_of[_label(row["first_revision"])]


def _fmt(code: str) -> str:
    return ".".join([code[:4], *(code[i : i + 2] for i in range(4, min(len(code), 8), 2))]) + (
        code[8:] and f".{code[8:]}"
    )


def build(git_dir: Path, out: Path = DEFAULT_OUT) -> bytes:
    raw = git_show(git_dir, COMMIT, NOTES)
    dates_raw = git_show(git_dir, COMMIT, DATES)
    text = raw.decode("utf-8", errors="replace")
    table = list(csv.DictReader(io.StringIO(dates_raw.decode("utf-8"))))
    day_of = _revision_days(out)
    end_of_ieepa = _end_of_ieepa(out)
    annex_ii = enumeration(
        text, "(a) As provided for in heading 9903.01.32", "(b) As provided in heading 9903.02.78"
    )
    brazil_now = enumeration(
        text, "(a) As provided in heading 9903.01.81", "(b) As provided in heading 9903.01.90"
    )
    brazil = yaml.safe_load((out / BRAZIL).read_text(encoding="utf-8"))
    first = {c.replace(".", "") for c in brazil["scopes"]["brazil_annex_i"]["items"]}
    if not first <= set(brazil_now):
        raise SystemExit(
            f"Brazil's first Annex I is not within 2026 rev 6's: {sorted(first - set(brazil_now))}"
        )
    added = sorted(set(brazil_now) - first)
    revised_from = str(brazil["revised"]["valid_from"])
    country = {m["id"]: m for m in yaml.safe_load((out / COUNTRY).read_text(encoding="utf-8"))["measures"]}
    dated = _dated(annex_ii, table, day_of)
    periods: dict[tuple[str, str], list[str]] = {}
    for code, start, end in dated:
        periods.setdefault((start, end), []).append(code)
    copy = f"GitHub {REPO} {NOTES} at commit {COMMIT} sha256 {hashlib.sha256(raw).hexdigest()}"
    dates_copy = f"GitHub {REPO} {DATES} at commit {COMMIT} sha256 {hashlib.sha256(dates_raw).hexdigest()}"
    scopes: dict[str, Any] = {}
    measures: list[dict[str, Any]] = []
    india = country["ieepa_in_01_84"]
    for (start, end), codes in sorted(periods.items()):
        name = f"reciprocal_annex_ii_{start.replace('-', '')}" + (f"_{end.replace('-', '')}" if end else "")
        scopes[name] = {
            "items": [_fmt(c) for c in codes],
            "reference": f"{LAW}: U.S. note 2(v)(iii)(a) (HTSUS 2026 rev 6); in force from {start}"
            + (f" to {end}" if end else "")
            + " by the tracker's first-appearance table (secondary)",
            "confidence": "S",
        }
        why_end = f", left the list from {end} (tracker's table)" if end else ", to the end of IEEPA duties"
        measures.append(
            {
                "id": f"ieepa_annex_ii_{name.removeprefix('reciprocal_annex_ii_')}",
                "program": "ieepa_annex_ii",
                "title": "IEEPA reciprocal: Annex II product (no reciprocal duty)",
                "heading": "9903.01.32",
                "rate": 0,
                "base": "full",
                "scope": name,
                "exemption": True,
                "valid_from": start,
                "valid_to": end or end_of_ieepa,
                "reference": f"{LAW}; heading 9903.01.32, U.S. note 2(v)(iii)(a) as printed in HTSUS 2026 "
                "rev 6 "
                f"(copy: {copy}); in force from {start}{why_end} ({dates_copy}, secondary)",
                "confidence": "S",
            }
        )
        lo, hi = max(start, str(india["valid_from"])), min(end or "9999", str(india["valid_to"]))
        if lo < hi:
            measures.append(
                {
                    "id": f"ieepa_in_01_86_{name.removeprefix('reciprocal_annex_ii_')}",
                    "program": "ieepa_country",
                    "title": "IEEPA India: Annex II product of EO 14257, no additional duty",
                    "heading": "9903.01.86",
                    "rate": 0,
                    "base": "full",
                    "origins": ["IN"],
                    "scope": name,
                    "exemption": True,
                    "valid_from": lo,
                    "valid_to": hi,
                    "reference": "EO 14329 (6 Aug 2025) s.3(c), U.S. note 2(z); heading 9903.01.86: the "
                    "products of U.S. note 2(v)(iii) as printed in HTSUS 2026 rev 6 "
                    f"(copy: {copy}); dated by {dates_copy}, "
                    "secondary",
                    "confidence": "S",
                }
            )
    scopes["brazil_annex_i_revised"] = {
        "items": [_fmt(c) for c in added],
        "reference": "Executive order of 20 Nov 2025 (Brazil), Annex II: U.S. note 2(x)(iii)(a) as printed "
        f"in HTSUS 2026 rev 6, less the order's first Annex I; from {revised_from}",
        "confidence": "T",
    }
    brazil_duty = country["ieepa_br_01_77"]
    measures.insert(
        0,
        {
            "id": "ieepa_br_01_81_revised",
            "program": "ieepa_country",
            "title": "IEEPA Brazil: Annex I of EO 14323 as revised on 20 Nov 2025, no additional duty",
            "heading": "9903.01.81",
            "rate": 0,
            "base": "full",
            "origins": ["BR"],
            "scope": "brazil_annex_i_revised",
            "exemption": True,
            "valid_from": revised_from,
            "valid_to": str(brazil_duty["valid_to"]),
            "reference": "EO 14323 as amended by the executive order of 20 Nov 2025, U.S. note 2(x)(iii)(a) "
            "as "
            f"printed in HTSUS 2026 rev 6 (copy: {copy}); {brazil['revised']['reference']}",
            "confidence": "T",
        },
    )
    header = [
        "# The reciprocal duty's Annex II (heading 9903.01.32) and the lists of the Brazil and India orders,",
        "# compiled by tools/law/build_ieepa_annex_ii.py from U.S. note 2 in HTSUS 2026 rev 6: do not edit.",
        f"# source: USITC HTSUS 2026 rev 6 chapter 99, U.S. notes (copy: {copy}); dates: {dates_copy}",
        f"# licence: {LICENCE}",
        f"# {len(annex_ii)} provisions in note 2(v)(iii)(a), {len(dated) - len(annex_ii)} more that left it "
        f"earlier; {len(added)} provisions added to Brazil's Annex I from {revised_from}",
    ]
    lists = yaml.safe_dump(
        {"scopes": scopes}, sort_keys=False, allow_unicode=True, width=110, default_flow_style=None
    )
    rules = yaml.safe_dump({"measures": measures}, sort_keys=False, allow_unicode=True, width=110)
    return ("\n".join(header) + "\n" + lists + rules).encode("utf-8")


def _revision_days(out: Path) -> dict[str, str]:
    """The day each revision's chapter 99 takes effect, as the compiled schedule records it."""
    data = json.loads((out / SCHEDULE).read_text(encoding="utf-8"))
    return {r["revision"]: r["chapter99_from"] for r in data["revisions"]}


def _end_of_ieepa(out: Path) -> str:
    """The end of every IEEPA duty, as the compiled reciprocal measures record it."""
    reciprocal = yaml.safe_load((out / RECIPROCAL).read_text(encoding="utf-8"))["measures"]
    return max(str(m["valid_to"]) for m in reciprocal)


def main(argv: Sequence[str] | None = None) -> int:
    return run_builder(
        argv, __doc__.splitlines()[0], build, NAME, source="--tracker", required=f"a git directory of {REPO}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
