"""The result of pricing one entry line: every duty line with its law, and the total.

Each :class:`DutyLine` is what a customs broker reports on the entry summary:
the measure, the heading (the HTS item for the ordinary duty, the chapter-99
heading for an additional duty), the rate, the base it applies to, the amount
and the legal reference.  Amounts are rounded per line with the dated policy
``tariffs.duty_rounding_places``; the total is the sum of the rounded lines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tmec.core.money import ZERO, percent, quantize
from tmec.core.trace import Question
from tmec.tariffs.entry import Entry

__all__ = ["Duty", "DutyLine"]


@dataclass(frozen=True, slots=True)
class DutyLine:
    measure: str  # what it is, in words
    heading: str  # HTS item (ordinary duty) or chapter-99 heading
    rate: Decimal  # percent
    base: Decimal  # the value the rate applies to
    duty: Decimal  # rounded amount
    reference: str  # legal reference, "[unverified]" appended when unverified
    program: str  # "ordinary", "s232_vehicles", "s232_metals", "s232_aluminum", "s232_steel", "ieepa", "s122"
    measure_id: str
    base_kind: str = "full"
    unverified: bool = False
    unit: str = ""  # a specific duty: ``rate`` is US dollars per this unit, ``base`` the quantity

    @property
    def specific(self) -> bool:
        return bool(self.unit)

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "heading": self.heading,
            "rate": str(self.rate),
            "base": str(self.base),
            "duty": str(self.duty),
            "reference": self.reference,
            "program": self.program,
            "measure_id": self.measure_id,
            "base_kind": self.base_kind,
            "unverified": self.unverified,
            "unit": self.unit or None,
        }


@dataclass(frozen=True, slots=True)
class Duty:
    entry: Entry
    lines: tuple[DutyLine, ...]
    notes: tuple[str, ...] = ()
    questions: tuple[Question, ...] = field(default_factory=tuple)
    basis: str = "liability"  # or "deposited" (duty deposited at entry, before retroactive orders)
    law_as_of: dt.date | None = None  # the day through which the law priced with is verified
    warning: str | None = None  # set when the entry date is later than that

    @property
    def total_duty(self) -> Decimal:
        return sum((line.duty for line in self.lines), ZERO)

    @property
    def effective_rate(self) -> Decimal:
        """Total duty as a percentage of the entered value (unrounded; 0 for a zero value)."""
        if self.entry.value == 0:
            return ZERO
        return percent(self.total_duty, self.entry.value)

    @property
    def unverified(self) -> bool:
        return any(line.unverified for line in self.lines)

    def additional(self, program: str) -> list[DutyLine]:
        return [line for line in self.lines if line.program == program]

    def to_dict(self) -> dict[str, Any]:
        e = self.entry
        return {
            "entry": {
                "line": e.line,
                "entry_date": e.entry_date.isoformat(),
                "hts": e.hts,
                "origin": e.origin,
                "value": str(e.value),
                "usmca": e.usmca,
                "steel_value": None if e.steel_value is None else str(e.steel_value),
                "aluminum_value": None if e.aluminum_value is None else str(e.aluminum_value),
                "non_us_content": None if e.non_us_content is None else str(e.non_us_content),
                "melted_poured": e.melted_poured,
                "smelted_cast": e.smelted_cast,
                "quantity": None if e.quantity is None else str(e.quantity),
                "weight_kg": None if e.weight_kg is None else str(e.weight_kg),
                "copper_value": None if e.copper_value is None else str(e.copper_value),
                "metals_relief": e.metals_relief,
                "us_parts_value": None if e.us_parts_value is None else str(e.us_parts_value),
            },
            "basis": self.basis,
            "law_as_of": self.law_as_of.isoformat() if self.law_as_of else None,
            "warning": self.warning,
            "total_duty": str(self.total_duty),
            "effective_rate": str(quantize(self.effective_rate, 4)),
            "unverified": self.unverified,
            "lines": [line.to_dict() for line in self.lines],
            "notes": list(self.notes),
            "questions": [q.to_dict() for q in self.questions],
        }
