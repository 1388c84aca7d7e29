"""Changes to a generated portfolio's parts, made both ways: as ``Change`` rows for re-qualification
and as edits to ``parts.csv`` for a full run on the changed data (the oracle)."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, settings

from tmec.engine.portfolio import Portfolio
from tmec.engine.whereused import Change

ORIGINS = ("originating", "non_originating", "unknown")
DOMESTIC = ("US", "MX", "CA")  # statements need production in the territory (UR s.9); the loader checks it


def few(n: int) -> settings:
    """Each example is several full runs: few examples, no shrinking (it would re-run them for minutes)."""
    return settings(
        max_examples=n,
        deadline=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )


def read_csv(directory: Path, name: str) -> list[dict[str, str]]:
    with (directory / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def rewrite_parts(directory: Path, changes: dict[str, dict[str, str]]) -> None:
    rows = read_csv(directory, "parts.csv")
    for r in rows:
        r.update(changes.get(r["part_id"], {}))
    with (directory / "parts.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def change(row: dict[str, str], kind: str, n: int) -> tuple[Change, dict[str, str]] | None:
    """A change of ``kind`` to the part ``row`` (``n`` picks the amount), and the same as a CSV edit."""
    pid = row["part_id"]
    if kind == "value":
        # up, never under the part's statement VNM
        value = Decimal(row["value"] or 0) + Decimal(n % 997) + Decimal("0.0625")
        return Change(pid, value=value), {"value": str(value)}
    if kind == "statement":
        if row["country"] not in DOMESTIC:
            return None
        # a supplier's statement never exceeds the material's value
        vnm = (Decimal(row["value"] or 0) * Decimal(n % 10) / 10).quantize(Decimal("0.0001"))
        return Change(pid, statement_vnm=vnm), {"statement_vnm": str(vnm)}
    if kind == "same":
        return Change(pid, origin=row["origin"] or "unknown"), {"origin": row["origin"] or "unknown"}
    origin = ORIGINS[(ORIGINS.index(row["origin"]) + 1) % 3 if row["origin"] in ORIGINS else n % 3]
    return Change(pid, origin=origin), {"origin": origin}


def rollup_rows(p: Portfolio) -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    """The portfolio's roll-up tables as sets of rows (sums, flags, levels; material rows)."""
    e = p.engine
    values = {tuple(r.values()) for r in e.to_arrow(p.rollup.values).to_pylist()}
    materials = {tuple(r.values()) for r in e.to_arrow(p.rollup.materials).to_pylist()}
    return values, materials
