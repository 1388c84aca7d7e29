"""The duty slots of exposure's pricing pass (:mod:`tmec.engine.duty_slots`): only a class's distinct
duty lines that owe something take a slot, wide classes are priced in parts, and every measure's
duty, lines and base are still the single-entry path's."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb
from tests.engine.test_engine_exposure import by_hand

from tmec.engine import Engine, generate_entries
from tmec.engine.duty_slots import number_slots
from tmec.engine.exposure import price_exposure
from tmec.engine.pricing_keys import RULES
from tmec.tariffs import default_tables

V, STEEL, US = RULES.index("value"), RULES.index("steel_value"), RULES.index("us_content")


def _classes(conn: duckdb.DuckDBPyConnection, classes: dict[int, list[tuple[str, int]]]) -> None:
    conn.execute(
        "CREATE TABLE xp_class (class_id INTEGER, chapter VARCHAR, origin VARCHAR, "
        "seqs STRUCT(program VARCHAR, measure_id VARCHAR, measure VARCHAR, rate DECIMAL(12,6), "
        "rule_id INTEGER, places INTEGER)[])"
    )
    for cid, seqs in classes.items():
        rows = [
            {
                "program": "p",
                "measure_id": f"m{i}",
                "measure": "t",
                "rate": Decimal(r),
                "rule_id": rule,
                "places": 2,
            }
            for i, (r, rule) in enumerate(seqs)
        ]
        conn.execute("INSERT INTO xp_class VALUES (?, '72', 'CN', ?)", (cid, rows))


def test_only_distinct_duty_lines_that_owe_something_take_a_slot() -> None:
    conn = duckdb.connect()
    _classes(
        conn,
        {
            # 0 % on the value, 25 % twice, 50 % on the steel, 0 % on the U.S. content, 10 %
            1: [("0", V), ("25", V), ("50", STEEL), ("25", V), ("0", US), ("10", V)],
            2: [("0", V)],  # owes nothing: no slot, one part
            3: [("1", V), ("2", V), ("3", V), ("4", V), ("5", V)],  # five duties: three parts of two
        },
    )
    assert number_slots(conn) == 2
    where = {
        (c, s): (p, k)
        for c, s, p, k in conn.execute("SELECT class_id, seq, part, slot FROM xp_seqmap").fetchall()
    }
    # the lines not on the value each in slot 0 of a part of their own, those on the value after
    assert [where[1, s] for s in range(6)] == [(None, None), (0, 1), (0, 0), (0, 1), (1, 0), (1, 1)]
    assert where[2, 0] == (None, None)
    assert [where[3, s] for s in range(5)] == [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0)]
    parts = conn.execute(
        "SELECT class_id, part, rate_0, rule_0, rate_1, rule_1 FROM xp_parts ORDER BY part_id"
    ).fetchall()
    d = Decimal
    assert parts == [
        (1, 0, d(50), STEEL, d(25), V),
        (1, 1, d(0), US, d(10), V),
        (2, 0, None, V, None, V),  # an empty slot reads as on the value, at no rate
        (3, 0, d(1), V, d(2), V),
        (3, 1, d(3), V, d(4), V),
        (3, 2, d(5), V, None, V),
    ]


def test_every_measure_totals_the_single_entry_path(duck: Engine, tmp_path: Path) -> None:
    """Each measure's duty, duty lines and base, summed by the engine from the slots its classes'
    duty lines share, split into parts (more than two duties: the metals and their derivatives,
    the reciprocal and IEEPA duties on top), equal those of every line priced one by one."""
    entries = tmp_path / "entries.csv"
    generate_entries(entries, lines=1200, seed=18, year=2025)
    x = price_exposure(duck, entries)
    want: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0), Decimal(0)])
    widest = 0
    for lines in by_hand(entries, default_tables()).values():
        owing = {(m, b and d / b) for m, b, d in lines if d}
        widest = max(widest, len(owing))
        for m, b, d in lines:
            want[m][0] += d
            want[m][1] += 1
            want[m][2] += b
    assert widest > 2  # some lines owe more duties than a part has slots
    assert any(duty == 0 and lines for duty, lines, _ in want.values())  # and some owe 0 % on the value
    got: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0), Decimal(0)])
    for r in x.by["measure"]:  # a measure under several titles (its programs) has a row for each
        for i, k in enumerate(("duty", "duty_lines", "base")):
            got[r["measure_id"]][i] += Decimal(r[k])
    assert got == dict(want)
