"""The roll-up of a small sub-DAG in memory: where-used re-qualification of a part used by few goods.

A where-used set of a few thousand edges is cheaper to roll up here than in an
engine, whose cost per step (query planning) is fixed whatever the data.  Same
quantities as :func:`tmec.engine.rollup.roll_up` (same columns and types, per
unit, DECIMAL(28,18)), level by level; the incremental tests run both paths and
compare them with a full run.  Products and sums are exact (``EXACT``), then
rounded once to 18 decimals, half up, as the engine's cast does; a sum the
engine's type cannot hold is the same error as there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

import pyarrow as pa

from tmec.core.errors import InputError
from tmec.core.money import EXACT, ZERO
from tmec.engine.rollup import FLAGS, ROLL, ROLL_LIMIT, SUMS, RollUp, beyond_range, bought_beyond_range
from tmec.engine.session import DataFrame, Engine

__all__ = ["leaf", "roll_up_in_memory"]

_PLACES = Decimal(1).scaleb(-ROLL[1])


def _q(v: Decimal) -> Decimal:
    return v.quantize(_PLACES, rounding=ROUND_HALF_UP)


def leaf(p: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str, Decimal, Decimal]]]:
    value = p["value"] or ZERO
    vnm = p["statement_vnm"] if p["statement_vnm"] is not None else value
    origin = p["origin"]
    originating = origin == "originating"
    unknown = origin == "unknown"
    row = {
        "orig": value if originating else ZERO,
        "nonorig": ZERO if originating else value,
        "vnm": ZERO if originating else vnm,
        "unk": value if unknown else ZERO,
        "unk_vnm": vnm if unknown else ZERO,
        "any_orig": int(originating),
        "any_non": int(origin == "non_originating"),
        "any_unk": int(unknown),
    }
    mats = [] if originating else [(p["hs"] or "", origin, value, vnm)]
    return row, mats


def roll_up_in_memory(
    e: Engine, parts: DataFrame, edges: DataFrame, seeds: RollUp, quiet: Collection[str], tag: str
) -> RollUp:
    """Roll ``parts``/``edges`` up from ``seeds`` (components already rolled up), in memory."""
    with localcontext(EXACT):
        return _roll_up(e, parts, edges, seeds, quiet, tag)


def _beyond(row: Mapping[str, Any]) -> bool:
    return any(row[k] >= ROLL_LIMIT for k in SUMS)


def _roll_up(
    e: Engine, parts: DataFrame, edges: DataFrame, seeds: RollUp, quiet: Collection[str], tag: str
) -> RollUp:
    children: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    for r in e.to_arrow(edges.select("parent", "child", "quantity")).to_pylist():
        children[r["parent"]].append((r["child"], r["quantity"]))
    values: dict[str, dict[str, Any]] = {}
    mats: dict[str, dict[tuple[str, str], list[Decimal]]] = defaultdict(dict)
    for r in e.to_arrow(seeds.values).to_pylist():
        values[r["part_id"]] = {k: r[k] for k in (*SUMS, *FLAGS)} | {"level": 0}
    for r in e.to_arrow(seeds.materials).to_pylist():
        mats[r["part_id"]][(r["hs"], r["origin"])] = [r["value"], r["vnm"]]
    made, bought = [], []
    for p in e.to_arrow(parts.select("part_id", "hs", "origin", "value", "statement_vnm")).to_pylist():
        if p["part_id"] in children:
            made.append(p["part_id"])
            continue
        bought.append(p["part_id"])
        leaf_row, leaf_mats = leaf(p)
        values[p["part_id"]] = {k: _q(v) if k in SUMS else v for k, v in leaf_row.items()} | {"level": 0}
        if _beyond(values[p["part_id"]]):
            raise bought_beyond_range(p["part_id"])
        for hs, origin, value, vnm in leaf_mats:
            if hs not in quiet:
                mats[p["part_id"]][(hs, origin)] = [_q(value), _q(vnm)]
    pending, level = set(made), 0
    while pending:
        level += 1
        ready = [pid for pid in pending if all(c in values for c, _ in children[pid])]
        if not ready:
            raise InputError(f"cycle in the bill of materials among {sorted(pending)[:5]}", field="edges")
        for pid in ready:
            row: dict[str, Any] = dict.fromkeys(SUMS, ZERO) | dict.fromkeys(FLAGS, 0)
            acc: dict[tuple[str, str], list[Decimal]] = {}
            for child, qty in children[pid]:
                cv = values[child]
                for k in SUMS:
                    row[k] += qty * cv[k]
                for k in FLAGS:
                    row[k] = max(row[k], cv[k])
                for key, (value, vnm) in mats.get(child, {}).items():
                    a = acc.setdefault(key, [ZERO, ZERO])
                    a[0] += qty * value
                    a[1] += qty * vnm
            values[pid] = {k: _q(v) if k in SUMS else v for k, v in row.items()} | {"level": level}
            if _beyond(values[pid]):
                raise beyond_range(level, [pid])
            mats[pid] = {k: [_q(v[0]), _q(v[1])] for k, v in acc.items()}
        pending.difference_update(ready)
    rolled = [*bought, *made]  # every part of ``parts`` (not the seeds), as the engine's roll-up gives
    return RollUp(_values_table(e, values, rolled, tag), _materials_table(e, mats, rolled, tag), level)


def _values_table(e: Engine, values: dict[str, dict[str, Any]], made: list[str], tag: str) -> DataFrame:
    money = pa.decimal128(*ROLL)
    schema = pa.schema(
        [("part_id", pa.string()), ("level", pa.int32())]
        + [(k, money) for k in SUMS]
        + [(k, pa.int32()) for k in FLAGS]
    )
    rows = [{"part_id": pid, **values[pid]} for pid in made]
    return e.from_arrow(pa.Table.from_pylist(rows, schema=schema), f"{tag}_mem_values")


def _materials_table(
    e: Engine, mats: dict[str, dict[tuple[str, str], list[Decimal]]], made: list[str], tag: str
) -> DataFrame:
    money = pa.decimal128(*ROLL)
    schema = pa.schema(
        [
            ("part_id", pa.string()),
            ("hs", pa.string()),
            ("origin", pa.string()),
            ("value", money),
            ("vnm", money),
        ]
    )
    rows = [
        {"part_id": pid, "hs": hs, "origin": origin, "value": v[0], "vnm": v[1]}
        for pid in made
        for (hs, origin), v in mats.get(pid, {}).items()
    ]
    return e.from_arrow(pa.Table.from_pylist(rows, schema=schema), f"{tag}_mem_materials")
