"""Is the good USMCA-originating on a date?  (USMCA Art. 4.2; 19 USC 4531(c); UR s.3)

``qualify(case)`` applies, in order, and reports the first criterion met:

    A  wholly obtained or produced               Art. 4.2(a)
    C  exclusively from originating materials    Art. 4.2(c)
    B  the product-specific rule of Annex 4-B    Art. 4.2(b) (alternatives, de minimis)
    D  the 60/50 fallback for same-subheading parts or unassembled goods   Art. 4.2(d)

(a set classified under GRI 3 follows Art. 4.15 instead).  Every step of the
way is recorded with its legal reference; a failing good also gets its margins,
the questions whose answers would change the outcome, and the cheapest single
material whose being originating would make it qualify.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from tmec.core import hs
from tmec.core.errors import InputError, NoRuleError
from tmec.core.params import ParameterSnapshot
from tmec.core.trace import Question, Step
from tmec.law import load_parameters
from tmec.origin import references as ref
from tmec.origin.alternatives import AltOutcome, Context, evaluate
from tmec.origin.automotive.integrate import (
    apply_automotive,
    is_vehicle,
    part_rule,
    vehicle_good,
    vehicle_method,
)
from tmec.origin.case import METHODS, Case, Costs, ExcludedCosts, Good, Material, Valuation
from tmec.origin.criteria import criterion_a, criterion_c, criterion_d, set_rule
from tmec.origin.determination import Determination, FailingMaterial, Margin, TariffShiftReport
from tmec.origin.net_cost import embedded_excluded, net_cost, total_cost
from tmec.origin.psr import find_rule, tariff_items_with_rules
from tmec.origin.psr import paragraph_reference as psr_paragraph_reference
from tmec.origin.questions import (
    accumulation_questions,
    cap_questions,
    cheapest_flip,
    data_questions,
    margins,
    process_questions,
    unknown_origin_questions,
)
from tmec.origin.rules import Rule
from tmec.origin.rvc import RVCValue, Values
from tmec.origin.vnm import RollUp, describe, roll_up

__all__ = ["bundled_rule", "qualify"]

VEHICLES = frozenset({"passenger_vehicle", "light_truck", "heavy_truck", "other_vehicle"})
MAX_MATERIAL_STEPS = 40  # per-material explanation lines before they are summarised


@dataclass(frozen=True, slots=True)
class _Subject:
    """What is qualified: the case's good, or a designated intermediate material."""

    id: str | None
    good: Good
    rule: Rule | None
    materials: Sequence[Material]
    costs: Costs | None
    valuation: Valuation | None
    field: str  # "" for the good, the material's field for an intermediate material

    @classmethod
    def of_material(cls, m: Material) -> _Subject:
        assert m.hs is not None
        return cls(m.id, Good(m.description, m.hs), m.rule, m.materials, m.costs, None, m.field)


def bundled_rule(code: str, day: dt.date, *, field: str = "rule") -> Rule:
    """The Annex 4-B rule for ``code`` in force on ``day``, from the bundled rule data."""
    try:
        rule: Rule = find_rule(code, day)
    except NoRuleError as exc:
        raise exc.located(field_prefix=None if exc.field else field) from None
    return rule


def qualify(
    case: Case, *, date: dt.date | None = None, method: str | None = None, what_if: bool = True
) -> Determination:
    """Decide whether ``case.good`` is originating on ``date`` (default: the case's date).

    ``method`` (``net_cost`` | ``transaction_value``) overrides the case's
    ``method``; with neither, every method the rule allows is tried and the best wins.
    ``what_if=False`` leaves out, for a failing good, the questions and the cheapest
    flip (bulk runs that report only the outcome); the outcome is the same.
    """
    if method is not None and method not in METHODS:
        raise InputError(f"expected one of {', '.join(METHODS)}, found {method!r}", field="--method")
    day = date or case.date
    # A vehicle: its class picks the rule's branch, net cost only, then the Automotive Appendix
    # (UR Part 6) on top of its rule.
    chosen = vehicle_method(case, method or case.method)
    # An original-equipment auto part: its table's staged thresholds replace its rule's RVC.
    rule = part_rule(case, day, bundled_rule)
    subject = _Subject(case.id, vehicle_good(case), rule, case.materials, case.costs, case.valuation, "")
    try:
        det = _assess(subject, day, chosen, load_parameters().at(day), 0, what_if)
        other = part_rule(case, day, bundled_rule, other=True)
        if other is not None:
            _other_reading(det, replace(subject, rule=other), day, chosen)
    except InputError as exc:
        raise exc.located(source=case.source) from None
    if is_vehicle(case):
        apply_automotive(det, case, day)
    return det


def _other_reading(det: Determination, subject: _Subject, day: dt.date, method: str | None) -> None:
    """Where the primary texts disagree on a part table's dates (Table B: GN 11(k)(iii)(D) against
    the Automotive Appendix and UR s.14(15)), a flagged note on a result the other reading would
    change: the outcome under it, with its thresholds."""
    alt = _assess(subject, day, method, load_parameters().at(day), 0, False)
    if alt.originating == det.originating:
        return
    assert subject.rule is not None
    note = (
        f"FLAGGED: the texts disagree on this table's dates; under the other reading "
        f"({subject.rule.note or 'the other thresholds'}) the good would "
        f"{'be' if alt.originating else 'not be'} originating"
    )
    det.explanation.append(Step("note.other_reading", note, subject.rule.reference or ""))
    det.notes.append(note)


def _values(s: _Subject, rollup: RollUp, steps: list[Step], intermediate: bool) -> Values:
    adjusted = s.valuation.adjusted if s.valuation else None
    total = total_cost(s.costs, s.materials, materials_only=intermediate)
    nc = net_cost(total, s.costs, s.materials) if total is not None else None
    if nc is not None and nc <= 0:
        raise InputError(
            f"net cost {nc} (total cost {total} less excluded costs) must be positive",
            field=f"{s.field}.costs" if s.field else "costs",
        )
    if s.materials:
        vnm_tv, vnm_nc = rollup.vnm_tv, rollup.vnm_nc
    else:
        line = s.costs.non_originating_materials if s.costs else None
        vnm_tv = vnm_nc = line or Decimal(0)
    if s.valuation is not None:
        steps.append(
            Step(
                "value.adjusted_transaction_value",
                f"TV {s.valuation.transaction_value} - international shipping "
                f"{s.valuation.international_shipping} = {adjusted}",
                ref.ADJUSTED_TV,
            )
        )
    if total is not None:
        stated = s.costs is not None and s.costs.total_cost is not None
        steps.append(
            Step(
                "value.total_cost",
                f"{total} ({'as stated' if stated else 'summed from materials and cost lines'})",
                ref.TOTAL_COST,
            )
        )
    inside = embedded_excluded(s.materials)
    if nc is not None and (s.costs is not None or inside):
        ex = s.costs.excluded if s.costs is not None else ExcludedCosts()
        of_materials = (
            f" - excluded costs in self-produced materials' own build-up {inside}" if inside else ""
        )
        steps.append(
            Step(
                "value.net_cost",
                f"{total} - excluded costs {ex.total} (sales promotion {ex.sales_promotion}, royalties "
                f"{ex.royalties}, shipping and packing {ex.shipping_packing}, non-allowable interest "
                f"{ex.non_allowable_interest}){of_materials} = {nc}",
                ref.NET_COST,
            )
        )
    if rollup.intermediates and nc is not None:
        steps.append(
            Step(
                "value.net_cost.intermediate",
                "intermediate materials enter at their total cost; their own excluded costs are not "
                "subtracted again",
                ref.EXCLUDED_NOT_AGAIN,
            )
        )
    source = "bill of materials" if s.materials else "cost line non_originating_materials"
    same = vnm_tv == vnm_nc
    steps.append(
        Step(
            "value.vnm",
            f"{vnm_nc} (from the {source})" if same else f"TV method {vnm_tv}, NC method {vnm_nc}",
            ref.VNM,
        )
    )
    line = s.costs.non_originating_materials if s.costs is not None else None
    if s.materials and line is not None and line != vnm_nc:
        steps.append(
            Step(
                "value.vnm.check",
                f"the cost line non_originating_materials ({line}) differs "
                f"from the bill of materials ({vnm_nc}); VNM follows the bill of materials",
                ref.VNM,
            )
        )
    return Values(adjusted, total, nc, vnm_tv, vnm_nc)


def _material_steps(rollup: RollUp, steps: list[Step]) -> None:
    plain = (ref.ROLL_UP, ref.VNM)
    notable = [c for c in rollup.contributions if c.reference not in plain]
    for c in notable[:MAX_MATERIAL_STEPS]:
        steps.append(Step(f"material.{c.material.id}", c.treatment, c.reference))
    for m, sub in rollup.qualified[:MAX_MATERIAL_STEPS]:
        steps.append(
            Step(
                f"material.{m.id}.origin",
                f"{describe(m)} under its own rule: {'originating' if sub.originating else 'not originating'}"
                + (f" (criterion {sub.criterion})" if sub.criterion else "")
                + (f", RVC {_best(sub.rvc)}" if _best(sub.rvc) else ""),
                sub.rule_reference or ref.INTERMEDIATE,
                sub.originating,
            )
        )
    if len(notable) > MAX_MATERIAL_STEPS:
        steps.append(
            Step(
                "material.more", f"{len(notable) - MAX_MATERIAL_STEPS} more materials treated alike", ref.VNM
            )
        )
    if not rollup.contributions:
        return
    counts = {"originating": 0, "non_originating": 0, "unknown": 0}
    for u in rollup.units:
        key = (
            "originating"
            if u.originating
            else "unknown"
            if u.material.origin == "unknown"
            else "non_originating"
        )
        counts[key] += 1
    steps.append(
        Step(
            "materials",
            f"{counts['originating']} originating, {counts['non_originating']} non-originating, "
            f"{counts['unknown']} of unknown origin (counted as non-originating)",
            ref.UNKNOWN_ORIGIN,
        )
    )


def _best(rvc: dict[str, RVCValue | None]) -> str:
    shown = [f"{v.value:.1f} % {k.replace('_', ' ')}" for k, v in rvc.items() if v is not None]
    return ", ".join(shown)


def _check_proviso(rollup: RollUp) -> None:
    """Only one RVC layer may be designated in a producer's chain (UR s.8(6) proviso)."""
    for m, sub in rollup.intermediates:
        if not sub.subject_to_rvc:
            continue
        stack = list(sub.intermediates)
        while stack:
            inner, inner_sub = stack.pop()
            if inner_sub.subject_to_rvc:
                raise InputError(
                    f"{m.id} is designated intermediate and is subject to an RVC, so {inner.id} inside it, "
                    "also subject to an RVC, may not be designated too "
                    f"(only one RVC layer; {ref.INTERMEDIATE_PROVISO})",
                    field=f"{inner.field}.intermediate",
                )
            stack.extend(inner_sub.intermediates)


def _rule_requires_rvc(s: _Subject, day: dt.date) -> bool:
    """Whether every alternative of the material's rule asks for an RVC (the UR s.8(6) proviso's
    "subject to a regional value content requirement"), for a material that qualified without its rule."""
    try:
        rule = s.rule or find_rule(s.good.hs, day)
    except NoRuleError:
        return False
    applicable = rule.applicable(s.good.end_use, s.good.kind)
    return bool(applicable) and all(a.rvc is not None for a in applicable)


def _report(outcomes: Sequence[AltOutcome]) -> AltOutcome | None:
    if not outcomes:
        return None
    passed = [o for o in outcomes if o.passed]
    if passed:
        return passed[0]
    return min(outcomes, key=lambda o: (o.shortfall, o.alternative.rvc is None, o.index))


@dataclass(slots=True)
class _RuleResult:
    """What testing the product-specific rule (criterion B) and the 60/50 fallback (D) found."""

    ctx: Context
    rule: Rule
    outcomes: list[AltOutcome]
    reported: AltOutcome | None  # the alternative that conferred origin, or the nearest miss
    criterion: str | None = None
    rvc_shown: dict[str, RVCValue | None] = field(
        default_factory=lambda: {"net_cost": None, "transaction_value": None}
    )
    margins: list[Margin] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    subject_to_rvc: bool = False


def _apply_rule(s: _Subject, day: dt.date, ctx: Context, steps: list[Step]) -> _RuleResult:
    rule = s.rule or bundled_rule(s.good.hs, day, field=f"{s.field}.rule" if s.field else "rule")
    ctx = replace(ctx, rule_reference=rule.reference, barred=_barred(rule, s.good))
    applicable = rule.applicable(s.good.end_use, s.good.kind)
    steps.append(
        Step(
            "rule",
            f"{hs.format(s.good.hs)}: {len(applicable)} of {len(rule.alternatives)} alternatives apply"
            + (f" to end use {s.good.end_use}" if s.good.end_use != "any" else "")
            + (f" and kind {s.good.kind}" if s.good.kind else ""),
            rule.reference + (" [unverified]" if rule.confidence in ("M", "L") else ""),
        )
    )
    index = {id(a): i for i, a in enumerate(rule.alternatives)}
    outcomes = [evaluate(index[id(a)], a, ctx) for a in applicable]
    for o in outcomes:
        steps.extend(o.steps)
    out = _RuleResult(ctx, rule, outcomes, _report(outcomes))
    if not applicable:
        out.questions.append(
            Question(
                fact="end use of the good",
                text="no alternative of the rule applies to this end use/kind: give good.end_use "
                "(and good.kind) as the rule distinguishes them",
            )
        )
    items = tariff_items_with_rules(s.good.hs, day) if s.rule is None else []
    if items:  # the subheading's rule was used; some of its tariff items have their own
        out.questions.append(
            Question(
                fact="tariff item of the good",
                text=f"{hs.format(s.good.hs)} is given at 6 digits; tariff items {', '.join(items)} have "
                "rules of their own: give the good's 8-digit tariff item if it is one of them",
            )
        )
    if rule.note:
        steps.append(Step("rule.note", rule.note, rule.reference))
    reported = out.reported
    if reported is None or not reported.passed:
        out.questions.extend(process_questions(applicable, s.good))
    if reported is not None and reported.passed:
        out.criterion = "B"
        out.subject_to_rvc = reported.alternative.rvc is not None
        if reported.alternative.proviso:
            out.questions.append(
                Question(
                    fact="proviso of the rule",
                    text=f"confirm: {reported.alternative.proviso} (the rule requires it; "
                    "a bill of materials cannot show it)",
                )
            )
        steps.append(
            Step("criterion.B", f"met under alternative {reported.index + 1}", ref.CRITERION_B, True)
        )
    else:
        steps.append(Step("criterion.B", "no alternative of the rule is met", ref.CRITERION_B, False))
        d = criterion_d(s.good, outcomes, ctx)
        if d is not None:
            steps.extend(d.steps)
            out.rvc_shown = {
                "net_cost": d.rvc.get("net_cost"),
                "transaction_value": d.rvc.get("transaction_value"),
            }
            out.margins = [
                Margin(f"criterion_d.rvc.{k}", v.value, v.threshold, v.margin) for k, v in d.rvc.items()
            ]
            if d.passed:
                out.criterion = "D"
                out.subject_to_rvc = True
    if reported is not None and reported.alternative.rvc is not None and out.criterion != "D":
        out.rvc_shown = {
            "net_cost": reported.rvc.get("net_cost"),
            "transaction_value": reported.rvc.get("transaction_value"),
        }
    return out


def _barred(rule: Rule, good: Good) -> Step | None:
    """GN 11(n)(iv)(H): a good whose change of classification results from separating materials out
    of a man-made mixture is not originating unless the isolated material underwent a chemical
    reaction.  The case says so in ``good.processes``."""
    for limit in rule.extra.get("limits", ()):
        bars, unless = limit["bars"], limit["process"]
        if bars not in good.processes or unless in good.processes:
            continue
        if any(hs.HSRange.parse(c).contains(good.hs) for c in limit.get("goods_except", ())):
            continue
        return Step(
            "rule.barred",
            f"the case states {bars} (good.processes) and not {unless}: the good is not treated as "
            "originating under any alternative",
            psr_paragraph_reference(limit["paragraph"]),
            False,
        )
    return None


def _assess(
    s: _Subject, day: dt.date, method: str | None, params: ParameterSnapshot, depth: int, what_if: bool = True
) -> Determination:
    steps: list[Step] = []
    intermediate = depth > 0

    def qualify_sub(m: Material, d: int) -> Determination:
        return _assess(_Subject.of_material(m), day, None, params, d + 1)

    rollup = roll_up(s.materials, qualify_sub, depth)
    _check_proviso(rollup)
    values = _values(s, rollup, steps, intermediate)
    _material_steps(rollup, steps)
    units = rollup.units
    listed = bool(s.materials)
    rule_ref = "rule given in the case file"
    limit = params["usmca.de_minimis"].decimal
    ctx = Context(s.good.hs, units, values, params, method, rule_ref, listed, limit, s.good.processes)

    criterion: str | None = None
    outcomes: list[AltOutcome] = []
    reported: AltOutcome | None = None
    rule: Rule | None = None
    rvc_shown: dict[str, RVCValue | None] = {"net_cost": None, "transaction_value": None}
    extra_margins: list[Margin] = []
    questions: list[Question] = []
    subject_to_rvc = False

    if s.good.is_set:
        outcome = set_rule(units, ctx)
        steps.append(outcome.step)
        if outcome.passed:
            criterion = "C" if all(u.originating for u in units) else "B"
        if outcome.share is not None:
            extra_margins.append(Margin("set", outcome.share, outcome.limit, outcome.limit - outcome.share))
    else:
        line = s.costs.non_originating_materials if s.costs else None
        c_passed, c_step = criterion_c(rollup.inputs, listed, line)
        a_passed, a_step = criterion_a(s.good, units, listed, c_passed)
        if a_step is not None:
            steps.append(a_step)
        steps.append(c_step)
        if a_passed:
            criterion = "A"
        elif c_passed:
            criterion = "C"
        else:
            b = _apply_rule(s, day, ctx, steps)
            ctx, criterion, outcomes, reported, rule = b.ctx, b.criterion, b.outcomes, b.reported, b.rule
            rvc_shown, subject_to_rvc = b.rvc_shown, b.subject_to_rvc
            extra_margins.extend(b.margins)
            questions.extend(b.questions)

    if intermediate and criterion in ("A", "C"):
        subject_to_rvc = _rule_requires_rvc(s, day)
    originating = criterion is not None
    label = {
        "A": "wholly obtained",
        "B": "product-specific rule",
        "C": "originating materials only",
        "D": "60/50",
    }
    steps.append(
        Step(
            "originating",
            f"{'yes' if originating else 'no'}"
            + (f": criterion {criterion} ({label[criterion]})" if criterion else ""),
            {"A": ref.CRITERION_A, "B": ref.CRITERION_B, "C": ref.CRITERION_C, "D": ref.CRITERION_D}.get(
                criterion or "", ref.CRITERION_B
            ),
            originating,
        )
    )

    shift = TariffShiftReport(required=False, passed=None)
    if reported is not None and reported.alternative.change is not None:
        failures = reported.shift.failures if reported.shift else ()
        shift = TariffShiftReport(
            required=True,
            passed=reported.change_passed,
            failing_materials=tuple(
                FailingMaterial(f.unit.material.id, f.unit.material.hs, f.unit.material.value, f.reason)
                for f in failures
            ),
            de_minimis=reported.shift_de_minimis,
        )

    flip_summary = None
    if not originating and not intermediate and what_if:
        questions.extend(unknown_origin_questions(s.good, units, outcomes, reported, ctx))
        questions.extend(accumulation_questions(units, reported))
        questions.extend(data_questions(units, outcomes, ctx))
        flip = cheapest_flip(s.good, units, outcomes, ctx)
        if flip is not None:
            flip_summary, question = flip
            if not any(q.material == question.material for q in questions):
                questions.append(question)
        questions.sort(key=lambda q: -(q.impact or Decimal(0)))
        questions = cap_questions(questions)

    return Determination(
        id=s.id,
        date=day,
        good=s.good,
        originating=originating,
        criterion=criterion,
        values=values,
        rvc=rvc_shown,
        tariff_shift=shift,
        explanation=steps,
        questions=questions,
        margins=margins(reported, extra_margins),
        cheapest_flip=flip_summary,
        rule_reference=rule.reference if rule is not None else None,
        alternative=reported.index + 1 if reported is not None and criterion == "B" else None,
        weight_share=reported.weight if reported is not None else None,
        subject_to_rvc=subject_to_rvc,
        intermediates=list(rollup.intermediates),
    )
