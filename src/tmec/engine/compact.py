"""The compact case: a good as ``tmec.origin.qualify`` sees it in bulk, its materials summed by class.

A good's *lines* are its tracked non-originating materials summed by (class,
origin), the class saying how the code fares under each alternative's tariff
shift and whether it is of the good's own subheading; codes that pass every
tariff shift (*quiet* codes) travel in the roll-up's totals and make one line per
origin.  :func:`compact_case` builds the case, :func:`compact_values` computes
what ``qualify`` will compute from it (same sums, same order, same digits).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from tmec.core.money import ZERO
from tmec.origin import Accumulation, Case, Costs, ExcludedCosts, Good, Material, Valuation
from tmec.origin.criteria import same_subheading
from tmec.origin.rules import Rule
from tmec.origin.rvc import Values
from tmec.origin.tariff_shift import material_fails

__all__ = [
    "TrackedSums", "compact_case", "compact_values", "exact_values", "fails_every", "goods_costs",
    "material_class", "quiet_lines", "quiet_origins", "tracked_sums",
]  # fmt: skip

TrackedSums = dict[str, tuple[Decimal, Decimal, int]]
NONE = (ZERO, ZERO, 0)  # no tracked line of an origin


def material_class(good_hs: str, mat_hs: str, rules: Mapping[str, Rule | str]) -> str:
    """One letter per alternative of the good's rule (``p`` passes its tariff shift, ``f`` fails,
    ``-`` states none), then ``s`` when the code is of the good's own subheading."""
    rule = rules.get(good_hs)
    if not isinstance(rule, Rule):
        return "?"
    code = mat_hs or None
    bits = "".join(
        "-" if a.change is None else ("p" if material_fails(a.change, good_hs, code) is None else "f")
        for a in rule.alternatives
    )
    return bits + ("s" if same_subheading(good_hs, code) else "")


def fails_every(cls: str) -> bool:
    """Whether a material of class ``cls`` fails the tariff shift of every alternative that has one
    (its code is then among the good's failing codes)."""
    return "f" in cls and "p" not in cls


def tracked_sums(tracked: Iterable[Mapping[str, Any]]) -> TrackedSums:
    """Per origin: the tracked lines' value and VNM (summed in the lines' order) and how many."""
    sums: TrackedSums = {}
    for c in tracked:
        value, vnm, n = sums.get(c["origin"], NONE)
        sums[c["origin"]] = (value + c["value"], vnm + c["vnm"], n + 1)
    return sums


def _rests(g: Mapping[str, Any], sums: TrackedSums) -> list[tuple[str, Decimal, Decimal]]:
    """Per origin with a quiet line: its value and VNM, the good's totals less what is tracked."""
    out: list[tuple[str, Decimal, Decimal]] = []
    any_non, any_unk = g.get("any_non"), g.get("any_unk")
    if not (any_non or any_unk):
        return out
    unk, unk_vnm = g["unk"] or ZERO, g["unk_vnm"] or ZERO
    if any_non:
        value, vnm, n = sums.get("non_originating", NONE)
        rest_value = ((g["nonorig"] or ZERO) - unk) - value
        rest_vnm = ((g["vnm"] or ZERO) - unk_vnm) - vnm
        if rest_value or rest_vnm or not n:
            out.append(("non_originating", rest_value, rest_vnm))
    if any_unk:
        value, vnm, n = sums.get("unknown", NONE)
        # ``- ZERO``: an operation in the current context, as the other origin's total is (keep it:
        # the tests hold these digits equal to the single-good path's)
        rest_value, rest_vnm = (unk - ZERO) - value, (unk_vnm - ZERO) - vnm
        if rest_value or rest_vnm or not n:
            out.append(("unknown", rest_value, rest_vnm))
    return out


def quiet_lines(
    g: Mapping[str, Any], tracked: Iterable[Mapping[str, Any]], code: str
) -> list[dict[str, Any]]:
    """The good's materials of quiet codes, per origin: its totals less what is tracked by code."""
    if not g.get("any_non") and not g.get("any_unk"):
        return []
    return [
        {"cls": "quiet", "origin": origin, "value": value, "vnm": vnm, "rep_hs": code}
        for origin, value, vnm in _rests(g, tracked_sums(tracked))
    ]


def quiet_origins(g: Mapping[str, Any], sums: TrackedSums) -> tuple[str, ...]:
    """The origins :func:`quiet_lines` makes a line for, from the tracked lines' sums."""
    return tuple(origin for origin, _, _ in _rests(g, sums))


def compact_case(
    g: Mapping[str, Any], rule: Rule | None, classes: Iterable[Mapping[str, Any]], day: dt.date
) -> Case:
    """The good as ``tmec qualify`` sees it, its materials summed by class (same sums, same outcome)."""
    materials: list[Material] = []
    orig = g["orig"] or ZERO
    if g["any_orig"]:
        materials.append(Material(id="originating", field="materials[0]", value=orig, origin="originating"))
    for c in sorted(classes, key=lambda c: (c["cls"], c["origin"], c["rep_hs"])):
        acc = Accumulation(vnm=c["vnm"]) if c["vnm"] != c["value"] else None
        materials.append(
            Material(
                id=f"{c['origin']}:{c['cls']}:{c['rep_hs'] or '-'}",
                field=f"materials[{len(materials)}]",
                value=c["value"],
                origin=c["origin"],
                hs=c["rep_hs"] or None,
                accumulation=acc,
            )
        )
    return Case(
        id=g["good_id"],
        date=day,
        good=Good(description=g.get("description"), hs=g["hs"], end_use=g.get("end_use") or "any"),
        materials=tuple(materials),
        rule=rule,
        valuation=Valuation(g["transaction_value"], g["international_shipping"]),
        costs=goods_costs(g),
    )


def compact_values(
    g: Mapping[str, Any], classes: Iterable[Mapping[str, Any]], *, ordered: bool = False
) -> Values:
    """The values ``qualify(compact_case(g, ...))`` computes, without building the case.

    The same sums in the same order (materials in the case's order, then the cost
    lines; UR s.7(11)), so the same Decimal results to the last digit: the bulk
    re-decision of a change (:mod:`tmec.engine.redecide`) reports these, and a
    test holds them equal to the single-good path's on every good.
    """
    originating = ZERO
    if g["any_orig"]:
        originating += g["orig"] or ZERO
    non_originating = vnm_tv = vnm_nc = ZERO
    lines = classes if ordered else sorted(classes, key=lambda c: (c["cls"], c["origin"], c["rep_hs"]))
    for c in lines:  # ``ordered``: already in the case's order
        non_originating += c["value"]
        vnm_tv += c["vnm"]
        vnm_nc += c["value"]
    return _with_costs(g, originating, non_originating, vnm_tv, vnm_nc)


def exact_values(g: Mapping[str, Any], has_lines: bool) -> Values:
    """:func:`compact_values` when every sum is exact (the good's total cost below 10^9: amounts
    of 18 decimals then fit 28 digits): the lines add up to the roll-up's sums, in any order, to
    the same digits and exponent; ``has_lines``: the case has non-originating lines."""
    # ``ZERO +``: compact_values' sum starts from 0; an operation in the context, as there
    originating = (ZERO + (g["orig"] or ZERO)) if g["any_orig"] else ZERO
    non_originating = g["nonorig"] if has_lines else ZERO
    return _with_costs(g, originating, non_originating, g["vnm"] if has_lines else ZERO, non_originating)


def _with_costs(
    g: Mapping[str, Any], originating: Decimal, non_originating: Decimal, vnm_tv: Decimal, vnm_nc: Decimal
) -> Values:
    # Costs and ExcludedCosts (tmec.origin.case) add their lines in this order.
    total = originating + non_originating + g["other_product_costs"] + g["period_costs"] + g["other_costs"]
    excluded = g["sales_promotion"] + g["royalties"] + g["shipping_packing"] + g["non_allowable_interest"]
    return Values(
        g["transaction_value"] - g["international_shipping"], total, total - excluded, vnm_tv, vnm_nc
    )


def goods_costs(g: Mapping[str, Any]) -> Costs:
    return Costs(
        other_product_costs=g["other_product_costs"],
        period_costs=g["period_costs"],
        other_costs=g["other_costs"],
        excluded=ExcludedCosts(
            sales_promotion=g["sales_promotion"],
            royalties=g["royalties"],
            shipping_packing=g["shipping_packing"],
            non_allowable_interest=g["non_allowable_interest"],
        ),
    )
