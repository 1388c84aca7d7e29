"""Pricing keys: the law of each kind of entry line, priced once by the single-entry path.

A line's *pricing key* is what its duties turn on besides its amounts: its code, origin, claim,
reported melt/smelt countries, which content values and quantities it reports, and the period of
its date in which nothing that prices its code changes.  :func:`templates` prices one probe entry
per kind of key with :func:`tmec.tariffs.price_entry`; the probe's amounts (value 1000, steel 1, aluminium 2,
non-US content 4, quantity 8, weight 16, copper 32) are chosen so that each duty line's base tells
which amount of a real line it is taken on (:data:`RULES`).  :mod:`tmec.engine.exposure` joins the
lines to these templates.

Keys are many (every code's periods split by every origin's measures, times the reported facts)
but their laws are few: keys of one code, origin and claim priced in one stretch of days in which
nothing that prices them changes (their schedule line, the measures that cover the code for that
origin, the legal parameters the pricing read), and differing only in facts that no rate or
measure in force then turns on, get the same template; it is priced once (:class:`_Probes`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import multiprocessing as mp
import os
import threading
from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

import pyarrow as pa

from tmec.core.errors import InputError
from tmec.core.params import Parameter, ParameterSet, ParameterSnapshot
from tmec.engine.pricing_periods import (
    PRICING_PARAMETERS,
    RELEVANT,
    FactMasks,
    Turning,
    in_force_facts,
    law_days,
    law_measures,
    law_versions,
)
from tmec.tariffs import Entry, TariffTables, price_entry
from tmec.tariffs.measures import METAL_PROGRAMS, Measure, MeasureSet
from tmec.tariffs.schedule import HtsLine
from tmec.tariffs.tables import STACKING_PARAMETERS

PROBE_VALUE = Decimal(1000)
PROBE = {
    "steel_value": Decimal(1),
    "aluminum_value": Decimal(2),
    "non_us_content": Decimal(4),
    "quantity": Decimal(8),
    "weight_kg": Decimal(16),
    "copper_value": Decimal(32),
    "us_parts_value": Decimal(64),
}
# the amounts a duty line's base can be (the U.S. parts of note 16(j) are not: their line is on what
# the minimum leaves of them, and 9903.82.20's on the rest, rules of their own)
BASE_OF = {amount: name for name, amount in PROBE.items() if name != "us_parts_value"}
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
    "has_usparts",
    "has_qty",
    "has_kg",
    "spi",  # the special program claimed (the entry file's column program)
    "light_metal",  # how many of the measures' metal-weight thresholds the metal's share is under
    # (one more than there are thresholds when the line has no metal at all: 9903.82.01)
    "metals_relief",  # the facts declared, one canonical text (tmec.tariffs.declared; 9903.82.13...)
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
    "non_us_parts",  # 9903.82.20: the value less the U.S. parts, at least the minimum's share of it
    "us_parts",  # 9903.82.21: the rest (a difference: no duty line where it is 0)
)
# Questions of the single-entry path that mean part of a line's duty is not counted, or (the U.S.
# parts of note 16(j)) that its duty is an upper bound: the exposure totals them.
UNCOUNTED = ("quantity", "weight_kg", "ordinary duty")
UPPER_BOUND = ("us_parts_value",)
RATE = (12, 6)


NOTE_ONLY = frozenset(STACKING_PARAMETERS) - frozenset(PRICING_PARAMETERS)
READABLE = frozenset(STACKING_PARAMETERS)


SCHEMA = pa.schema(
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
BLANK: dict[str, Any] = {
    f: None if f in ("melted_poured", "smelted_cast", "light_metal", "metals_relief") else False
    for f in RELEVANT
}


class _Watched(Mapping[str, Parameter]):
    """The legal parameters, noting the name of each one read."""

    def __init__(self, parameters: ParameterSet, read: set[str]) -> None:
        self._parameters, self.read = parameters, read

    def __getitem__(self, name: str) -> Parameter:
        self.read.add(name)
        return self._parameters[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._parameters)

    def __len__(self) -> int:
        return len(self._parameters)


class _Reading(ParameterSet):
    """A parameter set whose snapshots note which parameters a pricing reads (``read``)."""

    def __init__(self, parameters: ParameterSet) -> None:
        super().__init__(parameters)
        self.read: set[str] = set()
        self._watched = _Watched(parameters, self.read)

    def at(self, day: dt.date) -> ParameterSnapshot:
        return ParameterSnapshot(self._watched, day)


@dataclasses.dataclass(slots=True)
class _Priced:
    """One pricing of a probe entry: its template rows (without key), the questions that leave
    part of its duty uncounted, and the first day after its own on which it may differ."""

    rows: list[dict[str, Any]]
    questions: list[str]
    until: dt.date
    n: int  # which pricing it is (0, 1, ...)


@dataclasses.dataclass(slots=True)
class _Law:
    """What prices one code for one origin: the schedule lines that can price the code, the
    measures that cover it for the origin (a measure for other origins is passed over by every
    pricing), the days on which any of them starts or ends, and by stretch between those days
    (``bisect_right(days, day)``) the facts they turn on."""

    versions: list[HtsLine]
    measures: list[Measure]
    days: list[dt.date]
    turning: list[Turning]  # those that turn on some fact (FactMasks.turning)
    facts: dict[int, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    priced: dict[tuple[Any, ...], _Priced] = dataclasses.field(default_factory=dict)

    def relevant(self, stretch: int, day: dt.date) -> tuple[str, ...]:
        found = self.facts.get(stretch)
        if found is None:
            found = self.facts[stretch] = in_force_facts(self.turning, day)
        return found


class _OriginMeasures(MeasureSet):
    """The measures as the pricing of one origin's goods sees them: a program's measures covering
    a code, less those for other origins.  The stacking passes over those anyway (``select`` asks
    ``applies_to_origin`` of each, in order), so the answers are the same; a probe no longer walks
    the ~70 country rates of the reciprocal program, of which one can be its origin's."""

    def __init__(self, measures: MeasureSet, origin: str) -> None:  # a view: no index of its own
        self._all, self._origin = measures, origin
        self._seen: dict[tuple[str, str], tuple[tuple[Measure, ...], tuple[Measure, ...]]] = {}

    def __getattr__(self, name: str) -> Any:  # everything but covering: the whole set's
        return getattr(self._all, name)

    def covering(self, program: str, digits: str) -> tuple[tuple[Measure, ...], tuple[Measure, ...]]:
        found = self._seen.get((program, digits))
        if found is None:
            cover, finer = self._all.covering(program, digits)
            o = self._origin
            found = self._seen[(program, digits)] = (
                tuple(m for m in cover if m.applies_to_origin(o)),
                tuple(m for m in finer if m.applies_to_origin(o)),
            )
        return found


class _Probes:
    """Keys priced once per law: a key takes the template of an earlier key of the same code,
    origin, claim, program and facts that matter (those the lines and measures in force on its day
    turn on) priced in the same stretch of days, in which none of its schedule lines, none of the
    measures that cover its code for its origin and none of the parameters its pricing read
    change; else its probe is priced."""

    def __init__(self, tables: TariffTables, basis: str) -> None:
        self.reading = _Reading(tables.parameters)
        self.tables = dataclasses.replace(tables, parameters=self.reading)
        self.basis = basis
        self.thresholds = metal_thresholds(tables)
        self.probes = 0  # entries priced by price_entry
        self._of_origin: dict[str, TariffTables] = {}
        self.masks = FactMasks()

    def tables_of(self, origin: str) -> TariffTables:
        """The tables with the measures as ``origin``'s goods see them (:class:`_OriginMeasures`)."""
        found = self._of_origin.get(origin)
        if found is None:
            measures = _OriginMeasures(self.tables.measures, origin)
            found = self._of_origin[origin] = dataclasses.replace(self.tables, measures=measures)
        return found

    def law(self, code: str, origin: str) -> _Law:
        versions = law_versions(self.tables, code)
        measures = [m for m in law_measures(self.tables, code) if m.applies_to_origin(origin)]
        turning = self.masks.turning(versions, measures)
        return _Law(versions, measures, sorted(law_days(versions, measures)), turning)

    def template(self, law: _Law, k: dict[str, Any]) -> _Priced:
        """The template of key ``k`` of ``law``'s code and origin (a code's keys must come in the
        order of their days); InputError when the single-entry path refuses its probe."""
        day = k["period"]
        matter = law.relevant(bisect_right(law.days, day), day)
        kind = (k["usmca"], k["spi"], matter, *(k[f] for f in matter))
        found = law.priced.get(kind)
        if found is None or day >= found.until:
            found = law.priced[kind] = self.price(
                law, k, {f: k[f] if f in matter else BLANK[f] for f in RELEVANT}
            )
        return found

    def price(self, law: _Law, k: dict[str, Any], facts: dict[str, Any]) -> _Priced:
        """Price key ``k``'s probe entry with ``facts`` (the key's, less those that do not matter)."""
        day = k["period"]
        probe = Entry(
            entry_date=day,
            hts=k["hts"],
            origin=k["origin"],
            value=PROBE_VALUE,
            usmca=bool(k["usmca"]),
            steel_value=PROBE["steel_value"] if facts["has_steel"] else None,
            aluminum_value=PROBE["aluminum_value"] if facts["has_alu"] else None,
            copper_value=PROBE["copper_value"] if facts["has_copper"] else None,
            non_us_content=PROBE["non_us_content"] if facts["has_nonus"] else None,
            us_parts_value=PROBE["us_parts_value"] if facts["has_usparts"] else None,
            quantity=PROBE["quantity"] if facts["has_qty"] else None,
            # the metal's share of the weight needs a weight even where no rate is per kg
            weight_kg=PROBE["weight_kg"] if facts["has_kg"] or facts["light_metal"] is not None else None,
            program=k["spi"],
            metal_weight_kg=_metal_weight(facts["light_metal"], self.thresholds),
            melted_poured=facts["melted_poured"],
            smelted_cast=facts["smelted_cast"],
            metals_relief=facts["metals_relief"],
        )
        read = self.reading.read
        read.clear()
        duty = price_entry(probe, tables=self.tables_of(probe.origin), basis=self.basis)
        places = int(self.reading.at(day)["tariffs.duty_rounding_places"].decimal)
        if not read <= READABLE:  # pragma: no cover - a new parameter
            raise AssertionError(f"pricing read parameters the periods do not split on: {sorted(read)}")
        questions = [q.text for q in duty.questions if q.fact in UNCOUNTED or q.fact in UPPER_BOUND]
        metals = [ln for ln in duty.lines if ln.program in METAL_PROGRAMS and ln.rate > 0]
        mb = sum((ln.base for ln in metals), Decimal(0))
        shared = {
            "places": places,
            "mb_full": sum(1 for m in metals if m.base == PROBE_VALUE),
            "mb_steel": any(m.base == PROBE["steel_value"] for m in metals),
            "mb_alu": any(m.base == PROBE["aluminum_value"] for m in metals),
            "mb_copper": any(m.base == PROBE["copper_value"] for m in metals),
        }
        rows = []
        split = any(ln.base_kind == "non_us_parts" for ln in metals)
        for seq, ln in enumerate(duty.lines):
            rule = SPLIT.get(ln.base_kind) or _rule(ln.base, min(PROBE_VALUE, mb), ln.unit)
            if split and rule == "remainder":  # the engine's metal base knows no U.S. parts
                raise InputError(
                    f"{ln.measure} ({ln.measure_id}): a duty on what Section 232 leaves of a good split "
                    "by its U.S. parts (U.S. note 16(j)) is priced by tmec duty, not by the bulk engine"
                )
            rows.append(
                {
                    "seq": seq,
                    "program": ln.program,
                    "measure_id": ln.measure_id,
                    "measure": ln.measure,
                    # a specific rate is dollars per unit: as a percent of its base, 100 times that
                    "rate": ln.rate * 100 if ln.unit else ln.rate,
                    "rule": rule,
                    "rule_id": RULES.index(rule),
                    **shared,
                }
            )
        # the next day on which a line, a measure or a parameter read may change the answer
        changes: list[Sequence[dt.date]] = [law.days]
        changes += [self.tables.parameters[name].dates for name in read - NOTE_ONLY]
        until = min(
            (days[i] for days in changes if (i := bisect_right(days, day)) < len(days)),
            default=dt.date.max,
        )
        self.probes += 1
        return _Priced(rows, questions, until, self.probes - 1)


def templates(
    keys: list[dict[str, Any]], tables: TariffTables, basis: str
) -> tuple[pa.Table, list[tuple[int, str]], list[tuple[int, str]]]:
    """The template of every key (priced once per law, :class:`_Probes`), the keys whose probe the
    single-entry path refuses (with its message), and the questions that leave part of some keys'
    duty uncounted."""
    if len(keys) < PARALLEL_FROM or not _can_fork():
        with _no_gc():
            return _templates(keys, _Probes(tables, basis))
    # Two processes: a second (forked, so it has the law without copying it) prices the keys of
    # half the codes and origins while this one prices the rest; a code and origin's keys stay in
    # one process, whose probes are shared by its keys.
    count: dict[tuple[str, str], int] = {}
    for k in keys:
        count[(k["hts"], k["origin"])] = count.get((k["hts"], k["origin"]), 0) + 1
    theirs_laws: set[tuple[str, str]] = set()
    taken = 0
    for law, n in sorted(count.items()):
        if taken >= len(keys) // 2:
            break
        theirs_laws.add(law)
        taken += n
    theirs = [k for k in keys if (k["hts"], k["origin"]) in theirs_laws]
    mine = [k for k in keys if (k["hts"], k["origin"]) not in theirs_laws]
    global _WORK
    _WORK = (tables, basis)
    try:
        with mp.get_context("fork").Pool(1, initializer=gc.disable) as pool:
            other = pool.map_async(_templates_of, [theirs])
            with _no_gc():
                table, bad, questions = _templates(mine, _Probes(tables, basis))
            t2, bad2, questions2 = other.get()[0]
    finally:
        _WORK = None
    return pa.concat_tables([t2, table]), [*bad2, *bad], [*questions2, *questions]


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """The cyclic garbage collector off while the probes are priced (as in the forked worker): the
    many small objects of each pricing set it off again and again, for no cycle (12 % of the CPU)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# From this many keys the pricing is split over two processes (below it the fork and the pool
# cost about what they save).
PARALLEL_FROM = 4000
_WORK: tuple[TariffTables, str] | None = None


def _can_fork() -> bool:
    """Fork only from the main thread (a server's worker thread may share the process with threads
    holding locks the child would wait on), where fork exists, on more than one core."""
    return (
        threading.current_thread() is threading.main_thread()
        and "fork" in mp.get_all_start_methods()
        and (os.cpu_count() or 1) >= 2
    )


def _templates_of(
    keys: list[dict[str, Any]],
) -> tuple[pa.Table, list[tuple[int, str]], list[tuple[int, str]]]:
    assert _WORK is not None
    return _templates(keys, _Probes(*_WORK))


def _templates(
    keys: list[dict[str, Any]], probes: _Probes
) -> tuple[pa.Table, list[tuple[int, str]], list[tuple[int, str]]]:
    bad: list[tuple[int, str]] = []
    questions: list[tuple[int, str]] = []
    by_law: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for k in keys:
        by_law.setdefault((k["hts"], k["origin"]), []).append(k)
    priced: list[_Priced] = []  # each pricing once, by its number
    which: list[int] = []  # the pricing of each key of key_ids
    key_ids: list[int] = []
    for (code, origin), group in by_law.items():
        law = probes.law(code, origin)
        group.sort(key=lambda k: k["period"])
        for k in group:
            try:
                found = probes.template(law, k)
            except InputError as exc:
                bad.append((k["key_id"], str(exc)))
                continue
            if found.n == len(priced):
                priced.append(found)
            which.append(found.n)
            key_ids.append(k["key_id"])
            if found.questions:
                questions.extend((k["key_id"], q) for q in found.questions)
    # each template's rows once in a table; every key takes its pricing's rows by index
    ranges, at = [], 0
    for p in priced:
        ranges.append(range(at, at + len(p.rows)))
        at += len(p.rows)
    take: list[int] = []
    keyed: list[int] = []
    for n, key_id in zip(which, key_ids, strict=True):
        take.extend(ranges[n])
        keyed.extend([key_id] * len(ranges[n]))
    shared = pa.Table.from_pylist([r for p in priced for r in p.rows], schema=SCHEMA.remove(0))
    table = shared.take(pa.array(take, pa.int64()))
    table = table.add_column(0, SCHEMA.field("key_id"), pa.array(keyed, pa.int64()))
    return table, bad, questions


def metal_thresholds(tables: TariffTables) -> list[Decimal]:
    """The metal-weight thresholds of the measures (percent of the article's weight), lowest first."""
    return sorted(
        {
            Decimal(str(m.when["metal_weight_under"]))
            for m in tables.measures
            if "metal_weight_under" in m.when
        }
    )


def _metal_weight(under: int | None, thresholds: list[Decimal]) -> Decimal | None:
    """A metal weight whose share of the probe's weight is under exactly ``under`` of the thresholds
    (the lowest first): halfway between the thresholds it must fall between; none at all for one
    more than there are thresholds."""
    if under is None:
        return None
    if under > len(thresholds):
        return Decimal(0)
    bounds = [Decimal(0), *thresholds, Decimal(100)]
    lo, hi = bounds[len(thresholds) - under], bounds[len(thresholds) - under + 1]
    return (lo + hi) / 2 * PROBE["weight_kg"] / 100


# Duty lines whose base is found by their kind (DutyLine.base_kind), not by their amount on the probe:
# 9903.82.20 and .21 split the value by the U.S. parts and the minimum (Proc. 11032 clause (2)(d)).
SPLIT = {"non_us_parts": "non_us_parts", "us_parts": "us_parts"}


def least_share(tables: TariffTables) -> Decimal | None:
    """The least share of the value 9903.82.20 (base ``non_us_parts``) is taken on: its minimum duty
    over its rate (15 / 25 = 0.6), one for every such measure priced; None when there is none."""
    shares = {m.minimum_duty / m.rate for m in tables.measures if m.base == "non_us_parts" and m.minimum_duty}
    if len(shares) > 1:
        raise InputError(
            "the bulk engine takes one minimum share for the measures on base non_us_parts, found "
            + ", ".join(str(s) for s in sorted(shares))
        )
    share = next(iter(shares), None)
    if share is not None and share.quantize(Decimal("0.000001")) != share:
        raise InputError(f"the bulk engine takes a minimum share of at most 6 decimals, found {share}")
    return share


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
