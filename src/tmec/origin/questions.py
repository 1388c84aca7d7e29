"""Margins, the missing facts that would change the outcome, and the cheapest single flip.

Design: a failing good is re-tested with one material changed to originating,
alternative by alternative, from sums kept by the first pass (no full
re-qualification per material, so 5,000 materials stay fast).  Questions are
sorted most decisive first: those whose answer would make the good qualify,
then by how far the answer would move the RVC, then by the material's value.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from tmec.core import hs
from tmec.core.money import percent
from tmec.core.trace import Question
from tmec.origin.alternatives import PROCESS_WORDS, AltOutcome, Context
from tmec.origin.case import Good
from tmec.origin.criteria import same_subheading
from tmec.origin.de_minimis import annex_4a_excepted
from tmec.origin.determination import Margin
from tmec.origin.rules import Alternative
from tmec.origin.rvc import rvc
from tmec.origin.vnm import Unit, describe

__all__ = [
    "MAX_QUESTIONS",
    "cap_questions",
    "cheapest_flip",
    "data_questions",
    "margins",
    "passes_if_originating",
    "process_questions",
    "unknown_origin_questions",
]

ZERO = Decimal(0)
HUNDRED = Decimal(100)
FLIPS = Decimal(1000)  # sorts a question that would make the good qualify before any RVC gain


def _ctc_ok_without(o: AltOutcome, u: Unit, ctx: Context) -> bool:
    if o.alternative.change is None:
        return True
    if o.shift is None:
        return False
    ids, total = o.failing_index()
    inside = id(u) in ids
    if len(ids) - inside == 0:
        return True
    if annex_4a_excepted(ctx.good_hs):
        return False
    value = total - u.material.value if inside else total
    limit = ctx.de_minimis_limit
    # value / base * 100 <= limit, without dividing (this runs once per material)
    return any(
        base is not None and base > 0 and value * HUNDRED <= limit * base
        for base in (ctx.values.adjusted_tv, ctx.values.total_cost)
    )


def _weight_ok_without(o: AltOutcome, u: Unit) -> bool:
    w = o.weight
    if w is None:
        return True
    if w.missing or w.share is None:
        return w.passed
    assert o.alternative.weight_share is not None
    code = u.material.hs
    if code is None or u.material.weight_kg is None:
        return w.passed
    if not any(r.contains(code) for r in o.alternative.weight_share.headings):
        return w.passed
    return percent(w.originating_kg + u.material.weight_kg, w.total_kg) >= w.min_percent


def rvc_without(o: AltOutcome, u: Unit) -> dict[str, Decimal]:
    """The RVC per method the alternative computed, were ``u`` originating."""
    out = {}
    for method, v in o.rvc.items():
        reduce = u.vnm_tv if method == "transaction_value" else u.vnm_nc
        out[method] = rvc(v.base, v.vnm - reduce)
    return out


def _rvc_ok_without(o: AltOutcome, u: Unit, ctx: Context) -> bool:
    if o.alternative.rvc is None or o.rvc_passed:
        return True
    for method, v in o.rvc.items():
        vnm = v.vnm - (u.vnm_tv if method == "transaction_value" else u.vnm_nc)
        if (v.base - vnm) * HUNDRED >= v.threshold * v.base:  # RVC >= threshold, without dividing
            return True
    limit = ctx.de_minimis_limit
    return any(
        base is not None and base > 0 and vnm * HUNDRED <= limit * base
        for base, vnm in (
            (ctx.values.adjusted_tv, ctx.values.vnm_tv - u.vnm_tv),
            (ctx.values.total_cost, ctx.values.vnm_nc - u.vnm_nc),
        )
    )


def passes_if_originating(o: AltOutcome, u: Unit, ctx: Context) -> bool:
    """Whether alternative ``o`` would be met were material ``u`` originating."""
    if o.process_passed is False:
        return False  # a process not claimed (or barred) does not depend on any material's origin
    return _ctc_ok_without(o, u, ctx) and _weight_ok_without(o, u) and _rvc_ok_without(o, u, ctx)


def could_flip(o: AltOutcome, units: Sequence[Unit], ctx: Context) -> bool:
    """Whether any single material's being originating could meet alternative ``o`` (a quick bound
    that spares the per-material what-if when the answer is no for every material)."""
    if o.process_passed is False:
        return False
    if o.alternative.change is not None:
        if o.shift is None:
            return False
        ids, total = o.failing_index()
        if len(ids) > 1:
            biggest = max((u.material.value for u in units if id(u) in ids), default=ZERO)
            rest = total - biggest
            bases = [b for b in (ctx.values.adjusted_tv, ctx.values.total_cost) if b is not None and b > 0]
            if annex_4a_excepted(ctx.good_hs) or not any(
                rest * HUNDRED <= ctx.de_minimis_limit * b for b in bases
            ):
                return False
    if o.alternative.rvc is not None and not o.rvc_passed:
        most = max((max(u.vnm_tv, u.vnm_nc) for u in units if not u.originating), default=ZERO)
        reachable = any((v.base - (v.vnm - most)) * HUNDRED >= v.threshold * v.base for v in o.rvc.values())
        pairs = (
            (ctx.values.adjusted_tv, ctx.values.vnm_tv),
            (ctx.values.total_cost, ctx.values.vnm_nc),
        )
        waivable = any(
            b is not None and b > 0 and (vnm - most) * HUNDRED <= ctx.de_minimis_limit * b for b, vnm in pairs
        )
        if not reachable and not waivable:
            return False
    return True


class FlipTester:
    """Would the good qualify were one material originating?  Criterion C, each alternative of the
    rule, and criterion D, tested from what the first pass computed."""

    def __init__(
        self, good: Good, units: Sequence[Unit], outcomes: Sequence[AltOutcome], ctx: Context
    ) -> None:
        self.ctx = ctx
        self.non_originating = sum(1 for u in units if not u.originating)
        self.outcomes = [o for o in outcomes if could_flip(o, units, ctx)]
        # Criterion D: per alternative, the failing units that do not share the good's subheading.
        self.d_blockers: list[tuple[AltOutcome, frozenset[int]]] = []
        if not 61 <= int(good.hs[:2]) <= 63:
            for o in outcomes:
                if o.shift is None or o.shift.passed:
                    continue
                blockers = frozenset(
                    id(f.unit)
                    for f in o.shift.failures
                    if not good.unassembled and not same_subheading(good.hs, f.unit.material.hs)
                )
                if len(blockers) <= 1:
                    self.d_blockers.append((o, blockers))
        p = ctx.params
        self.d_thresholds = {
            "transaction_value": p["usmca.criterion_d_transaction_value"].decimal,
            "net_cost": p["usmca.criterion_d_net_cost"].decimal,
        }

    @property
    def hopeless(self) -> bool:
        return not self.outcomes and not self.d_blockers and self.non_originating != 1

    def flips(self, u: Unit) -> AltOutcome | str | None:
        if self.non_originating == 1 and self.ctx.materials_listed:
            return "C"
        for o in self.outcomes:
            if passes_if_originating(o, u, self.ctx):
                return o
        if self._d(u):
            return "D"
        return None

    def _d(self, u: Unit) -> bool:
        values = self.ctx.values
        for o, blockers in self.d_blockers:
            if blockers - {id(u)}:
                continue
            ids, _ = o.failing_index()
            if not ids - {id(u)}:
                continue  # no failing part left: that is the alternative's own tariff shift
            for method, threshold in self.d_thresholds.items():
                if self.ctx.method is not None and method != self.ctx.method:
                    continue
                base = values.base(method)
                if base is None or base <= 0:
                    continue
                vnm = values.vnm(method) - (u.vnm_tv if method == "transaction_value" else u.vnm_nc)
                if (base - vnm) * HUNDRED >= threshold * base:
                    return True
        return False


def _where(result: AltOutcome | str) -> str:
    if result == "C":
        return "under criterion C (all materials originating)"
    if result == "D":
        return "under criterion D (parts of the good's own subheading, RVC 60 % TV / 50 % NC)"
    if isinstance(result, str):
        return result
    return f"under alternative {result.index + 1} of the rule"


def _fmt(value: Decimal) -> str:
    return f"{value:.1f}"


def unknown_origin_questions(
    good: Good,
    units: Sequence[Unit],
    outcomes: Sequence[AltOutcome],
    reported: AltOutcome | None,
    ctx: Context,
) -> list[Question]:
    """One question per material of unknown origin: what an originating statement would do."""
    tester = FlipTester(good, units, outcomes, ctx)
    questions: list[Question] = []
    for u in units:
        m = u.material
        if u.originating or m.origin != "unknown":
            continue
        code = f"{hs.format(m.hs)}, " if m.hs else ""
        vnm = ctx.values.vnm_nc or ctx.values.vnm_tv
        share = f"{_fmt(percent(u.vnm_nc or u.vnm_tv, vnm))} % of VNM" if vnm > 0 else "no VNM"
        flip = None if tester.hopeless else tester.flips(u)
        gain = ZERO
        effect = ""
        if reported is not None and reported.rvc:
            after = rvc_without(reported, u)
            best = max(after, key=lambda k: after[k])
            gain = after[best] - reported.rvc[best].value
            effect = f"would raise RVC to {_fmt(after[best])} %"
        elif (
            reported is not None
            and reported.shift is not None
            and any(f.unit is u for f in reported.shift.failures)
        ):
            effect = "would take it out of the tariff-shift test"
        else:
            effect = "would remove it from the non-originating materials"
        if flip is not None:
            effect += f", and the good would qualify {_where(flip)}"
        questions.append(
            Question(
                fact=f"origin of material {m.id}",
                text=f"origin of material {m.id} ({code}{share}) is unknown: "
                f"an originating statement from its supplier {effect}",
                impact=(FLIPS if flip is not None else ZERO) + gain,
                material=m.id,
            )
        )
    return questions


USMCA = frozenset({"US", "MX", "CA"})


def accumulation_questions(units: Sequence[Unit], reported: AltOutcome | None) -> list[Question]:
    """A non-originating material made in the USMCA territory may still carry regional content: its
    producer's accumulation statement (Art. 4.11; UR s.9) would count it.  Asked when an RVC fails."""
    if reported is None or not reported.rvc or reported.rvc_passed:
        return []
    out = []
    for u in units:
        m = u.material
        if u.originating or m.accumulation is not None or m.self_produced or m.country not in USMCA:
            continue
        best = max(after for after in rvc_without(reported, u).values())
        out.append(
            Question(
                fact=f"accumulation statement for material {m.id}",
                text=f"material {m.id} was produced in {m.country}: a statement from its producer "
                "giving its VNM (USMCA Art. 4.11; UR s.9) would count its regional content "
                f"(RVC up to {_fmt(best)} %)",
                impact=ZERO,
                material=m.id,
            )
        )
    return out


def cheapest_flip(
    good: Good, units: Sequence[Unit], outcomes: Sequence[AltOutcome], ctx: Context
) -> tuple[dict[str, object], Question] | None:
    """The lowest-valued single non-originating material whose being originating would qualify the good."""
    tester = FlipTester(good, units, outcomes, ctx)
    if tester.hopeless:
        return None
    best: tuple[Unit, AltOutcome | str] | None = None
    for u in sorted((u for u in units if not u.originating), key=lambda u: u.material.value):
        result = tester.flips(u)
        if result is not None:
            best = (u, result)
            break
    if best is None:
        return None
    u, result = best
    m = u.material
    after: dict[str, Decimal] = {}
    if isinstance(result, AltOutcome):
        after = rvc_without(result, u)
    summary: dict[str, object] = {
        "material": m.id,
        "hs": hs.format(m.hs) if m.hs else None,
        "value": str(m.value),
        "qualifies": _where(result),
        "rvc_after": {k: str(v) for k, v in after.items()},
    }
    rvc_text = ""
    if after:
        best_method = max(after, key=lambda k: after[k])
        rvc_text = f" (RVC {_fmt(after[best_method])} %)"
    text = (
        f"the cheapest single change: material {m.id}"
        + (f" ({hs.format(m.hs)}, value {m.value})" if m.hs else f" (value {m.value})")
        + f" from an originating source would make the good qualify {_where(result)}{rvc_text}"
    )
    return summary, Question(fact=f"cheapest flip: {m.id}", text=text, impact=FLIPS, material=m.id)


def margins(reported: AltOutcome | None, extra: Sequence[Margin] = ()) -> list[Margin]:
    out: list[Margin] = []
    if reported is not None:
        for method, v in reported.rvc.items():
            out.append(Margin(f"rvc.{method}", v.value, v.threshold, v.margin))
        dm = reported.shift_de_minimis
        if dm is not None:
            out.append(
                Margin("tariff_shift.de_minimis", dm.share, dm.limit_percent, dm.limit_percent - dm.share)
            )
        w = reported.weight
        if w is not None and w.share is not None:
            out.append(Margin("weight_share", w.share, w.min_percent, w.share - w.min_percent))
    out.extend(extra)
    return out


MAX_QUESTIONS = 25


def cap_questions(questions: list[Question]) -> list[Question]:
    """The most decisive questions, and one line for the rest (a 5,000-line BOM can raise thousands)."""
    if len(questions) <= MAX_QUESTIONS:
        return questions
    rest = len(questions) - MAX_QUESTIONS + 1
    return [
        *questions[: MAX_QUESTIONS - 1],
        Question(
            fact="more questions",
            text=f"{rest} more facts of lesser weight (mostly origins of smaller materials) are missing",
        ),
    ]


def process_questions(applicable: Sequence[Alternative], good: Good) -> list[Question]:
    """A rule that confers origin by a process the case does not claim: would it?"""
    out = []
    for alt in applicable:
        if alt.process is None or alt.process in good.processes:
            continue
        if any(r.contains(good.hs) for r in alt.goods_except):
            continue
        out.append(
            Question(
                fact=f"process: {alt.process}",
                text=f"does the good result from {PROCESS_WORDS.get(alt.process, alt.process)} in the "
                f"territory of one or more USMCA countries ({alt.paragraph})? If so, state "
                f"`{alt.process}` in good.processes",
            )
        )
    return out


def data_questions(units: Sequence[object], outcomes: Sequence[AltOutcome], ctx: Context) -> list[Question]:
    """Facts missing from the case that the tests needed: classifications, weights, method data."""
    out: list[Question] = []
    seen: set[str] = set()
    for o in outcomes:
        for f in o.shift.failures if o.shift else ():
            m = f.unit.material
            if f.question is not None and m.id not in seen:  # which 8-digit tariff item? which kind?
                seen.add(m.id)
                what = "kind" if "materials[].kind" in f.question else "tariff item"
                out.append(Question(fact=f"{what} of material {m.id}", text=f.question, material=m.id))
            if m.hs is None and m.id not in seen:
                seen.add(m.id)
                out.append(
                    Question(
                        fact=f"classification of material {m.id}",
                        text=f"the HS code of non-originating material {describe(m)} is not given: "
                        "the tariff shift cannot be shown without it",
                        material=m.id,
                    )
                )
        for u in o.weight.missing if o.weight else ():
            if u.material.id not in seen:
                seen.add(u.material.id)
                out.append(
                    Question(
                        fact=f"weight of material {u.material.id}",
                        text=f"the weight of {describe(u.material)} is not given: the rule's share by weight "
                        "of originating materials needs it",
                        material=u.material.id,
                    )
                )
        for method in o.missing_methods:
            key = f"method:{method}"
            if key not in seen:
                seen.add(key)
                what = (
                    "valuation (transaction value)"
                    if method == "transaction_value"
                    else "costs (net cost build-up)"
                )
                out.append(
                    Question(
                        fact=f"data for the {method.replace('_', ' ')} method",
                        text=f"the rule allows the {method.replace('_', ' ')} method "
                        f"but the case gives no {what}",
                    )
                )
    if not ctx.materials_listed and any(o.alternative.change is not None for o in outcomes):
        out.append(
            Question(
                fact="bill of materials",
                text="list the non-originating materials with their HS codes: "
                "the rule's tariff shift needs them",
            )
        )
    return out
