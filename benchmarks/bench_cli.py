"""The start of a command, and certificates issued by the batch form (issue 18, CLI targets).

Whole-process figures, as a user waits for them: each command run as a fresh process (the `tmec`
entry point of this interpreter), a warm-up then TMEC_BENCH_CLI_RUNS runs (default 5); the CPU
seconds (user + sys, the children's rusage) and the wall seconds, medians.  Baseline in the same
run: ``python -c pass`` (the interpreter's own start).

* ``tmec --version``; ``tmec qualify examples/bearing.yaml`` (a store with an issuer at hand, as a
  user's machine has); ``tmec duty`` of one line (reading the law kept by an earlier run, then with
  the law built at every start, ``TMEC_LAW_CACHE=0``, and once after a change to the law: the cache
  emptied before each run); ``tmec verify`` of a certificate.json and of a certificate.pdf;
  ``tmec certify`` of one good;
* the batch form: ``tmec certify`` of TMEC_BENCH_CLI_BATCH cases (default 100) in one process, one
  transaction — certificates per second of CPU and of wall, against one ``tmec certify`` per good;
* a portfolio's qualifying goods: ``tmec certify --portfolio BOM_DIR`` over a generated portfolio of
  TMEC_BENCH_CLI_PORTFOLIO goods (default 200), one certificate per qualifying good and one blanket
  certification of them all (the portfolio's qualification included).

Bytecode is written (``PYTHONDONTWRITEBYTECODE`` is dropped for the children): an installed tmec
has its ``.pyc`` files, and without them every run compiles tmec's sources again.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TMEC = [sys.executable, "-c", "import sys; from tmec.cli import main; sys.exit(main())"]
TARGETS = {
    "version": 0.15,
    "qualify": 0.4,
    "duty": 0.4,
    "verify-json": 0.4,
    "verify-pdf": 0.4,
    "verify-pdf-fpdf2": 0.4,
    "certify": 0.6,
}


def _timed(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(argv, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def _median(
    argv: list[str], env: dict[str, str], cwd: Path, runs: int, before: Callable[[], object] = lambda: None
) -> tuple[float, float]:
    _timed(argv, env, cwd)  # warm-up: the OS's file cache, .pyc files, the compiled law
    samples = []
    for _ in range(runs):
        before()
        samples.append(_timed(argv, env, cwd))
    return statistics.median(c for c, _ in samples), statistics.median(w for _, w in samples)


def _law_built(name: str, argv: list[str], env: dict[str, str], cwd: Path, runs: int) -> None:
    """``tmec duty`` reading the law kept by an earlier run (the rows above) against building it:
    at every start (the cache turned off) and once after a change to the law (the cache emptied)."""
    cache = Path(env["TMEC_HOME"]) / "cache" / "law"
    off_cpu, off_wall = _median(argv, {**env, "TMEC_LAW_CACHE": "0"}, cwd, runs)

    def empty() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    cold_cpu, cold_wall = _median(argv, env, cwd, runs, before=empty)
    print(f"{name + ', law built':<16} {off_cpu:7.3f} {off_wall:7.3f}  (TMEC_LAW_CACHE=0: at every start)")
    print(f"{name + ', cold':<16} {cold_cpu:7.3f} {cold_wall:7.3f}  (the first run after the law changed)")


def run() -> None:
    runs = int(os.environ.get("TMEC_BENCH_CLI_RUNS", "5"))
    batch = int(os.environ.get("TMEC_BENCH_CLI_BATCH", "100"))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
            "TMEC_HOME": str(tmp / "home"),
            "TMEC_KEY_PASSPHRASE": "a passphrase for the benchmark",
        }
        env.pop("TMEC_DATABASE_URL", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        certifier = ["--certifier", str(EXAMPLES / "certifier.yaml"), "--invoice", "INV-1"]
        subprocess.run([*TMEC, "init", "--origin", "bench.example/cli"], env=env, cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        subprocess.run([*TMEC, "certify", str(EXAMPLES / "bearing.yaml"), *certifier, "--out", "cert"],
                       env=env, cwd=tmp, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        _old_renderer_pdf(tmp)
        commands = {
            "version": ["--version"],
            "qualify": ["qualify", str(EXAMPLES / "bearing.yaml")],
            "duty": [
                "duty",
                "--hts",
                "7208.39.00",
                "--origin",
                "MX",
                "--value",
                "1000",
                "--date",
                "2025-06-01",
            ],
            "verify-json": ["verify", "cert/certificate.json"],
            "verify-pdf": ["verify", "cert/certificate.pdf"],
            "verify-pdf-fpdf2": ["verify", "old.pdf"],
            "certify": ["certify", str(EXAMPLES / "bearing.yaml"), *certifier],
        }
        base_cpu, base_wall = _median([sys.executable, "-c", "pass"], env, tmp, runs)
        print(f"baseline python -c pass: {base_cpu:.3f} s CPU, {base_wall:.3f} s wall")
        print(f"{'command':<16} {'CPU s':>7} {'wall s':>7} {'target':>7}  met (CPU)")
        single_cpu = single_wall = 0.0
        for name, args in commands.items():
            cpu, wall = _median([*TMEC, *args], env, tmp, runs)
            if name == "certify":
                single_cpu, single_wall = cpu, wall
            verdict = "yes" if cpu < TARGETS[name] else "no"
            print(f"{name:<16} {cpu:7.3f} {wall:7.3f} {TARGETS[name]:7.2f}  {verdict}")
            if name == "duty":
                _law_built(name, [*TMEC, *args], env, tmp, runs)
        cases = [str(EXAMPLES / "bearing.yaml")] * batch
        cpu, wall = _timed([*TMEC, "certify", *cases, *certifier, "--out", "batch"], env, tmp)
        issued = sum(1 for p in (tmp / "batch").iterdir() if (p / "certificate.pdf").is_file())
        assert issued == batch, issued
        rate_cpu, rate_wall = batch / cpu, batch / wall
        print(f"batch of {batch}: {cpu:.2f} s CPU, {wall:.2f} s wall = {rate_cpu:.1f} certificates/s of CPU,")
        print(f"  {rate_wall:.1f}/s of wall (target 100/s); one `tmec certify` per good (baseline):")
        one_cpu, one_wall = 1 / single_cpu, 1 / single_wall
        print(f"  {one_cpu:.2f}/s of CPU, {one_wall:.2f}/s of wall; ratio {rate_cpu / one_cpu:.1f}x")
        _portfolio(tmp, env, int(os.environ.get("TMEC_BENCH_CLI_PORTFOLIO", "200")))


def _old_renderer_pdf(tmp: Path) -> None:
    """old.pdf: the certificate as the fpdf2 renderer of earlier releases drew it."""
    import json

    from tmec.certify.pdf_fpdf2 import render_pdf

    envelope = json.loads((tmp / "cert" / "certificate.json").read_text())
    (tmp / "old.pdf").write_bytes(render_pdf(envelope))


def _portfolio(tmp: Path, env: dict[str, str], n: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    bom = tmp / "bom"
    generate = [*TMEC, "generate", "portfolio", str(bom), "--goods", str(n)]
    subprocess.run(generate, env=env, cwd=tmp, check=True, stdout=subprocess.DEVNULL)
    goods = pq.read_table(bom / "goods.parquet")  # a certification needs each good's description
    names = pa.array([f"Part {g}, machined steel" for g in goods.column("good_id").to_pylist()])
    pq.write_table(goods.append_column("description", names), bom / "goods.parquet")
    base = [
        "certify",
        "--portfolio",
        str(bom),
        "--on",
        "2025-06-01",
        "--certifier",
        str(EXAMPLES / "certifier.yaml"),
    ]
    cpu, wall = _timed([*TMEC, *base, "--invoice", "INV-P", "--out", "each"], env, tmp)
    issued = sum(1 for p in (tmp / "each").iterdir() if (p / "certificate.pdf").is_file())
    print(f"portfolio of {n} goods, one certificate per qualifying good: {issued} certificates,")
    print(
        f"  {cpu:.2f} s CPU, {wall:.2f} s wall = {issued / cpu:.1f}/s of CPU, {issued / wall:.1f}/s of wall"
    )
    print("  (the portfolio's qualification included)")
    period = ["--blanket", "--blanket-from", "2025-01-01", "--blanket-to", "2025-12-31"]
    cpu, wall = _timed([*TMEC, *base, *period, "--out", "blanket"], env, tmp)
    pages = (tmp / "blanket" / "certificate.pdf").read_bytes().count(b"/Type /Page ")
    print(f"portfolio of {n} goods, one blanket certification of the {issued}:")
    print(f"  {cpu:.2f} s CPU, {wall:.2f} s wall, {pages} pages")
