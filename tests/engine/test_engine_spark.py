"""The same pipelines on Apache Spark (local mode): the same answers as the single-good/-entry paths.

Few and small: a JVM start costs seconds.  Skipped, with the reason, without
PySpark or Java; ``TMEC_REQUIRE_SPARK=1`` (CI) turns the skip into a failure.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from bom_oracle import qualify_by_hand
from test_engine_exposure import by_hand, engine_lines

from tmec.engine import Engine, generate_entries, generate_portfolio, load_portfolio, qualify_goods
from tmec.engine.exposure import price_exposure
from tmec.engine.whereused import Change, requalify
from tmec.tariffs import default_tables

pytestmark = pytest.mark.spark
DAY = dt.date(2026, 3, 2)


def test_portfolio_on_spark_equals_single_good_path(spark_engine: Engine, tmp_path: Path) -> None:
    generate_portfolio(tmp_path, goods=8, seed=11, fmt="csv")
    p = load_portfolio(spark_engine, tmp_path, DAY)
    result = qualify_goods(p)
    want = qualify_by_hand(tmp_path, DAY)
    assert len(result.goods) == 8
    for g in result.goods:
        det = want[g.good_id]
        assert (g.originating, g.criterion, g.vnm, g.net_cost, g.adjusted_tv) == (
            det.originating, det.criterion, det.vnm, det.net_cost, det.adjusted_tv
        ), g.good_id  # fmt: skip
    again = requalify(p, [Change("P0000001", origin="originating")])
    assert {g.good_id for g in again.goods} <= {g.good_id for g in result.goods}


def test_exposure_on_spark_equals_price_entry(spark_engine: Engine, tmp_path: Path) -> None:
    entries = tmp_path / "entries.csv"
    generate_entries(entries, lines=120, seed=8, year=2025)
    out = tmp_path / "lines.parquet"
    price_exposure(spark_engine, entries, lines_out=out)
    assert engine_lines(out) == by_hand(entries, default_tables())


def test_a_sum_beyond_the_roll_up_is_bad_input_on_spark(spark_engine: Engine, tmp_path: Path) -> None:
    """Spark runs in ANSI mode: a sum past DECIMAL(28,18) is refused, and named, as on DuckDB."""
    from tmec.core.errors import InputError

    (tmp_path / "goods.csv").write_text("good_id,hs,transaction_value\nG1,870830,100\n")
    (tmp_path / "parts.csv").write_text(
        "part_id,hs,origin,value\nG1,870830,,\nA,870899,,\nB,720851,non_originating,6000000000\n"
    )
    (tmp_path / "edges.csv").write_text("parent,child,quantity\nG1,A,1\nA,B,2\n")
    with pytest.raises(InputError, match=r"reaches 10\^10 at level 1 of the roll-up \(first: A\)"):
        load_portfolio(spark_engine, tmp_path, DAY)
