"""What to ask of whom for a whole portfolio: per supplier and part, most settling first.

The portfolio is qualified once with the statements in force (:mod:`.statements_join`).
Then:

* **origin requests** (:mod:`.requests_explode`): every bought part still of unknown origin that
  a failing good uses.  An originating answer can only help, so the goods whose outcome it could
  change are the failing goods that contain it; they are found by exploding the failing goods'
  bills of materials level by level as sets of (good, part) numbers (numpy), following only the
  edges that lead down to a part of unknown origin, never the whole portfolio's; the units of each
  part the failing goods take come from one amount per part and level (DuckDB, quantities
  multiplied on the way, DECIMAL(38,12)), not per good.
  ``value_at_stake`` is those goods' transaction value, ``material_value`` the part's value
  in them (value x quantity).
* **renewals**: every statement the portfolio relies on that expires within the window.  The
  goods that would lose their origin without it are found by where-used re-qualification
  (:func:`tmec.engine.requalify` with the part back to unknown origin, then restored).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tmec.engine.portfolio import Portfolio, load_portfolio, qualify_goods
from tmec.engine.requests_explode import explode, prepare
from tmec.engine.session import Engine
from tmec.engine.statements_join import statement_matches
from tmec.statements.impact import cited
from tmec.statements.model import Statement
from tmec.statements.requests import Request, rank

if TYPE_CHECKING:  # the where-used machinery is imported by the renewals and withdrawals that use it
    from tmec.engine.whereused import Change

__all__ = ["Lapse", "goods_lost_without", "lapse_requalify", "portfolio_requests"]

# A statement's recorded fields (not its withdrawal, nor its cached body)
_RECORD = [f.name for f in fields(Statement) if f.name not in ("withdrawn_on", "withdrawal_reason")
           and not f.name.startswith("_")]  # fmt: skip


def portfolio_requests(
    e: Engine,
    directory: Path,
    day: dt.date,
    statements: Sequence[Statement],
    *,
    within: dt.timedelta = dt.timedelta(days=60),
    certificates: Sequence[tuple[str, Mapping[str, Any]]] = (),
) -> list[Request]:
    with _fewer_collections():
        return _portfolio_requests(e, directory, day, statements, within, certificates)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """The qualification and the explosion make millions of short-lived objects and keep the
    results: the cyclic collector's default pace (a pass every 700 allocations, a full one now and
    then over everything kept) took 0.8 s of CPU at 20,000 goods, 0.2 s at this one."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], 100_000), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _portfolio_requests(
    e: Engine,
    directory: Path,
    day: dt.date,
    statements: Sequence[Statement],
    within: dt.timedelta,
    certificates: Sequence[tuple[str, Mapping[str, Any]]],
) -> list[Request]:
    p = load_portfolio(e, directory, day, statements=statements)
    with e.conn.cursor() as conn, ThreadPoolExecutor(1) as pool:
        # The explosion's preparation (DuckDB, which lets go of the interpreter) runs while the
        # goods are decided (mostly Python): the two take both cores rather than one after the other.
        prepared = pool.submit(prepare, conn, e._sql(p.rollup.values))
        try:
            result = qualify_goods(p, flips=0)
        except BaseException:
            conn.interrupt()
            raise
        out = explode(conn, prepared.result(), [g.good_id for g in result.failing], pool)
    by_id = {st.id: st for st in statements}
    due = sorted(
        {s for _, _, s, _ in statement_matches(e.conn) if statements and by_id[s].valid_to - day <= within},
        key=lambda sid: (by_id[sid].valid_to, sid),
    )
    if due:
        out.extend(_renewals(p, [by_id[sid] for sid in due], certificates))
    return rank(out)


def _reverts(p: Portfolio, gone: Mapping[str, Statement]) -> tuple[list[str], list[Change], list[Change]]:
    """The parts the statements of ``gone`` (by the id the load applied them under) settled, the
    changes that take each back (an origin statement: the part's origin unknown again; an
    accumulation statement: its VNM the part's whole value, as without a statement, UR s.9) and
    those that restore them."""
    from tmec.engine.whereused import Change

    parts: set[str] = set()
    back: dict[str, Change] = {}
    again: dict[str, Change] = {}
    for part, kind, sid, value in statement_matches(p.engine.conn):
        st = gone.get(sid)
        if st is None:
            continue
        parts.add(part)
        was, was_again = back.get(part, Change(part)), again.get(part, Change(part))
        if kind == "origin":
            back[part] = replace(was, origin="unknown")
            again[part] = replace(was_again, origin=st.origin)
        else:
            back[part] = replace(was, statement_vnm=Decimal(value))
            again[part] = replace(was_again, statement_vnm=st.vnm)
    return sorted(parts), [back[k] for k in sorted(back)], [again[k] for k in sorted(again)]


def goods_lost_without(p: Portfolio, st: Statement, *, restore: bool) -> set[str]:
    """The goods that stop qualifying when ``st`` no longer settles the parts it settled (where-used
    re-qualification); with ``restore`` the portfolio is left as it was."""
    from tmec.engine.whereused import requalify

    _, back, again = _reverts(p, {st.id: st})
    if not back:
        return set()
    before = {g: r.originating for g, r in p.results.items()}
    result = requalify(p, back)
    if restore:
        requalify(p, again)
    return {g.good_id for g in result.goods if before.get(g.good_id) and not g.originating}


@dataclass
class Lapse:
    """A portfolio qualified again where lapsed statements were used: the parts they settled, and
    each good re-qualified with its outcome before and after."""

    statements: list[str]
    parts: list[str]
    goods: list[dict[str, Any]] = field(default_factory=list)
    paths: dict[str, int] = field(default_factory=dict)

    @property
    def lost(self) -> list[str]:
        return [g["good_id"] for g in self.goods if g["before"] is True and g["after"] is not True]

    def to_dict(self) -> dict[str, Any]:
        return {
            "statements": self.statements,
            "parts": self.parts,
            "goods_requalified": self.goods,
            "goods_no_longer_originating": self.lost,
            "paths": self.paths,
        }


def lapse_requalify(
    e: Engine, directory: Path, day: dt.date, statements: Sequence[Statement], gone: Sequence[Statement]
) -> Lapse:
    """Qualify the portfolio on ``day`` as it stood with ``gone`` in force (withdrawn or expired
    statements of any kind: origin, accumulation; melt-and-pour and smelt-and-cast ones settle
    nothing a BOM's determination uses), then re-qualify where they were used without them (the
    engine's incremental where-used path)."""
    from tmec.engine.whereused import requalify

    held: dict[str, Statement] = {}  # the id each is applied under -> the statement
    forced = []
    for st in gone:
        still = Statement(**{
            **{f: getattr(st, f) for f in _RECORD},
            "valid_from": min(st.valid_from, day),
            "valid_to": max(st.valid_to, day),
        })  # fmt: skip
        held[still.id] = st
        forced.append(still)
    p = load_portfolio(e, directory, day, statements=[*statements, *forced])
    qualify_goods(p, flips=0)
    parts, back, _ = _reverts(p, held)
    lapse = Lapse(sorted(st.id for st in gone), parts)
    if not back:
        return lapse
    before = dict(p.results)
    result = requalify(p, back)
    lapse.paths = dict(result.paths)
    for g in result.goods:
        was = before.get(g.good_id)
        lapse.goods.append(
            {
                "good_id": g.good_id,
                "before": None if was is None else was.originating,
                "after": g.originating,
                "criterion_before": None if was is None else was.criterion,
                "criterion": g.criterion,
                "error": g.error,
            }
        )
    return lapse


def _renewals(
    p: Portfolio, due: list[Statement], certificates: Sequence[tuple[str, Mapping[str, Any]]]
) -> list[Request]:
    out = []
    for st in due:
        lost = goods_lost_without(p, st, restore=True)
        out.append(
            Request(
                st.supplier,
                st.part or "",
                "renewal",
                st.hs,
                st.description,
                goods=sorted(lost),
                value_at_stake=sum((p.results[g].adjusted_tv or Decimal(0) for g in lost), Decimal(0)),
                certificates=[c for c, sheet in certificates if st.id in cited(sheet)],
                statement=st.id,
                expires=st.valid_to,
            )
        )
    return out
