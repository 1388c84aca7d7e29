"""``tmec qualify``: exit codes, the JSON contract, BOM import, and bad input (exit 2, one line)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from tmec.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

GOOD = {
    "format": 1,
    "id": "T-1",
    "date": "2024-01-10",
    "good": {"description": "Ball bearing", "hs": "8482.10"},
    "rule": {"rvc": {"transaction_value": 60, "net_cost": 50}},
    "valuation": {"transaction_value": "10.00"},
}
MATERIALS = [
    {"id": "RINGS", "hs": "8482.99", "origin": "non_originating", "value": "2.50"},
    {"id": "BALLS", "hs": "8482.91", "origin": "originating", "value": "1.00"},
]


def run(*args: str) -> Any:
    return CliRunner().invoke(main, ["qualify", *args])


def write_case(tmp_path: Path, data: Any, name: str = "case.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data) if name.endswith(".yaml") else json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("example", "code", "criterion"),
    [
        ("hot_rolled_coil.yaml", 0, "B"),
        ("aluminum_wheel.yaml", 0, "B"),
        ("bearing.yaml", 0, "B"),
        ("stamped_body_part.yaml", 1, None),
    ],
)
def test_examples_json(example: str, code: int, criterion: str | None) -> None:
    result = run(str(EXAMPLES / example), "--json")
    assert result.exit_code == code, result.output
    data = json.loads(result.stdout)
    assert data["originating"] is (code == 0)
    assert data["criterion"] == criterion
    assert all(step["reference"] for step in data["explanation"])


def test_people_output_names_the_verdict_and_the_law() -> None:
    result = run(str(EXAMPLES / "stamped_body_part.yaml"))
    assert result.exit_code == 1
    assert "NOT ORIGINATING" in result.stdout
    assert "origin of material COIL (7210.49" in result.stdout.replace("\n", " ")
    assert "UR s.7(3)" in result.stdout


def test_method_and_date_options(tmp_path: Path) -> None:
    path = write_case(tmp_path, {**GOOD, "materials": MATERIALS})
    data = json.loads(run(str(path), "--json", "--method", "transaction_value").stdout)
    assert data["rvc"]["net_cost"] is None
    assert data["rvc"]["transaction_value"]["value"].startswith("75")
    data = json.loads(run(str(path), "--json", "--date", "2021-02-01").stdout)
    assert data["date"] == "2021-02-01"


def test_json_case_file(tmp_path: Path) -> None:
    path = write_case(tmp_path, {**GOOD, "materials": MATERIALS}, "case.json")
    assert run(str(path), "--json").exit_code == 0


def _bom_csv(tmp_path: Path, text: str) -> tuple[Path, Path]:
    bom = tmp_path / "bom.csv"
    bom.write_text(text, encoding="utf-8")
    return bom, write_case(tmp_path, GOOD, "good.yaml")


def test_bom_csv_import_matches_the_case_file(tmp_path: Path) -> None:
    bom, good = _bom_csv(
        tmp_path,
        "id,hs,origin,value,description\nRINGS,8482.99,non_originating,2.50,Rings\nBALLS,8482.91,originating,1.00,\n",
    )
    from_bom = json.loads(run("--bom", str(bom), "--good", str(good), "--json").stdout)
    from_case = json.loads(run(str(write_case(tmp_path, {**GOOD, "materials": MATERIALS})), "--json").stdout)
    assert from_bom["rvc"] == from_case["rvc"]
    assert from_bom["values"] == from_case["values"]


def test_bom_csv_nests_self_produced_materials_by_parent(tmp_path: Path) -> None:
    bom, good = _bom_csv(
        tmp_path,
        "id,parent,hs,origin,value\n"
        "RING,,8482.99,,\n"
        "TUBE,RING,7304.51,non_originating,2.00\n"
        "BALLS,,8482.91,originating,1.00\n",
    )
    data = json.loads(run("--bom", str(bom), "--good", str(good), "--json").stdout)
    assert data["values"]["vnm_transaction_value"] == "2.00"


def test_bom_xlsx_import(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ID", "HS", "Origin", "Value"])
    sheet.append(["RINGS", "8482.99", "non_originating", 2.5])
    sheet.append(["BALLS", "8482.91", "originating", 1])
    bom = tmp_path / "bom.xlsx"
    book.save(bom)
    good = write_case(tmp_path, GOOD, "good.yaml")
    result = run("--bom", str(bom), "--good", str(good), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["values"]["vnm_transaction_value"] == "2.5"


def assert_bad_input(result: Any, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    message = result.stderr.strip()
    assert message.count("\n") == 0, message
    assert "Traceback" not in result.output
    assert result.stdout == ""
    for fragment in fragments:
        assert fragment in message, message


def test_malformed_yaml(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text("date: 2024-01-01\ngood: {hs: '8482.10'\n", encoding="utf-8")
    assert_bad_input(run(str(path)), "case.yaml:", "malformed YAML")


def test_malformed_json(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text('{"date": "2024-01-01",\n "good": }', encoding="utf-8")
    assert_bad_input(run(str(path)), "case.json:2", "malformed JSON")


def test_missing_file(tmp_path: Path) -> None:
    assert_bad_input(run(str(tmp_path / "nope.yaml")), "nope.yaml", "no such file")


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        ({"good": {"description": "no code"}}, ("good.hs", "missing required field")),
        ({"date": None}, ("date", "missing required field")),
        ({"date": "01/10/2024"}, ("date", "ISO date")),
        (
            {"materials": [{"id": "X", "hs": "8482.99", "origin": "originating"}]},
            ("materials[0].value", "missing"),
        ),
        (
            {"materials": [{"id": "X", "hs": "8482.99", "origin": "originating", "value": "-1"}]},
            ("materials[0].value", "not less than 0"),
        ),
        ({"valuation": {"transaction_value": "ten"}}, ("valuation.transaction_value", "expected a number")),
        ({"good": {"hs": "8499.10"}}, ("good.hs", "not in the HS 2022 nomenclature")),
        ({"good": {"hs": "8482.99.99.99"}}, ()),  # a 10-digit HTS code is checked on its HS-6: valid
        ({"good": {"hs": "8499.10.00.10"}}, ("good.hs", "not in the HS 2022")),
        ({"good": {"hs": "84821"}}, ("good.hs", "expected 2, 4, 6, 8 or 10 digits")),
        (
            {"materials": [{"id": "X", "hs": "8482.99", "origin": "maybe", "value": 1}]},
            ("materials[0].origin", "originating, non_originating, unknown", "'maybe'"),
        ),
        (
            {
                "materials": [
                    {"id": "X", "hs": "8482.99", "origin": "originating", "value": 1, "intermediate": True}
                ]
            },
            ("materials[0].intermediate", "self-produced"),
        ),
        ({"method": "cheapest"}, ("method", "net_cost, transaction_value")),
        (
            {"materials": [{"id": "X", "hs": "8482.99", "value": 1, "deductions": {"freight": 2}}]},
            ("materials[0].deductions", "exceed"),
        ),
        ({"rule": {"change": "headng"}}, ("rule.change",)),
        ({"good": {"hs": "8482.10", "category": "car"}}, ("good.category",)),
    ],
)
def test_bad_case_fields(tmp_path: Path, change: dict[str, Any], fragments: tuple[str, ...]) -> None:
    data = {**GOOD, "materials": MATERIALS, **change}
    result = run(str(write_case(tmp_path, data)))
    if not fragments:
        assert result.exit_code in (0, 1), result.output
        return
    assert_bad_input(result, *fragments)
    assert re.search(r"case\.yaml:\d+: ", result.stderr), result.stderr  # file and line of the field


def test_case_without_rule_outside_the_bundled_chapters(tmp_path: Path) -> None:
    # every chapter has its rules now; 8471.49 has none of its own (GN 11(o) ch. 84 chapter rule 2)
    data = {**GOOD, "good": {"hs": "8471.49"}, "materials": MATERIALS}
    del data["rule"]
    assert_bad_input(run(str(write_case(tmp_path, data))), "no rule of its own for 8471.49", "chapter rule 2")


def test_intermediate_proviso_one_rvc_layer(tmp_path: Path) -> None:
    inner = {
        "id": "INNER",
        "hs": "8482.99",
        "self_produced": True,
        "intermediate": True,
        "rule": {"rvc": {"net_cost": 50}},
        "costs": {"other_product_costs": 5},
        "materials": [{"id": "STEEL", "hs": "7228.30", "origin": "non_originating", "value": 1}],
    }
    outer = {**inner, "id": "OUTER", "hs": "8482.91", "materials": [inner]}
    data = {**GOOD, "materials": [outer]}
    assert_bad_input(
        run(str(write_case(tmp_path, data))), "materials[0].materials[0].intermediate", "one RVC layer"
    )


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("id,hs,origin,value\nA,8482.99,originating,-3\n", ("bom.csv:2", "value", "not less than 0")),
        ("id,hs,origin,value\nA,8482.99,originating,1\nB,8482.99,perhaps,1\n", ("bom.csv:3", "origin")),
        ("id,hs,origin,value\nA,8499.10,originating,1\n", ("bom.csv:2", "hs", "HS 2022")),
        ("id,hs,origin,cost\nA,8482.99,originating,1\n", ("bom.csv:1", "unknown column")),
        ("id,hs,origin,value\nA,8482.99,originating,1,extra\n", ("bom.csv:2", "cells")),
        ('id,hs,origin,value\nA,"8482.99,originating,1\n', ("bom.csv", "malformed CSV")),
        ("id,hs,parent,value\nA,8482.99,Z,1\n", ("bom.csv:2", "parent")),
        ("id,hs,self_produced,value\nA,8482.99,perhaps,1\n", ("bom.csv:2", "self_produced")),
    ],
)
def test_bad_bom_rows_name_file_and_line(tmp_path: Path, text: str, fragments: tuple[str, ...]) -> None:
    bom, good = _bom_csv(tmp_path, text)
    assert_bad_input(run("--bom", str(bom), "--good", str(good)), *fragments)


def test_bom_needs_good(tmp_path: Path) -> None:
    bom, _ = _bom_csv(tmp_path, "id,value\nA,1\n")
    assert_bad_input(run("--bom", str(bom)), "--bom and --good")


def test_yaml_case_error_names_the_line_of_the_field(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(
        "date: 2024-01-01\ngood: {hs: '8482.10'}\nrule: {rvc: {net_cost: 50}}\nmaterials:\n"
        "  - {id: A, hs: '8482.99', value: 1}\n  - id: B\n    origin: maybe\n    value: 2\n",
        encoding="utf-8",
    )
    assert_bad_input(run(str(path)), "case.yaml:7: materials[1].origin")


def test_rvc_values_keep_at_least_four_decimals(tmp_path: Path) -> None:
    data = {**GOOD, "materials": [{"id": "A", "hs": "7228.30", "origin": "non_originating", "value": "3"}]}
    out = json.loads(run(str(write_case(tmp_path, data)), "--json").stdout)
    assert out["rvc"]["transaction_value"]["value"] == "70.0000"


def test_bom_xlsx_that_is_not_a_workbook(tmp_path: Path) -> None:
    bom = tmp_path / "bom.xlsx"
    bom.write_text("id,value\nA,1\n", encoding="utf-8")
    good = write_case(tmp_path, GOOD, "good.yaml")
    assert_bad_input(run("--bom", str(bom), "--good", str(good)), "bom.xlsx", "not a readable XLSX workbook")


def test_bom_xlsx_bad_cell_names_the_row(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "hs", "origin", "value"])
    sheet.append(["RINGS", "8482.99", "non_originating", 2.5])
    sheet.append(["BALLS", "8482.91", "originating", "n/a"])
    bom = tmp_path / "bom.xlsx"
    book.save(bom)
    good = write_case(tmp_path, GOOD, "good.yaml")
    assert_bad_input(run("--bom", str(bom), "--good", str(good)), "bom.xlsx:3: value", "expected a number")


def test_bad_method_option_is_one_line() -> None:
    assert_bad_input(run(str(EXAMPLES / "bearing.yaml"), "--method", "cheapest"), "--method", "net_cost")


def test_a_yaml_alias_loop_in_the_materials_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(
        "date: 2024-01-01\ngood: {hs: '8482.10'}\n"
        "materials:\n  - &loop {id: A, hs: '8482.99', self_produced: true, value: 1, materials: [*loop]}\n",
        encoding="utf-8",
    )
    assert_bad_input(run(str(path)), "case.yaml", "contains itself")
