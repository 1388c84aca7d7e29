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
    "FactMasks",
    "Turning",
    "in_force_facts",
    "law_days",
    "law_measures",
    "law_versions",
    "origin_period_table",
    "period_table",
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
# of its key, so that lines differing only in it share one (:class:`FactMasks`: what makes each matter).
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


Turning = tuple[HtsLine | Measure, int]  # a line or measure and the facts it turns on (a mask)
_BIT = {f: 1 << i for i, f in enumerate(RELEVANT)}
_BASES = {
    "steel_content": "has_steel",
    "aluminum_content": "has_alu",
    "copper_content": "has_copper",
    "non_us_content": "has_nonus",
    "non_us_parts": "has_usparts",
}


def _line_mask(v: HtsLine) -> int:
    """A schedule line turns on the quantity and weight when one of its rates is specific."""
    rates = (v.general_rate, v.column2_rate, *v.programs.values())
    return _BIT["has_qty"] | _BIT["has_kg"] if any(r.parts or not r.complete for r in rates) else 0


def _measure_mask(m: Measure) -> int:
    found = _BIT["has_kg"] if m.floor else 0
    if "metal_weight_under" in m.when or "metal_free" in m.when:
        found |= _BIT["light_metal"]
    for k in m.when:
        if k.startswith("melted_poured"):
            found |= _BIT["melted_poured"]
        elif k.startswith("smelted_cast"):
            found |= _BIT["smelted_cast"]
        elif k == "metals_relief":
            found |= _BIT["metals_relief"]
    if m.base in _BASES:
        found |= _BIT[_BASES[m.base]]
    return found


class FactMasks:
    """Which of the facts in :data:`RELEVANT` each schedule line or measure turns on (a bit mask),
    worked out once per line or measure: a code's periods and probes OR the masks of those in
    force, and pass over the many (ad valorem rates) that turn on none."""

    def __init__(self) -> None:
        self._seen: dict[int, tuple[HtsLine | Measure, int]] = {}  # by id (the object kept alive)

    def of(self, x: HtsLine | Measure) -> int:
        found = self._seen.get(id(x))
        if found is None:
            mask = _measure_mask(x) if isinstance(x, Measure) else _line_mask(x)
            found = self._seen[id(x)] = (x, mask)
        return found[1]

    def turning(self, versions: list[HtsLine], measures: list[Measure]) -> list[Turning]:
        """The lines and measures that turn on some fact, with their masks."""
        both: list[HtsLine | Measure] = [*versions, *measures]
        return [(x, m) for x in both if (m := self.of(x))]


def in_force_facts(turning: list[Turning], day: dt.date) -> tuple[str, ...]:
    """The facts (in :data:`RELEVANT` order) that the lines and measures of ``turning``
    (:meth:`FactMasks.turning`) in force on ``day`` turn on: a measure in force in law or as
    deposited, a line in force."""
    found = 0
    for x, m in turning:
        if x.in_force_either(day) if isinstance(x, Measure) else x.in_force(day):
            found |= m
    return tuple(f for f in RELEVANT if found & _BIT[f])


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
    masks = FactMasks()
    cols: dict[str, list[Any]] = {
        "p_hts": [],
        "p_origin": [],
        "p_start": [],
        "p_end": [],
        **{f"rel_{f}": [] for f in RELEVANT},
    }
    end = dt.date(9999, 12, 31)
    law: tuple[str, list[HtsLine], list[Measure]] | None = None
    for code, origin in pairs:
        if law is None or law[0] != code:  # a code's law once for all its origins (pairs in order)
            law = (code, law_versions(tables, code), law_measures(tables, code))
        _, versions, measures = law
        if origin is not None:
            measures = [m for m in measures if m.applies_to_origin(origin)]
        own = law_days(versions, measures)
        days = sorted(common | own)
        turning = masks.turning(versions, measures)
        relevant: tuple[str, ...] | None = None
        for start in days:
            # what is in force changes only on the lines' and measures' own days (the others are
            # the parameters' days, which split the periods without changing what turns on facts)
            if start in own or relevant is None:
                relevant = in_force_facts(turning, start)
            for f in RELEVANT:
                cols[f"rel_{f}"].append(f in relevant)
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
