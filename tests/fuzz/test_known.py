"""Crashes the harness found, reproduced deterministically: the fixed ones must stay bad input.

A crash with a reproducer is fixed here and leaves ``harness.KNOWN_CRASHES`` (so it cannot come back
unnoticed).  The entries still there are marked "no reproducer yet": found by `make fuzz` (FUZZING.md
shows each one's traceback), to be reproduced before they are fixed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz import harness
from tests.fuzz.conftest import EXAMPLES, Workspace

SCENARIO = (EXAMPLES / "scenarios" / "steel-mx-75.yaml").read_text(encoding="utf-8")
CASES = [str(EXAMPLES / "pickup_mx_crew_cab.yaml"), str(EXAMPLES / "pickup_mx_regular_cab.yaml")]


def scenario(ws: Workspace, path: Path) -> list[str]:
    return ["exposure", str(ws.entries_csv), "--scenario", str(path)]


def vehicles(ws: Workspace, path: Path) -> list[str]:
    return ["average", *CASES, "--vehicles", str(path)]


# Crashes the harness found and that are fixed: each input must now be bad input (exit 2, one line).
FIXED = {
    ("TypeError", "tmec.tariffs.measures:_scope_items"): (
        scenario, SCENARIO.replace('items: ["72", "73"]', "items: 5").encode()
    ),
    ("AttributeError", "tmec.tariffs.measures:<dictcomp>"): (
        scenario, b"name: x\nscopes: {a: 5}\nmeasures: []\n"
    ),
    ("UnicodeDecodeError", "tmec.origin.automotive.fleet:<listcomp>"): (
        vehicles, b"vehicle,date,config,net_cost,vnm\n\xff,2026-01-12,MX-PICKUP-CREW-2026,1,1\n"
    ),
}  # fmt: skip


@pytest.mark.parametrize("fixed", sorted(FIXED), ids=lambda k: f"{k[0]}@{k[1]}")
def test_fixed_crash_is_bad_input(fixed: tuple[str, str], workspace: Workspace, tmp_path: Path) -> None:
    args, data = FIXED[fixed]
    path = tmp_path / "input"
    path.write_bytes(data)
    out = harness.run("fixed crashes", args(workspace, path), env=workspace.env)
    assert out.crash is None, out.crash
    assert out.exit_code == 2, out


def test_fixed_crashes_are_not_tolerated() -> None:
    assert not set(FIXED) & set(harness.KNOWN_CRASHES)
