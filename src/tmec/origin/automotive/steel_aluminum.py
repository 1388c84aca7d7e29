"""The steel and aluminum purchase requirement (Appendix Art. 6; UR s.17; Table S; 19 CFR 182.94).

A PV, LT or HT is originating only if, over the chosen period, at least 70 % by
value of the producer's corporate-level purchases in the territories of Table S
steel are originating, **and** separately 70 % of its Table S aluminum
purchases.  Two tests, each with its own period (s.17(10)).  (UR s.17(1) names
"steel and aluminum" in one sentence; s.17(10), s.19(4)(c), Appendix Art. 6 and
the separate certifications of 19 CFR 182.94 make them two tests, as here.)

Purchases that count (s.17(3)-(4)): direct purchases, directed-buy, and all the
metal in the major stampings of the body-in-white or chassis frame, whoever buys
it; only for producing PV/LT/HT (not other vehicles, tools, dies or moulds).
For Table S stampings (ex 8708.29, ex 8708.99) only the value of the metal in
them counts (s.17(2)).

When steel is originating (s.17(5)): until 30 June 2027 under its own rule; from
1 July 2027 only if **melted and poured** in the region — every steel process
from melting and mixing through coating in the territories, raw materials (26.01
ore, 72.01 pig iron, 72.02 raw alloys, 72.04 scrap) excepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tmec.core.errors import InputError
from tmec.core.hs import format as hs_format
from tmec.core.hs import validate
from tmec.core.money import ZERO, percent
from tmec.core.params import ParameterSnapshot
from tmec.core.trace import Question, Step
from tmec.origin.automotive._input import Reader
from tmec.origin.automotive.periods import PURCHASE_PERIODS
from tmec.origin.automotive.result import Requirement, join_refs
from tmec.origin.automotive.tables import table_s

__all__ = ["PERIODS", "Purchase", "Purchases", "assess_purchases", "melted_and_poured", "parse_purchases"]

USMCA = frozenset({"US", "CA", "MX"})
PERIODS = PURCHASE_PERIODS
BASES = ("all_vehicles", "exported_vehicles", "category_all", "category_exported")
KINDS = ("direct", "directed_buy", "body_chassis_stamping")
USES = ("vehicles", "other_vehicles", "tooling")
REF = "UR s.17(1); Automotive Appendix Art. 6; 19 CFR 182.94"
REF_MELT = "UR s.17(5)(b)"


@dataclass(frozen=True, slots=True)
class Purchase:
    hs: str
    value: Decimal
    originating: bool
    kind: str = "direct"
    use: str = "vehicles"
    melted_and_poured: bool | None = None  # None: not stated
    field: str = ""


@dataclass(frozen=True, slots=True)
class Purchases:
    """Either the producer's totals or the purchase lines they come from."""

    metal: str  # "steel" | "aluminum"
    originating: Decimal | None = None
    total: Decimal | None = None
    melted_and_poured_totals: bool | None = None
    lines: tuple[Purchase, ...] = ()
    period: str = "previous_fiscal_year"
    basis: str = "all_vehicles"
    estimate: bool = False
    field: str = ""


def melted_and_poured(processes: dict[str, str], foreign_inputs: list[str]) -> tuple[bool, str]:
    """Melted and poured: all steel processes in the region; only the raw materials may be foreign.

    >>> melted_and_poured({"melting": "MX", "pouring": "MX"}, ["7204.49"])
    (True, 'melted and poured in the region (foreign inputs are raw materials: 7204.49)')
    >>> melted_and_poured({"melting": "KR"}, [])[0]
    False
    """
    outside = {step: c for step, c in processes.items() if c.upper() not in USMCA}
    if outside:
        where = ", ".join(f"{s} in {c}" for s, c in sorted(outside.items()))
        return False, f"not melted and poured in the region ({where})"
    s = table_s()
    bad = [hs_format(c) for c in foreign_inputs if not s.is_raw_material(c)]
    if bad:
        return False, f"foreign inputs other than raw materials: {', '.join(bad)}"
    raw = (
        f" (foreign inputs are raw materials: {', '.join(hs_format(c) for c in foreign_inputs)})"
        if foreign_inputs
        else ""
    )
    return True, "melted and poured in the region" + raw


def _line(raw: Any, field: str, source: str | None, metal: str) -> Purchase:
    r = Reader(
        raw,
        field,
        source,
        {
            "hs",
            "value",
            "metal_value",
            "origin",
            "kind",
            "use",
            "melted_and_poured",
            "processes",
            "foreign_inputs",
            "supplier",
            "description",
        },
    )
    hs = validate(r.data.get("hs"), min_digits=4, field=r.at("hs"), source=source)
    if not table_s().lists(metal, hs):
        raise InputError(
            f"{hs_format(hs)} is not Table S {metal}: only Table S purchases enter the test (UR s.17(1))",
            field=r.at("hs"),
            source=source,
        )
    stamping = hs[:6] in ("870829", "870899")
    if stamping and not r.has("metal_value"):
        raise InputError(
            "for a stamping only the value of its Table S metal counts (UR s.17(2))",
            field=r.at("metal_value"),
            source=source,
        )
    value = r.amount("metal_value") if stamping else r.amount("value")
    origin = r.choice("origin", ("originating", "non_originating", "unknown"), "unknown")
    poured: bool | None = None
    if r.has("melted_and_poured"):
        poured = r.flag("melted_and_poured")
    elif r.has("processes"):
        procs = r.data["processes"]
        if not isinstance(procs, dict):
            raise InputError(
                "expected a mapping of process to country", field=r.at("processes"), source=source
            )
        inputs = [
            validate(c, min_digits=4, field=f"{r.at('foreign_inputs')}[{i}]", source=source)
            for i, c in enumerate(r.items("foreign_inputs"))
        ]
        poured, _ = melted_and_poured({str(k): str(v) for k, v in procs.items()}, inputs)
    return Purchase(
        hs=hs,
        value=value,
        originating=origin == "originating",
        kind=r.choice("kind", KINDS, "direct"),
        use=r.choice("use", USES, "vehicles"),
        melted_and_poured=poured,
        field=field,
    )


def parse_purchases(raw: Any, *, metal: str, field: str, source: str | None) -> Purchases:
    r = Reader(
        raw,
        field,
        source,
        {
            "originating_purchases",
            "total_purchases",
            "purchases",
            "period",
            "basis",
            "estimate",
            "melted_and_poured",
        },
    )
    lines = tuple(
        _line(x, f"{r.at('purchases')}[{i}]", source, metal) for i, x in enumerate(r.items("purchases"))
    )
    if lines and (r.has("originating_purchases") or r.has("total_purchases")):
        raise InputError(
            "give either purchases (lines) or the two totals, not both", field=field, source=source
        )
    originating = total = None
    if not lines:
        originating = r.amount("originating_purchases")
        total = r.amount("total_purchases")
        if total == ZERO:
            raise InputError(
                "expected total purchases greater than 0", field=r.at("total_purchases"), source=source
            )
        if originating > total:
            raise InputError(
                f"originating purchases ({originating}) exceed the total ({total})",
                field=r.at("originating_purchases"),
                source=source,
            )
    return Purchases(
        metal=metal,
        originating=originating,
        total=total,
        melted_and_poured_totals=r.flag("melted_and_poured") if r.has("melted_and_poured") else None,
        lines=lines,
        period=r.choice("period", PERIODS, "previous_fiscal_year"),
        basis=r.choice("basis", BASES, "all_vehicles"),
        estimate=r.flag("estimate"),
        field=field,
    )


def assess_purchases(p: Purchases, *, params: ParameterSnapshot) -> Requirement:
    """One of the two 70 % tests: ``originating / total * 100 >= threshold``."""
    limit = params[f"usmca.automotive.{p.metal}_purchase_share"]
    threshold = limit.decimal
    pour_rule = params["usmca.automotive.steel_melted_and_poured"]
    must_pour = p.metal == "steel" and bool(pour_rule.value)
    steps: list[Step] = []
    questions: list[Question] = []
    excluded = ZERO
    if p.lines:
        originating = total = ZERO
        for line in p.lines:
            if line.use != "vehicles":
                excluded += line.value
                continue
            total += line.value
            counts = line.originating
            if must_pour and counts and line.melted_and_poured is not True:
                counts = False
                if line.melted_and_poured is None:
                    questions.append(
                        Question(
                            f"{line.field}.melted_and_poured",
                            f"Was the steel of {line.field} ({hs_format(line.hs)}) melted and poured in the "
                            "USMCA region? From 1 July 2027 it is originating only if so (UR s.17(5)(b)).",
                            impact=line.value,
                        )
                    )
            if counts:
                originating += line.value
        if total == ZERO:
            raise InputError(f"no Table S {p.metal} purchase for producing vehicles", field=p.field)
    else:
        assert p.originating is not None and p.total is not None
        originating, total = p.originating, p.total
        if must_pour and p.melted_and_poured_totals is not True:
            questions.append(
                Question(
                    f"{p.field}.melted_and_poured",
                    "Do the originating steel purchases count only steel melted and poured in the USMCA "
                    "region? Required from 1 July 2027 (UR s.17(5)(b)); say melted_and_poured: true.",
                    impact=originating,
                )
            )
    if must_pour:
        steps.append(
            Step(
                f"{p.metal}.melted_and_poured",
                "steel is originating only if melted and poured in the region",
                pour_rule.cite(),
            )
        )
    value = percent(originating, total)
    passed = value >= threshold and not (must_pour and not p.lines and p.melted_and_poured_totals is not True)
    steps.append(
        Step(
            p.metal,
            f"originating Table S {p.metal} {originating} of {total} = {value:.4f} % "
            f"{'>=' if value >= threshold else '<'} {threshold} % ({p.period.replace('_', ' ')})",
            join_refs(REF, limit.cite()),
            passed,
        )
    )
    if p.estimate:
        questions.append(
            Question(
                f"{p.metal}.true_up",
                f"The {p.metal} figures are estimates: reconcile them with actual purchases at the end "
                "of the period (UR s.17(8), (11)).",
            )
        )
    details: dict[str, Any] = {
        "originating_purchases": originating,
        "total_purchases": total,
        "excluded_purchases": excluded,
        "period": p.period,
        "basis": p.basis,
        "estimate": p.estimate,
        "melted_and_poured_required": must_pour,
    }
    return Requirement(
        p.metal,
        value,
        threshold,
        passed,
        join_refs(REF, limit.cite()),
        details,
        tuple(steps),
        tuple(questions),
    )
