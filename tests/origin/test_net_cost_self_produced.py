"""Net cost subtracts the excluded costs inside a self-produced material's own build-up (19 USC
4531(a)(8); UR s.7(13)), except a designated intermediate material's (UR s.7(13)(b)): issue 11
item 2.  On main the nested case priced a higher net cost than the same costs written flat."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tmec.origin import parse_case, qualify
from tmec.origin.net_cost import embedded_excluded, net_cost, total_cost

FAMILIES = ("sales_promotion", "royalties", "shipping_packing", "non_allowable_interest")
LINES = ("other_product_costs", "period_costs", "other_costs")

money = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False)


def _excluded(draw: st.DrawFn) -> dict[str, str]:
    return {f: str(draw(money)) for f in FAMILIES}


def _purchased(draw: st.DrawFn, prefix: str, n: int) -> list[dict[str, str]]:
    origins = st.sampled_from(["originating", "non_originating"])
    return [
        {"id": f"{prefix}{i}", "hs": "7208.39", "origin": draw(origins), "value": str(draw(money))}
        for i in range(n)
    ]


@st.composite
def builds(draw: st.DrawFn) -> dict[str, Any]:
    """A good's own lines and excluded costs, purchased materials, and one self-produced material
    with its own purchased inputs, cost lines and excluded costs."""
    buy = _purchased(draw, "P", draw(st.integers(0, 3)))
    inputs = _purchased(draw, "S", draw(st.integers(1, 3)))
    return {
        "good_lines": {k: str(draw(money)) for k in LINES},
        "good_excluded": _excluded(draw),
        "bought": buy,
        "inputs": inputs,
        "sub_lines": {k: str(draw(money)) for k in LINES},
        "sub_excluded": _excluded(draw),
    }


def _nested(b: dict[str, Any], *, intermediate: bool = False) -> dict[str, Any]:
    sub = {
        "id": "SUB",
        "hs": "7326.90",
        "self_produced": True,
        "intermediate": intermediate,
        "materials": b["inputs"],
        "costs": {**b["sub_lines"], "excluded": b["sub_excluded"]},
    }
    return {
        "date": "2024-01-10",
        "good": {"hs": "7326.90"},
        "costs": {**b["good_lines"], "excluded": b["good_excluded"]},
        "materials": [*b["bought"], sub],
    }


def _flat(b: dict[str, Any]) -> dict[str, Any]:
    """The same production written on one level: the sub-assembly's inputs, lines and excluded
    costs are the good's."""
    lines = {k: str(Decimal(b["good_lines"][k]) + Decimal(b["sub_lines"][k])) for k in LINES}
    excluded = {f: str(Decimal(b["good_excluded"][f]) + Decimal(b["sub_excluded"][f])) for f in FAMILIES}
    return {
        "date": "2024-01-10",
        "good": {"hs": "7326.90"},
        "costs": {**lines, "excluded": excluded},
        "materials": [*b["bought"], *b["inputs"]],
    }


def _net_cost(data: dict[str, Any]) -> tuple[Decimal, Decimal]:
    case = parse_case(data)
    total = total_cost(case.costs, case.materials)
    assert total is not None
    return total, net_cost(total, case.costs, case.materials)


@settings(max_examples=150, deadline=None)
@given(builds())
def test_a_self_produced_material_nets_as_if_written_flat(b: dict[str, Any]) -> None:
    assert _net_cost(_nested(b)) == _net_cost(_flat(b))


@settings(max_examples=150, deadline=None)
@given(builds())
def test_a_designated_intermediate_material_keeps_its_excluded_costs(b: dict[str, Any]) -> None:
    total_i, nc_i = _net_cost(_nested(b, intermediate=True))
    total_n, nc_n = _net_cost(_nested(b))
    assert total_i == total_n  # the same material value: its total cost
    sub_excluded = sum((Decimal(v) for v in b["sub_excluded"].values()), Decimal(0))
    assert nc_i - nc_n == sub_excluded


def test_excluded_costs_at_every_level_below_a_non_intermediate_material() -> None:
    inner = {
        "id": "INNER", "hs": "7326.90", "self_produced": True,
        "materials": [{"id": "COIL", "hs": "7208.39", "origin": "non_originating", "value": 40}],
        "costs": {"other_product_costs": 10, "excluded": {"royalties": 3}},
    }  # fmt: skip
    outer = {
        "id": "OUTER", "hs": "7326.90", "self_produced": True, "materials": [inner],
        "costs": {"other_product_costs": 20, "excluded": {"shipping_packing": 5}},
    }  # fmt: skip
    data = {
        "date": "2024-01-10",
        "good": {"hs": "7326.90"},
        "rule": {"rvc": {"net_cost": 50}},
        "costs": {"other_product_costs": 30, "excluded": {"sales_promotion": 7}},
        "materials": [outer],
    }
    case = parse_case(data)
    assert embedded_excluded(case.materials) == 8
    total, nc = _net_cost(data)
    assert total == 100  # 40 + 10 + 20 + 30
    assert nc == 85  # 100 - 7 (the good's) - 5 (OUTER's) - 3 (INNER's); on main 93
    det = qualify(case).to_dict()
    assert Decimal(det["rvc"]["net_cost"]["net_cost"]) == 85
    steps = {s["step"]: s["result"] for s in det["explanation"]}
    assert "self-produced materials' own build-up 8" in steps["value.net_cost"]
    # Designating OUTER intermediate keeps both (its value is its total cost, UR s.7(13)(b)).
    data["materials"] = [{**outer, "intermediate": True}]
    assert _net_cost(data)[1] == 93
