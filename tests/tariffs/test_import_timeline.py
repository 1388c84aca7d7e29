"""`tmec tariff import FILE --valid-from D`: a newer revision continues the bundled timeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.tariffs.helpers import run

pytestmark = pytest.mark.usefixtures("home")  # a fresh $TMEC_HOME: no imported schedule


NEWER = [
    {"htsno": "7604.29.50", "description": "Other", "general": "4%", "special": "Free (S)", "other": "13.5%"},
    {
        "htsno": "7604.29.50.90",
        "description": "Other",
        "general": "",
        "special": "",
        "other": "",
        "units": ["kg"],
    },
]


def _general(day: str, hts: str) -> tuple[int, str]:
    code, out = run("duty", "--hts", hts, "--origin", "DE", "--value", "1000", "--date", day, "--json")
    return code, (json.loads(out)["lines"][0]["rate"] if code == 0 else out)


def test_a_newer_revision_extends_the_timeline(tmp_path: Path) -> None:
    src = tmp_path / "hts_2026_rev_99.json"
    src.write_text(json.dumps(NEWER), encoding="utf-8")
    code, out = run("tariff", "import", str(src), "--valid-from", "2026-11-01")
    assert code == 0, out
    assert _general("2026-10-31", "7604.29.50") == (0, "3")  # the bundled revision until the new one
    assert _general("2026-11-02", "7604.29.50.90") == (0, "4")  # the imported revision from its date
    # a code the new revision does not list does not exist from its date: exit 2 naming the revision
    code, out = _general("2026-11-02", "7604.29.10")
    assert code == 2 and "hts_2026_rev_99.json" in out and "7604.29.10" in out
    assert _general("2026-10-31", "7604.29.10") == (0, "5")
