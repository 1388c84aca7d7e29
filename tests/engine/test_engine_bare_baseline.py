"""The benchmark's bare baseline computes what tmec computes: the same VNM and net cost for every good.

The ratio of tmec's portfolio qualification to the bare level-by-level SQL roll-up
(benchmarks/bench_engine.py, BENCHMARKS.md) only means something if the baseline
does the same sums; this holds it to tmec's results to the last digit.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import duckdb

from tmec.engine import Engine, generate_portfolio, load_portfolio, qualify_goods

DAY = dt.date(2026, 3, 2)


def _bench() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_engine.py"
    spec = importlib.util.spec_from_file_location("bench_engine_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bare_baseline_gives_tmecs_vnm_and_net_cost_for_every_good(duck: Engine, tmp_path: Path) -> None:
    generate_portfolio(tmp_path, goods=60, seed=7)
    result = qualify_goods(load_portfolio(duck, tmp_path, DAY), flips=0)
    conn = duckdb.connect()
    try:
        bare = {r["good_id"]: r for r in _bench().bare_rollup(conn, tmp_path).to_pylist()}
    finally:
        conn.close()
    assert len(bare) == len(result.goods) == 60
    for g in result.goods:
        assert g.error is None, g.error
        assert (bare[g.good_id]["vnm"], bare[g.good_id]["net_cost"]) == (g.vnm, g.net_cost), g.good_id


def test_bare_baseline_rolls_up_through_every_level(tmp_path: Path) -> None:
    # G <- A (x2) <- P1 (x1.5, non-originating, statement VNM 3) and P2 (originating, 4); G <- P1 (x0.25).
    # VNM (net cost method) counts P1's value: (2 x 1.5 + 0.25) x 10 = 32.5; net cost adds the
    # originating 2 x 4, the cost lines 1 + 2 + 3 and takes off the excluded 0.5.
    costs = (
        ("transaction_value", 100), ("international_shipping", 0), ("other_product_costs", 1),
        ("period_costs", 2), ("other_costs", 3), ("sales_promotion", 0.5), ("royalties", 0),
        ("shipping_packing", 0), ("non_allowable_interest", 0),
    )  # fmt: skip
    tables = {
        "goods": "SELECT 'G' AS good_id, '870899' AS hs, "
        + ", ".join(f"CAST({v} AS DECIMAL(18,4)) AS {c}" for c, v in costs),
        "parts": "SELECT part_id, origin, CAST(value AS DECIMAL(18,4)) AS value, "
        "CAST(statement_vnm AS DECIMAL(18,4)) AS statement_vnm FROM (VALUES ('G', NULL, NULL, NULL), "
        "('A', NULL, NULL, NULL), ('P1', 'non_originating', 10, 3), ('P2', 'originating', 4, NULL)) "
        "t(part_id, origin, value, statement_vnm)",
        "edges": "SELECT parent, child, CAST(quantity AS DECIMAL(9,3)) AS quantity FROM (VALUES "
        "('G', 'A', 2), ('A', 'P1', 1.5), ('A', 'P2', 1), ('G', 'P1', 0.25)) t(parent, child, quantity)",
    }
    conn = duckdb.connect()
    try:
        for name, sql in tables.items():
            conn.execute(f"COPY ({sql}) TO '{tmp_path / name}.parquet' (FORMAT parquet)")
        rows = _bench().bare_rollup(conn, tmp_path).to_pylist()
    finally:
        conn.close()
    assert [(r["good_id"], r["vnm"], r["net_cost"]) for r in rows] == [
        ("G", Decimal("32.5"), Decimal("32.5") + 8 + 6 - Decimal("0.5"))
    ]
