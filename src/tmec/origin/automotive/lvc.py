"""Labor value content (Appendix Art. 7; UR s.18; 29 CFR Part 810; 19 USC 4532(c)(1)).

The producer chooses one of two formulas (UR s.18(6)):

* (a) net-cost basis:  ``(HWLC + HWM) / NC × 100``
* (b) annual purchase value basis: ``(APV + HWLC) / (TAPV + HWLC) × 100``, where
  HWLC may be left out of both terms;

to which it adds the high-wage technology credit (R&D and IT wages over direct
production wages, in points, capped at 10) and the high-wage assembly credit (5
points when it operates, or has a contract of at least 3 years with, a plant
paying the high wage rate that can make 100,000 engines or transmissions or
25,000 advanced battery packs a year — 20,000 each for heavy trucks; the parts
need not be originating).

The vehicle meets the LVC when the high-wage material and manufacturing points
(formula (a) or (b)) reach their own minimum **and** the total reaches the LVC
threshold.  A plant pays the high wage rate when its average base hourly wage
for direct production work — base wages over hours (29 CFR 810.105(a)) — is at
least US$16, or the Canadian or Mexican equivalent, all dated parameters that a
case may override.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tmec.core.errors import InputError
from tmec.core.money import CONTEXT, ZERO, percent
from tmec.core.params import ParameterSnapshot, ParamValue
from tmec.core.trace import Question, Step
from tmec.origin.automotive._input import Reader
from tmec.origin.automotive.periods import LVC_PERIODS
from tmec.origin.automotive.result import Requirement, join_refs

__all__ = ["LVCInput", "Plant", "assess_lvc", "average_base_wage", "parse_lvc", "wage_threshold"]

CURRENCY_BY_COUNTRY = {"US": "USD", "CA": "CAD", "MX": "MXN"}
REF = "UR s.18(6); Automotive Appendix Art. 7; 19 USC 4532(c)(1)"
REF_WAGE = "UR s.12 'high-wage rate', 'average base hourly wage rate'; 29 CFR 810.105(a)"


@dataclass(frozen=True, slots=True)
class Plant:
    id: str
    country: str
    currency: str
    average_wage: Decimal | None  # given, or computed from wages and hours
    base_wages: Decimal | None = None
    hours: Decimal | None = None
    engines: int = 0  # annual production capacity (for the assembly credit)
    transmissions: int = 0
    battery_packs: int = 0
    operated: bool = True  # operated by the producer; else a contract
    contract_years: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Amount:
    value: Decimal
    plant: str | None = None  # counts only when this plant pays the high wage rate
    field: str = ""


@dataclass(frozen=True, slots=True)
class LVCInput:
    basis: str  # net_cost | annual_purchase_value
    net_cost: Decimal | None
    apv: Decimal | None
    tapv: Decimal | None
    omit_hwlc: bool
    high_wage_labor: tuple[Amount, ...]
    high_wage_materials: tuple[Amount, ...]
    high_wage_transport: tuple[Amount, ...]  # providers paying the high wage rate (UR s.12, s.18(20))
    technology_wages: Decimal
    production_wages: Decimal | None
    assembly_credit: bool | None  # None: earn it from plants' capacity
    plants: tuple[Plant, ...]
    wage_thresholds: dict[str, Decimal]
    period: str = "previous_fiscal_year"  # UR s.18(19); 19 CFR 182.93(d)


def average_base_wage(base_wages: Decimal, hours: Decimal) -> Decimal:
    """Average base hourly wage: base wages for direct production work over its hours (29 CFR 810.105(a)).

    >>> average_base_wage(Decimal("3200000"), Decimal("100000"))
    Decimal('32')
    """
    if hours <= 0:
        raise ZeroDivisionError("no direct production hours")
    return CONTEXT.divide(base_wages, hours)


def wage_threshold(
    currency: str, params: ParameterSnapshot, overrides: dict[str, Decimal]
) -> tuple[Decimal, str]:
    """The high wage rate in a currency, and where it comes from (a case override or the parameter)."""
    if currency in overrides:
        return overrides[currency], "given in the case (automotive.lvc.wage_thresholds)"
    p = params[f"usmca.automotive.high_wage_rate_{currency.lower()}"]
    return p.decimal, p.cite()


def _amounts(r: Reader, key: str) -> tuple[Amount, ...]:
    raw = r.data.get(key)
    if raw is None:
        return ()
    if not isinstance(raw, list):
        return (Amount(r.amount(key), None, r.at(key)),)
    out = []
    for i, item in enumerate(raw):
        a = Reader(item, f"{r.at(key)}[{i}]", r.source, {"value", "plant", "description", "supplier"})
        out.append(Amount(a.amount("value"), a.text("plant"), a.field))
    return tuple(out)


def _plant(raw: Any, field: str, source: str | None) -> Plant:
    r = Reader(
        raw,
        field,
        source,
        {
            "id",
            "country",
            "currency",
            "average_base_wage",
            "base_wages",
            "hours",
            "engines",
            "transmissions",
            "battery_packs",
            "operated",
            "contract_years",
            "name",
        },
    )
    country = r.choice("country", tuple(CURRENCY_BY_COUNTRY))
    currency = r.choice("currency", tuple(CURRENCY_BY_COUNTRY.values()), CURRENCY_BY_COUNTRY[country])
    wages, hours = r.opt_amount("base_wages"), r.opt_amount("hours")
    avg = r.opt_amount("average_base_wage")
    if avg is None and wages is not None and hours is not None:
        if hours == ZERO:
            raise InputError(
                "expected direct production hours greater than 0", field=r.at("hours"), source=source
            )
        avg = average_base_wage(wages, hours)
    return Plant(
        id=r.text("id") or field,
        country=country,
        currency=currency,
        average_wage=avg,
        base_wages=wages,
        hours=hours,
        engines=r.integer("engines") or 0,
        transmissions=r.integer("transmissions") or 0,
        battery_packs=r.integer("battery_packs") or 0,
        operated=r.flag("operated", True),
        contract_years=r.opt_amount("contract_years"),
    )


def parse_lvc(raw: Any, *, field: str, source: str | None) -> LVCInput:
    r = Reader(
        raw,
        field,
        source,
        {
            "basis",
            "net_cost",
            "apv",
            "tapv",
            "omit_hwlc",
            "high_wage_labor",
            "high_wage_materials",
            "high_wage_transport",
            "technology_wages",
            "production_wages",
            "assembly_credit",
            "plants",
            "wage_thresholds",
            "period",
        },
    )
    basis = r.choice("basis", ("net_cost", "annual_purchase_value"), "net_cost")
    plants = tuple(_plant(p, f"{r.at('plants')}[{i}]", source) for i, p in enumerate(r.items("plants")))
    ids = [p.id for p in plants]
    if len(set(ids)) != len(ids):
        raise InputError("plant ids must be unique", field=r.at("plants"), source=source)
    overrides: dict[str, Decimal] = {}
    if r.has("wage_thresholds"):
        w = r.child("wage_thresholds", {"USD", "CAD", "MXN"})
        overrides = {k: w.amount(k) for k in w.data}
    credit = r.data.get("assembly_credit")
    if credit is not None and not isinstance(credit, bool):
        raise InputError(
            "expected true/false, or leave it out to earn the credit from the plants' capacities",
            field=r.at("assembly_credit"),
            source=source,
        )
    out = LVCInput(
        basis=basis,
        net_cost=r.opt_amount("net_cost"),
        apv=r.opt_amount("apv"),
        tapv=r.opt_amount("tapv"),
        omit_hwlc=r.flag("omit_hwlc"),
        high_wage_labor=_amounts(r, "high_wage_labor"),
        high_wage_materials=_amounts(r, "high_wage_materials"),
        high_wage_transport=_amounts(r, "high_wage_transport"),
        technology_wages=r.opt_amount("technology_wages") or ZERO,
        production_wages=r.opt_amount("production_wages"),
        assembly_credit=credit,
        plants=plants,
        wage_thresholds=overrides,
        period=r.choice("period", LVC_PERIODS, "previous_fiscal_year"),
    )
    known = set(ids)
    for a in out.high_wage_labor + out.high_wage_materials + out.high_wage_transport:
        if a.plant is not None and a.plant not in known:
            raise InputError(
                f"unknown plant {a.plant!r}; declare it under {r.at('plants')}", field=a.field, source=source
            )
    # Without net_cost the net-cost basis takes each vehicle's own net cost (UR s.18(6)(a)).
    if basis == "net_cost" and out.net_cost == ZERO:
        raise InputError(
            "expected the vehicle's net cost greater than 0", field=r.at("net_cost"), source=source
        )
    if basis == "annual_purchase_value" and (out.apv is None or not out.tapv):
        raise InputError(
            "the annual purchase value basis needs apv and tapv (> 0)", field=r.at("tapv"), source=source
        )
    if out.technology_wages and not out.production_wages:
        raise InputError(
            "the technology credit is R&D and IT wages over direct production wages: give production_wages",
            field=r.at("production_wages"),
            source=source,
        )
    return out


@dataclass(frozen=True, slots=True)
class _Thresholds:
    total: ParamValue
    hw_min: ParamValue


def _thresholds(vehicle_class: str, params: ParameterSnapshot) -> _Thresholds:
    prefix = "usmca.automotive."
    if vehicle_class == "passenger_vehicle":
        return _Thresholds(
            params[prefix + "lvc_passenger_vehicle"], params[prefix + "lvc_passenger_vehicle_hw_min"]
        )
    return _Thresholds(params[prefix + "lvc_truck"], params[prefix + "lvc_truck_hw_min"])


def _qualifying_plants(
    lvc: LVCInput, params: ParameterSnapshot, steps: list[Step]
) -> tuple[set[str], list[dict[str, Any]], list[Question]]:
    ok: set[str] = set()
    rows: list[dict[str, Any]] = []
    questions = []
    for p in lvc.plants:
        limit, ref = wage_threshold(p.currency, params, lvc.wage_thresholds)
        if p.average_wage is None:
            questions.append(
                Question(
                    f"plant {p.id} wage",
                    f"What are the base wages and hours of direct production work at plant {p.id}? "
                    "Its materials and labour count as high-wage only if it pays the high wage rate.",
                )
            )
            rows.append(
                {"plant": p.id, "currency": p.currency, "average_base_wage": None, "high_wage": False}
            )
            continue
        qualifies = p.average_wage >= limit
        if qualifies:
            ok.add(p.id)
        rows.append(
            {
                "plant": p.id,
                "currency": p.currency,
                "average_base_wage": p.average_wage,
                "threshold": limit,
                "high_wage": qualifies,
            }
        )
        how = f"{p.base_wages} / {p.hours} h = " if p.base_wages is not None else ""
        steps.append(
            Step(
                f"lvc.plant.{p.id}",
                f"average base wage {how}{p.average_wage:.4f} {p.currency}/h "
                f"{'>=' if qualifies else '<'} {limit}",
                join_refs("29 CFR 810.105(a)", ref),
                qualifies,
            )
        )
    return ok, rows, questions


def _sum(amounts: tuple[Amount, ...], qualifying: set[str]) -> tuple[Decimal, Decimal]:
    """(counted, left out): an amount tied to a plant counts only if the plant pays the high wage."""
    counted = left = ZERO
    for a in amounts:
        if a.plant is None or a.plant in qualifying:
            counted += a.value
        else:
            left += a.value
    return counted, left


def _assembly_credit(
    lvc: LVCInput, vehicle_class: str, qualifying: set[str], params: ParameterSnapshot
) -> tuple[bool, str]:
    if lvc.assembly_credit is not None:
        return lvc.assembly_credit, "stated in the case"
    group = "ht" if vehicle_class == "heavy_truck" else "pv_lt"
    p = "usmca.automotive.assembly_capacity_"
    need = {
        "engines": params[f"{p}{group}_engines"].decimal,
        "transmissions": params[f"{p}{group}_transmissions"].decimal,
        "battery_packs": params[f"{p}{group}_batteries"].decimal,
    }
    years = params["usmca.automotive.lvc_assembly_contract_years"].decimal
    for plant in lvc.plants:
        if plant.id not in qualifying:
            continue
        if not plant.operated and (plant.contract_years is None or plant.contract_years < years):
            continue
        for kind, minimum in need.items():
            if getattr(plant, kind) >= minimum:
                return True, f"plant {plant.id}: {kind} capacity {getattr(plant, kind)} >= {minimum}"
    return False, "no high-wage plant with the engine, transmission or battery-pack capacity"


def assess_lvc(
    lvc: LVCInput,
    *,
    params: ParameterSnapshot,
    vehicle_class: str,
    thresholds: tuple[ParamValue, ParamValue] | None = None,
) -> Requirement:
    """The LVC of a vehicle against its threshold and its high-wage material and manufacturing minimum.

    ``thresholds`` (total, high-wage minimum) replace the class's own, for a vehicle
    under the Alternative Staging Regime (UR s.19(4)(d)).
    """
    th = _thresholds(vehicle_class, params) if thresholds is None else _Thresholds(*thresholds)
    steps: list[Step] = []
    qualifying, plants, questions = _qualifying_plants(lvc, params, steps)
    hwlc, hwlc_out = _sum(lvc.high_wage_labor, qualifying)
    hwm, hwm_out = _sum(lvc.high_wage_materials, qualifying)
    transport, transport_out = _sum(lvc.high_wage_transport, qualifying)
    hwm_out += transport_out
    hwm += transport
    if lvc.basis == "net_cost":
        if lvc.net_cost is None:
            raise InputError(
                "the net-cost basis needs the vehicle's net cost", field="automotive.lvc.net_cost"
            )
        hw_points = percent(hwlc + hwm, lvc.net_cost)
        formula = f"(HWLC {hwlc} + HWM {hwm}) / NC {lvc.net_cost} × 100"
    else:
        assert lvc.apv is not None and lvc.tapv is not None
        labour = ZERO if lvc.omit_hwlc else hwlc
        # APV here is the annual purchase value of high-wage materials; transport adds to it.
        apv = lvc.apv + transport
        hw_points = percent(apv + labour, lvc.tapv + labour)
        formula = f"(APV {apv} + HWLC {labour}) / (TAPV {lvc.tapv} + HWLC {labour}) × 100"
    cap = params["usmca.automotive.lvc_technology_credit_cap"]
    tech = ZERO
    if lvc.production_wages:
        tech = min(cap.decimal, percent(lvc.technology_wages, lvc.production_wages))
    credit_param = params["usmca.automotive.lvc_assembly_credit"]
    earned, why = _assembly_credit(lvc, vehicle_class, qualifying, params)
    assembly = credit_param.decimal if earned else ZERO
    value = hw_points + tech + assembly
    hw_ok = hw_points >= th.hw_min.decimal
    total_ok = value >= th.total.decimal
    passed = hw_ok and total_ok
    steps.append(
        Step(
            "lvc.high_wage_points",
            f"{formula} = {hw_points:.4f} {'>=' if hw_ok else '<'} minimum {th.hw_min.decimal}",
            join_refs(REF, th.hw_min.cite()),
            hw_ok,
        )
    )
    steps.append(
        Step(
            "lvc.technology_credit",
            f"min({cap.decimal}, R&D+IT wages {lvc.technology_wages} / production wages "
            f"{lvc.production_wages} × 100) = {tech:.4f}",
            cap.cite(),
        )
    )
    steps.append(Step("lvc.assembly_credit", f"{assembly} ({why})", credit_param.cite()))
    steps.append(
        Step(
            "lvc",
            f"LVC {value:.4f} {'>=' if total_ok else '<'} {th.total.decimal}",
            join_refs(REF, th.total.cite()),
            passed,
        )
    )
    if hwlc_out or hwm_out:
        steps.append(
            Step(
                "lvc.not_high_wage",
                f"left out: labour {hwlc_out}, materials {hwm_out} from plants below the high wage rate",
                REF_WAGE,
            )
        )
    details = {
        "basis": lvc.basis,
        "period": lvc.period,
        "high_wage_points": hw_points,
        "high_wage_points_min": th.hw_min.decimal,
        "technology_credit": tech,
        "assembly_credit": assembly,
        "high_wage_labor": hwlc,
        "high_wage_materials": hwm,
        "plants": plants,
    }
    return Requirement(
        "lvc",
        value,
        th.total.decimal,
        passed,
        join_refs(REF, th.total.cite()),
        details,
        tuple(steps),
        tuple(questions),
    )
