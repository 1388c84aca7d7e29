"""The requests' JSON text is the general encoder's, byte for byte, whatever the requests hold."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tmec.reports.jsondoc import dumps
from tmec.statements.requests import Request, rank
from tmec.statements.requests_json import requests_json

text = st.text(max_size=12)  # quotes, backslashes, control characters, non-ASCII
names = st.lists(text, max_size=6)
amounts = st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**9), max_value=10**9)

requests = st.builds(
    Request,
    supplier=st.none() | text,
    part=text,
    kind=st.sampled_from(["origin", "accumulation", "renewal"]),
    hs=st.none() | text,
    description=st.none() | text,
    goods=names,
    value_at_stake=amounts,
    material_value=amounts,
    certificates=names,
    statement=st.none() | text,
    expires=st.none() | st.dates(),
    priority=st.integers(min_value=-(2**70), max_value=2**70),
)


def text_of(found: list[Request]) -> str:
    return "".join(requests_json(found))


@given(st.lists(requests, max_size=8))
def test_the_same_text_as_the_general_encoder(found: list[Request]) -> None:
    assert text_of(found) == dumps([r.to_dict() for r in found])


def test_goods_named_by_many_requests_and_long_documents() -> None:
    goods = [f'G"{n}\\é\n' for n in range(300)]
    found = rank(
        Request(f"S{n % 7}", f"P{n}", "origin", goods=goods[n % 50 :: 3], value_at_stake=Decimal(n))
        for n in range(3000)
    )
    assert len(list(requests_json(found))) > 1  # written in pieces, as they are made
    assert text_of(found) == dumps([r.to_dict() for r in found])


def test_nothing_to_ask() -> None:
    assert text_of([]) == dumps([]) == "[]"


def test_a_value_of_another_type_falls_back_to_the_general_encoder() -> None:
    odd = Request("S", "P", "renewal", goods=["G"], expires=dt.date(2026, 1, 2))
    odd.certificates = [Decimal("1.5")]  # type: ignore[list-item]
    odd.priority = 1.5  # type: ignore[assignment]
    found = [Request("S", "Q", "origin", goods=["G", "H"]), odd, Request("T", "R", "origin", goods=["G"])]
    assert text_of(found) == dumps([r.to_dict() for r in found])
    odd.priority, odd.expires = 2, dt.datetime(2026, 1, 2, 3, 4)  # type: ignore[assignment]
    assert text_of(found) == dumps([r.to_dict() for r in found])


def test_made_as_the_requests_come() -> None:
    """The writer takes the requests one at a time: the first megabyte is out before the last
    request is made (a portfolio's 92 MB are never held whole)."""
    made = []

    def produced() -> Iterator[Request]:
        for n in range(4000):
            made.append(n)
            yield Request("S", f"P{n}", "origin", goods=[f"G{g:07d}" for g in range(n % 40, 400)], priority=n)

    first = next(iter(requests_json(produced())))
    assert first.startswith('[\n  {\n    "priority": 0,') and len(made) < 4000


@given(st.lists(requests, max_size=30))
def test_rank_puts_most_goods_then_value_then_material_first_ties_by_key(found: list[Request]) -> None:
    """The order the ranking always had: ascending on (-goods, -value at stake, -material value,
    (supplier, part, kind)), each key once (requests of the same key merged)."""
    out = rank(found)
    order = [(-len(r.goods), -r.value_at_stake, -r.material_value, r.key) for r in out]
    assert order == sorted(order)
    assert len({r.key for r in out}) == len(out) == len({r.key for r in found})
    assert [r.priority for r in out] == list(range(1, len(out) + 1))
