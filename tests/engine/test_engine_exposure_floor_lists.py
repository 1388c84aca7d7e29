"""The EU, Swiss and Liechtenstein lists spared their reciprocal floors (9903.02.74, .77, .84, .86, .89,
.91) in bulk as one by one: listed and declared or not, in law and before the headings were printed."""

from __future__ import annotations

from pathlib import Path

from tests.engine.relief_rows import priced_alike

from tmec.engine import Engine

ROWS = [
    ("2025-09-24", "0711.90.30", "DE", "", ""),
    ("2025-10-01", "0711.90.30", "DE", "", ""),
    ("2025-10-01", "0711.90.30", "JP", "", ""),
    ("2025-12-20", "0106.14.00", "CH", "", ""),
    ("2025-12-20", "0106.14.00", "LI", "", ""),
    ("2025-10-01", "2807.00.00", "DE", "", ""),
    ("2025-10-01", "2807.00.00", "FR", "", "unpatented_pharma"),
    ("2026-01-10", "2807.00.00", "CH", "", "unpatented_pharma"),
    ("2026-01-10", "2807.00.00", "CH", "", "none"),
]


def test_floor_list_lines_equal_price_entry(duck: Engine, tmp_path: Path) -> None:
    want = priced_alike(duck, tmp_path, ROWS)
    spared = sorted(
        line for line, lines in want.items() for m, _, _ in lines if m.startswith("ieepa_floor_list")
    )
    assert spared == [3, 5, 6, 8, 9], spared
