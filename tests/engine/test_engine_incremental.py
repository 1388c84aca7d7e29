"""Where-used re-qualification gives what a full run on the changed data gives, and touches only users."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from tmec.engine import Engine, generate_portfolio, load_portfolio, qualify_goods
from tmec.engine.whereused import Change, requalify

DAY = dt.date(2026, 3, 2)


def _rewrite_parts(directory: Path, changes: dict[str, dict[str, str]]) -> None:
    path = directory / "parts.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r.update(changes.get(r["part_id"], {}))
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def _key(g: object) -> tuple[object, ...]:
    return tuple(getattr(g, f) for f in ("originating", "criterion", "vnm", "net_cost", "rvc_tv", "rvc_nc"))


@pytest.mark.parametrize("in_memory", [50_000, 0], ids=["in-memory", "engine"])
def test_requalify_equals_full_run_on_changed_data(duck: Engine, tmp_path: Path, in_memory: int) -> None:
    generate_portfolio(tmp_path, goods=30, seed=3, fmt="csv")
    p = load_portfolio(duck, tmp_path, DAY)
    before = {g.good_id: g for g in qualify_goods(p).goods}
    # a rarely used material, then a widely used one (the skew puts the first ones everywhere)
    partial = {
        g.good_id: g
        for g in requalify(p, [Change("P0001400", origin="non_originating")], in_memory=in_memory).goods
    }
    assert 0 < len(partial) < len(before)
    widely = {
        g.good_id: g
        for g in requalify(p, [Change("P0000000", origin="originating")], in_memory=in_memory).goods
    }
    assert len(widely) > len(partial)
    partial.update(widely)

    duck.close()
    _rewrite_parts(
        tmp_path, {"P0000000": {"origin": "originating"}, "P0001400": {"origin": "non_originating"}}
    )
    from tmec.engine import connect

    with connect("duckdb") as fresh:
        full = {g.good_id: g for g in qualify_goods(load_portfolio(fresh, tmp_path, DAY)).goods}
    for good_id, g in full.items():
        if good_id in partial:
            assert _key(partial[good_id]) == _key(g), good_id
        else:
            assert _key(before[good_id]) == _key(g), f"{good_id} changed but was not re-qualified"
