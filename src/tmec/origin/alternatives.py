"""One alternative of a product-specific rule, tested (criterion B; UR s.3(1)(b), s.3(6)).

An alternative passes when every requirement it states holds: the tariff shift
(saved, when it fails, by CTC de minimis), the weight share, and the RVC (under
any method the alternative allows and the case can compute, or waived by the
RVC de minimis of UR s.5(4)).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from tmec.core.params import ParameterSnapshot
from tmec.core.trace import Step
from tmec.origin import references as ref
from tmec.origin.de_minimis import DeMinimis, TextileRule, de_minimis, excluded, textile_rule
from tmec.origin.psr import correlate, paragraph_reference
from tmec.origin.rules import Alternative, RVCRequirement
from tmec.origin.rvc import METHOD_LABEL, RVCValue, Values
from tmec.origin.tariff_shift import ShiftResult, test_change
from tmec.origin.vnm import Unit, describe
from tmec.origin.weight_share import WeightResult, weight_share

__all__ = ["AltOutcome", "Context", "evaluate", "evaluate_rvc", "methods_for"]

ZERO = Decimal(0)
ALL_METHODS = ("transaction_value", "net_cost")


@dataclass(frozen=True, slots=True)
class Context:
    good_hs: str
    units: Sequence[Unit]
    values: Values
    params: ParameterSnapshot
    method: str | None  # the method the case or the caller asked for
    rule_reference: str
    materials_listed: bool  # False: only cost totals, no bill of materials
    de_minimis_limit: Decimal  # percent, usmca.de_minimis on the day
    processes: frozenset[str] = frozenset()  # the processes the case claims (good.processes)
    barred: Step | None = None  # why no alternative can confer origin (GN 11(n)(iv)(H)), if so

    def display(self, value: Decimal) -> str:
        places = int(self.params["usmca.rvc_display_places"].decimal)
        return f"{value:.{places}f}"


@dataclass(slots=True)
class AltOutcome:
    index: int
    alternative: Alternative
    shift: ShiftResult | None = None
    shift_de_minimis: DeMinimis | None = None
    change_passed: bool | None = None
    weight: WeightResult | None = None
    rvc: dict[str, RVCValue] = field(default_factory=dict)
    rvc_waiver: DeMinimis | None = None
    rvc_passed: bool | None = None
    missing_methods: list[str] = field(default_factory=list)
    process_passed: bool | None = None
    steps: list[Step] = field(default_factory=list)
    _failing: tuple[frozenset[int], Decimal] | None = None

    def failing_index(self) -> tuple[frozenset[int], Decimal]:
        """The units failing the tariff shift (by identity) and their total value, computed once:
        the what-if questions ask it for every material."""
        if self._failing is None:
            failures = self.shift.failures if self.shift else ()
            self._failing = (
                frozenset(id(f.unit) for f in failures),
                sum((f.unit.material.value for f in failures), ZERO),
            )
        return self._failing

    @property
    def passed(self) -> bool:
        return (
            self.change_passed is not False
            and self.weight_passed is not False
            and self.rvc_passed is not False
            and self.process_passed is not False
        )

    @property
    def weight_passed(self) -> bool | None:
        return None if self.weight is None else self.weight.passed

    @property
    def shortfall(self) -> int:
        """How many requirements fail (to pick the alternative to report on a failing good)."""
        return sum(
            1
            for p in (self.change_passed, self.weight_passed, self.rvc_passed, self.process_passed)
            if p is False
        )


def methods_for(allowed: Sequence[str], ctx: Context) -> tuple[list[str], list[str]]:
    """(methods to compute, methods allowed but lacking data)."""
    wanted = [m for m in allowed if ctx.method is None or m == ctx.method]
    usable = [m for m in wanted if ctx.values.available(m)]
    return usable, [m for m in wanted if m not in usable]


def evaluate_rvc(
    requirement: RVCRequirement, ctx: Context, label: str
) -> tuple[dict[str, RVCValue], list[str], list[Step]]:
    usable, missing = methods_for(requirement.methods(), ctx)
    out: dict[str, RVCValue] = {}
    steps: list[Step] = []
    for method in usable:
        threshold = requirement.threshold(method)
        assert threshold is not None
        resolved = threshold.resolve(ctx.params)
        reference = ref.RVC_TV if method == "transaction_value" else ref.RVC_NC
        if resolved.reference:
            reference += f"; threshold: {resolved.reference}" + (
                " [unverified]" if resolved.unverified else ""
            )
        value = RVCValue.compute(method, ctx.values, resolved.value, reference)
        out[method] = value
        base = "adjusted TV" if method == "transaction_value" else "NC"
        steps.append(
            Step(
                f"{label}.rvc.{method}",
                f"({base} {value.base} - VNM {value.vnm}) / {base} {value.base} = "
                f"{ctx.display(value.value)} % {'>=' if value.passed else '<'} {value.threshold} %",
                reference,
                value.passed,
            )
        )
    not_allowed = [m for m in ALL_METHODS if m not in requirement.methods()]
    if not_allowed and ctx.method in not_allowed:
        steps.append(
            Step(
                f"{label}.rvc.method",
                f"the {METHOD_LABEL[ctx.method]} method was asked for, "
                "but this rule states no threshold for it",
                ref.METHOD_CHOICE,
                False,
            )
        )
    elif requirement.methods() == ("net_cost",):
        steps.append(
            Step(f"{label}.rvc.method", "the rule states no TV threshold: net cost only", ref.METHOD_CHOICE)
        )
    for method in missing:
        what = "valuation.transaction_value" if method == "transaction_value" else "costs"
        steps.append(
            Step(
                f"{label}.rvc.{method}",
                f"not computed: the case gives no {what}",
                ref.RVC_TV if method == "transaction_value" else ref.RVC_NC,
                None,
            )
        )
    return out, missing, steps


def _change(alt: Alternative, o: AltOutcome, ctx: Context, label: str) -> None:
    assert alt.change is not None
    if not ctx.materials_listed and (ctx.values.vnm_nc > 0 or ctx.values.vnm_tv > 0):
        o.change_passed = False
        o.steps.append(
            Step(
                f"{label}.tariff_shift",
                "cannot be tested: the case lists no materials, only cost totals",
                f"{ctx.rule_reference}; {ref.TARIFF_SHIFT}",
                False,
            )
        )
        return
    result = test_change(alt.change, ctx.good_hs, ctx.units)
    o.shift = result
    o.change_passed = result.passed
    what = _describe_change(alt)
    reference = f"{ctx.rule_reference}; {ref.TARIFF_SHIFT}"
    if result.passed:
        o.steps.append(
            Step(
                f"{label}.tariff_shift",
                f"{what}: all {result.tested} non-originating materials qualify",
                reference,
                True,
            )
        )
        return
    shown = "; ".join(f"{describe(f.unit.material)}: {f.reason}" for f in result.failures[:5])
    more = f" and {len(result.failures) - 5} more" if len(result.failures) > 5 else ""
    o.steps.append(
        Step(
            f"{label}.tariff_shift",
            f"{what}: {len(result.failures)} of {result.tested} non-originating materials fail"
            f" — {shown}{more}",
            reference,
            False,
        )
    )
    textile = textile_rule(ctx.good_hs)
    if textile is not None:
        _textile_de_minimis(textile, result, o, ctx, label)
        return
    good_codes = tuple(correlate(ctx.good_hs)) if len(ctx.good_hs) >= 6 else ()
    for f in result.failures:
        why = excluded(ctx.good_hs, f.unit.material.hs, good_codes)
        if why is not None:
            o.steps.append(
                Step(
                    f"{label}.de_minimis",
                    f"not applied: {describe(f.unit.material)} is outside de minimis "
                    f"({why.para}: {why.text})",
                    f"HTSUS {why.para}; {ref.DE_MINIMIS_EXCEPTIONS}",
                    False,
                )
            )
            return
    failing_value = sum((f.unit.material.value for f in result.failures), ZERO)
    limit = ctx.params["usmca.de_minimis"]
    dm = de_minimis(
        {
            "transaction_value": (failing_value, ctx.values.adjusted_tv),
            "total_cost": (failing_value, ctx.values.total_cost),
        },
        limit,
    )
    o.shift_de_minimis = dm
    if dm is None:
        o.steps.append(
            Step(
                f"{label}.de_minimis",
                "cannot be tested: the case gives neither a transaction value nor a total cost",
                limit.cite(),
                False,
            )
        )
        return
    o.change_passed = dm.passed
    base = "adjusted TV" if dm.base == "transaction_value" else "total cost"
    o.steps.append(
        Step(
            f"{label}.de_minimis",
            f"materials failing the change {failing_value} = {ctx.display(dm.share)} % of {base} "
            f"{dm.base_amount} {'<=' if dm.passed else '>'} {dm.limit_percent} %"
            + (": the change is treated as met" if dm.passed else ""),
            dm.reference,
            dm.passed,
        )
    )


def _describe_change(alt: Alternative) -> str:
    c = alt.change
    assert c is not None
    parts = []
    if c.level:
        parts.append(f"change of {c.level}")
    if c.from_:
        parts.append("from " + ", ".join(str(r) for r in c.from_))
    if c.except_:
        parts.append("except from " + ", ".join(str(r) for r in c.except_))
    return " ".join(parts)


def _textile_de_minimis(
    rule: TextileRule, result: ShiftResult, o: AltOutcome, ctx: Context, label: str
) -> None:
    """GN 11(e)(iv): the failing materials may weigh not more than 10 % of the good (of the
    component that determines the classification, chapters 61-63).  The good's weight is taken as
    the weight of all its listed materials, and the step says so."""
    reference = f"HTSUS {rule.para}; {ref.DE_MINIMIS_EXCEPTIONS}"
    units = [u for u in ctx.units if not u.ctc_disregarded]
    unweighed = [u.material.id for u in units if u.material.weight_kg is None]
    if unweighed:
        o.steps.append(
            Step(
                f"{label}.de_minimis",
                f"by weight ({rule.para}), cannot be tested: no weight_kg for {', '.join(unweighed[:5])}",
                reference,
                False,
            )
        )
        return
    failing = sum((f.unit.material.weight_kg or ZERO for f in result.failures), ZERO)
    total = sum((u.material.weight_kg or ZERO for u in units), ZERO)
    share = failing * 100 / total if total > 0 else Decimal(100)
    o.change_passed = share <= rule.max_percent
    whole = "the good" if rule.of == "good" else "the component that determines the classification"
    o.steps.append(
        Step(
            f"{label}.de_minimis",
            f"by weight ({rule.para}): materials failing the change {failing} kg = {ctx.display(share)} % of "
            f"{total} kg, the weight of {whole} taken as that of all its listed materials "
            f"{'<=' if o.change_passed else '>'} {rule.max_percent} %"
            + (": the change is treated as met" if o.change_passed else "")
            + f"; non-originating elastomeric yarns may not exceed {rule.elastomeric_max_percent} % "
            "(confirm)",
            reference,
            o.change_passed,
        )
    )


def _rvc(alt: Alternative, o: AltOutcome, ctx: Context, label: str) -> None:
    assert alt.rvc is not None
    limit = ctx.params["usmca.de_minimis"]
    waiver = de_minimis(
        {
            "transaction_value": (ctx.values.vnm_tv, ctx.values.adjusted_tv),
            "total_cost": (ctx.values.vnm_nc, ctx.values.total_cost),
        },
        limit,
    )
    values, missing, steps = evaluate_rvc(alt.rvc, ctx, label)
    o.rvc, o.missing_methods = values, missing
    o.steps.extend(steps)
    o.rvc_passed = any(v.passed for v in values.values())
    if not o.rvc_passed and waiver is not None and waiver.passed:
        o.rvc_waiver = waiver
        o.rvc_passed = True
        base = "adjusted TV" if waiver.base == "transaction_value" else "total cost"
        o.steps.append(
            Step(
                f"{label}.rvc.de_minimis",
                f"all non-originating materials {waiver.value} = {ctx.display(waiver.share)} % of {base} "
                f"<= {waiver.limit_percent} %: the RVC need not be met",
                f"UR s.5(4); {waiver.reference}",
                True,
            )
        )


PROCESS_WORDS = {
    "chemical_reaction": "a chemical reaction",
    "purification": "purification",
    "mixing_blending": "deliberate and proportionally controlled mixing or blending",
    "particle_size": "deliberate and controlled modification in particle size",
    "standards_material": "production of a standards material",
    "isomer_separation": "isolation or separation of isomers",
    "biotechnological_processing": "a biochemical process or biotechnological processing",
    "separation_from_mixture": "separation of materials from a man-made mixture",
}


def _process(alt: Alternative, o: AltOutcome, ctx: Context, label: str) -> None:
    """A process alternative (GN 11(n)(iv)-(v), ch. 27 chapter rule 1): met when the case claims
    the process in ``good.processes``; its conditions are facts to confirm, never tested here."""
    assert alt.process is not None
    reference = paragraph_reference(alt.paragraph) if alt.paragraph else ctx.rule_reference
    words = PROCESS_WORDS.get(alt.process, alt.process)
    outside = next((r for r in alt.goods_except if r.contains(ctx.good_hs)), None)
    if outside is not None:
        o.process_passed = False
        o.steps.append(
            Step(
                f"{label}.process", f"{words}: does not reach goods of {outside} (excepted)", reference, False
            )
        )
    elif alt.process in ctx.processes:
        o.process_passed = True
        o.steps.append(
            Step(
                f"{label}.process",
                f"claimed: the good results from {words} in the territory of one or more USMCA countries "
                f"(good.processes: {alt.process})",
                reference,
                True,
            )
        )
    else:
        o.process_passed = False
        o.steps.append(
            Step(
                f"{label}.process",
                f"not claimed: the case does not state {words} in the territory "
                f"(good.processes: {alt.process} would claim it)",
                reference,
                False,
            )
        )


def evaluate(index: int, alt: Alternative, ctx: Context) -> AltOutcome:
    label = f"rule.alternative[{index + 1}]"
    o = AltOutcome(index, alt)
    if ctx.barred is not None:
        o.process_passed = False
        o.steps.append(replace(ctx.barred, step=f"{label}.barred"))
        o.steps.append(Step(label, "not met", f"{ctx.rule_reference}; {ref.ALTERNATIVES}", False))
        return o
    if alt.process is not None:
        _process(alt, o, ctx, label)
    if alt.change is not None:
        _change(alt, o, ctx, label)
    if alt.weight_share is not None:
        w = weight_share(alt.weight_share, ctx.units)
        o.weight = w
        if w.missing:
            result = "unknown: no weight for " + ", ".join(u.material.id for u in w.missing[:5])
        elif w.share is None:
            result = "no material of the listed headings: nothing to weigh"
        else:
            result = (
                f"originating {w.originating_kg} kg of {w.total_kg} kg = {ctx.display(w.share)} % "
                f"{'>=' if w.passed else '<'} {w.min_percent} %"
            )
        o.steps.append(
            Step(f"{label}.weight_share", result, f"{ctx.rule_reference}; {ref.WEIGHT_SHARE}", w.passed)
        )
    if alt.rvc is not None:
        _rvc(alt, o, ctx, label)
    if alt.proviso:
        # A condition in words the bill of materials cannot show: shown as a fact to confirm.
        o.steps.append(Step(f"{label}.proviso", f"to confirm: {alt.proviso}", ctx.rule_reference, None))
    o.steps.append(
        Step(label, "met" if o.passed else "not met", f"{ctx.rule_reference}; {ref.ALTERNATIVES}", o.passed)
    )
    return o
