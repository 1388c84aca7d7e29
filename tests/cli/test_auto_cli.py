"""``tmec qualify`` on vehicle cases and ``tmec average``: the automotive object, exit codes, bad input."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from tmec.cli import main

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLES = ROOT / "examples"
PICKUP = EXAMPLES / "pickup_mx_crew_cab.yaml"
PICKUP_REG = EXAMPLES / "pickup_mx_regular_cab.yaml"
COMPACT = EXAMPLES / "compact_car_mx.yaml"


def run(*args: str) -> tuple[int, Any]:
    result = CliRunner().invoke(main, list(args))
    try:
        return result.exit_code, json.loads(result.output)
    except json.JSONDecodeError:
        return result.exit_code, result.output


def test_pickup_is_originating_with_every_requirement() -> None:
    code, d = run("qualify", str(PICKUP), "--json")
    assert code == 0 and d["originating"] is True
    auto = d["automotive"]
    for name in ("vehicle_rvc", "core_parts", "steel", "aluminum", "lvc"):
        assert auto[name]["passed"] is True and "threshold" in auto[name] and "value" in auto[name]
    assert auto["vehicle_class"] == "light_truck" and auto["lvc"]["threshold"] == "45"
    assert auto["core_parts"]["method"] == "super_core"  # the suspension fails alone
    # the automotive RVC uses the net cost and VNM the general computation found
    assert Decimal(auto["vehicle_rvc"]["net_cost"]) == Decimal(d["rvc"]["net_cost"]["net_cost"])
    assert d["rvc"]["transaction_value"] is None


def test_compact_car_fails_lvc_and_says_so() -> None:
    code, d = run("qualify", str(COMPACT), "--json")
    assert code == 1 and d["originating"] is False and d["criterion"] is None
    assert d["automotive"]["failed"] == ["lvc"]
    assert d["explanation"][-1]["result"] == "no: the vehicle fails lvc"
    # hand check: (HWLC 0 + HWM 1850 + 420) / 13100 = 17.328 points; + 7.5 technology = 24.828
    assert Decimal(d["automotive"]["lvc"]["value"]) == Decimal(2270) / Decimal(13100) * 100 + Decimal("7.5")


def test_human_output_shows_the_requirements() -> None:
    result = CliRunner().invoke(main, ["qualify", str(COMPACT)])
    assert result.exit_code == 1
    assert "labor value content" in result.output and "fail" in result.output


def test_average_pickups_cures_the_regular_cab() -> None:
    code, single = run("qualify", str(PICKUP_REG), "--json")
    assert code == 1 and single["automotive"]["failed"] == ["vehicle_rvc"]
    code, d = run("average", str(PICKUP), str(PICKUP_REG), "--category", "model_line_class_plant", "--json")
    assert code == 0
    (g,) = d["groups"]
    assert g["vehicles"] == 2 and g["passed"] is True
    # (27220 + 27620 - 4100 - 7580) / (27220 + 27620) = 43160 / 54840
    assert Decimal(g["value"]) == Decimal(43160) / Decimal(54840) * 100


def write_case(tmp_path: Path, change: dict[str, Any], base: Path = PICKUP) -> str:
    data = yaml.safe_load(base.read_text())
    for key, value in change.items():
        target = data
        *path, last = key.split(".")
        for part in path:
            target = target[part]
        target[last] = value
    out = tmp_path / "case.yaml"
    out.write_text(yaml.safe_dump(data))
    return str(out)


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (
            {"method": "transaction_value"},
            "method: a vehicle's RVC is calculated under the net cost method only",
        ),
        ({"good.category": "passenger_vehicle"}, "good.category"),
        ({"automotive.lvc.basis": "hours"}, "automotive.lvc.basis"),
        (
            {"automotive.core_parts": [{"part": "engine", "hs": "8708.50", "net_cost": 1, "vnm": 0}]},
            "automotive.core_parts[0].hs",
        ),
        ({"automotive.steel.purchases": [{"hs": "7601.10", "value": 1}]}, "automotive.steel.purchases[0].hs"),
    ],
)
def test_bad_vehicle_input_exits_2_naming_the_field(
    tmp_path: Path, change: dict[str, Any], says: str
) -> None:
    result = CliRunner().invoke(main, ["qualify", write_case(tmp_path, change), "--json"])
    assert result.exit_code == 2
    assert says in result.output and "case.yaml" in result.output
    assert "Traceback" not in result.output


def test_automotive_block_on_a_non_vehicle_is_an_error(tmp_path: Path) -> None:
    path = write_case(tmp_path, {"good.category": "auto_part"})
    result = CliRunner().invoke(main, ["qualify", path])
    assert result.exit_code == 2 and "good.category" in result.output


def test_average_rejects_a_non_vehicle(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["average", str(EXAMPLES / "bearing.yaml")])
    assert result.exit_code == 2 and "good.category" in result.output


def test_bundled_rule_branch_follows_the_vehicle_class(tmp_path: Path) -> None:
    # an off-road 8704.31 is an Art. 10 vehicle: the rule's "other" branch (62.5 % NC) and RVC only
    path = write_case(tmp_path, {"good.category": "other_vehicle", "automotive.vehicle.off_road": True})
    code, d = run("qualify", path, "--json")
    assert code == 0, d
    assert d["good"]["end_use"] == "other"
    assert d["rvc"]["net_cost"]["threshold"] == "62.5"
    assert d["automotive"]["vehicle_class"] == "other_vehicle" and d["automotive"]["lvc"] is None


def test_vehicle_class_errors_name_the_file(tmp_path: Path) -> None:
    path = write_case(tmp_path, {"good.hs": "8704.60"})  # an electric truck needs its weight
    result = CliRunner().invoke(main, ["qualify", path])
    assert result.exit_code == 2
    assert "case.yaml" in result.output and "gvw_tonnes" in result.output


def test_heavy_truck_lvc_credit_meets_its_rule_until_july_2027() -> None:
    truck = str(EXAMPLES / "heavy_truck_mx.yaml")
    code, d = run("qualify", truck, "--json")
    # RVC (98000 - 36000) / 98000 = 63.27 % < 64; high-wage points 33000 / 77000 = 42.86, 12.86 above 30
    assert code == 0 and d["originating"] is True and d["criterion"] == "B"
    assert Decimal(d["automotive"]["vehicle_rvc"]["lvc_credit"]) == Decimal(33000) / Decimal(77000) * 100 - 30
    assert d["automotive"]["vehicle_class"] == "heavy_truck" and d["good"]["end_use"] == "heavy_truck"
    code, d = run("qualify", truck, "--date", "2027-07-01", "--json")
    # and the steel totals do not say the steel was melted and poured in the region
    assert code == 1 and d["automotive"]["failed"] == ["vehicle_rvc", "steel"]
    assert d["automotive"]["vehicle_rvc"]["threshold"] == "70"
    assert any("melted and poured" in q["question"] for q in d["questions"])


def test_automotive_part_and_table_commands() -> None:
    code, d = run(
        "automotive", "part", "8708.40", "--end-use", "light_truck", "--date", "2022-07-01", "--json"
    )
    assert code == 0 and (d["table"], d["net_cost"], d["rvc_only"]) == ("A.1", "72", True)
    code, d = run(
        "automotive", "part", "8482.10", "--end-use", "heavy_truck", "--date", "2024-07-01", "--json"
    )
    assert (d["table"], d["net_cost"], d["transaction_value"]) == ("E", "54", "64")
    code, d = run("automotive", "part", "8708.40", "--end-use", "aftermarket", "--json")
    assert code == 0 and d["table"] is None
    code, d = run("automotive", "table", "A.2", "--json")
    assert [p["id"] for p in d["parts"]][:2] == ["engine", "transmission"]
    code, d = run("automotive", "table", "s", "--json")
    assert any("7208.51" in e["hs"][0] or "7208.51-7208.54" in e["hs"] for e in d["steel"])
    result = CliRunner().invoke(main, ["automotive", "part", "8708", "--end-use", "light_truck"])
    assert result.exit_code == 2 and "HS" in result.output


@pytest.mark.parametrize(("persons", "threshold"), [(15, "62.5"), (16, "60")])
def test_a_bus_takes_the_rule_branch_of_its_capacity(tmp_path: Path, persons: int, threshold: str) -> None:
    case = {
        "format": 1,
        "date": "2025-01-01",
        "good": {"hs": "8702.10", "category": "other_vehicle"},
        "costs": {"other_product_costs": 70, "period_costs": 0},
        "materials": [{"id": "M", "hs": "7208.51", "origin": "non_originating", "value": 30}],
        "automotive": {"vehicle": {"persons": persons}},
    }
    path = tmp_path / "bus.yaml"
    path.write_text(yaml.safe_dump(case))
    code, d = run("qualify", str(path), "--json")
    # (100 - 30) / 100 = 70 %: meets 62.5 and 60
    assert code == 0 and d["rvc"]["net_cost"]["threshold"] == threshold
    assert d["automotive"]["vehicle_rvc"]["threshold"] == threshold


CONFIGS = [str(PICKUP), str(PICKUP_REG)]
VEHICLES = EXAMPLES / "pickup_vehicles.csv"


def test_average_a_model_year_from_a_vehicle_list() -> None:
    code, d = run(
        "average", *CONFIGS, "--vehicles", str(VEHICLES), "--category", "model_line_class_plant", "--json"
    )
    assert code == 0, d
    (g,) = d["groups"]
    lines = VEHICLES.read_text().strip().splitlines()[1:]
    assert g["vehicles"] == len(lines) and "ids" not in g
    # the average is Σ(NC - VNM) / Σ NC over the list, computed here from the CSV
    nc = sum(Decimal(x.split(",")[3]) for x in lines)
    vnm = sum(Decimal(x.split(",")[4]) for x in lines)
    assert Decimal(g["value"]) == (nc - vnm) / nc * 100
    assert d["vehicles_below_rvc_alone"] >= 1  # some vehicles fail alone; the average cures them


@pytest.mark.parametrize(
    ("csv_text", "says"),
    [
        ("vehicle,date,config,net_cost\nV1,2026-01-01,MX-PICKUP-CREW-2026,100\n", "missing column"),
        ("vehicle,date,config,net_cost,vnm\nV1,2026-01-01,NOPE,100,10\n", "unknown configuration"),
        ("vehicle,date,config,net_cost,vnm\nV1,2026-01-01,MX-PICKUP-CREW-2026,abc,10\n", ":2"),
        (
            "vehicle,date,config,net_cost,vnm,exported\nV1,2026-01-01,MX-PICKUP-CREW-2026,100,10,maybe\n",
            "exported",
        ),
    ],
)
def test_bad_vehicle_lists_exit_2_naming_the_line(tmp_path: Path, csv_text: str, says: str) -> None:
    path = tmp_path / "vehicles.csv"
    path.write_text(csv_text)
    result = CliRunner().invoke(main, ["average", *CONFIGS, "--vehicles", str(path)])
    assert result.exit_code == 2, result.output
    assert says in result.output and "vehicles.csv" in result.output and "Traceback" not in result.output
