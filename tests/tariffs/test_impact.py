"""Trade-impact models: the spec's test vectors E1-E6 and its property checks (tariffs.md §4, §6.6)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tmec.tariffs.impact import ces, implied_em, loss_chart_svg, smart, smart_diversion, sweep
from tmec.tariffs.impact.ces import CesPartner

D = Decimal
MX = D("8.106e9")
ROW = D("20e9")


def close(a: Decimal, b: Decimal, rel: str = "0.0005") -> bool:
    return abs(a - b) <= abs(b) * D(rel)


def test_e1_linear_infinite_supply() -> None:
    r = smart(MX, D(0), D("0.25"), D("-1.5"))
    assert close(r.trade_creation, D("-3.0398e9"))
    assert r.world_price_change == 0
    assert close(r.tariff_revenue_after, D("1.2666e9"))
    assert close(r.welfare, D("-3.800e8"))


def test_e2_finite_export_supply() -> None:
    r = smart(MX, D(0), D("0.25"), D("-1.5"), D(3))
    assert close(r.trade_creation, D("-2.0265e9"))
    assert close(r.world_price_change, D("-0.0833"), "0.005")
    assert close(r.tariff_revenue_after, D("1.3932e9"))
    assert close(r.exporter_revenue_change, D("-2.5331e9"))


def test_e3_from_25_to_50() -> None:
    r = smart(MX, D("0.25"), D("0.5"), D("-1.5"))
    assert close(r.trade_creation, D("-2.432e9"))
    assert close(r.tariff_revenue_before, D("2.026e9"))
    assert close(r.tariff_revenue_after, D("2.837e9"))
    assert close(r.welfare, D("-3.04e8"))


def test_e4_diversion() -> None:
    td_k, td_rest = smart_diversion(MX, ROW, D(0), D("0.25"), D("0.25"), D("0.25"), D("1.5"))
    assert close(td_k, D("-2.4254e9"))
    assert td_k + td_rest == 0


def test_e5_ces_uniform() -> None:
    r = ces([CesPartner("MX", MX, D(0), D("0.25"))], D("-1.5"), D("1.5"))
    assert close(r.quantity_index, D("0.71554"), "0.00001")
    assert close(r.partners[0].change, D("-2.306e9"))


def test_e6_ces_mexico_alone_and_its_es_3_variant() -> None:
    partners = [CesPartner("MX", MX, D(0), D("0.25")), CesPartner("ROW", ROW, D("0.25"), D("0.25"))]
    r = ces(partners, D("-1.5"), D("1.5"))
    mx, row = r.partners
    assert close(r.price_index, D("1.0538"), "0.0001")
    assert close(mx.change, D("-2.306e9"))
    assert close(mx.creation, D("-0.612e9"), "0.001")
    assert close(mx.diversion, D("-1.693e9"))
    assert abs(row.change) < D("0.001")  # Em = -Es: the third country is untouched
    r3 = ces(partners, D("-1.5"), D(3))
    assert close(r3.partners[0].change, D("-3.658e9"))
    assert close(r3.partners[1].change, D("1.433e9"))


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=1, max_value=10**11),
    st.integers(min_value=1, max_value=60),
    st.integers(min_value=1, max_value=40),
)
def test_trade_creation_is_proportional_to_em(flow: int, dt_pct: int, em_tenths: int) -> None:
    em = -D(em_tenths) / 10
    a = smart(D(flow), D(0), D(dt_pct) / 100, em).trade_creation
    b = smart(D(flow), D(0), D(dt_pct) / 100, 2 * em).trade_creation
    assert close(b, 2 * a, "0.0000001")


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=1, max_value=10**11),
    st.integers(min_value=1, max_value=10**11),
    st.integers(min_value=0, max_value=50),
    st.integers(min_value=1, max_value=50),
    st.integers(min_value=1, max_value=50),
)
def test_linear_diversion_nets_to_zero(mk: int, mrest: int, t0: int, t1: int, es10: int) -> None:
    td_k, td_rest = smart_diversion(
        D(mk), D(mrest), D(t0) / 100, D(t1) / 100, D("0.25"), D("0.25"), D(es10) / 10
    )
    assert td_k + td_rest == 0
    assert -mk <= td_k <= mrest


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=50), st.integers(min_value=5, max_value=40))
def test_ces_uniform_tariffs_give_no_diversion(t1: int, es10: int) -> None:
    partners = [CesPartner("a", MX, D(0), D(t1) / 100), CesPartner("b", ROW, D(0), D(t1) / 100)]
    r = ces(partners, D("-1.5"), D(es10) / 10)
    for p in r.partners:
        assert abs(p.diversion) < D("0.0001")


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=5, max_value=40), st.integers(min_value=1, max_value=50))
def test_ces_em_equal_minus_es_leaves_the_third_country_untouched(es10: int, t1: int) -> None:
    es = D(es10) / 10
    partners = [CesPartner("MX", MX, D(0), D(t1) / 100), CesPartner("ROW", ROW, D("0.1"), D("0.1"))]
    r = ces(partners, -es, es)
    assert abs(r.partners[1].change) < D("0.001")


def test_es_of_one_uses_the_geometric_mean() -> None:
    partners = [CesPartner("MX", MX, D(0), D("0.25")), CesPartner("ROW", ROW, D("0.25"), D("0.25"))]
    near = ces(partners, D("-1.5"), D("1.000001")).partners[0].change
    exact = ces(partners, D("-1.5"), D(1)).partners[0].change
    assert close(exact, near, "0.00001")


def test_sweep_is_monotonic_and_linear_exceeds_exact() -> None:
    points = sweep(MX, D(0), D("0.25"))
    losses = [-p.ces_change for p in points]
    assert losses == sorted(losses)
    assert all(p.smart_change <= p.ces_change < 0 for p in points)


def test_implied_elasticities_of_the_3_2_bn_claim() -> None:
    implied = implied_em(MX, D(0), D("0.25"), D("3.2e9"))
    assert close(implied["smart"], D("-1.58"), "0.002")  # spec §4.6 (b)
    assert close(implied["ces"], D("-2.25"), "0.002")  # spec §4.6 (c): about -2.3
    assert close(smart(MX, D(0), D("0.25"), implied["smart"]).trade_creation, D("-3.2e9"), "0.0000001")


def test_chart_is_valid_svg() -> None:
    svg = loss_chart_svg(sweep(MX, D(0), D("0.25")), title="loss & elasticity", reference=D("3.2e9"))
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert len(root.findall("{http://www.w3.org/2000/svg}polyline")) == 2


def test_bad_elasticities_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        smart(MX, D(0), D("0.25"), D("1.5"))
