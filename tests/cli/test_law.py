import json

from click.testing import CliRunner

from tmec.cli import main


def test_law_show_json() -> None:
    result = CliRunner().invoke(main, ["law", "show", "usmca.de_minimis", "--date", "2024-01-01", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["value"] == "10"
    assert "4531(f)" in data["reference"]


def test_law_show_unknown_parameter_exits_2() -> None:
    result = CliRunner().invoke(main, ["law", "show", "usmca.nope"])
    assert result.exit_code == 2
    assert "usmca.nope" in result.output


def test_law_show_bad_date_exits_2() -> None:
    result = CliRunner().invoke(main, ["law", "show", "usmca.de_minimis", "--date", "tomorrow"])
    assert result.exit_code == 2
    assert "--date" in result.output
