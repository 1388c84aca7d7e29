"""The floors an order dated back (Japan, Switzerland, Liechtenstein): the bulk engine prices each
line as ``price_entry`` does, in law and as deposited at entry, on the days either basis splits on."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from test_engine_exposure import by_hand, engine_lines

from tmec.engine import Engine
from tmec.engine.exposure import price_exposure
from tmec.tariffs import default_tables

# a valve (8481.80.90, column 1 2 %): the days around each legal start and each printed one
LINES = [
    (day, origin)
    for origin, days in (
        ("JP", ("2025-08-06", "2025-08-07", "2025-09-15", "2025-09-16")),
        ("CH", ("2025-11-13", "2025-11-14", "2025-12-31", "2026-01-01")),
        ("LI", ("2025-11-13", "2025-11-14", "2025-12-31", "2026-01-01")),
        ("KR", ("2025-11-14", "2025-12-05")),
    )
    for day in days
]


@pytest.mark.parametrize("basis", ["liability", "deposited"])
def test_the_dated_back_floors_equal_price_entry_on_both_bases(
    duck: Engine, tmp_path: Path, basis: str
) -> None:
    entries = tmp_path / "entries.csv"
    rows = [f"{day},8481.80.90,{origin},100000" for day, origin in LINES]
    entries.write_text("entry_date,hts,origin,value\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "lines.parquet"
    x = price_exposure(duck, entries, lines_out=out, basis=basis)
    want = by_hand(entries, default_tables(), basis)
    assert engine_lines(out) == want
    japan_aug = {m for m, _, _ in want[3]}  # 2025-08-07, Japan
    assert ("ieepa_recip_02_73_20250916" in japan_aug) == (basis == "liability")
    total = {"liability": Decimal("13000.00"), "deposited": Decimal("15000.00")}[basis]
    assert sum(d for m, _, d in want[3] if m.startswith("ieepa_recip")) == total
    assert x.duty == sum(d for lines in want.values() for _, _, d in lines)
