"""No silent misreading, no traceback: amounts, dates, limits and empty bills of materials (issue 11
items 1 and 8; issue 12 item 3, the number limits).  Each case failed on main before the fix."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
import yaml
from click.testing import CliRunner

from tmec.cli import main
from tmec.core.errors import InputError
from tmec.law import load_yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
DUTY = ["duty", "--hts", "7208.39.00", "--origin", "MX", "--date", "2025-06-04", "--json"]
CASE = {
    "date": "2024-01-10",
    "good": {"hs": "8482.10"},
    "rule": {"rvc": {"transaction_value": 60}},
    "valuation": {"transaction_value": "10.00"},
    "materials": [{"id": "RINGS", "hs": "8482.99", "origin": "non_originating", "value": "3.60"}],
}


def invoke(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def bad_input(result: Any, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output, result.output


def write(tmp_path: Path, data: Any, name: str = "case.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data) if name.endswith(".yaml") else json.dumps(data), encoding="utf-8")
    return path


# -- item 1: decimal commas --------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1.234,56", "1234,56", "3,60", "1,23,456"])
def test_duty_value_with_a_decimal_comma_is_refused(value: str) -> None:
    bad_input(invoke(*DUTY, "--value", value), "--value", f"found '{value}'")


@pytest.mark.parametrize(("value", "locale"), [("1,234.56", None), ("1.234,56", "de"), ("1 234,56", "fr")])
def test_duty_value_in_its_locale(value: str, locale: str | None) -> None:
    result = invoke(*DUTY, "--value", value, *(["--locale", locale] if locale else []))
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["entry"]["value"] == "1234.56"


def test_an_unknown_locale_is_bad_input() -> None:
    bad_input(invoke(*DUTY, "--value", "1", "--locale", "xx-YY"), "--locale")


def test_a_case_transaction_value_with_a_decimal_comma(tmp_path: Path) -> None:
    data = {**CASE, "valuation": {"transaction_value": "4,20"}}
    bad_input(invoke("qualify", str(write(tmp_path, data))), "valuation.transaction_value", "found '4,20'")
    german = invoke("qualify", str(write(tmp_path, {**data, "locale": "de"})), "--json")
    assert json.loads(german.output)["rvc"]["transaction_value"]["transaction_value"] == "4.20"
    flag = invoke("qualify", str(write(tmp_path, data)), "--json", "--locale", "de")
    assert json.loads(flag.output)["rvc"]["transaction_value"]["transaction_value"] == "4.20"


def _good_file(tmp_path: Path, **extra: Any) -> Path:
    good = {k: v for k, v in CASE.items() if k != "materials"} | extra
    return write(tmp_path, good, "good.yaml")


def test_a_bom_spreadsheet_cell_with_a_decimal_comma(tmp_path: Path) -> None:
    bom = tmp_path / "bom.csv"
    bom.write_text('id,hs,origin,value\nRINGS,8482.99,non_originating,"3,60"\n', encoding="utf-8")
    bad_input(
        invoke("qualify", "--bom", str(bom), "--good", str(_good_file(tmp_path))), "bom.csv:2", "'3,60'"
    )
    german = invoke("qualify", "--bom", str(bom), "--good", str(_good_file(tmp_path, locale="de")), "--json")
    assert json.loads(german.output)["rvc"]["transaction_value"]["vnm"] == "3.60", german.output


def test_an_xlsx_bom_text_cell_and_a_formula_float(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "hs", "origin", "value"])
    sheet.append(["RINGS", "8482.99", "non_originating", "3,60"])
    path = tmp_path / "bom.xlsx"
    book.save(path)
    bad_input(invoke("qualify", "--bom", str(path), "--good", str(_good_file(tmp_path))), "bom.xlsx:2")
    sheet["D2"] = 0.1 * 3 + 3.3  # 3.5999999999999996 in binary; a spreadsheet shows 3.6
    book.save(path)
    result = invoke("qualify", "--bom", str(path), "--good", str(_good_file(tmp_path)), "--json")
    assert json.loads(result.output)["rvc"]["transaction_value"]["vnm"] == "3.6", result.output


# -- item 8: crashes --------------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["2023-02-29", "0000-00-00"])
def test_an_invalid_unquoted_date_in_a_case(tmp_path: Path, day: str) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(CASE).replace("'2024-01-10'", day), encoding="utf-8")
    assert day in path.read_text(encoding="utf-8")
    bad_input(invoke("qualify", str(path)), "case.yaml")


def test_an_invalid_date_in_a_certifier_file(tmp_path: Path) -> None:
    path = tmp_path / "certifier.yaml"
    text = (EXAMPLES / "certifier.yaml").read_text(encoding="utf-8") + "\nvalid_until: 2023-02-29\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"certifier\.yaml"):
        load_yaml(path)


@pytest.mark.parametrize("name", ["case.yaml", "case.json"])
def test_an_integer_of_5000_digits(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    huge = "9" * 5000
    text = json.dumps(CASE) if name.endswith(".json") else yaml.safe_dump(CASE)
    path.write_text(text.replace('"3.60"' if name.endswith(".json") else "'3.60'", huge), encoding="utf-8")
    assert huge in path.read_text(encoding="utf-8")
    bad_input(invoke("qualify", str(path)), name)


@pytest.mark.parametrize("value", ["1e999999999", "1e27", "1E+400", "9" * 400])
def test_huge_amounts_everywhere_are_refused_at_once(tmp_path: Path, value: str) -> None:
    started = time.perf_counter()
    bad_input(invoke(*DUTY, "--value", value), "--value")
    data = {**CASE, "materials": [{**CASE["materials"][0], "value": value}]}
    bad_input(invoke("qualify", str(write(tmp_path, data))), "materials[0].value")
    assert time.perf_counter() - started < 5  # well under a second each; generous for a loaded machine


@pytest.mark.parametrize("threshold", ["1e400", "1e-400", "1e999999999"])
def test_a_ratio_past_its_limit(tmp_path: Path, threshold: str) -> None:
    data = {**CASE, "rule": {"rvc": {"transaction_value": threshold}}}
    bad_input(invoke("qualify", str(write(tmp_path, data))), "rule")


def test_a_plant_engine_count_of_1e999999999(tmp_path: Path) -> None:
    text = (EXAMPLES / "heavy_truck_mx.yaml").read_text(encoding="utf-8")
    path = tmp_path / "truck.yaml"
    path.write_text(text.replace("engines: 60000", 'engines: "1e999999999"'), encoding="utf-8")
    started = time.perf_counter()
    bad_input(invoke("qualify", str(path)), "engines", "count below 1,000,000,000")
    assert time.perf_counter() - started < 5


def test_non_utf8_entries_scenario_and_rules(tmp_path: Path) -> None:
    entries = tmp_path / "entries.csv"
    entries.write_bytes(b"entry_date,hts,origin,value\n2025-06-04,7208.39.00,MX,1\xff\n")
    bad_input(invoke("duty", "--entries", str(entries)), "entries.csv", "UTF-8")
    good = tmp_path / "good.csv"
    good.write_text("entry_date,hts,origin,value\n2025-06-04,7208.39.00,MX,100\n", encoding="utf-8")
    scenario = tmp_path / "scenario.yaml"
    scenario.write_bytes(b"name: \xff\n")
    bad_input(invoke("exposure", str(good), "--scenario", str(scenario)), "scenario.yaml")
    rules = tmp_path / "rules.yaml"
    rules.write_bytes(b"- hs: '8708'\n  rule: \xfe\n")
    with pytest.raises(InputError, match=r"rules\.yaml.*UTF-8"):
        load_yaml(rules)


# -- item 8: wrong answers ------------------------------------------------------------------------


def _chain_bom(tmp_path: Path, levels: int) -> Path:
    rows = ["id,hs,origin,value,parent,self_produced"]
    for k in range(1, levels):
        rows.append(f"L{k},7326.90,,,{f'L{k - 1}' if k > 1 else ''},true")
    rows.append(f"L{levels},7208.39,non_originating,1.00,L{levels - 1},")
    path = tmp_path / f"chain{levels}.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("levels", [33, 40, 99])
def test_a_deep_bom_chain_is_not_a_cycle(tmp_path: Path, levels: int) -> None:
    good = write(
        tmp_path,
        {"date": "2025-06-04", "good": {"hs": "7326.90"}, "valuation": {"transaction_value": "100"}},
        "good.yaml",
    )
    result = invoke("qualify", "--bom", str(_chain_bom(tmp_path, levels)), "--good", str(good), "--json")
    assert result.exit_code in (0, 1), result.output
    assert "cycle" not in result.output


def test_a_bom_past_the_depth_limit_is_too_deep_not_a_cycle(tmp_path: Path) -> None:
    good = write(
        tmp_path,
        {"date": "2025-06-04", "good": {"hs": "7326.90"}, "valuation": {"transaction_value": "100"}},
        "good.yaml",
    )
    result = invoke("qualify", "--bom", str(_chain_bom(tmp_path, 102)), "--good", str(good))
    bad_input(result, "too deep", "TMEC_MAX_MATERIAL_DEPTH")
    assert "cycle" not in result.output


def test_a_real_cycle_of_parent_links_is_named(tmp_path: Path) -> None:
    bom = tmp_path / "bom.csv"
    bom.write_text(
        "id,hs,origin,value,parent\nA,7326.90,,1,B\nB,7326.90,,1,A\nC,7208.39,non_originating,1,\n"
    )
    good = write(
        tmp_path,
        {"date": "2025-06-04", "good": {"hs": "7326.90"}, "valuation": {"transaction_value": "100"}},
        "good.yaml",
    )
    bad_input(invoke("qualify", "--bom", str(bom), "--good", str(good)), "cycle")


def test_an_empty_bill_of_materials_does_not_qualify(tmp_path: Path) -> None:
    data = {**CASE, "materials": []}
    bad_input(invoke("qualify", str(write(tmp_path, data))), "lists no materials")
    bom = tmp_path / "empty.csv"
    bom.write_text("id,hs,origin,value\n", encoding="utf-8")
    bad_input(invoke("qualify", "--bom", str(bom), "--good", str(_good_file(tmp_path))), "lists no materials")


def test_a_wholly_obtained_good_with_its_basis(tmp_path: Path) -> None:
    data = {"date": "2024-01-10", "good": {"hs": "2601.11", "wholly_obtained": "A"}, "materials": []}
    result = invoke("qualify", str(write(tmp_path, data)), "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["criterion"] == "A"
    assert any("4531(a)(4)(A)" in step["result"] for step in out["explanation"])
    claim = {**data, "good": {"hs": "2601.11", "wholly_obtained": True}}
    bad_input(invoke("qualify", str(write(tmp_path, claim))), "lists no materials")
    bad_input(
        invoke("qualify", str(write(tmp_path, {**data, "good": {"hs": "2601.11", "wholly_obtained": "Z"}}))),
        "4531(a)(4)",
    )
