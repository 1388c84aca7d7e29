"""Pricing periods: the stretches of days in which nothing that prices a code changes.

A line's pricing key holds its code's period (:mod:`tmec.engine.pricing_keys`): lines of a code
whose law is stable over many revisions share one key.  :func:`period_table` cuts each code's
timeline on the days its schedule lines, its measures and the pricing's legal parameters change,
and says which facts of a line (:data:`RELEVANT`) the law in force in each period turns on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from tmec.tariffs import TariffTables
from tmec.tariffs.measures import PROGRAMS, Measure
from tmec.tariffs.schedule import HtsLine
from tmec.tariffs.tables import STACKING_PARAMETERS

__all__ = [
    "PRICING_PARAMETERS",
    "RELEVANT",
    "law_days",
    "law_measures",
    "law_versions",
    "origin_period_table",
    "period_table",
    "relevant_facts",
]

# The legal parameters a pricing reads (but the coverage, which only words a note): the days on
# which one changes split every code's periods; the others (rules of origin, CBAM) do not price
# a duty.  ``templates`` checks every pricing against this list.
PRICING_PARAMETERS = tuple(p for p in STACKING_PARAMETERS if p != "tariffs.measures_coverage")


def _global_days(tables: TariffTables) -> set[dt.date]:
    """The days on which a parameter of the pricing changes (every line's periods start on them)."""
    days = {tables.first_date()}
    for name in PRICING_PARAMETERS:
        days.update(tables.parameters[name].dates)
    return days


# A fact of a line that no rate or measure of its code in force in its period turns on is left out
# of its key, so that lines differing only in it share one (:func:`relevant_facts`: what makes each matter).
RELEVANT = (
    "has_qty",
    "has_kg",
    "light_metal",
    "melted_poured",
    "smelted_cast",
    "has_steel",
    "has_alu",
    "has_copper",
    "has_nonus",
    "has_usparts",
    "metals_relief",
)


def law_versions(tables: TariffTables, code: str) -> list[HtsLine]:
    """The schedule lines that can price ``code``: its own, its item's, and (an 8-digit code is
    priced from its statistical lines when it has no rates or units itself) its statistical lines'."""
    codes = {code, code[:8]} | (tables.schedule.codes(code) if len(code) == 8 else set())
    return [v for c in sorted(codes) for v in tables.schedule.versions(c)]


def law_measures(tables: TariffTables, code: str) -> list[Measure]:
    """The measures whose scope covers ``code`` or names a finer code under it."""
    measures: list[Measure] = []
    for program in PROGRAMS:
        covering, finer = tables.measures.covering(program, code)
        measures += [*covering, *finer]
    return measures


def law_days(versions: list[HtsLine], measures: list[Measure]) -> set[dt.date]:
    dated: list[HtsLine | Measure] = [*versions, *measures]
    days = {d for x in dated for d in (x.valid_from, x.valid_to) if d is not None}
    return days | {d for m in measures for d in m.dates}  # the days of the deposited basis too


def relevant_facts(versions: list[HtsLine], measures: list[Measure]) -> dict[str, bool]:
    """Which of the facts in :data:`RELEVANT` these lines and measures turn on."""
    specific = any(
        r.parts or not r.complete
        for v in versions
        for r in (v.general_rate, v.column2_rate, *v.programs.values())
    )
    floors = any(m.floor for m in measures)
    return {
        "has_qty": specific,
        "has_kg": specific or floors,
        "light_metal": any("metal_weight_under" in m.when or "metal_free" in m.when for m in measures),
        "melted_poured": any(k.startswith("melted_poured") for m in measures for k in m.when),
        "smelted_cast": any(k.startswith("smelted_cast") for m in measures for k in m.when),
        "has_steel": any(m.base == "steel_content" for m in measures),
        "has_alu": any(m.base == "aluminum_content" for m in measures),
        "has_copper": any(m.base == "copper_content" for m in measures),
        "has_nonus": any(m.base == "non_us_content" for m in measures),
        "has_usparts": any(m.base == "non_us_parts" for m in measures),
        "metals_relief": any("metals_relief" in m.when for m in measures),
    }


def period_table(tables: TariffTables, codes: list[str]) -> pa.Table:
    """Per code, the periods in which nothing that prices it changes (a line's key is its code's
    period, so that lines of a code whose law is stable share one key over many revisions), and
    which facts of its lines the lines and measures in force in the period turn on
    (``rel_<fact>``)."""
    return _period_table(tables, [(code, None) for code in codes])


def origin_period_table(tables: TariffTables, pairs: list[tuple[str, str]]) -> pa.Table:
    """:func:`period_table` per code and origin (``p_origin``): only the measures that apply to
    the origin split its periods and make its facts matter (a measure for other origins is passed
    over by every pricing of it)."""
    return _period_table(tables, pairs)


def _period_table(tables: TariffTables, pairs: Sequence[tuple[str, str | None]]) -> pa.Table:
    common = _global_days(tables)
    cols: dict[str, list[Any]] = {
        "p_hts": [],
        "p_origin": [],
        "p_start": [],
        "p_end": [],
        **{f"rel_{f}": [] for f in RELEVANT},
    }
    end = dt.date(9999, 12, 31)
    for code, origin in pairs:
        versions = law_versions(tables, code)
        measures = law_measures(tables, code)
        if origin is not None:
            measures = [m for m in measures if m.applies_to_origin(origin)]
        own = law_days(versions, measures)
        days = sorted(common | own)
        relevant: dict[str, bool] = {}
        for start in days:
            # what is in force changes only on the lines' and measures' own days (the others are
            # the parameters' days, which split the periods without changing what turns on facts)
            if start in own or not relevant:
                relevant = relevant_facts(
                    [v for v in versions if v.in_force(start)],
                    [m for m in measures if m.in_force_either(start)],
                )
            for f in RELEVANT:
                cols[f"rel_{f}"].append(relevant[f])
        cols["p_hts"] += [code] * len(days)
        cols["p_origin"] += [origin] * len(days)
        cols["p_start"] += days
        cols["p_end"] += [*days[1:], end]
    if all(origin is None for _, origin in pairs):
        del cols["p_origin"]
    return pa.table(
        {
            **cols,
            **({"p_origin": pa.array(cols["p_origin"], pa.string())} if "p_origin" in cols else {}),
            "p_start": pa.array(cols["p_start"], pa.date32()),
            "p_end": pa.array(cols["p_end"], pa.date32()),
        }
    )
