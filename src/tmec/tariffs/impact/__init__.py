"""Trade-impact models: what a tariff change does to a trade flow (spec tariffs.md §4).

* :mod:`.smart` — the WITS/UNCTAD SMART linear model (Laird and Yeats 1986):
  trade creation, trade diversion, world-price effect with finite export supply,
  tariff revenue, welfare.
* :mod:`.ces` — the exact CES/Armington "hat" solution for large shocks.
* :mod:`.sweep` — sensitivity of the result to the import-demand elasticity.
* :mod:`.flows` — the same models on many flows (HS chapter x origin) at once, from a
  duty-exposure run's effective rates before and after a scenario.
* :mod:`.chart` — a plain SVG chart of loss versus elasticity.

All amounts and rates are ``Decimal``; rates are fractions here (0.25), percent at the CLI.
"""

from tmec.tariffs.impact.ces import CesResult, ces
from tmec.tariffs.impact.chart import loss_chart_svg
from tmec.tariffs.impact.flows import (
    Elasticities,
    FlowImpact,
    ImpactTotals,
    TradeFlow,
    elasticities_at,
    flow_impact,
    flows_impact,
)
from tmec.tariffs.impact.smart import SmartResult, smart, smart_diversion
from tmec.tariffs.impact.sweep import SweepPoint, implied_em, sweep

__all__ = [
    "CesResult",
    "Elasticities",
    "FlowImpact",
    "ImpactTotals",
    "SmartResult",
    "SweepPoint",
    "TradeFlow",
    "ces",
    "elasticities_at",
    "flow_impact",
    "flows_impact",
    "implied_em",
    "loss_chart_svg",
    "smart",
    "smart_diversion",
    "sweep",
]
