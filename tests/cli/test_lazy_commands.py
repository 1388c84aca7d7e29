"""Commands load only when run: `tmec --help` and `tmec --version` import no command module, and the
help lists every command with the summary the command itself gives (issue 18, CLI start)."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tmec.cli import COMMANDS, main

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, sys
from tmec.cli import main
try:
    main(sys.argv[1:], prog_name="tmec")
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.startswith("tmec"))), file=sys.stderr)
"""


def imported_by(*args: str) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env,
                          timeout=60, check=True)  # fmt: skip
    return set(json.loads(proc.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [["--help"], ["--version"]])
def test_help_and_version_import_no_command(args: list[str]) -> None:
    loaded = imported_by(*args)
    assert not {m for m in loaded if m.startswith("tmec.cli.") and not m.startswith("tmec.cli._")}
    assert not {
        m for m in loaded if m.split(".")[1:2] in (["origin"], ["engine"], ["certify"], ["store"], ["law"])
    }


def test_a_command_imports_only_its_own_module() -> None:
    loaded = imported_by("rules", "show", "8708.29", "--date", "2022-08-01")
    commands = {m for m in loaded if m.startswith("tmec.cli.") and not m.startswith("tmec.cli._")}
    assert commands == {"tmec.cli.rules"}
    assert "tmec.engine" not in loaded and "tmec.certify" not in loaded


def test_help_lists_every_command_with_its_own_summary() -> None:
    out = CliRunner().invoke(main, ["--help"], terminal_width=200).output
    for name in COMMANDS:
        command = importlib.import_module(f"tmec.cli.{name.replace('-', '_')}").command
        assert isinstance(command, click.Command) and command.name == name
        line = next(ln for ln in out.splitlines() if ln.split()[:1] == [name])
        assert command.get_short_help_str(200 - 6 - max(map(len, COMMANDS))) in line


def test_an_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["nosuchcommand"])
    assert result.exit_code == 2 and "No such command" in result.output
