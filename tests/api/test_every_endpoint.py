"""Every endpoint of /api/v1, from the OpenAPI document (a new endpoint without a row here fails):
who may call it (public, or a role: no key 401, a wrong key 401, a weaker role 403), and a bad
input answered 422 naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import auth
from tmec.store.access import ROLES

# (method, path template) -> the weakest role that may call it, or None: public
ACCESS: dict[tuple[str, str], str | None] = {
    ("GET", "/api/v1/health"): None,
    ("POST", "/api/v1/qualify"): "analyst",
    ("GET", "/api/v1/rules/{hs}"): "viewer",
    ("POST", "/api/v1/duty"): "analyst",
    ("POST", "/api/v1/impact"): "analyst",
    ("POST", "/api/v1/impact/chart"): "analyst",
    ("POST", "/api/v1/verify"): None,
    ("GET", "/api/v1/log/checkpoint"): None,
    ("GET", "/api/v1/log/inclusion"): None,
    ("GET", "/api/v1/log/consistency"): None,
    ("POST", "/api/v1/log/prove"): None,
    ("POST", "/api/v1/certificates"): "certifier",
    ("POST", "/api/v1/certificates/{certificate_id}/amend"): "certifier",
    ("POST", "/api/v1/certificates/{certificate_id}/revoke"): "certifier",
    ("GET", "/api/v1/certificates/{certificate_id}"): "viewer",
    ("GET", "/api/v1/certificates/{certificate_id}/pdf"): "viewer",
    ("GET", "/api/v1/audit"): "admin",
    ("POST", "/api/v1/jobs/portfolio"): "analyst",
    ("POST", "/api/v1/jobs/exposure"): "analyst",
    ("GET", "/api/v1/jobs/{job_id}"): "analyst",
    ("GET", "/api/v1/jobs/{job_id}/results.{fmt}"): "analyst",
    ("DELETE", "/api/v1/jobs/{job_id}"): "analyst",
}
EXAMPLE = {"hs": "7306.30", "certificate_id": "TMEC-NONE", "job_id": "0" * 16, "fmt": "csv"}

LINE = {"hts": "7326.90.86", "origin": "MX", "entry_date": "2025-06-10"}
# (method, path, body as JSON, role) -> the field a bad input is named by
BAD_INPUT: list[tuple[str, str, Any, str | None, str]] = [
    ("POST", "/api/v1/qualify?date=2024-02-30", None, "analyst", "--date"),
    ("GET", "/api/v1/rules/7306.30?kind=nonsense", None, "viewer", "--kind"),
    ("POST", "/api/v1/duty", {**LINE, "value": "lots"}, "analyst", "value"),
    ("POST", "/api/v1/impact", {"flow": 1, "from_rate": 0, "to_rate": "x"}, "analyst", "--to-rate"),
    ("POST", "/api/v1/impact/chart", {"flow": 1, "from_rate": 0, "to_rate": "x"}, "analyst", "--to-rate"),
    ("GET", "/api/v1/log/inclusion?index=5&size=1", None, None, "index"),
    ("GET", "/api/v1/log/inclusion?index=0&size=999", None, None, "size"),
    ("GET", "/api/v1/log/consistency?first=999", None, None, "first"),
    ("GET", "/api/v1/log/consistency?first=1&second=999", None, None, "second"),
    ("POST", "/api/v1/log/prove", "not a checkpoint", None, "body"),
    ("POST", "/api/v1/certificates", {"parties": {}}, "certifier", "certifier"),
    ("POST", "/api/v1/certificates/TMEC-NONE/revoke", {}, "certifier", "--reason"),
    ("POST", "/api/v1/jobs/exposure", None, "analyst", "Content-Type"),
    ("POST", "/api/v1/jobs/portfolio", None, "analyst", "Content-Type"),
]


def _routes(client: TestClient) -> set[tuple[str, str]]:
    paths = client.get("/openapi.json").json()["paths"]
    return {(m.upper(), path) for path, ops in paths.items() if path.startswith("/api/v1") for m in ops}


def _call(client: TestClient, method: str, path: str, headers: dict[str, str]) -> int:
    url = path.format(**EXAMPLE)
    return client.request(method, url, headers=headers).status_code


def test_the_table_has_every_endpoint(client: TestClient) -> None:
    assert _routes(client) == set(ACCESS)


@pytest.mark.parametrize(("method", "path"), sorted(ACCESS))
def test_who_may_call(client: TestClient, keys: dict[str, str], method: str, path: str) -> None:
    role = ACCESS[(method, path)]
    if role is None:
        assert _call(client, method, path, {}) not in (401, 403)
        return
    assert _call(client, method, path, {}) == 401
    assert _call(client, method, path, auth("tmec_not-a-key")) == 401
    assert _call(client, method, path, {"Authorization": "Basic dXNlcjpwdw=="}) == 401
    weaker = ROLES[: ROLES.index(role)]
    for other in weaker:
        assert _call(client, method, path, auth(keys[other])) == 403, other
    assert _call(client, method, path, auth(keys[role])) not in (401, 403)


@pytest.mark.parametrize(("method", "path", "body", "role", "field"), BAD_INPUT)
def test_bad_input_is_422_naming_the_field(
    client: TestClient, keys: dict[str, str], method: str, path: str, body: Any, role: str | None, field: str
) -> None:
    headers = auth(keys[role]) if role else {}
    if isinstance(body, str):
        r = client.request(method, path, content=body.encode(), headers=headers)
    elif body is None and method == "POST" and "qualify" in path:
        case = b"format: 1\ngood: {hs: '8482.10'}\n"
        yaml_body = {**headers, "Content-Type": "application/yaml"}
        r = client.request(method, path, content=case, headers=yaml_body)
    else:
        r = client.request(method, path, json=body, headers=headers)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["field"] == field, error
    assert error["message"] and "\n" not in error["message"]
