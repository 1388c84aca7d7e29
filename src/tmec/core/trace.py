"""The explanation trace every determination carries.

A :class:`Step` says which rule was applied, what it found and where the law
says so; a :class:`Question` names a missing fact that would settle or change
the outcome.  Both serialise to the ``explanation`` / ``questions`` entries of
the result contract (shared/spec/case-format.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

__all__ = ["Question", "Step"]


@dataclass(frozen=True, slots=True)
class Step:
    step: str  # dotted id, e.g. "rvc.net_cost"
    result: str  # what was found, e.g. "54.5454 >= 50"
    reference: str  # the legal reference, e.g. "USMCA Art. 4.5; UR s.7(3)"
    passed: bool | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"step": self.step, "result": self.result, "reference": self.reference}
        if self.passed is not None:
            out["passed"] = self.passed
        if self.detail:
            out["detail"] = {k: _plain(v) for k, v in self.detail.items()}
        return out


@dataclass(frozen=True, slots=True)
class Question:
    """A fact that is missing, and what knowing it would do."""

    fact: str  # e.g. "origin of material M3"
    text: str  # the sentence shown to a person
    impact: Decimal | None = None  # how much the deciding value would move; sorts questions
    material: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"fact": self.fact, "question": self.text}
        if self.impact is not None:
            out["impact"] = str(self.impact)
        if self.material is not None:
            out["material"] = self.material
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
