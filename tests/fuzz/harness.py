"""Run one ``tmec`` command on one damaged input and judge the outcome.

A run passes when it ends with exit 0, 1 or 2, prints no traceback and takes under
``MAX_SECONDS`` of CPU time (in process: the clock of a machine shared with other work is not
the program's; ``test_process.py`` adds wall-clock and memory limits on real processes).
A crash (an exception the error boundary would call an internal error;
``TMEC_DEBUG=1`` lets it through here so its place is known) fails the test unless its
signature is in :data:`KNOWN_CRASHES`: crashes found by this harness that another piece of
work is fixing (issue 11 item 8), each with a deterministic reproducer in ``test_known.py``.
"""

from __future__ import annotations

import os
import time
import traceback
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from tmec.cli import main

MAX_SECONDS = 10.0
SRC = Path(__file__).resolve().parents[2] / "src"

# (exception type, innermost tmec frame "module:function") -> what it is and who fixes it.
KNOWN_CRASHES: dict[tuple[str, str], str] = {
    ("TypeError", "tmec.tariffs.measures:parse_measures"):
        "a scenario of the wrong shape: issue 11 item 8, parsing (found by make fuzz, no reproducer yet)",
    ("InvalidOperation", "tmec.core.money:quantize"):
        "an amount past the decimal context: issue 11 item 8 (found by make fuzz, no reproducer yet)",
    ("Error", "tmec.engine.entry_tables:load_entries"):
        "a corrupted Parquet entry file (a DuckDB error): issue 11 item 8 (found by make fuzz)",
    ("Error", "tmec.engine.entry_tables:_by_value"):
        "a corrupted Parquet entry file (a DuckDB error): issue 11 item 8 (found by make fuzz)",
}  # fmt: skip

# target -> outcome -> count; written to FUZZING.md by `make fuzz` (see conftest.py).
COUNTS: defaultdict[str, Counter[str]] = defaultdict(Counter)
SLOWEST: dict[str, float] = {}
NEW_CRASHES: dict[tuple[str, str], str] = {}
SLOW_INPUTS: list[str] = []
# TMEC_FUZZ_COLLECT=1: record every failure and go on (to survey a run), instead of failing at the first.
COLLECT = bool(os.environ.get("TMEC_FUZZ_COLLECT"))


@dataclass
class Outcome:
    target: str
    args: list[str]
    exit_code: int
    seconds: float
    output: str
    crash: tuple[str, str] | None = None
    trace: str = ""

    @property
    def kind(self) -> str:
        if self.crash is not None:
            return "known crash" if self.crash in KNOWN_CRASHES else "CRASH"
        if self.seconds > MAX_SECONDS:
            return "TOO SLOW"
        if "Traceback (most recent call last)" in self.output:
            return "TRACEBACK"
        return f"exit {self.exit_code}" if self.exit_code in (0, 1, 2) else f"EXIT {self.exit_code}"


def signature(exc: BaseException) -> tuple[str, str]:
    """The exception's type and the innermost frame inside tmec's own source."""
    where = "?"
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename)
        if path.is_relative_to(SRC):
            module = ".".join(path.relative_to(SRC).with_suffix("").parts)
            where = f"{module}:{frame.name}"
    return type(exc).__name__, where


def run(target: str, args: list[str], env: dict[str, str] | None = None) -> Outcome:
    """Invoke ``tmec ARGS`` in process, with tracebacks let through, and record the outcome."""
    runner = CliRunner()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a library's warning is noise for a user, not a crash
        started = time.process_time()
        result = runner.invoke(main, args, env={"TMEC_DEBUG": "1", "COLUMNS": "100", **(env or {})})
        seconds = time.process_time() - started
    out = Outcome(target, args, result.exit_code, seconds, result.output)
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        out.crash = signature(exc)
        out.trace = "".join(traceback.format_exception(exc))
    COUNTS[target][out.kind] += 1
    SLOWEST[target] = max(SLOWEST.get(target, 0.0), seconds)
    if out.kind == "CRASH" and out.crash is not None:
        NEW_CRASHES.setdefault(out.crash, f"tmec {' '.join(args)}\n{out.trace}")
    return out


def check(out: Outcome, data: bytes | str = b"") -> None:
    """Fail on a traceback, an exit status other than 0/1/2, a run over MAX_SECONDS, an unknown crash."""
    if out.kind.startswith("exit") or out.kind == "known crash":
        return
    shown = data[:400]
    if out.kind == "TOO SLOW":
        SLOW_INPUTS.append(f"{out.seconds:.1f} s `tmec {' '.join(out.args)}`: {shown!r}")
    if COLLECT:
        return
    raise AssertionError(
        f"{out.kind} in `tmec {' '.join(out.args)}` ({out.seconds:.2f} s)\n"
        f"input (first 400 bytes): {shown!r}\n{out.trace or out.output[-2000:]}"
    )
