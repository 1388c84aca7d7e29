"""Compile the IEEPA reciprocal duties (EO 14257 as amended) from the chapter 99 text of every revision.

Reads the headings 9903.01.25-9903.01.76 and 9903.02.01-9903.02.99 of each HTSUS revision
(``<data>/hts/revisions/*.json.gz``, ``<data>/hts/hts_2026_rev_10.json.gz``; the dates from
``<data>/hts/revision_dates.csv``, as ``build_hts.py`` dates chapter 99) and writes
``src/tmec/law/tariffs/ieepa_reciprocal.yaml``: one measure of the ``ieepa_reciprocal`` program per
heading and stretch of revisions in which its rate, its countries and its status did not change.

What is read from the text, never retyped:

* the heading, its rate ("The duty provided in the applicable subheading + 15%": 15 % on top of
  column 1; "15%" with "a rate of duty under column 1 ... less than 15 percent": a floor, the duty is
  what column 1 lacks of 15 %, paired with its "equal to or greater than 15 percent" heading, under
  which nothing more is due);
* its countries ("articles the product of Israel, Malawi, Philippines, or Zambia"), mapped to ISO
  codes by :data:`COUNTRIES` (names only; an unknown name stops the build);
* its validity: from the day the revision that prints it takes effect, or the later day the text
  names ("in transit ... before 12:01 a.m. eastern daylight time on April 9, 2025"), to the day of
  the first revision that changes it, drops it or marks it "[Compiler's note: provision suspended.]"
  or "provision terminated" — and at the latest to the end of every IEEPA duty (:data:`END`): the
  revisions keep printing the headings after *Learning Resources v. Trump*; the end is the revision
  the dates file marks "IEEPA invalidated" (2026 rev 4, 2026-02-24: CBP CSMS #67834313).

What the text does not say: the floors that a later order dated back (Japan's to 2025-08-07,
Switzerland's, Liechtenstein's and Korea's to 2025-11-14: :data:`RETROACTIVE`, each with its order or
notice; Korea's as CBP's CSMS #67045953 states it).
In law they apply from then; the revisions' days are kept as those of the duty deposited at entry.

Exemptions that are data: Canada and Mexico (9903.01.26/.27, "the duty provided in the applicable
subheading"), the countries of general note 3(b) (9903.01.29; the column 2 countries of the
parameter ``tariffs.column2_countries``).  Section 232 goods (9903.01.33) are spared in stacking
(``tmec.tariffs.stacking``).  Every other heading of the ranges is listed under ``not_compiled``
with the reason (a product list of U.S. note 2 that the data lacks, a condition an entry does not
carry), so that nothing is dropped silently.

Usage: ``python tools/law/build_ieepa_reciprocal.py [--data ../shared/data] [--out DIR]``;
``tests/tariffs/test_ieepa_reciprocal.py`` regenerates the file when the data is present.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_hts import LICENCE, SOURCE, clean, revision_files  # a sibling script
from builder_cli import run_builder

NAME = "ieepa_reciprocal.yaml"
ROOT = Path(__file__).resolve().parents[2]
COLUMN2 = ROOT / "src" / "tmec" / "law" / "params" / "tariffs" / "column2_countries.yaml"
END_EVENT = "IEEPA invalidated"  # the revision_dates.csv note of the revision from which IEEPA ended
END_REFERENCE = (
    "ended by EO of 20 Feb 2026 after Learning Resources v. Trump (CBP CSMS #67834313, from 2026-02-24)"
)
LAW = "EO 14257 (2 Apr 2025) as amended (EO 14266, EO 14326 and later orders)"

# The EU's 27 members (the headings name "the European Union"); Council of the EU, since 2020-02-01.
EU = (
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
)  # fmt: skip
# Country names as the headings print them -> ISO 3166 alpha-2 (a name not here stops the build).
COUNTRIES: dict[str, tuple[str, ...]] = {
    "afghanistan": ("AF",), "algeria": ("DZ",), "angola": ("AO",), "bangladesh": ("BD",),
    "bolivia": ("BO",), "bosnia and herzegovina": ("BA",), "botswana": ("BW",), "brazil": ("BR",),
    "brunei": ("BN",), "cambodia": ("KH",), "cameroon": ("CM",), "canada": ("CA",), "chad": ("TD",),
    "china, including hong kong and macau": ("CN", "HK", "MO"), "costa rica": ("CR",),
    "côte d'ivoire": ("CI",), "democratic republic of the congo": ("CD",), "ecuador": ("EC",),
    "equatorial guinea": ("GQ",), "european union": EU, "falkland islands": ("FK",),
    "fiji": ("FJ",), "ghana": ("GH",), "guyana": ("GY",), "iceland": ("IS",), "india": ("IN",),
    "indonesia": ("ID",), "iraq": ("IQ",), "israel": ("IL",), "japan": ("JP",), "jordan": ("JO",),
    "kazakhstan": ("KZ",), "laos": ("LA",), "lesotho": ("LS",), "libya": ("LY",),
    "liechtenstein": ("LI",), "madagascar": ("MG",), "malawi": ("MW",), "malaysia": ("MY",),
    "mauritius": ("MU",), "mexico": ("MX",), "moldova": ("MD",), "mozambique": ("MZ",),
    "myanmar (burma)": ("MM",), "namibia": ("NA",), "nauru": ("NR",), "new zealand": ("NZ",),
    "nicaragua": ("NI",), "nigeria": ("NG",), "north macedonia": ("MK",), "norway": ("NO",),
    "pakistan": ("PK",), "papua new guinea": ("PG",), "philippines": ("PH",), "serbia": ("RS",),
    "south africa": ("ZA",), "south korea": ("KR",), "sri lanka": ("LK",), "switzerland": ("CH",),
    "syria": ("SY",), "taiwan": ("TW",), "thailand": ("TH",), "trinidad and tobago": ("TT",),
    "tunisia": ("TN",), "turkey": ("TR",), "uganda": ("UG",), "united kingdom": ("GB",),
    "vanuatu": ("VU",), "venezuela": ("VE",), "vietnam": ("VN",), "zambia": ("ZM",),
    "zimbabwe": ("ZW",),
}  # fmt: skip
# Headings of the ranges that carry no country rate, and why they are not measures.
NOT_COMPILED = {
    "9903.01.28": "goods in transit before 2025-04-05: the entry does not say when the goods were loaded",
    "9903.01.30": "donations (U.S. note 2(v)(ii)): the entry does not say",
    "9903.01.31": "informational materials: the entry does not say",
    "9903.01.32": "the Annex II product list of U.S. note 2(v)(iii)(a), which the HTSUS JSON does not carry: "
    "compiled from the notes' text by tools/law/build_ieepa_annex_ii.py (ieepa_annex_ii.yaml)",
    "9903.01.33": "Section 232 goods: applied in stacking (none on the value Section 232 taxes)",
    "9903.01.34": "the U.S. content of goods with at least 20 % of it (U.S. note 2(v)(xii)): not modelled",
    "9903.02.01": "goods CBP finds transshipped (+40 %): a determination, not an entry fact",
}
# The country lists of U.S. note 2 compiled from the notes' text by tools/law/build_ieepa_floor_lists.py.
FLOOR_LISTS = {
    h: f"the product list of U.S. note {note}, which the HTSUS JSON does not carry: compiled from the notes' "
    "text by tools/law/build_ieepa_floor_lists.py (ieepa_floor_lists.yaml)"
    + (" where the entry declares the product unpatented for pharmaceutical use" if pharma else "")
    for h, note, pharma in (
        ("9903.02.74", "2(v)(xx)", False),
        ("9903.02.77", "2(v)(xxiii)", True),
        ("9903.02.84", "2(v)(xxv)(b)", False),
        ("9903.02.86", "2(v)(xxv)(d)", True),
        ("9903.02.89", "2(v)(xxv)(b)", False),
        ("9903.02.91", "2(v)(xxv)(d)", True),
    )
}
_RATE_ADD = re.compile(r"^The duty provided in the applicable subheading ?\+ ?(\d+(?:\.\d+)?)%$")
_RATE_FLOOR = re.compile(r"^(\d+(?:\.\d+)?)%$")
NO_CHANGE = "The duty provided in the applicable subheading"
_PRODUCT_OF = re.compile(
    r"(?:articles|goods) the product of (.+?)"
    r"(?:,? as provided|, with an ad valorem| that are|, classified|$)",
    re.I,
)
_THRESHOLD = re.compile(r"(equal to or greater than|less than) (\d+(?:\.\d+)?) percent")
_STATED = re.compile(r"before 12:01 a\.m\. eastern daylight time on (\w+ \d{1,2}, \d{4})")
_COMPILER = re.compile(r"\[Compiler's note: (?:this )?provision (?:was )?(suspended|terminated)", re.I)

# Floors that a later order dated back before the revision that first prints them: country ->
# (floor heading, the legal start, the primary text).  In law the floor applies from that day and the
# country's earlier rate ends then; the duty deposited at entry kept the revisions' days, which the
# measures keep as ``deposited_from`` / ``deposited_to`` (``--basis deposited``).  Each text and its
# words are checked by tests/tariffs/test_ieepa_retroactive.py against the copies named (commits below).
WH_BRIEFINGS = ("brian14708/wh-briefings", "52fd51b73f1800cc650ee3902397278448053780")
TRACKER = ("arifshehab/tariff-rate-tracker", "b7b80a410be746d991807bfd1b98cff3a3d9257e")
JAPAN_EO = "presidential-actions/2025-09/2025-09-04-implementing-the-united-states-japan-agreement.md"
SWISS_NOTICE = "docs/federal-register/2025-23316.pdf"
JAPAN = (
    "EO of 4 Sep 2025 'Implementing the United States-Japan Agreement' (whitehouse.gov), sec. 2(d): the "
    "floor 'shall apply retroactively to products of Japan entered for consumption ... on or after 12:01 "
    "a.m. eastern daylight time on August 7, 2025' (copy: GitHub brian14708/wh-briefings)"
)
SWISS = (
    "USTR and Commerce notice 'Implementing Certain Tariff-Related Elements of the Framework for a United "
    "States-Switzerland-Liechtenstein Agreement', FR Doc. 2025-23316 (90 FR 59281, 18 Dec 2025), DATES: "
    "its Annex II 'effective with respect to goods entered for consumption ... on or after 12:01 a.m. "
    "eastern time on November 14, 2025' (copy: GitHub arifshehab/tariff-rate-tracker)"
)
# Korea: USTR and Commerce notice 2025-21940 (90 FR 55964, 4 Dec 2025) dated its Part B back; its DATES
# text was not readable (only the notice's opening is in the pages searched), so the day is CBP's own
# instruction to filers implementing it, a U.S. Government message read on 2026-12-07.
KOREA = (
    "USTR and Commerce notice 'Implementing Certain Tariff-Related Elements of the U.S.-Korea Strategic "
    "Trade and Investment Deal', FR Doc. 2025-21940 (90 FR 55964, 4 Dec 2025), as CBP implements it in CSMS "
    "#67045953 (correcting CSMS #66987366 of 3 Dec 2025): 'The reciprocal tariff for products of South "
    "Korea, entered for consumption or withdrawn from warehouse for consumption on or after 12:01 a.m. "
    "eastern time November 14, 2025, is dependent on the Column 1 ad valorem ... duty rate' (copy: "
    "https://content.govdelivery.com/accounts/USDHSCBP/bulletins/3ff0a41, read 2026-12-07; the notice's "
    "own DATES text not seen)"
)
RETROACTIVE = {
    "JP": ("9903.02.73", "2025-08-07", JAPAN),
    "KR": ("9903.02.80", "2025-11-14", KOREA),
    "CH": ("9903.02.83", "2025-11-14", SWISS),
    "LI": ("9903.02.88", "2025-11-14", SWISS),
}


@dataclass(frozen=True)
class Reading:
    """What one revision's text of one heading says."""

    kind: str  # add | floor | floor_met | none
    rate: str  # percent, as printed
    countries: tuple[str, ...]  # ISO codes; () for "any country"
    names: str  # the countries as printed
    status: str  # active | suspended | terminated
    stated: str  # a later start day the text names (ISO), or ""
    text: str  # the rate column as printed


def _countries(names: str, heading: str) -> tuple[str, ...]:
    key = names.lower().replace("`", "'").replace("\u2019", "'").removeprefix("the ").strip()
    if key in COUNTRIES:
        return COUNTRIES[key]
    parts = re.split(r",\s*(?:or\s+)?|\s+or\s+", key)
    out: list[str] = []
    for part in parts:
        part = part.strip().removeprefix("the ").strip()
        if part not in COUNTRIES:
            raise SystemExit(f"{heading}: country {part!r} (in {names!r}) is not in COUNTRIES")
        out.extend(COUNTRIES[part])
    return tuple(out)


def read_heading(heading: str, general: str, description: str) -> Reading | None:
    """The heading's rate, countries and status; None when it names no country (any country: the
    baseline 9903.01.25 and the exemptions, handled by their own rules)."""
    status = "active"
    note = _COMPILER.search(description)
    if note:
        status = note.group(1).lower()
    stated = ""
    day = _STATED.search(description)
    if day:
        stated = dt.datetime.strptime(day.group(1), "%B %d, %Y").date().isoformat()
    found = _PRODUCT_OF.search(description)
    names = found.group(1).strip() if found else ""
    if names.lower().startswith("any country"):
        countries: tuple[str, ...] = ()
    elif not names:
        return None
    else:
        countries = _countries(names, heading)
    threshold = _THRESHOLD.search(description)
    if (m := _RATE_ADD.match(general)) is not None:
        kind, rate = "add", m.group(1)
    elif (m := _RATE_FLOOR.match(general)) is not None:
        if not threshold or threshold.group(1) != "less than" or threshold.group(2) != m.group(1):
            raise SystemExit(f"{heading}: rate {general!r} without 'less than {m.group(1)} percent'")
        kind, rate = "floor", m.group(1)
    elif general == NO_CHANGE and threshold and threshold.group(1) == "equal to or greater than":
        kind, rate = "floor_met", threshold.group(2)
    elif general in (NO_CHANGE, ""):
        kind, rate = "none", "0"
    else:
        raise SystemExit(f"{heading}: rate text {general!r} not understood")
    return Reading(kind, rate, countries, names, status, stated, general)


def _in_range(heading: str) -> bool:
    return "9903.01.25" <= heading <= "9903.01.76" or heading.startswith("9903.02.")


def read_revisions(data: Path) -> tuple[list[dict[str, Any]], dict[str, list[tuple[str, str, str]]]]:
    """Each revision (label, chapter 99 date, sha256), and per heading of the ranges its text in each
    revision: [(revision, general, description)]."""
    revisions: list[dict[str, Any]] = []
    texts: dict[str, list[tuple[str, str, str]]] = {}
    for label, day, in_force, path in revision_files(data):
        raw = path.read_bytes()
        revisions.append(
            {"revision": label, "effective_date": day, "chapter99_from": in_force,
             "sha256": hashlib.sha256(raw).hexdigest()}
        )  # fmt: skip
        for r in json.loads(gzip.decompress(raw)):
            heading = clean(r.get("htsno"))
            if _in_range(heading):
                texts.setdefault(heading, []).append(
                    (label, clean(r.get("general")), clean(r.get("description")))
                )
    return revisions, texts


def end_of_ieepa(data: Path) -> str:
    with (data / "hts" / "revision_dates.csv").open(encoding="utf-8", newline="") as fh:
        days = [row["effective_date"] for row in csv.DictReader(fh) if END_EVENT in row["policy_event"]]
    if len(days) != 1:
        raise SystemExit(f"revision_dates.csv: expected one revision noted {END_EVENT!r}, found {days}")
    return days[0]


def _column2() -> list[str]:
    values = yaml.safe_load(COLUMN2.read_text(encoding="utf-8"))["values"]
    return sorted(values[max(d for d in values if str(d) <= "2025-04-05")]["value"])


@dataclass
class Stretch:
    """A run of revisions in which one heading's reading did not change."""

    heading: str
    reading: Reading
    first: str  # revision
    last: str
    start: str  # ISO day
    end: str  # ISO day (exclusive)


def stretches(
    revisions: list[dict[str, Any]], texts: dict[str, list[tuple[str, str, str]]], end: str
) -> tuple[list[Stretch], dict[str, str]]:
    """The active stretches of every heading with a country rate, and the headings not compiled."""
    order = [r["revision"] for r in revisions]
    start_of = {r["revision"]: r["chapter99_from"] for r in revisions}
    out: list[Stretch] = []
    skipped: dict[str, str] = {}
    for heading in sorted(texts):
        by_rev = {rev: (general, desc) for rev, general, desc in texts[heading]}
        if heading in NOT_COMPILED:
            skipped[heading] = NOT_COMPILED[heading]
            continue
        current: Stretch | None = None
        kinds: set[str] = set()
        for rev in [*order, None]:
            reading = None
            if rev is not None and rev in by_rev:
                reading = read_heading(heading, *by_rev[rev])
            if reading is not None:
                kinds.add(reading.kind)
            live = reading is not None and reading.status == "active" and reading.kind != "none"
            same = (
                current is not None
                and reading is not None
                and live
                and (reading.kind, reading.rate, reading.countries)
                == (current.reading.kind, current.reading.rate, current.reading.countries)
            )
            if current is not None and not same:
                current.end = min(start_of[rev] if rev is not None else end, end)
                out.append(current)
                current = None
            if current is not None and rev is not None and start_of[rev] < end:
                current.last = rev  # the last revision printing it while it is in force
            if live and current is None and reading is not None and rev is not None:
                day = max(start_of[rev], reading.stated)
                current = Stretch(heading, reading, rev, rev, day, "")
        if (not kinds or kinds == {"none"}) and heading in FLOOR_LISTS:
            skipped[heading] = FLOOR_LISTS[heading]
        elif not kinds or kinds == {"none"}:
            first = texts[heading][0][2]
            skipped[heading] = (
                "no additional duty on products named by a list or use of U.S. note 2 that the HTSUS JSON "
                f"does not carry: {first[:160]}"
            )
    return [s for s in out if s.start < s.end], skipped


def _title(s: Stretch) -> str:
    names = s.reading.names if s.reading.countries else "any country"
    names = re.sub(r"^the ", "", names)
    if s.reading.kind == "floor":
        return f"IEEPA reciprocal, {names} ({s.reading.rate} % inclusive of column 1)"
    return f"IEEPA reciprocal, {names}"


def _measure(s: Stretch, floor_met: dict[tuple[str, tuple[str, ...], str], str], end: str) -> dict[str, Any]:
    r = s.reading
    why = END_REFERENCE if s.end == end else f"superseded, suspended or terminated from {s.end} (HTSUS text)"
    m: dict[str, Any] = {
        "id": f"ieepa_recip_{s.heading.replace('.', '_')[5:]}_{s.start.replace('-', '')}",
        "program": "ieepa_reciprocal",
        "title": _title(s),
        "heading": s.heading,
        "rate": r.rate if "." in r.rate else int(r.rate),
        "base": "full",
        "scope": "everything",
    }
    if r.countries:
        m["origins"] = sorted(set(r.countries))
    if r.kind == "floor":
        m["floor"] = True
        met = floor_met.get((s.first, r.countries, r.rate))
        if met is None:
            raise SystemExit(
                f"{s.heading} ({s.first}): no 'equal to or greater than {r.rate} percent' heading"
            )
        m["floor_met_heading"] = met
    m["valid_from"] = s.start
    m["valid_to"] = s.end
    m["reference"] = (
        f"{LAW}; heading {s.heading} '{r.text}', U.S. note 2(v) (HTSUS {s.first.replace('_', ' ')}"
        f"{'' if s.first == s.last else ' - ' + s.last.replace('_', ' ')}); {why}"
    )
    m["confidence"] = "T"
    return m


def compile_measures(data: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, str], str]:
    revisions, texts = read_revisions(data)
    end = end_of_ieepa(data)
    found, skipped = stretches(revisions, texts, end)
    floor_met = {
        (s.first, s.reading.countries, s.reading.rate): s.heading
        for s in found
        if s.reading.kind == "floor_met"
    }
    countries = [s for s in found if s.reading.countries and s.reading.kind in ("add", "floor")]
    baseline = [s for s in found if not s.reading.countries and s.reading.kind == "add"]
    first = revisions[0]["chapter99_from"]
    exemptions: list[dict[str, Any]] = []
    for heading, origins, what in (
        ("9903.01.26", ["CA"], "Canada (U.S. note 2(v)(iv))"),
        ("9903.01.27", ["MX"], "Mexico (U.S. note 2(v)(v))"),
        ("9903.01.29", _column2(), "the countries of general note 3(b) (column 2)"),
    ):
        [(rev, general, description)] = texts[heading][:1]
        start = next(r["chapter99_from"] for r in revisions if r["revision"] == rev)
        if general not in (NO_CHANGE, "") or start < first:
            raise SystemExit(f"{heading}: expected no additional duty, found {general!r}")
        exemptions.append(
            {
                "id": f"ieepa_recip_{heading.replace('.', '_')[5:]}",
                "program": "ieepa_reciprocal",
                "title": f"IEEPA reciprocal: {what}, no reciprocal duty",
                "heading": heading,
                "rate": 0,
                "base": "full",
                "scope": "everything",
                "origins": origins,
                "exemption": True,
                "valid_from": start,
                "valid_to": end,
                "reference": f"{LAW}; heading {heading} '{general or '(no rate printed)'}': {description}; "
                f"{END_REFERENCE}",
                "confidence": "T",
            }
        )
        skipped.pop(heading, None)
    # exceptions first (the first match wins), then the country rates, then every other country
    ordered = exemptions + [_measure(s, floor_met, end) for s in countries + baseline]
    for country, (heading, start, text) in RETROACTIVE.items():
        date_back(ordered, country, heading, start, text)
    return ordered, revisions, skipped, end


def date_back(measures: list[dict[str, Any]], country: str, heading: str, start: str, text: str) -> None:
    """The floor ``heading`` of ``country`` in law from ``start`` (as ``text`` orders), its earlier
    rates ending then; the revisions' days kept as the deposited ones."""
    floors = [m for m in measures if m["heading"] == heading and m.get("origins") == [country]]
    if not floors or not floors[0].get("floor") or start >= floors[0]["valid_from"]:
        raise SystemExit(f"{heading} ({country}): expected a floor first printed after {start}")
    floor = floors[0]
    printed = floor["valid_from"]
    floor["deposited_from"], floor["valid_from"] = printed, start
    floor["reference"] += f"; in force from {start} by {text}, deposited at entry from {printed}"
    for m in measures:
        if country not in m.get("origins", []) or m.get("exemption") or m is floor:
            continue
        if m["valid_from"] < printed and m["valid_to"] > start:
            if m["origins"] != [country] or m["valid_to"] != printed:
                raise SystemExit(
                    f"{m['heading']} ({m['origins']}): cannot end at {start} for {country} alone"
                )
            m["deposited_to"], m["valid_to"] = m["valid_to"], max(start, m["valid_from"])
            m["reference"] += f"; in law replaced from {start} by the floor {heading}, retroactively"


def build(data: Path) -> bytes:
    measures, revisions, skipped, end = compile_measures(data)
    header = [
        "# IEEPA reciprocal duties (EO 14257 as amended), compiled by tools/law/build_ieepa_reciprocal.py",
        "# from the chapter 99 headings 9903.01.25-.76 and 9903.02.xx of every HTSUS revision: do not edit.",
        f"# source: {SOURCE}",
        f"# licence: {LICENCE}",
        f"# end: {end}, {END_REFERENCE}",
        f"# {len(measures)} measures; {len(skipped)} headings not compiled (listed with the reason)",
    ]
    body = {
        "source": {
            "builder": "tools/law/build_ieepa_reciprocal.py",
            "licence": LICENCE,
            # each revision read: the day its chapter 99 takes effect, and the sha256 of its file
            "revisions": {r["revision"]: f"{r['chapter99_from']} sha256:{r['sha256']}" for r in revisions},
        },
        "measures": measures,
        "not_compiled": [{"heading": h, "why": why} for h, why in sorted(skipped.items())],
    }
    source = yaml.safe_dump({"source": body.pop("source")}, sort_keys=False, width=110)
    text = yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=110, default_flow_style=None)
    return ("\n".join(header) + "\n" + source + text).encode("utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    return run_builder(argv, __doc__.splitlines()[0], lambda data, _out: build(data), NAME)


if __name__ == "__main__":
    raise SystemExit(main())
