"""A vehicle against all its automotive requirements (Appendix to Annex 4-B; UR Part 6).

A passenger vehicle or light truck is originating only when it meets all five:
its RVC (net cost, staged), the Table A.2 core parts, the 70 % steel and the
70 % aluminum purchases, and the LVC.  A heavy truck: its RVC (HT-70), steel,
aluminum and LVC, with its engines, gear boxes and chassis at the Table D
threshold.  An Art. 10 "other vehicle": its RVC only.  A PV/LT declared under
the Alternative Staging Regime (UR s.19): RVC 62.5, steel and aluminum 70, LVC
25, and no Table A.2 test.

``parse_automotive`` (module ``block``) reads the ``automotive:`` block of a case file (every error
names its field); ``assess_vehicle`` decides.  ``VehicleAssessor`` caches what
many vehicles of one configuration and period share (core parts, purchases,
LVC), so a model year of a plant is assessed at the cost of its vehicle RVCs.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from tmec.core.dates import add_years
from tmec.core.errors import InputError, NotInForce
from tmec.core.hs import validate
from tmec.core.money import ZERO, percent, to_decimal
from tmec.core.params import ParameterSet, ParameterSnapshot, ParamValue
from tmec.core.trace import Question, Step
from tmec.law import load_parameters
from tmec.origin.automotive.averaging import VehicleRecord
from tmec.origin.automotive.block import REGIMES, AutomotiveInput, parse_automotive
from tmec.origin.automotive.classes import Classification, classify
from tmec.origin.automotive.core_parts import assess_core_parts
from tmec.origin.automotive.lvc import LVCInput, assess_lvc
from tmec.origin.automotive.result import AutomotiveResult, Requirement, join_refs
from tmec.origin.automotive.steel_aluminum import assess_purchases

__all__ = [
    "REGIMES",
    "AutomotiveInput",
    "VehicleAssessor",
    "assess_vehicle",
    "parse_automotive",
    "vehicle_record",
]

MAX_SHARED = 100_000  # cached configuration x law-epoch results per VehicleAssessor
REF_RVC = "UR s.13 (net cost only); Automotive Appendix Arts. 3, 4, 10"
ASR = "usmca.automotive.asr_"


class _Params:
    """The parameters of the day; for an approved ASR that outlasts 30 June 2025, its last values."""

    def __init__(self, snapshot: ParameterSnapshot, asr_until: dt.date | None) -> None:
        self.snapshot = snapshot
        self.asr_until = asr_until

    def asr(self, name: str) -> ParamValue:
        try:
            return self.snapshot[ASR + name]
        except NotInForce:
            if self.asr_until is None or self.snapshot.day > self.asr_until:
                raise
            parameter = load_parameters()[ASR + name]
            last: ParamValue = [v for v in parameter.values if v is not None][-1]
            return last


def _missing(name: str, what: str, reference: str) -> Requirement:
    """A requirement whose facts the case does not give: unknown counts as not met."""
    return Requirement(
        name,
        None,
        None,
        False,
        reference,
        {"missing": True},
        (Step(name, f"not shown: the case gives no {what}", reference, False),),
        (
            Question(
                f"automotive.{name}",
                f"Give automotive.{name}: {what} (required of this vehicle, {reference}).",
            ),
        ),
    )


def _asr_snapshot(params: ParameterSnapshot, block: AutomotiveInput) -> _Params:
    p = _Params(params, block.asr_period_end)
    if block.regime == "alternative_staging":
        try:
            p.asr("vehicle_rvc")
        except NotInForce:
            raise InputError(
                f"the Alternative Staging Regime ended on 30 June 2025 (UR s.19(2)); on {params.day} give "
                "asr_period_end (the end of the approved period) or regime: standard",
                field="automotive.regime",
                source=block.source,
            ) from None
    return p


def _vehicle_rvc(
    s: _Shared,
    block: AutomotiveInput,
    day: dt.date,
    net_cost: Decimal,
    vnm: Decimal,
    ht_credit: tuple[Decimal, Decimal, str] | None,
) -> Requirement:
    """The vehicle's own RVC (net cost) against its threshold; the per-vehicle part of the work."""
    steps: list[Step] = []
    limit, reference = s.rvc_limit, s.rvc_reference
    if s.cls.vehicle_class == "other_vehicle" and (
        block.new_plant_first_prototype or block.refit_first_prototype
    ):
        window = _new_plant_window(block, s.params.snapshot, day)
        if window is not None:
            limit, why = window
            reference = join_refs(REF_RVC, limit.cite())
            steps.append(Step("vehicle_rvc.new_plant", why, limit.cite()))
    threshold = limit.decimal
    counted_vnm = vnm + s.add_back
    if s.add_back:
        steps.append(
            Step(
                "vehicle_rvc.core_parts_roll_up",
                f"no roll-up for {block.importing_country}: the non-originating content {s.add_back} of the "
                "originating core parts stays in VNM",
                s.params.snapshot["usmca.automotive.core_parts_roll_up"].cite(),
            )
        )
    if net_cost <= ZERO:
        raise InputError(
            "expected the vehicle's net cost greater than 0",
            field="automotive.vehicle.net_cost",
            source=block.source,
        )
    value = percent(net_cost - counted_vnm, net_cost)
    details: dict[str, Any] = {"method": "net_cost", "net_cost": net_cost, "vnm": counted_vnm}
    passed = value >= threshold
    if ht_credit is not None and not passed:
        credited, floor, ref = ht_credit
        details["lvc_credit"] = credited
        passed = value >= floor and value + credited >= threshold
        steps.append(
            Step(
                "vehicle_rvc.lvc_credit",
                f"heavy truck: {value:.4f} + LVC points above the minimum {credited:.4f} "
                f"{'>=' if passed else '<'} {threshold} (RVC not below {floor})",
                ref,
                passed,
            )
        )
    steps.insert(
        0,
        Step(
            "vehicle_rvc",
            f"({net_cost} − {counted_vnm}) / {net_cost} × 100 = {value:.4f} "
            f"{'>=' if value >= threshold else '<'} {threshold}",
            reference,
            passed,
        ),
    )
    return Requirement("vehicle_rvc", value, threshold, passed, reference, details, tuple(steps))


def _new_plant_window(
    block: AutomotiveInput, snap: ParameterSnapshot, day: dt.date
) -> tuple[Any, str] | None:
    """The 50 % RVC of a new or refitted plant, while its window lasts (UR s.20(8))."""
    rate = snap["usmca.automotive.new_plant_rvc"]
    if block.new_plant_first_prototype is not None:
        years = int(snap["usmca.automotive.new_plant_years"].decimal)
        end = add_years(block.new_plant_first_prototype, years)
        if block.new_plant_first_prototype <= day < end:
            return (
                rate,
                f"new plant: within {years} years of the first prototype ({block.new_plant_first_prototype})",
            )
    if block.refit_first_prototype is not None:
        years = int(snap["usmca.automotive.refit_plant_years"].decimal)
        end = add_years(block.refit_first_prototype, years)
        if block.refit_first_prototype <= day < end:
            return (
                rate,
                f"refitted plant: within {years} years of its first prototype after the refit "
                f"({block.refit_first_prototype})",
            )
    return None


def _ht_lvc_credit(
    cls: Classification, snap: ParameterSnapshot, lvc: Requirement | None
) -> tuple[Decimal, Decimal, str] | None:
    """Until 1 July 2027 a heavy truck's high-wage points over its minimum add to its RVC (s.18(22))."""
    if cls.vehicle_class != "heavy_truck" or lvc is None or lvc.value is None:
        return None
    try:
        floor = snap["usmca.automotive.ht_lvc_excess_credit_floor"]
    except NotInForce:
        return None
    excess = Decimal(lvc.details["high_wage_points"]) - Decimal(lvc.details["high_wage_points_min"])
    if excess <= ZERO:
        return None
    return excess, floor.decimal, floor.cite()


def _roll_up_add_back(block: AutomotiveInput, snap: ParameterSnapshot, core: Requirement | None) -> Decimal:
    """Non-originating content of originating core parts kept in the vehicle VNM without roll-up."""
    if core is None or not core.passed:
        return ZERO
    allowed = block.core_parts_roll_up
    if allowed is None:
        if block.importing_country is None:
            return ZERO  # the panel's reading (spec 5.4(7)): originating core parts count in full
        allowed = bool(snap["usmca.automotive.core_parts_roll_up"].value[block.importing_country])
    if allowed:
        return ZERO
    return sum((p.vnm for p in block.core_parts if p.vnm is not None), ZERO)


@dataclass(frozen=True, slots=True)
class _Shared:
    """What every vehicle of one configuration on one day shares."""

    cls: Classification
    params: _Params
    core: Requirement | None
    steel: Requirement | None
    aluminum: Requirement | None
    lvc: Requirement | None
    add_back: Decimal
    steps: tuple[Step, ...]
    rvc_limit: ParamValue
    rvc_reference: str
    ht_credit: tuple[Decimal, Decimal, str] | None = None


def _shared(block: AutomotiveInput, *, category: str | None, hs: str, params: ParameterSnapshot) -> _Shared:
    cls = classify(hs, block.attributes)
    if category is not None and category != cls.vehicle_class:
        raise InputError(
            f"{cls.reason} (UR s.12), so its category is {cls.vehicle_class!r}; found {category!r}",
            field="good.category",
            source=block.source,
        )
    p = _asr_snapshot(params, block)
    steps = [Step("automotive.class", cls.reason, cls.reference)]
    if block.regime == "alternative_staging" and cls.vehicle_class not in (
        "passenger_vehicle",
        "light_truck",
    ):
        raise InputError(
            "the Alternative Staging Regime is for passenger vehicles and light trucks (UR s.19(1))",
            field="automotive.regime",
            source=block.source,
        )
    if not cls.covered:
        steps.append(
            Step(
                "automotive.other_vehicle",
                "an Art. 10 vehicle: RVC only; no core-parts, steel, aluminum or LVC requirement",
                "UR s.20; Automotive Appendix Art. 10",
            )
        )
        limit = p.snapshot[cls.rvc_parameter]
        return _Shared(
            cls, p, None, None, None, None, ZERO, tuple(steps), limit, join_refs(REF_RVC, limit.cite())
        )
    core: Requirement | None
    if block.regime == "alternative_staging":
        core = None
        steps.append(
            Step("core_parts", "ASR vehicle: exempt from the Table A.2 core-parts requirement", "UR s.19(5)")
        )
    elif cls.vehicle_class == "heavy_truck" and not block.core_parts:
        core = None
    else:
        core = assess_core_parts(
            block.core_parts,
            params=params,
            vehicle_class=cls.vehicle_class,
            not_used=block.core_parts_not_used,
        )
    exempt = block.regime == "alternative_staging" and block.asr_steel_aluminum_exempt
    if exempt:
        steps.append(Step("steel_aluminum", "exempted by the approved ASR", "UR s.19(4)(c)"))
    steel = (
        None
        if exempt
        else (
            assess_purchases(block.steel, params=params)
            if block.steel
            else _missing("steel", "Table S steel purchases", "UR s.17")
        )
    )
    aluminum = (
        None
        if exempt
        else (
            assess_purchases(block.aluminum, params=params)
            if block.aluminum
            else _missing("aluminum", "Table S aluminum purchases", "UR s.17")
        )
    )
    lvc: Requirement | None = None
    if block.lvc is None:
        lvc = _missing("lvc", "labor value content figures", "UR s.18")
    elif block.lvc.net_cost is not None or block.lvc.basis != "net_cost":
        lvc = _lvc(block, block.lvc, cls, p)
    # else: the LVC's net cost is each vehicle's own, so the LVC is computed per vehicle
    limit = p.asr("vehicle_rvc") if block.regime == "alternative_staging" else params[cls.rvc_parameter]
    return _Shared(
        cls,
        p,
        core,
        steel,
        aluminum,
        lvc,
        _roll_up_add_back(block, params, core),
        tuple(steps),
        limit,
        join_refs(REF_RVC, limit.cite()),
        _ht_lvc_credit(cls, params, lvc),
    )


def _lvc(block: AutomotiveInput, lvc: LVCInput, cls: Classification, p: _Params) -> Requirement:
    # ASR thresholds may outlast their dated values under an approved period (UR s.19(2)).
    asr = (p.asr("lvc"), p.asr("lvc_hw_min")) if block.regime == "alternative_staging" else None
    return assess_lvc(lvc, params=p.snapshot, vehicle_class=cls.vehicle_class, thresholds=asr)


def assess_vehicle(
    block: AutomotiveInput | Mapping[str, Any],
    *,
    hs: str,
    day: dt.date,
    category: str | None = None,
    net_cost: Decimal | None = None,
    vnm: Decimal | None = None,
    params: ParameterSnapshot | None = None,
    source: str | None = None,
) -> AutomotiveResult:
    """All the automotive requirements of one vehicle on ``day``.

    ``net_cost`` and ``vnm`` are the vehicle's own, from the general net-cost
    computation of the case; when absent they come from ``automotive.vehicle``.
    """
    return VehicleAssessor(params_at=None if params is None else (lambda _d: params)).assess(
        block, hs=hs, day=day, category=category, net_cost=net_cost, vnm=vnm, source=source
    )


class VehicleAssessor:
    """Assess many vehicles, computing what a configuration shares once per period of unchanged law.

    Core parts, purchases and LVC do not depend on the vehicle, only on the
    configuration and the law in force; between two dates at which any legal
    parameter changes (an *epoch*) they are computed once.
    """

    def __init__(
        self,
        params_at: Callable[[dt.date], ParameterSnapshot] | None = None,
        parameters: ParameterSet | None = None,
    ) -> None:
        if params_at is None:
            parameters = parameters or load_parameters()
            params_at = parameters.at
        self._params_at = params_at
        # With the whole parameter set known, days between two changes share one epoch.
        self._changes: list[dt.date] | None = (
            sorted({d for p in parameters.values() for d in p.dates}) if parameters is not None else None
        )
        self._cache: dict[tuple[Any, ...], tuple[AutomotiveInput, _Shared]] = {}
        self._codes: dict[str, str] = {}

    def _epoch(self, block: AutomotiveInput, day: dt.date) -> object:
        if self._changes is None or block.regime == "alternative_staging":
            return day  # an approved ASR period turns on the day itself
        return bisect_right(self._changes, day)

    def shared(self, block: AutomotiveInput, *, hs: str, day: dt.date, category: str | None) -> _Shared:
        key = (id(block), hs, self._epoch(block, day), category)
        hit = self._cache.get(key)
        if hit is not None and hit[0] is block:
            return hit[1]
        found = _shared(block, category=category, hs=hs, params=self._params_at(day))
        if len(self._cache) >= MAX_SHARED:
            self._cache.clear()  # a bound for long-lived assessors; a batch rarely comes near it
        self._cache[key] = (block, found)
        return found

    def assess(
        self,
        block: AutomotiveInput | Mapping[str, Any],
        *,
        hs: str,
        day: dt.date,
        category: str | None = None,
        net_cost: Decimal | None = None,
        vnm: Decimal | None = None,
        source: str | None = None,
    ) -> AutomotiveResult:
        if not isinstance(block, AutomotiveInput):
            block = parse_automotive(block, source=source)
        code = self._codes.get(hs)
        if code is None:
            code = self._codes[hs] = validate(hs, min_digits=6, field="good.hs", source=block.source)
        hs = code
        s = self.shared(block, hs=hs, day=day, category=category)
        nc = to_decimal(net_cost, field="net_cost") if net_cost is not None else block.net_cost
        v = to_decimal(vnm, field="vnm") if vnm is not None else block.vnm
        if nc is None or v is None:
            rvc = replace(
                _missing(
                    "vehicle_rvc",
                    "net cost and VNM of the vehicle (the case's costs and materials, or "
                    "automotive.vehicle.net_cost and .vnm)",
                    s.rvc_reference,
                ),
                threshold=s.rvc_limit.decimal,
            )
        lvc, credit = s.lvc, s.ht_credit
        if lvc is None and block.lvc is not None and s.cls.covered:
            # LVC on the net-cost basis with the vehicle's own net cost (UR s.18(6)(a) "NC")
            if nc is None:
                lvc = _missing(
                    "lvc", "net cost of the vehicle for the LVC (automotive.lvc.net_cost)", "UR s.18(6)"
                )
            else:
                lvc = _lvc(block, replace(block.lvc, net_cost=nc), s.cls, s.params)
                credit = _ht_lvc_credit(s.cls, s.params.snapshot, lvc)
        if nc is not None and v is not None:
            rvc = _vehicle_rvc(s, block, day, nc, v, credit)
        return AutomotiveResult(
            vehicle_class=s.cls.vehicle_class,
            regime=block.regime,
            hs=hs,
            day=day.isoformat(),
            requirements={
                "vehicle_rvc": rvc,
                "core_parts": s.core,
                "steel": s.steel,
                "aluminum": s.aluminum,
                "lvc": lvc,
            },
            classification_reason=s.cls.reason,
            averaging_class=s.cls.averaging_class,
            steps=s.steps,
        )


def vehicle_record(
    result: AutomotiveResult, block: AutomotiveInput, *, id: str, day: dt.date
) -> VehicleRecord:
    """What averaging needs of an assessed vehicle."""
    rvc = result.requirements["vehicle_rvc"]
    assert rvc is not None and rvc.threshold is not None
    return VehicleRecord(
        id=id,
        day=day,
        vehicle_class=result.vehicle_class,
        averaging_class=result.averaging_class,
        net_cost=rvc.details["net_cost"],
        vnm=rvc.details["vnm"],
        threshold=rvc.threshold,
        model_line=block.model_line,
        plant=block.plant,
        country=block.country,
        exported=block.exported,
        core_parts=block.averaging_parts,
        source=block.source,
    )
