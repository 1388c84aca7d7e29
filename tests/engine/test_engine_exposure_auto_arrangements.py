"""The Section 232 auto arrangements (9903.94.31-.67) in bulk as one by one: cars, light trucks and
parts of the United Kingdom (the quota claimed or not), Japan, the EU, Korea (with and without a KORUS
claim) and Taiwan, on the days around each start in law and as printed, on both bases."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.engine.relief_rows import priced_alike

from tmec.engine import Engine
from tmec.tariffs import default_tables

CAR, TRUCK, PART = "8703.23.01.90", "8704.21.01", "8708.99.68.90"
CERTIFIABLE = "8708.99.81.80"  # outside note 33(g)'s list
ROWS = [
    ("2025-09-15", CAR, "JP", "", ""),
    ("2025-09-16", CAR, "JP", "", ""),
    ("2025-10-01", TRUCK, "JP", "", ""),
    ("2025-10-01", PART, "JP", "", ""),
    ("2025-07-31", CAR, "DE", "", ""),
    ("2025-08-01", CAR, "DE", "", ""),
    ("2025-09-25", PART, "FR", "", ""),
    ("2026-03-01", CAR, "IT", "", ""),
    ("2025-10-31", CAR, "KR", "", ""),
    ("2025-11-01", CAR, "KR", "", ""),
    ("2025-12-05", PART, "KR", "", ""),
    ("2025-12-10", CAR, "KR", "KR", ""),
    ("2026-04-30", PART, "TW", "", ""),
    ("2026-05-01", PART, "TW", "", ""),
    ("2026-01-15", CAR, "GB", "", ""),
    ("2026-01-15", CAR, "GB", "", "uk_vehicle_quota"),
    ("2026-01-15", CAR, "GB", "", "none"),
    ("2025-06-30", PART, "GB", "", ""),
    ("2026-01-15", "4011.20.10.25", "GB", "", ""),
    ("2026-01-15", CAR, "CN", "", ""),
    # the certified-use parts (note 33(p)-(r)): declared, not declared (asked), out of scope
    ("2026-01-15", CERTIFIABLE, "JP", "", "auto_part_certified"),
    ("2026-01-15", CERTIFIABLE, "DE", "", "auto_part_certified"),
    ("2025-11-15", CERTIFIABLE, "KR", "", "auto_part_certified"),
    ("2026-05-01", CERTIFIABLE, "TW", "", "auto_part_certified"),
    ("2026-01-15", CERTIFIABLE, "GB", "", "uk_auto_part_certified"),
    ("2026-01-15", "8481.80.90", "CN", "", "auto_part_certified"),
    ("2026-01-15", CERTIFIABLE, "JP", "", ""),
    ("2026-01-15", "7318.15.20", "DE", "", "auto_part_certified"),
]


@pytest.mark.parametrize("basis", ["liability", "deposited"])
def test_the_arrangements_equal_price_entry_on_both_bases(duck: Engine, tmp_path: Path, basis: str) -> None:
    want = priced_alike(duck, tmp_path, ROWS, claim="program", basis=basis)
    ours = {m.id for m in default_tables().measures if m.id.startswith("s232_autos_") and m.origins}
    certified = {m for lines in want.values() for m, _, _ in lines if "certified" in m}
    assert "s232_autos_parts_certified" in certified and len(certified) >= 5, certified
    arranged = {m for lines in want.values() for m, _, _ in lines if m in ours}
    # in law, the EU's and Korea's days before their revisions are the arrangements' own
    retro = {m for m in arranged if m.endswith("_retroactive")}
    want_retro = {"s232_autos_eu_vehicle_retroactive", "s232_autos_korea_vehicle_retroactive"}
    want_retro.add("s232_autos_korea_parts_certified_retroactive")
    assert (retro == want_retro) == (basis == "liability"), retro
    assert len(arranged - retro) >= 7, arranged
