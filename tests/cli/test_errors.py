"""The error boundary: every command ends bad input in one line and exit 2, never a traceback;
``--json`` makes the error JSON on stderr; a bug is exit 3 with one line (``TMEC_DEBUG=1`` shows it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tmec.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


@pytest.fixture(scope="module")
def entries(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("entries") / "entries.csv"
    assert run("generate", "entries", str(path), "--lines", "20").exit_code == 0
    return path


def one_error_line(result: Result, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_missing_scenario_is_one_line_naming_it(entries: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    line = one_error_line(run("exposure", str(entries), "--scenario", str(missing)))
    assert line.startswith("error: ") and str(missing) in line and "No such file" in line


def test_unusable_out_path_is_refused_before_any_work(tmp_path: Path) -> None:
    bom = tmp_path / "bom"
    assert run("generate", "portfolio", str(bom), "--goods", "2").exit_code == 0
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    line = one_error_line(
        run("portfolio", "qualify", str(bom), "--date", "2025-06-01", "--out", str(blocker / "r.parquet"))
    )
    assert "--out" in line and "not a directory" in line
    assert not (bom / "qualification.parquet").exists()
    assert blocker.read_text() == "x"


def test_unwritable_lines_file_is_refused(entries: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "f"
    blocker.write_text("")
    line = one_error_line(run("exposure", str(entries), "--lines", str(blocker / "lines.csv")))
    assert "--lines" in line


def test_json_errors_are_json_on_stderr_with_the_same_message(entries: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    people = one_error_line(run("exposure", str(entries), "--scenario", str(missing)))
    result = run("exposure", str(entries), "--scenario", str(missing), "--json")
    assert result.exit_code == 2 and result.stdout == ""
    error = json.loads(result.stderr)["error"]
    assert people == f"error: {error['message']}"
    assert error["source"] == str(missing) and error["exit"] == 2 and error["kind"] == "input"


def test_json_errors_name_the_field() -> None:
    result = run("duty", "--hts", "7208.39.00", "--origin", "MX", "--value", "abc", "--date", "2025-06-01",
                 "--json")  # fmt: skip
    assert result.exit_code == 2
    error = json.loads(result.stderr)["error"]
    assert error["field"] == "--value"


def test_usage_errors_are_json_with_json() -> None:
    result = run("duty", "--json", "--no-such-option")
    assert result.exit_code == 2
    assert json.loads(result.stderr)["error"]["kind"] == "usage"


def test_an_internal_error_is_exit_3_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import tmec.cli.duty

    def broken() -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(tmec.cli.duty, "default_tables", broken)
    args = ("duty", "--hts", "7208.39.00", "--origin", "MX", "--value", "100", "--date", "2025-06-01")
    monkeypatch.delenv("TMEC_DEBUG", raising=False)
    line = one_error_line(run(*args), code=3)
    assert line.startswith("internal error: RuntimeError: boom") and "TMEC_DEBUG=1" in line
    debug = run(*args, env={"TMEC_DEBUG": "1"})
    assert isinstance(debug.exception, RuntimeError)


def test_no_traceback_in_a_real_process(entries: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("TMEC_DEBUG", None)
    proc = subprocess.run(
        [sys.executable, "-c", "from tmec.cli import main; main(prog_name='tmec')",
         "exposure", str(entries), "--scenario", str(tmp_path / "nope.yaml")],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_a_non_utf8_entry_file_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "entries.csv"
    path.write_bytes(
        b"entry_date,hts,origin,value\n2025-06-01,7208.39.00,MX,100\n2025-06-01,7208.39.00,M\xc9X,1\n"
    )
    line = one_error_line(run("duty", "--entries", str(path)))
    assert f"{path}:3" in line and "UTF-8" in line
