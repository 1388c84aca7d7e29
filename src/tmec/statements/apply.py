"""Statements in force applied to a case: the facts a determination may rely on, and cites.

A material of unknown origin whose supplier and part (its ``id``) match a statement
in force on the case's date takes the statement's origin (kind ``origin``); a
material without an accumulation statement takes one of kind ``accumulation``
(UR s.9).  A statement with no part matches a material by its description.  The
supplier must match (case and spaces aside): a statement of another supplier never
applies.  What the case states itself is never overridden: a material of stated
origin, or with its own accumulation figures, keeps them.

A case pins statements off with ``statements: off`` (or ``false``) at its top level.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from tmec.core import hs
from tmec.core.errors import InputError
from tmec.core.trace import Step
from tmec.origin.case import Accumulation, Case, Material
from tmec.origin.references import ACCUMULATION_NC
from tmec.statements.model import Statement, supplier_key

__all__ = ["ORIGIN_STATEMENT", "Applied", "Use", "apply_to_case", "index", "pinned_off"]

# A certifier that is not the producer may rely on the producer's written representation (Annex 5-A);
# the producer of the good relies on its supplier's in the same way for the materials it buys.
ORIGIN_STATEMENT = "USMCA Art. 5.2, Annex 5-A (reasonable reliance on a written representation) [unverified]"
APPLIES = ("origin", "accumulation")
Key = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Use:
    """One statement applied to one material."""

    material: str  # the material's id
    field: str  # where it sits in the case
    statement: Statement

    def step(self) -> Step:
        st = self.statement
        what = st.what()
        reference = ORIGIN_STATEMENT if st.kind == "origin" else ACCUMULATION_NC
        return Step(
            "statement.applied",
            f"material {self.material}: {what}, by statement {st.id} of {st.supplier} "
            f"(valid {st.validity}, signed by {st.signed_by})",
            reference,
            detail={"material": self.material, **st.citation()},
        )

    def to_dict(self) -> dict[str, Any]:
        return {"material": self.material, "field": self.field, **self.statement.citation()}


@dataclass(frozen=True, slots=True)
class Applied:
    case: Case
    uses: tuple[Use, ...]

    @property
    def steps(self) -> list[Step]:
        return [u.step() for u in self.uses]


def pinned_off(case: Case) -> bool:
    """Whether the case says ``statements: off`` (YAML reads an unquoted ``off`` as false)."""
    value = case.raw.get("statements", True)
    if value is True or value in ("on", "ON", "On"):
        return False
    if value is False or value in ("off", "OFF", "Off"):
        return True
    raise InputError(f"expected on or off, found {value!r}", source=case.source, field="statements")


def index(statements: Iterable[Statement], day: dt.date) -> dict[Key, list[Statement]]:
    """The statements in force on ``day`` that a determination can use, by (supplier, part or description).

    Latest first: when a supplier gave two for the same part, the most recent period wins.
    """
    out: dict[Key, list[Statement]] = {}
    for st in statements:
        if st.kind not in APPLIES or not st.in_force(day):
            continue
        target = st.part if st.part is not None else f"description:{(st.description or '').casefold()}"
        out.setdefault((st.supplier_key, target), []).append(st)
    for found in out.values():
        found.sort(key=lambda s: (s.valid_from, s.id), reverse=True)
    return out


def _find(found: Mapping[Key, list[Statement]], m: Material, kind: str) -> Statement | None:
    if m.supplier is None:
        return None
    who = supplier_key(m.supplier)
    keys = [(who, m.id)]
    if m.description:
        keys.append((who, f"description:{m.description.casefold()}"))
    for key in keys:
        for st in found.get(key, ()):
            if st.kind == kind:
                return st
    return None


def _apply(m: Material, found: Mapping[Key, list[Statement]], uses: list[Use]) -> Material:
    children = tuple(_apply(c, found, uses) for c in m.materials)
    if children != m.materials:
        m = replace(m, materials=children)
    if m.self_produced or m.role != "material":
        return m
    if m.origin == "unknown":
        st = _find(found, m, "origin")
        if st is not None:
            uses.append(Use(m.id, m.field, st))
            return replace(m, origin=st.origin or m.origin, hs=m.hs or st.hs)
    if m.accumulation is None and not m.originating:
        st = _find(found, m, "accumulation")
        if st is not None:
            if m.country is not None and m.country not in ("US", "MX", "CA"):
                return m  # accumulation needs production in the territory (Art. 4.11): not applied
            uses.append(Use(m.id, m.field, st))
            acc = Accumulation(net_cost=st.net_cost, vnm=st.vnm, non_vnm_amount=st.non_vnm_amount)
            return replace(m, accumulation=acc)
    return m


def apply_to_case(case: Case, statements: Sequence[Statement], day: dt.date | None = None) -> Applied:
    """The case with the statements in force on ``day`` (default: its date) applied, and what was used."""
    if not statements or pinned_off(case):
        return Applied(case, ())
    found = index(statements, day or case.date)
    if not found:
        return Applied(case, ())
    uses: list[Use] = []
    materials = tuple(_apply(m, found, uses) for m in case.materials)
    if not uses:
        return Applied(case, ())
    return Applied(replace(case, materials=materials), tuple(uses))


def describe(st: Statement) -> str:
    code = f" ({hs.format(st.hs)})" if st.hs else ""
    return f"{st.id} {st.kind} {st.supplier} {st.part or st.description}{code}: {st.what()}, {st.validity}"
