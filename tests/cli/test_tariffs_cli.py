"""`tmec duty`, `tmec measures show`, `tmec tariff import`, `tmec impact`: contracts and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tmec.cli import main


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TMEC_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_duty_json_contract() -> None:
    code, out = run(
        "duty",
        "--hts",
        "7326.90.86",
        "--origin",
        "MX",
        "--value",
        "100000",
        "--date",
        "2025-06-10",
        "--steel-value",
        "40000",
        "--json",
    )
    assert code == 0, out
    data = json.loads(out)
    assert data["total_duty"] == "37900.00"  # 2.9 % MFN + 50 % of 40,000 + 25 % of 60,000
    assert data["effective_rate"] == "37.9000"
    for line in data["lines"]:
        assert {"measure", "heading", "rate", "base", "duty", "reference"} <= set(line)
    assert [line["heading"] for line in data["lines"]] == ["7326.90.86", "9903.81.90", "9903.01.01"]


def test_duty_human_output_lists_lines_and_total() -> None:
    code, out = run(
        "duty",
        "--hts",
        "8703.23.01",
        "--origin",
        "MX",
        "--value",
        "30000",
        "--date",
        "2025-05-01",
        "--usmca",
        "--non-us-content",
        "12000",
    )
    assert code == 0, out
    assert "9903.94.03" in out and "total duty 3000.00" in out


def test_duty_splits_a_usmca_loader_by_its_us_parts() -> None:
    """U.S. note 16(j): --us-parts-value; above 40 % of the value, the 15 % minimum holds."""
    args = ("duty", "--hts", "8429.51.10", "--origin", "CA", "--value", "100000", "--date", "2026-06-10")
    facts = ("--usmca", "--metals-relief", "none", "--weight-kg", "100", "--metal-weight-kg", "80")
    code, out = run(*args, *facts, "--us-parts-value", "50000", "--json")
    assert code == 0, out
    data = json.loads(out)
    lines = {ln["heading"]: (ln["base"], ln["duty"]) for ln in data["lines"]}
    assert lines["9903.82.20"] == ("60000", "15000.00") and lines["9903.82.21"] == ("40000", "0.00")
    assert data["entry"]["us_parts_value"] == "50000"
    code, out = run(*args, *facts, "--us-parts-value", "150000")
    assert code == 2 and "--us-parts-value" in out


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--hts", "9999.99.99"], "--hts"),
        (["--hts", "9903.01.01"], "--hts"),
        (["--hts", "72O8.39.00"], "--hts"),
        (["--origin", "ZZ"], "--origin"),
        (["--value", "-5"], "--value"),
        (["--steel-value", "200000"], "--steel-value"),
        (["--date", "2016-01-01"], "--date"),
        (["--date", "yesterday"], "--date"),
        (["--origin", "JP", "--usmca"], "--usmca"),
        (["--melted-poured", "Atlantis"], "--melted-poured"),
    ],
)
def test_duty_bad_input_exits_2_naming_the_field(args: list[str], field: str) -> None:
    base = {"--hts": "7208.39.00", "--origin": "MX", "--value": "100000", "--date": "2025-06-10"}
    flags = [a for a in args if a == "--usmca"]
    pairs = dict(zip(args[::2], args[1::2], strict=False)) if not flags else {"--origin": "JP"}
    merged = {**base, **pairs}
    code, out = run("duty", *[x for kv in merged.items() for x in kv], *flags)
    assert code == 2, out
    assert field in out
    assert "Traceback" not in out


def test_duty_entries_file(tmp_path: Path) -> None:
    f = tmp_path / "entries.csv"
    f.write_text(
        "line,entry_date,hts,origin,value,usmca,steel_value\n"
        "1,2025-04-15,7208.39.00,MX,100000,no,\n"
        "2,2025-06-10,7208.39.00,MX,100000,no,\n"
        "3,2025-06-01,8708.29.25,MX,1000,yes,\n",
        encoding="utf-8",
    )
    code, out = run("duty", "--entries", str(f), "--json")
    assert code == 0, out
    data = json.loads(out)
    assert [e["total_duty"] for e in data["entries"]] == ["25000.00", "50000.00", "0.00"]
    assert data["total_duty"] == "75000.00"


def test_duty_entries_file_bad_line_names_file_line_and_column(tmp_path: Path) -> None:
    f = tmp_path / "entries.csv"
    f.write_text(
        "entry_date,hts,origin,value\n2025-04-15,7208.39.00,MX,100000\n2025-04-15,7208.39.00,MX,abc\n"
    )
    code, out = run("duty", "--entries", str(f))
    assert code == 2
    assert f"{f}:3" in out and "value" in out


def test_measures_show_lists_what_is_in_force() -> None:
    code, out = run("measures", "show", "--date", "2025-06-10", "--origin", "MX", "--json")
    assert code == 0, out
    data = json.loads(out)
    ids = {m["id"] for m in data["measures"]}
    assert {"s232_steel_articles_50", "ieepa_mx", "s232_autos_vehicle"} <= ids
    assert "ieepa_ca_35" not in ids and "s122" not in ids
    assert any(m["unverified"] for m in data["measures"])
    code, out = run("measures", "show", "--date", "2025-06-10", "--origin", "MX")
    assert code == 0 and "9903.81.87" in out
    code, out = run(
        "measures", "show", "--date", "2025-06-10", "--origin", "MX", "--hts", "7208.39.00", "--json"
    )
    # Mexico's goods: no reciprocal duty (9903.01.27), listed as the exemption in force
    assert {m["program"] for m in json.loads(out)["measures"]} == {"s232_steel", "ieepa", "ieepa_reciprocal"}
    code, out = run("measures", "show", "--origin", "Narnia")
    assert code == 2 and "--origin" in out


def test_tariff_import_stores_atomically_and_duty_prefers_it(tmp_path: Path, home: Path) -> None:
    src = tmp_path / "hts.json"
    src.write_text(
        json.dumps(
            [
                {
                    "htsno": "7208.39.00",
                    "description": "HRC",
                    "general": "3%",
                    "special": "Free (S)",
                    "other": "20%",
                },
                {
                    "htsno": "8517.13.00",
                    "description": "Smartphones",
                    "general": "Free",
                    "special": "",
                    "other": "35%",
                },
            ]
        ),
        encoding="utf-8",
    )
    code, out = run("tariff", "import", str(src), "--valid-from", "2018-01-01", "--json")
    assert code == 0, out
    stored = Path(json.loads(out)["stored"])
    assert stored.parent.parent == home and stored.is_file()
    assert not list(stored.parent.glob(".schedule-*"))  # no temp file left
    code, out = run(
        "duty", "--hts", "8517.13.00", "--origin", "CA", "--value", "1000", "--date", "2026-03-01", "--json"
    )
    assert code == 0, out
    assert json.loads(out)["total_duty"] == "100.00"  # imported line + Section 122
    code, out = run(
        "duty", "--hts", "7208.39.00", "--origin", "CA", "--value", "100", "--date", "2019-06-01", "--json"
    )
    assert json.loads(out)["lines"][0]["rate"] == "3"  # the imported rate wins over the bundled Free


def test_failed_import_leaves_the_previous_one(tmp_path: Path, home: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps([{"htsno": "8517.13.00", "general": "Free", "special": "", "other": "35%"}]))
    assert run("tariff", "import", str(good))[0] == 0
    before = (home / "tariffs" / "schedule.csv").read_text()
    bad = tmp_path / "bad.json"
    bad.write_text("[{not json")
    code, out = run("tariff", "import", str(bad))
    assert code == 2 and "bad.json" in out
    assert (home / "tariffs" / "schedule.csv").read_text() == before


# Mexican steel exports to the US, 0 % -> 25 %, Em -1.5 (spec tariffs.md §4.1 E1)
MX_STEEL = ("impact", "--flow", "8.106e9", "--from-rate", "0", "--to-rate", "25", "--em", "-1.5")


def test_impact_json_contract_and_chart(tmp_path: Path) -> None:
    chart = tmp_path / "loss.svg"
    code, out = run(
        *MX_STEEL,
        "--model",
        "smart",
        "--chart",
        str(chart),
        "--json",
    )
    assert code == 0, out
    data = json.loads(out)
    assert {
        "model",
        "trade_change",
        "tariff_revenue_before",
        "tariff_revenue_after",
        "welfare",
        "assumptions",
    } <= set(data)
    assert data["model"] == "smart" and data["trade_change"] == "-3039750000"
    assert len(data["sensitivity"]) == 11
    assert chart.read_text().startswith("<svg")


def test_impact_with_partners_diverts_trade(tmp_path: Path) -> None:
    f = tmp_path / "partners.csv"
    f.write_text("partner,flow,from_rate,to_rate\nROW,20e9,25,25\n")
    code, out = run(
        *MX_STEEL,
        "--es",
        "3",
        "--partners",
        str(f),
        "--json",
    )
    assert code == 0, out
    data = json.loads(out)
    assert data["model"] == "ces"
    assert data["trade_change"].startswith("-3658")
    assert data["partners"][0]["trade_change"].startswith("1433")


def test_impact_scenario_reproduces_the_3_2_bn_order_of_magnitude() -> None:
    code, out = run("impact", "--scenario", "mx-steel-2025", "--model", "smart", "--json")
    assert code == 0, out
    data = json.loads(out)
    loss = -int(data["trade_change"])
    assert 2_000_000_000 < loss < 4_000_000_000
    assert data["scenario"]["implied_em"]["smart"] == "-1.58"
    assert data["scenario"]["assumptions"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--flow", "-1", "--from-rate", "0", "--to-rate", "25"], "--flow"),
        (["--flow", "1e9", "--from-rate", "0", "--to-rate", "x"], "--to-rate"),
        (["--flow", "1e9", "--from-rate", "0", "--to-rate", "25", "--em", "1.5"], "--em"),
        (["--flow", "1e9", "--to-rate", "25"], "--from-rate"),
        (["--scenario", "nope"], "--scenario"),
        (["--flow", "1e9", "--from-rate", "0", "--to-rate", "25", "--es", "1e9"], "--es"),
        (["--flow", "1e9", "--from-rate", "0", "--to-rate", "25", "--em", "-1e9", "--model", "ces"], "--em"),
        (["--flow", "1e9", "--from-rate", "0", "--to-rate", "25", "--date", "2025-13-01"], "--date"),
    ],
)
def test_impact_bad_input_exits_2(args: list[str], field: str) -> None:
    code, out = run("impact", *args)
    assert code == 2, out
    assert field in out


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("x\n", "p.csv:1"),
        ("partner,flow,from_rate,to_rate\n", "p.csv:1"),
        ("partner,flow,from_rate,to_rate\nCA,abc,0,25\n", "p.csv:2: flow"),
    ],
)
def test_impact_partners_file_bad_input(tmp_path: Path, text: str, where: str) -> None:
    partners = tmp_path / "p.csv"
    partners.write_text(text)
    code, out = run(
        "impact", "--flow", "1000", "--from-rate", "0", "--to-rate", "25", "--partners", str(partners)
    )
    assert code == 2, out
    assert where in out
