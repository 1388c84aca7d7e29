"""What the CBAM tests share: the bundled law, and a runner for ``tmec carbon``."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tmec.carbon.certificates import Assessment, ImportLine, assess
from tmec.carbon.law import CarbonLaw
from tmec.cli import main
from tmec.law.carbon import load_carbon_law

DATA = Path(__file__).resolve().parent / "data"
D8 = ("--cn", "73181568", "--origin", "MX", "--mass", "100", "--year", "2026")  # spec §5.4 D7/D8


@pytest.fixture(scope="session")
def law() -> CarbonLaw:
    return load_carbon_law()


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["carbon", *args])


def run_json(*args: str) -> dict[str, Any]:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    out: dict[str, Any] = json.loads(result.output)
    return out


def calc(law: CarbonLaw, cn: str, origin: str, mass: str, year: int = 2026, **kw: Any) -> Assessment:
    return assess(law, ImportLine(cn=cn, origin=origin, mass=Decimal(mass), year=year, **kw))
