"""A portfolio's origin requests against an oracle that walks every failing good's bill in Python,
and the whole command's ``--json`` text against the general encoder's."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from tmec.cli import main
from tmec.core.errors import InputError
from tmec.engine import connect, generate_portfolio, load_portfolio, qualify_goods
from tmec.engine.requests import portfolio_requests
from tmec.reports.jsondoc import dumps

DAY = dt.date(2026, 3, 2)


def rows(directory: Path, name: str) -> list[dict[str, str]]:
    with (directory / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def oracle(directory: Path, failing: set[str]) -> dict[str, tuple[list[str], Decimal, Decimal]]:
    """Per part of unknown origin that a failing good takes: (the goods, their transaction values'
    sum, the part's value times every unit of it those goods take), walking every path."""
    parts = {p["part_id"]: p for p in rows(directory, "parts")}
    children: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    for e in rows(directory, "edges"):
        children[e["parent"]].append((e["child"], Decimal(e["quantity"])))
    value = {g["good_id"]: Decimal(g["transaction_value"]) for g in rows(directory, "goods")}
    goods: dict[str, set[str]] = defaultdict(set)
    units: dict[str, Decimal] = defaultdict(Decimal)

    def walk(good: str, node: str, qty: Decimal) -> None:
        for child, q in children.get(node, []):
            if child in children:
                walk(good, child, qty * q)
            elif parts[child]["origin"] == "unknown":
                goods[child].add(good)
                units[child] += qty * q

    for good in failing:
        walk(good, good, Decimal(1))
    at_stake = {part: sum((value[g] for g in gs), Decimal(0)) for part, gs in goods.items()}
    return {
        part: (sorted(gs), at_stake[part], units[part] * Decimal(parts[part]["value"]))
        for part, gs in goods.items()
    }


@pytest.mark.parametrize("seed", [1, 7])
def test_origin_requests_match_a_walk_of_every_bill(tmp_path: Path, seed: int) -> None:
    bom = tmp_path / "bom"
    generate_portfolio(bom, goods=24, seed=seed, fmt="csv")
    with connect("duckdb") as e:
        failing = {g.good_id for g in qualify_goods(load_portfolio(e, bom, DAY), flips=0).failing}
        found = portfolio_requests(e, bom, DAY, [])
    assert failing and found
    expected = oracle(bom, failing)
    assert {r.part: (r.goods, r.value_at_stake, r.material_value) for r in found} == expected
    assert all(r.kind == "origin" and r.supplier is None for r in found)
    order = [(-len(r.goods), -r.value_at_stake, -r.material_value, r.part) for r in found]
    assert order == sorted(order) and [r.priority for r in found] == list(range(1, len(found) + 1))


def test_the_commands_json_is_the_general_encoders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMEC_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TMEC_DATABASE_URL", raising=False)
    bom = tmp_path / "bom"
    generate_portfolio(bom, goods=24, seed=3)
    with connect("duckdb") as e:
        found = portfolio_requests(e, bom, DAY, [])
    r = CliRunner().invoke(main, ["statements", "requests", str(bom), "--date", str(DAY), "--json"])
    assert r.exit_code == 0, r.output
    assert r.output == dumps([x.to_dict() for x in found]) + "\n"
    assert len(json.loads(r.output)) == len(found) > 10


def test_a_failure_while_the_explosion_is_prepared_ends_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The goods are decided while the explosion's preparation runs beside them: an error in the
    decision is raised as it is, the preparation is stopped and the engine stays usable."""
    import tmec.engine.requests as rq

    bom = tmp_path / "bom"
    generate_portfolio(bom, goods=24, seed=3)

    def broken(*args: object, **kwargs: object) -> None:
        raise InputError("a broken rule", field="rules")

    monkeypatch.setattr(rq, "qualify_goods", broken)
    with connect("duckdb") as e:
        with pytest.raises(InputError, match="a broken rule"):
            rq.portfolio_requests(e, bom, DAY, [])
        assert e.conn.execute("SELECT count(*) FROM goods").fetchall() == [(24,)]
