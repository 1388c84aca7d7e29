"""The automotive requirements inside ``qualify``: a vehicle case gets its ``automotive`` object.

A case whose ``good.category`` is a vehicle class is qualified first as any good
(its product-specific rule, net cost only: UR s.13), then against the Automotive
Appendix with the net cost and VNM that computation found.  It is originating
only when both hold; the explanation names every requirement that failed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tmec.core.errors import InputError, NoRuleError
from tmec.core.trace import Step
from tmec.law import load_parameters
from tmec.origin.automotive.assess import assess_vehicle, parse_automotive
from tmec.origin.automotive.averaging import VehicleRecord
from tmec.origin.automotive.classes import VEHICLE_CATEGORIES, classify
from tmec.origin.automotive.parts import other_reading, part_thresholds, staged_part_rule
from tmec.origin.automotive.result import AutomotiveResult
from tmec.origin.rules import Rule

if TYPE_CHECKING:
    from tmec.origin.case import Case, Good
    from tmec.origin.determination import Determination

__all__ = [
    "apply_automotive",
    "is_vehicle",
    "part_rule",
    "record_from_result",
    "vehicle_good",
    "vehicle_method",
]

_OE_USES = ("passenger_vehicle", "light_truck", "heavy_truck")
NET_COST_ONLY = "UR s.13 (all Ch. 87 vehicle thresholds are net cost); Automotive Appendix Arts. 3, 4, 10"


def is_vehicle(case: Case) -> bool:
    return case.good.category in VEHICLE_CATEGORIES


def vehicle_method(case: Case, method: str | None) -> str | None:
    """A vehicle's RVC is under the net cost method only."""
    if not is_vehicle(case):
        if case.automotive is not None:
            raise InputError(
                "the automotive block is for vehicles: good.category must be one of "
                f"{list(VEHICLE_CATEGORIES)}, found {case.good.category!r}",
                field="good.category",
                source=case.source,
            )
        return method
    if method == "transaction_value":
        raise InputError(
            f"a vehicle's RVC is calculated under the net cost method only ({NET_COST_ONLY})",
            field="method",
            source=case.source,
        )
    return "net_cost"


def vehicle_good(case: Case) -> Good:
    """The good as its rule sees it: a vehicle's end use is its own class (UR s.12, s.13).

    The Ch. 87 rules branch on the vehicle (passenger vehicle, light truck, heavy
    truck) or "any other good" (off-road and Art. 10 vehicles); a case that leaves
    ``good.end_use`` at ``any`` gets the branch of its class, and a bus of 87.02 the
    kind its capacity names.
    """
    good = case.good
    if not is_vehicle(case) or good.end_use not in (None, "any"):
        return good
    block = parse_automotive(case.automotive, source=case.source)
    try:
        cls = classify(good.hs, block.attributes)
    except InputError as exc:
        raise exc.located(source=case.source) from None
    kind = good.kind
    if kind is None and good.hs.startswith("8702") and block.attributes.persons is not None:
        # the 87.02 rule branches on capacity (UR s.13; s.20(2)(a), (3)(a)(ii))
        kind = "up_to_15_persons" if block.attributes.persons <= 15 else "16_or_more_persons"
    return replace(good, end_use=cls.vehicle_class if cls.covered else "other", kind=kind)


def part_rule(
    case: Case, day: dt.date, bundled: Callable[[str, dt.date], Rule], *, other: bool = False
) -> Rule | None:
    """An original-equipment auto part's rule with its table's staged thresholds (UR s.14-s.15).

    The rule is the case's own, else the bundled Annex 4-B rule (``bundled``); a
    good that is not such a part, or that no table lists for its end use, keeps
    ``case.rule`` unchanged (None: the usual lookup happens later).  ``other``: the rule under
    the other reading of the table's dates (:func:`~tmec.origin.automotive.parts.other_reading`),
    or None when there is none on ``day``.
    """
    good = case.good
    if good.category != "auto_part" or good.end_use not in _OE_USES:
        return None if other else case.rule
    try:
        params = load_parameters().at(day)
        found = part_thresholds(good.hs, end_use=good.end_use, params=params, kind=good.kind)
        if found is None:
            return None if other else case.rule
        if other:
            found = other_reading(found, params)
            if found is None:
                return None
        rule = case.rule or bundled(good.hs, day)
    except NoRuleError:
        return None  # the usual lookup reports it, with its question (or: no other reading)
    except InputError as exc:
        raise exc.located(source=case.source) from None
    return staged_part_rule(rule, found, end_use=good.end_use, kind=good.kind)


def apply_automotive(det: Determination, case: Case, day: dt.date) -> AutomotiveResult:
    """Assess the vehicle of ``case`` and fold the outcome into ``det``."""
    block = parse_automotive(case.automotive, source=case.source)
    try:
        result = assess_vehicle(
            block,
            hs=case.good.hs,
            day=day,
            category=case.good.category,
            net_cost=det.net_cost,
            vnm=det.vnm if det.net_cost is not None else None,
        )
    except InputError as exc:
        raise exc.located(source=case.source) from None
    out = result.to_dict()
    out["vehicle"] = {
        "model_line": block.model_line,
        "plant": block.plant,
        "country": block.country,
        "exported": block.exported,
        "averaging_class": result.averaging_class,
    }
    det.automotive = out
    # For a vehicle the Annex 4-B verdict is one requirement among six: name it so, and keep
    # "originating" for the final answer below.
    det.explanation[:] = [
        replace(s, step="annex_4b.originating") if s.step == "originating" else s for s in det.explanation
    ]
    det.explanation.extend(result.explanation())
    det.questions.extend(result.all_questions())
    _heavy_truck_credit(det, result)
    if not result.passed:
        det.originating = False
        det.criterion = None
        det.explanation.append(
            Step("originating", "no: the vehicle fails " + ", ".join(result.failed), NET_COST_ONLY, False)
        )
    elif det.originating:
        det.explanation.append(
            Step(
                "originating",
                "the product-specific rule and every automotive requirement are met",
                NET_COST_ONLY,
                True,
            )
        )
    return result


def _heavy_truck_credit(det: Determination, result: AutomotiveResult) -> None:
    """A heavy truck whose rule failed only on an RVC that the LVC credit makes up (UR s.18(22)).

    The credit counts toward the heavy truck's RVC, which is its rule's RVC; when
    the tariff shift holds and the vehicle RVC passes with the credit, the rule is met.
    """
    rvc = result.requirements.get("vehicle_rvc")
    rule_rvc = det.rvc.get("net_cost")
    if (
        det.originating
        or rvc is None
        or "lvc_credit" not in rvc.details
        or not rvc.passed
        or rule_rvc is None
        or det.tariff_shift.passed is False
    ):
        return
    det.originating = True
    det.criterion = "B"
    det.explanation.append(
        Step(
            "rule.rvc.net_cost.lvc_credit",
            f"the rule's RVC {rule_rvc.value:.4f} < {rule_rvc.threshold} is met with the heavy-truck LVC "
            f"credit of {rvc.details['lvc_credit']:.4f} points",
            "UR s.18(22); Automotive Appendix Art. 7",
            True,
        )
    )


def record_from_result(det: Determination, *, source: str | None = None) -> VehicleRecord:
    """What averaging needs, read back from a vehicle's determination."""
    auto: dict[str, Any] | None = det.automotive
    if auto is None:
        raise InputError(
            "not a vehicle case: good.category must be a vehicle class", field="good.category", source=source
        )
    rvc = auto["vehicle_rvc"]
    vehicle = auto["vehicle"]
    if rvc.get("net_cost") is None:
        raise InputError(
            "averaging needs the vehicle's net cost and VNM (the case's costs and materials, or "
            "automotive.vehicle.net_cost and .vnm)",
            field="costs",
            source=source,
        )
    parts = []
    for row in (auto.get("core_parts") or {}).get("parts", []):
        if row.get("net_cost") is None:
            continue
        full = None if row.get("vnm") is None else Decimal(row["vnm"])
        traced = Decimal(row["vnm_traced"]) if row.get("vnm_traced") is not None else full
        if traced is not None:
            parts.append((row["part"], Decimal(row["net_cost"]), full, traced))
    return VehicleRecord(
        id=det.id or source or "vehicle",
        day=det.date,
        vehicle_class=auto["vehicle_class"],
        averaging_class=vehicle["averaging_class"],
        net_cost=Decimal(rvc["net_cost"]),
        vnm=Decimal(rvc["vnm"]),
        threshold=Decimal(rvc["threshold"]),
        model_line=vehicle["model_line"],
        plant=vehicle["plant"],
        country=vehicle["country"],
        exported=vehicle["exported"],
        core_parts=tuple(parts),
        source=source,
    )
