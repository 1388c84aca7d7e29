"""Compile the Section 232 auto and auto-parts country arrangements (Proc. 10908 as amended for the
United Kingdom, Japan, the European Union, Korea and Taiwan; headings 9903.94.31-.69) from the text of
chapter 99 and of U.S. note 33.

Each arrangement is the heading that takes the place of 9903.94.01 (vehicles) or 9903.94.05 (parts)
for goods of one country:

* the United Kingdom (note 33(i), (j)): 9903.94.31, +7.5 % on the passenger vehicles of 8703 that
  note 33(i) lists, within a yearly quota of vehicles that tmec cannot check: only when the importer
  claims the quota (the entry's ``metals_relief: uk_vehicle_quota``; not claimed, 9903.94.01 at 25 %);
  9903.94.32 on the parts of the statistical reporting numbers note 33(j) lists: "10%", which EO 14309
  sec. 2(b) makes "a total tariff of 10 percent (including any most-favored-nation tariffs)", a total
  with column 1 like Japan's 15 % (the heading has no "at or above" twin: reported under it at 0 %);
* Japan (33(k), (l)), the European Union (33(n), (o): its member countries as the note names them),
  Korea (33(s), (t)) and Taiwan (parts only, 9903.94.66/.67): 15 % with column 1 (a floor: the
  additional duty is 15 % less the column 1 rate, none at or above 15 %, reported under the
  "at or above" heading), on the vehicles of note 33(b) (scope ``vehicles``) and the parts of 33(g)
  (scope ``auto_parts``, the list of 9903.94.05).

The days: a heading is in law from the effective date of the first revision that prints it
(``hts_chapter99.tsv``, compiled from ``../shared/data/hts``), unless a text gives an earlier legal
start (:data:`LEGAL_START`), when the days between are a measure of their own, in force in law and
never deposited at entry (``deposited_from`` = ``deposited_to``: CBP collected 25 % until the
revision printed the heading and refunded on correction), with the text's confidence.

The certified-use parts of note 33(p)-(r): 9903.94.07 (+25 %, every country) on the automobile
parts the importer of record certifies for automobile production or repair in the United States,
and in its place the country headings 9903.94.44/.45 (the EU), .54/.55 (Japan), .64/.65 (Korea) and
.68/.69 (Taiwan), 15 % with column 1 like theirs above; 9903.94.33 (10 %) on the parts of the United
Kingdom certified for use in automobiles of the United Kingdom (33(q)).  The certification is not on
the entry line: a fact the importer declares (``metals_relief`` ``auto_part_certified`` /
``uk_auto_part_certified``), asked about on the lines of the parts headings of chapter 87
(:data:`ASKED_WITHIN`) and charged on any line of the note's scope when declared.  Their scope is
every chapter but those note 33(p)(i) names (72, 73, 76), after the parts of 33(g), which go first;
the truck parts of U.S. note 38(i) (not compiled) and the FTA exception of 33(r) (goods qualifying
under EO 14345 or KORUS) are listed in ``not_compiled``.

Sources: chapter 99 of every HTSUS revision (USITC, ``hts_chapter99.tsv``); U.S. note 33 as HTSUS
2026 rev 6 prints it, extracted from its PDF by GitHub ``arifshehab/tariff-rate-tracker``
(``data/us_notes/chapter99_2026_rev_6.txt``; ``--tracker`` or ``TMEC_TARIFF_TRACKER``).

Usage: ``python tools/law/build_s232_auto_arrangements.py --tracker GITDIR [--out DIR]``;
``tests/tariffs/test_s232_auto_arrangements.py`` regenerates the file when ``TMEC_TARIFF_TRACKER`` is set.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_s232_wood_semiconductors import COMMIT, NOTES, REPO  # a sibling script, not a package
from builder_cli import DEFAULT_OUT, git_show, run_builder

NAME = "s232_auto_arrangements.yaml"
CHAPTER99 = "hts_chapter99.tsv"
# the bundled measure before which the arrangements go (they are exceptions to it and to 9903.94.05)
BEFORE = "s232_autos_vehicle"
MEASURES = "measures.yaml"  # the bundled measures: the general-purpose provisions of note 33(g)
PROC = "Proc. 10908 (26 Mar 2025) as amended"
# The European Union's member countries as note 33(n) names them.
EU_NAMES = {
    "Austria": "AT", "Belgium": "BE", "Bulgaria": "BG", "Croatia": "HR", "Cyprus": "CY",
    "Czechia (Czech Republic)": "CZ", "Denmark": "DK", "Estonia": "EE", "Finland": "FI", "France": "FR",
    "Germany": "DE", "Greece": "GR", "Hungary": "HU", "Ireland": "IE", "Italy": "IT", "Latvia": "LV",
    "Lithuania": "LT", "Luxembourg": "LU", "Malta": "MT", "Netherlands": "NL", "Poland": "PL",
    "Portugal": "PT", "Romania": "RO", "Slovakia": "SK", "Slovenia": "SI", "Spain": "ES", "Sweden": "SE",
}  # fmt: skip
# (id, country, title's goods, heading, heading when column 1 is at or above the rate ("" for a duty
#  added to column 1, "=" for a total with column 1 that has no such heading), rate, scope, the
#  note's subdivisions, the law that sets it)
JAPAN = "EO 14345 of 4 Sep 2025 'Implementing the United States-Japan Agreement' sec. 4"
EU = "USTR and Commerce notice of 25 Sep 2025 implementing the U.S.-EU Framework Agreement"
KOREA = "USTR and Commerce notice FR Doc. 2025-21940 (90 FR 55964, 4 Dec 2025) Annex part A"
TAIWAN = "the US-Taiwan agreement as implemented by HTSUS 2026 rev 9 (dated 2026-05-01 by its change record)"
_UK = (
    "EO 14309 of 16 Jun 2025 'Implementing the General Terms of the United States of America-United Kingdom "
    "Economic Prosperity Deal' sec. 2({}): {} (copy: GitHub brian14708/wh-briefings), notice 90 FR 27851 "
    "(30 Jun 2025)"
)
UK_VEHICLES = _UK.format("a", "'a 7.5 percent tariff, in addition to the most-favored-nation rate'")
UK_PARTS = _UK.format(
    "b",
    "'a total tariff of 10 percent (including any most-favored-nation tariffs)', as CBP CSMS #65475725 "
    "files it (10 % reported on 9903.94.32, none on the chapter 1-97 line)",
)
ARRANGEMENTS = (
    (
        "uk_vehicle",
        "GB",
        "passenger vehicles within the quota",
        "9903.94.31",
        "",
        "7.5",
        "s232_autos_uk_vehicles",
        "33(i)",
        UK_VEHICLES,
    ),
    ("uk_parts", "GB", "parts", "9903.94.32", "=", "10", "s232_autos_uk_parts", "33(j)", UK_PARTS),
    (
        "japan_vehicle",
        "JP",
        "passenger vehicles and light trucks",
        "9903.94.41",
        "9903.94.40",
        "15",
        "vehicles",
        "33(k), (m)",
        JAPAN,
    ),
    ("japan_parts", "JP", "parts", "9903.94.43", "9903.94.42", "15", "auto_parts", "33(l), (m)", JAPAN),
    (
        "eu_vehicle",
        "EU",
        "passenger vehicles and light trucks",
        "9903.94.51",
        "9903.94.50",
        "15",
        "vehicles",
        "33(m), (n)",
        EU,
    ),
    ("eu_parts", "EU", "parts", "9903.94.53", "9903.94.52", "15", "auto_parts", "33(m), (o)", EU),
    (
        "korea_vehicle",
        "KR",
        "passenger vehicles and light trucks",
        "9903.94.61",
        "9903.94.60",
        "15",
        "vehicles",
        "33(m), (s)",
        KOREA,
    ),
    ("korea_parts", "KR", "parts", "9903.94.63", "9903.94.62", "15", "auto_parts", "33(g), (m), (t)", KOREA),
    (
        "taiwan_parts",
        "TW",
        "parts",
        "9903.94.67",
        "9903.94.66",
        "15",
        "auto_parts",
        "33(g), (m), (u)",
        TAIWAN,
    ),
)
COUNTRY = {
    "GB": "the United Kingdom",
    "JP": "Japan",
    "EU": "the European Union",
    "KR": "South Korea",
    "TW": "Taiwan",
}
# A legal start before the first revision printing the heading: country -> (day, what says so, confidence).
LEGAL_START = {
    "EU": (
        "2025-08-01",
        "the notice of 25 Sep 2025, Annex II: for autos and parts entered on or after 12:01 a.m. eastern "
        "daylight time on 1 Aug 2025 (as CBP CSMS #66336270 and the trade press report it; the notice's "
        "text is not in the copies read)",
        "S",
    ),
    "KR": (
        "2025-11-01",
        "FR Doc. 2025-21940: the autos and parts of its Annex part A entered on or after 12:01 a.m. eastern "
        "time on 1 Nov 2025 (CBP CSMS #66987366; govinfo.gov FR-2025-12-04 2025-21940, as reported: the "
        "dating text is not in the copies read)",
        "S",
    ),
}
# The certified-use parts (note 33(p)-(r)), in the same shape, with the fact the importer declares;
# after every other autos measure (``certified_after``: the parts of 33(g) and the trucks go first).
CERTIFIED_AFTER = "s232_buses"
CERT = "s232_autos_certified_parts"
# the heading is first printed by the revision in force on 2025-11-01, the day Proc. 10984 took effect
P_CERT = "the certified-use parts of U.S. note 33(p) (HTSUS from 2025-11-01, with Proc. 10984 of 17 Oct 2025)"
CERTIFIED = (
    ("uk_parts_certified", "GB", "parts{of} certified for its automobiles", "9903.94.33", "=", "10", CERT,
     "33(q)", UK_PARTS, "uk_auto_part_certified"),
    ("japan_parts_certified", "JP", "parts{of} certified for US production or repair", "9903.94.55",
     "9903.94.54", "15", CERT, "33(m), (r)", JAPAN, "auto_part_certified"),
    ("eu_parts_certified", "EU", "parts{of} certified for US production or repair", "9903.94.45",
     "9903.94.44", "15", CERT, "33(m), (r)", EU, "auto_part_certified"),
    ("korea_parts_certified", "KR", "parts{of} certified for US production or repair", "9903.94.65",
     "9903.94.64", "15", CERT, "33(m), (r), (t)", KOREA, "auto_part_certified"),
    ("taiwan_parts_certified", "TW", "parts{of} certified for US production or repair", "9903.94.69",
     "9903.94.68", "15", CERT, "33(m), (r), (u)", TAIWAN, "auto_part_certified"),
    ("parts_certified", "", "parts certified for US production or repair", "9903.94.07", "", "25",
     CERT, "33(p)", P_CERT, "auto_part_certified"),
)  # fmt: skip
# Where the certification is asked about when not declared: the chapter 87 headings of motor vehicle
# parts (8706 chassis, 8707 bodies, 8708 parts).  Elsewhere a part is charged only when declared.
ASKED_WITHIN = ("8706", "8707", "8708")
NOT_COMPILED = {
    "U.S. note 38(i)": "the parts of medium and heavy-duty vehicles that 9903.94.07 and its country "
    "headings do not apply to (note 33(p)(iii), (r)(iii)): not compiled, such a part declared certified "
    "is charged under them",
    "9903.94.54, .55, .64, .65 (FTA)": "note 33(r): goods qualifying under EO 14345 (Japan) or KORUS are "
    "spared the special rate's addition: not built, a certified part of Japan or Korea is charged the "
    "heading's 15 % with column 1 whatever its claim",
}
_CODE = re.compile(r"(?<![\d.])(\d{4}\.\d{2}\.\d{2}(?:\.?\d{2})?)(?![\d.])")
_MONTH = (
    r"(January|February|March|April|May|June|July|August|September|October|November|December)"
    r" (\d{1,2}), (\d{4})"
)


def note_33(text: str) -> str:
    start = re.search(r"^33\. \(a\)", text, re.MULTILINE)
    end = re.search(r"^35\. ", text[start.end() :], re.MULTILINE) if start else None
    if start is None or end is None:
        raise SystemExit(f"{NOTES}: U.S. note 33 not found")
    return text[start.start() : start.end() + end.start()]


def subdivision(words: str, letter: str, after: str) -> str:
    # the note's own subdivisions open on its headings (33(c)(i), 33(h)(i) are clauses of others)
    opens = r"\) (?:Except as provided for in headings? 9903\.94|Headings? 9903\.94)"
    a = re.search(rf"^\({letter}{opens}", words, re.MULTILINE)
    b = re.search(rf"^\({after}{opens}", words, re.MULTILINE)
    if a is None or b is None or b.start() < a.start():
        raise SystemExit(f"U.S. note 33({letter}) or ({after}) not found")
    return words[a.start() : b.start()]


def codes_listed(body: str, where: str) -> list[str]:
    """The codes a subdivision lists, to the first paragraph after the list."""
    listed = re.split(r"\n\s*\n\s*(?:The aggregate|Any )", body, maxsplit=1)[0]
    codes = [c.replace(".", "") for c in _CODE.findall(listed) if not c.startswith("99")]  # not its heading
    if not codes or len(set(codes)) != len(codes):
        raise SystemExit(f"U.S. note {where}: no codes, or one listed twice")
    return [".".join(p for p in (c[:4], c[4:6], c[6:8], c[8:]) if p) for c in codes]


def eu_members(body: str) -> list[str]:
    m = re.search(r"shall include the following: (.+?)\.\n", body, re.DOTALL)
    if m is None:
        raise SystemExit("U.S. note 33(n): the member countries not found")
    names = [n.strip() for n in " ".join(m.group(1).split()).split(",")]
    unknown = [n for n in names if n not in EU_NAMES]
    if unknown or len(names) != 27:
        raise SystemExit(f"U.S. note 33(n): countries not in EU_NAMES or not 27: {unknown or len(names)}")
    return sorted(EU_NAMES[n] for n in names)


def printed(chapter99: Path, heading: str) -> tuple[str, str, str]:
    """The first day a revision prints ``heading``, its rate column then, and the start its text names."""
    digits = heading.replace(".", "")
    rows = [r.split("\t") for r in chapter99.read_text(encoding="utf-8").splitlines() if r.startswith(digits)]
    if not rows:
        raise SystemExit(f"{chapter99}: {heading} is in no revision")
    stated = {_day(m) for r in rows for m in re.finditer(rf"on or after {_MONTH}", r[-1])}
    return rows[0][1], rows[0][3], min(stated) if stated else ""


def _day(m: re.Match[str]) -> str:
    return dt.datetime.strptime(" ".join(m.groups()), "%B %d %Y").date().isoformat()


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dual_use(measures: Path) -> tuple[str, ...]:
    """The general-purpose provisions of note 33(g) (measures.yaml ``auto_parts_dual_use``), digits."""
    text = measures.read_text(encoding="utf-8")
    block = text[text.index("  auto_parts_dual_use:") :]
    items = block[block.index("[") : block.index("]") + 1]
    return tuple(c.replace(".", "") for c in re.findall(r'"([\d.]+)"', items))


def _declared_twin(fields: dict[str, str]) -> dict[str, str] | None:
    """A parts arrangement on the general-purpose provisions: only when the entry declares a vehicle
    part (metals_relief vehicle_part), as 9903.94.05 there (measures.yaml)."""
    twins = {"auto_parts": "auto_parts_dual_use", "s232_autos_uk_parts": "s232_autos_uk_parts_dual_use"}
    if fields.get("scope") not in twins:
        return None
    twin = dict(fields, id=f"{fields['id']}_declared", scope=twins[fields["scope"]])
    twin["when"] = "{metals_relief: vehicle_part}"
    twin["title"] = fields["title"][:-1] + ', a general-purpose provision declared a vehicle part"'
    return twin


def _measure(fields: dict[str, str]) -> list[str]:
    return [f"  - id: {fields.pop('id')}"] + [f"    {k}: {v}" for k, v in fields.items()]


def build(git_dir: Path, out: Path | None = None) -> bytes:
    raw = git_show(git_dir, COMMIT, NOTES)
    words = note_33(raw.decode("utf-8", errors="replace"))
    copy = f"GitHub {REPO} {NOTES} at commit {COMMIT} sha256 {hashlib.sha256(raw).hexdigest()}"
    chapter99 = (out or DEFAULT_OUT) / CHAPTER99  # the repo's own, compiled from ../shared/data
    origins = {"EU": eu_members(subdivision(words, "n", "o"))}
    uk_vehicles = codes_listed(subdivision(words, "i", "j"), "33(i)")
    uk_all = codes_listed(subdivision(words, "j", "k"), "33(j)")
    dual = dual_use((out or DEFAULT_OUT) / MEASURES)
    uk_parts = [c for c in uk_all if not c.replace(".", "").startswith(dual)]
    uk_dual = [c for c in uk_all if c.replace(".", "").startswith(dual)]
    lines = [
        "# Section 232 autos and parts: the country arrangements of the United Kingdom, Japan, the European",
        "# Union, Korea and Taiwan (9903.94.31-.69), compiled by tools/law/build_s232_auto_arrangements.py;",
        "# do not edit.  Headings, rates and days: chapter 99 of every HTSUS revision (hts_chapter99.tsv,",
        "# compiled from ../shared/data/hts by tools/law/build_hts.py); scopes: U.S. note 33 of HTSUS",
        "# 2026 rev 6",
        f"# source: {copy}",
        "# licence: US Government work (17 USC 105), public domain",
        f"before: {BEFORE}",
        "not_compiled:",
        *(f"  {_quote(h)}: {_quote(why)}" for h, why in NOT_COMPILED.items()),
        "scopes:",
        "  s232_autos_uk_vehicles:",
        "    items: [" + ", ".join(f'"{c}"' for c in uk_vehicles) + "]",
        f'    reference: "{UK_VEHICLES}: the passenger vehicles of the United Kingdom; U.S. note 33(i) '
        '(HTSUS 2026 rev 6)"',
        "    confidence: T",
        "  s232_autos_uk_parts:",
        "    items: [" + ", ".join(f'"{c}"' for c in uk_parts) + "]",
        f'    reference: "{UK_PARTS}: the parts of the United Kingdom; U.S. note 33(j) (HTSUS 2026 rev 6)"',
        "    confidence: T",
        "  s232_autos_certified_parts:",
        "    items: [" + ", ".join(f'"{c}"' for c in chapters_but(excluded_chapters(words))) + "]",
        '    reference: "U.S. note 33(p)(i), (q)(i), (r)(i) (HTSUS 2026 rev 6): every chapter but those '
        'named; the parts of 33(g) and (j) are priced first"',
        "    confidence: T",
        "  s232_autos_certified_asked:",
        "    items: [" + ", ".join(f'"{c}"' for c in ASKED_WITHIN) + "]",
        '    reference: "HTSUS 8706-8708: the chapter 87 headings of motor vehicle parts, where the '
        'certification of U.S. note 33(p)-(r) is asked about when not declared"',
        "    confidence: T",
        "  s232_autos_uk_parts_dual_use:",
        "    items: [" + ", ".join(f'"{c}"' for c in uk_dual) + "]",
        f'    reference: "{UK_PARTS}: the parts of the United Kingdom of general-purpose provisions (scope '
        'auto_parts_dual_use of measures.yaml); U.S. note 33(j) (HTSUS 2026 rev 6)"',
        "    confidence: T",
        "measures:",
    ]  # fmt: skip
    lines += _measures(ARRANGEMENTS, chapter99, origins, "")
    lines += [f"certified_after: {CERTIFIED_AFTER}", "certified_measures:"]
    lines += _measures(CERTIFIED, chapter99, origins, printed(chapter99, "9903.94.07")[0])
    return ("\n".join(lines) + "\n").encode("utf-8")


def excluded_chapters(words: str) -> list[str]:
    """Note 33(p)(i): the chapters whose articles 9903.94.07 does not apply to."""
    m = re.search(r"^\(p\).+?^\(i\) articles classifiable in HTSUS chapters ([\d, or]+);", words, re.M | re.S)
    if m is None:
        raise SystemExit("U.S. note 33(p)(i): the chapters it leaves out not found")
    return re.findall(r"\d{2}", m.group(1))


def chapters_but(left_out: list[str]) -> list[str]:
    """Chapters 01-97 but ``left_out``, as ranges ("01-71", "74-75", "78-97")."""
    kept = [c for c in range(1, 98) if f"{c:02d}" not in left_out and c != 77]  # 77: reserved in the HS
    runs: list[list[int]] = []
    for c in kept:
        if runs and runs[-1][-1] == c - 1:
            runs[-1].append(c)
        else:
            runs.append([c])
    return [f"{r[0]:02d}" if len(r) == 1 else f"{r[0]:02d}-{r[-1]:02d}" for r in runs]


def _measures(
    table: Sequence[tuple[str, ...]], chapter99: Path, origins: dict[str, list[str]], since: str
) -> list[str]:
    """The measures of ``table``; a legal start before ``since`` (the day 9903.94.07 began, for the
    certified parts) is not theirs."""
    lines: list[str] = []
    for ident, cc, goods, heading, met, rate, scope, note, law, *relief in table:
        first, general, stated = printed(chapter99, heading)
        if met and met != "=":
            met_first, _, _ = printed(chapter99, met)
            if met_first != first:
                raise SystemExit(f"{heading} and {met} first printed on different days: {first}, {met_first}")
        of = f" of {COUNTRY[cc]}" if cc else ""
        fields = {
            "id": f"s232_autos_{ident}",
            "program": "s232_vehicles",
            "title": _quote(
                "Section 232 autos, "
                + (goods.format(of=of) if "{of}" in goods else goods + of)
                + (f" ({rate} % with column 1)" if met else f" (+{rate} %)")
            ),
            "heading": _quote(heading),
            "rate": rate,
            "base": "full",
            "scope": scope,
        }
        if cc:
            fields["origins"] = "[" + ", ".join(origins.get(cc, [cc])) + "]"
        if met:
            fields["floor"] = "true"
        if met and met != "=":
            fields["floor_met_heading"] = _quote(met)
        if ident == "uk_vehicle":
            fields["when"] = "{metals_relief: uk_vehicle_quota}"
        if relief:
            fields["when"] = f"{{metals_relief: {relief[0]}}}"
            fields["asked_within"] = "s232_autos_certified_asked"
        text = f"heading {heading} {general!r}" + (
            f" ({met} at or above {rate} %)" if met != "=" and met else ""
        )
        reference = f"{law}; {PROC}; U.S. note {note}; {text} (HTSUS from {first})"
        start = stated if stated and stated < first else ""
        if start:
            reference += (
                f"; in force from {start} as the heading's text says, deposited at entry from {first}"
            )
        if cc in LEGAL_START and LEGAL_START[cc][0] >= since:
            day, why, confidence = LEGAL_START[cc]
            retro = dict(fields, id=f"s232_autos_{ident}_retroactive", valid_from=day, valid_to=first)
            retro |= {"deposited_from": first, "deposited_to": first}
            before = "9903.94.07" if relief else "9903.94.01/.05"
            retro["reference"] = _quote(
                f"{reference}; in force from {day} by {why}; deposited at entry as 25 % "
                f"under {before} until {first} (refund on correction)"
            )
            retro["confidence"] = confidence
            twin = _declared_twin(retro)
            lines += _measure(retro)
            lines += _measure(twin) if twin else []
        fields["valid_from"] = start or first
        if start:
            fields["deposited_from"] = first
        fields |= {"reference": _quote(reference), "confidence": "T"}
        twin = _declared_twin(fields)
        lines += _measure(fields)
        lines += _measure(twin) if twin else []
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    return run_builder(
        argv, __doc__.splitlines()[0], build, NAME, source="--tracker", required=f"a git directory of {REPO}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
