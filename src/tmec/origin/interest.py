"""Non-allowable interest (19 USC 4531(a)(10); UR s.1, s.7(14), Sch. 9).

Interest on the producer's debt is non-allowable, an excluded cost of net
cost, for the part of the rate more than 700 basis points (parameter
``usmca.non_allowable_interest_spread``) above the federal government yield
for comparable maturities.  For a fixed-rate loan, the comparable maturity is
the weighted average principal maturity (sum of principal repayments x years,
over the principal), and the yield is interpolated linearly between the
published maturities around it (Sch. 9 Appendix).  The official example rounds
the maturity to whole years before interpolating (5.98 -> 6); ``round_years``
reproduces it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from tmec.core.errors import InputError
from tmec.core.params import ParamValue

__all__ = [
    "InterestTest",
    "amortization",
    "interpolate_yield",
    "non_allowable_interest",
    "weighted_average_maturity",
]


def amortization(principal: Decimal, rate_percent: Decimal, years: int, payment: Decimal) -> list[Decimal]:
    """Principal repaid each year of a level-payment loan: the payment less the year's interest.

    The stated payment is itself rounded to the cent, so the last repayment can
    leave a few cents of balance; the official table (Sch. 9 Appendix) does the same.
    """
    balance = principal
    repaid = []
    for _ in range(years):
        part = payment - balance * rate_percent / 100
        repaid.append(part)
        balance -= part
    return repaid


def weighted_average_maturity(principal: Decimal, repaid: list[Decimal]) -> tuple[Decimal, Decimal]:
    """(sum of principal repayments x year, weighted average principal maturity in years)."""
    weighted = sum((amount * (year + 1) for year, amount in enumerate(repaid)), Decimal(0))
    return weighted, weighted / principal


def interpolate_yield(maturity: Decimal, yields: Mapping[Decimal, Decimal]) -> Decimal:
    """Linear interpolation of government yields (maturity in years -> percent)."""
    points = sorted(yields.items())
    for (m0, y0), (m1, y1) in pairwise(points):
        if m0 <= maturity <= m1:
            return y0 + (y1 - y0) * (maturity - m0) / (m1 - m0)
    if points and maturity == points[0][0]:
        return points[0][1]
    raise InputError(f"no published yields around a maturity of {maturity} years", field="yields")


@dataclass(frozen=True, slots=True)
class InterestTest:
    weighted_principal: Decimal
    maturity_years: Decimal
    government_yield: Decimal
    limit_percent: Decimal
    contract_rate: Decimal
    interest_cost: Decimal
    non_allowable: Decimal
    reference: str

    def to_dict(self) -> dict[str, str]:
        return {f.name: str(getattr(self, f.name)) for f in fields(self)}


def non_allowable_interest(
    principal: Decimal,
    rate_percent: Decimal,
    years: int,
    payment: Decimal,
    yields: Mapping[Decimal, Decimal],
    spread: ParamValue,
    interest_cost: Decimal = Decimal(0),
    round_years: bool = True,
) -> InterestTest:
    """The Sch. 9 test for a fixed-rate loan.

    ``interest_cost`` is the interest booked in the period; the non-allowable
    part is the share of it above the limit rate, ``interest x (rate - limit) / rate``.
    """
    weighted, wapm = weighted_average_maturity(
        principal, amortization(principal, rate_percent, years, payment)
    )
    maturity = wapm.quantize(Decimal(1), rounding=ROUND_HALF_UP) if round_years else wapm
    gov = interpolate_yield(maturity, yields)
    limit = gov + spread.decimal / 100
    excess = max(Decimal(0), rate_percent - limit)
    return InterestTest(
        weighted_principal=weighted,
        maturity_years=maturity,
        government_yield=gov,
        limit_percent=limit,
        contract_rate=rate_percent,
        interest_cost=interest_cost,
        non_allowable=interest_cost * excess / rate_percent if rate_percent else Decimal(0),
        reference=spread.cite(),
    )
