"""Compile the IEEPA duties of a country's own order from the chapter 99 text of every revision: Brazil
(EO 14323, +40 %, headings 9903.01.77-.83 and .90) and India (EO 14329, +25 %, 9903.01.84-.89).

Both are IEEPA duties on top of the reciprocal rate (each order's s.3: "in addition to" EO 14257),
that do not apply to what Section 232 taxes (U.S. note 2(x)(v)-(xi), heading 9903.01.83; 2(z),
9903.01.87). Read from the text of each revision (``<data>/hts``, dated as ``build_hts.py`` dates
chapter 99), never retyped:

* the rate ("The duty provided in the applicable subheading + 40%") and the country ("articles the
  product of Brazil"), which must not change from one revision to the next;
* the start: the day the compiler's note says the order "became effective on" (Brazil: 6 Aug 2025,
  a day before 2025 rev 18 prints the heading) or the day the heading names ("after 12:01 a.m.
  eastern daylight time on August 27, 2025": India);
* the end: "[Compiler's note: provision terminated as of February 7, 2026.]" (India), else the end
  of every IEEPA duty (the revision ``revision_dates.csv`` notes "IEEPA invalidated": 2026-02-24);
* the exemption headings' texts, each checked to add no duty ("The duty provided in the applicable
  subheading"), and the last day of the goods-in-transit exemptions.

Exemptions that are data: Brazil's Annex I (note 2(x)(iii), 9903.01.81), whose provisions
``build_ieepa_brazil_annex.py`` compiles from the order (``ieepa_brazil_annex_i.yaml``, read here
for the day its revision took effect); Section 232 goods, spared in stacking. Every other exemption
turns on what the entry does not say (a donation, goods in transit, an article of civil aircraft,
a product list the data lacks): it is written on the measure under ``unchecked`` (the answer asks
about it) and listed under ``not_compiled`` with the reason.

Usage: ``python tools/law/build_ieepa_country.py [--data ../shared/data] [--out DIR]``;
``tests/tariffs/test_ieepa_country.py`` regenerates the file when the data is present.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_hts import DEFAULT_OUT, LICENCE, SOURCE, clean, revision_files  # sibling scripts
from build_ieepa_reciprocal import END_REFERENCE, NO_CHANGE, end_of_ieepa, read_heading
from builder_cli import run_builder

NAME = "ieepa_country.yaml"
ANNEX = "ieepa_brazil_annex_i.yaml"  # tools/law/build_ieepa_brazil_annex.py
FIRST, LAST = "9903.01.77", "9903.01.90"
_DAY = r"(\w+ \d{1,2}, \d{4})"
_BECAME = re.compile(r"became effective on " + _DAY)
_AFTER = re.compile(r"after 12:01 a\.m\. eastern daylight time on " + _DAY)
_BEFORE = re.compile(r"before 12:01 a\.m\. eastern day ?light time on " + _DAY)
_TERMINATED = re.compile(r"provision terminated as of " + _DAY)
_ORDER = re.compile(r"Executive Order \d{5} \((\d+) Fed\. Reg\. (\d+)\)")

# The duty headings, their exemption headings, and what each exemption turns on.
COUNTRIES: dict[str, dict[str, Any]] = {
    "BR": {
        "name": "Brazil",
        "heading": "9903.01.77",
        "law": "EO 14323 (30 Jul 2025)",
        "note": "U.S. note 2(x)",
        "section232": "9903.01.83",
        "annex": "9903.01.81",
        "civil_aircraft": "9903.01.82",
        "revised": "9903.01.90",
        "unchecked": {
            "9903.01.78": "goods loaded and in transit before the order took effect, entered before {until}",
            "9903.01.79": "donations to relieve human suffering (U.S. note 2(x)(ii))",
            "9903.01.80": "informational materials (publications, films, recordings, artworks, news feeds)",
        },
    },
    "IN": {
        "name": "India",
        "heading": "9903.01.84",
        "law": "EO 14329 (6 Aug 2025)",
        "note": "U.S. note 2(z)",
        "section232": "9903.01.87",
        "unchecked": {
            "9903.01.85": "goods loaded and in transit before the order took effect, entered before {until}",
            "9903.01.86": "the products of Annex II to EO 14257, listed in U.S. note 2(v)(iii) (the "
            "reciprocal "
            "duty's exemptions), which tmec's data does not carry",
            "9903.01.88": "donations to relieve human suffering (U.S. note 2(z))",
            "9903.01.89": "informational materials (publications, films, recordings, artworks, news feeds)",
        },
    },
}
CIVIL_AIRCRAFT = (
    "articles of civil aircraft, their engines, parts and components, meeting general note 6 "
    "(U.S. note 2(x)(iv)); this provision is one of those it lists"
)
LISTS = "ieepa_annex_ii.yaml"  # tools/law/build_ieepa_annex_ii.py: lists of U.S. note 2 (HTSUS 2026 rev 6)
PARTICULAR = (
    "the particular articles of U.S. note 2(x)(iii)(b) (etrogs, frozen tropical fruit, branches and baked "
    "goods "
    "for religious purposes, ...) from {day}"
)
REVISED = (
    "the agricultural products added to Annex I of EO 14323 from {day} (U.S. note 2(x)(iii)(a) and (b)), "
    "whose list tmec's data does not carry"
)


class _Plain(yaml.SafeDumper):
    """Writes a shared item out in full each time (no YAML anchors)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _day(text: str) -> str:
    return dt.datetime.strptime(text, "%B %d, %Y").date().isoformat()


def read_texts(data: Path) -> dict[str, list[tuple[str, str, str]]]:
    """The text of each heading of the range in each revision that prints it, in date order."""
    texts: dict[str, list[tuple[str, str, str]]] = {}
    for label, _, _, path in revision_files(data):
        for r in json.loads(gzip.decompress(path.read_bytes())):
            heading = clean(r.get("htsno"))
            if FIRST <= heading <= LAST and len(heading) == 10:
                texts.setdefault(heading, []).append(
                    (label, clean(r.get("general")), clean(r.get("description")))
                )
    return texts


def _one(found: set[str], what: str) -> str:
    if len(found) != 1:
        raise SystemExit(f"{what}: expected one, found {sorted(found)}")
    return found.pop()


def _exempt(heading: str, texts: dict[str, list[tuple[str, str, str]]]) -> str:
    """The heading's description; it must add no duty in any revision."""
    printed = texts.get(heading)
    if not printed:
        raise SystemExit(f"{heading}: not in any revision")
    for rev, general, _ in printed:
        if general != NO_CHANGE:
            raise SystemExit(f"{heading} ({rev}): expected no additional duty, found {general!r}")
    return printed[-1][2]


def compile_country(
    iso: str,
    spec: dict[str, Any],
    texts: dict[str, list[tuple[str, str, str]]],
    end: str,
    revised: str,
    compiled: dict[str, str],
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The country's measures; ``compiled``: the exemption headings whose lists ``LISTS`` compiles (why)."""
    heading = spec["heading"]
    printed = texts[heading]
    readings = {read_heading(heading, general, desc) for _, general, desc in printed}
    kinds = {(r.kind, r.rate, r.countries, r.text) for r in readings}
    kind, rate, countries, rate_text = _one(kinds, f"{heading} rate and countries")  # type: ignore[arg-type]
    if kind != "add" or countries != (iso,):
        raise SystemExit(f"{heading}: expected an additional rate on {iso}, found {kind} on {countries}")
    descriptions = [desc for _, _, desc in printed]
    start = _one(
        {_day(m) for d in descriptions for m in _BECAME.findall(d) + _AFTER.findall(d)}, f"{heading} start"
    )
    stops = {_day(m) for d in descriptions for m in _TERMINATED.findall(d)}
    stop = min(stops) if stops else end
    if stop > end:
        raise SystemExit(f"{heading}: terminated on {stop}, after the end of IEEPA duties ({end})")
    why_end = END_REFERENCE if stop == end else f"provision terminated as of {stop} (compiler's note, HTSUS)"
    # the Federal Register citation, where the compiler's note gives it
    cited = {f"{m.group(1)} FR {m.group(2)}" for d in descriptions for m in [_ORDER.search(d)] if m}
    law = spec["law"].replace(")", f"; {cited.pop()})") if cited else spec["law"]
    order = law.split(" (")[0]
    first, last = printed[0][0], printed[-1][0]
    where = f"HTSUS {first.replace('_', ' ')} - {last.replace('_', ' ')}"
    common = {
        "program": "ieepa_country",
        "base": "full",
        "origins": [iso],
        "valid_from": start,
        "valid_to": stop,
    }
    unchecked: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    for h, why in spec["unchecked"].items():
        desc = _exempt(h, texts)
        if h in compiled:
            skipped[h] = compiled[h]
            continue
        until = [_day(m) for m in _BEFORE.findall(desc)]
        item: dict[str, Any] = {"heading": h, "why": why.format(until=until[-1] if until else "")}
        if "{until}" in why:
            item["valid_to"] = until[-1]
        unchecked.append(item)
        skipped[h] = f"not an entry fact: asked about on every line of {heading} ({item['why']})"
    _exempt(spec["section232"], texts)
    skipped[spec["section232"]] = (
        "Section 232 goods: applied in stacking (none on the value Section 232 taxes)"
    )
    duty = {
        "title": f"IEEPA {spec['name']} ({order})",
        **common,
        "heading": heading,
        "rate": int(rate) if rate.isdigit() else rate,
        "scope": "everything",
        "section232_heading": spec["section232"],
        "reference": f"{law}, {spec['note']}; heading {heading} '{rate_text}' ({where}); {why_end}",
        "confidence": "T",
    }
    measures: list[dict[str, Any]] = []
    if "annex" in spec:
        annex, aircraft, later = spec["annex"], spec["civil_aircraft"], spec["revised"]
        desc = _exempt(annex, texts)
        measures.append(
            {
                "id": f"ieepa_{iso.lower()}_{annex.replace('.', '_')[5:]}",
                "title": f"IEEPA {spec['name']}: Annex I of {order}, no additional duty",
                **common,
                "heading": annex,
                "rate": 0,
                "scope": "brazil_annex_i",
                "exemption": True,
                "reference": f"{law}, {spec['note']}(iii); heading {annex} '{NO_CHANGE}': {desc} ({where}); "
                f"{why_end}",
                "confidence": "T",
            }
        )
        _exempt(aircraft, texts)
        _exempt(later, texts)
        revised_item = {
            "heading": f"{annex}, {later}",
            "why": REVISED.format(day=revised),
            "valid_from": revised,
        }
        if annex in compiled:  # the revised list of (x)(iii)(a) is compiled; (b) names articles, not codes
            revised_item = {"heading": later, "why": PARTICULAR.format(day=revised), "valid_from": revised}
        unchecked.append(revised_item)
        measures.append(
            {
                "id": f"ieepa_{iso.lower()}_{heading.replace('.', '_')[5:]}_civil_aircraft",
                **duty,
                "title": duty["title"] + ", a provision of civil aircraft",
                "scope": "brazil_annex_i_civil_aircraft",
                "unchecked": [{"heading": aircraft, "why": CIVIL_AIRCRAFT}, *unchecked],
            }
        )
        skipped[annex] = compiled.get(annex) or (
            f"the provisions of note 2(x)(iii) as of {start}: compiled (tariffs/{ANNEX}); "
            + revised_item["why"]
        )
        skipped[aircraft] = (
            f"not an entry fact: asked about on the provisions of note 2(x)(iv) ({CIVIL_AIRCRAFT})"
        )
        skipped[later] = revised_item["why"]
    measures.append(
        {"id": f"ieepa_{iso.lower()}_{heading.replace('.', '_')[5:]}", **duty, "unchecked": unchecked}
    )
    return measures, skipped


def compile_measures(data: Path, annex: Path) -> tuple[list[dict[str, Any]], dict[str, str], str]:
    texts = read_texts(data)
    end = end_of_ieepa(data)
    revised = str(yaml.safe_load(annex.read_text(encoding="utf-8"))["revised"]["valid_from"])
    lists = annex.parent / LISTS
    compiled: dict[str, str] = {}
    if lists.is_file():
        for m in yaml.safe_load(lists.read_text(encoding="utf-8"))["measures"]:
            if m["program"] == "ieepa_country":
                compiled[m["heading"]] = f"compiled as exemptions from lists of U.S. note 2 (tariffs/{LISTS})"
    measures: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    for iso, spec in COUNTRIES.items():
        found, why = compile_country(iso, spec, texts, end, revised, compiled)
        measures += found
        skipped.update(why)
    missing = sorted(set(texts) - skipped.keys() - {m["heading"] for m in measures})
    if missing:
        raise SystemExit(f"headings of {FIRST}-{LAST} neither compiled nor listed: {missing}")
    return measures, skipped, end


def build(data: Path, out: Path = DEFAULT_OUT) -> bytes:
    measures, skipped, end = compile_measures(data, out / ANNEX)
    header = [
        "# IEEPA duties of a country's own order on top of the reciprocal rate (Brazil EO 14323, India",
        f"# EO 14329), compiled by tools/law/build_ieepa_country.py from headings {FIRST}-{LAST[7:]} of",
        "# every HTSUS revision: do not edit.",
        f"# source: {SOURCE}",
        f"# licence: {LICENCE}",
        f"# end: {end} at the latest, {END_REFERENCE}",
        f"# {len(measures)} measures; {len(skipped)} headings not compiled as measures (listed with the "
        "reason)",
    ]
    body = {
        "measures": measures,
        "not_compiled": [{"heading": h, "why": w} for h, w in sorted(skipped.items())],
    }
    text = yaml.dump(body, Dumper=_Plain, sort_keys=False, allow_unicode=True, width=110)
    return ("\n".join(header) + "\n" + text).encode("utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    return run_builder(argv, __doc__.splitlines()[0], build, NAME)


if __name__ == "__main__":
    raise SystemExit(main())
