"""Section 232 derivatives of March 2025 and the April and June inclusions (s232_derivatives_2025_03.yaml)
in bulk as one by one: steel of note 16(m) on the full value then the steel content, 16(n) and the
household appliances on the steel content, aluminum of 19(j), 19(k), beer, before and after each start,
for Mexico (with and without a USMCA claim), the United Kingdom, China and the EU."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tests.engine.test_engine_exposure import by_hand, engine_lines

from tmec.engine import Engine
from tmec.engine.exposure import price_exposure
from tmec.tariffs import default_tables

# entry_date, hts, origin, usmca, steel_value, aluminum_value, melted_poured
ROWS = [
    ("2025-03-11", "7318.15.20.65", "DE", "", "4000", "", ""),
    ("2025-04-01", "7318.15.20.65", "DE", "", "4000", "", ""),
    ("2025-04-01", "7318.15.20.65", "MX", "yes", "4000", "", ""),
    ("2025-04-01", "7318.15.20.65", "MX", "", "4000", "", ""),
    ("2025-07-01", "7318.15.20.65", "GB", "", "4000", "", ""),
    ("2025-04-01", "8431.42.00.00", "MX", "yes", "4000", "", ""),
    ("2025-06-20", "8450.11.00.40", "MX", "yes", "3000", "", ""),
    ("2025-07-01", "8450.11.00.40", "MX", "yes", "3000", "", ""),
    ("2025-07-01", "8450.11.00.40", "GB", "", "3000", "", ""),
    ("2025-07-01", "8450.11.00.40", "DE", "", "3000", "", "us"),
    ("2025-04-01", "9506.51.40.00", "CN", "", "", "2000", ""),
    ("2025-07-01", "9506.51.40.00", "GB", "", "", "2000", ""),
    ("2025-04-03", "2203.00.00.30", "DE", "", "", "1000", ""),
    ("2025-04-04", "2203.00.00.30", "DE", "", "", "1000", ""),
    ("2025-04-01", "7615.10.71.30", "CN", "", "", "", ""),
    ("2025-04-01", "9403.20.00.50", "CN", "", "3000", "1000", ""),
    ("2025-04-01", "9401.99.90.81", "DE", "", "", "1000", ""),
    ("2025-04-01", "7323.91.10.00", "DE", "", "4000", "", ""),
    ("2025-07-01", "7614.10.10.00", "DE", "", "", "5000", ""),
]


def test_derivative_lines_equal_price_entry(duck: Engine, tmp_path: Path) -> None:
    entries = tmp_path / "entries.csv"
    body = "".join(
        f"{n},{day},{hts},{origin},10000,{usmca},{steel},{alu},{melt}\n"
        for n, (day, hts, origin, usmca, steel, alu, melt) in enumerate(ROWS)
    )
    header = "line,entry_date,hts,origin,value,usmca,steel_value,aluminum_value,melted_poured\n"
    entries.write_text(header + body, encoding="utf-8")
    out = tmp_path / "lines.parquet"
    x = price_exposure(duck, entries, lines_out=out)
    want = by_hand(entries, default_tables())
    assert engine_lines(out) == want
    assert x.duty == sum(d for lines in want.values() for _, _, d in lines)
    charged = sorted(m for lines in want.values() for m, _, d in lines if m.startswith("s232_") and d > 0)
    # 13 duties on 12 lines (9403.20.00 pays both metals): not the entries before a
    # list's start, not Mexico without a USMCA claim before 2025-06-04 (IEEPA displaces it), not the
    # US-melted washer, nor the codes on no list
    assert len(charged) == 13, charged
    assert "s232_steel_deriv_appliances_50" in charged and "s232_alu_deriv_beer_2025" in charged
    assert x.duty > Decimal(0)
