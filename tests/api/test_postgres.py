"""The service on PostgreSQL, as the README deploys it: migrations as the owner, the server as a role
that may only read and append (SELECT, INSERT), and change only the service's own state (sessions, jobs)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from fastapi.testclient import TestClient

from tests.api.conftest import EXAMPLES, ORIGIN, PASSPHRASE, auth
from tests.api.test_jobs_access import wait
from tmec.api import Settings, create_app
from tmec.certify.issuer import Issuer
from tmec.cli import main
from tmec.store.access import create_key
from tmec.store.db import open_store

pytestmark = pytest.mark.postgres
PG_URL = os.environ.get("TMEC_TEST_POSTGRES_URL")
SERVER_GRANTS = """
GRANT CONNECT ON DATABASE "{db}" TO {role};
GRANT USAGE ON SCHEMA public TO {role};
GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO {role};
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role};
GRANT UPDATE, DELETE ON web_session, service_job TO {role};
"""


@pytest.fixture
def server_url(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    if not PG_URL:
        if os.environ.get("TMEC_REQUIRE_POSTGRES"):
            pytest.fail("TMEC_REQUIRE_POSTGRES is set (CI) but no PostgreSQL server was started")
        pytest.skip("no PostgreSQL: install the Debian package `postgresql` or set TMEC_TEST_POSTGRES_URL")
    import psycopg

    db, role, password = f"tmec_api_{secrets.token_hex(5)}", f"tmec_server_{secrets.token_hex(4)}", "pw"
    admin = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db}"')
    base, _, _ = PG_URL.rpartition("/")
    owner_url = f"{base}/{db}"
    store = open_store(owner_url, home=tmp_path)  # the owner migrates and initialises
    Issuer(store).init(ORIGIN, PASSPHRASE)
    keys = {r: create_key(store, r, r) for r in ("analyst", "certifier", "admin")}
    store.close()
    with psycopg.connect(
        owner_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
    ) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
        for statement in SERVER_GRANTS.format(db=db, role=role).strip().splitlines():
            conn.execute(statement)
    scheme, _, rest = base.partition("://")
    host = rest.split("@", 1)[-1]
    yield f"{scheme}://{role}:{password}@{host}/{db}", keys
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        conn.execute(f"DROP ROLE IF EXISTS {role}")


def test_the_server_role_qualifies_certifies_and_revokes(
    server_url: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    url, keys = server_url
    settings = Settings(home=tmp_path, database_url=url, passphrase=PASSPHRASE, rate_limit=0)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        case = (EXAMPLES / "bearing.yaml").read_bytes()
        r = client.post(
            "/api/v1/qualify",
            content=case,
            headers={**auth(keys["analyst"]), "Content-Type": "application/yaml"},
        )
        assert r.status_code == 200
        body = {
            "parties": yaml.safe_load((EXAMPLES / "certifier.yaml").read_text(encoding="utf-8")),
            "case_yaml": case.decode(),
            "blanket_from": "2025-01-01",
            "blanket_to": "2025-12-31",
        }
        issued = client.post("/api/v1/certificates", json=body, headers=auth(keys["certifier"]))
        assert issued.status_code == 201, issued.text
        cid = issued.json()["certificate_id"]
        env = client.get(f"/api/v1/certificates/{cid}", headers=auth(keys["certifier"]))
        assert (
            client.post(
                "/api/v1/verify", content=env.content, headers={"Content-Type": "application/json"}
            ).json()["valid"]
            is True
        )
        r = client.post(
            f"/api/v1/certificates/{cid}/revoke", json={"reason": "test"}, headers=auth(keys["certifier"])
        )
        assert r.status_code == 201, r.text
        assert (
            client.post(
                "/api/v1/verify", content=env.content, headers={"Content-Type": "application/json"}
            ).json()["valid"]
            is False
        )
        actions = [e["action"] for e in client.get("/api/v1/audit", headers=auth(keys["admin"])).json()]
        assert actions[:2] == ["certificate.revoke", "certificate.issue"]
        assert client.get("/monitor").status_code == 200
        # a web session and a job, in the store the server role may change
        client.get("/login")
        client.post("/login", data={"key": keys["analyst"], "csrf": client.cookies.get("tmec_csrf")})
        assert client.get("/qualify", follow_redirects=False).status_code == 200
        entries = tmp_path / "entries.csv"
        assert CliRunner().invoke(main, ["generate", "entries", str(entries), "--lines", "5"]).exit_code == 0
        files = {"entries": ("entries.csv", entries.read_bytes(), "text/csv")}
        job = client.post("/api/v1/jobs/exposure", files=files, headers=auth(keys["analyst"])).json()
        assert wait(client, job, keys["analyst"])["state"] == "done"
        assert client.delete(f"/api/v1/jobs/{job['id']}", headers=auth(keys["analyst"])).status_code == 204
        client.post("/logout", data={"csrf": client.cookies.get("tmec_csrf")})
        assert client.get("/qualify", follow_redirects=False).status_code == 303
