"""The bulk portfolio path equals the single-good path on every good (exact Decimal equality)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from bom_oracle import qualify_by_hand
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tmec.engine import Engine, generate_portfolio, load_portfolio, qualify_goods
from tmec.engine.portfolio import GoodResult, PortfolioResult
from tmec.engine.redecide import decisions

DAY = dt.date(2026, 3, 2)


def assert_same(result: PortfolioResult, directory: Path, *, traced: bool = True) -> None:
    expected = qualify_by_hand(directory, result.day)
    assert {g.good_id for g in result.goods} == set(expected)
    for g in result.goods:
        det = expected[g.good_id]
        assert g.error is None, g.error
        got = (g.originating, g.criterion, g.vnm, g.net_cost, g.adjusted_tv, g.total_cost)
        want = (det.originating, det.criterion, det.vnm, det.net_cost, det.adjusted_tv, det.total_cost)
        assert got == want, g.good_id
        for method, value in (("transaction_value", g.rvc_tv), ("net_cost", g.rvc_nc)):
            r = det.rvc.get(method)
            assert value == (None if r is None else r.value), (g.good_id, method)
        assert g.tariff_shift_passed == det.tariff_shift.passed, g.good_id
        if traced:
            assert g.determination is not None
            assert g.determination.values == det.values, g.good_id


def test_generated_portfolio_matches_single_good_path(duck: Engine, tmp_path: Path) -> None:
    generate_portfolio(tmp_path, goods=40, seed=7, fmt="csv")
    result = qualify_goods(load_portfolio(duck, tmp_path, DAY))
    assert len(result.goods) == 40
    assert 0 < result.qualifying < 40, "the generated mix should have goods that pass and goods that fail"
    assert_same(result, tmp_path)


def _digits(g: GoodResult) -> tuple[object, ...]:
    amounts = (g.rvc_tv, g.rvc_nc, g.vnm, g.net_cost, g.adjusted_tv, g.total_cost)
    return (g.good_id, g.originating, g.criterion, g.method, g.tariff_shift_passed, g.failing_codes, g.error,
            *(None if a is None else str(a) for a in amounts))  # fmt: skip


def test_deciding_by_signature_gives_every_good_the_single_good_paths_result(
    duck: Engine, tmp_path: Path
) -> None:
    """A large run decides the first good of each signature and gives the others its outcome: the
    same results, to the last digit, as deciding every good, and the oracle's."""
    generate_portfolio(tmp_path, goods=150, seed=7, fmt="csv")
    p = load_portfolio(duck, tmp_path, DAY)
    each = qualify_goods(p, by_signature=False, flips=0)
    shared = qualify_goods(p, by_signature=True, flips=0)
    d = decisions(p)
    assert d.conflicts == 0
    assert len(d.outcomes) < 150, "goods should share signatures, or nothing is tested"
    assert [_digits(g) for g in shared.goods] == [_digits(g) for g in each.goods]
    assert_same(shared, tmp_path, traced=False)


# -- property test on random DAGs ------------------------------------------------------------------
CODES = ["720851", "760110", "392690", "731815", "870899", "870829", "848299", "854449", None]
QTY = ["1", "2", "3", "0.5", "0.25", "1.5"]


@st.composite
def dags(draw: st.DrawFn) -> dict[str, list[dict[str, str]]]:
    n = draw(st.integers(3, 14))
    parts = []
    for i in range(n):
        code = draw(st.sampled_from(CODES))
        value = draw(
            st.decimals(min_value=0, max_value=5000, places=4, allow_nan=False, allow_infinity=False)
        )
        origin = draw(st.sampled_from(["originating", "non_originating", "unknown", ""]))
        statement = ""
        if origin == "non_originating" and draw(st.booleans()):
            statement = str((value * Decimal("0.3")).quantize(Decimal("0.0001")))
        parts.append({"part_id": f"P{i}", "hs": code or "", "origin": origin, "value": str(value),
                      "statement_vnm": statement})  # fmt: skip
    edges = {}
    for child in range(1, n):  # parents come before children: a DAG, with sharing
        for parent in draw(st.sets(st.integers(0, child - 1), min_size=0, max_size=3)):
            edges[(parent, child)] = draw(st.sampled_from(QTY))
    if not edges:  # a good has components (one without is bad input, as a case without materials)
        edges[(0, 1)] = "1"
    parents = {p for p, _ in edges}
    goods = sorted(parents)
    good_rows = []
    for g in goods[: draw(st.integers(1, len(goods)))]:
        tv = draw(st.decimals(min_value=1, max_value=90000, places=2, allow_nan=False, allow_infinity=False))
        good_rows.append({
            "good_id": f"P{g}", "hs": draw(st.sampled_from(["870830", "848210", "854442", "940120"])),
            "transaction_value": str(tv),
            "international_shipping": str((tv * Decimal("0.02")).quantize(Decimal("0.01"))),
            "other_product_costs": str(draw(st.integers(0, 3000))), "period_costs": "10", "royalties": "1.5",
        })  # fmt: skip
    edge_rows = [{"parent": f"P{p}", "child": f"P{c}", "quantity": q} for (p, c), q in sorted(edges.items())]
    return {"parts": parts, "edges": edge_rows, "goods": good_rows}


def write_csv(directory: Path, tables: dict[str, list[dict[str, str]]]) -> None:
    import csv

    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        fields = sorted({k for r in rows for k in r}) or {"edges": ["parent", "child", "quantity"]}[name]
        with (directory / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=fields)
            w.writeheader()
            w.writerows(rows)
    (directory / "rules.yaml").write_text(
        '- hs: "87"\n  rule: {any_of: [{change: heading, except: ["8708.99"]}, {rvc: {transaction_value: 60, '
        'net_cost: 50}}]}\n- hs: "84"\n  rule: {rvc: {net_cost: 50}}\n- hs: "85"\n'
        "  rule: {change: subheading, "
        'rvc: {transaction_value: 40, net_cost: 30}}\n- hs: "94"\n  rule: {change: heading}\n',
        encoding="utf-8",
    )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tables=dags())
def test_random_dags_match_single_good_path(
    duck: Engine, tmp_path_factory: pytest.TempPathFactory, tables: dict[str, list[dict[str, str]]]
) -> None:
    directory = tmp_path_factory.mktemp("dag")
    write_csv(directory, tables)
    p = load_portfolio(duck, directory, DAY)
    assert_same(qualify_goods(p), directory)
    assert_same(qualify_goods(p, by_signature=True, flips=0), directory, traced=False)


def test_criterion_d_sees_each_failing_code(duck: Engine, tmp_path: Path) -> None:
    """Two codes that fail the same tests, one of the good's own subheading: criterion D must
    not be granted on the strength of the one standing for both (Art. 4.2(d))."""
    tables = {
        "parts": [
            {"part_id": pid, "hs": hs, "origin": origin, "value": value, "statement_vnm": ""}
            for pid, hs, origin, value in (
                ("G", "870829", "", ""),
                ("P1", "870829", "non_originating", "200"),
                ("P2", "870830", "non_originating", "250"),
                ("P3", "731815", "originating", "100"),
            )
        ],
        "edges": [{"parent": "G", "child": c, "quantity": "1"} for c in ("P1", "P2", "P3")],
        "goods": [{"good_id": "G", "hs": "870829", "transaction_value": "2000", "international_shipping": "0",
                   "other_product_costs": "0", "period_costs": "10", "royalties": "1.5"}],
    }  # fmt: skip
    write_csv(tmp_path, tables)
    (tmp_path / "rules.yaml").write_text('- hs: "87"\n  rule: {change: heading}\n', encoding="utf-8")
    result = qualify_goods(load_portfolio(duck, tmp_path, DAY))
    assert_same(result, tmp_path)
    (g,) = result.goods
    assert g.originating is False and g.criterion is None


def test_flips_found_in_two_processes_are_those_of_one(
    duck: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From FLIPS_PARALLEL_FROM failing goods a forked process finds half the cheapest flips: the same
    codes for the same goods, in the same order, as finding them all in this process."""
    import tmec.engine.portfolio as portfolio

    generate_portfolio(tmp_path, goods=60, seed=7, fmt="csv")
    p = load_portfolio(duck, tmp_path, DAY)
    monkeypatch.setattr(portfolio, "FLIPS_PARALLEL_FROM", 10**9)
    alone = qualify_goods(p)
    monkeypatch.setattr(portfolio, "FLIPS_PARALLEL_FROM", 2)
    monkeypatch.setattr(portfolio, "_processes", lambda n: 2)
    shared = qualify_goods(p)
    assert len(alone.failing) >= 4 and sum(len(v) for v in alone.flips.values()) >= 2, "too few to test"
    assert list(shared.flips.items()) == list(alone.flips.items())
    # from a thread other than the main one (a server's job) nothing is forked: the same flips
    from concurrent.futures import ThreadPoolExecutor

    def no_fork(*args: object) -> None:
        raise AssertionError("forked from a thread that is not the main one")

    monkeypatch.setattr(portfolio, "_processes", lambda n: 2 if n == portfolio.PARALLEL_FROM else 1)
    monkeypatch.setattr(portfolio.mp, "get_context", no_fork)
    with ThreadPoolExecutor(1) as pool:
        threaded = pool.submit(qualify_goods, p).result()
    assert list(threaded.flips.items()) == list(alone.flips.items())
