"""Certificates (certifier role, audited), verify (public, JSON and PDF, tampered), the log (public)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from fastapi.testclient import TestClient

from tests.api.conftest import EXAMPLES, auth
from tmec.certify.merkle import verify_consistency, verify_inclusion
from tmec.cli import main


def certification() -> dict[str, Any]:
    parties = yaml.safe_load((EXAMPLES / "certifier.yaml").read_text(encoding="utf-8"))
    return {
        "parties": parties,
        "case_yaml": (EXAMPLES / "bearing.yaml").read_text(encoding="utf-8"),
        "blanket_from": "2025-01-01",
        "blanket_to": "2025-12-31",
        "language": "es",
    }


@pytest.fixture
def issued(client: TestClient, keys: dict[str, str]) -> dict[str, Any]:
    r = client.post("/api/v1/certificates", json=certification(), headers=auth(keys["certifier"]))
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_issue_needs_the_certifier_role(client: TestClient, keys: dict[str, str]) -> None:
    assert client.post("/api/v1/certificates", json=certification()).status_code == 401
    r = client.post("/api/v1/certificates", json=certification(), headers=auth(keys["analyst"]))
    assert r.status_code == 403
    assert "certifier" in r.json()["error"]["message"]


def test_issue_fetch_verify_and_audit(
    client: TestClient, keys: dict[str, str], issued: dict[str, Any]
) -> None:
    cid = issued["certificate_id"]
    assert issued["log_index"] >= 1
    env = client.get(f"/api/v1/certificates/{cid}", headers=auth(keys["viewer"]))
    assert env.status_code == 200
    assert env.json()["payload"]["certificate_id"] == cid
    assert client.get(f"/api/v1/certificates/{cid}").status_code == 401
    # verify is public: no key
    r = client.post(
        "/api/v1/verify?date=2025-06-30", content=env.content, headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 200
    assert r.json()["valid"] is True
    names = {c["check"] for c in r.json()["checks"]}
    assert {"signature", "inclusion", "period"} <= names
    pdf = client.get(f"/api/v1/certificates/{cid}/pdf", headers=auth(keys["viewer"]))
    assert pdf.content.startswith(b"%PDF")
    r = client.post("/api/v1/verify", files={"file": ("certificate.pdf", pdf.content, "application/pdf")})
    assert r.json()["valid"] is True
    assert any(c["check"] == "document" and c["passed"] for c in r.json()["checks"])
    trail = client.get("/api/v1/audit", headers=auth(keys["admin"]))
    assert trail.status_code == 200
    assert {"actor": "certifier-key", "action": "certificate.issue", "subject": cid}.items() <= trail.json()[
        0
    ].items()
    assert client.get("/api/v1/audit", headers=auth(keys["certifier"])).status_code == 403


def test_verify_is_the_cli_json(
    client: TestClient, keys: dict[str, str], issued: dict[str, Any], tmp_path
) -> None:  # type: ignore[no-untyped-def]
    cid = issued["certificate_id"]
    path = tmp_path / "certificate.json"
    path.write_bytes(client.get(f"/api/v1/certificates/{cid}", headers=auth(keys["viewer"])).content)
    key = CliRunner().invoke(main, ["keys", "export"], env={"TMEC_HOME": str(client.app.state.settings.home)})  # type: ignore[attr-defined]
    assert key.exit_code == 0, key.output
    pub = key.stdout.strip()
    cli = CliRunner().invoke(
        main, ["verify", str(path), "--key", pub, "--json"], env={"TMEC_HOME": str(tmp_path)}
    )
    r = client.post("/api/v1/verify", params={"key": pub}, content=path.read_bytes(),
                    headers={"Content-Type": "application/json"})  # fmt: skip
    # the CLI has no store at hand here, the server has its log: the same checks plus revocation/extension
    cli_checks = json.loads(cli.stdout)["checks"]
    assert [c for c in r.json()["checks"] if c["check"] in {c["check"] for c in cli_checks}] == cli_checks


def test_tampered_certificate_is_invalid(
    client: TestClient, keys: dict[str, str], issued: dict[str, Any]
) -> None:
    env = client.get(f"/api/v1/certificates/{issued['certificate_id']}", headers=auth(keys["viewer"])).json()
    env["payload"]["good"]["description"] = env["payload"]["good"]["description"] + " (altered)"
    r = client.post("/api/v1/verify", json=env)
    assert r.status_code == 200
    assert r.json()["valid"] is False
    assert any(c["check"] == "signature" and c["passed"] is False for c in r.json()["checks"])


@pytest.mark.parametrize(
    ("files", "content", "ctype", "field"),
    [
        (None, b"%PDF-1.4 nothing", "application/pdf", None),
        (None, b'{"format": "other"}', "application/json", None),
        ({"file": ("evil.exe", b"MZ", "application/octet-stream")}, None, None, "file"),
        ({"other": ("c.json", b"{}", "application/json")}, None, None, "file"),
    ],
)
def test_verify_unreadable_is_422(
    client: TestClient, files: Any, content: Any, ctype: Any, field: Any
) -> None:
    if files:
        r = client.post("/api/v1/verify", files=files)
    else:
        r = client.post("/api/v1/verify", content=content, headers={"Content-Type": ctype})
    assert r.status_code == 422, r.text
    if field:
        assert r.json()["error"]["field"] == field


def test_amend_and_revoke_are_recorded(
    client: TestClient, keys: dict[str, str], issued: dict[str, Any]
) -> None:
    cid = issued["certificate_id"]
    h = auth(keys["certifier"])
    r = client.post(f"/api/v1/certificates/{cid}/amend", json=certification(), headers=h)
    assert (r.status_code, r.json()["error"]["field"]) == (422, "--reason")
    r = client.post(
        f"/api/v1/certificates/{cid}/amend", json={**certification(), "reason": "new supplier"}, headers=h
    )
    assert r.status_code == 201, r.text
    new_id = r.json()["certificate_id"]
    assert (
        client.post(f"/api/v1/certificates/{new_id}/revoke", json={}, headers=h).json()["error"]["field"]
        == "--reason"
    )
    r = client.post(f"/api/v1/certificates/{new_id}/revoke", json={"reason": "withdrawn"}, headers=h)
    assert r.status_code == 201
    assert r.json()["revokes"] == new_id
    r = client.post(f"/api/v1/certificates/{new_id}/revoke", json={"reason": "again"}, headers=h)
    assert (r.status_code, r.json()["error"]["field"]) == (422, "CERT_ID")
    env = client.get(f"/api/v1/certificates/{new_id}", headers=auth(keys["viewer"])).json()
    checks = client.post("/api/v1/verify", json=env).json()
    assert checks["valid"] is False  # revoked, and the server's log says so
    actions = [
        (e["action"], e["subject"]) for e in client.get("/api/v1/audit", headers=auth(keys["admin"])).json()
    ]
    assert actions[:3] == [
        ("certificate.revoke", new_id),
        ("certificate.amend", new_id),
        ("certificate.issue", cid),
    ]


def test_not_originating_is_refused(client: TestClient, keys: dict[str, str]) -> None:
    body = {**certification(), "case_yaml": (EXAMPLES / "stamped_body_part.yaml").read_text(encoding="utf-8")}
    r = client.post("/api/v1/certificates", json=body, headers=auth(keys["certifier"]))
    assert r.status_code == 422
    assert r.json()["certificate_id"] is None
    assert r.json()["originating"] is False
    assert r.json()["error"]["field"] == "case"


def test_bad_certifier_names_the_field(client: TestClient, keys: dict[str, str]) -> None:
    body = certification()
    del body["parties"]["certifier"]["email"]
    r = client.post("/api/v1/certificates", json=body, headers=auth(keys["certifier"]))
    assert r.status_code == 422
    assert "email" in r.json()["error"]["field"]


def test_log_is_public_and_proves(client: TestClient, keys: dict[str, str], issued: dict[str, Any]) -> None:
    first = client.get("/api/v1/log/checkpoint").json()
    assert first["note"].startswith("tmec.example/api-tests\n")
    r = client.post("/api/v1/certificates", json=certification(), headers=auth(keys["certifier"]))
    assert r.status_code == 201
    head = client.get("/api/v1/log/checkpoint").json()
    assert head["size"] > first["size"]
    inc = client.get("/api/v1/log/inclusion", params={"index": issued["log_index"]}).json()
    root = base64.b64decode(inc["root"])
    from tmec.store.ledger import entries  # the leaf hash from the store, as a monitor would have it

    with client.app.state.store.session() as s:  # type: ignore[attr-defined]
        leaf = next(h for i, _body, h in entries(s) if i == issued["log_index"])
    proof = [base64.b64decode(p) for p in inc["proof"]]
    assert verify_inclusion(issued["log_index"], inc["size"], leaf, proof, root)
    cons = client.get("/api/v1/log/consistency", params={"first": first["size"]}).json()
    old_root = base64.b64decode(
        client.get("/api/v1/log/inclusion", params={"index": 0, "size": first["size"]}).json()["root"]
    )
    assert verify_consistency(
        first["size"], head["size"], old_root, root, [base64.b64decode(p) for p in cons["proof"]]
    )
    doc = client.post("/api/v1/log/prove", content=first["note"].encode()).json()
    assert doc["old"] == first["note"]
    assert doc["new"] == head["note"]


def test_log_bad_input(client: TestClient) -> None:
    assert client.get("/api/v1/log/inclusion", params={"index": 999}).json()["error"]["field"] == "index"
    assert client.get("/api/v1/log/inclusion", params={"index": "x"}).json()["error"]["field"] == "index"
    assert client.get("/api/v1/log/consistency", params={"first": 999}).status_code == 422
    assert client.post("/api/v1/log/prove", content=b"hello").json()["error"]["field"] == "body"
