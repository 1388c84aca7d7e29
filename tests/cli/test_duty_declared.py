"""`tmec duty` and `tmec exposure` with several declared facts (``--metals-relief`` repeated or
``;``-separated, the entries' ``metals_relief`` column): priced with all of them, exclusive ones refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tmec.cli import main

LINE = ("duty", "--hts", "8511.40.00.00", "--origin", "CN", "--value", "1000", "--date", "2026-03-02")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TMEC_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.mark.parametrize(
    "facts",
    [
        ("--metals-relief", "vehicle_part", "--metals-relief", "s301_exclusion"),
        ("--metals-relief", "s301_exclusion; Vehicle_Part"),
    ],
)
def test_a_chinese_starter_motor_declared_a_vehicle_part_and_excluded(facts: tuple[str, ...]) -> None:
    code, out = run(*LINE, *facts, "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["entry"]["metals_relief"] == "s301_exclusion;vehicle_part"
    assert {ln["heading"]: ln["duty"] for ln in data["lines"]} == {
        "8511.40.0000": "25.00",
        "9903.94.05": "250.00",
        "9903.88.69": "0.00",
    }
    used = "declared facts: s301_exclusion, used by 9903.88.69; vehicle_part, used by 9903.94.05"
    assert used in data["notes"]


def test_two_exclusive_facts_exit_2_naming_the_option() -> None:
    code, out = run(*LINE, "--metals-relief", "motorcycle_parts", "--metals-relief", "equipment_parts")
    assert code == 2, out
    assert out.startswith(
        "error: --metals-relief: equipment_parts and motorcycle_parts cannot both be declared for one line: "
        "the reliefs of U.S. note 16 are mutually exclusive"
    )
    assert "Traceback" not in out


def test_an_entries_file_line_with_exclusive_facts_is_refused_by_line(tmp_path: Path) -> None:
    f = tmp_path / "entries.csv"
    f.write_text(
        "entry_date,hts,origin,value,metals_relief\n"
        "2026-03-02,8511.40.00.00,CN,1000,vehicle_part;s301_exclusion\n"
        "2026-03-02,8511.40.00.00,CN,1000,none;vehicle_part\n",
        encoding="utf-8",
    )
    code, out = run("duty", "--entries", str(f), "--json")
    assert code == 2, out
    assert f"{f}:3: metals_relief: none and vehicle_part cannot both be declared for one line" in out
    assert '"entries"' not in out  # nothing priced is printed
    out_file = tmp_path / "lines.parquet"
    code, out = run("exposure", str(f), "--lines", str(out_file))
    assert code == 2, out
    assert "entries.csv:3: metals_relief: none and vehicle_part cannot both be declared" in out
    assert not out_file.exists()
