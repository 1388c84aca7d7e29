"""Several server processes on one store (``tmec serve --workers N``): a sign-in and a job made
through one are seen by the others."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient

from tests.api.conftest import EXAMPLES, auth
from tests.api.test_jobs_access import wait
from tmec.api import Settings, create_app
from tmec.cli import main


def test_two_apps_share_sessions_and_jobs(settings: Settings, keys: dict[str, str], tmp_path: Path) -> None:
    entries = tmp_path / "entries.csv"
    assert CliRunner().invoke(main, ["generate", "entries", str(entries), "--lines", "30"]).exit_code == 0
    with TestClient(create_app(settings)) as a, TestClient(create_app(settings)) as b:
        # signed in through one process, known to the other (the browser sends the same cookie)
        a.get("/login")
        a.post("/login", data={"key": keys["analyst"], "csrf": a.cookies.get("tmec_csrf")})
        session = a.cookies.get("tmec_session")
        assert session and keys["analyst"] not in session
        b.cookies.set("tmec_session", session)
        assert b.get("/qualify", follow_redirects=False).status_code == 200
        # a job accepted by one, followed, downloaded and deleted through the other
        h = auth(keys["analyst"])
        files = {"entries": ("entries.csv", entries.read_bytes(), "text/csv")}
        job = a.post("/api/v1/jobs/exposure", files=files, headers=h).json()
        done = wait(b, job, keys["analyst"])
        assert done["state"] == "done" and done["summary"]["lines"] >= 30, done
        assert b.get(done["results"]["csv"], headers=h).status_code == 200
        assert b.delete(f"/api/v1/jobs/{job['id']}", headers=h).status_code == 204
        assert a.get(f"/api/v1/jobs/{job['id']}", headers=h).status_code == 404
        # signed out through the other: the session is gone for both
        a.cookies.set("tmec_csrf", b.cookies.get("tmec_csrf") or "")
        b.post("/logout", data={"csrf": b.cookies.get("tmec_csrf")})
        assert a.get("/qualify", follow_redirects=False).status_code == 303


def test_a_job_whose_process_stopped_is_failed(settings: Settings, keys: dict[str, str]) -> None:
    from tmec.store.db import open_store
    from tmec.store.models import ServiceJobRow

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    store = open_store(settings.database_url, home=settings.home)
    worker = f"{socket.gethostname()}:{dead.pid}"
    with store.session() as s:
        s.add(ServiceJobRow(id="00000000000000aa", kind="exposure", owner="analyst-key", state="running",
                            done=3, total=10, created=time.time(), worker=worker))  # fmt: skip
    store.close()
    with TestClient(create_app(settings)) as c:
        job = c.get("/api/v1/jobs/00000000000000aa", headers=auth(keys["analyst"])).json()
    assert job["state"] == "failed"
    assert "stopped" in job["error"]["message"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_with_two_workers(home: Path, keys: dict[str, str]) -> None:
    port = _free_port()
    env = {**os.environ, "TMEC_HOME": str(home), "TMEC_RATE_LIMIT": "0"}
    env.pop("TMEC_DATABASE_URL", None)
    code = "import sys; from tmec.cli import main; sys.exit(main())"
    args = [sys.executable, "-c", code, "serve", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while True:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                conn.request("GET", "/api/v1/health")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
            finally:
                conn.close()
        case = (EXAMPLES / "bearing.yaml").read_bytes()
        for _ in range(6):  # new connections: the kernel spreads them over both processes
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            headers = {**auth(keys["analyst"]), "Content-Type": "application/yaml"}
            conn.request("POST", "/api/v1/qualify", body=case, headers=headers)
            r = conn.getresponse()
            body = r.read()
            conn.close()
            assert r.status == 200 and b'"originating": true' in body
    finally:
        server.terminate()
        server.wait(timeout=30)
