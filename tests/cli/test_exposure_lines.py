"""``tmec exposure``: the "entry lines" column counts entry lines, not duty lines; and tmec runs
without pandas (not a dependency: nothing imports it outside the Spark extra)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tmec.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def entries(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("x") / "entries.csv"
    assert CliRunner().invoke(main, ["generate", "entries", str(path), "--lines", "200"]).exit_code == 0
    return path


def test_every_breakdown_counts_each_entry_line_once(entries: Path) -> None:
    data = json.loads(CliRunner().invoke(main, ["exposure", str(entries), "--json"]).output)
    assert data["lines"] == 200
    for group in ("month", "chapter", "origin", "flow"):
        rows = data["by"][group]
        assert sum(int(r["entry_lines"]) for r in rows) == 200, group
        assert sum(int(r["duty_lines"]) for r in rows) > 200  # several measures a line: not what is shown
    for r in data["by"]["measure"]:  # a measure applies once to an entry line
        assert r["entry_lines"] == r["duty_lines"]


def test_the_table_shows_entry_lines(entries: Path) -> None:
    out = CliRunner().invoke(main, ["exposure", str(entries), "--by", "origin"]).output
    assert "entry lines" in out
    counts = [int(line.split("│")[2].replace(",", "")) for line in out.splitlines() if line.count("│") == 4]
    assert sum(counts) == 200


def test_no_pandas_needed(entries: Path, tmp_path: Path) -> None:
    blocked = (  # a finder that says pandas is not installed, as in an environment without it
        "import sys\n"
        "class NoPandas:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'pandas': raise ModuleNotFoundError(name)\n"
        "sys.meta_path.insert(0, NoPandas())\n"
        "from tmec.cli import main; main(prog_name='tmec')"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "TMEC_HOME": str(tmp_path / "home")}
    for args in (
        ["exposure", str(entries), "--json"],
        ["generate", "portfolio", str(tmp_path / "bom"), "--goods", "2"],
        ["portfolio", "qualify", str(tmp_path / "bom"), "--date", "2025-06-01", "--json"],
        ["qualify", str(ROOT / "examples" / "bearing.yaml")],
    ):
        proc = subprocess.run([sys.executable, "-c", blocked, *args], capture_output=True, text=True,
                              env=env, timeout=120, check=False)  # fmt: skip
        assert proc.returncode in (0, 1), (args, proc.stderr[-2000:])
