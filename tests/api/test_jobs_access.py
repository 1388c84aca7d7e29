"""Portfolio and exposure jobs to their results; API keys (CLI), rate and size limits."""

from __future__ import annotations

import io
import json
import os
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from tests.api.conftest import auth
from tmec.api import Settings, create_app
from tmec.cli import main


def run_cli(*args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(main, list(args), env=env)


def wait(client: TestClient, job: dict[str, Any], key: str) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = client.get(f"/api/v1/jobs/{job['id']}", headers=auth(key)).json()
        if state["state"] in ("done", "failed"):
            return dict(state)
        time.sleep(0.2)
    raise AssertionError(f"job {job['id']} did not finish")


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("bom")
    r = run_cli("generate", "portfolio", str(d), "--goods", "12", "--format", "csv")
    assert r.exit_code == 0, r.output
    return d


def tables(d: Path) -> dict[str, tuple[str, bytes, str]]:
    files = {n: (f"{n}.csv", (d / f"{n}.csv").read_bytes(), "text/csv") for n in ("goods", "parts", "edges")}
    return {**files, "rules": ("rules.yaml", (d / "rules.yaml").read_bytes(), "application/yaml")}


def test_portfolio_job_is_the_cli_summary(client: TestClient, keys: dict[str, str], portfolio: Path) -> None:
    h = auth(keys["analyst"])
    r = client.post("/api/v1/jobs/portfolio", files=tables(portfolio), data={"date": "2026-03-02"}, headers=h)
    assert r.status_code == 202, r.text
    done = wait(client, r.json(), keys["analyst"])
    assert done["state"] == "done", done
    assert done["progress"]["done"] == done["progress"]["total"] == 12
    cli = run_cli("portfolio", "qualify", str(portfolio), "--date", "2026-03-02", "--out",
                  str(portfolio / "q.parquet"), "--json")  # fmt: skip
    expected = json.loads(cli.stdout)
    for doc in (expected, done["summary"]):
        doc.pop("seconds"), doc.pop("results")
    assert done["summary"] == expected
    parquet = client.get(done["results"]["parquet"], headers=h)
    table = pq.read_table(io.BytesIO(parquet.content))
    assert table.equals(pq.read_table(portfolio / "q.parquet"))
    csv = client.get(done["results"]["csv"], headers=h)
    assert csv.headers["content-type"].startswith("text/csv")
    assert len(csv.text.strip().splitlines()) == 13
    xlsx = client.get(done["results"]["xlsx"], headers=h)
    assert xlsx.content.startswith(b"PK")
    assert client.get(f"/api/v1/jobs/{done['id']}/results.exe", headers=h).status_code == 404
    # another analyst's job is not yours; an admin sees every job
    assert client.get(f"/api/v1/jobs/{done['id']}", headers=auth(keys["certifier"])).status_code == 404
    assert client.get(f"/api/v1/jobs/{done['id']}", headers=auth(keys["admin"])).status_code == 200
    assert client.get(f"/api/v1/jobs/{done['id']}").status_code == 401
    assert client.get(f"/api/v1/jobs/{done['id']}", headers=auth(keys["viewer"])).status_code == 403


def test_portfolio_bad_input(client: TestClient, keys: dict[str, str], portfolio: Path) -> None:
    h = auth(keys["analyst"])
    files = tables(portfolio)
    r = client.post("/api/v1/jobs/portfolio", files=files, headers=h)
    assert (r.status_code, r.json()["error"]["field"]) == (422, "--date")
    del files["edges"]
    r = client.post("/api/v1/jobs/portfolio", files=files, data={"date": "2026-03-02"}, headers=h)
    assert (r.status_code, r.json()["error"]["field"]) == (422, "edges")
    files = tables(portfolio)
    files["parts"] = ("../../etc/parts.sh", b"#!/bin/sh", "text/plain")
    r = client.post("/api/v1/jobs/portfolio", files=files, data={"date": "2026-03-02"}, headers=h)
    assert (r.status_code, r.json()["error"]["field"]) == (422, "parts")
    assert "/etc" not in r.json()["error"]["message"]
    files = tables(portfolio)
    goods = files["goods"][1].decode().splitlines()
    cells = goods[1].split(",")
    cells[2] = "lots"  # transaction_value
    files["goods"] = ("my goods.csv", "\n".join([goods[0], ",".join(cells), *goods[2:]]).encode(), "text/csv")
    r = client.post("/api/v1/jobs/portfolio", files=files, data={"date": "2026-03-02"}, headers=h)
    done = wait(client, r.json(), keys["analyst"])
    assert done["state"] == "failed"
    assert "my goods.csv" in done["error"]["message"]
    assert "tmec-upload" not in done["error"]["message"] and str(portfolio) not in done["error"]["message"]


def test_exposure_job(client: TestClient, keys: dict[str, str], tmp_path: Path) -> None:
    entries = tmp_path / "entries.csv"
    assert run_cli("generate", "entries", str(entries), "--lines", "300", "--year", "2025").exit_code == 0
    h = auth(keys["analyst"])
    files = {"entries": ("entries.csv", entries.read_bytes(), "text/csv")}
    r = client.post("/api/v1/jobs/exposure", files=files, headers=h)
    assert r.status_code == 202
    done = wait(client, r.json(), keys["analyst"])
    assert done["state"] == "done", done
    cli = json.loads(run_cli("exposure", str(entries), "--json").stdout)
    for doc in (cli, done["summary"]):
        doc.pop("seconds"), doc.pop("entries")
    assert done["summary"] == cli
    lines = pq.read_table(io.BytesIO(client.get(done["results"]["parquet"], headers=h).content))
    assert lines.num_rows >= 300
    r = client.post("/api/v1/jobs/exposure", files=files, data={"basis": "maybe"}, headers=h)
    assert (r.status_code, r.json()["error"]["field"]) == (422, "--basis")


def test_api_keys_cli_create_json_and_revoke(settings: Settings) -> None:
    env = {"TMEC_HOME": str(settings.home)}
    r = run_cli("api-keys", "create", "--name", "broker", "--role", "viewer", "--json", env=env)
    assert r.exit_code == 0, r.output
    key = json.loads(r.stdout)["key"]
    assert key.startswith("tmec_")
    assert key not in (settings.home / "tmec.db").read_bytes().decode("latin-1")  # stored hashed only
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/v1/rules/7306.30", headers=auth(key)).status_code == 200
        again = run_cli("api-keys", "create", "--name", "broker", "--role", "viewer", env=env)
        assert again.exit_code == 2
        assert run_cli("api-keys", "create", "--name", "x", "--role", "root", env=env).exit_code == 2
        assert run_cli("api-keys", "revoke", "broker", env=env).exit_code == 0
        client.app.state.keys.forget()  # type: ignore[attr-defined]
        assert client.get("/api/v1/rules/7306.30", headers=auth(key)).status_code == 401
    assert run_cli("api-keys", "revoke", "broker", env=env).exit_code == 2


def test_rate_limit_per_key(settings: Settings, keys: dict[str, str]) -> None:
    limited = Settings(home=settings.home, database_url=settings.database_url, rate_limit=5)
    with TestClient(create_app(limited)) as client:
        codes = [
            client.get("/api/v1/rules/7306.30", headers=auth(keys["viewer"])).status_code for _ in range(7)
        ]
        assert codes[:5] == [200] * 5
        assert codes[5:] == [429, 429]
        other = client.get("/api/v1/rules/7306.30", headers=auth(keys["analyst"]))
        assert other.status_code == 200  # per key
        r = client.get("/api/v1/rules/7306.30", headers=auth(keys["viewer"]))
        assert int(r.headers["retry-after"]) >= 1


def test_upload_size_limit(settings: Settings, keys: dict[str, str]) -> None:
    small = Settings(
        home=settings.home, database_url=settings.database_url, rate_limit=0, max_upload_bytes=1000
    )
    with TestClient(create_app(small)) as client:
        r = client.post(
            "/api/v1/verify", content=b"{" + b" " * 2000 + b"}", headers={"Content-Type": "application/json"}
        )
        assert r.status_code == 413
        assert "limit" in r.json()["error"]["message"]

        def chunks() -> Any:
            for _ in range(5):
                yield b" " * 500

        r = client.post("/api/v1/verify", content=chunks(), headers={"Content-Type": "application/json"})
        assert r.status_code == 413


def test_reads_do_not_wait_for_the_write_lock(client: TestClient, keys: dict[str, str]) -> None:
    """Health, the log and key look-ups answer while another transaction holds the store's write lock."""
    import threading

    store = client.app.state.store  # type: ignore[attr-defined]
    held, release = threading.Event(), threading.Event()

    def writer() -> None:
        with store.session():  # BEGIN IMMEDIATE: the write lock, as an issue in progress holds it
            held.set()
            release.wait(30)

    t = threading.Thread(target=writer)
    t.start()
    try:
        assert held.wait(10)
        started = time.monotonic()
        assert client.get("/api/v1/health").status_code == 200
        assert client.get("/api/v1/log/checkpoint").status_code == 200
        assert client.get("/api/v1/rules/7306.30", headers=auth(keys["viewer"])).status_code == 200
        assert time.monotonic() - started < 5
    finally:
        release.set()
        t.join()


def test_job_delete_and_expiry(settings: Settings, keys: dict[str, str], tmp_path: Path) -> None:
    entries = tmp_path / "entries.csv"
    assert run_cli("generate", "entries", str(entries), "--lines", "20", "--year", "2025").exit_code == 0
    files = {"entries": ("entries.csv", entries.read_bytes(), "text/csv")}
    h, other = auth(keys["analyst"]), auth(keys["certifier"])
    root = settings.home / "jobs"
    stale = root / "0123456789abcdef"  # left by an earlier server process: nobody can reach it
    stale.mkdir(parents=True)
    (stale / "results.parquet").write_bytes(b"old")
    old = time.time() - 3 * 3600
    os.utime(stale, (old, old))
    with TestClient(create_app(replace(settings, job_ttl_seconds=3600))) as client:
        assert not stale.exists()  # removed when the server starts
        post = lambda: client.post("/api/v1/jobs/exposure", files=files, headers=h).json()  # noqa: E731
        first = wait(client, post(), keys["analyst"])
        assert (root / first["id"]).is_dir()
        # another analyst cannot delete it; its owner can, and it is gone with its files
        assert client.delete(f"/api/v1/jobs/{first['id']}", headers=other).status_code == 404
        assert client.delete(f"/api/v1/jobs/{first['id']}").status_code == 401
        assert client.delete(f"/api/v1/jobs/{first['id']}", headers=h).status_code == 204
        assert not (root / first["id"]).exists()
        assert client.get(f"/api/v1/jobs/{first['id']}", headers=h).status_code == 404
        assert client.delete(f"/api/v1/jobs/{first['id']}", headers=h).status_code == 404
        # a finished job expires an hour after it ended: its record and its directory
        second = wait(client, post(), keys["analyst"])
        jobs = client.app.state.jobs  # type: ignore[attr-defined]
        assert jobs.expire(now=time.time() + 1800) == []
        assert client.get(f"/api/v1/jobs/{second['id']}", headers=h).status_code == 200
        assert jobs.expire(now=time.time() + 3601) == [second["id"]]
        assert not (root / second["id"]).exists()
        assert client.get(f"/api/v1/jobs/{second['id']}", headers=h).status_code == 404


def test_job_ttl_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMEC_JOB_TTL_HOURS", "2")
    assert Settings.from_env().job_ttl_seconds == 7200
    monkeypatch.setenv("TMEC_JOB_TTL_HOURS", "0")
    assert Settings.from_env().job_ttl_seconds == 0
