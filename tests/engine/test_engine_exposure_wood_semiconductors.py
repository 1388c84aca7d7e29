"""Section 232 wood products (9903.76) and semiconductors (9903.79) in bulk as one by one: lumber,
upholstered furniture, kitchen cabinets and their parts, for Mexico, Canada and the other origins, with
and without a USMCA claim and the note 37(g) relief, before and after 2025-10-14 and 2027-01-01;
processing units and computer parts declared semiconductor articles or not, before and after 2026-01-15."""

from __future__ import annotations

from pathlib import Path

from tests.engine.relief_rows import priced_alike

from tmec.engine import Engine

ROWS = [
    ("2025-10-13", "9401.61.40.11", "MX", "", ""),
    ("2025-11-01", "9401.61.40.11", "MX", "", ""),
    ("2025-11-01", "9401.61.40.11", "MX", "yes", ""),
    ("2025-11-01", "9401.61.60.31", "CA", "", ""),
    ("2025-11-01", "4407.11.00", "CA", "yes", ""),
    ("2025-11-01", "4407.12.00", "BR", "", ""),
    ("2025-11-01", "9403.40.90.60", "DE", "", ""),
    ("2025-11-01", "9403.60.80.93", "GB", "", ""),
    ("2025-12-05", "9403.60.80.93", "KR", "", ""),
    ("2026-03-01", "9403.91.00.80", "CN", "", ""),
    ("2026-03-01", "9403.91.00.80", "VN", "", "not_wood_cabinet"),
    ("2025-11-01", "9403.91.00.80", "BR", "", "not_wood_cabinet"),
    ("2025-11-01", "9403.91.00.80", "MX", "", "none"),
    ("2026-06-10", "9401.61.40.31", "TW", "", ""),
    ("2026-01-14", "8471.50.01.50", "TW", "", "semiconductor_article"),
    ("2026-02-01", "8471.50.01.50", "TW", "", "semiconductor_article"),
    ("2026-02-01", "8471.50.01.50", "CN", "", "semiconductor_article"),
    ("2026-03-01", "8471.50.01.50", "MX", "yes", "semiconductor_article"),
    ("2026-03-01", "8473.30.51.00", "DE", "", "semiconductor_article"),
    ("2026-03-01", "8473.30.51.00", "DE", "", ""),
    ("2026-03-01", "8471.50.01.50", "MX", "", "none"),
    ("2027-01-01", "9403.40.90.60", "MX", "", ""),  # the rise to 50 % (proclamation of 31 Dec 2025)
    ("2027-01-01", "9401.61.40.11", "GB", "", ""),  # the United Kingdom keeps its 10 %
]


def test_wood_and_semiconductor_lines_equal_price_entry(duck: Engine, tmp_path: Path) -> None:
    want = priced_alike(duck, tmp_path, ROWS)
    wood = [m for lines in want.values() for m, _, d in lines if m.startswith("s232_wood") and d > 0]
    assert len(wood) == 13, wood
    chips = [m for lines in want.values() for m, _, d in lines if m == "s232_semiconductors" and d > 0]
    assert len(chips) == 4, chips
