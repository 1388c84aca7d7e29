"""The EU CBAM tables compiled by ``tools/law/build_cbam.py`` (Apache-2.0: see NOTICE here)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from tmec.carbon.law import CarbonLaw
from tmec.carbon.tables import CbamTables
from tmec.law import load_parameters

__all__ = ["CARBON_DIR", "TABLES_FILE", "load_carbon_law", "load_tables"]

CARBON_DIR = Path(__file__).resolve().parent
TABLES_FILE = CARBON_DIR / "cbam_tables.json"


@cache
def load_tables() -> CbamTables:
    with TABLES_FILE.open(encoding="utf-8") as fh:
        raw = json.load(fh)
    return CbamTables(raw, (CARBON_DIR / raw["defaults_file"]).read_text(encoding="utf-8"))


@cache
def load_carbon_law() -> CarbonLaw:
    return CarbonLaw(load_tables(), load_parameters())
