"""Section 232 auto parts in bulk as one by one: a general-purpose provision of U.S. note 33(g)
(8471, bearings, batteries) declared a vehicle part or not, with and without a USMCA claim, and a
vehicle-specific part (8708) charged as classified."""

from __future__ import annotations

from pathlib import Path

from tests.engine.relief_rows import priced_alike

from tmec.engine import Engine

ROWS = [
    ("2026-03-01", "8471.30.01.00", "CN", "", ""),
    ("2026-03-01", "8471.30.01.00", "CN", "", "vehicle_part"),
    ("2026-03-01", "8471.30.01.00", "CN", "", "none"),
    ("2025-06-10", "8471.30.01.00", "JP", "", "vehicle_part"),
    ("2025-06-10", "8471.30.01.00", "JP", "", ""),
    ("2026-03-01", "8471.30.01.00", "MX", "yes", "vehicle_part"),
    ("2026-03-01", "8471.30.01.00", "MX", "yes", ""),
    ("2025-06-10", "8507.60.00.20", "KR", "", "vehicle_part"),
    ("2025-06-10", "8482.10.50.44", "DE", "", ""),
    ("2026-03-01", "8708.10.30.50", "CN", "", ""),
    ("2026-03-01", "8708.10.30.50", "CN", "", "none"),
    ("2025-06-10", "8708.10.30.50", "MX", "yes", ""),
]


def test_auto_parts_lines_equal_price_entry(duck: Engine, tmp_path: Path) -> None:
    want = priced_alike(duck, tmp_path, ROWS)
    charged = sorted(
        line for line, lines in want.items() for m, _, d in lines if m.startswith("s232_auto") and d
    )
    # the declared laptops of CN and JP, the declared battery, the bumpers entered without USMCA
    assert charged == [3, 5, 9, 11, 12], charged
