"""Dates and half-open validity periods ``[valid_from, valid_to)``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tmec.core.errors import InputError

__all__ = ["Period", "add_years", "parse_date"]


def parse_date(value: object, *, field: str | None = None, source: str | None = None) -> dt.date:
    """Parse an ISO date (``2025-06-04``) or accept a ``date``.

    >>> parse_date("2025-06-04")
    datetime.date(2025, 6, 4)
    >>> parse_date("04/06/2025", field="date")
    Traceback (most recent call last):
    ...
    tmec.core.errors.InputError: date: expected an ISO date YYYY-MM-DD, found '04/06/2025'
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InputError(f"expected an ISO date YYYY-MM-DD, found {value!r}", field=field, source=source)


@dataclass(frozen=True, slots=True)
class Period:
    """A half-open period: ``start`` is in it, ``end`` is not; ``end=None`` is open-ended."""

    start: dt.date
    end: dt.date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end <= self.start:
            raise InputError(f"period ends ({self.end}) on or before it starts ({self.start})")

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, dt.date):
            return False
        return self.start <= day and (self.end is None or day < self.end)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (28 February for a 29 February that year has not)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
