"""The weight-share test of the chapter 73 steel rules (Annex 4-B; HTSUS GN 11(o) ch. 73).

"...provided that at least 70 percent by weight of the materials of headings
72.08 through 72.29 and 73.01 through 73.26 is originating": the weight of the
originating materials of those headings over the weight of all materials of
those headings.  This is not an RVC.  A material of those headings whose
weight is not given makes the share unknown, which fails (and is asked).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from tmec.core.money import percent
from tmec.origin.rules import WeightShare
from tmec.origin.vnm import Unit

__all__ = ["WeightResult", "weight_share"]

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class WeightResult:
    passed: bool
    share: Decimal | None
    min_percent: Decimal
    originating_kg: Decimal
    total_kg: Decimal
    missing: tuple[Unit, ...]  # materials of the headings without a weight


def weight_share(requirement: WeightShare, units: Sequence[Unit]) -> WeightResult:
    originating = total = ZERO
    missing: list[Unit] = []
    for u in units:
        code = u.material.hs
        if code is None or not any(r.contains(code) for r in requirement.headings):
            continue
        if u.material.weight_kg is None:
            missing.append(u)
            continue
        total += u.material.weight_kg
        if u.originating:
            originating += u.material.weight_kg
    if missing:
        return WeightResult(False, None, requirement.min_percent, originating, total, tuple(missing))
    if total == 0:
        # No material of the listed headings: nothing must be originating by weight.
        return WeightResult(True, None, requirement.min_percent, ZERO, ZERO, ())
    share = percent(originating, total)
    return WeightResult(
        share >= requirement.min_percent, share, requirement.min_percent, originating, total, ()
    )
