"""The data one pricing needs, and the same data as plain rows for an SQL engine.

:class:`TariffTables` bundles the schedule, the measures and the legal
parameters.  ``schedule_rows``, ``measure_rows`` and ``parameter_rows`` return
them as lists of dicts with half-open validity ``[valid_from, valid_to)`` so
that a bulk engine (DuckDB, Spark) can load them as tables and run the steps
of :mod:`tmec.tariffs.stacking` as joins and window functions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tmec.core.params import ParameterSet
from tmec.tariffs.measures import MeasureSet
from tmec.tariffs.schedule import Schedule

__all__ = ["STACKING_PARAMETERS", "TariffTables", "measure_rows", "parameter_rows", "schedule_rows"]

# The legal parameters the stacking steps read.
STACKING_PARAMETERS = (
    "tariffs.column2_countries",
    "tariffs.duty_rounding_places",
    "tariffs.measures_coverage",
    "tariffs.north_american_preference",
    "tariffs.stacking_order",
    "tariffs.usmca_part_escapes_metals",
)


@dataclass(frozen=True, slots=True)
class TariffTables:
    schedule: Schedule
    measures: MeasureSet
    parameters: ParameterSet

    def first_date(self) -> dt.date:
        starts = [line.valid_from for line in self.schedule if line.valid_from is not None]
        return min([*starts, self.measures.first_date()])


def schedule_rows(tables: TariffTables) -> list[dict[str, Any]]:
    """One row per HTS line version."""
    return [line.to_row() for line in tables.schedule]


def measure_rows(tables: TariffTables) -> list[dict[str, Any]]:
    """One row per measure and scope item, with ``priority`` (lower wins within a program)."""
    return tables.measures.rows()


def parameter_rows(
    tables: TariffTables, names: tuple[str, ...] = STACKING_PARAMETERS
) -> list[dict[str, Any]]:
    """One row per dated value: ``name, valid_from, valid_to, value, reference, confidence``."""
    rows = []
    for name in names:
        p = tables.parameters[name]
        for i, (day, value) in enumerate(zip(p.dates, p.values, strict=True)):
            if value is None:
                continue
            rows.append(
                {
                    "name": name,
                    "valid_from": day,
                    "valid_to": p.dates[i + 1] if i + 1 < len(p.dates) else None,
                    "value": list(value.value) if isinstance(value.value, tuple) else value.value,
                    "reference": value.reference,
                    "confidence": value.confidence,
                }
            )
    return rows
