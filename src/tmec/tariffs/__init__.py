"""US duties on a date and trade-impact models: pure.

Per-entry pricing (the oracle of the bulk engine)::

    from tmec.tariffs import Entry, price_entry
    entry = Entry(entry_date=date(2025, 6, 10), hts="72083900", origin="MX", value=Decimal(100000))
    duty = price_entry(entry)
    duty.total_duty, duty.effective_rate, [line.to_dict() for line in duty.lines]

The same law as plain rows for an SQL engine: ``schedule_rows(tables)``,
``measure_rows(tables)``, ``parameter_rows(tables)`` with ``tables =
default_tables()``; the order of operations is in :mod:`tmec.tariffs.stacking`.
"""

from tmec.tariffs.duty import Duty, DutyLine
from tmec.tariffs.entry import UNKNOWN, Entry, entry_from_mapping
from tmec.tariffs.importers import parse_hts_json, parse_tariff_database
from tmec.tariffs.measures import Measure, MeasureSet, parse_measures
from tmec.tariffs.pricing import default_tables, price_entries, price_entry
from tmec.tariffs.rates import Rate, parse_rate, special_programs
from tmec.tariffs.schedule import HtsLine, Schedule
from tmec.tariffs.stacking import usmca_claim_counts
from tmec.tariffs.tables import (
    SELECT_MEASURE_SQL,
    STACKING_PARAMETERS,
    TariffTables,
    measure_rows,
    parameter_rows,
    schedule_rows,
)

__all__ = [
    "SELECT_MEASURE_SQL",
    "STACKING_PARAMETERS",
    "UNKNOWN",
    "Duty",
    "DutyLine",
    "Entry",
    "HtsLine",
    "Measure",
    "MeasureSet",
    "Rate",
    "Schedule",
    "TariffTables",
    "default_tables",
    "entry_from_mapping",
    "measure_rows",
    "parameter_rows",
    "parse_hts_json",
    "parse_measures",
    "parse_rate",
    "parse_tariff_database",
    "price_entries",
    "price_entry",
    "schedule_rows",
    "special_programs",
    "usmca_claim_counts",
]
