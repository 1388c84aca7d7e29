"""Section 301 product exclusions (9903.88.69/.70) in bulk as one by one: Chinese lines whose number an
exclusion names, claimed or not, on days the headings keep them in force and after; another origin; a
line whose four-year review duty (note 31) the exclusions do not spare."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tests.engine.test_engine_exposure import by_hand, engine_lines

from tmec.engine import Engine
from tmec.engine.exposure import price_exposure
from tmec.tariffs import default_tables

ROWS = [
    ("2026-03-01", "8486.10.00.00", "CN", "s301_exclusion"),
    ("2026-03-01", "8486.10.00.00", "CN", ""),
    ("2026-03-01", "8486.10.00.00", "CN", "none"),
    ("2026-11-09", "8486.10.00.00", "CN", "s301_exclusion"),
    ("2026-11-10", "8486.10.00.00", "CN", "s301_exclusion"),
    ("2026-03-01", "8486.10.00.00", "VN", "s301_exclusion"),
    ("2025-06-02", "8483.50.90.40", "CN", "s301_exclusion"),
    ("2025-06-02", "8483.50.90.40", "CN", ""),
    ("2025-03-01", "8424.90.90.80", "CN", "s301_exclusion"),
    ("2025-12-01", "6307.90.98.91", "CN", "s301_exclusion"),
    ("2026-02-01", "6307.90.98.91", "CN", "s301_exclusion"),
    ("2026-02-01", "8524.11.90.00", "CN", "s301_exclusion"),
]


def test_section_301_exclusion_lines_equal_price_entry(duck: Engine, tmp_path: Path) -> None:
    entries = tmp_path / "entries.csv"
    body = "".join(
        f"{n},{day},{hts},{origin},{10000 + n},,{relief}\n"
        for n, (day, hts, origin, relief) in enumerate(ROWS)
    )
    entries.write_text("line,entry_date,hts,origin,value,usmca,metals_relief\n" + body, encoding="utf-8")
    out = tmp_path / "lines.parquet"
    x = price_exposure(duck, entries, lines_out=out)
    want = by_hand(entries, default_tables())
    assert engine_lines(out) == want
    assert x.duty == sum(d for lines in want.values() for _, _, d in lines)
    spared = [m for lines in want.values() for m, _, _ in lines if m.startswith("s301_exclusion")]
    assert len(spared) == 6, spared  # claimed, Chinese, in force, and not under note 31 first
    charged = [m for lines in want.values() for m, _, d in lines if m.startswith("s301_") and d > 0]
    assert len(charged) == 5, charged
    assert x.duty > Decimal(0)
