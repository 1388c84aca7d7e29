"""Regional value content (USMCA Art. 4.5; 19 USC 4531(d); UR s.7).

    RVC_TV = (adjusted TV - VNM) / adjusted TV x 100
    RVC_NC = (NC - VNM) / NC x 100

The ratio is kept unrounded and compared with the threshold "not less than"
(``>=``); rounding is for display only (parameter ``usmca.rvc_display_places``).

Which methods may be used (UR s.7(1), s.7(6)): the producer chooses between
TV and NC, except that NC is the only one when the rule states no TV threshold.
When the case names no method every method the rule allows is computed and the
best one decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tmec.core.money import percent

__all__ = ["METHOD_LABEL", "RVCValue", "Values", "rvc", "unrounded"]

METHOD_LABEL = {"transaction_value": "transaction value", "net_cost": "net cost"}


@dataclass(frozen=True, slots=True)
class Values:
    """The per-good computed values (the engine's bulk roll-up is tested against these)."""

    adjusted_tv: Decimal | None
    total_cost: Decimal | None
    net_cost: Decimal | None
    vnm_tv: Decimal
    vnm_nc: Decimal

    def base(self, method: str) -> Decimal | None:
        return self.adjusted_tv if method == "transaction_value" else self.net_cost

    def vnm(self, method: str) -> Decimal:
        return self.vnm_tv if method == "transaction_value" else self.vnm_nc

    def available(self, method: str) -> bool:
        base = self.base(method)
        return base is not None and base > 0

    def to_dict(self) -> dict[str, str | None]:
        return {
            "adjusted_transaction_value": _s(self.adjusted_tv),
            "total_cost": _s(self.total_cost),
            "net_cost": _s(self.net_cost),
            "vnm_transaction_value": str(self.vnm_tv),
            "vnm_net_cost": str(self.vnm_nc),
        }


FOUR_PLACES = Decimal("0.0001")


def unrounded(value: Decimal) -> str:
    """A ratio as the result contract wants it: unrounded, with at least 4 decimals.

    >>> unrounded(Decimal(70)), unrounded(Decimal("54.545454545"))
    ('70.0000', '54.545454545')
    """
    return str(value.quantize(FOUR_PLACES) if value.as_tuple().exponent > -4 else value)  # type: ignore[operator]


def _s(v: Decimal | None) -> str | None:
    return None if v is None else str(v)


def rvc(base: Decimal, vnm: Decimal) -> Decimal:
    """RVC as an unrounded percentage.

    >>> rvc(Decimal(88), Decimal(40))
    Decimal('54.54545454545454545454545455')
    """
    return percent(base - vnm, base)


@dataclass(frozen=True, slots=True)
class RVCValue:
    method: str
    value: Decimal
    threshold: Decimal
    reference: str
    base: Decimal  # adjusted TV or net cost
    vnm: Decimal

    @property
    def passed(self) -> bool:
        return self.value >= self.threshold

    @property
    def margin(self) -> Decimal:
        return self.value - self.threshold

    def to_dict(self) -> dict[str, object]:
        base_key = "net_cost" if self.method == "net_cost" else "transaction_value"
        return {
            "value": unrounded(self.value),
            "threshold": str(self.threshold),
            "passed": self.passed,
            base_key: str(self.base),
            "vnm": str(self.vnm),
            "margin": unrounded(self.margin),
            "reference": self.reference,
        }

    @classmethod
    def compute(cls, method: str, values: Values, threshold: Decimal, reference: str) -> RVCValue:
        base = values.base(method)
        assert base is not None
        vnm = values.vnm(method)
        return cls(method, rvc(base, vnm), threshold, reference, base, vnm)
