"""Impact per trade flow (tmec.tariffs.impact.flows): properties of the models on flows' aggregates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tmec.core.errors import InputError
from tmec.law import load_parameters
from tmec.tariffs.impact import Elasticities, TradeFlow, elasticities_at, flow_impact, flows_impact, smart

values = st.decimals(min_value=1, max_value=10**10, places=2)
duties = st.decimals(min_value=0, max_value=2, places=4)  # duty / value, up to 200 %
ems = st.decimals(min_value=Decimal("-4"), max_value=0, places=2)
exs = st.one_of(st.none(), st.decimals(min_value=Decimal("0.5"), max_value=50, places=1))


@pytest.mark.parametrize("model", ["smart", "ces"])
@given(value=values, r0=duties, r1=duties, r2=duties, em=ems, ex=exs)
def test_a_higher_rate_never_increases_imports(
    model: str, value: Decimal, r0: Decimal, r1: Decimal, r2: Decimal, em: Decimal, ex: Decimal | None
) -> None:
    el = Elasticities(em=em, es=Decimal("1.5"), ex=ex)
    lo, hi = sorted((r1, r2))

    def change(rate: Decimal) -> Decimal:
        return flow_impact(TradeFlow(("72", "MX"), value, value * r0, value * rate), model, el).trade_change

    noise = value * Decimal("1e-20")  # Decimal powers are exact to 28 digits, not beyond
    assert change(hi) <= change(lo) + noise
    if hi >= r0:
        assert change(hi) <= noise
    assert change(r0) == 0


@pytest.mark.parametrize("model", ["smart", "ces"])
@given(value=values, r0=duties, em=ems)
def test_no_change_no_trade_change_and_revenue_is_the_duty(
    model: str, value: Decimal, r0: Decimal, em: Decimal
) -> None:
    duty = value * r0
    r = flow_impact(TradeFlow(("73", "CA"), value, duty, duty), model, Elasticities(em, Decimal("1.5"), None))
    assert r.trade_change == 0 and r.welfare == 0
    assert r.tariff_revenue_before == r.tariff_revenue_after == duty


def test_flows_add_up_and_are_the_model_on_their_rates() -> None:
    el = Elasticities(Decimal("-1.5"), Decimal("1.5"), Decimal(4))
    flows = [
        TradeFlow(("72", "MX"), Decimal(1000), Decimal(250), Decimal(500)),
        TradeFlow(("76", "CA"), Decimal(400), Decimal(0), Decimal(100)),
        TradeFlow(("87", "JP"), Decimal(0), Decimal(0), Decimal(0)),  # no value: nothing to move
    ]
    rows, totals = flows_impact(flows, "smart", el)
    direct = smart(Decimal(1000), Decimal("0.25"), Decimal("0.5"), Decimal("-1.5"), Decimal(4))
    assert rows[0].trade_change == direct.trade_creation
    assert rows[0].tariff_revenue_after == direct.tariff_revenue_after
    assert rows[2].trade_change == 0
    assert totals.trade_change == sum((r.trade_change for r in rows), Decimal(0))
    assert totals.duty_after == Decimal(600)


def test_elasticities_from_the_dated_parameters_and_overrides() -> None:
    snapshot = load_parameters().at(dt.date(2026, 1, 1))
    el = elasticities_at(snapshot)
    assert el.em == snapshot["tariffs.elasticity.import_demand_steel"].decimal
    assert el.ex is None  # 99: infinitely elastic
    assert "[unverified]" in el.sources["em"]
    given_el = elasticities_at(snapshot, em=Decimal("-2"), ex=Decimal(3))
    assert (given_el.em, given_el.ex, given_el.sources["em"]) == (Decimal(-2), Decimal(3), "given")
    for kwargs, field in (
        ({"em": Decimal(1)}, "--em"),
        ({"es": Decimal(-1)}, "--es"),
        ({"ex": Decimal(0)}, "--ex"),
    ):
        with pytest.raises(InputError) as info:
            elasticities_at(snapshot, **kwargs)
        assert info.value.field == field
    with pytest.raises(InputError):
        flow_impact(TradeFlow(("72", "MX"), Decimal(1), Decimal(0), Decimal(0)), "gravity", el)
