"""The pure single-good path, as a user would drive it: one case file per good, ``tmec qualify``.

Reads a BOM_DIR with nothing but the csv module, explodes each good's bill of
materials in Python (every path, quantities multiplied) and writes the case a
compliance officer would write by hand: the bought materials, the costs, the
rule.  The bulk engine is tested against :func:`qualify_by_hand` on every good.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from tmec.engine.bom_tables import GOOD_AMOUNTS
from tmec.engine.rules_file import RuleBook
from tmec.origin import Determination, parse_case, qualify


def read(directory: Path, name: str) -> list[dict[str, str]]:
    with (directory / f"{name}.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _d(text: str | None) -> Decimal:
    return Decimal(text) if text not in (None, "") else Decimal(0)


def explode(directory: Path) -> dict[str, dict[str, Decimal]]:
    """good_id -> {bought part_id: total quantity per unit of the good}."""
    children: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    for e in read(directory, "edges"):
        children[e["parent"]].append((e["child"], Decimal(e["quantity"])))
    out: dict[str, dict[str, Decimal]] = {}
    for g in read(directory, "goods"):
        totals: dict[str, Decimal] = defaultdict(Decimal)
        stack = [(c, q) for c, q in children.get(g["good_id"], [])]
        while stack:
            part, qty = stack.pop()
            if part in children:
                stack.extend((c, qty * q) for c, q in children[part])
            else:
                totals[part] += qty
        out[g["good_id"]] = dict(totals)
    return out


def cases(directory: Path, day: dt.date) -> dict[str, dict[str, Any]]:
    """The case file (as data) of every good."""
    parts = {p["part_id"]: p for p in read(directory, "parts")}
    exploded = explode(directory)
    out = {}
    for g in read(directory, "goods"):
        materials = []
        for part_id, qty in sorted(exploded[g["good_id"]].items()):
            p = parts[part_id]
            m: dict[str, Any] = {
                "id": part_id,
                "origin": p.get("origin") or "unknown",
                "value": str(_d(p.get("value")) * qty),
            }
            if p.get("hs"):
                m["hs"] = p["hs"]
            if p.get("statement_vnm"):
                m["accumulation"] = {"vnm": str(Decimal(p["statement_vnm"]) * qty)}
            materials.append(m)
        costs = {k: g.get(k) or "0" for k in GOOD_AMOUNTS if k != "international_shipping"}
        excluded = {k: costs.pop(k) for k in ("sales_promotion", "royalties", "shipping_packing",
                                              "non_allowable_interest")}  # fmt: skip
        out[g["good_id"]] = {
            "format": 1,
            "id": g["good_id"],
            "date": day.isoformat(),
            "good": {"hs": g["hs"], "end_use": g.get("end_use") or "any"},
            "valuation": {
                "transaction_value": g["transaction_value"],
                "international_shipping": g.get("international_shipping") or "0",
            },
            "costs": {**costs, "excluded": excluded},
            "materials": materials,
        }
    return out


def qualify_by_hand(directory: Path, day: dt.date) -> dict[str, Determination]:
    book = RuleBook.for_directory(directory)
    out = {}
    for good_id, data in cases(directory, day).items():
        case = parse_case(data, source=f"{good_id}.yaml")
        rule = book.rule(case.good.hs, day)
        out[good_id] = qualify(type(case)(**{**_fields(case), "rule": rule}))
    return out


def _fields(case: Any) -> dict[str, Any]:
    return {f: getattr(case, f) for f in case.__dataclass_fields__}
