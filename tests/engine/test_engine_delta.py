"""A change carried up as a delta and decided in bulk gives exactly what a full run gives.

The full run on the changed data is the oracle: every good's result, and the
roll-up's tables themselves (sums, flags and material rows), to the last digit.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from change_oracle import change, few, read_csv, rewrite_parts, rollup_rows
from hypothesis import given
from hypothesis import strategies as st
from test_engine_portfolio import write_csv

from tmec.engine import Engine, connect, generate_portfolio, load_portfolio, qualify_goods
from tmec.engine.compact import compact_case, compact_values, exact_values, quiet_lines
from tmec.engine.whereused import Change, requalify
from tmec.origin import qualify

DAY = dt.date(2026, 3, 2)
FIELDS = (
    "originating", "criterion", "method", "vnm", "net_cost", "adjusted_tv", "total_cost", "rvc_tv", "rvc_nc",
    "tariff_shift_passed", "failing_codes", "error",
)  # fmt: skip


def _fields(g: object) -> tuple[object, ...]:
    # str() too: the results file prints the percentages as they are (same digits, same exponent)
    return (*(getattr(g, f) for f in FIELDS), str(g.rvc_tv), str(g.rvc_nc))  # type: ignore[attr-defined]


def _full(directory: Path) -> tuple[dict[str, object], tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]]:
    with connect("duckdb") as e:
        p = load_portfolio(e, directory, DAY)
        return {g.good_id: g for g in qualify_goods(p, flips=0).goods}, rollup_rows(p)


def test_compact_values_are_the_single_good_paths(duck: Engine, tmp_path: Path) -> None:
    """The amounts the bulk path reports are the ones qualify computes, digit for digit."""
    generate_portfolio(tmp_path, goods=40, seed=11, fmt="csv")
    p = load_portfolio(duck, tmp_path, DAY)
    qualify_goods(p, flips=0)
    assert len(p.inputs) == 40
    for good_id, inp in p.inputs.items():
        rule = p.good_rules[str(inp.head["hs"])]
        lines = [*inp.lines, *(quiet_lines(inp.head, inp.lines, p.lumped[0]) if p.lumped else ())]
        det = qualify(compact_case(inp.head, rule, lines, DAY))  # type: ignore[arg-type]
        got = compact_values(inp.head, lines)
        assert got == det.values, good_id
        assert [str(v) for v in (got.total_cost, got.net_cost, got.vnm_tv, got.vnm_nc)] == [
            str(v) for v in (det.values.total_cost, det.values.net_cost, det.values.vnm_tv, det.values.vnm_nc)
        ], good_id
        # below 10^9 the lines add up to the roll-up's sums, digit for digit (redecide's shortcut)
        assert got.total_cost is not None and got.total_cost < 10**9
        short = exact_values(inp.head, bool(lines))
        assert [str(v) for v in (short.total_cost, short.net_cost, short.vnm_tv, short.vnm_nc)] == [
            str(v) for v in (got.total_cost, got.net_cost, got.vnm_tv, got.vnm_nc)
        ], good_id


def test_widely_used_part_is_decided_in_bulk(tmp_path: Path) -> None:
    generate_portfolio(tmp_path, goods=60, seed=3, fmt="csv")
    made = {r["parent"] for r in read_csv(tmp_path, "edges.csv")}
    bought = [r for r in read_csv(tmp_path, "parts.csv") if r["part_id"] not in made]
    widely = next(r["part_id"] for r in bought if r["origin"] == "non_originating")
    with connect("duckdb") as e:
        p = load_portfolio(e, tmp_path, DAY)
        before = {g.good_id: g for g in qualify_goods(p, flips=0).goods}
        first = requalify(p, [Change("P0000001", value=Decimal("2.5"))])
        second = requalify(p, [Change(widely, origin="originating")])
        got = {g.good_id: g for g in first.goods} | {g.good_id: g for g in second.goods}
        tables = rollup_rows(p)
        assert p.decisions.conflicts == 0
    assert first.paths.get("bulk", 0) > len(first.goods) // 2, first.paths
    assert second.paths.get("bulk", 0) > 0, second.paths
    rewrite_parts(tmp_path, {"P0000001": {"value": "2.5"}, widely: {"origin": "originating"}})
    full, full_tables = _full(tmp_path)
    for good_id, g in full.items():
        assert _fields(got.get(good_id, before[good_id])) == _fields(g), good_id
    assert tables == full_tables


def test_prepare_readies_the_first_change(tmp_path: Path) -> None:
    """prepare() builds the index and learns every good's outcome, once; the change after it is
    decided in bulk from those signatures (and equals a full run)."""
    from tmec.engine import prepare

    generate_portfolio(tmp_path, goods=30, seed=5, fmt="csv")
    with connect("duckdb") as e:
        p = load_portfolio(e, tmp_path, DAY)
        assert prepare(p) is False and p.up is None  # no full run yet: nothing to prepare
        qualify_goods(p, flips=0)
        assert prepare(p) is True
        up, learnt = p.up, len(p.decisions.outcomes)
        assert up is not None and 0 < learnt <= len(p.results)
        assert all(i.derived is not None and i.derived.learned for i in p.inputs.values())
        again = requalify(p, [Change("P0000001", value=Decimal("2.5"))])
        assert p.up is up and again.paths.get("bulk", 0) > 0, again.paths
        got = {g.good_id: g for g in again.goods}
    rewrite_parts(tmp_path, {"P0000001": {"value": "2.5"}})
    full, _ = _full(tmp_path)
    for good_id, g in got.items():
        assert _fields(g) == _fields(full[good_id]), good_id


def test_declines_when_a_part_has_no_value(tmp_path: Path) -> None:
    """A bought part worth 0: flags no longer follow from sums; the roll-up runs again, same answers."""
    generate_portfolio(tmp_path, goods=20, seed=4, fmt="csv")
    rewrite_parts(tmp_path, {"P0000005": {"value": "0"}})
    with connect("duckdb") as e:
        p = load_portfolio(e, tmp_path, DAY)
        qualify_goods(p, flips=0)
        again = requalify(p, [Change("P0000000", origin="originating")])
        got = {g.good_id: g for g in again.goods}
    assert "bulk" not in again.paths and again.goods
    rewrite_parts(tmp_path, {"P0000000": {"origin": "originating"}})
    full, _ = _full(tmp_path)
    for good_id, g in got.items():
        assert _fields(g) == _fields(full[good_id]), good_id


def test_a_failed_check_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the check of every part's new rows fails, the transaction writes nothing (not the
    roll-up, not the parts) and the general path takes the change: same answers as a full run."""
    import tmec.engine.delta as delta

    generate_portfolio(tmp_path, goods=20, seed=4, fmt="csv")
    real_bad = delta._bad
    monkeypatch.setattr(delta, "_bad", lambda tag, suffix: "1" if suffix == "" else real_bad(tag, suffix))
    seen = []
    real_apply = delta.Propagated.apply

    def spy(self: delta.Propagated, e: Engine, then: Any = (), conn: Any = None) -> bool:
        up, c = self.index, conn or e.conn  # the writer's cursor: the engine's reads the goods meanwhile
        before = [
            c.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall()
            for t in (up.values, up.materials, up.parts)
        ]
        ok = real_apply(self, e, then, conn)
        after = [
            c.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall()
            for t in (up.values, up.materials, up.parts)
        ]
        seen.append((ok, before == after))
        return ok

    monkeypatch.setattr(delta.Propagated, "apply", spy)
    with connect("duckdb") as e:
        p = load_portfolio(e, tmp_path, DAY)
        qualify_goods(p, flips=0)
        again = requalify(p, [Change("P0000000", origin="originating")])
        got = {g.good_id: g for g in again.goods}
        tables = rollup_rows(p)
    assert seen == [(False, True)]
    assert "bulk" not in again.paths and again.goods
    rewrite_parts(tmp_path, {"P0000000": {"origin": "originating"}})
    full, full_tables = _full(tmp_path)
    for good_id, g in got.items():
        assert _fields(g) == _fields(full[good_id]), good_id
    assert tables == full_tables


def test_a_failure_midway_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A statement that fails after the roll-up's tables were updated (here: the parts' update)
    rolls the whole change back; the portfolio is as before, and the next change is right."""
    import duckdb

    import tmec.engine.whereused as whereused

    generate_portfolio(tmp_path, goods=20, seed=4, fmt="csv")
    with connect("duckdb") as e:
        p = load_portfolio(e, tmp_path, DAY)
        qualify_goods(p, flips=0)
        requalify(p, [Change("P0000001", value=Decimal("2.5"))])  # the index exists
        tables, results = rollup_rows(p), dict(p.results)
        parts = e.conn.execute(f'SELECT * FROM "{p.up.parts}" ORDER BY ALL').fetchall()
        with monkeypatch.context() as m:
            m.setattr(whereused, "change_parts", lambda *a: "SELECT error('boom')")
            with pytest.raises(duckdb.Error, match="boom"):
                requalify(p, [Change("P0000000", origin="originating")])
        assert rollup_rows(p) == tables and p.results == results
        assert e.conn.execute(f'SELECT * FROM "{p.up.parts}" ORDER BY ALL').fetchall() == parts
        again = requalify(p, [Change("P0000000", origin="originating")])
        got = {g.good_id: g for g in again.goods}
        tables = rollup_rows(p)
    assert again.paths.get("bulk", 0) > 0
    rewrite_parts(tmp_path, {"P0000001": {"value": "2.5"}, "P0000000": {"origin": "originating"}})
    full, full_tables = _full(tmp_path)
    for good_id, g in got.items():
        assert _fields(g) == _fields(full[good_id]), good_id
    assert tables == full_tables


def test_declines_when_a_multiplier_has_too_many_decimals(tmp_path: Path) -> None:
    """Quantities of 0.125 over 5 levels: a multiplier of 15 decimals times a change of 4 would
    leave the roll-up's 18-decimal grid, so the roll-up runs again (and agrees with a full run)."""
    chain = ["G", "A1", "A2", "A3", "A4", "P"]
    made = {"part_id": "", "hs": "", "origin": "", "value": "", "statement_vnm": ""}
    tables = {
        "parts": [made | {"part_id": pid} for pid in chain[:-1]]
        + [
            made | {"part_id": "P", "hs": "870899", "origin": "non_originating", "value": "10.0001"},
            made | {"part_id": "Q", "hs": "731815", "origin": "originating", "value": "50"},
        ],
        "edges": [{"parent": a, "child": b, "quantity": "0.125"} for a, b in itertools.pairwise(chain)]
        + [{"parent": "G", "child": "Q", "quantity": "1"}],
        "goods": [{"good_id": "G", "hs": "870830", "transaction_value": "100", "international_shipping": "0",
                   "other_product_costs": "5", "period_costs": "1", "royalties": "0"}],
    }  # fmt: skip
    write_csv(tmp_path, tables)
    with connect("duckdb") as e:
        p = load_portfolio(e, tmp_path, DAY)
        qualify_goods(p, flips=0)
        again = requalify(p, [Change("P", value=Decimal("12.0003"))])
    assert "bulk" not in again.paths
    (g,) = again.goods
    tables["parts"][-2]["value"] = "12.0003"  # P
    write_csv(tmp_path / "full", tables)
    full, _ = _full(tmp_path / "full")
    assert _fields(g) == _fields(full["G"])


@few(6)
@given(
    seed=st.integers(1, 1000),
    rounds=st.lists(
        st.lists(
            st.tuples(st.integers(0, 10**6), st.sampled_from(["origin", "value", "statement"])),
            min_size=1,
            max_size=3,
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_rounds_of_changes_equal_a_full_run(
    tmp_path_factory: pytest.TempPathFactory, seed: int, rounds: list[list[tuple[int, str]]]
) -> None:
    """Rounds of changes to bought parts, each carried up by delta on the roll-up the rounds
    before left; then every good's latest result and the roll-up's tables equal a full run on
    the data as changed by all of them."""
    d = tmp_path_factory.mktemp("delta")
    generate_portfolio(d, goods=15, seed=seed, fmt="csv")
    made = {r["parent"] for r in read_csv(d, "edges.csv")}
    with connect("duckdb") as e:
        p = load_portfolio(e, d, DAY)
        latest = {g.good_id: g for g in qualify_goods(p, flips=0).goods}
        for picks in rounds:
            leaves = {r["part_id"]: r for r in read_csv(d, "parts.csv") if r["part_id"] not in made}
            ids = sorted(leaves)
            changes: dict[str, Change] = {}
            rewrite: dict[str, dict[str, str]] = {}
            for n, kind in picks:
                row = leaves[ids[(n * 7919) % len(ids) if n % 3 else n % min(len(ids), 5)]]
                made_one = change(row, kind, n)
                if made_one is not None:
                    changes[made_one[0].part_id], rewrite[made_one[0].part_id] = made_one
            if changes:
                result = requalify(p, list(changes.values()))
                latest.update((g.good_id, g) for g in result.goods)
                rewrite_parts(d, rewrite)
        tables = rollup_rows(p)
        assert p.decisions is None or p.decisions.conflicts == 0, "one signature, two outcomes"
    full, full_tables = _full(d)
    assert set(full) == set(latest)
    for good_id, g in full.items():
        assert _fields(latest[good_id]) == _fields(g), good_id
    assert tables == full_tables


def test_delta_after_the_general_path(tmp_path: Path) -> None:
    """The general path leaves views behind; the next delta copies them into its tables again."""
    generate_portfolio(tmp_path, goods=30, seed=8, fmt="csv")
    made = {r["parent"] for r in read_csv(tmp_path, "edges.csv")}
    bought = [r for r in read_csv(tmp_path, "parts.csv") if r["part_id"] not in made][:6]
    steps = [
        change(r, kind, n) for n, (r, kind) in enumerate(zip(bought, ["value", "origin"] * 3, strict=True))
    ]
    with connect("duckdb") as e:
        p = load_portfolio(e, tmp_path, DAY)
        latest = {g.good_id: g for g in qualify_goods(p, flips=0).goods}
        paths = []
        for i, step in enumerate(steps):
            assert step is not None
            result = requalify(p, [step[0]], delta=i % 3 != 1)  # general, then delta again
            paths.append(result.paths)
            latest.update((g.good_id, g) for g in result.goods)
        tables = rollup_rows(p)
    assert any("bulk" in x for x in paths[2:]), paths
    rewrite_parts(tmp_path, {s[0].part_id: s[1] for s in steps if s is not None})
    full, full_tables = _full(tmp_path)
    for good_id, g in full.items():
        assert _fields(latest[good_id]) == _fields(g), good_id
    assert tables == full_tables


def test_a_change_gives_duckdb_its_threads_back(duck: Engine, tmp_path: Path) -> None:
    """The roll-up is written on one DuckDB thread while the goods are decided; the engine's own
    setting is restored afterwards, also when the change is carried as a delta."""
    generate_portfolio(tmp_path, goods=40, seed=11, fmt="csv")
    p = load_portfolio(duck, tmp_path, DAY)
    qualify_goods(p, flips=0)
    part = duck.conn.execute(
        "SELECT child FROM edges WHERE child NOT IN (SELECT parent FROM edges) GROUP BY child "
        "ORDER BY count(*) DESC, child LIMIT 1"
    ).fetchall()
    again = requalify(p, [Change(str(part[0][0]), value=Decimal("1.2345"))])
    assert again.paths.get("bulk", 0) + again.paths.get("qualify", 0) > 0, "the delta path should run"
    assert duck.conn.execute("SELECT current_setting('threads')").fetchall() == [(2,)]


def test_prepare_stops_automatic_checkpoints_in_memory_only(tmp_path: Path) -> None:
    """An in-memory database that will take changes is not checkpointed on its own (the first
    change paid the checkpoint); a database in a file keeps DuckDB's setting (its log must not
    grow without bound).  Either way the change equals a full run."""
    from tmec.engine import prepare

    generate_portfolio(tmp_path / "bom", goods=12, seed=6, fmt="csv")
    runs = []
    for database in (None, tmp_path / "portfolio.duckdb"):
        with connect("duckdb", database=database) as e:
            before = e.conn.execute("SELECT current_setting('checkpoint_threshold')").fetchall()
            p = load_portfolio(e, tmp_path / "bom", DAY)
            qualify_goods(p, flips=0)
            assert prepare(p) is True
            after = e.conn.execute("SELECT current_setting('checkpoint_threshold')").fetchall()
            assert after == ([("1.0 TiB",)] if database is None else before), (database, after)
            runs.append(requalify(p, [Change("P0000000", origin="originating")]).goods)
    rewrite_parts(tmp_path / "bom", {"P0000000": {"origin": "originating"}})
    full, _ = _full(tmp_path / "bom")
    for goods in runs:
        assert goods
        for g in goods:
            assert _fields(g) == _fields(full[g.good_id]), g.good_id


def _users(directory: Path, part: str) -> set[str]:
    """The goods that contain ``part`` (or are it), found up edges.csv in Python."""
    parents: dict[str, set[str]] = {}
    for r in read_csv(directory, "edges.csv"):
        parents.setdefault(r["child"], set()).add(r["parent"])
    seen, todo = {part}, [part]
    while todo:
        for up in parents.get(todo.pop(), ()):
            if up not in seen:
                seen.add(up)
                todo.append(up)
    return seen & {r["good_id"] for r in read_csv(directory, "goods.csv")}


@pytest.mark.parametrize("hashed", [True, False], ids=["hashed", "row-numbers"])
def test_parts_numbered_either_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hashed: bool) -> None:
    """The upward index joins parts by number: their ids' hashes, or (when two ids share a hash)
    their row numbers.  Either way a bought part's change equals a full run, and a made part's
    users are the goods above it."""
    import tmec.engine.delta as delta

    if not hashed:
        monkeypatch.setattr(delta, "_distinct", lambda e, ids: False)
    generate_portfolio(tmp_path, goods=30, seed=9, fmt="csv")
    made = {r["parent"] for r in read_csv(tmp_path, "edges.csv")}
    goods = {r["good_id"] for r in read_csv(tmp_path, "goods.csv")}
    sub = sorted(made - goods)[3]
    with connect("duckdb") as e:
        p = load_portfolio(e, tmp_path, DAY)
        assert p.distinct_keys  # the load saw the hashes distinct: the index need not count them
        p.distinct_keys = hashed
        latest = {g.good_id: g for g in qualify_goods(p, flips=0).goods}
        kept = requalify(p, [Change(sub, origin="originating")])
        value = requalify(p, [Change("P0000000", value=Decimal("3.25"))])
        origin = requalify(p, [Change("P0000002", origin="originating")])
        numbers = e.conn.execute(f'SELECT count(*), max(k) FROM "{p.up.ids}"').fetchall()[0]
        for r in (value, origin):
            assert r.paths.get("bulk", 0) > 0, r.paths
            latest.update((g.good_id, g) for g in r.goods)
        tables = rollup_rows(p)
    assert kept.paths == {"kept": len(kept.goods)}
    assert {g.good_id for g in kept.goods} == _users(tmp_path, sub) != set()
    assert (numbers[1] == numbers[0]) is not hashed  # row numbers 1..n, or hashes
    rewrite_parts(tmp_path, {"P0000000": {"value": "3.25"}, "P0000002": {"origin": "originating"}})
    full, full_tables = _full(tmp_path)
    for good_id, g in full.items():
        assert _fields(latest[good_id]) == _fields(g), good_id
    assert tables == full_tables
