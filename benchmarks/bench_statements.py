"""Supplier statements at scale.

* import N statements from CSV into a fresh SQLite store (read, validate every row, record every
  statement and its log leaf in one transaction); baseline in the same run: the same rows inserted
  by the driver alone (``executemany``, no validation, no log), the floor of any import;
* requests for a generated portfolio of G goods (``tmec generate portfolio``): qualify it with the
  statements in force, explode the failing goods' bills down to the parts of unknown origin, rank
  per supplier and part; baseline: the portfolio qualification alone (load, roll-up, every good).

Sizes: TMEC_BENCH_STATEMENTS (default 100,000), TMEC_BENCH_REQUEST_GOODS (default 20,000).
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import tempfile
import time
from pathlib import Path

DAY = dt.date(2026, 3, 2)


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


def bench_requests(tmp: Path, goods: int) -> None:
    from tmec.engine import connect, generate_portfolio, load_portfolio, qualify_goods
    from tmec.engine.requests import portfolio_requests

    bom = tmp / "bom"
    generate_portfolio(bom, goods=goods, seed=1)
    with connect("duckdb") as e:
        t0 = time.perf_counter()
        qualify_goods(load_portfolio(e, bom, DAY), flips=0)
        base_s = time.perf_counter() - t0
    with connect("duckdb") as e:
        t0 = time.perf_counter()
        found = portfolio_requests(e, bom, DAY, [])
        req_s = time.perf_counter() - t0
    goods_covered = len({g for r in found for g in r.goods})
    print(
        f"requests for {goods:,} goods: {req_s:.2f} s ({len(found):,} parts to ask about, "
        f"covering {goods_covered:,} failing goods; top: {found[0].part if found else '-'} in "
        f"{len(found[0].goods) if found else 0} goods); baseline portfolio qualification {base_s:.2f} s",
        flush=True,
    )


def run() -> None:
    n = int(os.environ.get("TMEC_BENCH_STATEMENTS", "100000"))
    goods = int(os.environ.get("TMEC_BENCH_REQUEST_GOODS", "20000"))
    with tempfile.TemporaryDirectory() as d:
        bench_import(Path(d), n)
    with tempfile.TemporaryDirectory() as d:
        bench_requests(Path(d), goods)


if __name__ == "__main__":
    run()
