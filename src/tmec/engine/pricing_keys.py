"""Pricing keys: the law of each kind of entry line, priced once by the single-entry path.

A line's *pricing key* is what its duties turn on besides its amounts: its code, origin, claim,
reported melt/smelt countries, which content values and quantities it reports, and the period of
its date in which nothing that prices its code changes.  :func:`templates` prices one probe entry
per key with :func:`tmec.tariffs.price_entry`; the probe's amounts (value 1000, steel 1, aluminium 2,
non-US content 4, quantity 8, weight 16, copper 32) are chosen so that each duty line's base tells
which amount of a real line it is taken on (:data:`RULES`).  :mod:`tmec.engine.exposure` joins the
lines to these templates.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pyarrow as pa

from tmec.core.errors import InputError
from tmec.tariffs import Entry, TariffTables, price_entry
from tmec.tariffs.measures import METAL_PROGRAMS, PROGRAMS

PROBE_VALUE = Decimal(1000)
PROBE = {
    "steel_value": Decimal(1),
    "aluminum_value": Decimal(2),
    "non_us_content": Decimal(4),
    "quantity": Decimal(8),
    "weight_kg": Decimal(16),
    "copper_value": Decimal(32),
}
BASE_OF = {amount: name for name, amount in PROBE.items()}
KEY = (
    "period",
    "hts",
    "origin",
    "usmca",
    "melted_poured",
    "smelted_cast",
    "has_steel",
    "has_alu",
    "has_copper",
    "has_nonus",
    "has_qty",
    "has_kg",
    "spi",  # the special program claimed (the entry file's column program)
    "light_metal",  # how many of the measures' metal-weight thresholds the metal's share is under
)
FACT = KEY[1:]  # the key of a line, less the period its date falls in
# How a duty line's base follows from the line's amounts (``_rule``); the last two are
# differences, and a line whose difference is 0 has no duty line.
RULES = (
    "value",
    "steel_value",
    "aluminum_value",
    "copper_value",
    "non_us_content",
    "quantity",  # a specific rate: per unit of the line's quantity, or per kg of its weight
    "weight_kg",
    "us_content",
    "remainder",
)
# Questions of the single-entry path that mean part of a line's duty is not counted.
UNCOUNTED = ("quantity", "weight_kg", "ordinary duty")
RATE = (12, 6)


def _global_days(tables: TariffTables) -> set[dt.date]:
    """The days on which a parameter of the pricing changes (every line's periods start on them)."""
    days = {tables.first_date()}
    for name in tables.parameters:
        days.update(tables.parameters[name].dates)
    return days


# A fact of a line that no measure or rate of its code turns on is left out of its key (so
# that lines differing only in it share one): the fact, and what makes it matter.
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
)


def _code_law(tables: TariffTables, code: str) -> tuple[set[dt.date], dict[str, bool]]:
    """The days on which something that prices ``code`` changes (its lines and its item's in the
    schedule, the measures whose scope covers it or names a finer code under it), and which of the
    facts in :data:`RELEVANT` any of them turns on."""
    days: set[dt.date] = set()
    specific = False
    # an 8-digit code is priced from its statistical lines when it has no rates (or units) itself
    for c in {code, code[:8]} | (tables.schedule.codes(code) if len(code) == 8 else set()):
        for v in tables.schedule.versions(c):
            days.update(d for d in (v.valid_from, v.valid_to) if d is not None)
            rates = (v.general_rate, v.column2_rate, *v.programs.values())
            specific = specific or any(r.parts or not r.complete for r in rates)
    measures = []
    for program in PROGRAMS:
        covering, finer = tables.measures.covering(program, code)
        measures += [*covering, *finer]
    for m in measures:
        days.update(d for d in (m.valid_from, m.valid_to) if d is not None)
    floors = any(m.floor for m in measures)
    relevant = {
        "has_qty": specific,
        "has_kg": specific or floors,
        "light_metal": any("metal_weight_under" in m.when for m in measures),
        "melted_poured": any(k.startswith("melted_poured") for m in measures for k in m.when),
        "smelted_cast": any(k.startswith("smelted_cast") for m in measures for k in m.when),
        "has_steel": any(m.base == "steel_content" for m in measures),
        "has_alu": any(m.base == "aluminum_content" for m in measures),
        "has_copper": any(m.base == "copper_content" for m in measures),
        "has_nonus": any(m.base == "non_us_content" for m in measures),
    }
    return days, relevant


def period_table(tables: TariffTables, codes: list[str]) -> pa.Table:
    """Per code, the periods in which nothing that prices it changes (a line's key is its code's
    period, so that lines of a code whose law is stable share one key over many revisions), and
    which facts of its lines matter (``rel_<fact>``)."""
    common = _global_days(tables)
    cols: dict[str, list[Any]] = {
        "p_hts": [],
        "p_start": [],
        "p_end": [],
        **{f"rel_{f}": [] for f in RELEVANT},
    }
    for code in codes:
        own, relevant = _code_law(tables, code)
        days = sorted(common | own)
        cols["p_hts"] += [code] * len(days)
        cols["p_start"] += days
        cols["p_end"] += [*days[1:], dt.date(9999, 12, 31)]
        for f in RELEVANT:
            cols[f"rel_{f}"] += [relevant[f]] * len(days)
    return pa.table(
        {
            **cols,
            "p_start": pa.array(cols["p_start"], pa.date32()),
            "p_end": pa.array(cols["p_end"], pa.date32()),
        }
    )


def templates(
    keys: list[dict[str, Any]], tables: TariffTables, basis: str
) -> tuple[pa.Table, list[tuple[int, str]], list[tuple[int, str]]]:
    """Price one probe entry per key with the single-entry path; its lines become the key's template."""
    rows: list[dict[str, Any]] = []
    bad: list[tuple[int, str]] = []
    questions: list[tuple[int, str]] = []
    thresholds = sorted(
        {
            Decimal(str(m.when["metal_weight_under"]))
            for m in tables.measures
            if "metal_weight_under" in m.when
        }
    )
    for k in keys:
        try:
            probe = Entry(
                entry_date=k["period"],
                hts=k["hts"],
                origin=k["origin"],
                value=PROBE_VALUE,
                usmca=bool(k["usmca"]),
                steel_value=PROBE["steel_value"] if k["has_steel"] else None,
                aluminum_value=PROBE["aluminum_value"] if k["has_alu"] else None,
                copper_value=PROBE["copper_value"] if k["has_copper"] else None,
                non_us_content=PROBE["non_us_content"] if k["has_nonus"] else None,
                quantity=PROBE["quantity"] if k["has_qty"] else None,
                # the metal's share of the weight needs a weight even where no rate is per kg
                weight_kg=PROBE["weight_kg"] if k["has_kg"] or k["light_metal"] is not None else None,
                program=k["spi"],
                metal_weight_kg=_metal_weight(k["light_metal"], thresholds),
                melted_poured=k["melted_poured"],
                smelted_cast=k["smelted_cast"],
            )
            duty = price_entry(probe, tables=tables, basis=basis)
        except InputError as exc:
            bad.append((k["key_id"], str(exc)))
            continue
        places = int(tables.parameters.at(k["period"])["tariffs.duty_rounding_places"].decimal)
        questions.extend((k["key_id"], q.text) for q in duty.questions if q.fact in UNCOUNTED)
        metals = [ln for ln in duty.lines if ln.program in METAL_PROGRAMS and ln.rate > 0]
        mb = sum((ln.base for ln in metals), Decimal(0))
        for seq, ln in enumerate(duty.lines):
            rows.append(
                {
                    "key_id": k["key_id"],
                    "seq": seq,
                    "program": ln.program,
                    "measure_id": ln.measure_id,
                    "measure": ln.measure,
                    # a specific rate is dollars per unit: as a percent of its base, 100 times that
                    "rate": ln.rate * 100 if ln.unit else ln.rate,
                    "rule": (rule := _rule(ln.base, min(PROBE_VALUE, mb), ln.unit)),
                    "rule_id": RULES.index(rule),
                    "places": places,
                    "mb_full": sum(1 for m in metals if m.base == PROBE_VALUE),
                    "mb_steel": any(m.base == PROBE["steel_value"] for m in metals),
                    "mb_alu": any(m.base == PROBE["aluminum_value"] for m in metals),
                    "mb_copper": any(m.base == PROBE["copper_value"] for m in metals),
                }
            )
    schema = pa.schema(
        [
            ("key_id", pa.int64()),
            ("seq", pa.int32()),
            ("program", pa.string()),
            ("measure_id", pa.string()),
            ("measure", pa.string()),
            ("rate", pa.decimal128(*RATE)),
            ("rule", pa.string()),
            ("rule_id", pa.int8()),
            ("places", pa.int32()),
            ("mb_full", pa.int32()),
            ("mb_steel", pa.bool_()),
            ("mb_alu", pa.bool_()),
            ("mb_copper", pa.bool_()),
        ]
    )
    return pa.Table.from_pylist(rows, schema=schema), bad, questions


def _metal_weight(under: int | None, thresholds: list[Decimal]) -> Decimal | None:
    """A metal weight whose share of the probe's weight is under exactly ``under`` of the thresholds
    (the lowest first): halfway between the thresholds it must fall between."""
    if under is None:
        return None
    bounds = [Decimal(0), *thresholds, Decimal(100)]
    lo, hi = bounds[len(thresholds) - under], bounds[len(thresholds) - under + 1]
    return (lo + hi) / 2 * PROBE["weight_kg"] / 100


def _rule(base: Decimal, metal_base: Decimal, unit: str = "") -> str:
    if unit:
        return BASE_OF[base]  # quantity or weight_kg
    if base == PROBE_VALUE:
        return "value"
    if base in BASE_OF:
        return BASE_OF[base]
    if metal_base > 0 and base == PROBE_VALUE - metal_base:
        return "remainder"
    if base == PROBE_VALUE - PROBE["non_us_content"]:
        return "us_content"  # a USMCA vehicle's US content, reported on its own line (Proc. 10908)
    raise AssertionError(f"a duty base of {base} on the probe entry matches no rule")  # pragma: no cover
