"""A producer's actual data for its goods: what replaces the default values.

The documented YAML form (``tmec carbon --actual FILE``; a mapping, one installation)::

    installation: {id: MX-0001, name: Acería Ejemplo, country: MX}
    period: {from: 2026-01-01, to: 2026-12-31}
    verified: true                     # by an accredited CBAM verifier
    verifier: Verificadora S.C., report 2026-117
    goods:
      - cn: "72071114"                 # one CN code or a list
        route: E                       # the installation's production route (benchmark column A)
        see_direct: 0.45               # t CO2e / t good, precursors included
        see_indirect: 0.05             # optional; counts only where Annex II says so
      - cn: ["73181568"]
        route: C
        process_direct: 0.08           # the good's own process, t CO2e / t
        precursors:                    # mass per tonne of good, BEFORE cutting
          - {cn: "72139110", mass_per_tonne: 1.10, source: actual, see_direct: 0.60,
             precursors: [{cn: "72071114", mass_per_tonne: 1.0, source: actual, route: E}]}
          - {cn: "72085120", mass_per_tonne: 0.05, source: default, origin: CN}
          - {cn: "72085120", mass_per_tonne: 0.01, source: eu}

A precursor's ``source`` is ``actual`` (its own ``see_direct``, or computed from its own
``process_direct`` and precursors), ``default`` (its ``origin``'s IR 2025/2621 value),
``unknown`` (origin unknown: the Annex IV highest value) or ``eu`` (EU origin: zero, Q&A §4.18).
The CSV form has one simple good per line: ``cn,route,see_direct,see_indirect,verified,
installation,period_from,period_to``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tmec.carbon.routes import marker_letters
from tmec.carbon.tables import cn_digits
from tmec.core.countries import country
from tmec.core.dates import parse_date
from tmec.core.errors import InputError
from tmec.core.money import to_decimal

__all__ = [
    "SOURCES",
    "ActualData",
    "ActualGood",
    "Installation",
    "Precursor",
    "parse_actual",
    "parse_actual_csv",
]

SOURCES = ("actual", "default", "unknown", "eu")


@dataclass(frozen=True, slots=True)
class Precursor:
    cn: str
    mass_per_tonne: Decimal
    source: str
    see_direct: Decimal | None = None
    see_indirect: Decimal | None = None
    process_direct: Decimal | None = None
    route: str | None = None
    origin: str | None = None
    precursors: tuple[Precursor, ...] = ()


@dataclass(frozen=True, slots=True)
class ActualGood:
    cns: tuple[str, ...]
    route: str | None
    see_direct: Decimal | None
    see_indirect: Decimal | None
    process_direct: Decimal | None
    precursors: tuple[Precursor, ...] = ()


@dataclass(frozen=True, slots=True)
class Installation:
    id: str | None
    name: str | None
    country: str | None


@dataclass(frozen=True, slots=True)
class ActualData:
    installation: Installation
    period_from: dt.date | None
    period_to: dt.date | None
    verified: bool
    verifier: str | None
    goods: tuple[ActualGood, ...]
    source: str  # the file, or the signed declaration, the data came from
    citation: str | None = None  # e.g. the log entry of a signed declaration
    extra_flags: tuple[str, ...] = field(default=())

    def for_cn(self, cn: str) -> ActualGood:
        for good in self.goods:
            if cn in good.cns:
                return good
        listed = ", ".join(c for g in self.goods for c in g.cns)
        raise InputError(f"has no actual data for CN {cn} (it covers {listed})", source=self.source)


def _opt_decimal(data: Mapping[str, Any], key: str, where: str, source: str) -> Decimal | None:
    if data.get(key) is None:
        return None
    return to_decimal(data[key], field=f"{where}.{key}", source=source)


def _route(data: Mapping[str, Any], where: str, source: str) -> str | None:
    raw = data.get("route")
    if raw is None:
        return None
    try:
        letters = marker_letters(str(raw))
    except InputError as exc:
        raise exc.located(source=source, field_prefix=where) from None
    if len(letters) != 1:
        raise InputError(
            f"an installation's route is one letter, found {raw!r}", source=source, field=f"{where}.route"
        )
    return letters[0]


def _precursor(data: Any, where: str, source: str) -> Precursor:
    if not isinstance(data, Mapping):
        raise InputError("expected a mapping", source=source, field=where)
    kind = str(data.get("source", "")).lower()
    if kind not in SOURCES:
        raise InputError(
            f"source must be one of {', '.join(SOURCES)}, found {data.get('source')!r}",
            source=source,
            field=f"{where}.source",
        )
    if "mass_per_tonne" not in data:
        raise InputError(
            "missing mass_per_tonne (t precursor per t good, before cutting)",
            source=source,
            field=f"{where}.mass_per_tonne",
        )
    origin = None
    if kind == "default":
        if data.get("origin") is None:
            raise InputError(
                "a default-value precursor needs its origin (or source: unknown)",
                source=source,
                field=f"{where}.origin",
            )
        origin = country(data["origin"], field=f"{where}.origin", source=source)
    nested = tuple(
        _precursor(p, f"{where}.precursors[{i}]", source) for i, p in enumerate(data.get("precursors") or ())
    )
    return Precursor(
        cn=_cn(data.get("cn"), f"{where}.cn", source),
        mass_per_tonne=to_decimal(data["mass_per_tonne"], field=f"{where}.mass_per_tonne", source=source),
        source=kind,
        see_direct=_opt_decimal(data, "see_direct", where, source),
        see_indirect=_opt_decimal(data, "see_indirect", where, source),
        process_direct=_opt_decimal(data, "process_direct", where, source),
        route=_route(data, where, source),
        origin=origin,
        precursors=nested,
    )


def _cn(raw: Any, where: str, source: str) -> str:
    try:
        return cn_digits(raw, field=where)
    except InputError as exc:
        raise exc.located(source=source) from None


def _good(data: Any, where: str, source: str) -> ActualGood:
    if not isinstance(data, Mapping):
        raise InputError("expected a mapping", source=source, field=where)
    raw_cns = data.get("cn")
    cns = tuple(_cn(c, f"{where}.cn", source) for c in (raw_cns if isinstance(raw_cns, list) else [raw_cns]))
    good = ActualGood(
        cns=cns,
        route=_route(data, where, source),
        see_direct=_opt_decimal(data, "see_direct", where, source),
        see_indirect=_opt_decimal(data, "see_indirect", where, source),
        process_direct=_opt_decimal(data, "process_direct", where, source),
        precursors=tuple(
            _precursor(p, f"{where}.precursors[{i}]", source)
            for i, p in enumerate(data.get("precursors") or ())
        ),
    )
    if good.see_direct is None and good.process_direct is None:
        raise InputError("give see_direct, or process_direct with precursors", source=source, field=where)
    return good


def parse_actual(data: Any, *, source: str) -> ActualData:
    """Validate the YAML form (see the module's notes); every error names the file and field."""
    if not isinstance(data, Mapping):
        raise InputError("expected a mapping with installation, period, verified and goods", source=source)
    inst = data.get("installation") or {}
    if not isinstance(inst, Mapping):
        raise InputError("expected a mapping", source=source, field="installation")
    period = data.get("period") or {}
    goods = data.get("goods")
    if not isinstance(goods, list) or not goods:
        raise InputError("expected a non-empty list of goods", source=source, field="goods")
    verified = data.get("verified", False)
    if not isinstance(verified, bool):
        raise InputError(f"expected true or false, found {verified!r}", source=source, field="verified")
    return ActualData(
        installation=Installation(
            id=_text(inst.get("id")),
            name=_text(inst.get("name")),
            country=country(inst["country"], field="installation.country", source=source)
            if inst.get("country")
            else None,
        ),
        period_from=parse_date(period["from"], field="period.from", source=source)
        if period.get("from")
        else None,
        period_to=parse_date(period["to"], field="period.to", source=source) if period.get("to") else None,
        verified=verified,
        verifier=_text(data.get("verifier")),
        goods=tuple(_good(g, f"goods[{i}]", source) for i, g in enumerate(goods)),
        source=source,
    )


CSV_COLUMNS = (
    "cn",
    "route",
    "see_direct",
    "see_indirect",
    "verified",
    "installation",
    "period_from",
    "period_to",
)


def parse_actual_csv(text: str, *, source: str) -> ActualData:
    """The CSV form: one simple good per line, one installation per file."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("cn", "see_direct") if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}; expected {', '.join(CSV_COLUMNS)}",
            source=source,
            line=1,
        )
    goods: list[ActualGood] = []
    verified: set[bool] = set()
    installations: set[str] = set()
    periods: set[tuple[str, str]] = set()
    for line, row in enumerate(reader, start=2):
        try:
            goods.append(_good(dict(row, see_indirect=row.get("see_indirect") or None), "row", source))
        except InputError as exc:
            raise InputError(
                exc.message, source=source, line=line, field=(exc.field or "").removeprefix("row.") or None
            ) from None
        flag = (row.get("verified") or "").strip().lower()
        if flag not in {"true", "false", "yes", "no", ""}:
            raise InputError(
                f"expected true or false, found {row['verified']!r}",
                source=source,
                line=line,
                field="verified",
            )
        verified.add(flag in {"true", "yes"})
        installations.add((row.get("installation") or "").strip())
        periods.add(((row.get("period_from") or "").strip(), (row.get("period_to") or "").strip()))
    if not goods:
        raise InputError("no data lines", source=source)
    if len(installations) > 1 or len(periods) > 1:
        raise InputError("one installation and one period per file", source=source)
    (inst,), ((p_from, p_to),) = installations, periods
    return ActualData(
        installation=Installation(id=inst or None, name=None, country=None),
        period_from=parse_date(p_from, field="period_from", source=source) if p_from else None,
        period_to=parse_date(p_to, field="period_to", source=source) if p_to else None,
        verified=verified == {True},
        verifier=None,
        goods=tuple(goods),
        source=source,
    )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
