"""A determination that relies on the supplier statements in force: the case with them applied,
qualified by :func:`tmec.origin.qualify`, its explanation citing each statement first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from tmec.origin import Case, Determination, qualify
from tmec.statements.apply import Applied, apply_to_case
from tmec.statements.model import Statement

__all__ = ["qualify_with_statements"]


def qualify_with_statements(
    case: Case,
    statements: Sequence[Statement],
    *,
    date: dt.date | None = None,
    method: str | None = None,
    what_if: bool = True,
) -> tuple[Determination, Applied]:
    """Qualify ``case`` on ``date`` (default: its date) with the statements in force that day."""
    applied = apply_to_case(case, statements, date or case.date)
    det = qualify(applied.case, date=date, method=method, what_if=what_if)
    if applied.uses:
        det.explanation[:0] = applied.steps
        det.statements = [u.to_dict() for u in applied.uses]
    return det, applied
