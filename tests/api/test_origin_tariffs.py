"""Health, OpenAPI, qualify, rules, duty, impact: success, bad input (422 naming the field), keys."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from tests.api.conftest import EXAMPLES, auth
from tmec.cli import main


def cli_json(*args: str) -> bytes:
    result = CliRunner().invoke(main, [*args, "--json"])
    assert result.exit_code in (0, 1), result.output
    return result.stdout_bytes


def test_health_and_openapi_are_public(client: TestClient) -> None:
    r = client.get("/api/v1/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"
    assert r.json()["log_size"] >= 1
    doc = client.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    assert "/api/v1/qualify" in doc["paths"]
    assert "/api/v1/jobs/portfolio" in doc["paths"]
    assert client.get("/docs").status_code == 200


def test_security_headers(client: TestClient) -> None:
    r = client.get("/api/v1/health")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


@pytest.mark.parametrize("name", ["bearing.yaml", "stamped_body_part.yaml", "compact_car_mx.yaml"])
def test_qualify_yaml_body_is_byte_for_byte_the_cli_json(
    client: TestClient, keys: dict[str, str], name: str
) -> None:
    path = EXAMPLES / name
    r = client.post(
        "/api/v1/qualify",
        content=path.read_bytes(),
        headers={**auth(keys["analyst"]), "Content-Type": "application/yaml"},
    )
    assert r.status_code == 200
    assert r.content == cli_json("qualify", str(path))


def test_qualify_json_body_and_date_and_method(
    client: TestClient, keys: dict[str, str], tmp_path: Path
) -> None:
    import yaml

    data = yaml.safe_load((EXAMPLES / "bearing.yaml").read_text(encoding="utf-8"))
    case = tmp_path / "bearing.json"
    case.write_text(json.dumps(data, default=str), encoding="utf-8")
    r = client.post(
        "/api/v1/qualify?date=2025-06-30&method=net_cost",
        content=case.read_bytes(),
        headers={**auth(keys["analyst"]), "Content-Type": "application/json"},
    )
    assert r.status_code == 200
    assert r.content == cli_json("qualify", str(case), "--date", "2025-06-30", "--method", "net_cost")


def test_qualify_bom_spreadsheet_is_the_cli_json(client: TestClient, keys: dict[str, str]) -> None:
    bom, good = EXAMPLES / "wheel_bom.csv", EXAMPLES / "wheel_good.yaml"
    files = {
        "bom": ("wheel_bom.csv", bom.read_bytes(), "text/csv"),
        "good": ("wheel_good.yaml", good.read_bytes(), "application/yaml"),
    }
    r = client.post("/api/v1/qualify", files=files, headers=auth(keys["analyst"]))
    assert r.status_code == 200
    assert r.content == cli_json("qualify", "--bom", str(bom), "--good", str(good))


def test_qualify_bad_cell_names_the_uploaded_file_line_and_field(
    client: TestClient, keys: dict[str, str]
) -> None:
    bom = (EXAMPLES / "wheel_bom.csv").read_text(encoding="utf-8").splitlines()
    bom[2] = bom[2].replace("19.00", "n/a")
    files = {
        "bom": ("my bom.csv", "\n".join(bom).encode(), "text/csv"),
        "good": ("good.yaml", (EXAMPLES / "wheel_good.yaml").read_bytes(), "application/yaml"),
    }
    r = client.post("/api/v1/qualify", files=files, headers=auth(keys["analyst"]))
    assert r.status_code == 422
    body = r.json()
    assert body["error"]["field"] == "value"
    assert body["error"]["line"] == 3
    assert body["error"]["message"].startswith("my bom.csv:3: value: expected a number")
    assert "/tmp" not in json.dumps(body)


def test_qualify_bad_field_in_yaml_is_the_cli_message(
    client: TestClient, keys: dict[str, str], tmp_path: Path
) -> None:
    text = (
        (EXAMPLES / "bearing.yaml").read_text(encoding="utf-8").replace('hs: "8482.10"', 'hs: "84x2.10"', 1)
    )
    r = client.post(
        "/api/v1/qualify",
        content=text.encode(),
        headers={**auth(keys["analyst"]), "Content-Type": "application/yaml"},
    )
    assert r.status_code == 422
    case = tmp_path / "case.yaml"
    case.write_text(text, encoding="utf-8")
    cli = CliRunner().invoke(main, ["qualify", str(case), "--json"])
    assert cli.exit_code == 2
    api, doc = r.json()["error"], json.loads(cli.stderr)["error"]
    assert (api["field"], api["line"]) == ("good.hs", 10)
    # the CLI's --json error document, with the server's status for the CLI's exit status
    assert {**api, "source": str(case), "message": api["message"].replace("case.yaml", str(case))} == {
        **{k: v for k, v in doc.items() if k != "exit"},
        "status": 422,
    }


@pytest.mark.parametrize(
    ("headers", "body", "field"),
    [
        ({"Content-Type": "text/plain"}, b"x", "Content-Type"),
        ({"Content-Type": "application/json"}, b"{not json", None),
        ({"Content-Type": "application/json"}, b"[1, 2]", None),
    ],
)
def test_qualify_unreadable_bodies_are_422(
    client: TestClient, keys: dict[str, str], headers: dict[str, str], body: bytes, field: str | None
) -> None:
    r = client.post("/api/v1/qualify", content=body, headers={**auth(keys["analyst"]), **headers})
    assert r.status_code == 422
    assert r.json()["error"]["message"]
    if field:
        assert r.json()["error"]["field"] == field


def test_qualify_impossible_yaml_date_is_422_not_500(client: TestClient, keys: dict[str, str]) -> None:
    text = (
        (EXAMPLES / "bearing.yaml")
        .read_text(encoding="utf-8")
        .replace("date: 2024-11-12", "date: 2024-13-12")
    )
    r = client.post(
        "/api/v1/qualify",
        content=text.encode(),
        headers={**auth(keys["analyst"]), "Content-Type": "application/yaml"},
    )
    assert r.status_code == 422
    assert r.json()["error"]["message"].startswith("case.yaml: invalid value: month must be in 1..12")


def test_qualify_bad_date_and_method(client: TestClient, keys: dict[str, str]) -> None:
    h = {**auth(keys["analyst"]), "Content-Type": "application/yaml"}
    case = (EXAMPLES / "bearing.yaml").read_bytes()
    assert (
        client.post("/api/v1/qualify?date=yesterday", content=case, headers=h).json()["error"]["field"]
        == "--date"
    )
    r = client.post("/api/v1/qualify?method=cheapest", content=case, headers=h)
    assert (r.status_code, r.json()["error"]["field"]) == (422, "--method")


def test_qualify_keys(client: TestClient, keys: dict[str, str]) -> None:
    case = (EXAMPLES / "bearing.yaml").read_bytes()
    h = {"Content-Type": "application/yaml"}
    assert client.post("/api/v1/qualify", content=case, headers=h).status_code == 401
    r = client.post("/api/v1/qualify", content=case, headers={**h, "Authorization": "Bearer tmec_wrong"})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    r = client.post("/api/v1/qualify", content=case, headers={**h, "Authorization": "Basic abc"})
    assert (r.status_code, r.json()["error"]["field"]) == (401, "Authorization")
    assert (
        client.post("/api/v1/qualify", content=case, headers={**h, **auth(keys["viewer"])}).status_code == 403
    )
    for role in ("analyst", "certifier", "admin"):
        assert (
            client.post("/api/v1/qualify", content=case, headers={**h, **auth(keys[role])}).status_code == 200
        )


def test_rules(client: TestClient, keys: dict[str, str]) -> None:
    r = client.get("/api/v1/rules/7306.30?date=2023-07-01", headers=auth(keys["viewer"]))
    assert r.status_code == 200
    assert r.content == cli_json("rules", "show", "7306.30", "--date", "2023-07-01")
    r = client.get("/api/v1/rules/9999.99?date=2023-07-01", headers=auth(keys["viewer"]))
    assert r.status_code == 422
    assert "no bundled rule" in r.json()["error"]["message"]
    r = client.get("/api/v1/rules/7306.30?kind=teapot", headers=auth(keys["viewer"]))
    assert (r.status_code, r.json()["error"]["field"]) == (422, "--kind")
    assert client.get("/api/v1/rules/7306.30").status_code == 401


LINE = {
    "hts": "7326.90.86",
    "origin": "MX",
    "value": "100000",
    "entry_date": "2025-06-10",
    "steel_value": "40000",
}


def test_duty_one_line_is_the_cli_json(client: TestClient, keys: dict[str, str]) -> None:
    r = client.post("/api/v1/duty", json=LINE, headers=auth(keys["analyst"]))
    assert r.status_code == 200
    options = {"entry_date": "--date"}
    cli = cli_json(
        "duty", *(x for k, v in LINE.items() for x in (options.get(k, f"--{k.replace('_', '-')}"), v))
    )
    assert r.content == cli
    assert r.json()["total_duty"] == "37900.00"


def test_duty_batch_json_and_csv(client: TestClient, keys: dict[str, str], tmp_path: Path) -> None:
    csv_text = (
        "entry_date,hts,origin,value,steel_value\n2025-06-10,7326.90.86,MX,100000,40000\n"
        "2025-03-20,7208.39.00,CA,5000,\n"
    )
    path = tmp_path / "entries.csv"
    path.write_text(csv_text, encoding="utf-8")
    cli = cli_json("duty", "--entries", str(path), "--basis", "deposited")
    r = client.post(
        "/api/v1/duty?basis=deposited",
        content=csv_text.encode(),
        headers={**auth(keys["analyst"]), "Content-Type": "text/csv"},
    )
    assert r.status_code == 200
    assert r.content == cli
    lines = [dict(LINE), {"entry_date": "2025-03-20", "hts": "7208.39.00", "origin": "CA", "value": "5000"}]
    r = client.post("/api/v1/duty?basis=deposited", json={"entries": lines}, headers=auth(keys["analyst"]))
    assert r.json()["total_duty"] == json.loads(cli)["total_duty"]


def test_duty_bad_input(client: TestClient, keys: dict[str, str]) -> None:
    h = auth(keys["analyst"])
    r = client.post("/api/v1/duty", json={**LINE, "value": "lots"}, headers=h)
    assert (r.status_code, r.json()["error"]["field"]) == (422, "value")
    r = client.post("/api/v1/duty", json={"entries": [LINE, {**LINE, "hts": "99"}]}, headers=h)
    assert r.status_code == 422
    assert r.json()["error"]["field"].startswith("entries[1].")
    r = client.post("/api/v1/duty", content=b"hts,origin\n1,2\n", headers={**h, "Content-Type": "text/csv"})
    assert (r.status_code, r.json()["error"]["line"]) == (422, 1)
    assert client.post("/api/v1/duty?basis=guess", json=LINE, headers=h).json()["error"]["field"] == "--basis"
    assert client.post("/api/v1/duty", json=LINE).status_code == 401
    assert client.post("/api/v1/duty", json=LINE, headers=auth(keys["viewer"])).status_code == 403


def test_impact_and_chart(client: TestClient, keys: dict[str, str]) -> None:
    h = auth(keys["analyst"])
    r = client.post(
        "/api/v1/impact",
        json={"scenario": "mx-steel-2025", "model": "smart", "date": "2026-01-01"},
        headers=h,
    )
    assert r.status_code == 200
    assert r.content == cli_json(
        "impact", "--scenario", "mx-steel-2025", "--model", "smart", "--date", "2026-01-01"
    )
    r = client.post(
        "/api/v1/impact",
        json={"flow": 1000000, "from_rate": 0, "to_rate": 25.5, "date": "2026-01-01"},
        headers=h,
    )
    assert r.content == cli_json(
        "impact", "--flow", "1000000", "--from-rate", "0", "--to-rate", "25.5", "--date", "2026-01-01"
    )
    svg = client.post("/api/v1/impact/chart", json={"scenario": "mx-steel-2025"}, headers=h)
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.lstrip().startswith("<svg") or svg.text.lstrip().startswith("<?xml")


def test_impact_bad_input(client: TestClient, keys: dict[str, str]) -> None:
    h = auth(keys["analyst"])
    assert (
        client.post("/api/v1/impact", json={"flow": 1}, headers=h).json()["error"]["field"] == "--from-rate"
    )
    r = client.post("/api/v1/impact", json={"flow": 1, "from_rate": 0, "to_rate": 5000}, headers=h)
    assert (r.status_code, r.json()["error"]["field"]) == (422, "--to-rate")
    assert client.post("/api/v1/impact", json={"colour": 1}, headers=h).json()["error"]["field"] == "colour"
    assert client.post("/api/v1/impact", json={"flow": 1, "from_rate": 0, "to_rate": 5}).status_code == 401


def test_qualify_uses_the_stores_statements_as_the_cli_does(
    client: TestClient, keys: dict[str, str], settings: Any
) -> None:
    from tmec.api.service import STATEMENT_KINDS
    from tmec.cli._statements_store import USED_KINDS

    assert STATEMENT_KINDS == USED_KINDS
    env = {"TMEC_HOME": str(settings.home)}
    imported = CliRunner().invoke(
        main, ["statements", "import", str(EXAMPLES / "supplier_statements.yaml")], env=env
    )
    assert imported.exit_code == 0, imported.output
    path = EXAMPLES / "stamped_body_part.yaml"
    h = {**auth(keys["analyst"]), "Content-Type": "application/yaml"}
    r = client.post("/api/v1/qualify", content=path.read_bytes(), headers=h)
    cli = CliRunner().invoke(main, ["qualify", str(path), "--json"], env=env)
    assert r.json()["originating"] is True  # the statement settles the coil's origin
    assert r.content == cli.stdout_bytes
    off = client.post("/api/v1/qualify?no_statements=true", content=path.read_bytes(), headers=h)
    assert off.json()["originating"] is False
    assert (
        off.content
        == CliRunner().invoke(main, ["qualify", str(path), "--json", "--no-statements"], env=env).stdout_bytes
    )
