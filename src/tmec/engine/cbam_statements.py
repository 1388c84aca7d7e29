"""Emissions declarations to import lines: which supplier's declaration each line of the year takes.

A declaration has a validity period and each import line its own date, so the lines are joined,
in DuckDB, to a small table of the declarations in force: per supplier (case and spaces aside)
and CN code, the days between the dates where the answer can change (a period starts, ends, a
withdrawal takes effect), each with the declaration :func:`tmec.statements.emissions.declaration_for`
gives on its first day — the single calculation's lookup, not a copy of it.  A line with its own
actual data (``installation``) keeps it: given data wins over the store.  The engine then prices
each (CN, origin, declaration) as its own data set, as it does an installation's ``--actual`` file.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from pathlib import Path

from tmec.core.errors import InputError
from tmec.engine.bom_tables import _drop
from tmec.engine.session import Engine
from tmec.statements.emissions import declaration_for
from tmec.statements.model import Statement, supplier_key

__all__ = ["resolve_declarations"]

DAY = dt.timedelta(days=1)


def _spans(group: Sequence[Statement]) -> list[tuple[dt.date, dt.date]]:
    """The days between the dates where the declaration in force can change, as [first, last]."""
    cuts: set[dt.date] = set()
    for st in group:
        cuts |= {st.valid_from, st.valid_to + DAY}
        if st.withdrawn_on is not None:
            cuts.add(st.withdrawn_on)
    ordered = sorted(cuts)
    return [(a, b - DAY) for a, b in itertools.pairwise(ordered)]


def resolve_declarations(e: Engine, path: Path, statements: Sequence[Statement]) -> dict[str, Statement]:
    """Fill ``cbam_lines.statement`` (NULL as loaded) with the id of the declaration each line
    takes; return the declarations taken, by id."""
    conn = e.conn
    names = [
        str(r[0])
        for r in conn.execute(
            "SELECT DISTINCT supplier FROM cbam_lines WHERE supplier IS NOT NULL AND installation IS NULL"
        ).fetchall()
    ]
    if not names or not statements:
        return {}
    keys = {n: supplier_key(n) for n in names}
    wanted = set(keys.values())
    groups: dict[tuple[str, str], list[Statement]] = {}
    for st in statements:
        if st.kind == "emissions" and st.emissions is not None and st.supplier_key in wanted:
            groups.setdefault((st.supplier_key, st.emissions.cn), []).append(st)
    _drop(conn, "cbam_suppliers")
    _drop(conn, "cbam_in_force")
    conn.execute("CREATE TABLE cbam_suppliers (supplier VARCHAR, skey VARCHAR)")
    conn.executemany("INSERT INTO cbam_suppliers VALUES (?, ?)", list(keys.items()))
    conn.execute(
        "CREATE TABLE cbam_in_force (skey VARCHAR, cn VARCHAR, first DATE, last DATE, statement VARCHAR)"
    )
    used: dict[str, Statement] = {}
    rows: list[tuple[str, str, dt.date, dt.date, str]] = []
    for (who, cn), group in sorted(groups.items()):
        for first, last in _spans(group):
            try:
                found = declaration_for(group, group[0].supplier, cn, first)
            except InputError:
                line = _first_line(e, who, cn, first, last)
                if line is None:
                    continue  # no line of the file falls in the ambiguous days
                places = sorted(
                    {st.emissions.installation for st in group if st.emissions and st.in_force(first)}
                )
                raise InputError(
                    f"{group[0].supplier} has emissions declarations for CN {cn} in force from "
                    f"installations {', '.join(places)}: give the line its installation and that "
                    "installation's data with --actual (or --no-statements)",
                    source=str(path),
                    line=line,
                    field="supplier",
                ) from None
            if found is not None:
                rows.append((who, cn, first, last, found.id))
                used[found.id] = found
    if rows:
        conn.executemany("INSERT INTO cbam_in_force VALUES (?, ?, ?, ?, ?)", rows)
        conn.execute(
            "UPDATE cbam_lines SET statement = f.statement FROM cbam_in_force f, cbam_suppliers s "
            "WHERE cbam_lines.supplier = s.supplier AND cbam_lines.installation IS NULL "
            "AND cbam_lines.cn = f.cn AND s.skey = f.skey "
            "AND cbam_lines.import_date BETWEEN f.first AND f.last"
        )
    _drop(conn, "cbam_in_force")
    _drop(conn, "cbam_suppliers")
    return used


def _first_line(e: Engine, who: str, cn: str, first: dt.date, last: dt.date) -> int | None:
    row = e.conn.execute(
        "SELECT min(l.src_line) FROM cbam_lines l JOIN cbam_suppliers s ON l.supplier = s.supplier "
        "WHERE l.installation IS NULL AND s.skey = ? AND l.cn = ? AND l.import_date BETWEEN ? AND ?",
        [who, cn, first, last],
    ).fetchall()
    return None if row[0][0] is None else int(row[0][0])
