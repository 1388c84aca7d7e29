"""Readable when piped and at 80 columns: numbers whole, words whole, wide tables as records;
``--format csv|json`` where a table is the output; the demo prints no Python reprs."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from tmec.cli import main
from tmec.cli._table import Column, show_table

ROOT = Path(__file__).resolve().parents[2]


def tmec_piped(*args: str, columns: int = 80) -> str:
    """A real process on a pipe at a given width: what a user sees in `tmec ... | less`."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COLUMNS": str(columns)}
    proc = subprocess.run([sys.executable, "-c", "from tmec.cli import main; main(prog_name='tmec')", *args],
                          capture_output=True, text=True, env=env, timeout=120, check=False)  # fmt: skip
    assert proc.returncode in (0, 1), proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def entries(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("r") / "entries.csv"
    assert (
        CliRunner()
        .invoke(main, ["generate", "entries", str(path), "--lines", "300", "--seed", "3"])
        .exit_code
        == 0
    )
    return path


def test_exposure_amounts_are_whole_at_80_columns(entries: Path) -> None:
    data = json.loads(
        CliRunner().invoke(main, ["exposure", str(entries), "--json", "--by", "measure"]).output
    )
    out = tmec_piped("exposure", str(entries), "--by", "measure")
    assert "…" not in out
    assert all(len(line) <= 80 for line in out.splitlines() if "│" in line)
    for row in data["by"]["measure"]:
        assert f"{Decimal(row['duty']):,.2f}" in out


def test_measures_show_at_80_columns_breaks_no_word() -> None:
    data = json.loads(CliRunner().invoke(main, ["measures", "show", "--date", "2025-06-01", "--json"]).output)
    out = tmec_piped("measures", "show", "--date", "2025-06-01")
    assert "…" not in out and all(len(line) <= 80 for line in out.splitlines())
    words = set(re.findall(r"\S+", out))
    for m in data["measures"]:
        for word in m["measure"].split():
            assert word in words, word  # whole, as in "program" and never "progra m"
        assert m["program"] in words and str(m["heading"]) in words


def test_a_narrow_table_switches_to_records_and_a_wide_one_fits() -> None:
    cols = [Column("name"), Column("amount", numeric=True)]
    rows = [["a long name of a measure with many words", "525,362,123.45"]]
    narrow = Console(width=30, file=io.StringIO(), force_terminal=False)
    show_table(cols, rows, out=narrow)
    text = narrow.file.getvalue()  # type: ignore[attr-defined]
    assert "525,362,123.45" in text and "measure" in text.split()
    records = Console(width=16, file=io.StringIO(), force_terminal=False)
    show_table(cols, rows, out=records)
    text = records.file.getvalue()  # type: ignore[attr-defined]
    assert "amount  525,362,123.45" in text and "┃" not in text


@pytest.mark.parametrize(
    "args",
    [
        ["measures", "show", "--date", "2025-06-01", "--origin", "MX"],
        ["rules", "list", "--chapter", "73"],
        ["duty", "--hts", "7208.39.00", "--origin", "MX", "--value", "525362.77", "--date", "2025-06-01"],
    ],
)
def test_format_csv_and_json_give_the_same_rows(args: list[str]) -> None:
    as_csv = list(csv.DictReader(io.StringIO(CliRunner().invoke(main, [*args, "--format", "csv"]).output)))
    as_json = json.loads(CliRunner().invoke(main, [*args, "--format", "json"]).output)
    assert as_csv and as_csv == as_json


def test_exposure_format_csv(entries: Path) -> None:
    out = CliRunner().invoke(main, ["exposure", str(entries), "--by", "origin", "--format", "csv"]).output
    rows = list(csv.DictReader(io.StringIO(out)))
    assert sum(int(r["entry lines"].replace(",", "")) for r in rows) == 300


def test_the_demo_prints_no_python_lists() -> None:
    """Its JSON one-liners join lists and say yes or no (run on the outputs they read)."""
    demo = (ROOT / "scripts" / "demo.sh").read_text(encoding="utf-8")
    for snippet in re.findall(r"python -c \\\n\s+\"(import json[^\"]+)\"", demo):
        for case in ("pickup_mx_regular_cab.yaml", "heavy_truck_mx.yaml"):
            if "failed" not in snippet:
                continue
            data = CliRunner().invoke(main, ["qualify", str(ROOT / "examples" / case), "--json"]).output
            proc = subprocess.run([sys.executable, "-c", snippet], input=data, capture_output=True, text=True,
                                  check=False)  # fmt: skip
            assert "[" not in proc.stdout and "True" not in proc.stdout and "False" not in proc.stdout, (
                proc.stdout
            )
