"""The numpy explosion of the failing goods' bills (:mod:`tmec.engine.requests_explode`): the value
at stake added exactly however large, the parts above a part of unknown origin taken from the
roll-up, and the package importing only what a command uses."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from test_requests_oracle import oracle  # the walk of every bill

import tmec.engine.requests_explode as rx
from tmec.engine import connect, generate_portfolio, load_portfolio, qualify_goods
from tmec.engine.requests import portfolio_requests

DAY = dt.date(2026, 3, 2)


def test_units_are_the_texts_in_their_smallest_unit() -> None:
    assert rx._units(["12.3400", "-0.5000", "7.0000"]) == (4, [123400, -5000, 70000])
    assert rx._units(["12", "3.5"]) == (1, [120, 35])
    assert rx._units([]) == (0, [])


def test_sums_past_64_bits_are_added_as_python_integers() -> None:
    big = 99_999_999_999_999_9999  # DECIMAL(18,4)'s largest, in its smallest unit
    assert rx._fits([big] * 9)
    assert not rx._fits([big] * 10)
    values = np.array([big] * 10, dtype=object)
    assert np.add.reduceat(values, [0])[0] == 10 * big > 2**63


def test_the_object_path_gives_the_oracles_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The at-stake sums on Python integers (what a portfolio past 64 bits takes) are the oracle's."""
    monkeypatch.setattr(rx, "_fits", lambda units: False)
    bom = tmp_path / "bom"
    generate_portfolio(bom, goods=24, seed=7, fmt="csv")
    with connect("duckdb") as e:
        failing = {g.good_id for g in qualify_goods(load_portfolio(e, bom, DAY), flips=0).failing}
        found = portfolio_requests(e, bom, DAY, [])
    assert failing and found
    assert {r.part: (r.goods, r.value_at_stake, r.material_value) for r in found} == oracle(bom, failing)
    assert all(r.value_at_stake.as_tuple().exponent == -4 for r in found)  # the scale DuckDB's SUM writes


def test_the_parts_above_an_unknown_part_are_the_recursive_climbs(tmp_path: Path) -> None:
    """The roll-up's ``any_unk`` flag marks exactly the parts a climb up the edges from the bought
    parts of unknown origin reaches (the query it replaced)."""
    bom = tmp_path / "bom"
    generate_portfolio(bom, goods=40, seed=5)
    with connect("duckdb") as e:
        p = load_portfolio(e, bom, DAY)
        rx.prepare(e.conn, e._sql(p.rollup.values))
        climbed = e.conn.execute(
            "WITH RECURSIVE up(node) AS (SELECT part_id FROM rq_unknown "
            "UNION SELECT e.parent FROM edges e JOIN up ON e.child = up.node) SELECT DISTINCT node FROM up"
        ).fetchall()
        flagged = e.conn.execute("SELECT node FROM rq_ids").fetchall()
    assert climbed and sorted(climbed) == sorted(flagged)


def test_the_package_imports_only_what_is_used() -> None:
    """``from tmec.engine import connect`` (every bulk command) leaves the exposure, the generators
    and the where-used index unimported; a name is still there when asked for."""
    code = (
        "import sys\nfrom tmec.engine import connect\nimport tmec.engine.requests\n"
        "print(sorted(m for m in ('tmec.engine.exposure', 'tmec.engine.generate', 'tmec.engine.whereused')"
        " if m in sys.modules))\n"
        "from tmec.engine import price_exposure, Change\nprint(price_exposure.__module__, Change.__module__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["[]", "tmec.engine.exposure tmec.engine.whereused"]


def test_an_unknown_name_of_the_package_is_an_attribute_error() -> None:
    import tmec.engine

    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        tmec.engine.nothing  # noqa: B018
    assert "load_portfolio" in dir(tmec.engine)
