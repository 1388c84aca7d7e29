"""``tmec portfolio qualify --json`` / a portfolio job's summary: counts, failing goods, best flips."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tmec.engine import PortfolioResult


def portfolio_summary(
    r: PortfolioResult, target: Path, elapsed: float, engine: str, statement_uses: Mapping[str, str]
) -> dict[str, Any]:
    """``statement_uses``: the parts whose VNM comes from a supplier's statement, and its id."""
    flips = sorted(r.flips.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return {
        "date": r.day,
        "engine": engine,
        "goods": len(r.goods),
        "qualifying": r.qualifying,
        "not_qualifying": len(r.failing),
        "errors": len(r.errors),
        "bom_levels": r.levels,
        "failing": [
            {
                "good_id": g.good_id,
                "hs": g.hs,
                "rvc_transaction_value": g.rvc_tv,
                "rvc_net_cost": g.rvc_nc,
                "tariff_shift_passed": g.tariff_shift_passed,
                "failing_materials": list(g.failing_codes),
            }
            for g in r.failing
        ],
        "error_goods": [{"good_id": g.good_id, "hs": g.hs, "error": g.error} for g in r.errors],
        "flip_materials": [
            {"hs": code, "goods": len(goods), "examples": goods[:5]} for code, goods in flips[:10]
        ],
        "flips_examined": r.flips_sampled or len(r.failing),
        "results": str(target),
        "seconds": round(elapsed, 3),
        "statements": {"parts": len(statement_uses), "ids": sorted(set(statement_uses.values()))},
    }
