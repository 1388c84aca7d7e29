"""Chapter-99 measures as dated data: who pays what, on which base, from when.

A :class:`Measure` is one row of spec tariffs.md §1.7 made exact: a program
(``s232_vehicles``, ``s232_metals``, ``s232_aluminum``, ``s232_steel``, ``ieepa``, ``s122``,
``ieepa_china``, ``ieepa_reciprocal``, ``s301``, ``s232_copper``, ``ieepa_country``),
its chapter-99 heading, rate (percent), base (``full``, ``steel_content``,
``aluminum_content``, ``non_us_content``, ``copper_content``, ``non_us_parts``), origins, HTS
scope, conditions (USMCA claim, melt-and-pour / smelt-and-cast countries), half-open validity,
legal reference and confidence.  Within a program the first matching measure
wins: exceptions are written before the general rule, as the law writes them.

Scopes are lists of HTS codes or ranges at one level (``"7206.10-7216.50"``);
a code is in scope when its prefix at the item's level lies in the range.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from typing import Any

from tmec.core import hs
from tmec.core.dates import parse_date
from tmec.core.errors import InputError
from tmec.core.money import to_decimal
from tmec.tariffs.entry import RELIEFS, UNKNOWN, Entry, country

__all__ = [
    "BASES",
    "CUMULATIVE",
    "METAL_PROGRAMS",
    "PROGRAMS",
    "Measure",
    "MeasureSet",
    "ScopeItem",
    "Unchecked",
    "parse_measures",
]

# s232_metals: the 2026 regime, one heading of 9903.82 per article whatever its metals (note 16(a));
# ieepa: Canada and Mexico (EO 14193/14194), which EO 14289 ranks against Section 232;
# ieepa_china (fentanyl, EO 14195) and s301 (Section 301, China) stack on everything;
# ieepa_reciprocal (EO 14257) spares what Section 232 taxes (U.S. note 2(v)(vi)-(ix); 9903.01.33)
PROGRAMS = (
    "s232_vehicles",
    "s232_metals",
    "s232_aluminum",
    "s232_steel",
    "ieepa",
    "s122",
    "ieepa_china",
    "ieepa_reciprocal",
    "s301",
    "s232_copper",  # Proc. 10962 (2025-08-01 to 2026-04-05), on the copper content: a metal like the others
    # a country's own IEEPA order on top of the reciprocal rate (Brazil EO 14323, India EO 14329):
    # like the reciprocal duty, not on what Section 232 taxes (their orders' s.3(a))
    "ieepa_country",
    # products the reciprocal duty spares (Annex II of EO 14257, 9903.01.32): its exemptions only
    "ieepa_annex_ii",
    # Section 232 timber, lumber and wood products (Proc. 10976, 9903.76): on the whole article, in place
    # of IEEPA Canada/Mexico, the reciprocal, Brazil and India duties and Section 122
    "s232_wood",
    # Section 232 semiconductors (9903.79.01): in place of every other 232 duty and of IEEPA but China's
    # Section 301 (U.S. note 39(a))
    "s232_semiconductors",
)
# the Section 232 metal programs, in the order they are stacked (Proc. 10947: aluminum before steel)
METAL_PROGRAMS = ("s232_metals", "s232_aluminum", "s232_steel", "s232_copper")
# stack on the full value whatever else applies (no exclusivity in their texts or EO 14289)
CUMULATIVE = ("ieepa_china", "s301")
# non_us_parts: the value less the parts produced in the United States (the entry's us_parts_value),
# but never under ``minimum_duty`` / ``rate`` of the value (Proc. 11032 clause (2)(d), note 16(j))
BASES = ("full", "steel_content", "aluminum_content", "non_us_content", "copper_content", "non_us_parts")
CONDITIONS = (
    "usmca_claim",
    "metal_weight_under",  # percent of the article's weight (note 16(c): under 15 %)
    "metal_free",  # true: no steel, aluminum or copper in it at all (a metal weight of 0; 9903.82.01)
    "metals_relief",  # a fact among those the importer declares (tmec.tariffs.declared.RELIEFS)
    "melted_poured_in",
    "melted_poured_not_in",
    "smelted_cast_in",
    "smelted_cast_not_in",
)
UNVERIFIED = {
    "S",
    "M",
    "L",
}  # one secondary source, recalled, or unverified (COMMON rule: shown as [unverified])


@dataclass(frozen=True, slots=True)
class ScopeItem:
    """An inclusive range of codes at one level: ``lo[:n] <= code[:n] <= hi[:n]``."""

    scope: str
    lo: str
    hi: str

    @property
    def level(self) -> int:
        return len(self.lo)

    def contains(self, digits: str) -> bool:
        return len(digits) >= self.level and self.lo <= digits[: self.level] <= self.hi

    def __reduce__(self) -> tuple[type[ScopeItem], tuple[str, str, str]]:
        # pickled as its constructor's arguments: the compiled law holds tens of thousands of items,
        # and a slotted dataclass's default state (a list of its fields) reads back at twice the cost
        return (ScopeItem, (self.scope, self.lo, self.hi))

    def narrower_than(self, digits: str) -> bool:
        """True when the item names a finer code under ``digits`` (the entry code is too coarse to tell)."""
        return len(digits) < self.level and self.lo[: len(digits)] <= digits <= self.hi[: len(digits)]


@dataclass(frozen=True, slots=True)
class Unchecked:
    """An exemption from a measure that turns on what the entry line does not say (a product list
    the data lacks, a donation, goods in transit): the answer asks about it while it is in force."""

    heading: str
    why: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def in_force(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day < self.valid_to
        )


@dataclass(frozen=True, slots=True)
class Measure:
    id: str
    program: str
    title: str
    heading: str
    rate: Decimal  # percent
    base: str
    scope: tuple[ScopeItem, ...]
    valid_from: dt.date
    valid_to: dt.date | None
    reference: str
    confidence: str
    origins: frozenset[str] | None = None  # None: every country
    origins_except: frozenset[str] = frozenset()
    when: Mapping[str, Any] = field(default_factory=dict)
    exemption: bool = False
    remainder_heading: str = ""  # where the rest of the value is reported at 0 % (9903.94.04)
    # floor: ``rate`` is what column 1 and this duty come to together (Annex III, 15 %): the duty
    # is the difference, and none is due under ``floor_met_heading`` when column 1 reaches it
    floor: bool = False
    floor_met_heading: str = ""
    priority: int = 0  # position in the data: lower wins within a program
    # exemptions from it that the entry cannot show (asked about, the duty charged meanwhile)
    unchecked: tuple[Unchecked, ...] = ()
    # the heading that spares what Section 232 taxes (9903.01.83 for Brazil), named when it does
    section232_heading: str = ""
    # the least duty in percent of the value (base non_us_parts: "not less than 15 percent ad valorem")
    minimum_duty: Decimal | None = None
    # Where a later order dated the measure back (or cut it short) retroactively, the days between
    # which it was deposited at entry, as the revisions printed it (``basis="deposited"``); the
    # validity above is the law's (``basis="liability"``).  None: the same as the validity.
    deposited_from: dt.date | None = None
    deposited_to: dt.date | None = None
    # where a relief the measure turns on is asked about when not declared (empty: wherever it could
    # apply); U.S. note 33(p)-(r)'s certification is asked on the parts headings of chapter 87 only
    asked_within: tuple[ScopeItem, ...] = ()
    # the entry facts its conditions turn on, found once (asked for each entry it could cover)
    _asks: tuple[str, ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        facts = []
        if any(k.startswith("melted_poured") for k in self.when):
            facts.append("melted_poured")
        if any(k.startswith("smelted_cast") for k in self.when):
            facts.append("smelted_cast")
        if "metal_weight_under" in self.when or self.when.get("metal_free"):
            facts.append("metal_weight_kg")
        if "metals_relief" in self.when:
            facts.append("metals_relief")
        object.__setattr__(self, "_asks", tuple(facts))

    @property
    def unverified(self) -> bool:
        return self.confidence in UNVERIFIED

    def cite(self) -> str:
        return self.reference + (" [unverified]" if self.unverified else "")

    def in_force(self, day: dt.date, basis: str = "liability") -> bool:
        """In force on ``day`` in law, or (``basis="deposited"``) as deposited at entry then."""
        start, end = self.valid_from, self.valid_to
        if basis == "deposited":
            start, end = self.deposited_from or start, self.deposited_to or end
        return start <= day and (end is None or day < end)

    def in_force_either(self, day: dt.date) -> bool:
        """In force on ``day`` in law or as deposited (what a pricing of either basis may read)."""
        return self.in_force(day) or self.in_force(day, "deposited")

    @property
    def dates(self) -> tuple[dt.date, ...]:
        """Every day on which it starts or ends, in law or as deposited."""
        days = (self.valid_from, self.valid_to, self.deposited_from, self.deposited_to)
        return tuple(d for d in days if d is not None)

    def applies_to_origin(self, origin: str) -> bool:
        if self.origins is not None:
            return origin in self.origins
        return origin not in self.origins_except

    def covers(self, digits: str) -> bool:
        return any(item.contains(digits) for item in self.scope)

    def could_cover(self, digits: str) -> bool:
        return any(item.narrower_than(digits) for item in self.scope)

    def conditions_met(self, entry: Entry, usmca_claim: bool) -> bool:
        """The measure's ``when`` conditions against the entry (Catala-style labelled exceptions)."""
        when = self.when
        if "usmca_claim" in when and bool(when["usmca_claim"]) != usmca_claim:
            return False
        # A country not given (None) satisfies no country condition: the answer then asks for it.
        # "unknown" is a country reported as unknown, and meets the conditions that name it.
        if "metals_relief" in when and when["metals_relief"] not in entry.declared:
            return False  # not among the facts declared is no claim: the answer asks when none is
        if when.get("metal_free") and entry.metal_weight_kg != 0:
            return False  # not given (None) is not "none in it": the answer asks
        if "metal_weight_under" in when:
            share = entry.metal_share
            if share is None or share >= Decimal(str(when["metal_weight_under"])):
                return False
        melted, smelted = entry.melted_poured, entry.smelted_cast
        for key, place in (("melted_poured", melted), ("smelted_cast", smelted)):
            inside, outside = when.get(f"{key}_in"), when.get(f"{key}_not_in")
            if inside is not None and (place is None or place not in inside):
                return False
            if outside is not None and (place is None or place in outside):
                return False
        return True

    def least_base(self, value: Decimal) -> Decimal:
        """The smallest base that gives ``minimum_duty`` percent of ``value`` at the measure's rate, to
        the ten-thousandth (an entry line's amounts), up: 60 % of the value at 25 % for 15 %."""
        if not self.minimum_duty or not self.rate:
            return Decimal(0)
        least = value * self.minimum_duty / self.rate
        up = least.quantize(Decimal("0.0001"), rounding=ROUND_CEILING)
        return least if least == up else up

    def asks_about(self) -> tuple[str, ...]:
        """The entry facts this measure's conditions turn on (for questions when they are missing)."""
        return self._asks

    def to_rows(self) -> list[dict[str, Any]]:
        """One plain row per scope item, for loading into an SQL engine."""
        base = {
            "measure_id": self.id,
            "program": self.program,
            "priority": self.priority,
            "title": self.title,
            "heading": self.heading,
            "rate": self.rate,
            "base": self.base,
            "exemption": self.exemption,
            "remainder_heading": self.remainder_heading or None,
            "origins": ",".join(sorted(self.origins)) if self.origins is not None else "*",
            "origins_except": ",".join(sorted(self.origins_except)),
            "usmca_claim": self.when.get("usmca_claim"),
            "melted_poured_in": ",".join(self.when.get("melted_poured_in", ())) or None,
            "melted_poured_not_in": ",".join(self.when.get("melted_poured_not_in", ())) or None,
            "smelted_cast_in": ",".join(self.when.get("smelted_cast_in", ())) or None,
            "smelted_cast_not_in": ",".join(self.when.get("smelted_cast_not_in", ())) or None,
            "metal_weight_under": self.when.get("metal_weight_under"),
            "metal_free": bool(self.when.get("metal_free", False)),
            "metals_relief": self.when.get("metals_relief"),
            "minimum_duty": self.minimum_duty,
            "floor": self.floor,
            "floor_met_heading": self.floor_met_heading or None,
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
            # as deposited at entry, where a retroactive order moved the validity (None: the same)
            "deposited_from": self.deposited_from,
            "deposited_to": self.deposited_to,
            "reference": self.reference,
            "confidence": self.confidence,
        }
        return [
            {**base, "scope": item.scope, "scope_level": item.level, "scope_lo": item.lo, "scope_hi": item.hi}
            for item in self.scope
        ]


class MeasureSet:
    """All measures, in priority order."""

    def __init__(self, measures: Iterable[Measure]) -> None:
        self.measures = tuple(sorted(measures, key=lambda m: m.priority))
        self._by_program: dict[str, tuple[Measure, ...]] = {
            p: tuple(m for m in self.measures if m.program == p) for p in PROGRAMS
        }
        self._covering: dict[tuple[str, str], tuple[tuple[Measure, ...], tuple[Measure, ...]]] = {}
        # The scope index.  A named list (an annex runs to hundreds of codes) is the scope of many
        # measures: each distinct run of items is indexed once, by its single codes and each shorter
        # prefix of them (for "a finer code under this one"), its ranges kept as a list; a program's
        # measures point at their runs.
        runs: dict[tuple[ScopeItem, ...], int] = {}
        exact: dict[str, set[int]] = {}  # code -> runs naming it
        under: dict[str, set[int]] = {}  # prefix -> runs naming a finer code under it
        self._run_ranges: list[list[tuple[str, str, int]]] = []  # run -> its ranges (lo, hi, level)
        self._run_measures: dict[str, dict[int, list[int]]] = {p: {} for p in PROGRAMS}
        for p, measures in self._by_program.items():
            for i, m in enumerate(measures):
                for run in _runs(m.scope):
                    r = runs.get(run)
                    if r is None:
                        r = runs[run] = len(runs)
                        self._run_ranges.append(_index_run(run, r, exact, under))
                    self._run_measures[p].setdefault(r, []).append(i)
        # kept as tuples: the compiled law (tmec.law.compiled) reads tuples back at half a set's cost
        self._exact = {code: tuple(sorted(rs)) for code, rs in exact.items()}
        self._under = {prefix: tuple(sorted(rs)) for prefix, rs in under.items()}

    def __iter__(self) -> Iterator[Measure]:
        return iter(self.measures)

    def __len__(self) -> int:
        return len(self.measures)

    def program(self, name: str) -> tuple[Measure, ...]:
        return self._by_program[name]

    def covering(self, program: str, digits: str) -> tuple[tuple[Measure, ...], tuple[Measure, ...]]:
        """The program's measures whose scope covers ``digits``, and those that name finer codes under it.

        Memoised per code: scope matching is the costly step and a portfolio has few distinct codes.
        """
        key = (program, digits)
        found = self._covering.get(key)
        if found is None:
            measures = self._by_program[program]
            used = self._run_measures[program]
            cover_runs: set[int] = set()
            for n in range(2, len(digits) + 1):
                cover_runs.update(self._exact.get(digits[:n], ()))
            finer_runs = set(self._under.get(digits, ()))
            n = len(digits)
            for r in used:
                for lo, hi, level in self._run_ranges[r]:
                    if level <= n:
                        if lo <= digits[:level] <= hi:
                            cover_runs.add(r)
                    elif lo[:n] <= digits <= hi[:n]:
                        finer_runs.add(r)
            cover = {i for r in cover_runs for i in used.get(r, ())}
            finer = {i for r in finer_runs for i in used.get(r, ())}
            found = (
                tuple(measures[i] for i in sorted(cover)),
                tuple(measures[i] for i in sorted(finer - cover)),
            )
            self._covering[key] = found
        return found

    def in_force(self, day: dt.date, origin: str | None = None) -> list[Measure]:
        return [
            m for m in self.measures if m.in_force(day) and (origin is None or m.applies_to_origin(origin))
        ]

    def first_date(self) -> dt.date:
        return self._first

    @functools.cached_property
    def _first(self) -> dt.date:  # asked for every entry priced
        return min(m.valid_from for m in self.measures)

    def rows(self) -> list[dict[str, Any]]:
        return [row for m in self.measures for row in m.to_rows()]


def _index_run(
    run: tuple[ScopeItem, ...], r: int, exact: dict[str, set[int]], under: dict[str, set[int]]
) -> list[tuple[str, str, int]]:
    """Run ``r`` indexed: its single codes in ``exact``, their shorter prefixes in ``under``; its ranges."""
    ranges = []
    for item in run:
        if item.lo != item.hi:
            ranges.append((item.lo, item.hi, item.level))
            continue
        exact.setdefault(item.lo, set()).add(r)
        for n in range(2, item.level):
            under.setdefault(item.lo[:n], set()).add(r)
    return ranges


def _runs(scope: tuple[ScopeItem, ...]) -> list[tuple[ScopeItem, ...]]:
    """A scope cut into its runs of one named list each, in order."""
    return [tuple(items) for _, items in itertools.groupby(scope, key=lambda item: item.scope)]


def _scope_items(name: str, spec: object, source: str | None) -> tuple[ScopeItem, ...]:
    if not isinstance(spec, Mapping):
        raise InputError(
            f"expected a mapping with 'items', found {spec!r}", field=f"scopes.{name}", source=source
        )
    items = spec.get("items", [])
    if not isinstance(items, list):
        raise InputError(
            f"expected a list of HS codes or ranges, found {items!r}",
            field=f"scopes.{name}.items",
            source=source,
        )
    out = []
    for i, item in enumerate(items):
        rng = hs.HSRange.parse(item, field=f"scopes.{name}.items[{i}]", source=source)
        out.append(ScopeItem(name, rng.start, rng.end))
    return tuple(out)


def _countries(value: object, field: str, source: str | None) -> frozenset[str]:
    if not isinstance(value, list):
        raise InputError("expected a list of country codes", field=field, source=source)
    # A code that names no country would make the measure silently apply to nothing.
    return frozenset(country(v, field=f"{field}[{i}]", source=source) for i, v in enumerate(value))


def _unchecked(value: object, where: str) -> tuple[Unchecked, ...]:
    if not isinstance(value, list):
        raise InputError(f"expected a list of exemptions (heading, why), found {value!r}", field=where)
    out = []
    for i, u in enumerate(value):
        if not isinstance(u, Mapping) or "heading" not in u or "why" not in u:
            raise InputError(f"expected a mapping with heading and why, found {u!r}", field=f"{where}[{i}]")
        start, end = u.get("valid_from"), u.get("valid_to")
        out.append(
            Unchecked(
                heading=str(u["heading"]),
                why=str(u["why"]),
                valid_from=parse_date(start, field=f"{where}[{i}].valid_from") if start else None,
                valid_to=parse_date(end, field=f"{where}[{i}].valid_to") if end else None,
            )
        )
    return tuple(out)


def parse_measures(data: Mapping[str, Any], *, source: str | None = None) -> MeasureSet:
    """Validate and build the measures of a ``measures.yaml`` mapping."""
    raw_scopes = data.get("scopes")
    raw_measures = data.get("measures")
    if not isinstance(raw_scopes, Mapping) or not isinstance(raw_measures, list):
        raise InputError("expected 'scopes' (mapping) and 'measures' (list)", source=source)
    scopes = {str(name): _scope_items(str(name), spec, source) for name, spec in raw_scopes.items()}
    measures = []
    seen: set[str] = set()
    for i, m in enumerate(raw_measures):
        where = f"measures[{i}]"
        try:
            mid = str(m["id"])
            if mid in seen:
                raise InputError(f"duplicate measure id {mid!r}", field=f"{where}.id")
            seen.add(mid)
            program = str(m["program"])
            if program not in PROGRAMS:
                raise InputError(
                    f"program must be one of {PROGRAMS}, found {program!r}", field=f"{where}.program"
                )
            base = str(m.get("base", "full"))
            if base not in BASES:
                raise InputError(f"base must be one of {BASES}, found {base!r}", field=f"{where}.base")
            scope_names = m["scope"] if isinstance(m["scope"], list) else [m["scope"]]
            items: list[ScopeItem] = []
            for s in scope_names:
                if s not in scopes:
                    raise InputError(f"unknown scope {s!r}", field=f"{where}.scope")
                items.extend(scopes[s])
            when = dict(m.get("when") or {})
            for key in when:
                if key not in CONDITIONS:
                    raise InputError(f"unknown condition {key!r}", field=f"{where}.when")
            for key in ("melted_poured_in", "melted_poured_not_in", "smelted_cast_in", "smelted_cast_not_in"):
                if key in when:
                    when[key] = tuple(str(c) if str(c) == UNKNOWN else str(c).upper() for c in when[key])
            if "metals_relief" in when and when["metals_relief"] not in RELIEFS:
                raise InputError(
                    f"metals_relief must be one of {tuple(RELIEFS)}, found {when['metals_relief']!r}",
                    field=f"{where}.when",
                )
            valid_to = m.get("valid_to")
            deposited = {
                k: parse_date(m[k], field=f"{where}.{k}") if m.get(k) else None
                for k in ("deposited_from", "deposited_to")
            }
            minimum = m.get("minimum_duty")
            if (minimum is None) != (base != "non_us_parts"):
                raise InputError(
                    "minimum_duty goes with base non_us_parts, and only with it",
                    field=f"{where}.minimum_duty",
                )
            rate = to_decimal(m["rate"], field=f"{where}.rate", source=source)
            least = None if minimum is None else to_decimal(minimum, field=f"{where}.minimum_duty")
            if least is not None and not 0 <= least <= rate:
                raise InputError(
                    f"expected a minimum duty from 0 to the rate {rate}, found {least}",
                    field=f"{where}.minimum_duty",
                )
            measures.append(
                Measure(
                    id=mid,
                    program=program,
                    title=str(m.get("title", mid)),
                    heading=str(m.get("heading", "")),
                    rate=rate,
                    base=base,
                    scope=tuple(items),
                    valid_from=parse_date(m["valid_from"], field=f"{where}.valid_from"),
                    valid_to=parse_date(valid_to, field=f"{where}.valid_to") if valid_to else None,
                    reference=str(m["reference"]),
                    confidence=str(m.get("confidence", "S")),
                    origins=_countries(m["origins"], f"{where}.origins", source) if "origins" in m else None,
                    origins_except=_countries(m.get("origins_except", []), f"{where}.origins_except", source),
                    when=when,
                    exemption=bool(m.get("exemption", False)),
                    remainder_heading=str(m.get("remainder_heading", "")),
                    floor=bool(m.get("floor", False)),
                    floor_met_heading=str(m.get("floor_met_heading", "")),
                    priority=i,
                    unchecked=_unchecked(m.get("unchecked", []), f"{where}.unchecked"),
                    section232_heading=str(m.get("section232_heading", "")),
                    minimum_duty=least,
                    asked_within=scopes[str(m["asked_within"])] if m.get("asked_within") else (),
                    **deposited,
                )
            )
        except KeyError as exc:
            raise InputError(f"missing {exc.args[0]!r}", field=where, source=source) from None
        except InputError as exc:
            raise exc.located(source=source) from None
    return MeasureSet(measures)
