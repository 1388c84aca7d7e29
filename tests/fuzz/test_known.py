"""The crashes the harness tolerates (``harness.KNOWN_CRASHES``), each reproduced deterministically.

Strict xfail: when the fix lands these pass, the run fails, and the entry must be removed from
``KNOWN_CRASHES`` (so a fixed crash cannot come back unnoticed).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz import harness
from tests.fuzz.conftest import EXAMPLES, Workspace

SCENARIO = (EXAMPLES / "scenarios" / "steel-mx-75.yaml").read_text(encoding="utf-8")
REPRODUCERS = {
    ("TypeError", "tmec.tariffs.measures:_scope_items"): SCENARIO.replace(
        'items: ["72", "73"]', "items: 5"
    ).encode(),
}


def test_every_known_crash_has_a_reproducer() -> None:
    assert set(REPRODUCERS) == set(harness.KNOWN_CRASHES)


@pytest.mark.xfail(reason="known crash, being fixed elsewhere (issue 11 item 8)", strict=True)
@pytest.mark.parametrize("known", sorted(REPRODUCERS), ids=lambda k: f"{k[0]}@{k[1]}")
def test_known_crash_is_fixed(known: tuple[str, str], workspace: Workspace, tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.yaml"
    scenario.write_bytes(REPRODUCERS[known])
    out = harness.run("known crashes", ["exposure", str(workspace.entries_csv), "--scenario", str(scenario)])
    assert out.crash is None, out.crash
