"""De minimis (USMCA Art. 4.12; 19 USC 4531(f); UR s.5).

* CTC de minimis (UR s.5(1)): a good that fails its tariff shift is still
  originating when the value of all non-originating materials that do not
  undergo the change is not more than 10 % of the adjusted transaction value
  *or* of the total cost of the good.  Those materials stay in VNM when the rule
  also asks for an RVC.
* RVC de minimis (UR s.5(4)): a good subject to an RVC need not meet it when the
  value of *all* non-originating materials is not more than 10 % of either base.

Annex 4-A excepts goods of chapters 1-27 (with subheading carve-outs) and
applies weight-based rules to chapters 50-63.  tmec does not encode those
exceptions: for a good in those chapters de minimis is not applied, and the
explanation says so (never a silent pass).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from tmec.core.money import percent
from tmec.core.params import ParamValue

__all__ = ["DeMinimis", "annex_4a_excepted", "de_minimis"]


@dataclass(frozen=True, slots=True)
class DeMinimis:
    value: Decimal  # value of the materials tested, on the base where the test is decided
    limit_percent: Decimal
    base: str  # "transaction_value" (adjusted TV) or "total_cost": the most favourable base
    base_amount: Decimal
    share: Decimal  # value as a percentage of that base
    reference: str

    @property
    def passed(self) -> bool:
        return self.share <= self.limit_percent

    def to_dict(self) -> dict[str, object]:
        return {
            "value": str(self.value),
            "limit_percent": str(self.limit_percent),
            "base": self.base,
            "base_amount": str(self.base_amount),
            "share": str(self.share),
            "passed": self.passed,
            "reference": self.reference,
        }


def annex_4a_excepted(good_hs: str) -> bool:
    """Whether the good is in a chapter whose de minimis Annex 4-A restricts (not encoded)."""
    chapter = int(good_hs[:2])
    return chapter <= 27 or 50 <= chapter <= 63


def de_minimis(amounts: Mapping[str, tuple[Decimal, Decimal | None]], limit: ParamValue) -> DeMinimis | None:
    """Test each ``base name -> (value, base amount)`` against ``limit`` percent; the most
    favourable base decides ("of either", UR s.5(1)).  None when no base is known."""
    best: DeMinimis | None = None
    for name, (value, base) in amounts.items():
        if base is None or base <= 0:
            continue
        share = percent(value, base)
        if best is None or share < best.share:
            best = DeMinimis(value, limit.decimal, name, base, share, limit.cite())
    return best
