"""Dated legal parameters.

Every number the law sets is a *parameter*: a name (``usmca.de_minimis``), and
values keyed by the date they take effect, each with its legal reference.  The
value in force on a day is the latest one whose date is on or before that day
(``Parameter.at``).  Code never compares dates itself: it asks
``parameters.at(day)["usmca.de_minimis"]``.

The YAML form (one file per parameter, under ``tmec/law/params``)::

    description: CTC de minimis, share of adjusted TV or total cost
    unit: percent
    values:
      2020-07-01:
        value: 10
        reference: USMCA Art. 4.12(1); 19 USC 4531(f)(1); UR s.5(1)
        confidence: V            # V verified | T transcription | S secondary | M, L unverified

A value of ``null`` ends a parameter (it is not in force from that date).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tmec.core.dates import parse_date
from tmec.core.errors import InputError, NotInForce, UnknownParameter
from tmec.core.money import to_decimal

__all__ = ["ParamValue", "Parameter", "ParameterSet", "ParameterSnapshot", "parse_parameter"]

CONFIDENCE = {"V", "T", "S", "M", "L"}
UNVERIFIED = {"M", "L"}


@dataclass(frozen=True, slots=True)
class ParamValue:
    """One dated value of a parameter, with the law that sets it."""

    name: str
    since: dt.date
    value: Any  # Decimal for numbers; str/bool/list/dict as written otherwise
    reference: str
    confidence: str = "V"
    note: str | None = None

    @property
    def unverified(self) -> bool:
        return self.confidence in UNVERIFIED

    @property
    def decimal(self) -> Decimal:
        if not isinstance(self.value, Decimal):
            raise TypeError(f"parameter {self.name} is not a number: {self.value!r}")
        return self.value

    def cite(self) -> str:
        """The reference as printed in an explanation, flagged when unverified."""
        return self.reference + (" [unverified]" if self.unverified else "")


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    description: str
    unit: str | None
    values: tuple[ParamValue | None, ...]  # sorted by date; None ends the parameter
    dates: tuple[dt.date, ...]

    def at(self, day: dt.date) -> ParamValue:
        i = bisect_right(self.dates, day)
        if i == 0:
            raise NotInForce(
                f"{self.name} has no value before {self.dates[0].isoformat()} (asked for {day.isoformat()})"
            )
        found = self.values[i - 1]
        if found is None:
            raise NotInForce(f"{self.name} is not in force on {day.isoformat()}")
        return found

    def in_force(self, day: dt.date) -> bool:
        i = bisect_right(self.dates, day)
        return i > 0 and self.values[i - 1] is not None


def _coerce(value: Any, *, field: str, source: str | None) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | Decimal):
        return to_decimal(value, field=field, source=source, allow_negative=True)
    if isinstance(value, list):
        return tuple(_coerce(v, field=field, source=source) for v in value)
    if isinstance(value, dict):
        return {k: _coerce(v, field=f"{field}.{k}", source=source) for k, v in value.items()}
    return value


def parse_parameter(name: str, data: Mapping[str, Any], *, source: str | None = None) -> Parameter:
    """Build a :class:`Parameter` from its YAML mapping, validating every value."""
    if not isinstance(data, Mapping):
        raise InputError("expected a mapping with 'values'", source=source)
    raw_values = data.get("values")
    if not isinstance(raw_values, Mapping) or not raw_values:
        raise InputError("expected a non-empty mapping of dates to values", source=source, field="values")
    entries: list[tuple[dt.date, ParamValue | None]] = []
    for key, entry in raw_values.items():
        day = parse_date(key, field=f"values.{key}", source=source)
        field = f"values.{day.isoformat()}"
        if entry is None:
            entries.append((day, None))
            continue
        if not isinstance(entry, Mapping) or "value" not in entry:
            raise InputError("expected a mapping with 'value' and 'reference'", source=source, field=field)
        reference = entry.get("reference")
        if not isinstance(reference, str) or not reference.strip():
            raise InputError("every value needs its legal 'reference'", source=source, field=field)
        confidence = str(entry.get("confidence", "V"))
        if confidence not in CONFIDENCE:
            raise InputError(
                f"confidence must be one of {sorted(CONFIDENCE)}, found {confidence!r}",
                source=source,
                field=f"{field}.confidence",
            )
        entries.append(
            (
                day,
                ParamValue(
                    name=name,
                    since=day,
                    value=_coerce(entry["value"], field=f"{field}.value", source=source),
                    reference=reference.strip(),
                    confidence=confidence,
                    note=entry.get("note"),
                ),
            )
        )
    entries.sort(key=lambda e: e[0])
    return Parameter(
        name=name,
        description=str(data.get("description", "")),
        unit=data.get("unit"),
        values=tuple(v for _, v in entries),
        dates=tuple(d for d, _ in entries),
    )


class ParameterSnapshot(Mapping[str, ParamValue]):
    """Every parameter in force on one day: ``snapshot["usmca.de_minimis"].value``."""

    def __init__(self, parameters: Mapping[str, Parameter], day: dt.date) -> None:
        self._parameters = parameters
        self.day = day

    def __getitem__(self, name: str) -> ParamValue:
        try:
            parameter = self._parameters[name]
        except KeyError:
            raise UnknownParameter(f"unknown legal parameter {name!r}") from None
        return parameter.at(self.day)

    def __iter__(self) -> Iterator[str]:
        return (n for n, p in self._parameters.items() if p.in_force(self.day))

    def __len__(self) -> int:
        return sum(1 for _ in self)


class ParameterSet(Mapping[str, Parameter]):
    """All parameters, by dotted name."""

    def __init__(self, parameters: Mapping[str, Parameter]) -> None:
        self._parameters = dict(parameters)

    def __getitem__(self, name: str) -> Parameter:
        try:
            return self._parameters[name]
        except KeyError:
            raise UnknownParameter(f"unknown legal parameter {name!r}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._parameters)

    def __len__(self) -> int:
        return len(self._parameters)

    def at(self, day: dt.date) -> ParameterSnapshot:
        return ParameterSnapshot(self._parameters, day)
