"""``tmec exposure --json`` / an exposure job's summary: totals by measure, month, chapter, origin and flow,
and with a scenario the difference from the law as it is."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

from tmec.engine.exposure import GROUPS, Exposure


def exposure_document(
    entries: str,
    engine: str,
    basis: str,
    base: Exposure,
    alt: Exposure | None,
    started: float,
    *,
    impact: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``started`` is the ``time.perf_counter()`` of the run's start (the document gives its seconds)."""
    out: dict[str, Any] = {"entries": entries, "engine": engine, "basis": basis, **_dump(base)}
    if alt is not None:
        out["scenario"] = {"name": alt.scenario, **_dump(alt)}
        out["difference"] = {
            "duty": alt.duty - base.duty,
            "by": {g: _diff(base.by[g], alt.by[g], GROUPS[g]) for g in GROUPS},
        }
        if impact is not None:
            out["impact"] = impact
    out["seconds"] = round(time.perf_counter() - started, 3)
    return out


def _dump(x: Exposure) -> dict[str, Any]:
    return {
        "lines": x.lines,
        "value": x.value,
        "duty": x.duty,
        "by": x.by,
        "questions": x.questions,
        "law_as_of": x.law_as_of.isoformat() if x.law_as_of else None,
        "warning": x.warning,
    }


def _diff(
    base: list[dict[str, Any]], alt: list[dict[str, Any]], keys: tuple[str, ...]
) -> list[dict[str, Any]]:
    def index(rows: list[dict[str, Any]]) -> dict[tuple[Any, ...], Decimal]:
        return {tuple(r[k] for k in keys): Decimal(r["duty"]) for r in rows}

    a, b = index(base), index(alt)
    out = []
    for key in sorted(set(a) | set(b), key=lambda k: tuple(str(x) for x in k)):
        before, after = a.get(key, Decimal(0)), b.get(key, Decimal(0))
        if before != after or key in a:
            out.append({**dict(zip(keys, key, strict=True)), "base": before, "scenario": after,
                        "difference": after - before})  # fmt: skip
    return out
