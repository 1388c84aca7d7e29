"""The duty slots of exposure's pricing pass: which of a class's duty lines each line must price.

Every entry line of a class of keys (``xp_class``: the same duty lines) owes each of the class's
duty lines, each rounded per line.  The pricing pass (:meth:`tmec.engine.line_passes.Passes.priced`)
works out a fixed number of duties per line, one per *slot*, and sums each by class and month;
each slot priced on every line costs a column through the join, a duty and a sum, whether the
line's class uses it or not.  So only what differs takes a slot:

* a duty line on the value at a rate of 0 owes 0 on every line (its lines and base are its class's);
* two duty lines with the same rate, rule and places owe the same duty on every line: they share
  one slot (each is given the sums of the slot they share);
* a class with more such duty lines than :data:`SLOTS` is split into *parts* of :data:`SLOTS`
  slots each, and its lines are priced once per part (the join to ``xp_wide`` gives them one row
  per part); a duty line not on the value always takes slot 0 of a part of its own, so that only
  slot 0 sums the lines and bases of duty lines whose base is not the value.

At 10 M lines (52,000 keys) 38 % of the lines owe nothing but duty lines at 0, 32 % one duty, 12 %
three or more: two slots a line and 13 % more rows cost less than five slots on every line
(BENCHMARKS.md, "exposure: the duty slots").
"""

from __future__ import annotations

from typing import Any

from tmec.engine.pricing_keys import RULES

__all__ = ["SLOTS", "detail_sql", "number_slots"]

SLOTS = 2  # slots per part (measured: 1 makes 46 % more rows, 3 prices a third slot on every row)
VALUE = RULES.index("value")


def number_slots(conn: Any, slots: int = SLOTS) -> int:
    """``xp_seqmap`` (per class and duty line ``seq``: its measure, its class's chapter and origin,
    its ``part`` and ``slot``, NULL for a duty line at 0 on the value) and ``xp_parts`` (per class
    and part: ``part_id`` and each slot's ``rate_{s}``, ``rule_{s}``, ``places_{s}``), from
    ``xp_class``; the slots a part has."""
    conn.execute(
        "CREATE OR REPLACE TABLE xp_seqs AS SELECT class_id, chapter, origin, i - 1 AS seq, "
        "seqs[i].program AS program, seqs[i].measure_id AS measure_id, seqs[i].measure AS measure, "
        "seqs[i].rate AS rate, seqs[i].rule_id AS rule_id, seqs[i].places AS places "
        "FROM (SELECT *, unnest(generate_series(1, len(seqs))) AS i FROM xp_class) c"
    )
    # the distinct duty lines that owe something, numbered in the class's order: those not on the
    # value (a) first, each in a part of its own, then those on the value, in the free slots
    conn.execute(
        f"""CREATE OR REPLACE TABLE xp_pairs AS
        SELECT *, count(*) FILTER (other) OVER (PARTITION BY class_id) AS o
        FROM (SELECT class_id, rate, rule_id, places, rule_id <> {VALUE} AS other,
                     row_number() OVER (PARTITION BY class_id, rule_id <> {VALUE} ORDER BY min(seq)) - 1 AS a
              FROM xp_seqs WHERE rule_id <> {VALUE} OR rate IS DISTINCT FROM 0
              GROUP BY class_id, rate, rule_id, places) p"""
    )
    free = slots - 1  # the slots a part of a line not on the value leaves to lines on the value
    shared = f"o * {free}"
    div = max(free, 1)
    part = f"CASE WHEN other THEN a WHEN a < {shared} THEN a // {div} ELSE o + (a - {shared}) // {slots} END"
    slot = f"CASE WHEN other THEN 0 WHEN a < {shared} THEN 1 + a % {div} ELSE (a - {shared}) % {slots} END"
    conn.execute(
        f"CREATE OR REPLACE TABLE xp_pairs AS SELECT *, {part} AS part, {slot} AS slot FROM xp_pairs"
    )
    conn.execute(
        "CREATE OR REPLACE TABLE xp_seqmap AS SELECT s.class_id, s.seq, s.program, s.measure_id, s.measure, "
        "s.chapter, s.origin, s.rule_id, p.part, p.slot "
        "FROM xp_seqs s LEFT JOIN xp_pairs p ON p.class_id = s.class_id AND p.rule_id = s.rule_id "
        "AND p.places = s.places AND p.rate IS NOT DISTINCT FROM s.rate"
    )
    width = int(conn.execute("SELECT coalesce(max(slot), 0) + 1 FROM xp_pairs").fetchall()[0][0])
    # an empty slot is read as on the value (its rate NULL): the base's CASE stops at its first branch
    cols = ", ".join(
        f"any_value(p.rate) FILTER (p.slot = {s}) AS rate_{s}, "
        f"coalesce(any_value(p.rule_id) FILTER (p.slot = {s}), {VALUE}) AS rule_{s}, "
        f"any_value(p.places) FILTER (p.slot = {s}) AS places_{s}"
        for s in range(width)
    )
    conn.execute(
        f"""CREATE OR REPLACE TABLE xp_parts AS
        SELECT row_number() OVER (ORDER BY class_id, part) AS part_id, *
        FROM (SELECT k.class_id, k.part, {cols}
              FROM (SELECT class_id, part FROM xp_pairs UNION SELECT class_id, 0 FROM xp_class) k
              LEFT JOIN xp_pairs p ON p.class_id = k.class_id AND p.part = k.part
              GROUP BY k.class_id, k.part) g"""
    )
    return width


def detail_sql(mixed: list[bool]) -> str:
    """Per class, month and duty line (``seq``): its duty, lines and base, from the parts' sums
    (``xp_sums``, by ``part_id`` and month; ``mixed[s]``: slot ``s`` sums lines and bases of its own)."""
    own = [s for s, m in enumerate(mixed) if m]

    def by_slot(col: str, otherwise: str) -> str:
        slots = own if col.startswith("x") else range(len(mixed))
        cases = " ".join(f"WHEN {s} THEN s.{col}{s}" for s in slots)
        return f"CASE q.slot {cases} ELSE {otherwise} END" if cases else otherwise

    def on_value(whole: str, col: str) -> str:  # the class's lines and value, or the slot's own
        return f"CASE WHEN q.rule_id = {VALUE} THEN w.{whole} ELSE {by_slot(col, 'NULL')} END"

    return f"""WITH m AS (SELECT p.class_id, p.part, m.* FROM xp_sums m JOIN xp_parts p USING (part_id))
    SELECT * FROM (SELECT w.class_id, w.month, q.seq, q.program, q.measure_id, q.measure, q.chapter, q.origin,
        {by_slot("d", "0")} AS duty, {on_value("n", "xn")} AS duty_lines, {on_value("v", "xb")} AS base
    FROM m w JOIN xp_seqmap q ON q.class_id = w.class_id
    LEFT JOIN m s ON s.class_id = q.class_id AND s.part = q.part AND s.month = w.month
    WHERE w.part = 0) d WHERE duty_lines > 0"""
