"""Statutory rates: every HTS-10 line, for every origin, on one day, by authority.

The table trade analysts build by hand: for each statistical line in force, the ordinary rate
(general, or column 2 for the countries it applies to) and the additional duty each chapter 99
program puts on it (its heading and rate), stacked as the law stacks them into one total ad valorem
rate.  No claim, no reported facts: measures that turn on a USMCA claim, a melt or smelt country or
the metal's weight are left out (their default case applies), and a duty on the metal content only
(the 2025 derivatives) is shown with its heading and rate but not added to the total (its base is
not the value).

Origins fall into classes: every country some measure (or the column 2 list) names is its own
class, every other country shares one class ``*``.  Each distinct row is made once and every line
and class points at one (:func:`statutory_table`; :func:`statutory_rows` spells them out); the bulk
engine expands the classes to the countries.  The customs territory of the United States is no
origin of the table (:func:`table_origins`).
"""

from __future__ import annotations

import datetime as dt
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from typing import Any

from tmec.core.errors import InputError
from tmec.tariffs.measures import CUMULATIVE, METAL_PROGRAMS, PROGRAMS, Measure
from tmec.tariffs.rates import Rate
from tmec.tariffs.tables import TariffTables
from tmec.tariffs.territory import TERRITORY, inside_territory

__all__ = [
    "OTHERS",
    "OVERLAY",
    "StatutoryTable",
    "country_overlay",
    "origin_classes",
    "overlay_applies",
    "statutory_rows",
    "statutory_table",
    "table_origins",
]

OTHERS = "*"  # every country no measure names
# A program whose measures turn on the origin alone (every chapter in scope): the IEEPA reciprocal
# duty names some ninety countries, each its own class; the bulk table lays it over the rows of the
# other programs' classes country by country instead (``statutory_rows(..., overlay=True)``).
OVERLAY = "ieepa_reciprocal"
ZERO = Decimal(0)
PLACES = Decimal("0.000001")
METALS = METAL_PROGRAMS


def _unconditional(m: Measure, day: dt.date) -> bool:
    return m.in_force(day) and not m.when


def table_origins(
    tables: TariffTables, day: dt.date, every: Iterable[str], origins: list[str] | None
) -> list[str]:
    """The countries the table has rows for, sorted: ``origins``, or ``every`` country less the
    customs territory of the United States (its goods are not imports rated by origin: goods of
    U.S. origin returned are entered under 9801.00.10); asking for one of those is bad input."""
    territory = tables.parameters.at(day)[TERRITORY]
    if origins is None:
        return sorted(c for c in every if c not in territory.value)
    for code in origins:
        refused = inside_territory(code, territory)
        if refused:
            raise InputError(refused, field="--origin")
    return sorted(origins)


def origin_classes(tables: TariffTables, day: dt.date, *, overlay: bool = False) -> list[str]:
    """The countries that some measure in force (or the column 2 list) names, and ``*``; with
    ``overlay``, those that a measure of another program than :data:`OVERLAY` names."""
    named: set[str] = set(tables.parameters.at(day)["tariffs.column2_countries"].value)
    for m in tables.measures:
        if _unconditional(m, day) and not (overlay and m.program == OVERLAY):
            named |= set(m.origins or ()) | set(m.origins_except)
    return [*sorted(named), OTHERS]


def overlay_applies(tables: TariffTables, day: dt.date) -> bool:
    """Whether every :data:`OVERLAY` measure in force covers every chapter (so a country's measure
    is the same on every line, and can be laid over the rows)."""
    return all(
        any(item.level == 2 and item.lo <= "01" and item.hi >= "97" for item in m.scope)
        for m in tables.measures.program(OVERLAY)
        if _unconditional(m, day)
    )


def country_overlay(tables: TariffTables, day: dt.date, countries: list[str]) -> list[Measure | None]:
    """Each country's :data:`OVERLAY` measure on ``day`` (the first that applies; None: none)."""
    measures = [m for m in tables.measures.program(OVERLAY) if _unconditional(m, day)]
    return [next((m for m in measures if m.applies_to_origin(c)), None) for c in countries]


def _applies(m: Measure, cls: str) -> bool:
    if cls == OTHERS:
        return m.origins is None  # a country named nowhere is in no exception list
    return m.applies_to_origin(cls)


@dataclass(frozen=True, slots=True)
class StatutoryTable:
    """The rows of :func:`statutory_rows`, each distinct row once: line ``i``'s row for class ``k``
    (of ``classes``) is ``rows[index[i * len(classes) + k]]`` with ``codes[i]`` and
    ``descriptions[i]``; ``rows`` have neither ``hts``, ``description`` nor ``origin_class``."""

    classes: list[str]
    codes: list[str]
    descriptions: list[str]
    rows: list[dict[str, Any]]
    index: array[int]


def statutory_rows(tables: TariffTables, day: dt.date, *, overlay: bool = False) -> Iterator[dict[str, Any]]:
    """One row per HTS-10 line in force on ``day`` and origin class (see the module's notes).

    ``overlay`` (when :func:`overlay_applies`): the classes leave out the countries only the
    :data:`OVERLAY` program names, its columns are empty, ``additional_ad_valorem`` is without it
    and ``overlay_open`` says whether it would be added (no Section 232 vehicle or full-value metal
    duty); the bulk engine completes a row for each country from :func:`country_overlay`."""
    table = statutory_table(tables, day, overlay=overlay)
    n = len(table.classes)
    for i, (code, description) in enumerate(zip(table.codes, table.descriptions, strict=True)):
        for k, cls in enumerate(table.classes):
            yield {
                "hts": code,
                "description": description,
                **table.rows[table.index[i * n + k]],
                "origin_class": cls,
            }


def statutory_table(tables: TariffTables, day: dt.date, *, overlay: bool = False) -> StatutoryTable:
    """:func:`statutory_rows` as a :class:`StatutoryTable`: the rows made once per distinct (ordinary
    rate, column 2 or not, measure of each program), the lines and classes pointing at them."""
    if day < (tables.first_date()):
        raise InputError(f"no tariff data before {tables.first_date().isoformat()}", field="--date")
    snapshot = tables.parameters.at(day)
    column2 = set(snapshot["tariffs.column2_countries"].value)
    order = snapshot["tariffs.stacking_order"].value
    classes = origin_classes(tables, day, overlay=overlay)
    schedule = tables.schedule
    schedule.preload()  # every line is read
    # each program's measures in force, in priority order (as ``tables.measures.program`` has them)
    measures = {
        p: tuple(
            m for m in tables.measures.program(p) if _unconditional(m, day) and not (overlay and p == OVERLAY)
        )
        for p in PROGRAMS
    }
    every = sorted(c for c in schedule.codes() if len(c) == 10)
    # lines covered by the same measures share how their classes come to rows (a few hundred plans
    # for 20,000 lines): the classes' measures are chosen once per plan, the rows once per plan and
    # ordinary rates, each distinct row kept once
    plans: dict[tuple[tuple[int, ...], ...], int] = {}
    planned: list[tuple[list[tuple[bool, dict[str, Measure]]], list[int]]] = []
    rows: list[dict[str, Any]] = []
    row_ids: dict[tuple[tuple[str, Any], ...], int] = {}
    by_rates: dict[tuple[int, str, str], tuple[int, ...]] = {}
    codes: list[str] = []
    descriptions: list[str] = []
    index: array[int] = array("i")
    for run, candidates in _covering_runs(every, measures):
        key = tuple(tuple(id(m) for m in candidates[p]) for p in PROGRAMS)
        at = plans.get(key)
        if at is None:
            at = plans[key] = len(planned)
            planned.append(_plan(classes, column2, candidates))
        for code in run:
            try:
                line = schedule.line(code, day)
            except InputError:
                continue  # not in force that day
            rates = (at, line.general, line.other)  # a line's rates are its texts parsed
            ids = by_rates.get(rates)
            if ids is None:
                distinct, which = planned[at]
                made = []
                for c2, chosen in distinct:
                    row = _row(line.column2_rate if c2 else line.general_rate, c2, chosen, order, overlay)
                    made.append(row_ids.setdefault(tuple(row.items()), len(row_ids)))
                    if made[-1] == len(rows):
                        rows.append(row)
                ids = by_rates[rates] = tuple(made[w] for w in which)
            index.extend(ids)
            codes.append(code)
            stat = schedule.versions(code)
            descriptions.append(next((v.description for v in stat if v.in_force(day)), line.description))
    return StatutoryTable(classes, codes, descriptions, rows, index)


def _covering_runs(
    codes: list[str], measures: Mapping[str, tuple[Measure, ...]]
) -> Iterator[tuple[list[str], dict[str, tuple[Measure, ...]]]]:
    """``codes`` (sorted) in runs that the same measures cover, each with those of ``measures`` (by
    program, in priority order) that cover them: what ``MeasureSet(...).covering(program, code)[0]``
    gives for each code of the run.

    A scope item covers a contiguous run of sorted codes (``lo <= code[:n] <= hi``), so the covering
    measures change only where some item's run starts or ends: one sweep over those points, not a
    scan of the scopes per code."""
    # per point: the program's measures (by their index in the program) that start or stop covering
    events: dict[int, list[tuple[str, int, int]]] = {}
    for p in PROGRAMS:
        for i, m in enumerate(measures[p]):
            for item in m.scope:
                # code[:n] >= lo is code >= lo; code[:n] <= hi is code < hi followed by a non-digit
                first, end = bisect_left(codes, item.lo), bisect_left(codes, item.hi + "~")
                if first < end:
                    events.setdefault(first, []).append((p, i, 1))
                    events.setdefault(end, []).append((p, i, -1))
    active: dict[str, dict[int, int]] = {p: {} for p in PROGRAMS}  # measure index: items covering
    covering: dict[str, tuple[Measure, ...]] = dict.fromkeys(PROGRAMS, ())
    points = sorted({0, len(codes), *events})
    for at, end in pairwise(points):
        changed = set()
        for p, i, step in events.get(at, ()):
            count = active[p][i] = active[p].get(i, 0) + step
            if not count:
                del active[p][i]
            changed.add(p)
        for p in changed:
            program = measures[p]
            covering[p] = tuple(program[i] for i in sorted(active[p]))
        if at < end:
            yield codes[at:end], dict(covering)


def _plan(
    classes: list[str], column2: set[str], candidates: dict[str, tuple[Measure, ...]]
) -> tuple[list[tuple[bool, dict[str, Measure]]], list[int]]:
    """The distinct (column 2?, measure of each program) of the classes, and each class's index."""
    built: dict[tuple[object, ...], int] = {}
    distinct: list[tuple[bool, dict[str, Measure]]] = []
    which: list[int] = []
    for cls in classes:
        in_column2 = cls in column2
        chosen = {p: m for p in PROGRAMS if (m := next((m for m in candidates[p] if _applies(m, cls)), None))}
        key = (in_column2, *(id(m) for m in chosen.values()))
        at = built.get(key)
        if at is None:
            at = built[key] = len(distinct)
            distinct.append((in_column2, chosen))
        which.append(at)
    return distinct, which


def _row(
    rate: Rate, in_column2: bool, chosen: dict[str, Measure], order: object, overlay: bool = False
) -> dict[str, Any]:
    ordinary = rate.ad_valorem if rate.ad_valorem is not None else ZERO
    row: dict[str, Any] = {
        "column": "column 2" if in_column2 else "general",
        "ordinary_rate": rate.text,
        "ordinary_ad_valorem": ordinary,
        "ordinary_specific": " + ".join(p.text for p in rate.parts) or None,
        "ordinary_computed": rate.complete and rate.ad_valorem is not None,
    }
    for p in PROGRAMS:
        found = chosen.get(p)
        pct = _rate(found, ordinary) if found is not None else None
        heading = None
        if found is not None:
            heading = found.floor_met_heading if found.floor and pct == 0 else found.heading
        row[f"{p}_heading"] = heading or None
        row[f"{p}_rate"] = pct
        row[f"{p}_base"] = found.base if found is not None else None
    additional, open_ = _stacked(chosen, ordinary, order)
    open_ = open_ and "ieepa_annex_ii" not in chosen  # an Annex II product owes no reciprocal duty
    reciprocal = chosen.get(OVERLAY)
    if overlay:
        row["overlay_open"] = open_
    elif reciprocal is not None and open_:  # nor do Section 232 goods pay the reciprocal duty (9903.01.33)
        additional += _rate(reciprocal, ordinary)
    row["additional_ad_valorem"] = additional
    row["total_ad_valorem"] = ordinary + additional
    # to 6 places (a third of a percent is 33.333333), the table's type
    return {k: v.quantize(PLACES) if isinstance(v, Decimal) else v for k, v in row.items()}


def _rate(m: Measure, ordinary: Decimal) -> Decimal:
    if m.exemption:
        return ZERO
    return max(ZERO, m.rate - ordinary) if m.floor else m.rate


def _stacked(chosen: dict[str, Measure], ordinary: Decimal, order: object) -> tuple[Decimal, bool]:
    """The additional ad valorem rate on the full value, as ``tmec.tariffs.stacking`` stacks it, less
    the reciprocal duty; and whether that is added (not on Section 232 goods)."""
    # IEEPA China and Section 301 stack on everything (stacking step 10)
    extra = sum(
        (_rate(chosen[p], ordinary) for p in CUMULATIVE if p in chosen and chosen[p].base == "full"), ZERO
    )
    vehicles = chosen.get("s232_vehicles")
    if vehicles is not None and vehicles.base == "full" and not vehicles.exemption:
        return _rate(vehicles, ordinary) + extra, False  # vehicles win (EO 14289 s.2)
    wood = chosen.get("s232_wood")
    if wood is not None and not wood.exemption:
        # Proc. 10976 clauses 4 and 6: in place of IEEPA Canada/Mexico, the reciprocal, Brazil, India
        # duties and Section 122 (9903.03.06); with the metals' (no text relieves one of the other)
        metal = sum(
            (_rate(chosen[p], ordinary) for p in METALS if p in chosen and chosen[p].base == "full"), ZERO
        )
        return _rate(wood, ordinary) + metal + extra, False
    metals = [chosen[p] for p in METALS if p in chosen]
    full_metal = [m for m in metals if m.base == "full" and _rate(m, ordinary) > 0]
    total = sum((_rate(m, ordinary) for m in full_metal), ZERO)
    ieepa = chosen.get("ieepa")
    if ieepa is not None and not ieepa.exemption:
        if order == "ieepa_first":
            total = _rate(ieepa, ordinary)
        elif order == "cumulative" or not full_metal:
            total += _rate(ieepa, ordinary)
    s122 = chosen.get("s122")
    # Section 232 goods are exempt (9903.03.06): a 2026 heading spares it whatever its rate (a floor
    # met), its carve-outs 9903.82.01/.03 (exemptions) do not (U.S. note 2(aa)(v)(1))
    covered = any(m.program == "s232_metals" and not m.exemption for m in metals)
    if s122 is not None and not full_metal and not covered:
        total += _rate(s122, ordinary)
    # a country's own IEEPA order (Brazil, India) spares Section 232 goods as the reciprocal duty does
    country = chosen.get("ieepa_country")
    if country is not None and not full_metal and not covered:
        total += _rate(country, ordinary)
    return total + extra, not full_metal
