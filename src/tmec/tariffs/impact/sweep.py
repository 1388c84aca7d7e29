"""Sensitivity of the trade change to the import-demand elasticity, and the elasticity a claim implies."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from tmec.tariffs.impact.ces import CesPartner, ces
from tmec.tariffs.impact.smart import smart

__all__ = ["SweepPoint", "implied_em", "sweep"]

ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class SweepPoint:
    em: Decimal
    smart_change: Decimal
    ces_change: Decimal


def default_grid() -> list[Decimal]:
    """Em from -0.5 to -3.0 by 0.25: the range the evidence allows and beyond (spec §4.5)."""
    return [Decimal("-0.5") - Decimal("0.25") * i for i in range(11)]


def sweep(
    flow: Decimal, t0: Decimal, t1: Decimal, ems: Iterable[Decimal] | None = None, ex: Decimal | None = None
) -> list[SweepPoint]:
    """The focal flow's change under SMART and exact CES (uniform tariff: no diversion) for each Em."""
    points = []
    for em in ems if ems is not None else default_grid():
        linear = smart(flow, t0, t1, em, ex).trade_creation
        exact = ces([CesPartner("focal", flow, t0, t1)], em, Decimal("1.5")).partners[0].change
        points.append(SweepPoint(em=em, smart_change=linear, ces_change=exact))
    return points


def implied_em(flow: Decimal, t0: Decimal, t1: Decimal, loss: Decimal) -> dict[str, Decimal]:
    """The Em that makes each construction lose ``loss`` (positive) on ``flow`` (spec §4.6)."""
    dt = t1 - t0
    out = {"smart": -loss * (ONE + t0) / (flow * dt)}
    if loss < flow:
        out["ces"] = (ONE - loss / flow).ln() / ((ONE + t1) / (ONE + t0)).ln()
    return out
