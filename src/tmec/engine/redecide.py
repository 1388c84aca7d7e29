"""Deciding again, in bulk, the goods a change moved (the where-used set of a bought part).

Each good was decided by :func:`tmec.origin.qualify` from a compact case (its
roll-up row and its materials summed by class; :mod:`tmec.engine.compact`).
Given the good's code and end use, that decision depends on its amounts only
through the comparisons the rule makes with them: an RVC against a threshold of
the rule or of criterion D, a de minimis share against its limit, the RVC de
minimis waiver, and the choice between the two methods' margins.  Everything
else is which lines the case has (class and origin; the class says how each
code fares under every tariff shift and whether it is of the good's own
subheading).

So a good's *signature* is its code, end use, lines and *sides*: where each
compared amount falls among the marks it is compared with, computed in floating
point with a wide margin (10^-9 x (|mark| + 100) points; an amount nearer a mark
than that has no side, and its good goes to ``qualify``).  Two cases with the
same signature get the same outcome (criterion, method, tariff shift, which RVCs
are shown).  The portfolio learns the outcome of every signature ``qualify`` has
decided, the good's own before the change first; a good whose new signature is
known gets that outcome and its new amounts and RVCs, computed in Decimal by the
same functions as the single-good path.  Any other good goes to ``qualify``, and
a good whose lines cannot be known from the change alone (a representative code
that leaves) is read again from the engine.  A signature ever seen with two
outcomes is never used again (and counted: the tests hold that count at 0 and
every result equal to a full run).

Cost: what a good's inputs give (its lines in order, the value failing each
tariff shift, its signature) is kept with them; when a change only moves the
amounts of its lines and its totals stay below 10^9 (so that sums of 18-decimal
amounts are exact in 28 digits, whatever their order), that carries over and its
values come straight from its roll-up row.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Any

from tmec.core.money import EXACT as EXACT_SUMS
from tmec.core.money import ZERO
from tmec.engine.compact import (
    TrackedSums,
    compact_values,
    fails_every,
    material_class,
    quiet_lines,
    quiet_origins,
    tracked_sums,
)
from tmec.engine.portfolio import GoodInputs, GoodResult, Portfolio, no_gc
from tmec.law import load_parameters
from tmec.origin.criteria import D_REQUIREMENT
from tmec.origin.rules import Rule
from tmec.origin.rvc import rvc

__all__ = [
    "Decided", "Decisions", "decide_all", "decisions", "learn_all", "read_inputs", "redecide", "remember",
]  # fmt: skip

NEAR = 1e-9  # margin of a comparison made in floating point: 10^-9 of (|mark| + 100) points


@dataclass(frozen=True, slots=True)
class Bounds:
    """What a good code's rule compares amounts with, on the day: each mark as the interval around
    it that is too near to tell (low, high in a row, sorted; see :func:`_edges`)."""

    tv: tuple[float, ...]  # RVC thresholds, transaction value method (rule and criterion D)
    nc: tuple[float, ...]  # RVC thresholds, net cost method
    spreads: tuple[float, ...]  # TV threshold - NC threshold, for each pair a margin choice compares
    changes: tuple[int, ...]  # the alternatives with a tariff shift (their index in a class)
    limit: tuple[float, float]  # de minimis, percent
    weighed: bool  # an alternative tests shares by weight: they look at the codes, not only the class


def _edges(marks: Iterable[float]) -> tuple[float, ...]:
    """The marks' too-near intervals, flat and sorted; two that meet become one.

    ``bisect_right(edges, x)`` is then odd when ``x`` is too near a mark, else twice
    the number of marks below ``x``: one bisection, no arithmetic, per comparison.
    The margin, 10^-9 of (|mark| + 100) percentage points, is far wider than the
    error of the doubles the amounts are compared in (RVCs and shares in percent).
    """
    out: list[float] = []
    for m in sorted(set(marks)):
        d = NEAR * (abs(m) + 100)
        if out and m - d <= out[-1]:
            out[-1] = m + d
        else:
            out += (m - d, m + d)
    return tuple(out)


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
    low, high = _edges([float(params["usmca.de_minimis"].decimal)])
    weighed = any(a.weight_share is not None for a in rule.alternatives)
    return Bounds(_edges(tv), _edges(nc), _edges(spreads), changes, (low, high), weighed)


def _constants(g: Mapping[str, Any]) -> tuple[float, float, float]:
    """The good's adjusted TV, its cost lines other than materials, its excluded costs."""
    f = float
    other = f(g["other_product_costs"]) + f(g["period_costs"]) + f(g["other_costs"])
    excluded = f(g["sales_promotion"]) + f(g["royalties"]) + f(g["shipping_packing"])
    excluded += f(g["non_allowable_interest"])
    return f(g["transaction_value"]) - f(g["international_shipping"]), other, excluded


def _float(c: Mapping[str, Any]) -> float:
    """A line's value as a float, kept on the line (a line whose value changes is a new dict)."""
    value = c.get("float")
    if value is None:
        value = c["float"] = float(c["value"])  # type: ignore[index]
    return float(value)


def _failing(b: Bounds, tracked: Iterable[Mapping[str, Any]]) -> tuple[float, ...]:
    """The value of the lines that fail each alternative's tariff shift (quiet codes never do)."""
    failing = [0.0] * len(b.changes)
    for c in tracked:
        cls = c["cls"]
        for j, i in enumerate(b.changes):
            if cls[i] == "f":
                failing[j] += _float(c)
    return tuple(failing)


def _sides(
    b: Bounds, g: Mapping[str, Any], failing: tuple[float, ...], const: tuple[float, float, float]
) -> tuple[int, ...] | None:
    """Where the good's RVCs and de minimis shares fall among the marks its rule compares them
    with; None when one is too near a mark to tell."""
    adjusted, other, excluded = const
    # The engine sends the sums as doubles too (a Decimal turns into a float through its text).
    floats = g.get("floats")
    if floats is None:
        floats = (float(g["orig"] or 0), float(g["nonorig"] or 0), float(g["vnm"] or 0))
    orig, vnm_nc, vnm_tv = floats
    total = orig + vnm_nc + other
    net = total - excluded
    if total <= 0 or net <= 0:
        return None
    rvc_nc = (net - vnm_nc) / net * 100
    # bisect_right(edges, x) is odd when x is inside a mark's interval
    i = bisect_right(b.nc, rvc_nc)
    if i & 1:
        return None
    places = [i]
    low, high = b.limit
    share = vnm_nc / total * 100
    if low <= share <= high:
        return None
    places.append(share > high)
    tv_known = adjusted > 0
    if tv_known:
        rvc_tv = (adjusted - vnm_tv) / adjusted * 100
        i, j = bisect_right(b.tv, rvc_tv), bisect_right(b.spreads, rvc_tv - rvc_nc)
        if (i | j) & 1:
            return None
        places += (i, j)
        share = vnm_tv / adjusted * 100
        if low <= share <= high:
            return None
        places.append(share > high)
    for v in failing:
        share = v / total * 100
        if low <= share <= high:
            return None
        places.append(share > high)
        if tv_known:
            share = v / adjusted * 100
            if low <= share <= high:
                return None
            places.append(share > high)
    return tuple(places)


@dataclass
class Decided:
    results: dict[str, GoodResult]  # decided here: a known outcome, new amounts
    inputs: dict[str, GoodInputs]  # their new inputs, for the portfolio to keep once the change holds
    to_qualify: dict[str, GoodInputs]  # new inputs, for tmec.origin.qualify
    to_read: list[str]  # goods whose lines must be read again from the engine


Moved = list[tuple[Mapping[str, Any], Mapping[str, Any]]]  # (line before, line after), same place


def _apply_rows(
    p: Portfolio, inp: GoodInputs, rows: Iterable[Mapping[str, Any]]
) -> tuple[tuple[Mapping[str, Any], ...], frozenset[str], Moved | None] | None:
    """The good's tracked lines and failing codes with its changed material rows in, and the lines
    whose amounts alone changed (None: a line came, went or changed its code); None when they
    cannot be known without reading the good's materials again."""
    if not rows:
        return inp.lines, inp.failing, []
    add = EXACT_SUMS.add
    good_hs = str(inp.head["hs"])
    lines = list(inp.lines)
    failing: set[str] | frozenset[str] = inp.failing
    moved: Moved | None = []
    for r in rows:
        code, origin = r["hs"], r["origin"]
        cls = _class_of(p, good_hs, code)
        fails_all = fails_every(cls)
        at = None
        for i, c in enumerate(lines):
            if c["cls"] == cls and c["origin"] == origin:
                at = i
                break
        if at is None:
            if not r["created"]:
                return None
            line = {"good_id": inp.head["good_id"], "cls": cls, "origin": origin, "value": Decimal(0),
                    "vnm": Decimal(0), "rep_hs": code, "n_codes": 0}  # fmt: skip
            lines.append(line)
            moved = None
        else:
            before = lines[at]
            line = lines[at] = dict(before)
            line.pop("float", None)
            if moved is not None:
                moved.append((before, line))
        if r["created"]:
            line["n_codes"] += 1
            if code < line["rep_hs"]:
                line["rep_hs"], moved = code, None
            if fails_all:
                failing = {*failing, code or "(no code)"}
        elif r["removed"]:  # the good no longer has this code with this origin
            if fails_all or (line["n_codes"] > 1 and line["rep_hs"] == code):
                return None
            line["n_codes"] -= 1
        line["value"] = add(line["value"], r["dvalue"])
        line["vnm"] = add(line["vnm"], r["dvnm"])
        if line["n_codes"] == 0:
            if line["value"] or line["vnm"]:
                return None
            lines.remove(line)
            moved = None
    if moved is not None and len(moved) > 1 and len({id(b) for b, _ in moved}) < len(moved):
        moved = None  # one line moved twice: derive it afresh
    return tuple(lines), frozenset(failing), moved


def _class_of(p: Portfolio, good_hs: str, code: str) -> str:
    """The class of material ``code`` in a good of ``good_hs``, kept on the portfolio."""
    cls = p.classes.get((good_hs, code))
    if cls is None:
        cls = p.classes[(good_hs, code)] = material_class(good_hs, code, p.good_rules)
    return cls


def read_inputs(p: Portfolio, head: Mapping[str, Any], rows: Iterable[Mapping[str, Any]]) -> GoodInputs:
    """A good's inputs from all its material rows (``tmec.engine.delta.good_rows``), grouped as
    :func:`tmec.engine.portfolio.qualify_goods` groups them: by class and origin, summed, the
    smallest code standing for the line."""
    good_hs = str(head["hs"])
    lines: dict[tuple[str, str], dict[str, Any]] = {}
    failing = set()
    with localcontext(EXACT_SUMS):
        for r in rows:
            code = r["hs"]
            cls = _class_of(p, good_hs, code)
            line = lines.setdefault(
                (cls, r["origin"]),
                {"good_id": head["good_id"], "cls": cls, "origin": r["origin"], "value": Decimal(0),
                 "vnm": Decimal(0), "rep_hs": code, "n_codes": 0},
            )  # fmt: skip
            line["value"] += r["value"]
            line["vnm"] += r["vnm"]
            line["n_codes"] += 1
            line["rep_hs"] = min(line["rep_hs"], code)
            if fails_every(cls):
                failing.add(code or "(no code)")
    return GoodInputs(head, tuple(lines.values()), frozenset(failing))


Outcome = tuple[bool | None, str | None, str | None, bool | None, bool, bool]
_MISSING: Any = object()


@dataclass
class Decisions:
    """What a portfolio has learnt from the goods the single-good path decided: the outcome of
    each signature (good code, end use, lines by class and origin, sides), for one method."""

    method: str | None
    bounds: dict[str, Bounds] = field(default_factory=dict)
    outcomes: dict[tuple[object, ...], Outcome | None] = field(default_factory=dict)
    conflicts: int = 0  # signatures seen with two outcomes: never used (and a sign the notes are wrong)
    # the lines of a signature (class, origin, code if weighed; the quiet ones), as a number: a
    # signature is then hashed in a few steps, and a change that keeps a good's lines keeps it
    kinds: dict[tuple[tuple[str, str, str], ...], int] = field(default_factory=dict)

    def learn(self, signature: tuple[object, ...] | None, r: GoodResult) -> None:
        if signature is None or r.error is not None:
            return
        outcome = (r.originating, r.criterion, r.method, r.tariff_shift_passed, r.rvc_tv is not None,
                   r.rvc_nc is not None)  # fmt: skip
        known = self.outcomes.get(signature, _MISSING)
        if known is _MISSING:
            self.outcomes[signature] = outcome
        elif known is not None and known != outcome:
            self.outcomes[signature] = None
            self.conflicts += 1


def decisions(p: Portfolio) -> Decisions:
    if not isinstance(p.decisions, Decisions) or p.decisions.method != p.results_method:
        p.decisions = Decisions(p.results_method)
    return p.decisions


def redecide(
    p: Portfolio, heads: Mapping[str, Mapping[str, Any]], rows: Mapping[str, list[dict[str, Any]]]
) -> Decided:
    """Decide again the goods whose roll-up rows are in ``heads`` (new sums and flags)."""
    out = Decided({}, {}, {}, [])
    with no_gc():
        _redecide(p, heads, rows, out)
    return out


def learn_all(p: Portfolio) -> None:
    """Derive every good's signature and learn its outcome: the first change's work, done once so
    that each later change finds its goods' signatures before it."""
    d = decisions(p)
    with no_gc():
        for good_id, inp in p.inputs.items():
            r = p.results.get(good_id)
            rule = p.good_rules.get(str(inp.head["hs"]))
            if r is not None and isinstance(rule, Rule):
                derived = _derive(p, d, rule, inp)
                if not derived.learned:
                    d.learn(derived.signature, r)
                    derived.learned = True


def decide_all(
    p: Portfolio,
    heads: Iterable[Mapping[str, Any]],
    inputs: Mapping[str, GoodInputs],
    qualify: Callable[[Mapping[str, Any]], GoodResult],
    progress: Callable[[int, int], None] | None = None,
) -> list[GoodResult]:
    """Decide every good of a full run: by the single-good path (``qualify``) the first good of each
    signature, and every later good of a signature already decided from that outcome and its own
    amounts (as a change's goods are: :func:`redecide`).  Their signatures are learnt on the way,
    so the first change finds them."""
    d = decisions(p)
    out: list[GoodResult] = []
    with no_gc():
        for i, g in enumerate(heads):
            if progress is not None and i % 500 == 0:
                progress(i, len(inputs))
            inp = inputs[g["good_id"]]
            rule = p.good_rules.get(str(g["hs"]))
            derived = _derive(p, d, rule, inp) if isinstance(rule, Rule) else None
            outcome = None
            if derived is not None and derived.signature is not None:
                outcome = d.outcomes.get(derived.signature)
            if outcome is not None and derived is not None:
                r = _result(p, g["good_id"], g["hs"], outcome, inp, derived)
            else:
                r = qualify(g)
                if derived is not None:
                    d.learn(derived.signature, r)
            if derived is not None:
                derived.learned = True
            out.append(r)
    if progress is not None:
        progress(len(out), len(inputs))
    return out


def remember(p: Portfolio, decided: Mapping[str, GoodResult]) -> None:
    """Learn the outcomes the single-good path gave to goods :func:`redecide` sent it."""
    d = decisions(p)
    for good_id, r in decided.items():
        inp = p.inputs.get(good_id)
        rule = p.good_rules.get(r.hs)
        if inp is not None and isinstance(rule, Rule):
            derived = _derive(p, d, rule, inp)
            d.learn(derived.signature, r)
            derived.learned = True


def _redecide(
    p: Portfolio,
    heads: Mapping[str, Mapping[str, Any]],
    rows: Mapping[str, list[dict[str, Any]]],
    out: Decided,
) -> None:
    d = decisions(p)
    inputs, results, rules, outcomes = p.inputs, p.results, p.good_rules, d.outcomes
    for good_id, new in heads.items():
        inp = inputs.get(good_id)
        if inp is None or new["level"] == 0:
            out.to_read.append(good_id)
            continue
        applied = _apply_rows(p, inp, rows.get(good_id, ()))  # sums in EXACT_SUMS
        if applied is None:
            out.to_read.append(good_id)
            continue
        lines, failing, moved = applied
        now = GoodInputs({**inp.head, **new}, lines, failing)
        old = results.get(good_id)
        rule = rules.get(str(now.head["hs"]))
        if old is not None and isinstance(rule, Rule):
            before = inp.derived if isinstance(inp.derived, Derived) else _derive(p, d, rule, inp)
            if not before.learned:
                d.learn(before.signature, old)
                before.learned = True
            after = _derive(p, d, rule, now, before, moved)
            outcome = outcomes.get(after.signature) if after.signature is not None else None
            if outcome is not None:
                out.results[good_id] = _result(p, good_id, old.hs, outcome, now, after)
                out.inputs[good_id] = now
                # its result is its signature's outcome: learning it would change nothing
                after.learned = True
                continue
        out.to_qualify[good_id] = now


def _order(c: Mapping[str, Any]) -> tuple[str, str, str]:
    return c["cls"], c["origin"], c["rep_hs"]


@dataclass(slots=True)
class Derived:
    """What the bulk decision derives from a good's inputs (kept on them: ``GoodInputs.derived``)."""

    tracked: tuple[Mapping[str, Any], ...]  # the inputs' tracked lines (by identity) ...
    ordered: list[Mapping[str, Any]]  # ... in the compact case's order
    classes: tuple[tuple[str, str, str], ...]  # their (class, origin, code if weighed)
    sums: TrackedSums  # per origin: tracked value, VNM, lines
    failing: tuple[float, ...]  # value failing each alternative's tariff shift
    const: tuple[float, float, float]
    quiet: tuple[str, ...]  # origins of its quiet lines (they sort last, in this order)
    kind: int  # its lines, as Decisions.kinds numbers them
    total: float  # its total cost, roughly
    signature: tuple[object, ...] | None  # None: an amount too near a mark
    learned: bool = False
    # the good's adjusted TV and excluded costs in Decimal (its own amounts: no change moves them),
    # computed by the first result that needs them, as tmec.engine.compact computes them
    amounts: tuple[Decimal, Decimal] | None = None

    def lines(self, p: Portfolio, head: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        """Every line of the compact case, in its order."""
        return [*self.ordered, *quiet_lines(head, self.ordered, p.lumped[0])] if p.lumped else self.ordered


EXACT = 1e9  # totals below 10^9 (10^10 with a margin): sums of 18-decimal amounts fit 28 digits


def _derive(
    p: Portfolio,
    d: Decisions,
    rule: Rule,
    inp: GoodInputs,
    base: Derived | None = None,
    moved: Moved | None = None,
) -> Derived:
    """The good's lines in order, and its signature; from ``base`` (the same good's before the
    change, whose lines ``moved`` say how they changed) what has not changed."""
    if isinstance(inp.derived, Derived):
        return inp.derived
    code = str(inp.head["hs"])
    b = d.bounds.get(code)
    if b is None:
        b = d.bounds[code] = _bounds(rule, p.day)
    const = base.const if base is not None else _constants(inp.head)
    floats = inp.head.get("floats") or (float(inp.head["orig"] or 0), float(inp.head["nonorig"] or 0))
    total = floats[0] + floats[1] + const[1]
    if base is not None and moved is not None and max(total, base.total) < EXACT:
        # Only amounts moved: the order, the classes and what fails stay; sums are exact here.
        if moved:
            ordered = list(base.ordered)
            for before, after in moved:  # each line moves once (_apply_rows)
                for i, c in enumerate(ordered):
                    if c is before:
                        ordered[i] = after
                        break
            sums = dict(base.sums)
            failing = list(base.failing)
            for before, after in moved:
                value, vnm, n = sums[after["origin"]]
                sums[after["origin"]] = (value + (after["value"] - before["value"]),
                                         vnm + (after["vnm"] - before["vnm"]), n)  # fmt: skip
                for j, i in enumerate(b.changes):
                    if after["cls"][i] == "f":
                        failing[j] += _float(after) - _float(before)
            failing_t = tuple(failing)
        else:
            ordered, sums, failing_t = base.ordered, base.sums, base.failing
        classes = base.classes
    else:
        ordered = sorted(inp.lines, key=_order)
        sums, failing_t = tracked_sums(ordered), _failing(b, ordered)
        classes = tuple((c["cls"], c["origin"], c["rep_hs"] if b.weighed else "") for c in ordered)
    quiet = quiet_origins(inp.head, sums) if p.lumped else ()
    sides = _sides(b, inp.head, failing_t, const)
    if base is not None and classes is base.classes and quiet == base.quiet:
        kind = base.kind
    else:
        lumped = p.lumped[0] if p.lumped and b.weighed else ""
        every = classes + tuple(("quiet", origin, lumped) for origin in quiet)
        kind = d.kinds.setdefault(every, len(d.kinds))
    signature = None
    if sides is not None:
        signature = (code, inp.head.get("end_use"), bool(inp.head["any_orig"]), kind, sides)
    derived = Derived(inp.lines, ordered, classes, sums, failing_t, const, quiet, kind, total, signature)
    if base is not None:
        derived.amounts = base.amounts
    inp.derived = derived
    return derived


def _result(
    p: Portfolio, good_id: str, code: str, outcome: Outcome, now: GoodInputs, after: Derived
) -> GoodResult:
    """The good's result: the outcome its signature was decided with, its own amounts and RVCs."""
    originating, criterion, method, shift, tv_shown, nc_shown = outcome
    g = now.head
    if after.total < EXACT:
        # tmec.engine.compact.exact_values, its sums in the same order, without building its
        # Values (a frozen dataclass: a few microseconds a good); the good's own amounts kept
        if after.amounts is None:
            excluded = (
                g["sales_promotion"] + g["royalties"] + g["shipping_packing"] + g["non_allowable_interest"]
            )
            after.amounts = (g["transaction_value"] - g["international_shipping"], excluded)
        adjusted_tv, excluded = after.amounts
        orig = (ZERO + (g["orig"] or ZERO)) if g["any_orig"] else ZERO
        vnm_nc, vnm_tv = (g["nonorig"], g["vnm"]) if (after.ordered or after.quiet) else (ZERO, ZERO)
        total = orig + vnm_nc + g["other_product_costs"] + g["period_costs"] + g["other_costs"]
        net_cost = total - excluded
    else:
        values = compact_values(g, after.lines(p, g), ordered=True)
        assert (
            values.net_cost is not None and values.total_cost is not None and values.adjusted_tv is not None
        )
        adjusted_tv, total, net_cost = values.adjusted_tv, values.total_cost, values.net_cost
        vnm_tv, vnm_nc = values.vnm_tv, values.vnm_nc
    return GoodResult(
        good_id=good_id,
        hs=code,
        originating=originating,
        criterion=criterion,
        method=method,
        rvc_tv=rvc(adjusted_tv, vnm_tv) if tv_shown else None,
        rvc_nc=rvc(net_cost, vnm_nc) if nc_shown else None,
        vnm=vnm_nc,
        net_cost=net_cost,
        adjusted_tv=adjusted_tv,
        total_cost=total,
        tariff_shift_passed=shift,
        failing_codes=() if originating else tuple(sorted(now.failing)),
    )
