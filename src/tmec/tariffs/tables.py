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

__all__ = [
    "SELECT_MEASURE_SQL",
    "STACKING_PARAMETERS",
    "TariffTables",
    "measure_rows",
    "parameter_rows",
    "schedule_rows",
]

# Step 4 of tmec.tariffs.stacking as SQL over a table ``measures`` loaded from ``measure_rows``
# (dates as ISO text, booleans as 0/1, lists as comma-joined text).  Named parameters: :program,
# :day, :origin, :hts (digits), :claim (0/1, the honoured claim of step 2), :melted and :smelted
# (NULL when not given, 'unknown' when reported unknown), :metal_share (percent of the article's
# weight that is metal, or NULL), :metal_kg (the weight of its steel, aluminum and copper, or
# NULL), :relief (the facts declared, ``;``-joined as tmec.tariffs.declared writes them, or NULL).
# The engine runs it as a join plus ``row_number() over (partition by entry, program order by
# priority) = 1``; a test checks it against the Python path on generated entries.
SELECT_MEASURE_SQL = """
SELECT measure_id FROM measures
WHERE program = :program
  AND valid_from <= :day AND (valid_to IS NULL OR :day < valid_to)
  AND ((origins = '*' AND instr(',' || origins_except || ',', ',' || :origin || ',') = 0)
       OR instr(',' || origins || ',', ',' || :origin || ',') > 0)
  AND length(:hts) >= scope_level AND substr(:hts, 1, scope_level) BETWEEN scope_lo AND scope_hi
  AND (usmca_claim IS NULL OR usmca_claim = :claim)
  AND (melted_poured_in IS NULL
       OR (:melted IS NOT NULL AND instr(',' || melted_poured_in || ',', ',' || :melted || ',') > 0))
  AND (melted_poured_not_in IS NULL
       OR (:melted IS NOT NULL AND instr(',' || melted_poured_not_in || ',', ',' || :melted || ',') = 0))
  AND (smelted_cast_in IS NULL
       OR (:smelted IS NOT NULL AND instr(',' || smelted_cast_in || ',', ',' || :smelted || ',') > 0))
  AND (smelted_cast_not_in IS NULL
       OR (:smelted IS NOT NULL AND instr(',' || smelted_cast_not_in || ',', ',' || :smelted || ',') = 0))
  AND (metal_weight_under IS NULL OR (:metal_share IS NOT NULL AND :metal_share < metal_weight_under))
  AND (NOT metal_free OR (:metal_kg IS NOT NULL AND :metal_kg = 0))
  AND (metals_relief IS NULL
       OR (:relief IS NOT NULL AND instr(';' || :relief || ';', ';' || metals_relief || ';') > 0))
ORDER BY priority
LIMIT 1
"""

# The legal parameters the stacking steps read.
STACKING_PARAMETERS = (
    "tariffs.column2_countries",
    "tariffs.customs_territory",
    "tariffs.duty_rounding_places",
    "tariffs.measures_coverage",
    "tariffs.north_american_preference",
    "tariffs.stacking_order",
    "tariffs.stacking_order_deposited",
    "tariffs.usmca_part_escapes_metals",
)


@dataclass(frozen=True, slots=True)
class TariffTables:
    schedule: Schedule
    measures: MeasureSet
    parameters: ParameterSet
    # the day through which the law is verified (the newest revision compiled); a later entry date
    # is priced with the last known law, and the answer says so (``law_as_of``, ``warning``)
    law_as_of: dt.date | None = None

    def staleness(self, day: dt.date) -> str | None:
        """The one-line warning for an answer on ``day``, or None when the law covers it."""
        if self.law_as_of is None or day <= self.law_as_of:
            return None
        return (
            f"law verified through {self.law_as_of.isoformat()}, {(day - self.law_as_of).days} days "
            f"before {day.isoformat()}: later changes are not included "
            "(`tmec tariff import FILE --valid-from D` adds a newer HTSUS revision)"
        )

    def first_date(self) -> dt.date:
        first = self.schedule.first_date()
        return min(first, self.measures.first_date()) if first else self.measures.first_date()


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
