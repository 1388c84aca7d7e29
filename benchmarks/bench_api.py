"""The REST API under load, on loopback only: ``POST /api/v1/qualify`` and ``POST /api/v1/verify``.

A real ``tmec serve`` (uvicorn, one process) on a free 127.0.0.1 port with a fresh store; N client
threads (keep-alive connections, ``http.client``) post for a fixed time each, bounded in time and
so in count, then stop.  The qualify case is the bundled ``examples/bearing.yaml`` (a typical
part: nested self-produced rings, an accumulation statement, its own rule); the verify body is a
certificate issued from it.  Baselines in the same run: the library called directly
(``qualify(load_case(...))`` and ``verify_certificate``) in this process.

Sizes: TMEC_BENCH_API_SECONDS per scenario (default 10; the target run uses 60),
TMEC_BENCH_API_CLIENTS (default 20), TMEC_BENCH_API_WORKERS (server processes, default "1"; "1,2"
runs every scenario on ``tmec serve --workers 1`` and then ``--workers 2`` and prints the ratios).
Beside wall-clock figures, the server's CPU seconds (its processes, user + system, from /proc)
are measured per scenario: requests per server CPU second hardly moves with the machine's load.
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


def _start_server(home: Path, port: int, workers: int = 1) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TMEC_HOME": str(home), "TMEC_RATE_LIMIT": "0", "TMEC_KEY_PASSPHRASE": "bench"}
    env.pop("TMEC_DATABASE_URL", None)
    code = "import sys; from tmec.cli import main; sys.exit(main())"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)],
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


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and its descendants (Linux /proc), 0 elsewhere."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{p}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, IndexError, ValueError):
            continue
    return total


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


def _scenarios(
    home: Path, key: str, workers: int, clients: int, seconds: float
) -> tuple[dict[str, dict[str, Any]], bytes, bytes]:
    """Qualify as JSON and as YAML, and verify, on a server of ``workers`` processes."""
    port = _free_port()
    server = _start_server(home, port, workers)
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
        # warm up both paths (imports, caches) in every process before measuring
        for _ in range(20 * workers):
            _request(port, "POST", "/api/v1/qualify", case, {**auth, "Content-Type": "application/yaml"})
            _request(port, "POST", "/api/v1/verify", cert, {"Content-Type": "application/json"})
        case_json = json.dumps(yaml.safe_load(case), default=str).encode()
        runs = {
            "qualify_json": ("/api/v1/qualify", case_json, {**auth, "Content-Type": "application/json"}),
            "qualify_yaml": ("/api/v1/qualify", case, {**auth, "Content-Type": "application/yaml"}),
            "verify": ("/api/v1/verify", cert, {"Content-Type": "application/json"}),
        }
        out = {}
        for name, (path, data, headers) in runs.items():
            cpu0 = _cpu_seconds(server.pid)
            r = _load(port, path, data, headers, clients, seconds)
            r["server_cpu_s"] = _cpu_seconds(server.pid) - cpu0
            out[name] = r
    finally:
        server.terminate()
        server.wait(timeout=30)
    return out, cert, case_json


def run() -> None:
    from tmec.certify.keys import Keyring, PublicKey
    from tmec.certify.verify import verify_certificate
    from tmec.origin import load_case, parse_case, qualify
    from tmec.store.access import create_key
    from tmec.store.db import open_store

    seconds = float(os.environ.get("TMEC_BENCH_API_SECONDS", "10"))
    clients = int(os.environ.get("TMEC_BENCH_API_CLIENTS", "20"))
    workers = [int(w) for w in os.environ.get("TMEC_BENCH_API_WORKERS", "1").split(",") if w.strip()]
    results: dict[int, dict[str, dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="tmec-bench-api-") as tmp:
        home = Path(tmp)
        store = open_store(f"sqlite:///{home / 'tmec.db'}", home=home)
        from tmec.certify.issuer import Issuer

        Issuer(store).init("bench.example/api", b"bench")
        key = create_key(store, "bench", "certifier")
        store.close()
        for n in workers:
            results[n], cert, case_json = _scenarios(home, key, n, clients, seconds)
        env = json.loads(cert)
        keys = Keyring([PublicKey.parse(env["public_key"])])
        direct_qy = _direct(lambda: qualify(load_case(CASE)), min(seconds, 5))
        data = json.loads(case_json)
        direct_qj = _direct(lambda: qualify(parse_case(data)), min(seconds, 5))
        direct_v = _direct(lambda: verify_certificate(env, keys), min(seconds, 5))
        parse = _yaml_parse_cpu(CASE.read_text(encoding="utf-8"))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"  {clients} clients, {seconds:.0f} s each, tmec serve (uvicorn) on {HOST}; load average {load}")
    runs = (
        ("POST /api/v1/qualify, the case as JSON", "qualify_json", direct_qj, "qualify(parse_case(mapping))"),
        (
            "POST /api/v1/qualify, the case as YAML",
            "qualify_yaml",
            direct_qy,
            "qualify(load_case(file.yaml))",
        ),
        (
            "POST /api/v1/verify, certificate.json",
            "verify",
            direct_v,
            "verify_certificate(envelope, keyring)",
        ),
    )
    first = workers[0]
    for name, scenario, base, call in runs:
        print(f"  {name}:")
        for n in workers:
            r = results[n][scenario]
            per_cpu = r["requests"] / r["server_cpu_s"] if r["server_cpu_s"] else float("nan")
            line = (
                f"    {n} worker(s): {r['requests']:,} requests, {r['errors']} errors, {r['rps']:.0f} req/s, "
                f"p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms; "
                f"server CPU {r['server_cpu_s']:.1f} s, {per_cpu:.0f} requests per CPU second"
            )
            if n != first:
                b = results[first][scenario]
                line += (
                    f" (req/s x{r['rps'] / b['rps']:.2f}, p95 x{r['p95_ms'] / b['p95_ms']:.2f} of {first})"
                )
            print(line)
        print(f"    baseline in this process, {call}: {base * 1000:.2f} ms ({1 / base:.0f} a second)")
    py, c = parse["pure Python"], parse["libyaml"]
    print(
        f"  the case's bounded YAML parse (tmec.core.safe_yaml), CPU: libyaml {c * 1000:.2f} ms, "
        f"pure-Python parser {py * 1000:.2f} ms (baseline): {py / c:.1f}x"
    )


if __name__ == "__main__":
    run()
