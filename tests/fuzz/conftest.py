"""Fixtures of the fuzz harness (real inputs to damage) and its report.

``TMEC_FUZZ_EXAMPLES`` sets the examples per target (default 6: about a minute for the whole
harness in `make test`); ``TMEC_FUZZ_REPORT=FILE`` writes the counts by outcome as Markdown
(`make fuzz` writes FUZZING.md).
"""

from __future__ import annotations

import os
import platform
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, settings

from tests.fuzz import harness
from tmec.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
EXAMPLES_PER_TARGET = int(os.environ.get("TMEC_FUZZ_EXAMPLES", "6"))
STARTED = time.time()

fuzz_settings = settings(
    max_examples=EXAMPLES_PER_TARGET,
    deadline=None,
    derandomize=os.environ.get("TMEC_FUZZ_RANDOM") is None,  # CI: the same inputs every run
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the failure shows the input as it is
    suppress_health_check=list(HealthCheck),
)
# Portfolio runs cost seconds each (the engine's set-up): a third of the examples.
slow_fuzz_settings = settings(fuzz_settings, max_examples=max(1, EXAMPLES_PER_TARGET // 3))


class Workspace:
    """A store with a certificate, entry files and a portfolio: the valid inputs to damage."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"
        self.env = {"TMEC_HOME": str(self.home), "TMEC_KEY_PASSPHRASE": "fuzz", "TMEC_DATABASE_URL": ""}

    def tmec(self, *args: str) -> None:
        result = CliRunner().invoke(main, list(args), env=self.env)
        assert result.exit_code == 0, result.output

    def build(self) -> None:
        self.tmec("init")
        self.tmec(
            "certify",
            str(EXAMPLES / "hot_rolled_coil.yaml"),
            "--certifier",
            str(EXAMPLES / "certifier.yaml"),
            "--invoice",
            "F-1",
            "--out",
            str(self.root / "cert"),
        )
        self.public_key = self.root / "issuer.pub"
        self.public_key.write_text(CliRunner().invoke(main, ["keys", "export"], env=self.env).output)
        self.entries_csv = self.root / "entries.csv"
        self.tmec("generate", "entries", str(self.entries_csv), "--lines", "12")
        self.entries_parquet = self.root / "entries.parquet"
        self.tmec("generate", "entries", str(self.entries_parquet), "--lines", "12")
        self.portfolio = self.root / "portfolio"
        self.tmec("generate", "portfolio", str(self.portfolio), "--goods", "2", "--format", "csv")

    def copy_portfolio(self, to: Path) -> Path:
        return Path(shutil.copytree(self.portfolio, to))


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = Workspace(tmp_path_factory.mktemp("fuzz"))
    ws.build()
    return ws


def pytest_sessionfinish(session: pytest.Session) -> None:
    target = os.environ.get("TMEC_FUZZ_REPORT")
    if not target or not harness.COUNTS:
        return
    kinds = sorted({k for c in harness.COUNTS.values() for k in c})
    lines = [
        "# Fuzzing: inputs tried, by outcome",
        "",
        "Written by `make fuzz` (tests/fuzz; `TMEC_FUZZ_EXAMPLES` examples per target, hypothesis "
        "derandomized unless `TMEC_FUZZ_RANDOM` is set).  A run passes with exit 0, 1 or 2, no traceback, "
        f"under {harness.MAX_SECONDS:.0f} s; *known crash* is a crash listed in tests/fuzz/harness.py "
        "(being fixed elsewhere); CRASH is a new one.",
        "",
        f"Run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(STARTED))}, {EXAMPLES_PER_TARGET} examples "
        f"per target, {time.time() - STARTED:.0f} s, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs.",
        "",
        "| target | inputs | " + " | ".join(kinds) + " | slowest s |",
        "|---|---:|" + "---:|" * len(kinds) + "---:|",
    ]
    for name in sorted(harness.COUNTS):
        c = harness.COUNTS[name]
        cells = " | ".join(str(c.get(k, 0)) for k in kinds)
        lines.append(f"| {name} | {sum(c.values())} | {cells} | {harness.SLOWEST[name]:.2f} |")
    total = sum(sum(c.values()) for c in harness.COUNTS.values())
    lines += ["", f"{total} inputs in all."]
    if harness.NEW_CRASHES:
        lines += ["", "## New crashes", ""]
        for (exc, where), trace in sorted(harness.NEW_CRASHES.items()):
            command, _, tb = trace.partition("\n")
            lines += [f"### {exc} in {where}", "", f"`{command}`", "", "```", tb.strip()[-1500:], "```", ""]
    if harness.SLOW_INPUTS:
        lines += ["", "## Runs over the time limit", "", *(f"- {x}" for x in harness.SLOW_INPUTS)]
    known = [f"- {exc} in `{where}`: {why}" for (exc, where), why in sorted(harness.KNOWN_CRASHES.items())]
    if known:
        lines += ["", "## Known crashes (tolerated by the harness until fixed)", "", *known]
    Path(target).write_text("\n".join(lines) + "\n", encoding="utf-8")
