"""Supplier statements at scale.

* import N statements from CSV into a fresh SQLite store (read, validate every row, record every
  statement and its log leaf in one transaction); baseline in the same run: the same rows inserted
  by the driver alone (``executemany``, no validation, no log), the floor of any import;
* requests for a generated portfolio of G goods (``tmec generate portfolio``): qualify it with the
  statements in force, explode the failing goods' bills down to the parts of unknown origin, rank
  per supplier and part; baseline: the portfolio qualification alone (load, roll-up, every good).

* re-qualification after a withdrawal (``tmec statements withdraw --bom``): origin statements
  settle 200 parts of unknown origin of the same portfolio; one is withdrawn and the goods that
  used it are re-qualified where-used; baseline: the engine's own where-used re-qualification of
  the same change (``requalify`` with the part's origin back to unknown), the speed it has today.

Every figure is CPU seconds of this process (DuckDB's threads included) first, then wall.
Sizes: TMEC_BENCH_STATEMENTS (default 100,000), TMEC_BENCH_REQUEST_GOODS (default 20,000),
TMEC_BENCH_WITHDRAW_GOODS (default 2,000); TMEC_BENCH_REQUEST_RUNS (default 2): runs of each form of
the whole ``requests`` command (table, ``--json``), in turn.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import sqlite3
import tempfile
import time
from pathlib import Path

DAY = dt.date(2026, 3, 2)


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _csv(path: Path, n: int) -> None:
    rows = ["kind,supplier,part,hs,origin,valid_from,valid_to,signed_by"]
    rows += [
        f"origin,Supplier {i % 700},P{i:07d},7210.49,{'originating' if i % 3 else 'non_originating'},"
        f"2026-01-01,2026-12-31,J. Smith"
        for i in range(n)
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def bench_import(tmp: Path, n: int) -> None:
    from tmec.statements.files import load_statements
    from tmec.store.db import open_store
    from tmec.store.statements import StatementBook

    src = tmp / "statements.csv"
    _csv(src, n)
    store = open_store(f"sqlite:///{tmp / 'import.db'}", home=tmp)
    t0 = time.perf_counter()
    statements = load_statements(src)
    read_s = time.perf_counter() - t0
    done = StatementBook(store).record(statements)
    total_s = time.perf_counter() - t0
    store.close()
    assert done.new == n
    # baseline: the driver alone, same rows, one transaction
    con = sqlite3.connect(tmp / "floor.db", isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = FULL")
    con.execute("CREATE TABLE s (id TEXT PRIMARY KEY, kind, supplier, part, hs, origin, vf, vt, signed)")
    lines = src.read_text().splitlines()[1:]
    t0 = time.perf_counter()
    con.execute("BEGIN")
    con.executemany(
        "INSERT INTO s VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ((str(i), *line.split(",")) for i, line in enumerate(lines)),
    )
    con.execute("COMMIT")
    floor_s = time.perf_counter() - t0
    con.close()
    print(
        f"import {n:,} statements: {total_s:.2f} s (read and validate {read_s:.2f} s, record with "
        f"{n:,} log leaves {total_s - read_s:.2f} s); baseline driver-only insert {floor_s:.2f} s",
        flush=True,
    )


def _figure(cpu: float, wall: float) -> str:
    return f"cpu {cpu:.2f} s (wall {wall:.2f} s)"


def bench_requests(tmp: Path, goods: int) -> None:
    import sys

    from benchmarks.bench_cli import _timed
    from tmec.engine import connect, generate_portfolio, load_portfolio, qualify_goods
    from tmec.engine.requests import portfolio_requests
    from tmec.statements.requests_json import requests_json

    bom = tmp / "bom"
    generate_portfolio(bom, goods=goods, seed=1)
    with connect("duckdb") as e:  # baseline: the portfolio qualification alone
        c0, t0 = _cpu(), time.perf_counter()
        result = qualify_goods(load_portfolio(e, bom, DAY), flips=0)
        base = (_cpu() - c0, time.perf_counter() - t0)
    with connect("duckdb") as e:  # qualify, explode the failing goods' bills, rank, the JSON text
        c0, t0 = _cpu(), time.perf_counter()
        found = portfolio_requests(e, bom, DAY, [])
        c1, t1 = _cpu(), time.perf_counter()
        size = sum(map(len, requests_json(found)))
        c2, t2 = _cpu(), time.perf_counter()
    pairs = sum(len(r.goods) for r in found)
    print(
        f"requests for {goods:,} goods in process: {_figure(c1 - c0, t1 - t0)}, "
        f"ratio {(c1 - c0) / base[0]:.2f}x the baseline, the portfolio qualification alone "
        f"{_figure(*base)}; their JSON text {_figure(c2 - c1, t2 - t1)}; {len(found):,} parts to ask "
        f"about, {pairs:,} (good, part) pairs, "
        f"{len(result.failing):,} failing goods, {size / 1e6:.0f} MB of JSON",
        flush=True,
    )
    # The whole command as a user runs it: a fresh process, its output to /dev/null.
    src = str(Path(__file__).resolve().parent.parent / "src")
    env = {**os.environ, "TMEC_HOME": str(tmp / "home"), "PYTHONPATH": os.pathsep.join([src, *sys.path])}
    env.pop("TMEC_DATABASE_URL", None)
    command = [sys.executable, "-c", "import sys; from tmec.cli import main; sys.exit(main())"]
    command += ["statements", "requests", str(bom), "--date", DAY.isoformat()]
    # Two quiet runs of the same command differ by 10-20 % on the project's machine: each form runs
    # ``runs`` times, in turn with the other, and every run is printed with the best.
    runs = int(os.environ.get("TMEC_BENCH_REQUEST_RUNS", "2"))
    forms: tuple[tuple[str, list[str]], ...] = (("table", []), ("--json", ["--json"]))
    seen: dict[str, list[tuple[float, float]]] = {label: [] for label, _ in forms}
    for _ in range(runs):
        for label, extra in forms:
            seen[label].append(_timed([*command, *extra], env, tmp))
    for label, figures in seen.items():
        best = min(figures, key=lambda f: f[1])
        print(
            f"  the whole command ({label}), best of {runs} by wall: {_figure(*best)}, ratio "
            f"{best[0] / base[0]:.2f}x the baseline's CPU (target: under 10 s wall); every run: "
            + "; ".join(_figure(*f) for f in figures),
            flush=True,
        )


def bench_withdraw(tmp: Path, goods: int) -> None:
    import duckdb

    from tmec.engine import connect, generate_portfolio, load_portfolio, qualify_goods
    from tmec.engine.requests import _reverts
    from tmec.engine.whereused import Change, requalify
    from tmec.statements.parse import parse_rows

    bom = tmp / "bom"
    generate_portfolio(bom, goods=goods, seed=1)
    # The generator names no suppliers: every bought part gets one of 50.
    src = bom / "parts.parquet"
    duckdb.sql(
        f"COPY (SELECT *, 'Supplier ' || CAST(hash(part_id) % 50 AS VARCHAR) AS supplier FROM '{src}') "
        f"TO '{tmp / 'parts.parquet'}' (FORMAT PARQUET)"
    )
    (tmp / "parts.parquet").replace(src)
    parts = duckdb.sql(
        f"SELECT part_id, supplier FROM '{src}' WHERE origin = 'unknown' ORDER BY part_id LIMIT 200"
    ).fetchall()
    rows = [
        (n, {"kind": "origin", "supplier": sup, "part": pid, "hs": "7210.49", "origin": "originating",
             "valid_from": "2026-01-01", "valid_to": "2026-12-31", "signed_by": "J. Smith"})
        for n, (pid, sup) in enumerate(parts, start=2)
    ]  # fmt: skip
    statements = parse_rows(rows, source="bench")
    figures = {}
    for what in ("baseline", "withdraw", "baseline", "withdraw"):
        with connect("duckdb") as e:
            p = load_portfolio(e, bom, DAY, statements=statements)
            qualify_goods(p, flips=0)
            gone = statements[0]
            if what == "withdraw":
                c0, t0 = _cpu(), time.perf_counter()
                _, back, _ = _reverts(p, {gone.id: gone})
                result = requalify(p, back)
            else:
                c0, t0 = _cpu(), time.perf_counter()
                result = requalify(p, [Change(str(gone.part), origin="unknown")])
            figures.setdefault(what, []).append((_cpu() - c0, time.perf_counter() - t0, len(result.goods)))
    (wc, ww, n), (bc, bw, _) = min(figures["withdraw"]), min(figures["baseline"])
    print(
        f"re-qualify after a withdrawal ({goods:,} goods, {n} re-qualified where-used, paths "
        f"{result.paths}): cpu {wc:.3f} s (wall {ww:.3f} s); baseline engine where-used re-qualification "
        f"of the same change cpu {bc:.3f} s (wall {bw:.3f} s), ratio {wc / bc:.2f}x "
        "(best of 2 each, alternated)",
        flush=True,
    )


def run() -> None:
    n = int(os.environ.get("TMEC_BENCH_STATEMENTS", "100000"))
    goods = int(os.environ.get("TMEC_BENCH_REQUEST_GOODS", "20000"))
    withdraw_goods = int(os.environ.get("TMEC_BENCH_WITHDRAW_GOODS", "2000"))
    with tempfile.TemporaryDirectory() as d:
        bench_import(Path(d), n)
    with tempfile.TemporaryDirectory() as d:
        bench_withdraw(Path(d), withdraw_goods)
    with tempfile.TemporaryDirectory() as d:
        bench_requests(Path(d), goods)


if __name__ == "__main__":
    run()
