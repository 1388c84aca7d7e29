"""What a withdrawn or expired statement does to the certifications of origin that relied on it.

A certification whose worksheet cites the statement is qualified again from its own case,
without that statement (and with every other statement the store still holds in force on the
case's date).  Still originating: **amend** it (its stated basis is gone; the amendment
cites what holds now).  No longer originating: **revoke** it.  Never left silently valid.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from tmec.core.errors import InputError
from tmec.origin import parse_case
from tmec.statements.determine import qualify_with_statements
from tmec.statements.model import Statement

__all__ = ["certificate_actions", "cited"]


def cited(worksheet: Mapping[str, Any]) -> set[str]:
    """The statement ids a certification's worksheet says its determination relied on."""
    det = worksheet.get("determination") or {}
    return {str(s.get("id")) for s in det.get("statements") or () if isinstance(s, Mapping)}


def certificate_actions(
    certificates: Iterable[tuple[str, Mapping[str, Any]]],
    gone: Iterable[str],
    statements: Sequence[Statement],
) -> list[dict[str, Any]]:
    """For each certification citing a statement of ``gone``: amend or revoke, and why."""
    gone = set(gone)
    keep = [st for st in statements if st.id not in gone]
    out = []
    for cert_id, sheet in certificates:
        hit = sorted(cited(sheet) & gone)
        if not hit:
            continue
        entry: dict[str, Any] = {
            "certificate_id": cert_id,
            "statements": hit,
            "case_id": sheet.get("case_id"),
        }
        try:
            case = parse_case(sheet.get("case"), source=f"worksheet of {cert_id}")
            det, _ = qualify_with_statements(case, keep, what_if=False)
        except InputError as exc:
            entry.update(action="revoke", originating=None, why=f"its case can no longer be qualified: {exc}")
            out.append(entry)
            continue
        entry["originating"] = det.originating
        if det.originating:
            entry["action"] = "amend"
            entry["why"] = (
                f"still originating without {', '.join(hit)} (criterion {det.criterion}); "
                "amend it to cite the facts that hold now"
            )
        else:
            entry["action"] = "revoke"
            entry["why"] = f"not originating without {', '.join(hit)}: revoke it and inform its recipients"
        out.append(entry)
    return out
