"""Tariff law as data: bundled HTS lines, chapter-99 measures, impact scenarios; and the user's
imported schedule under ``$TMEC_HOME``.

Reading and writing files happens here; the parsing and the pricing are pure
(``tmec.tariffs``).  A schedule imported with ``tmec tariff import`` is stored
as one normalised CSV, ``$TMEC_HOME/tariffs/schedule.csv`` (written to a temp
file and renamed, so a failed import leaves the previous one intact); pricing
reads it in preference to the bundled law (or after it, from the imported revision's date).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from tmec.core.errors import InputError
from tmec.home import tmec_home
from tmec.law import LAW_DIR, load_parameters, load_yaml
from tmec.tariffs.importers import parse_hts_json, parse_tariff_database
from tmec.tariffs.measures import MeasureSet, parse_measures
from tmec.tariffs.schedule import HtsLine, Revision, Schedule, SortedRows
from tmec.tariffs.tables import TariffTables

__all__ = [
    "HTS_LINES",
    "HTS_META",
    "HTS_SCHEDULE",
    "MEASURES",
    "SCENARIOS",
    "build_measures",
    "imported_schedule_path",
    "law_as_of",
    "law_status",
    "load_chapter99",
    "load_measures",
    "load_scenario",
    "load_schedule",
    "load_tables",
    "measure_files",
    "read_schedule_file",
    "scenario_names",
    "schedule_meta",
    "store_schedule",
    "tmec_home",
]

TARIFFS_DIR = LAW_DIR / "tariffs"
HTS_LINES = TARIFFS_DIR / "hts_lines.csv"  # hand-typed lines for dates before the compiled schedule
HTS_SCHEDULE = TARIFFS_DIR / "hts_schedule.tsv"  # compiled by tools/law/build_hts.py
HTS_CHAPTER99 = TARIFFS_DIR / "hts_chapter99.tsv"
HTS_META = TARIFFS_DIR / "hts_schedule.json"
MEASURES = TARIFFS_DIR / "measures.yaml"
SCENARIOS = TARIFFS_DIR / "scenarios"
COLUMNS = (
    "hts",
    "description",
    "general",
    "special",
    "other",
    "valid_from",
    "valid_to",
    "source",
    "confidence",
)


def imported_schedule_path(home: Path | None = None) -> Path:
    return (home or tmec_home()) / "tariffs" / "schedule.csv"


def _date(text: str, field: str, source: str, line: int) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"expected YYYY-MM-DD, found {text!r}", field=field, source=source, line=line
        ) from None


def _read_normalised(path: Path) -> list[HtsLine]:
    with path.open(encoding="utf-8", newline="") as fh:
        numbered = [(n, text) for n, text in enumerate(fh, start=1) if not text.startswith("#")]
    reader = csv.DictReader(io.StringIO("".join(t for _, t in numbered)))
    lines = []
    for (n, _), row in zip(numbered[1:], reader, strict=False):
        lines.append(
            HtsLine(
                hts=row["hts"].replace(".", ""),
                description=row["description"],
                general=row["general"],
                special=row["special"],
                other=row["other"],
                valid_from=_date(row["valid_from"], "valid_from", str(path), n),
                valid_to=_date(row["valid_to"], "valid_to", str(path), n),
                source=row["source"],
                confidence=row.get("confidence") or "T",
            )
        )
    return lines


@cache
def schedule_meta() -> dict[str, Any]:
    """The compiled schedule's source: revisions with dates and checksums, licence, verified-through."""
    data: dict[str, Any] = json.loads(HTS_META.read_text(encoding="utf-8"))
    return data


def _compiled(path: Path, name: str) -> Schedule:
    meta = schedule_meta()
    revisions = [
        Revision(r["revision"], dt.date.fromisoformat(r["effective_date"])) for r in meta["revisions"]
    ]
    return Schedule(rows=_rows(path), revisions=revisions, name=name, source="USITC HTSUS")


def _rows(path: Path) -> SortedRows:
    data = path.read_bytes()
    return SortedRows(data[data.index(b"\n") + 1 :] if data.startswith(b"#") else data)


@cache
def _bundled_schedule() -> Schedule:
    """The hand-typed lines of earlier years, continued by the compiled schedule from its first revision."""
    compiled = _compiled(HTS_SCHEDULE, "USITC HTSUS")
    start = compiled.revisions[0].effective
    return Schedule(_read_normalised(HTS_LINES), name="bundled").extended_with(compiled, start)


@cache
def load_chapter99() -> Schedule:
    """The chapter 99 headings of every compiled revision, dated from when each took effect."""
    meta = schedule_meta()
    revisions = [
        Revision(r["revision"], dt.date.fromisoformat(r["chapter99_from"])) for r in meta["revisions"]
    ]
    return Schedule(
        rows=_rows(HTS_CHAPTER99), revisions=revisions, name="USITC HTSUS chapter 99", source="USITC HTSUS"
    )


EXTENDS = "# extends the timeline from "
IMPORTED = "# imported from "


@cache
def _imported_schedule(path: str, mtime: float) -> Schedule:
    """The imported lines after (a revision with its date) or over (no date) the bundled ones;
    re-read when the file changes (its mtime)."""
    with open(path, encoding="utf-8") as fh:
        header = [fh.readline(), fh.readline(), fh.readline()]
    start = next((h[len(EXTENDS) :].strip() for h in header if h.startswith(EXTENDS)), None)
    origin = header[0].removeprefix(IMPORTED).split(" (sha256", 1)[0].strip()
    lines = _read_normalised(Path(path))
    if start:
        day = dt.date.fromisoformat(start)
        # a whole revision: every code, 10-digit statistical lines included, is listed in it
        imported = Schedule(
            lines, name=f"the imported revision {origin}", strict=any(len(x.hts) == 10 for x in lines)
        )
        return _bundled_schedule().extended_with(imported, day)
    return _bundled_schedule().merged_with(Schedule(lines, name=f"imported ({path})"))


def load_schedule(home: Path | None = None) -> Schedule:
    """The bundled lines, with an imported schedule's codes taking precedence."""
    path = imported_schedule_path(home)
    if path.is_file():
        return _imported_schedule(str(path), path.stat().st_mtime)
    return _bundled_schedule()


S232_ANNEXES = TARIFFS_DIR / "s232_annexes_2026.yaml"  # compiled by tools/law/build_s232_annexes.py
S232_DERIVATIVES_2025 = TARIFFS_DIR / "s232_derivatives_2025.yaml"  # tools/law/build_s232_derivatives_2025.py
# tools/law/build_s232_derivatives_2025_03.py: the lists of March 2025 and the April and June inclusions
S232_DERIVATIVES_2025_03 = TARIFFS_DIR / "s232_derivatives_2025_03.yaml"
S301_LISTS = TARIFFS_DIR / "s301_china_lists.yaml"  # tools/law/build_tracker_lists.py (secondary)
S232_COPPER_2025 = TARIFFS_DIR / "s232_copper_2025.yaml"  # tools/law/build_tracker_lists.py (secondary)
S232_JUNE_2026 = TARIFFS_DIR / "s232_annexes_2026_jun.yaml"  # tools/law/build_s232_june_2026.py (secondary)
IEEPA_BRAZIL_ANNEX = TARIFFS_DIR / "ieepa_brazil_annex_i.yaml"  # tools/law/build_ieepa_brazil_annex.py
# the reciprocal duty's Annex II, Brazil's revised Annex I, India's Annex II exemption: scopes and measures
IEEPA_ANNEX_II = TARIFFS_DIR / "ieepa_annex_ii.yaml"  # tools/law/build_ieepa_annex_ii.py
# the EU, Swiss and Liechtenstein lists spared their reciprocal floors (9903.02.74, .77, .84, .86, .89, .91)
IEEPA_FLOOR_LISTS = TARIFFS_DIR / "ieepa_floor_lists.yaml"  # tools/law/build_ieepa_floor_lists.py
# tools/law/build_s232_wood_semiconductors.py (U.S. notes 37 and 39)
S232_WOOD = TARIFFS_DIR / "s232_wood_semiconductors.yaml"
# the same builder, from the proclamation of 31 Dec 2025: the 2027 rises, before the 25 % measures
S232_WOOD_2027 = TARIFFS_DIR / "s232_wood_2027.yaml"
S232_WOOD_2027_BEFORE = "s232_wood_upholstered"
# tools/law/build_s301_exclusions.py (U.S. note 20(vvv), 20(www)): scopes and measures
S301_EXCLUSIONS = TARIFFS_DIR / "s301_exclusions.yaml"
# the bundled measure before which the Section 301 exclusions go: after the four-year review's (note 31),
# whose duties they do not spare, before the List 1-4A duties they do
S301_EXCLUSIONS_BEFORE = "s301_list_1"
# tools/law/build_s232_auto_arrangements.py (9903.94.31-.67, U.S. note 33): scopes and measures, before
# the 9903.94.01/.05 duties they take the place of (the file names the measure: ``before``)
S232_AUTO_ARRANGEMENTS = TARIFFS_DIR / "s232_auto_arrangements.yaml"
COMPILED_SCOPES = (
    S232_ANNEXES,
    S232_DERIVATIVES_2025,
    S232_DERIVATIVES_2025_03,
    S301_LISTS,
    S232_COPPER_2025,
    S232_JUNE_2026,
    IEEPA_BRAZIL_ANNEX,
    IEEPA_ANNEX_II,
    IEEPA_FLOOR_LISTS,
    S232_WOOD,
    S301_EXCLUSIONS,
    S232_AUTO_ARRANGEMENTS,
)
IEEPA_RECIPROCAL = TARIFFS_DIR / "ieepa_reciprocal.yaml"  # tools/law/build_ieepa_reciprocal.py
IEEPA_COUNTRY = TARIFFS_DIR / "ieepa_country.yaml"  # tools/law/build_ieepa_country.py (Brazil, India)


def measure_files() -> list[Path]:
    """Every file the measures may be read from (the key of the compiled law: a file added here is in it)."""
    return sorted(TARIFFS_DIR.glob("*.yaml"))


@cache
def load_measures() -> MeasureSet:
    """The measures, with the product lists compiled from the proclamation annexes, the Federal Register
    notices and (secondary) the Section 301 lists among their scopes, and the IEEPA reciprocal measures
    compiled from chapter 99 after the hand-written ones, then the Brazil and India orders'; as an
    earlier run built them when nothing they are made of has changed (:mod:`tmec.law.compiled`)."""
    from tmec.law.compiled import compiled

    return compiled("measures", measure_files(), build_measures, MeasureSet)


def build_measures() -> MeasureSet:
    """The measures read from their files and built."""
    data = load_yaml(MEASURES)
    scopes = dict(data["scopes"])
    for path in COMPILED_SCOPES:
        compiled = load_yaml(path)["scopes"]
        clash = set(compiled) & set(scopes)
        if clash:
            raise InputError(f"scopes defined twice: {sorted(clash)}", source=str(path))
        scopes.update(compiled)
    bundled = list(data["measures"])
    at = next(i for i, m in enumerate(bundled) if m["id"] == S301_EXCLUSIONS_BEFORE)
    bundled[at:at] = load_yaml(S301_EXCLUSIONS)["measures"]
    autos = load_yaml(S232_AUTO_ARRANGEMENTS)
    at = next(i for i, m in enumerate(bundled) if m["id"] == autos["before"])
    bundled[at:at] = autos["measures"]
    # the certified-use parts (9903.94.07, note 33(p)-(r)) after every other autos measure
    at = next(i for i, m in enumerate(bundled) if m["id"] == autos["certified_after"]) + 1
    bundled[at:at] = autos["certified_measures"]
    at = next(i for i, m in enumerate(bundled) if m["id"] == S232_WOOD_2027_BEFORE)
    bundled[at:at] = load_yaml(S232_WOOD_2027)["measures"]
    measures = [
        *bundled,
        *load_yaml(IEEPA_RECIPROCAL)["measures"],
        *load_yaml(IEEPA_ANNEX_II)["measures"],  # exemptions, before the country duties they spare
        *load_yaml(IEEPA_FLOOR_LISTS)["measures"],
        *load_yaml(IEEPA_COUNTRY)["measures"],
    ]
    return parse_measures({**data, "scopes": scopes, "measures": measures}, source=str(MEASURES))


def load_tables(home: Path | None = None) -> TariffTables:
    schedule = load_schedule(home)
    return TariffTables(
        schedule=schedule,
        measures=load_measures(),
        parameters=load_parameters(),
        law_as_of=law_as_of(schedule),
    )


def law_as_of(schedule: Schedule | None = None) -> dt.date:
    """The day through which the law is verified: the compiled revisions', or an imported revision's
    effective date when it is later (the import is the user's own, newer law)."""
    day = dt.date.fromisoformat(schedule_meta()["verified_through"])
    # `is None`, not `or`: a Schedule's truth is its length, which parses every line of it.
    revisions = (schedule if schedule is not None else load_schedule()).revisions
    return max([day, *(r.effective for r in revisions)])


def read_schedule_file(path: Path, *, valid_from: dt.date | None = None) -> list[HtsLine]:
    """Read a USITC HTS JSON export, HTS CSV export or tariff-database CSV; the format is detected."""
    source = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", source=source) from None
    text = raw.decode("utf-8-sig", errors="replace")
    stripped = text.lstrip()
    if stripped.startswith(("[", "{")):
        try:
            data: Any = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"malformed JSON: {exc.msg}", source=source, line=exc.lineno) from None
        if isinstance(data, dict):
            data = data.get("data") or data.get("results") or data.get("HTSData") or []
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise InputError("expected a list of HTS records (htsno, general, special, other)", source=source)
        lines = parse_hts_json(data, valid_from=valid_from, source=f"USITC HTS JSON export {path.name}")
    else:
        sample = text[:4096]
        delimiter = "|" if sample.count("|") > sample.count(",") else ","
        reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
        header = {h.strip() for h in (reader.fieldnames or [])}
        if "hts8" in header:
            lines = parse_tariff_database(reader, source=f"USITC tariff database {path.name}")
        elif "HTS Number" in header:
            lines = parse_hts_json(reader, valid_from=valid_from, source=f"USITC HTS CSV export {path.name}")
        else:
            raise InputError(
                "unrecognised schedule: expected the HTS JSON export, the HTS CSV export "
                "('HTS Number' column) or the tariff database ('hts8' column)",
                source=source,
                line=1,
            )
    if not lines:
        raise InputError("no tariff lines (8 or 10 digits with rates) in the file", source=source)
    return lines


def store_schedule(
    lines: Iterable[HtsLine], *, origin: Path, home: Path | None = None, extends_from: dt.date | None = None
) -> Path:
    """Write the normalised schedule atomically (temp file + rename) and return its path.

    ``extends_from``: the file is a whole revision that continues the bundled timeline from that day.
    """
    import tempfile  # writing only (shutil, under it, is a hundredth of a second to import)

    target = imported_schedule_path(home)
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(origin.read_bytes()).hexdigest()
    rows = list(lines)
    fd, tmp = tempfile.mkstemp(prefix=".schedule-", suffix=".csv", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(f"{IMPORTED}{origin.name} (sha256 {digest}) on {dt.date.today().isoformat()}\n")
            fh.write(f"# {len(rows)} tariff lines; validity is half-open [valid_from, valid_to)\n")
            if extends_from is not None:
                fh.write(f"{EXTENDS}{extends_from.isoformat()}\n")
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(COLUMNS)
            for line in rows:
                writer.writerow(
                    [
                        line.hts,
                        line.description,
                        line.general,
                        line.special,
                        line.other,
                        line.valid_from.isoformat() if line.valid_from else "",
                        line.valid_to.isoformat() if line.valid_to else "",
                        line.source,
                        line.confidence,
                    ]
                )
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def scenario_names() -> list[str]:
    return sorted(p.stem for p in SCENARIOS.glob("*.yaml"))


def load_scenario(name: str) -> dict[str, Any]:
    path = SCENARIOS / f"{name}.yaml"
    if not path.is_file():
        raise InputError(
            f"unknown scenario {name!r}; bundled: {', '.join(scenario_names())}", field="--scenario"
        )
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise InputError("expected a mapping", source=str(path))
    return data


def law_status(home: Path | None = None) -> dict[str, Any]:
    """Each source of the tariff law with its revision and date, and the day the law is verified through."""
    meta = schedule_meta()
    annex_header = [
        ln[2:] for ln in S232_ANNEXES.read_text(encoding="utf-8").splitlines() if ln.startswith("# ")
    ]
    measures = load_measures()
    imported = imported_schedule_path(home)
    schedule = load_schedule(home)
    return {
        "law_as_of": law_as_of(schedule).isoformat(),
        "sources": [
            {
                "source": meta["source"],
                "file": str(HTS_SCHEDULE.relative_to(LAW_DIR)),
                "revisions": [
                    {
                        "revision": r["revision"],
                        "effective_date": r["effective_date"],
                        "chapter99_from": r["chapter99_from"],
                        "sha256": r["sha256"],
                    }
                    for r in meta["revisions"]
                ],
                "verified_through": meta["verified_through"],
                "note": meta["verified_through_note"],
                "licence": meta["licence"],
            },
            {
                "source": "Section 232 metals proclamation of April 2026, Annexes I-A, I-B, II, III",
                "file": str(S232_ANNEXES.relative_to(LAW_DIR)),
                "revisions": [{"revision": "effective 2026-04-06", "effective_date": "2026-04-06"}],
                "note": " ".join(annex_header[2:4]),
                "licence": "US Government work, public domain",
            },
            *(_compiled_source(path) for path in (*COMPILED_SCOPES[1:], S232_WOOD_2027)),
            _reciprocal_source(),
            _country_source(),
            {
                "source": "chapter 99 measures (Section 232, IEEPA, Section 122, Section 301) with their "
                "legal references",
                "file": str(MEASURES.relative_to(LAW_DIR)),
                "revisions": [
                    {
                        "revision": f"{len(measures)} measures",
                        "effective_date": max(m.valid_from for m in measures).isoformat(),
                    }
                ],
                "note": "every heading checked against the chapter 99 text of each HTSUS revision in force",
                "licence": "",
            },
            *(
                [
                    {
                        "source": "imported schedule",
                        "file": str(imported),
                        "revisions": [
                            {"revision": r.name, "effective_date": r.effective.isoformat()}
                            for r in schedule.revisions
                            if not r.name[:4].isdigit()
                        ],
                        "note": "tmec tariff import",
                        "licence": "",
                    }
                ]
                if imported.is_file()
                else []
            ),
        ],
        "known_gaps": [
            {"measure": str(g["measure"]), "why": str(g["why"])} for g in load_yaml(MEASURES)["known_gaps"]
        ],
    }


COMPILED_FROM = {
    S232_DERIVATIVES_2025: (
        "Section 232 derivative inclusions of 18 Aug 2025 (FR 2025-15819, Annex I)",
        "2025-08-18",
    ),
    S232_DERIVATIVES_2025_03: (
        "Section 232 derivatives of Procs. 10896/10895 (12 Mar 2025: U.S. notes 16(m), (n) from the HTSUS "
        "revisions' footnotes, 19(i)-(k) from the notes' text) and the inclusions of 4 Apr and 23 Jun 2025 "
        "(SECONDARY: the notices' lists as CBP quotes them)",
        "2025-03-12",
    ),
    S301_LISTS: ("Section 301 China product lists (SECONDARY: a tracker's table)", "2018-07-06"),
    S232_COPPER_2025: (
        "Section 232 copper products, Proc. 10962 (SECONDARY: a tracker's table)",
        "2025-08-01",
    ),
    S232_JUNE_2026: (
        "Section 232 metals lists as changed by Proclamation 11032 (SECONDARY: a tracker's table)",
        "2026-06-08",
    ),
    IEEPA_BRAZIL_ANNEX: (
        "IEEPA Brazil, EO 14323: the provisions of U.S. note 2(x)(iii) (Annex I, 9903.01.81) and (x)(iv) "
        "(civil aircraft, 9903.01.82), from the order's text",
        "2025-08-06",
    ),
    IEEPA_ANNEX_II: (
        "IEEPA reciprocal Annex II (9903.01.32, U.S. note 2(v)(iii)(a)), India's 9903.01.86 and Brazil's "
        "Annex I as revised on 20 Nov 2025, from U.S. note 2 in HTSUS 2026 rev 6 (dates SECONDARY: a "
        "tracker's table)",
        "2025-04-05",
    ),
    IEEPA_FLOOR_LISTS: (
        "IEEPA reciprocal: the lists the EU, Switzerland and Liechtenstein spare their floors (9903.02.74, "
        ".77, .84, .86, .89, .91; U.S. note 2(v)(xx), (xxiii), (xxv)(b), (xxv)(d)), from HTSUS 2026 rev 6",
        "2025-09-25",
    ),
    S232_WOOD: (
        "Section 232 timber, lumber and wood products (Proc. 10976) and semiconductors (proclamation of "
        "14 Jan 2026): the lists of U.S. notes 37 (9903.76) and 39 (9903.79), from HTSUS 2026 rev 6",
        "2025-10-14",
    ),
    S232_WOOD_2027: (
        "Section 232 wood products: the rises to 30 % and 50 % from 2027-01-01 (proclamation of 31 Dec 2025)",
        "2027-01-01",
    ),
    S301_EXCLUSIONS: (
        "Section 301 product exclusions (USTR): U.S. note 20(vvv) (9903.88.69) and 20(www) (9903.88.70), "
        "from HTSUS 2026 rev 6; in force through 2026-11-09 by the headings' text",
        "2024-06-15",
    ),
    S232_AUTO_ARRANGEMENTS: (
        "Section 232 autos and parts, the country arrangements of the United Kingdom, Japan, the EU, Korea "
        "and Taiwan (9903.94.31-.67): headings and days from every HTSUS revision's chapter 99, scopes from "
        "U.S. note 33 in HTSUS 2026 rev 6 (the EU's and Korea's retroactive starts SECONDARY)",
        "2025-06-30",
    ),
}


def _compiled_source(path: Path) -> dict[str, Any]:
    """A compiled product-list file as a source: its header names where it was compiled from."""
    title, day = COMPILED_FROM[path]
    header = [ln[2:] for ln in path.read_text(encoding="utf-8").splitlines() if ln.startswith("# ")]
    return {
        "source": title,
        "file": str(path.relative_to(LAW_DIR)),
        "revisions": [{"revision": f"effective {day}", "effective_date": day}],
        "note": next(h for h in header if h.startswith("source: ")),
        "licence": next(h for h in header if h.startswith("licence: ")).removeprefix("licence: "),
    }


def _reciprocal_source() -> dict[str, Any]:
    """The IEEPA reciprocal measures compiled from chapter 99: the revisions read, their end."""
    compiled = load_yaml(IEEPA_RECIPROCAL)
    revisions = compiled["source"]["revisions"]
    measures = compiled["measures"]
    return {
        "source": "IEEPA reciprocal duties (EO 14257 as amended): the country headings of chapter 99 "
        "(9903.01.25-.76, 9903.02.xx), compiled from the text of every HTSUS revision",
        "file": str(IEEPA_RECIPROCAL.relative_to(LAW_DIR)),
        "revisions": [
            {
                "revision": f"{len(measures)} measures from {len(revisions)} revisions",
                "effective_date": min(str(m["valid_from"]) for m in measures),
            }
        ],
        "note": next(
            ln[2:]
            for ln in IEEPA_RECIPROCAL.read_text(encoding="utf-8").splitlines()
            if ln.startswith("# end: ")
        ),
        "licence": str(compiled["source"]["licence"]),
    }


def _country_source() -> dict[str, Any]:
    """The IEEPA duties of Brazil's and India's own orders, compiled from chapter 99."""
    compiled = load_yaml(IEEPA_COUNTRY)
    header = [ln[2:] for ln in IEEPA_COUNTRY.read_text(encoding="utf-8").splitlines() if ln.startswith("# ")]
    return {
        "source": "IEEPA Brazil (EO 14323, +40 %, 9903.01.77-.83, .90) and India (EO 14329, +25 %, "
        "9903.01.84-.89): their headings of chapter 99, compiled from the text of every HTSUS revision",
        "file": str(IEEPA_COUNTRY.relative_to(LAW_DIR)),
        "revisions": [
            {
                "revision": f"{m['id']}: {m['heading']} +{m['rate']} % to {m['valid_to']}",
                "effective_date": str(m["valid_from"]),
            }
            for m in compiled["measures"]
            if not m.get("exemption") and m["scope"] == "everything"
        ],
        "note": next(h for h in header if h.startswith("end: ")),
        "licence": next(h for h in header if h.startswith("licence: ")).removeprefix("licence: "),
    }
