"""Section 301 product exclusions (9903.88.69/.70) in bulk as one by one: Chinese lines whose number an
exclusion names, claimed or not, on days the headings keep them in force and after; another origin; a
line whose four-year review duty (note 31) the exclusions do not spare."""

from __future__ import annotations

from pathlib import Path

from tests.engine.relief_rows import priced_alike

from tmec.engine import Engine

ROWS = [
    ("2026-03-01", "8486.10.00.00", "CN", "", "s301_exclusion"),
    ("2026-03-01", "8486.10.00.00", "CN", "", ""),
    ("2026-03-01", "8486.10.00.00", "CN", "", "none"),
    ("2026-11-09", "8486.10.00.00", "CN", "", "s301_exclusion"),
    ("2026-11-10", "8486.10.00.00", "CN", "", "s301_exclusion"),
    ("2026-03-01", "8486.10.00.00", "VN", "", "s301_exclusion"),
    ("2025-06-02", "8483.50.90.40", "CN", "", "s301_exclusion"),
    ("2025-06-02", "8483.50.90.40", "CN", "", ""),
    ("2025-03-01", "8424.90.90.80", "CN", "", "s301_exclusion"),
    ("2025-12-01", "6307.90.98.91", "CN", "", "s301_exclusion"),
    ("2026-02-01", "6307.90.98.91", "CN", "", "s301_exclusion"),
    ("2026-02-01", "8524.11.90.00", "CN", "", "s301_exclusion"),
]


def test_section_301_exclusion_lines_equal_price_entry(duck: Engine, tmp_path: Path) -> None:
    want = priced_alike(duck, tmp_path, ROWS)
    spared = [m for lines in want.values() for m, _, _ in lines if m.startswith("s301_exclusion")]
    assert len(spared) == 6, spared  # claimed, Chinese, in force, and not under note 31 first
    charged = [m for lines in want.values() for m, _, d in lines if m.startswith("s301_") and d > 0]
    assert len(charged) == 5, charged
