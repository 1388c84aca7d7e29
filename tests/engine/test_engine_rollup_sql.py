"""The DuckDB roll-up issued as SQL (tmec.engine.rollup_sql) gives the DataFrame path's tables to the last
digit: the same values, flags, levels and materials by code, in DECIMAL(28,18), including BOMs deep
enough that 3-decimal quantities pass 18 decimals (from there both round at each level alike)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tmec.core.errors import InputError
from tmec.engine import Engine, generate_portfolio, load_portfolio
from tmec.engine.bom_tables import load_bom
from tmec.engine.rollup import RollUp, roll_up

DAY = dt.date(2026, 3, 2)


def _rows(e: Engine, r: RollUp) -> tuple[list[Any], list[Any], list[Any]]:
    values = e.to_arrow(r.values).to_pylist()
    materials = e.to_arrow(r.materials).to_pylist()
    kinds = [str(f.type) for f in (*e.to_arrow(r.values).schema, *e.to_arrow(r.materials).schema)]
    key = lambda d: tuple(str(v) for v in d.values())  # noqa: E731
    return sorted(values, key=key), sorted(materials, key=key), kinds


def _both(e: Engine, directory: Path) -> None:
    p = load_portfolio(e, directory, DAY)
    by_df = roll_up(e, p.parts, p.edges, codes=p.codes, sql=False, tag="df")
    want = _rows(e, by_df)
    # parts joined by their ids, or by a hash of them (its collisions looked for here, or by the load)
    for known_ids, distinct_keys in ((False, False), (True, False), (True, True)):
        by_sql = roll_up(
            e, p.parts, p.edges, codes=p.codes, sql=True, known_ids=known_ids, distinct_keys=distinct_keys,
            tag="sq",
        )  # fmt: skip
        assert by_sql.levels == by_df.levels
        got = _rows(e, by_sql)
        assert got[2] == want[2]  # the same columns and types
        assert got[0] == want[0]
        assert got[1] == want[1]
        assert [str(r["value"]) for r in got[1]] == [str(r["value"]) for r in want[1]]  # same digits


def test_generated_portfolio_same_tables(duck: Engine, tmp_path: Path) -> None:
    generate_portfolio(tmp_path, goods=60, seed=3)
    _both(duck, tmp_path)


def test_the_load_says_whether_parts_keys_are_distinct(duck: Engine, tmp_path: Path) -> None:
    """The load counts the parts' distinct keys once: the roll-up then need not look for two parts
    sharing one, and the line-by-line search for a part listed twice runs only when one is."""
    generate_portfolio(tmp_path, goods=20, seed=3, fmt="csv")
    assert load_bom(duck.conn, tmp_path).distinct_keys
    parts = (tmp_path / "parts.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "parts.csv").write_text("\n".join([*parts, parts[1]]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=f"parts.csv:{len(parts) + 1}: part_id: .* appears more than once"):
        load_bom(duck.conn, tmp_path)


def _write(
    directory: Path, parts: list[dict[str, str]], edges: list[dict[str, str]], goods: list[str]
) -> None:
    import csv

    directory.mkdir(parents=True, exist_ok=True)
    tables = {
        "parts": parts,
        "edges": edges,
        "goods": [{"good_id": g, "hs": "870830", "transaction_value": "100000"} for g in goods],
    }
    for name, rows in tables.items():
        with (directory / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=sorted({k for r in rows for k in r}))
            w.writeheader()
            w.writerows(rows)
    (directory / "rules.yaml").write_text(
        '- hs: "87"\n  rule: {any_of: [{change: heading}, {rvc: {transaction_value: 60}}]}\n',
        encoding="utf-8",
    )


QTY = ["1", "2", "0.5", "0.125", "1.333", "0.007", "3.5"]


@st.composite
def deep_dags(draw: st.DrawFn) -> tuple[list[dict[str, str]], list[dict[str, str]], list[str]]:
    """Chains up to 9 levels deep, shared parts, quantities of up to 3 decimals."""
    n = draw(st.integers(4, 16))
    parts = [
        {
            "part_id": f"P{i}",
            "hs": draw(st.sampled_from(["720851", "760110", "392690", "870899", ""])),
            "origin": draw(st.sampled_from(["originating", "non_originating", "unknown"])),
            "value": str(draw(st.decimals(min_value=0, max_value=900, places=4, allow_nan=False))),
        }
        for i in range(n)
    ]
    edges = {}
    for child in range(1, n):
        parents = draw(st.sets(st.integers(max(0, child - 3), child - 1), min_size=1, max_size=2))
        for parent in parents:
            edges[(parent, child)] = draw(st.sampled_from(QTY))
    rows = [{"parent": f"P{p}", "child": f"P{c}", "quantity": q} for (p, c), q in sorted(edges.items())]
    return parts, rows, ["P0"]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dag=deep_dags())
def test_random_deep_dags_same_tables(
    duck: Engine, tmp_path_factory: pytest.TempPathFactory, dag: tuple[Any, Any, Any]
) -> None:
    directory = tmp_path_factory.mktemp("deep")
    _write(directory, *dag)
    _both(duck, directory)


@pytest.mark.parametrize("value", ["1.0001", "1200000000.0005"])
def test_rounding_past_18_decimals_is_the_same(duck: Engine, tmp_path: Path, value: str) -> None:
    """A chain of 1.001 quantities: 4 + 3 x 5 decimals pass 18 at the fifth level, so both paths
    round there (to 18 places) and at each level above, and keep the same digits; near the top
    of the range too (products of more than 18 digits)."""
    n = 8
    parts = [
        {"part_id": f"P{i}", "hs": "720851", "origin": "non_originating", "value": value} for i in range(n)
    ]
    edges = [{"parent": f"P{i}", "child": f"P{i + 1}", "quantity": "1.001"} for i in range(n - 1)]
    _write(tmp_path, parts, edges, ["P0"])
    _both(duck, tmp_path)
    p = load_portfolio(duck, tmp_path, DAY)
    top = next(r for r in duck.to_arrow(p.rollup.values).to_pylist() if r["part_id"] == "P0")["nonorig"]
    exact = Decimal(value) * Decimal("1.001") ** (n - 1)
    assert top != exact and abs(top - exact) < Decimal("1e-17")


def test_a_sum_past_the_range_is_the_same_error(duck: Engine, tmp_path: Path) -> None:
    parts = [
        {"part_id": "A", "hs": "", "origin": "", "value": ""},
        {"part_id": "B", "hs": "720851", "origin": "non_originating", "value": "999999999.9999"},
    ]
    _write(tmp_path, parts, [{"parent": "A", "child": "B", "quantity": "900"}], ["A"])
    with pytest.raises(InputError, match=r"reaches 10\^10 at level 1 of the roll-up \(first: A\)"):
        load_portfolio(duck, tmp_path, DAY)


def test_a_pair_listed_twice_is_named_with_its_line(duck: Engine, tmp_path: Path) -> None:
    """The load looks for pairs line by line only when the pairs' hashes are not all distinct: a
    pair listed twice still makes them so, and is named with the line of its second listing."""
    parts = [
        {"part_id": "A", "hs": "", "origin": "", "value": ""},
        {"part_id": "B", "hs": "720851", "origin": "non_originating", "value": "2"},
        {"part_id": "C", "hs": "720851", "origin": "non_originating", "value": "3"},
    ]
    edges = [
        {"parent": "A", "child": "B", "quantity": "1"},
        {"parent": "A", "child": "C", "quantity": "1"},
        {"parent": "A", "child": "B", "quantity": "2"},
    ]
    _write(tmp_path, parts, edges, ["A"])
    with pytest.raises(InputError, match=r"edges.csv:4: the pair A -> B appears more than once"):
        load_portfolio(duck, tmp_path, DAY)
