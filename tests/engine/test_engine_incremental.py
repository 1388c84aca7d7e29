"""Where-used re-qualification gives what a full run on the changed data gives, and touches only users."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from pathlib import Path

import pytest
from change_oracle import change, few, read_csv, rewrite_parts, rollup_rows
from hypothesis import given
from hypothesis import strategies as st

from tmec.engine import Engine, RollUp, generate_portfolio, load_portfolio, qualify_goods
from tmec.engine.whereused import Change, requalify

DAY = dt.date(2026, 3, 2)


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
        for g in requalify(
            p, [Change("P0001400", origin="non_originating")], in_memory=in_memory, delta=False
        ).goods
    }
    assert 0 < len(partial) < len(before)
    widely = {
        g.good_id: g
        for g in requalify(
            p, [Change("P0000000", origin="originating")], in_memory=in_memory, delta=False
        ).goods
    }
    assert len(widely) > len(partial)
    partial.update(widely)
    tables = rollup_rows(p)

    duck.close()
    rewrite_parts(
        tmp_path, {"P0000000": {"origin": "originating"}, "P0001400": {"origin": "non_originating"}}
    )
    from tmec.engine import connect

    with connect("duckdb") as fresh:
        again = load_portfolio(fresh, tmp_path, DAY)
        full = {g.good_id: g for g in qualify_goods(again).goods}
        # the general path's roll-up is the full one too (levels and the changed parts' own rows)
        assert rollup_rows(again) == tables
    for good_id, g in full.items():
        if good_id in partial:
            assert _key(partial[good_id]) == _key(g), good_id
        else:
            assert _key(before[good_id]) == _key(g), f"{good_id} changed but was not re-qualified"


def _fields(g: object) -> tuple[object, ...]:
    names = ("originating", "criterion", "method", "vnm", "net_cost", "adjusted_tv", "total_cost")
    more = ("rvc_tv", "rvc_nc", "tariff_shift_passed", "failing_codes", "error")
    return tuple(getattr(g, f) for f in (*names, *more))


@few(8)
@given(
    seed=st.integers(1, 1000),
    picks=st.lists(
        st.tuples(st.integers(0, 10**6), st.sampled_from(["origin", "value", "statement", "same", "made"])),
        min_size=1,
        max_size=4,
    ),
    delta=st.booleans(),
)
def test_fast_path_equals_full_run_on_random_changes(
    tmp_path_factory: pytest.TempPathFactory, seed: int, picks: list[tuple[int, str]], delta: bool
) -> None:
    """Kept results (early cut-off) and re-qualified ones both equal a full run on the changed data."""
    from tmec.engine import connect

    d = tmp_path_factory.mktemp("wu")
    generate_portfolio(d, goods=12, seed=seed, fmt="csv")
    parts = read_csv(d, "parts.csv")
    made = {r["parent"] for r in read_csv(d, "edges.csv")}
    leaves = [r for r in parts if r["part_id"] not in made]
    makes = [r for r in parts if r["part_id"] in made]
    changes: dict[str, Change] = {}
    rewrite: dict[str, dict[str, str]] = {}
    for n, kind in picks:
        pool = makes if kind == "made" else leaves
        made_one = change(pool[n % len(pool)], "origin" if kind == "made" else kind, n) if pool else None
        if made_one is not None:
            changes[made_one[0].part_id], rewrite[made_one[0].part_id] = made_one

    with connect("duckdb") as e:
        p = load_portfolio(e, d, DAY)
        before = {g.good_id: g for g in qualify_goods(p, flips=0).goods}
        fast = {g.good_id: g for g in requalify(p, list(changes.values()), delta=delta).goods}
    rewrite_parts(d, rewrite)
    with connect("duckdb") as e:
        full = {g.good_id: g for g in qualify_goods(load_portfolio(e, d, DAY), flips=0).goods}
    assert set(full) == set(before)
    for good_id, g in full.items():
        expected = _fields(g)
        got = _fields(fast[good_id]) if good_id in fast else _fields(before[good_id])
        assert got == expected, good_id


def test_change_to_a_made_part_keeps_every_result(duck: Engine, tmp_path: Path) -> None:
    """A made part's own origin does not enter the roll-up: its users keep their results (no re-run)."""
    generate_portfolio(tmp_path, goods=20, seed=5, fmt="csv")
    made = sorted(
        {r["parent"] for r in read_csv(tmp_path, "edges.csv")}
        - {r["good_id"] for r in read_csv(tmp_path, "goods.csv")}
    )
    p = load_portfolio(duck, tmp_path, DAY)
    before = {g.good_id: g for g in qualify_goods(p, flips=0).goods}
    again = requalify(p, [Change(made[0], origin="originating", value=Decimal("12.5"))])
    assert again.goods and again.paths == {"kept": len(again.goods)}
    for g in again.goods:
        assert g is before[g.good_id]
    # the parts table holds the change, in place: the next change finds the index as it was
    row = duck.to_arrow(p.parts.where(duck.F.col("part_id") == made[0]).select("origin", "value")).to_pylist()
    assert row == [{"origin": "originating", "value": Decimal("12.5")}]
    assert p.up is not None
    held = p.up.held
    assert requalify(p, [Change("P0000001", value=Decimal("2.5"))]).paths.get("bulk", 0) > 0
    assert p.up.held is held
    # a re-run on another method cannot reuse them
    other = requalify(p, [Change(made[0], origin="non_originating")], method="net_cost")
    assert {g.good_id for g in other.goods} == {g.good_id for g in again.goods}
    assert all(g is not before[g.good_id] and "kept" not in other.paths for g in other.goods)


def test_in_memory_roll_up_rounds_once_as_the_engine(duck: Engine, tmp_path: Path) -> None:
    """Five levels of 1.001 on a value of 1.2 billion: the top sum has 19 decimals and 29 digits,
    its 19th decimal a 5 after an even digit.  The engine rounds the exact sum once, half up; the
    in-memory roll-up (the general path's, for small where-used sets) must give the same digits
    (at 28 digits of precision it would round half-even first, one unit lower)."""
    from tmec.engine.rollup_small import roll_up_in_memory

    chain = ["G", "A4", "A3", "A2", "A1", "P"]
    (tmp_path / "goods.csv").write_text("good_id,hs,transaction_value\nG,870830,2000000000\n")
    parts = "part_id,hs,origin,value\n" + "".join(f"{p},870899,,\n" for p in chain[:-1])
    (tmp_path / "parts.csv").write_text(parts + "P,720851,non_originating,1200000000.0005\n")
    edges = "".join(f"{a},{b},1.001\n" for a, b in itertools.pairwise(chain))
    (tmp_path / "edges.csv").write_text("parent,child,quantity\n" + edges)
    p = load_portfolio(duck, tmp_path, DAY)
    engine = {r["part_id"]: r for r in duck.to_arrow(p.rollup.values).to_pylist()}
    assert str(engine["G"]["nonorig"]) == "1206012012.006503705005002501"
    none = RollUp(p.rollup.values.where("false"), p.rollup.materials.where("false"), 0)
    memory = roll_up_in_memory(duck, p.parts, p.edges, none, frozenset(p.lumped), "t")
    rows = {r["part_id"]: r for r in duck.to_arrow(memory.values).to_pylist()}
    assert {k: rows["G"][k] for k in ("orig", "nonorig", "vnm")} == {
        k: engine["G"][k] for k in ("orig", "nonorig", "vnm")
    }
