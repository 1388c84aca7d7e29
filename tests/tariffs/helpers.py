"""Helpers of the tariffs tests: price an entry from plain values; the additional duty by heading."""

from __future__ import annotations

import datetime as dt
import importlib.util
from decimal import Decimal
from pathlib import Path
from typing import Any

from tmec.tariffs import Duty, Entry, price_entry


def run(*args: str) -> tuple[int, str]:
    """``tmec ARGS``: exit code and output."""
    from click.testing import CliRunner

    from tmec.cli import main

    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def price(
    day: str, hts: str, origin: str, value: int | str = 100000, *, basis: str = "liability", **kw: Any
) -> Duty:
    for key in (
        "steel_value",
        "aluminum_value",
        "non_us_content",
        "us_parts_value",
        "quantity",
        "weight_kg",
        "metal_weight_kg",
    ):
        if key in kw and kw[key] is not None:
            kw[key] = Decimal(str(kw[key]))
    entry = Entry(
        entry_date=dt.date.fromisoformat(day), hts=hts, origin=origin, value=Decimal(str(value)), **kw
    )
    return price_entry(entry, basis=basis)


def extra(duty: Duty) -> dict[str, Decimal]:
    """Additional (chapter-99) duty by heading, zero lines left out."""
    out: dict[str, Decimal] = {}
    for line in duty.lines:
        if line.program != "ordinary" and line.duty:
            out[line.heading] = out.get(line.heading, Decimal(0)) + line.duty
    return out


def builder(name: str) -> Any:
    """The law builder ``tools/law/<name>.py`` as a module (the tools are scripts, not a package)."""
    path = Path(__file__).resolve().parents[2] / "tools" / "law" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
