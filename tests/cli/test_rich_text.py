"""User text printed through Rich comes out as it was given: brackets are not markup (Rich reads
``[lower case ...]`` as a style and drops it), ``:cd:`` is not an emoji, ``[/]`` is not an error
(descriptions, suppliers, part numbers, file names)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tmec.cli import main
from tmec.cli._common import console

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ODD = "steel [coil] grade [A]"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TMEC_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TMEC_DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path


def tmec(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.output


def test_the_shared_console_prints_text_as_it_is(capsys: pytest.CaptureFixture[str]) -> None:
    console.print(f"{ODD} :cd: a [/] b [bold]c[/bold]", highlight=False, soft_wrap=True)
    assert capsys.readouterr().out == f"{ODD} :cd: a [/] b [bold]c[/bold]\n"


def test_a_case_with_brackets_in_its_descriptions_prints_intact(home: Path) -> None:
    case = yaml.safe_load((EXAMPLES / "bearing.yaml").read_text(encoding="utf-8"))
    case["id"] = "[lot 7]"
    case["good"]["description"] = ODD
    case["materials"][0]["id"] = "RINGS [lot 2]"  # in the table and in the explanation's steps
    path = home / "case.yaml"
    path.write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    out = tmec("qualify", str(path))
    assert f"[lot 7]: {ODD} (8482.10)" in out
    why = out[out.index("\nWhy\n") :]
    assert "RINGS [lot 2]" in why and "RINGS [lot 2]" in out[: len(out) - len(why)]


def test_the_requests_table_prints_suppliers_and_parts_intact(home: Path) -> None:
    case = yaml.safe_load((EXAMPLES / "stamped_body_part.yaml").read_text(encoding="utf-8"))
    coil = next(m for m in case["materials"] if m["id"] == "COIL")  # of unknown origin: to ask about
    coil.update(id="COIL [galv 0.8 mm]", supplier="Lakeshore [steel] :cd:")
    path = home / "case.yaml"
    path.write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    out = tmec("statements", "requests", str(path))
    assert "Lakeshore [steel] :cd:" in out and "COIL [galv 0.8 mm]" in out, out


def test_a_withdrawal_prints_the_supplier_and_part_intact(home: Path) -> None:
    path = home / "st.yaml"
    path.write_text(
        "statements:\n  - {kind: origin, supplier: 'Lakeshore [steel]', part: 'COIL [galv 0.8 mm]', "
        "hs: '7210.49', origin: originating, valid_from: 2025-01-01, valid_to: 2025-12-31, "
        "signed_by: 'J. [jo] Smith'}\n",
        encoding="utf-8",
    )
    (sid,) = json.loads(tmec("statements", "import", str(path), "--json"))["ids"]
    listed = tmec("statements", "list", "--date", "2025-03-03")
    assert "Lakeshore [steel]" in listed and "COIL [galv 0.8 mm]" in listed, listed
    out = tmec("statements", "withdraw", sid, "--date", "2025-03-03")
    assert f"{sid} withdrawn from 2025-03-03 (Lakeshore [steel], COIL [galv 0.8 mm])" in out, out
