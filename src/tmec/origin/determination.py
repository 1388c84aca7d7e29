"""The result of qualifying a good, and its JSON form (shared/spec/case-format.md).

``Determination.to_dict()`` is the contract of ``tmec qualify --json``: the
fields ``id, date, originating, criterion, rvc, tariff_shift, explanation,
questions`` keep their names; tmec adds ``good``, ``rule``, ``values``,
``margins``, ``cheapest_flip``, ``weight_share`` and, for vehicles, ``automotive``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tmec.core import hs
from tmec.core.trace import Question, Step
from tmec.origin.case import Good
from tmec.origin.de_minimis import DeMinimis
from tmec.origin.rvc import RVCValue, Values
from tmec.origin.weight_share import WeightResult

__all__ = ["Determination", "FailingMaterial", "Margin", "TariffShiftReport"]


@dataclass(frozen=True, slots=True)
class FailingMaterial:
    id: str
    hs: str | None
    value: Decimal
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "hs": hs.format(self.hs) if self.hs else None,
            "value": str(self.value),
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class TariffShiftReport:
    required: bool
    passed: bool | None
    failing_materials: tuple[FailingMaterial, ...] = ()
    de_minimis: DeMinimis | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "required": self.required,
            "passed": self.passed,
            "failing_materials": [f.to_dict() for f in self.failing_materials],
            "de_minimis": self.de_minimis.to_dict() if self.de_minimis else None,
        }


@dataclass(frozen=True, slots=True)
class Margin:
    """How far a value is above (positive) or below (negative) a threshold."""

    test: str
    value: Decimal
    threshold: Decimal
    margin: Decimal
    unit: str = "percentage points"

    def to_dict(self) -> dict[str, str]:
        return {
            "test": self.test,
            "value": str(self.value),
            "threshold": str(self.threshold),
            "margin": str(self.margin),
            "unit": self.unit,
        }


@dataclass(slots=True)
class Determination:
    id: str | None
    date: dt.date
    good: Good
    originating: bool
    criterion: str | None  # "A" | "B" | "C" | "D" | None
    values: Values
    rvc: dict[str, RVCValue | None]
    tariff_shift: TariffShiftReport
    explanation: list[Step] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    margins: list[Margin] = field(default_factory=list)
    cheapest_flip: dict[str, Any] | None = None
    rule_reference: str | None = None
    alternative: int | None = None  # index of the alternative that conferred origin (criterion B)
    weight_share: WeightResult | None = None
    subject_to_rvc: bool = False  # its rule asks for an RVC (for the intermediate-material proviso)
    intermediates: list[tuple[Any, Determination]] = field(default_factory=list)
    automotive: dict[str, Any] | None = None  # filled by the automotive assessment (UR Part 6)
    # The supplier statements the determination relied on (tmec.statements): id, supplier, validity.
    statements: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # flagged: a reading of the law that would change it

    # The per-good values the bulk engine is tested against.
    @property
    def vnm(self) -> Decimal:
        """VNM under the net cost method (equal to the TV one unless accumulation statements differ)."""
        return self.values.vnm_nc

    @property
    def net_cost(self) -> Decimal | None:
        return self.values.net_cost

    @property
    def total_cost(self) -> Decimal | None:
        return self.values.total_cost

    @property
    def adjusted_tv(self) -> Decimal | None:
        return self.values.adjusted_tv

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "date": self.date.isoformat(),
            "originating": self.originating,
            "criterion": self.criterion,
            "rvc": {
                "net_cost": _opt(self.rvc.get("net_cost")),
                "transaction_value": _opt(self.rvc.get("transaction_value")),
            },
            "tariff_shift": self.tariff_shift.to_dict(),
            "explanation": [s.to_dict() for s in self.explanation],
            "questions": [q.to_dict() for q in self.questions],
            "good": {
                "description": self.good.description,
                "hs": hs.format(self.good.hs),
                "category": self.good.category,
                "end_use": self.good.end_use,
                "kind": self.good.kind,
            },
            "rule": {"reference": self.rule_reference, "alternative": self.alternative},
            "values": self.values.to_dict(),
            "margins": [m.to_dict() for m in self.margins],
            "cheapest_flip": self.cheapest_flip,
        }
        if self.weight_share is not None:
            w = self.weight_share
            out["weight_share"] = {
                "share": None if w.share is None else str(w.share),
                "min_percent": str(w.min_percent),
                "originating_kg": str(w.originating_kg),
                "total_kg": str(w.total_kg),
                "passed": w.passed,
            }
        if self.automotive is not None:
            out["automotive"] = self.automotive
        if self.statements:
            out["statements"] = self.statements
        if self.notes:
            out["notes"] = list(self.notes)
        return out


def _opt(value: RVCValue | None) -> dict[str, object] | None:
    return None if value is None else value.to_dict()
