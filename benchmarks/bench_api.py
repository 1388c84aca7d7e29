"""The REST API under load, on loopback only: ``POST /api/v1/qualify`` and ``POST /api/v1/verify``.

A real ``tmec serve`` (uvicorn, one process) on a free 127.0.0.1 port with a fresh store; N client
threads (keep-alive connections, ``http.client``) post for a fixed time each, bounded in time and
so in count, then stop.  The qualify case is the bundled ``examples/bearing.yaml`` (a typical
part: nested self-produced rings, an accumulation statement, its own rule); the verify body is a
certificate issued from it.  Baselines in the same run: the library called directly
(``qualify(load_case(...))`` and ``verify_certificate``) in this process.

Sizes: TMEC_BENCH_API_SECONDS per scenario (default 10; the target run uses 60),
TMEC_BENCH_API_CLIENTS (default 20).
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "examples" / "bearing.yaml"
HOST = "127.0.0.1"  # loopback only


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _start_server(home: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TMEC_HOME": str(home), "TMEC_RATE_LIMIT": "0", "TMEC_KEY_PASSPHRASE": "bench"}
    env.pop("TMEC_DATABASE_URL", None)
    code = "import sys; from tmec.cli import main; sys.exit(main())"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--host", HOST, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/api/v1/health")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("tmec serve did not start")


def _request(
    port: int, method: str, path: str, body: bytes | None, headers: dict[str, str]
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    return r.status, r.read()


def _load(
    port: int, path: str, body: bytes, headers: dict[str, str], clients: int, seconds: float
) -> dict[str, Any]:
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client(i: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        start.wait()
        while time.perf_counter() < stop_at[0]:
            t0 = time.perf_counter()
            conn.request("POST", path, body=body, headers=headers)
            r = conn.getresponse()
            r.read()
            latencies[i].append(time.perf_counter() - t0)
            if r.status != 200:
                errors[i] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    stop_at[0] = time.perf_counter() + seconds
    t0 = time.perf_counter()
    start.wait()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    every = sorted(x for lat in latencies for x in lat)
    q = statistics.quantiles(every, n=100)
    return {
        "requests": len(every),
        "errors": sum(errors),
        "rps": len(every) / wall,
        "p50_ms": q[49] * 1000,
        "p95_ms": q[94] * 1000,
        "p99_ms": q[98] * 1000,
    }


def _direct(fn: Any, seconds: float) -> float:
    """Mean seconds per call of ``fn`` in this process, over about ``seconds``."""
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        fn()
        n += 1
    return (time.perf_counter() - t0) / n


def _yaml_parse_cpu(text: str, rounds: int = 3, n: int = 100) -> dict[str, float]:
    """CPU seconds per parse of ``text`` by the bounded loader on PyYAML's pure-Python parser and on
    libyaml's (the one the server uses), alternated in this process."""
    from tmec.core import safe_yaml

    loaders = {"pure Python": safe_yaml._BoundedLoader, "libyaml": safe_yaml._LOADER}
    best: dict[str, float] = {}
    saved = safe_yaml._LOADER
    try:
        for _ in range(rounds):
            for name, loader in loaders.items():
                safe_yaml._LOADER = loader
                t0 = time.process_time()
                for _ in range(n):
                    safe_yaml.load_yaml_text(text)
                per = (time.process_time() - t0) / n
                best[name] = min(best.get(name, per), per)
    finally:
        safe_yaml._LOADER = saved
    return best


def run() -> None:
    from tmec.certify.keys import Keyring, PublicKey
    from tmec.certify.verify import verify_certificate
    from tmec.origin import load_case, parse_case, qualify
    from tmec.store.access import create_key
    from tmec.store.db import open_store

    seconds = float(os.environ.get("TMEC_BENCH_API_SECONDS", "10"))
    clients = int(os.environ.get("TMEC_BENCH_API_CLIENTS", "20"))
    with tempfile.TemporaryDirectory(prefix="tmec-bench-api-") as tmp:
        home = Path(tmp)
        store = open_store(f"sqlite:///{home / 'tmec.db'}", home=home)
        from tmec.certify.issuer import Issuer

        Issuer(store).init("bench.example/api", b"bench")
        key = create_key(store, "bench", "certifier")
        store.close()
        port = _free_port()
        server = _start_server(home, port)
        try:
            auth = {"Authorization": f"Bearer {key}"}
            case = CASE.read_bytes()
            body = {
                "parties": yaml.safe_load((ROOT / "examples" / "certifier.yaml").read_text(encoding="utf-8")),
                "case_yaml": case.decode(),
                "blanket_from": "2025-01-01",
                "blanket_to": "2025-12-31",
            }
            status, issued = _request(
                port,
                "POST",
                "/api/v1/certificates",
                json.dumps(body).encode(),
                {**auth, "Content-Type": "application/json"},
            )
            assert status == 201, issued
            cid = json.loads(issued)["certificate_id"]
            _, cert = _request(port, "GET", f"/api/v1/certificates/{cid}", None, auth)
            # warm up both paths (imports, caches) before measuring
            for _ in range(20):
                _request(port, "POST", "/api/v1/qualify", case, {**auth, "Content-Type": "application/yaml"})
                _request(port, "POST", "/api/v1/verify", cert, {"Content-Type": "application/json"})
            case_json = json.dumps(yaml.safe_load(case), default=str).encode()
            as_json = {**auth, "Content-Type": "application/json"}
            qj = _load(port, "/api/v1/qualify", case_json, as_json, clients, seconds)
            as_yaml = {**auth, "Content-Type": "application/yaml"}
            qy = _load(port, "/api/v1/qualify", case, as_yaml, clients, seconds)
            v = _load(port, "/api/v1/verify", cert, {"Content-Type": "application/json"}, clients, seconds)
        finally:
            server.terminate()
            server.wait(timeout=30)
        env = json.loads(cert)
        keys = Keyring([PublicKey.parse(env["public_key"])])
        direct_qy = _direct(lambda: qualify(load_case(CASE)), min(seconds, 5))
        data = json.loads(case_json)
        direct_qj = _direct(lambda: qualify(parse_case(data)), min(seconds, 5))
        direct_v = _direct(lambda: verify_certificate(env, keys), min(seconds, 5))
        parse = _yaml_parse_cpu(case.decode())
    print(f"  {clients} clients, {seconds:.0f} s each, tmec serve (uvicorn, 1 process) on {HOST}")
    runs = (
        ("POST /api/v1/qualify, the case as JSON", qj, direct_qj, "qualify(parse_case(mapping))"),
        ("POST /api/v1/qualify, the case as YAML", qy, direct_qy, "qualify(load_case(file.yaml))"),
        ("POST /api/v1/verify, certificate.json", v, direct_v, "verify_certificate(envelope, keyring)"),
    )
    for name, r, base, call in runs:
        print(
            f"  {name}: {r['requests']:,} requests, {r['errors']} errors, {r['rps']:.0f} req/s, "
            f"p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms"
        )
        print(f"    baseline in this process, {call}: {base * 1000:.2f} ms ({1 / base:.0f} a second)")
    py, c = parse["pure Python"], parse["libyaml"]
    print(
        f"  the case's bounded YAML parse (tmec.core.safe_yaml), CPU: libyaml {c * 1000:.2f} ms, "
        f"pure-Python parser {py * 1000:.2f} ms (baseline): {py / c:.1f}x"
    )


if __name__ == "__main__":
    run()
