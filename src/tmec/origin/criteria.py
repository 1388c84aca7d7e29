"""The originating-good criteria other than the product-specific rule (Art. 4.2; 19 USC 4531(c)).

* A — wholly obtained or produced (Art. 4.2(a); 4531(a)(4)): declared by the
  producer in ``good.wholly_obtained``; refused when a material is not originating.
* C — produced exclusively from originating materials (Art. 4.2(c)).
* D — the 60/50 fallback (Art. 4.2(d); UR s.3(4)): non-originating parts fail the
  change only because they share the good's subheading (or its heading, when the
  heading has no subheadings), or the good was imported unassembled and
  classified as assembled under GRI 2(a); then an RVC of 60 % TV / 50 % NC.
  Not for chapters 61-63.
* Sets classified under GRI 3 (Art. 4.15; UR s.6): originating when every item
  is, or the non-originating items are not more than 10 % of the set's value,
  whatever the product-specific rule says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from tmec.core.money import percent
from tmec.core.trace import Step
from tmec.origin import references as ref
from tmec.origin.alternatives import AltOutcome, Context, evaluate_rvc
from tmec.origin.case import Good
from tmec.origin.rules import RVCRequirement, Threshold
from tmec.origin.rvc import RVCValue
from tmec.origin.vnm import Unit

__all__ = [
    "DOutcome",
    "SetOutcome",
    "criterion_a",
    "criterion_c",
    "criterion_d",
    "same_subheading",
    "set_rule",
]

ZERO = Decimal(0)
D_REQUIREMENT = RVCRequirement(
    transaction_value=Threshold(parameter="usmca.criterion_d_transaction_value"),
    net_cost=Threshold(parameter="usmca.criterion_d_net_cost"),
)


def _non_originating(units: Sequence[Unit]) -> list[Unit]:
    return [u for u in units if not u.originating]


def criterion_c(
    units: Sequence[Unit], materials_listed: bool, non_originating_line: Decimal | None
) -> tuple[bool, Step]:
    """Exclusively from originating materials; unknown origin is not originating."""
    if not materials_listed:
        if non_originating_line is not None and non_originating_line == 0:
            return True, Step(
                "criterion.C", "the cost build-up shows no non-originating materials", ref.CRITERION_C, True
            )
        return False, Step("criterion.C", "not shown: the case lists no materials", ref.CRITERION_C, False)
    bad = _non_originating(units)
    if not bad:
        return True, Step("criterion.C", f"all {len(units)} materials are originating", ref.CRITERION_C, True)
    unknown = sum(1 for u in bad if u.material.origin == "unknown")
    return False, Step(
        "criterion.C",
        f"{len(bad)} of {len(units)} materials are not originating"
        + (f" ({unknown} of unknown origin)" if unknown else ""),
        ref.CRITERION_C,
        False,
    )


def criterion_a(
    good: Good, units: Sequence[Unit], materials_listed: bool, c_passed: bool
) -> tuple[bool, Step | None]:
    if not good.wholly_obtained:
        return False, None
    if materials_listed and not c_passed:
        return False, Step(
            "criterion.A",
            "declared wholly obtained, but not every material is originating: the declaration cannot stand",
            ref.CRITERION_A,
            False,
        )
    basis = good.wholly_obtained_basis
    because = f" under 19 USC 4531(a)(4)({basis})" if basis else ""
    return True, Step(
        "criterion.A",
        f"wholly obtained or produced{because}, as the producer declares",
        ref.CRITERION_A,
        True,
    )


@dataclass(slots=True)
class DOutcome:
    passed: bool
    rvc: dict[str, RVCValue]
    steps: list[Step]


def same_subheading(good_hs: str, code: str | None) -> bool:
    if code is None or len(code) < 6:
        return False
    if code[:6] == good_hs[:6]:
        return True
    # A heading not further subdivided: the HS-6 of the good ends in 00.
    return good_hs[4:6] == "00" and code[:4] == good_hs[:4]


def criterion_d(good: Good, outcomes: Sequence[AltOutcome], ctx: Context) -> DOutcome | None:
    """None when criterion D does not arise (no tariff shift failed only for the D reasons)."""
    if 61 <= int(good.hs[:2]) <= 63:
        return None
    for o in outcomes:
        if o.shift is None or o.shift.passed:
            continue
        if good.unassembled or all(same_subheading(good.hs, f.unit.material.hs) for f in o.shift.failures):
            why = (
                "the good was imported unassembled, classified as assembled under GRI 2(a)"
                if good.unassembled
                else "every failing non-originating part is of the good's own subheading"
            )
            values, _missing, steps = evaluate_rvc(D_REQUIREMENT, ctx, "criterion.D")
            passed = any(v.passed for v in values.values())
            head = Step("criterion.D", f"applies: {why}", ref.CRITERION_D, None)
            tail = Step("criterion.D", "met" if passed else "not met", ref.CRITERION_D, passed)
            return DOutcome(passed, values, [head, *steps, tail])
    return None


@dataclass(slots=True)
class SetOutcome:
    passed: bool
    share: Decimal | None
    limit: Decimal
    step: Step


def set_rule(units: Sequence[Unit], ctx: Context) -> SetOutcome:
    limit = ctx.params["usmca.sets_de_minimis"]
    items = list(units)
    non_originating = sum((u.material.value for u in items if not u.originating), ZERO)
    base = ctx.values.adjusted_tv or ctx.values.total_cost or sum((u.material.value for u in items), ZERO)
    if base <= 0:
        return SetOutcome(
            False, None, limit.decimal, Step("set", "the set has no value", limit.cite(), False)
        )
    share = percent(non_originating, base)
    passed = share <= limit.decimal
    every = not any(not u.originating for u in items)
    result = (
        "every item of the set is originating"
        if every
        else f"non-originating items {non_originating} = {ctx.display(share)} % of the set's value {base} "
        f"{'<=' if passed else '>'} {limit.decimal} %"
    )
    return SetOutcome(passed, share, limit.decimal, Step("set", result, limit.cite(), passed))
