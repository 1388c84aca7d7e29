"""Deciding again, in bulk, the goods a change moved (the where-used set of a bought part).

Each good was decided by :func:`tmec.origin.qualify` from a compact case (its
roll-up row and its materials summed by class; :mod:`tmec.engine.portfolio`).
After a change, a good's new case differs from the old one only in its amounts
when its lines are the same (same classes, origins and representative codes).
The determination then changes only if one of the comparisons the rule makes
with those amounts comes out the other way: an RVC against a threshold of the
rule or of criterion D, a de minimis share against its limit, the RVC de
minimis waiver, or the choice between the two methods' margins.

So for each good the comparisons are made before and after, in floating point
with a wide margin (10^-9 of the amounts compared): when each lands clearly on
the same side both times, the good keeps its outcome (criterion, method,
tariff shift, failing codes) and gets its new amounts and RVC, computed in
Decimal by the same functions as the single-good path.  Any comparison near its
boundary, a line that appears or vanishes, or a rule that cannot be read sends
the good to :func:`tmec.origin.qualify` itself; a good whose lines cannot be
known from the change alone (a representative code that leaves) is re-read
from the engine.  The tests hold every result equal to a full run.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

from tmec.engine.portfolio import (
    GoodInputs,
    GoodResult,
    Portfolio,
    compact_values,
    material_class,
    no_gc,
    quiet_lines,
)
from tmec.law import load_parameters
from tmec.origin.criteria import D_REQUIREMENT
from tmec.origin.rules import Rule
from tmec.origin.rvc import rvc

__all__ = ["Decided", "read_inputs", "redecide"]

NEAR = 1e-9  # relative margin of a comparison made in floating point
WIDE = 60  # digits for exact sums of roll-up amounts (38 digits each)


@dataclass(frozen=True, slots=True)
class Bounds:
    """What a good code's rule compares amounts with, on the day."""

    tv: tuple[float, ...]  # RVC thresholds, transaction value method (rule and criterion D)
    nc: tuple[float, ...]  # RVC thresholds, net cost method
    spreads: tuple[float, ...]  # TV threshold - NC threshold, for each pair a margin choice compares
    changes: tuple[int, ...]  # the alternatives with a tariff shift (their index in a class)
    limit: float  # de minimis, percent


def _bounds(rule: Rule, day: dt.date) -> Bounds:
    params = load_parameters().at(day)
    tv, nc, spreads = set(), set(), set()
    for req in [a.rvc for a in rule.alternatives if a.rvc is not None] + [D_REQUIREMENT]:
        t, n = req.threshold("transaction_value"), req.threshold("net_cost")
        t_value = float(t.resolve(params).value) if t is not None else None
        n_value = float(n.resolve(params).value) if n is not None else None
        if t_value is not None:
            tv.add(t_value)
        if n_value is not None:
            nc.add(n_value)
        if t_value is not None and n_value is not None:
            spreads.add(t_value - n_value)
    changes = tuple(i for i, a in enumerate(rule.alternatives) if a.change is not None)
    limit = float(params["usmca.de_minimis"].decimal)
    return Bounds(tuple(sorted(tv)), tuple(sorted(nc)), tuple(sorted(spreads)), changes, limit)


def _place(x: float, marks: tuple[float, ...]) -> int | None:
    """How many of the sorted ``marks`` lie below ``x``; None when ``x`` is too near one to tell."""
    i = bisect_left(marks, x)
    for j in (i - 1, i):
        if 0 <= j < len(marks) and abs(x - marks[j]) <= NEAR * (abs(x) + abs(marks[j])):
            return None
    return i


def _constants(g: Mapping[str, Any]) -> tuple[float, float, float]:
    """The good's adjusted TV, its cost lines other than materials, its excluded costs."""
    f = float
    other = f(g["other_product_costs"]) + f(g["period_costs"]) + f(g["other_costs"])
    excluded = f(g["sales_promotion"]) + f(g["royalties"]) + f(g["shipping_packing"])
    excluded += f(g["non_allowable_interest"])
    return f(g["transaction_value"]) - f(g["international_shipping"]), other, excluded


def _sides(
    b: Bounds, g: Mapping[str, Any], lines: Iterable[Mapping[str, Any]], const: tuple[float, float, float]
) -> tuple[int, ...] | None:
    """Where the good's RVCs and de minimis shares fall among the marks its rule compares them
    with; None when one is too near a mark to tell."""
    f = float
    adjusted, other, excluded = const
    vnm_tv, vnm_nc = f(g["vnm"] or 0), f(g["nonorig"] or 0)
    total = f(g["orig"] or 0) + vnm_nc + other
    net = total - excluded
    if total <= 0 or net <= 0:
        return None
    limit = (b.limit,)
    rvc_nc = (net - vnm_nc) / net * 100
    places = [_place(rvc_nc, b.nc), _place(vnm_nc / total * 100, limit)]
    tv_known = adjusted > 0
    if tv_known:
        rvc_tv = (adjusted - vnm_tv) / adjusted * 100
        places += [
            _place(rvc_tv, b.tv),
            _place(vnm_tv / adjusted * 100, limit),
            _place(rvc_tv - rvc_nc, b.spreads),
        ]
    if b.changes:
        failing = [0.0] * len(b.changes)
        for c in lines:
            cls = c["cls"]
            if cls == "quiet":  # codes that pass every tariff shift
                continue
            for j, i in enumerate(b.changes):
                if cls[i] == "f":
                    failing[j] += f(c["value"])
        for v in failing:
            places.append(_place(v / total * 100, limit))
            if tv_known:
                places.append(_place(v / adjusted * 100, limit))
    if None in places:
        return None
    return tuple(places)  # type: ignore[arg-type]


@dataclass
class Decided:
    results: dict[str, GoodResult]  # decided here: same outcome, new amounts
    to_qualify: dict[str, GoodInputs]  # new inputs, for tmec.origin.qualify
    to_read: list[str]  # goods whose lines must be read again from the engine


def _apply_rows(
    p: Portfolio, inp: GoodInputs, rows: Iterable[Mapping[str, Any]]
) -> tuple[tuple[Mapping[str, Any], ...], frozenset[str], bool] | None:
    """The good's tracked lines and failing codes with its changed material rows in, and whether a
    line appeared, went or changed its representative code; None when they cannot be known
    without reading the good's materials again."""
    good_hs = str(inp.head["hs"])
    lines = list(inp.lines)
    failing: set[str] | frozenset[str] = inp.failing
    reshaped = False
    for r in rows:
        code, origin = r["hs"], r["origin"]
        cls = p.classes.get((good_hs, code))
        if cls is None:
            cls = p.classes[(good_hs, code)] = material_class(good_hs, code, p.good_rules)
        fails_all = "f" in cls and "p" not in cls
        at = next((i for i, c in enumerate(lines) if c["cls"] == cls and c["origin"] == origin), None)
        if at is None:
            if not r["created"]:
                return None
            line = {"good_id": inp.head["good_id"], "cls": cls, "origin": origin, "value": Decimal(0),
                    "vnm": Decimal(0), "rep_hs": code, "n_codes": 0}  # fmt: skip
            lines.append(line)
            reshaped = True
        else:
            line = lines[at] = dict(lines[at])
        if r["created"]:
            line["n_codes"] += 1
            if code < line["rep_hs"]:
                line["rep_hs"], reshaped = code, True
            if fails_all:
                failing = {*failing, code or "(no code)"}
        elif r["value"] == 0:  # the good no longer has this code with this origin
            if fails_all or (line["n_codes"] > 1 and line["rep_hs"] == code):
                return None
            line["n_codes"] -= 1
        line["value"] += r["dvalue"]
        line["vnm"] += r["dvnm"]
        if line["n_codes"] == 0:
            if line["value"] or line["vnm"]:
                return None
            lines.remove(line)
            reshaped = True
    return tuple(lines), frozenset(failing), reshaped


def read_inputs(p: Portfolio, head: Mapping[str, Any], rows: Iterable[Mapping[str, Any]]) -> GoodInputs:
    """A good's inputs from all its material rows (``tmec.engine.delta.good_rows``), grouped as
    :func:`tmec.engine.portfolio.qualify_goods` groups them: by class and origin, summed, the
    smallest code standing for the line."""
    good_hs = str(head["hs"])
    lines: dict[tuple[str, str], dict[str, Any]] = {}
    failing = set()
    with localcontext() as ctx:
        ctx.prec = WIDE
        for r in rows:
            code = r["hs"]
            cls = p.classes.get((good_hs, code))
            if cls is None:
                cls = p.classes[(good_hs, code)] = material_class(good_hs, code, p.good_rules)
            line = lines.setdefault(
                (cls, r["origin"]),
                {"good_id": head["good_id"], "cls": cls, "origin": r["origin"], "value": Decimal(0),
                 "vnm": Decimal(0), "rep_hs": code, "n_codes": 0},
            )  # fmt: skip
            line["value"] += r["value"]
            line["vnm"] += r["vnm"]
            line["n_codes"] += 1
            line["rep_hs"] = min(line["rep_hs"], code)
            if "f" in cls and "p" not in cls:
                failing.add(code or "(no code)")
    return GoodInputs(head, tuple(lines.values()), frozenset(failing))


def redecide(
    p: Portfolio, heads: Mapping[str, Mapping[str, Any]], rows: Mapping[str, list[dict[str, Any]]]
) -> Decided:
    """Decide again the goods whose roll-up rows are in ``heads`` (new sums and flags)."""
    out = Decided({}, {}, [])
    with no_gc():
        _redecide(p, heads, rows, out)
    return out


def _redecide(
    p: Portfolio,
    heads: Mapping[str, Mapping[str, Any]],
    rows: Mapping[str, list[dict[str, Any]]],
    out: Decided,
) -> None:
    with localcontext() as ctx:
        ctx.prec = WIDE
        updated = {}
        for good_id, new in heads.items():
            inp = p.inputs.get(good_id)
            if inp is None or new["level"] == 0:
                out.to_read.append(good_id)
                continue
            applied = _apply_rows(p, inp, rows.get(good_id, ()))
            if applied is None:
                out.to_read.append(good_id)
                continue
            lines, failing, reshaped = applied
            updated[good_id] = (inp, GoodInputs({**inp.head, **new}, lines, failing), reshaped)
    bounds: dict[str, Bounds] = {}
    for good_id, (inp, now, reshaped) in updated.items():
        old = p.results.get(good_id)
        code = str(now.head["hs"])
        rule = p.good_rules.get(code)
        decided = None
        if not reshaped and old is not None and old.error is None and isinstance(rule, Rule):
            if code not in bounds:
                bounds[code] = _bounds(rule, p.day)
            decided = _same_outcome(p, bounds[code], old, inp, now)
        if decided is None:
            out.to_qualify[good_id] = now
        else:
            out.results[good_id] = decided
            p.inputs[good_id] = now


def _derive(
    p: Portfolio, b: Bounds, inp: GoodInputs, const: tuple[float, float, float] | None = None
) -> tuple[list[Any], tuple[object, ...], Any, tuple[float, float, float]]:
    """The good's lines with its quiet ones, what else shapes its case, its sides and its
    constants (kept on ``inp``)."""
    if inp.derived is None:
        lines = list(inp.lines)
        quiet = quiet_lines(inp.head, lines, p.lumped[0]) if p.lumped else []
        lines.extend(quiet)
        shape = (bool(inp.head["any_orig"]), tuple(q["origin"] for q in quiet))
        const = const or _constants(inp.head)
        inp.derived = (lines, shape, _sides(b, inp.head, lines, const), const)
    return inp.derived  # type: ignore[no-any-return]


def _same_outcome(
    p: Portfolio, b: Bounds, old: GoodResult, inp: GoodInputs, now: GoodInputs
) -> GoodResult | None:
    """The good's new result when its outcome provably stays (see the module's notes), else None."""
    _, shape, sides, const = _derive(p, b, inp)
    after, new_shape, new_sides, _ = _derive(p, b, now, const)
    if sides is None or new_shape != shape or new_sides != sides:
        return None
    values = compact_values(now.head, after)
    assert values.net_cost is not None and values.total_cost is not None and values.adjusted_tv is not None
    return GoodResult(
        good_id=old.good_id,
        hs=old.hs,
        originating=old.originating,
        criterion=old.criterion,
        method=old.method,
        rvc_tv=None if old.rvc_tv is None else rvc(values.adjusted_tv, values.vnm_tv),
        rvc_nc=None if old.rvc_nc is None else rvc(values.net_cost, values.vnm_nc),
        vnm=values.vnm_nc,
        net_cost=values.net_cost,
        adjusted_tv=values.adjusted_tv,
        total_cost=values.total_cost,
        tariff_shift_passed=old.tariff_shift_passed,
        failing_codes=() if old.originating else tuple(sorted(now.failing)),
    )
