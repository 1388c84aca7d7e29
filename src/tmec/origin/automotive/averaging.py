"""Averaging the vehicle RVC and the core parts over a period (UR s.16; 19 CFR 182.100).

A producer may average its vehicles' RVC over its **fiscal year** by one of the
s.16(1) categories, over all vehicles of the category or only those exported to
another USMCA country:

* ``model_line_class_plant`` — (a) same model line, same class, same plant;
* ``class_plant`` — (b) same class, same plant;
* ``model_line_country`` / ``class_country`` — (c) same model line, or same
  class, in a USMCA country.

Vehicles of a category subject to different RVC requirements are averaged
separately (s.16(2)).  The average is ``(Σ NC − Σ VNM) / Σ NC``; when it meets the
threshold every vehicle in it meets the RVC requirement.  Core parts are averaged
per Table A.2 part, or as a super-core, over the same vehicles (s.14(12),
s.16(10)).

Periods (s.16(4)-(5); 182.100(a)(2)): a producer whose fiscal year began after
1 July 2020 and before 1 July 2021 may take a first period from 1 July 2020 to the
end of that fiscal year (18 months for a 1 January year, official example
s.16(12)); PV/LT may use 1 July–30 June periods until 30 June 2023 and heavy
trucks from 1 July 2023 to 30 June 2027, then to the end of the fiscal year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tmec.core.dates import Period
from tmec.core.errors import InputError
from tmec.core.money import ZERO, percent
from tmec.core.params import ParameterSnapshot

__all__ = [
    "CATEGORIES",
    "PARTS_OPTIONS",
    "AverageGroup",
    "VehicleRecord",
    "average",
    "averaging_period",
    "fiscal_year",
    "parse_month_day",
    "parts_averaging_period",
]

CATEGORIES = ("model_line_class_plant", "class_plant", "model_line_country", "class_country")
OPTIONS = ("fiscal_year", "july_june")
REF = "UR s.16(1)-(2); 19 CFR 182.100"
TRANSITION = "usmca.automotive.averaging_transition"


def parse_month_day(text: str, *, field: str = "--fiscal-year-start") -> tuple[int, int]:
    """``"01-01"`` or ``"10-01"`` -> (month, day).

    >>> parse_month_day("10-01")
    (10, 1)
    """
    try:
        month, day = (int(x) for x in str(text).strip().split("-"))
        dt.date(2001, month, day)  # a year without 29 February: a fiscal year must start every year
    except ValueError:
        raise InputError(f"expected a month and day MM-DD, found {text!r}", field=field) from None
    return month, day


def _year_start(year: int, start: tuple[int, int]) -> dt.date:
    return dt.date(year, *start)


def fiscal_year(day: dt.date, start: tuple[int, int]) -> Period:
    """The fiscal year that contains ``day``.

    >>> fiscal_year(dt.date(2021, 3, 5), (10, 1))
    Period(start=datetime.date(2020, 10, 1), end=datetime.date(2021, 10, 1))
    """
    begin = _year_start(day.year, start)
    if begin > day:
        begin = _year_start(day.year - 1, start)
    return Period(begin, _year_start(begin.year + 1, start))


def averaging_period(
    day: dt.date,
    *,
    fiscal_year_start: tuple[int, int],
    vehicle_class: str,
    params: ParameterSnapshot,
    option: str = "fiscal_year",
    transitional: bool = True,
) -> Period:
    """The averaging period a vehicle produced on ``day`` falls in (half-open)."""
    t = params[TRANSITION].value
    if option == "july_june":
        key = "ht" if vehicle_class == "heavy_truck" else "pv_lt"
        begin, until = t[f"{key}_july_june_from"], t[f"{key}_july_june_until"]
        if begin <= day < until:
            start = dt.date(day.year if day >= dt.date(day.year, 7, 1) else day.year - 1, 7, 1)
            return Period(start, dt.date(start.year + 1, 7, 1))
        if day >= until:
            # Then from the end of the July–June periods to the end of that fiscal year.
            closing = fiscal_year(until, fiscal_year_start)
            assert closing.end is not None
            if closing.start != until and day in Period(until, closing.end):
                return Period(until, closing.end)
    elif option != "fiscal_year":
        raise InputError(f"expected one of {list(OPTIONS)}, found {option!r}", field="period")
    eif = t["entry_into_force"]
    if transitional:
        first = fiscal_year(eif, fiscal_year_start)
        assert first.end is not None
        if first.start != eif and first.end < t["transitional_fiscal_year_before"]:
            following = fiscal_year(first.end, fiscal_year_start)
            assert following.end is not None
            if eif <= day < following.end:
                return Period(eif, following.end)
    return fiscal_year(day, fiscal_year_start)


PARTS_OPTIONS = ("vehicle_producer_fiscal_year", "part_producer_fiscal_year", "quarter", "month")


def parts_averaging_period(
    day: dt.date, *, option: str, fiscal_year_start: tuple[int, int] = (1, 1)
) -> Period:
    """The period over which a core, principal or complementary part may be averaged (UR s.16(10)).

    (a) the vehicle producer's fiscal year, (c) the part producer's fiscal year
    (``fiscal_year_start`` is that producer's), (b) any quarter or month; the s.16(1)
    categories (d) use :func:`averaging_period`.

    >>> parts_averaging_period(dt.date(2024, 8, 15), option="quarter")
    Period(start=datetime.date(2024, 7, 1), end=datetime.date(2024, 10, 1))
    """
    if option in ("vehicle_producer_fiscal_year", "part_producer_fiscal_year"):
        return fiscal_year(day, fiscal_year_start)
    if option == "month":
        start = day.replace(day=1)
        return Period(start, dt.date(start.year + start.month // 12, start.month % 12 + 1, 1))
    if option == "quarter":
        start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        end_month = start.month + 3
        return Period(start, dt.date(start.year + (end_month > 12), (end_month - 1) % 12 + 1, 1))
    raise InputError(f"expected one of {list(PARTS_OPTIONS)}, found {option!r}", field="period")


@dataclass(frozen=True, slots=True)
class VehicleRecord:
    """What averaging needs of one qualified vehicle."""

    id: str
    day: dt.date
    vehicle_class: str
    averaging_class: str
    net_cost: Decimal
    vnm: Decimal
    threshold: Decimal
    model_line: str | None = None
    plant: str | None = None
    country: str | None = None
    exported: bool = False
    # (Table A.2 part, NC, full VNM or None, column-2 VNM (the full VNM when not traced))
    core_parts: tuple[tuple[str, Decimal, Decimal | None, Decimal], ...] = ()
    source: str | None = None


@dataclass
class AverageGroup:
    category: str
    key: dict[str, str | None]
    period: Period
    threshold: Decimal
    count: int = 0
    net_cost: Decimal = ZERO
    vnm: Decimal = ZERO
    vehicles: list[str] = field(default_factory=list)
    # part -> [Σ NC, Σ full VNM (None once a vehicle lacks it), Σ column-2 VNM]
    parts: dict[str, list[Decimal | None]] = field(default_factory=dict)

    @property
    def value(self) -> Decimal:
        return percent(self.net_cost - self.vnm, self.net_cost)

    @property
    def passed(self) -> bool:
        return self.value >= self.threshold

    def core_parts(self) -> dict[str, Any]:
        """Each Table A.2 part averaged, and the super-core (UR s.14(10), (12))."""
        out: dict[str, Any] = {}
        for part, (nc, full, traced) in sorted(self.parts.items()):
            assert nc is not None and traced is not None
            vnm = traced if full is None else min(full, traced)
            value = percent(nc - vnm, nc)
            out[part] = {"net_cost": nc, "vnm": vnm, "value": value, "passed": value >= self.threshold}
        if self.parts:
            nc = sum((v[0] for v in self.parts.values() if v[0] is not None), ZERO)
            # one way for all parts: all non-originating materials, or the column-2 components
            fulls = [v[1] for v in self.parts.values()]
            traced_sum = sum((v[2] for v in self.parts.values() if v[2] is not None), ZERO)
            vnm = traced_sum
            if all(f is not None for f in fulls):
                vnm = min(vnm, sum((f for f in fulls if f is not None), ZERO))
            value = percent(nc - vnm, nc)
            out["super_core"] = {
                "net_cost": nc,
                "vnm": vnm,
                "value": value,
                "passed": value >= self.threshold,
            }
        return out

    def to_dict(self) -> dict[str, Any]:
        assert self.period.end is not None
        return {
            "category": self.category,
            "key": self.key,
            "period": {
                "start": self.period.start.isoformat(),
                "end": (self.period.end - dt.timedelta(days=1)).isoformat(),
            },
            "vehicles": self.count,
            "net_cost": str(self.net_cost),
            "vnm": str(self.vnm),
            "value": str(self.value),
            "threshold": str(self.threshold),
            "passed": self.passed,
            "core_parts": {
                k: {kk: (str(vv) if isinstance(vv, Decimal) else vv) for kk, vv in v.items()}
                for k, v in self.core_parts().items()
            },
            "reference": REF,
        }


def _key(rec: VehicleRecord, category: str) -> dict[str, str | None]:
    need = {
        "model_line_class_plant": ("model_line", "averaging_class", "plant"),
        "class_plant": ("averaging_class", "plant"),
        "model_line_country": ("model_line", "country"),
        "class_country": ("averaging_class", "country"),
    }[category]
    out: dict[str, str | None] = {}
    for name in need:
        value = getattr(rec, name)
        if value is None:
            raise InputError(
                f"averaging by {category} needs the vehicle's {name}",
                source=rec.source,
                field=f"automotive.vehicle.{name}",
            )
        out[name] = value
    return out


def average(
    records: Iterable[VehicleRecord],
    *,
    category: str,
    fiscal_year_start: tuple[int, int],
    params_at: Callable[[dt.date], ParameterSnapshot],
    exported_only: bool = False,
    option: str = "fiscal_year",
) -> list[AverageGroup]:
    """Average the vehicles by category and period; separate groups for separate thresholds (s.16(2))."""
    if category not in CATEGORIES:
        raise InputError(f"expected one of {list(CATEGORIES)}, found {category!r}", field="category")
    groups: dict[tuple[Any, ...], AverageGroup] = {}
    periods: dict[tuple[dt.date, str], Period] = {}
    for rec in records:
        if exported_only and not rec.exported:
            continue
        pkey = (rec.day, rec.vehicle_class)
        period = periods.get(pkey)
        if period is None:
            period = averaging_period(
                rec.day,
                fiscal_year_start=fiscal_year_start,
                vehicle_class=rec.vehicle_class,
                params=params_at(rec.day),
                option=option,
            )
            periods[pkey] = period
        key = _key(rec, category)
        gkey = (tuple(key.values()), period.start, rec.threshold)
        group = groups.get(gkey)
        if group is None:
            group = groups[gkey] = AverageGroup(category, key, period, rec.threshold)
        group.count += 1
        group.net_cost += rec.net_cost
        group.vnm += rec.vnm
        group.vehicles.append(rec.id)
        for part, nc, full, traced in rec.core_parts:
            sums = group.parts.setdefault(part, [ZERO, ZERO, ZERO])
            sums[0] = (sums[0] or ZERO) + nc
            sums[1] = None if full is None or sums[1] is None else sums[1] + full
            sums[2] = (sums[2] or ZERO) + traced
    return sorted(
        groups.values(), key=lambda g: (g.period.start, tuple(str(v) for v in g.key.values()), g.threshold)
    )
