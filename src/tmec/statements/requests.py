"""What to ask of whom: the statements whose answer would settle the most, first.

From the determinations themselves: every material of unknown origin the qualification asks
about (``origin of material X``) is a request for an origin statement from its supplier; every
non-originating material made in the territory it asks about is a request for an accumulation
statement (UR s.9); every statement a determination relies on that expires within the window
is a renewal.  For each (supplier, part, kind):

* ``goods``: the goods whose outcome the answer could change (a good that would qualify on
  an originating answer; for a renewal, a good that would stop qualifying without it);
* ``value_at_stake``: the value of those goods (their transaction value, per unit), or, when
  the answer alone changes no outcome, the material's value it would move;
* ``certificates``: the certifications of origin that rely on the statement (renewals);
* ``priority``: 1 for the answer that settles the most goods, then the most value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from typing import Any

from tmec.origin import Case, Material
from tmec.origin.questions import FLIPS
from tmec.statements.determine import qualify_with_statements
from tmec.statements.impact import cited
from tmec.statements.model import Statement, supplier_key

__all__ = ["Request", "case_requests", "rank"]

ZERO = Decimal(0)


@dataclass
class Request:
    supplier: str | None  # None: the BOM names no supplier for the part
    part: str
    kind: str  # origin | accumulation | renewal
    hs: str | None = None
    description: str | None = None
    goods: list[str] = field(default_factory=list)
    value_at_stake: Decimal = ZERO
    material_value: Decimal = ZERO
    certificates: list[str] = field(default_factory=list)
    statement: str | None = None  # the statement to renew
    expires: dt.date | None = None
    priority: int = 0

    @property
    def key(self) -> tuple[str, str, str]:
        return (supplier_key(self.supplier or ""), self.part, self.kind)

    def merge(self, other: Request) -> None:
        self.goods.extend(g for g in other.goods if g not in self.goods)
        self.value_at_stake += other.value_at_stake
        self.material_value += other.material_value
        self.certificates.extend(c for c in other.certificates if c not in self.certificates)

    def to_dict(self) -> dict[str, Any]:
        return {
            "priority": self.priority,
            "supplier": self.supplier,
            "part": self.part,
            "kind": self.kind,
            "hs": self.hs,
            "description": self.description,
            "goods": self.goods,
            "value_at_stake": str(self.value_at_stake),
            "material_value": str(self.material_value),
            "certificates": self.certificates,
            "statement": self.statement,
            "expires": None if self.expires is None else self.expires.isoformat(),
        }


def rank(requests: Iterable[Request]) -> list[Request]:
    """Merge requests for the same (supplier, part, kind) and order them most settling first."""
    merged: dict[tuple[str, str, str], Request] = {}
    for r in requests:
        key = r.key  # a supplier's key is worked out once per request, not at every look-up
        if key in merged:
            merged[key].merge(r)
        else:
            merged[key] = r
    # Most goods, then most value at stake, then most material value first; ties in the order of
    # (supplier, part, kind): two stable sorts, rather than one on keys that negate every amount.
    order = sorted(merged.items(), key=itemgetter(0))
    order.sort(key=lambda kr: (len(kr[1].goods), kr[1].value_at_stake, kr[1].material_value), reverse=True)
    out = [r for _, r in order]
    for n, r in enumerate(out, start=1):
        r.priority = n
    return out


def _materials(ms: Iterable[Material]) -> Iterator[Material]:
    for m in ms:
        yield m
        yield from _materials(m.materials)


def _good_value(case: Case) -> Decimal:
    if case.valuation is not None:
        return case.valuation.adjusted
    return sum((m.value for m in case.materials), ZERO)


def case_requests(
    cases: Sequence[Case],
    statements: Sequence[Statement],
    *,
    day: dt.date | None = None,
    within: dt.timedelta = dt.timedelta(days=60),
    certificates: Sequence[tuple[str, Mapping[str, Any]]] = (),
) -> list[Request]:
    """The requests that the determinations of ``cases`` (on ``day``, default each case's date) raise."""
    out: list[Request] = []
    for case in cases:
        when = day or case.date
        good = case.id or case.source or "good"
        det, applied = qualify_with_statements(case, statements, date=when)
        mats = {m.id: m for m in _materials(applied.case.materials)}
        for q in det.questions:
            m = mats.get(q.material or "")
            if m is None:
                continue
            if q.fact.startswith("origin of material"):
                kind = "origin"
            elif q.fact.startswith("accumulation statement"):
                kind = "accumulation"
            else:
                continue
            flips = q.impact is not None and q.impact >= FLIPS
            out.append(
                Request(
                    m.supplier,
                    m.id,
                    kind,
                    m.hs,
                    m.description,
                    goods=[good] if flips else [],
                    value_at_stake=_good_value(case) if flips else ZERO,
                    material_value=m.value,
                )
            )
        for use in applied.uses:
            st = use.statement
            if st.valid_to - when > within:
                continue
            others = [s for s in statements if s.id != st.id]
            without, _ = qualify_with_statements(case, others, date=when, what_if=False)
            lost = det.originating and not without.originating
            m = mats[use.material]
            out.append(
                Request(
                    st.supplier,
                    use.material,
                    "renewal",
                    st.hs or m.hs,
                    st.description or m.description,
                    goods=[good] if lost else [],
                    value_at_stake=_good_value(case) if lost else ZERO,
                    material_value=m.value,
                    certificates=[c for c, sheet in certificates if st.id in cited(sheet)],
                    statement=st.id,
                    expires=st.valid_to,
                )
            )
    return rank(out)
