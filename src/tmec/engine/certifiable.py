"""A portfolio's qualifying goods as certification sees them: each good's case and determination.

``tmec certify --portfolio BOM_DIR`` certifies the goods of a bill-of-materials directory that
qualify on a date — each alone, or all under one blanket certification.  Each good is decided
again by the single-good path from the portfolio's roll-up, exactly as
:func:`tmec.engine.portfolio.qualify_goods` decides it (its materials summed by class: the same
sums, the same outcome), and its worksheet records those sums: the good's roll-up row and its
lines by class, with the directory they come from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from tmec.certify.certificate import Good
from tmec.core.errors import InputError
from tmec.engine.compact import compact_case, quiet_lines
from tmec.engine.portfolio import Portfolio, PortfolioResult
from tmec.engine.statements_join import statements_by_good
from tmec.origin import qualify as qualify_case
from tmec.origin.rules import Rule
from tmec.statements.apply import Use
from tmec.statements.model import Statement

__all__ = ["PortfolioGoods", "certifiable_goods"]


@dataclass(frozen=True)
class PortfolioGoods:
    """The goods to certify (in good id order) and those left out, with why."""

    goods: list[Good]
    left_out: list[tuple[str, str]]  # (good id, reason)


def certifiable_goods(
    p: Portfolio,
    result: PortfolioResult,
    *,
    method: str | None = None,
    statements: Sequence[Statement] = (),
) -> PortfolioGoods:
    """``statements``: those the portfolio was loaded with; each good's determination cites the
    ones applied to a part of its bill of materials (as the single-good path cites them)."""
    goods: list[Good] = []
    left_out: list[tuple[str, str]] = []
    relied = _relied_on(p, result, statements)
    for r in sorted(result.goods, key=lambda g: g.good_id):
        if not r.originating:
            left_out.append((r.good_id, r.error or "not originating"))
            continue
        inputs = p.inputs[r.good_id]
        rule = p.good_rules[str(inputs.head["hs"])]
        assert isinstance(rule, Rule)  # a good without a rule is an error, never originating
        lines = [*inputs.lines, *(quiet_lines(inputs.head, inputs.lines, p.lumped[0]) if p.lumped else ())]
        case = compact_case(inputs.head, rule, lines, p.day)
        det = qualify_case(case, method=method, what_if=False)
        if not det.originating:  # the bulk decision and the single-good path must agree
            left_out.append((r.good_id, "not originating on the single-good path"))
            continue
        uses = relied.get(r.good_id, [])
        if uses:  # the facts behind its sums: a withdrawal or expiry finds the certificate
            det.explanation[:0] = [u.step() for u in uses]
            det.statements = [u.to_dict() for u in uses]
        raw: dict[str, Any] = {
            "id": r.good_id,
            "date": p.day,
            "source": {"portfolio": str(p.directory), "good_id": r.good_id},
            "good": {"description": inputs.head.get("description"), "hs": inputs.head["hs"]},
            "roll_up": dict(inputs.head),
            "materials_by_class": [dict(line) for line in lines],
        }
        goods.append(Good(replace(case, raw=raw), det, None))
    unnamed = [g.case.id for g in goods if not g.case.good.description]
    if unnamed:
        shown = ", ".join(str(i) for i in unnamed[:5]) + (", ..." if len(unnamed) > 5 else "")
        raise InputError(
            f"{len(unnamed)} qualifying good(s) have no description, which a certification requires "
            f"(Annex 5-A element 6(a)): {shown}",
            source=str(p.directory / "goods"),
            field="description",
        )
    return PortfolioGoods(goods, left_out)


def _relied_on(
    p: Portfolio, result: PortfolioResult, statements: Sequence[Statement]
) -> dict[str, list[Use]]:
    """The statements applied to a part in each originating good's bill of materials."""
    if not statements or not p.statement_uses:
        return {}
    by_id = {st.id: st for st in statements}
    wanted = [r.good_id for r in result.goods if r.originating]
    return {
        good: [Use(part, "parts", by_id[sid]) for part, sid in found]
        for good, found in statements_by_good(p.engine.conn, wanted).items()
    }
