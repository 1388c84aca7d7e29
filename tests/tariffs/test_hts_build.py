"""The compiled schedule (tools/law/build_hts.py) and its look-up on every date since 2025."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest

from tmec.core.errors import InputError
from tmec.law.tariffs import HTS_META, TARIFFS_DIR, load_schedule, schedule_meta

ROOT = Path(__file__).resolve().parents[2]


def _builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_hts", ROOT / "tools" / "law" / "build_hts.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_compiled_schedule_is_what_the_builder_makes_of_the_usitc_files(shared_data: Path) -> None:
    built = _builder().build(shared_data)
    for name, body in built.items():
        shipped = (TARIFFS_DIR / name).read_bytes()
        assert shipped == body, f"{name} differs from a fresh build: run python tools/law/build_hts.py"


def test_the_shipped_files_match_their_recorded_checksums_and_budget() -> None:
    meta = schedule_meta()
    total = HTS_META.stat().st_size
    for name, digest in meta["outputs"].items():
        body = (TARIFFS_DIR / name).read_bytes()
        total += len(body)
        assert hashlib.sha256(body).hexdigest() == digest, name
    assert total < 15_000_000
    assert meta["licence"] and meta["source"] and meta["verified_through"] == "2026-06-08"
    revisions = [r["revision"] for r in meta["revisions"]]
    assert revisions[0] == "2025_basic" and revisions[-1] == "2026_rev_10" and len(revisions) == 43
    assert all(len(r["sha256"]) == 64 for r in meta["revisions"])
    assert json.loads(HTS_META.read_text(encoding="utf-8")) == meta


# Issue 14: codes a new user tried that were "not in the bundled schedule", and two wrong rates
# (issue 11 item 4): the general rate from the USITC revisions.
@pytest.mark.parametrize(
    ("code", "general"),
    [
        ("7601.10.60", "Free"),
        ("7604.29.50", "3%"),
        ("7604.29.10", "5%"),
        ("7601.10.30", "2.6%"),
        ("7606.11.30", "3%"),
        ("8708.99.68", "2.5%"),
        ("7306.30.50", "Free"),
        ("7306.30.50.56", "Free"),  # a statistical line: its item's rate
        ("0101.30.00", "6.8%"),  # rated at its only 10-digit line
    ],
)
def test_every_line_of_the_schedule_is_priced_on_every_date(code: str, general: str) -> None:
    schedule = load_schedule()
    for day in (dt.date(2025, 1, 1), dt.date(2025, 8, 1), dt.date(2026, 4, 6), dt.date(2026, 12, 6)):
        assert schedule.line(code, day).general == general


def test_the_two_wrong_general_rates_are_right_before_2025_too() -> None:
    schedule = load_schedule()
    assert schedule.line("7601.10.60", dt.date(2024, 6, 1)).general == "Free"
    assert schedule.line("7604.29.50", dt.date(2019, 6, 1)).general == "3%"


def test_a_code_missing_on_the_date_names_the_revision_in_force() -> None:
    schedule = load_schedule()
    with pytest.raises(
        InputError, match=r"7208\.39\.0015 is not in HTSUS 2026 rev 10 \(effective 2026-06-08\)"
    ):
        schedule.line("7208.39.00.15", dt.date(2026, 7, 1))
    # a statistical line added in a revision exists from that revision only
    assert schedule.line("7601.10.60.40", dt.date(2025, 6, 6)).general == "Free"
    with pytest.raises(InputError, match=r"does not exist in HTSUS 2025 rev 15"):
        schedule.line("7601.10.60.40", dt.date(2025, 6, 5))
    with pytest.raises(InputError, match="does not exist in HTSUS 2025 rev 16"):
        schedule.line("7601.10.60.30", dt.date(2025, 6, 6))


def test_versions_are_half_open_between_revisions() -> None:
    schedule = load_schedule()
    versions = schedule.versions("7601106030")
    assert [(v.valid_from, v.valid_to) for v in versions] == [(dt.date(2025, 1, 1), dt.date(2025, 6, 6))]
    line = schedule.line("8708.99.81", dt.date(2026, 1, 2))
    assert line.general_rate.ad_valorem == Decimal("2.5") and "S" in line.programs
    assert line.source.startswith("USITC HTSUS")
