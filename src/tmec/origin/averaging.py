"""Averaging periods (UR s.7(15)-(20), s.16; 19 CFR 182.100).

:func:`first_averaging_period`: a producer whose fiscal year does not begin on
the day the Agreement entered into force may average over a first period that
runs from entry into force to the end of its first full fiscal year beginning
after it (UR s.16(12) Example: 1 July 2020 - 31 December 2021, 18 months).
"""

from __future__ import annotations

import datetime as dt

__all__ = ["ENTRY_INTO_FORCE", "first_averaging_period"]

# USMCA entered into force on 1 July 2020 (Protocol replacing NAFTA; 19 USC 4511).
ENTRY_INTO_FORCE = dt.date(2020, 7, 1)


def _add_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def first_averaging_period(
    fiscal_year_start: dt.date, entry_into_force: dt.date = ENTRY_INTO_FORCE
) -> tuple[dt.date, dt.date]:
    """(first day, last day) of the first averaging period (both inclusive).

    >>> first_averaging_period(dt.date(2021, 1, 1))
    (datetime.date(2020, 7, 1), datetime.date(2021, 12, 31))
    """
    start = fiscal_year_start
    while start < entry_into_force:
        start = _add_year(start)
    return entry_into_force, _add_year(start) - dt.timedelta(days=1)
