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
from tmec.origin.alternatives import AltOutcome, Context
from tmec.origin.de_minimis import annex_4a_excepted
from tmec.origin.determination import Margin
from tmec.origin.rvc import rvc
from tmec.origin.vnm import Unit

__all__ = ["cheapest_flip", "margins", "passes_if_originating", "unknown_origin_questions"]

ZERO = Decimal(0)
FLIPS = Decimal(1000)  # sorts a question that would make the good qualify before any RVC gain


def _ctc_ok_without(o: AltOutcome, u: Unit, ctx: Context) -> bool:
    if o.alternative.change is None:
        return True
    if o.shift is None:
        return False
    remaining = [f for f in o.shift.failures if f.unit is not u]
    if not remaining:
        return True
    if annex_4a_excepted(ctx.good_hs):
        return False
    value = sum((f.unit.material.value for f in remaining), ZERO)
    limit = ctx.params["usmca.de_minimis"].decimal
    for base in (ctx.values.adjusted_tv, ctx.values.total_cost):
        if base is not None and base > 0 and percent(value, base) <= limit:
            return True
    return False


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
    after = rvc_without(o, u)
    if any(after[m] >= o.rvc[m].threshold for m in after):
        return True
    limit = ctx.params["usmca.de_minimis"].decimal
    for base, vnm in (
        (ctx.values.adjusted_tv, ctx.values.vnm_tv - u.vnm_tv),
        (ctx.values.total_cost, ctx.values.vnm_nc - u.vnm_nc),
    ):
        if base is not None and base > 0 and percent(vnm, base) <= limit:
            return True
    return False


def passes_if_originating(o: AltOutcome, u: Unit, ctx: Context) -> bool:
    """Whether alternative ``o`` would be met were material ``u`` originating."""
    return _ctc_ok_without(o, u, ctx) and _weight_ok_without(o, u) and _rvc_ok_without(o, u, ctx)


def _flips(
    u: Unit, outcomes: Sequence[AltOutcome], ctx: Context, non_originating: int
) -> AltOutcome | str | None:
    if non_originating == 1 and ctx.materials_listed:
        return "C"
    for o in outcomes:
        if passes_if_originating(o, u, ctx):
            return o
    return None


def _where(result: AltOutcome | str) -> str:
    if isinstance(result, str):
        return "under criterion C (all materials originating)"
    return f"under alternative {result.index + 1} of the rule"


def _fmt(value: Decimal) -> str:
    return f"{value:.1f}"


def unknown_origin_questions(
    units: Sequence[Unit], outcomes: Sequence[AltOutcome], reported: AltOutcome | None, ctx: Context
) -> list[Question]:
    """One question per material of unknown origin: what an originating statement would do."""
    non_originating = sum(1 for u in units if not u.originating)
    questions: list[Question] = []
    for u in units:
        m = u.material
        if u.originating or m.origin != "unknown":
            continue
        code = f"{hs.format(m.hs)}, " if m.hs else ""
        vnm = ctx.values.vnm_nc or ctx.values.vnm_tv
        share = f"{_fmt(percent(u.vnm_nc or u.vnm_tv, vnm))} % of VNM" if vnm > 0 else "no VNM"
        flip = _flips(u, outcomes, ctx, non_originating)
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


def cheapest_flip(
    units: Sequence[Unit], outcomes: Sequence[AltOutcome], ctx: Context
) -> tuple[dict[str, object], Question] | None:
    """The lowest-valued single non-originating material whose being originating would qualify the good."""
    non_originating = sum(1 for u in units if not u.originating)
    best: tuple[Unit, AltOutcome | str] | None = None
    for u in sorted((u for u in units if not u.originating), key=lambda u: u.material.value):
        result = _flips(u, outcomes, ctx, non_originating)
        if result is not None:
            best = (u, result)
            break
    if best is None:
        return None
    u, result = best
    m = u.material
    after: dict[str, Decimal] = {}
    if not isinstance(result, str):
        after = rvc_without(result, u)
    summary: dict[str, object] = {
        "material": m.id,
        "hs": m.hs,
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
