"""Statutory rates: every HTS-10 line, for every origin, on one day, by authority.

The table trade analysts build by hand: for each statistical line in force, the ordinary rate
(general, or column 2 for the countries it applies to) and the additional duty each chapter 99
program puts on it (its heading and rate), stacked as the law stacks them into one total ad valorem
rate.  No claim, no reported facts: measures that turn on a USMCA claim, a melt or smelt country or
the metal's weight are left out (their default case applies), and a duty on the metal content only
(the 2025 derivatives) is shown with its heading and rate but not added to the total (its base is
not the value).

Origins fall into classes: every country some measure (or the column 2 list) names is its own
class, every other country shares one class ``*``.  The rates are computed once per line and class
(:func:`statutory_rows`); the bulk engine expands the classes to the countries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from tmec.core.errors import InputError
from tmec.tariffs.measures import CUMULATIVE, METAL_PROGRAMS, PROGRAMS, Measure, MeasureSet
from tmec.tariffs.rates import Rate
from tmec.tariffs.tables import TariffTables

__all__ = ["OTHERS", "origin_classes", "statutory_rows"]

OTHERS = "*"  # every country no measure names
ZERO = Decimal(0)
PLACES = Decimal("0.000001")
METALS = METAL_PROGRAMS


def _unconditional(m: Measure, day: dt.date) -> bool:
    return m.in_force(day) and not m.when


def origin_classes(tables: TariffTables, day: dt.date) -> list[str]:
    """The countries that some measure in force (or the column 2 list) names, and ``*``."""
    named: set[str] = set(tables.parameters.at(day)["tariffs.column2_countries"].value)
    for m in tables.measures:
        if _unconditional(m, day):
            named |= set(m.origins or ()) | set(m.origins_except)
    return [*sorted(named), OTHERS]


def _applies(m: Measure, cls: str) -> bool:
    if cls == OTHERS:
        return m.origins is None  # a country named nowhere is in no exception list
    return m.applies_to_origin(cls)


def statutory_rows(tables: TariffTables, day: dt.date) -> Iterator[dict[str, Any]]:
    """One row per HTS-10 line in force on ``day`` and origin class (see the module's notes)."""
    if day < (tables.first_date()):
        raise InputError(f"no tariff data before {tables.first_date().isoformat()}", field="--date")
    snapshot = tables.parameters.at(day)
    column2 = set(snapshot["tariffs.column2_countries"].value)
    order = snapshot["tariffs.stacking_order"].value
    classes = origin_classes(tables, day)
    schedule = tables.schedule
    measures = MeasureSet(m for m in tables.measures if _unconditional(m, day))  # a smaller index
    for code in sorted(c for c in schedule.codes() if len(c) == 10):
        try:
            line = schedule.line(code, day)
        except InputError:
            continue  # not in force that day
        stat = schedule.versions(code)
        description = next((v.description for v in stat if v.in_force(day)), line.description)
        candidates = {p: measures.covering(p, code)[0] for p in PROGRAMS}
        shared = {"hts": code, "description": description}
        built: dict[tuple[object, ...], dict[str, Any]] = {}  # classes that come to the same row share it
        for cls in classes:
            in_column2 = cls in column2
            chosen = {
                p: m for p in PROGRAMS if (m := next((m for m in candidates[p] if _applies(m, cls)), None))
            }
            key = (in_column2, *(id(m) for m in chosen.values()))
            row = built.get(key)
            if row is None:
                row = built[key] = {**shared, **_row(line.column2_rate if in_column2 else line.general_rate,
                                                   in_column2, chosen, order)}  # fmt: skip
            yield {**row, "origin_class": cls}


def _row(rate: Rate, in_column2: bool, chosen: dict[str, Measure], order: object) -> dict[str, Any]:
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
    row["additional_ad_valorem"] = _stacked(chosen, ordinary, order)
    row["total_ad_valorem"] = ordinary + row["additional_ad_valorem"]
    # to 6 places (a third of a percent is 33.333333), the table's type
    return {k: v.quantize(PLACES) if isinstance(v, Decimal) else v for k, v in row.items()}


def _rate(m: Measure, ordinary: Decimal) -> Decimal:
    if m.exemption:
        return ZERO
    return max(ZERO, m.rate - ordinary) if m.floor else m.rate


def _stacked(chosen: dict[str, Measure], ordinary: Decimal, order: object) -> Decimal:
    """The additional ad valorem rate on the full value, as ``tmec.tariffs.stacking`` stacks it."""
    # IEEPA China and Section 301 stack on everything (stacking step 10)
    extra = sum(
        (_rate(chosen[p], ordinary) for p in CUMULATIVE if p in chosen and chosen[p].base == "full"), ZERO
    )
    vehicles = chosen.get("s232_vehicles")
    if vehicles is not None and vehicles.base == "full" and not vehicles.exemption:
        return _rate(vehicles, ordinary) + extra  # vehicles win (EO 14289 s.2)
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
    if s122 is not None and not full_metal:  # Section 232 goods are exempt (9903.03.06)
        total += _rate(s122, ordinary)
    reciprocal = chosen.get("ieepa_reciprocal")
    if reciprocal is not None and not full_metal:  # nor do they pay the reciprocal duty (9903.01.33)
        total += _rate(reciprocal, ordinary)
    return total + extra
