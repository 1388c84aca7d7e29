"""SMART (WITS/UNCTAD; Laird and Yeats 1986, Annex I), linear partial equilibrium.

For one partner's flow ``M`` whose tariff moves from ``t0`` to ``t1``:

* trade creation  ``TC = M·Em·dt / [(1+t0)·(1 − Em/Ex)]``  (``Ex = None``: infinite supply)
* world price     ``P̂w = Em·t̂ / (Ex − Em)``, ``t̂ = dt/(1+t0)``  (0 with infinite supply)
* exporter revenue change ``M·[(1+Q̂)(1+P̂w) − 1]``, ``Q̂ = TC/M``
* tariff revenue  ``R0 = t0·M``, ``R1 = t1·(M + TC)·(1+P̂w)``
* welfare         ``W = ½·dt·TC``  (a Harberger triangle; negative when tariffs rise)

and between partner ``k`` and the other suppliers ``K`` (spec §4.1 eq. 4):
``ρ = [(1+t1k)/(1+t1K)] / [(1+t0k)/(1+t0K)] − 1`` and
``TD_k = −M_k·M_K·Es·ρ / (M_k + M_K − M_k·Es·ρ)``, ``TD_K = −TD_k``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

__all__ = ["SmartResult", "smart", "smart_diversion"]

ONE = Decimal(1)
HALF = Decimal("0.5")


@dataclass(frozen=True, slots=True)
class SmartResult:
    flow: Decimal
    trade_creation: Decimal
    world_price_change: Decimal  # P̂w, a fraction
    exporter_revenue_change: Decimal
    tariff_revenue_before: Decimal
    tariff_revenue_after: Decimal
    welfare: Decimal
    flow_after: Decimal


def smart(flow: Decimal, t0: Decimal, t1: Decimal, em: Decimal, ex: Decimal | None = None) -> SmartResult:
    """Trade creation, price effect, revenue and welfare of one partner's tariff change."""
    if em > 0:
        raise ValueError("the import-demand elasticity Em is negative")
    dt = t1 - t0
    supply = ONE if ex is None else ONE - em / ex
    tc = flow * em * dt / ((ONE + t0) * supply)
    pw = Decimal(0) if ex is None else em * (dt / (ONE + t0)) / (ex - em)
    q_hat = tc / flow if flow else Decimal(0)
    after = (flow + tc) * (ONE + pw)
    return SmartResult(
        flow=flow,
        trade_creation=tc,
        world_price_change=pw,
        exporter_revenue_change=flow * ((ONE + q_hat) * (ONE + pw) - ONE),
        tariff_revenue_before=t0 * flow,
        tariff_revenue_after=t1 * after,
        welfare=HALF * dt * tc,
        flow_after=after,
    )


def smart_diversion(
    flow_k: Decimal,
    flow_rest: Decimal,
    t0_k: Decimal,
    t1_k: Decimal,
    t0_rest: Decimal,
    t1_rest: Decimal,
    es: Decimal,
) -> tuple[Decimal, Decimal]:
    """Trade diversion (TD_k, TD_K) between partner k and the other suppliers; they sum to zero."""
    rho = ((ONE + t1_k) / (ONE + t1_rest)) / ((ONE + t0_k) / (ONE + t0_rest)) - ONE
    td_k = -(flow_k * flow_rest * es * rho) / (flow_k + flow_rest - flow_k * es * rho)
    # SMART caps diversion at the existing trade.
    td_k = max(td_k, -flow_k) if td_k < 0 else min(td_k, flow_rest)
    return td_k, -td_k
