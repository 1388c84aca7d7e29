"""A sample of damaged inputs run as real processes: real exit codes, wall clock and peak memory.

Fails on a traceback, an exit status other than 0/1/2, more than ``harness.MAX_SECONDS`` of CPU,
a run still going after ``WALL_LIMIT`` seconds, or a peak resident memory over 1 GB (every input
here is far under 10 MB).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz import harness
from tests.fuzz.conftest import EXAMPLES, EXAMPLES_PER_TARGET, Workspace, fuzz_settings
from tests.fuzz.mutate import damaged_bytes, damaged_csv, damaged_document

ROOT = Path(__file__).resolve().parents[2]
WALL_LIMIT = 60.0  # generous: the CPU limit is the real one; this catches a process that hangs
MEMORY_LIMIT = 1 << 30
ENTRY = "from tmec.cli import main; main(prog_name='tmec')"


def run_process(args: list[str], env: dict[str, str]) -> tuple[int, str, float, int]:
    """Exit status, stderr, CPU seconds and peak resident bytes of ``tmec ARGS`` in a process of its own."""
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", ENTRY, *args], stdout=subprocess.DEVNULL, stderr=err,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src"), **env},
        )  # fmt: skip
        timer = threading.Timer(WALL_LIMIT, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return proc.returncode, stderr, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


SAMPLES = {
    "case (qualify)": (EXAMPLES / "aluminum_wheel.yaml", damaged_document, ["qualify"]),
    "entry file CSV (duty --entries)": (None, damaged_csv, ["duty", "--entries"]),
    "certificate PDF (verify)": (None, damaged_bytes, ["verify"]),
}


@settings(fuzz_settings, max_examples=max(2, EXAMPLES_PER_TARGET // 2))
@given(data=st.data())
def test_damaged_inputs_in_a_real_process(workspace: Workspace, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(SAMPLES)))
    example, damage, command = SAMPLES[name]
    source = example or (
        workspace.entries_csv if "--entries" in command else workspace.root / "cert" / "certificate.pdf"
    )
    raw = data.draw(damage(source.read_bytes()))
    with tempfile.TemporaryDirectory(prefix="tmec-fuzz-") as d:
        path = Path(d) / source.name
        path.write_bytes(raw)
        extra = ["--key", str(workspace.public_key)] if command == ["verify"] else []
        code, stderr, cpu, peak = run_process([*command, str(path), *extra], workspace.env)
    target = f"process: {name}"
    harness.COUNTS[target][f"exit {code}" if code in (0, 1, 2) else f"EXIT {code}"] += 1
    harness.SLOWEST[target] = max(harness.SLOWEST.get(target, 0.0), cpu)
    problem = (
        f"exit {code}" if code not in (0, 1, 2) else
        "traceback" if "Traceback" in stderr else
        f"{cpu:.1f} s of CPU" if cpu > harness.MAX_SECONDS else
        f"peak memory {peak >> 20} MB" if peak > MEMORY_LIMIT else None
    )  # fmt: skip
    assert problem is None, f"{problem}: tmec {' '.join(command)} on {raw[:300]!r}\n{stderr[-2000:]}"


def test_the_memory_measure_sees_a_real_process(workspace: Workspace) -> None:
    """The peak measured is the child's, and plausible (tens of MB for Python and tmec)."""
    code, _, cpu, peak = run_process(["--version"], workspace.env)
    assert code == 0 and 10 << 20 < peak < MEMORY_LIMIT and cpu > 0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 0
