"""How people see a vehicle's automotive requirements (used by ``tmec qualify``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tmec.cli._common import console
from tmec.cli._table import Column, show_table

LABELS = {
    "vehicle_rvc": "vehicle RVC (net cost)",
    "core_parts": "core parts (Table A.2)",
    "steel": "steel purchases (Table S)",
    "aluminum": "aluminum purchases (Table S)",
    "lvc": "labor value content",
}


def _pct(value: Any) -> str:
    return "—" if value is None else f"{Decimal(value):.4f}"


def show_automotive(automotive: dict[str, Any] | None) -> None:
    """One row per requirement: value, threshold, pass or fail; details below."""
    if not automotive:
        return
    rows = []
    for name, label in LABELS.items():
        req = automotive.get(name)
        if req is None:
            rows.append([label, "", "", "not required"])
            continue
        rows.append([label, _pct(req["value"]), _pct(req["threshold"]), "pass" if req["passed"] else "fail"])
    columns = [Column("requirement"), Column("value %", numeric=True), Column("threshold %", numeric=True)]
    title = (
        f"Automotive requirements — {automotive['vehicle_class'].replace('_', ' ')}, {automotive['regime']}"
    )
    show_table([*columns, Column("")], rows, title=title)
    lvc = automotive.get("lvc")
    if lvc and lvc.get("high_wage_points") is not None:
        console.print(
            f"  LVC = high-wage points {_pct(lvc['high_wage_points'])} "
            f"(minimum {lvc['high_wage_points_min']})"
            f" + technology {_pct(lvc['technology_credit'])} + assembly {lvc['assembly_credit']}",
            highlight=False,
        )
    core = automotive.get("core_parts")
    if core and core.get("method") == "super_core":
        console.print("  core parts met as a super-core (UR s.14(10))", highlight=False)
