"""What to ask of whom for a whole portfolio: per supplier and part, most settling first.

The portfolio is qualified once with the statements in force (:mod:`.statements_join`).
Then, in DuckDB:

* **origin requests**: every bought part still of unknown origin that a failing good uses.
  An originating answer can only help, so the goods whose outcome it could change are the
  failing goods that contain it; they are found by exploding the failing goods' bills of
  materials level by level as sets of (good, part) numbers, following only the edges that lead
  down to a part of unknown origin, never the whole portfolio's; the units of each part the
  failing goods take come from one amount per part and level (quantities multiplied on the way,
  DECIMAL(38,12)), not per good.
  ``value_at_stake`` is those goods' transaction value, ``material_value`` the part's value
  in them (value x quantity).
* **renewals**: every statement the portfolio relies on that expires within the window.  The
  goods that would lose their origin without it are found by where-used re-qualification
  (:func:`tmec.engine.requalify` with the part back to unknown origin, then restored).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa

from tmec.core.errors import InputError
from tmec.engine.portfolio import Portfolio, load_portfolio, qualify_goods
from tmec.engine.session import Engine
from tmec.engine.whereused import Change, requalify
from tmec.statements.impact import cited
from tmec.statements.model import Statement
from tmec.statements.requests import Request, rank

__all__ = ["goods_lost_without", "portfolio_requests", "withdrawal_requalify"]

MAX_DEPTH = 32
QTY = "DECIMAL(38,12)"


def portfolio_requests(
    e: Engine,
    directory: Path,
    day: dt.date,
    statements: Sequence[Statement],
    *,
    within: dt.timedelta = dt.timedelta(days=60),
    certificates: Sequence[tuple[str, Mapping[str, Any]]] = (),
) -> list[Request]:
    p = load_portfolio(e, directory, day, statements=statements)
    result = qualify_goods(p, flips=0)
    failing = [g.good_id for g in result.failing]
    out = _origin_requests(e, failing)
    by_id = {st.id: st for st in statements}
    due = sorted(
        {sid for sid in p.statement_uses.values() if by_id[sid].valid_to - day <= within},
        key=lambda sid: (by_id[sid].valid_to, sid),
    )
    if due:
        out.extend(_renewals(p, [by_id[sid] for sid in due], certificates))
    return rank(out)


def goods_lost_without(p: Portfolio, st: Statement, parts: Sequence[str], *, restore: bool) -> set[str]:
    """The goods that stop qualifying when ``st`` no longer settles ``parts`` (where-used only).

    An accumulation statement's VNM cannot be taken back by a :class:`Change` (None means "as
    it was"), so only origin statements are followed.
    """
    before = {g: r.originating for g, r in p.results.items()}
    lost: set[str] = set()
    for part in parts if st.kind == "origin" else ():
        again = requalify(p, [Change(part, origin="unknown")])
        lost.update(g.good_id for g in again.goods if before.get(g.good_id) and not g.originating)
        if restore:
            requalify(p, [Change(part, origin=st.origin)])
    return lost


def withdrawal_requalify(
    e: Engine, directory: Path, day: dt.date, statements: Sequence[Statement], gone: Statement
) -> tuple[list[str], list[str]]:
    """Qualify the portfolio with ``gone`` still in force, then re-qualify where it was used without
    it: (the parts it settled, the goods that lose their origin)."""
    p = load_portfolio(e, directory, day, statements=[*statements, gone])
    qualify_goods(p, flips=0)
    parts = sorted(part for part, sid in p.statement_uses.items() if sid == gone.id)
    return parts, sorted(goods_lost_without(p, gone, parts, restore=False))


def _origin_requests(e: Engine, failing: list[str]) -> list[Request]:
    if not failing:
        return []
    conn = e.conn
    conn.register("rq_failing", pa.table({"good": failing}))
    try:
        conn.execute(
            "CREATE OR REPLACE TEMP TABLE rq_unknown AS SELECT part_id, supplier, hs, description, value "
            "FROM parts WHERE origin = 'unknown' AND part_id NOT IN (SELECT parent FROM edges)"
        )
        # Only what leads down to a part of unknown origin is followed: the parts above them (one
        # recursive query) and the edges into those; everything else would multiply the pairs.
        conn.execute(
            "CREATE OR REPLACE TEMP TABLE rq_up AS WITH RECURSIVE up(node) AS ("
            "SELECT part_id FROM rq_unknown UNION SELECT e.parent FROM edges e JOIN up ON e.child = up.node"
            ") SELECT DISTINCT node FROM up"
        )
        conn.execute(
            "CREATE OR REPLACE TEMP TABLE rq_edges AS SELECT e.parent, e.child, e.quantity FROM edges e "
            "SEMI JOIN rq_up u ON u.node = e.child"
        )
        # Parts by number: the explosion joins and deduplicates integers, not text.
        conn.execute(
            "CREATE OR REPLACE TEMP TABLE rq_ids AS SELECT node, row_number() OVER () :: INTEGER AS n, "
            "node IN (SELECT part_id FROM rq_unknown) AS unknown "
            "FROM (SELECT node FROM rq_up UNION SELECT good FROM rq_failing)"
        )
        conn.execute(
            "CREATE OR REPLACE TEMP TABLE rq_e AS SELECT p.n AS p, c.n AS c, c.unknown, e.quantity "
            "FROM rq_edges e JOIN rq_ids p ON p.node = e.parent JOIN rq_ids c ON c.node = e.child"
        )
        # Which failing goods reach which part (sets: pairs, deduplicated level by level) ...
        conn.execute(
            "CREATE OR REPLACE TEMP TABLE rq_front AS SELECT i.n AS g, i.n AS n "
            "FROM rq_failing f JOIN rq_ids i ON i.node = f.good"
        )
        conn.execute("CREATE OR REPLACE TEMP TABLE rq_hit (g INTEGER, part INTEGER)")
        # ... and how many units of it they take in all (one amount per part, paths multiplied).
        conn.execute(
            f"CREATE OR REPLACE TEMP TABLE rq_demand_front AS SELECT n, CAST(1 AS {QTY}) AS qty FROM rq_front"
        )
        conn.execute(f"CREATE OR REPLACE TEMP TABLE rq_demand (part INTEGER, qty {QTY})")
        for _ in range(MAX_DEPTH):
            conn.execute(
                "CREATE OR REPLACE TEMP TABLE rq_next AS SELECT DISTINCT f.g, e.c AS n, e.unknown "
                "FROM rq_front f JOIN rq_e e ON e.p = f.n"
            )
            conn.execute("INSERT INTO rq_hit SELECT g, n FROM rq_next WHERE unknown")
            conn.execute(
                "CREATE OR REPLACE TEMP TABLE rq_front AS SELECT g, n FROM rq_next WHERE NOT unknown"
            )
            conn.execute(
                "CREATE OR REPLACE TEMP TABLE rq_demand_next AS "
                f"SELECT e.c AS n, e.unknown, CAST(SUM(f.qty * e.quantity) AS {QTY}) AS qty "
                "FROM rq_demand_front f JOIN rq_e e ON e.p = f.n GROUP BY e.c, e.unknown"
            )
            conn.execute("INSERT INTO rq_demand SELECT n, qty FROM rq_demand_next WHERE unknown")
            conn.execute(
                "CREATE OR REPLACE TEMP TABLE rq_demand_front AS "
                "SELECT n, qty FROM rq_demand_next WHERE NOT unknown"
            )
            if not conn.execute("SELECT count(*) FROM rq_front").fetchall()[0][0]:
                break
        else:
            raise InputError(f"the bill of materials is deeper than {MAX_DEPTH} levels", field="edges")
        rows = conn.execute(
            "WITH h AS (SELECT DISTINCT g, part FROM rq_hit), "
            "d AS (SELECT part, SUM(qty) AS qty FROM rq_demand GROUP BY part), "
            "s AS (SELECT h.part, list(gi.node ORDER BY gi.node) AS goods, "
            "SUM(g.transaction_value) AS at_stake FROM h JOIN rq_ids gi ON gi.n = h.g "
            "JOIN goods g ON g.good_id = gi.node GROUP BY h.part) "
            "SELECT u.part_id, u.supplier, u.hs, u.description, s.goods, CAST(s.at_stake AS VARCHAR), "
            "CAST(d.qty * u.value AS VARCHAR) FROM s JOIN d ON d.part = s.part "
            "JOIN rq_ids pi ON pi.n = s.part JOIN rq_unknown u ON u.part_id = pi.node"
        ).fetchall()
    finally:
        conn.unregister("rq_failing")
    return [
        Request(
            supplier,
            str(part),
            "origin",
            hs,
            description,
            goods=list(goods),
            value_at_stake=Decimal(at_stake),
            material_value=Decimal(material),
        )
        for part, supplier, hs, description, goods, at_stake, material in rows
    ]


def _renewals(
    p: Portfolio, due: list[Statement], certificates: Sequence[tuple[str, Mapping[str, Any]]]
) -> list[Request]:
    parts_of: dict[str, list[str]] = {}
    for part, sid in p.statement_uses.items():
        parts_of.setdefault(sid, []).append(part)
    out = []
    for st in due:
        lost = goods_lost_without(p, st, sorted(parts_of.get(st.id, ())), restore=True)
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
