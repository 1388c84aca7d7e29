"""The exact CES/Armington solution of the same two-stage demand (Jammes and Olarreaga 2005).

Everything in ratios ("hats"), for partners ``k`` with flows ``M_k`` and tariffs ``t0_k → t1_k``:

* shares at domestic prices ``w_k = M_k(1+t0_k) / Σ_j M_j(1+t0_j)``
* price change ``p̂_k = (1+t1_k)/(1+t0_k)``
* import price index ``P̂ = [Σ w_k p̂_k^(1−Es)]^(1/(1−Es))`` (geometric mean when Es = 1)
* composite quantity ``Q̂ = P̂^Em``; partner ratio ``M_k1/M_k0 = Q̂·(p̂_k/P̂)^(−Es)``
* creation ``M_k0(Q̂ − 1)``; diversion ``M_k0·Q̂·[(p̂_k/P̂)^(−Es) − 1]``

Export supply is infinitely elastic (world prices fixed).  Welfare is reported as the
Harberger triangle ``½·Σ dt_k·ΔM_k`` on the exact changes, so it is comparable with SMART.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["CesPartner", "CesResult", "ces"]

ONE = Decimal(1)
HALF = Decimal("0.5")


@dataclass(frozen=True, slots=True)
class CesPartner:
    name: str
    flow: Decimal
    t0: Decimal
    t1: Decimal


@dataclass(frozen=True, slots=True)
class CesPartnerResult:
    name: str
    flow: Decimal
    flow_after: Decimal
    creation: Decimal
    diversion: Decimal

    @property
    def change(self) -> Decimal:
        return self.flow_after - self.flow


@dataclass(frozen=True, slots=True)
class CesResult:
    price_index: Decimal  # P̂
    quantity_index: Decimal  # Q̂
    partners: tuple[CesPartnerResult, ...]
    tariff_revenue_before: Decimal
    tariff_revenue_after: Decimal
    welfare: Decimal


def ces(partners: Sequence[CesPartner], em: Decimal, es: Decimal) -> CesResult:
    if em > 0 or es < 0:
        raise ValueError("Em is negative and Es positive")
    spend = [p.flow * (ONE + p.t0) for p in partners]
    total = sum(spend, Decimal(0))
    if total <= 0:
        raise ValueError("the flows must add up to more than zero")
    shares = [s / total for s in spend]
    hats = [(ONE + p.t1) / (ONE + p.t0) for p in partners]
    if es == ONE:
        price = sum((w * h.ln() for w, h in zip(shares, hats, strict=True)), Decimal(0)).exp()
    else:
        inner = sum((w * h ** (ONE - es) for w, h in zip(shares, hats, strict=True)), Decimal(0))
        price = inner ** (ONE / (ONE - es))
    quantity = price**em
    results = []
    for p, h in zip(partners, hats, strict=True):
        relative = (h / price) ** (-es)
        after = p.flow * quantity * relative
        results.append(
            CesPartnerResult(
                name=p.name,
                flow=p.flow,
                flow_after=after,
                creation=p.flow * (quantity - ONE),
                diversion=p.flow * quantity * (relative - ONE),
            )
        )
    return CesResult(
        price_index=price,
        quantity_index=quantity,
        partners=tuple(results),
        tariff_revenue_before=sum((p.t0 * p.flow for p in partners), Decimal(0)),
        tariff_revenue_after=sum(
            (p.t1 * r.flow_after for p, r in zip(partners, results, strict=True)), Decimal(0)
        ),
        welfare=sum(
            (HALF * (p.t1 - p.t0) * r.change for p, r in zip(partners, results, strict=True)), Decimal(0)
        ),
    )
