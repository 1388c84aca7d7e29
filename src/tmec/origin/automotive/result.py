"""The outcome of one automotive requirement, and of all five for a vehicle."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tmec.core.trace import Question, Step, _plain

__all__ = ["REQUIREMENTS", "AutomotiveResult", "Requirement", "join_refs"]


def join_refs(*refs: str) -> str:
    """Join legal references, citing each once (``"A; B"`` + ``"A"`` -> ``"A; B"``)."""
    seen: list[str] = []
    for ref in refs:
        for part in ref.split("; "):
            if part and part not in seen:
                seen.append(part)
    return "; ".join(seen)


# The five requirements of a passenger vehicle, light truck or heavy truck, in the order the
# Appendix states them (RVC and core parts Arts. 3-4, steel and aluminum Art. 6, LVC Art. 7).
REQUIREMENTS = ("vehicle_rvc", "core_parts", "steel", "aluminum", "lvc")


@dataclass(frozen=True, slots=True)
class Requirement:
    """One requirement: ``value`` (percent, unrounded) against ``threshold``."""

    name: str
    value: Decimal | None
    threshold: Decimal | None
    passed: bool
    reference: str
    details: dict[str, Any] = field(default_factory=dict)
    steps: tuple[Step, ...] = ()
    questions: tuple[Question, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "value": None if self.value is None else str(self.value),
            "threshold": None if self.threshold is None else str(self.threshold),
            "passed": self.passed,
            "reference": self.reference,
        }
        out.update(_plain(self.details))
        return out


@dataclass(frozen=True, slots=True)
class AutomotiveResult:
    """All requirements of one vehicle; a requirement that does not apply is absent (null)."""

    vehicle_class: str
    regime: str
    hs: str
    day: str
    requirements: dict[str, Requirement | None]
    classification_reason: str
    averaging_class: str = "d"
    steps: tuple[Step, ...] = ()
    questions: tuple[Question, ...] = ()

    @property
    def failed(self) -> tuple[str, ...]:
        return tuple(n for n in REQUIREMENTS if (r := self.requirements.get(n)) is not None and not r.passed)

    @property
    def passed(self) -> bool:
        return not self.failed

    def explanation(self) -> list[Step]:
        out = list(self.steps)
        for name in REQUIREMENTS:
            req = self.requirements.get(name)
            if req is not None:
                out.extend(req.steps)
        verdict = (
            "every automotive requirement is met"
            if self.passed
            else "not originating: fails " + ", ".join(self.failed)
        )
        out.append(
            Step("automotive.result", verdict, "UR s.13-s.20; Automotive Appendix Arts. 3-10", self.passed)
        )
        return out

    def all_questions(self) -> list[Question]:
        out = list(self.questions)
        for name in REQUIREMENTS:
            req = self.requirements.get(name)
            if req is not None:
                out.extend(req.questions)
        return out

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "vehicle_class": self.vehicle_class,
            "regime": self.regime,
            "classification": self.classification_reason,
            "passed": self.passed,
            "failed": list(self.failed),
        }
        for name in REQUIREMENTS:
            req = self.requirements.get(name)
            out[name] = None if req is None else req.to_dict()
        return out
