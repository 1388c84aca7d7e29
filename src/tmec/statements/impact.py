"""What a withdrawn or expired statement does to the certifications of origin that relied on it.

A certification whose worksheet cites the statement is qualified again from its own case,
without that statement (and with every other statement the store holds in force that day).
Still originating: **amend** it (its stated basis is gone; the amendment cites what holds
now).  No longer originating: **revoke** it.  A good certified from a portfolio (its worksheet
holds its materials summed by class, not the parts) is to **review**: its portfolio is qualified
again without the statement (``--bom``), then it is amended or revoked.  Never left silently valid.

Which certifications a lapse reaches, and on which day they are qualified again:

* a **withdrawal** is retroactive (the supplier says the statement was wrong): every live
  certification citing it, qualified again on its case's date;
* an **expiry** is not: a certification is reached when what it covers goes past the
  statement's last day (a blanket period ending later; a single shipment, when its good was
  qualified on a later date),
  and it is qualified again on the first day without the statement, with the statements in
  force that day (a renewal already recorded makes it an amendment, not a revocation).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tmec.core.errors import InputError
from tmec.origin import parse_case
from tmec.statements.determine import qualify_with_statements
from tmec.statements.model import Statement

__all__ = ["LiveCertificate", "certificate_actions", "cited", "lapsed_actions"]

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class LiveCertificate:
    """A certification not revoked nor amended, its worksheet, and the last day it covers."""

    id: str
    worksheet: Mapping[str, Any]
    covers_to: dt.date  # a blanket period's end; for a single shipment, its case's date


def cited(worksheet: Mapping[str, Any]) -> set[str]:
    """The statement ids a certification's worksheet says its determination relied on."""
    det = worksheet.get("determination") or {}
    return {str(s.get("id")) for s in det.get("statements") or () if isinstance(s, Mapping)}


def _action(
    cert_id: str,
    sheet: Mapping[str, Any],
    hit: list[str],
    keep: Sequence[Statement],
    day: dt.date | None,
    how: str,
) -> dict[str, Any]:
    """Qualify the certification's case again without ``hit`` (on ``day``, default its date)."""
    entry: dict[str, Any] = {"certificate_id": cert_id, "statements": hit, "case_id": sheet.get("case_id")}
    if day is not None:
        entry["requalified_on"] = day.isoformat()
    gone = ", ".join(hit)
    source = (sheet.get("case") or {}).get("source")
    if isinstance(source, Mapping) and source.get("portfolio"):
        # A portfolio's good: its worksheet keeps its materials summed by class, with the
        # statement's answer already in the sums; only its portfolio can be qualified without it.
        bom = source["portfolio"]
        entry.update(
            action="review",
            originating=None,
            why=f"good {source.get('good_id')} of the portfolio {bom} relied on {gone} ({how}): qualify "
            f"the portfolio again without it (`--bom {bom}` lists the goods that lose their origin), "
            "then amend or revoke it",
        )
        return entry
    try:
        case = parse_case(sheet.get("case"), source=f"worksheet of {cert_id}")
        det, _ = qualify_with_statements(case, keep, date=day, what_if=False)
    except InputError as exc:
        entry.update(action="revoke", originating=None, why=f"its case can no longer be qualified: {exc}")
        return entry
    entry["originating"] = det.originating
    if det.originating:
        entry["action"] = "amend"
        entry["why"] = (
            f"still originating without {gone} ({how}; criterion {det.criterion}); "
            "amend it to cite the facts that hold now"
        )
    else:
        entry["action"] = "revoke"
        entry["why"] = f"not originating without {gone} ({how}): revoke it and inform its recipients"
    return entry


def certificate_actions(
    certificates: Iterable[tuple[str, Mapping[str, Any]]],
    gone: Iterable[str],
    statements: Sequence[Statement],
) -> list[dict[str, Any]]:
    """For each certification citing a statement of ``gone`` (withdrawn): amend or revoke, and why."""
    gone = set(gone)
    keep = [st for st in statements if st.id not in gone]
    out = []
    for cert_id, sheet in certificates:
        hit = sorted(cited(sheet) & gone)
        if hit:
            out.append(_action(cert_id, sheet, hit, keep, None, "withdrawn"))
    return out


def lapsed_actions(
    certificates: Iterable[LiveCertificate],
    statements: Sequence[Statement],
    today: dt.date,
    *,
    decide: bool = True,
) -> list[dict[str, Any]]:
    """Every live certification that cites a statement withdrawn or expired by ``today`` (as the
    module says which), with the action to take.  Listed as long as it is not amended or revoked.
    ``decide=False``: which certifications and statements only (a warning needs no qualification)."""
    by_id = {st.id: st for st in statements}
    out = []
    for cert in certificates:
        withdrawn, expired = [], []
        for sid in sorted(cited(cert.worksheet)):
            st = by_id.get(sid)
            if st is None:
                continue
            status = st.status(today)
            if status == "withdrawn":
                withdrawn.append(st)
            elif status == "expired" and cert.covers_to > st.valid_to:
                expired.append(st)
        if not withdrawn and not expired:
            continue
        hit = [st.id for st in (*withdrawn, *expired)]
        if not decide:
            out.append(
                {"certificate_id": cert.id, "statements": hit, "case_id": cert.worksheet.get("case_id")}
            )
            continue
        if withdrawn:  # retroactive: the case's own date
            day, how = None, "withdrawn" if not expired else "withdrawn or expired"
        else:
            last = min(st.valid_to for st in expired)
            day, how = last + ONE_DAY, f"expired: valid to {last}"
        keep = [st for st in statements if st.id not in hit]
        entry = _action(cert.id, cert.worksheet, hit, keep, day, how)
        entry["covers_to"] = cert.covers_to.isoformat()
        out.append(entry)
    return out
