"""The crashes the harness tolerates (``harness.KNOWN_CRASHES``), reproduced deterministically where
a reproducer is known.

Strict xfail: when the fix lands these pass, the run fails, and the entry must be removed from
``KNOWN_CRASHES`` (so a fixed crash cannot come back unnoticed).  Entries marked "no reproducer
yet" were found by `make fuzz` (FUZZING.md shows each one's traceback).
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


REPRODUCERS = {
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


def test_every_reproducer_is_a_known_crash() -> None:
    assert set(REPRODUCERS) <= set(harness.KNOWN_CRASHES)


@pytest.mark.xfail(reason="known crash, being fixed elsewhere (issue 11 item 8)", strict=True)
@pytest.mark.parametrize("known", sorted(REPRODUCERS), ids=lambda k: f"{k[0]}@{k[1]}")
def test_known_crash_is_fixed(known: tuple[str, str], workspace: Workspace, tmp_path: Path) -> None:
    args, data = REPRODUCERS[known]
    path = tmp_path / "input"
    path.write_bytes(data)
    out = harness.run("known crashes", args(workspace, path), env=workspace.env)
    assert out.crash is None, out.crash


def test_the_reproducers_reproduce(workspace: Workspace, tmp_path: Path) -> None:
    """Each reproducer still crashes with its own signature (else its xfail passes for another reason)."""
    for known, (args, data) in REPRODUCERS.items():
        path = tmp_path / "input"
        path.write_bytes(data)
        out = harness.run("known crashes", args(workspace, path), env=workspace.env)
        assert out.crash in (known, None), (known, out.crash)
