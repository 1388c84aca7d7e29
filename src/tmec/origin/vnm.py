"""The value of non-originating materials (VNM) and the materials the tariff shift tests.

One pass over the bill of materials decides, for every top-level material, what
it puts into VNM under each method and which materials stand for it in the
tariff-shift test:

* a purchased material: its value if non-originating or of unknown origin
  (unknown counts as non-originating), nothing if originating (19 USC
  4531(d)(4)(A); UR s.7(4));
* an accumulation statement from its producer replaces that value with the VNM
  the statement gives (NC: UR s.9(2)(a), or value less the non-VNM amount of
  s.9(2)(b); TV: UR s.9(3));
* a self-produced material not designated intermediate contributes only its own
  non-originating materials, level by level (UR s.7(5)(a));
* a designated intermediate material is qualified by its own rule; originating,
  its whole value (its total cost, UR s.8(8)) is originating; otherwise all of
  it is non-originating (Art. 4.8; 19 USC 4531(d)(9));
* indirect materials are originating (4531(k)); packing materials and
  containers for shipment are disregarded (4531(j)); retail packaging and
  accessories count in VNM but are disregarded for the tariff shift (4531(h)-(i)).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tmec.core import hs
from tmec.core.errors import InputError
from tmec.origin import references as ref
from tmec.origin.case import Material

__all__ = ["Contribution", "RollUp", "Unit", "roll_up"]

ZERO = Decimal(0)
CTC_DISREGARDED = frozenset({"retail_packaging", "accessory", "indirect", "packing"})

# qualify(material, depth) -> the material's own Determination (for intermediate materials)
SubQualifier = Callable[[Material, int], Any]


@dataclass(frozen=True, slots=True)
class Unit:
    """A material as the tariff-shift, weight-share and criterion C tests see it."""

    material: Material
    top: int  # index of the top-level material it belongs to
    originating: bool
    ctc_disregarded: bool  # packaging, accessories, indirect materials (4531(h)-(k))
    vnm_tv: Decimal = ZERO  # what it puts into VNM (what an originating statement would remove)
    vnm_nc: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class Contribution:
    """What one top-level material puts into VNM, and how the law treats it."""

    material: Material
    index: int
    vnm_tv: Decimal
    vnm_nc: Decimal
    units: tuple[Unit, ...]
    treatment: str
    reference: str
    sub: Any = None  # the intermediate material's own Determination
    # the materials criterion C looks at, when they differ from the tariff-shift units: a material
    # elected as the CTC unit (UR s.3(8)) stands for its inputs in the tariff shift only
    inputs: tuple[Unit, ...] | None = None


@dataclass(slots=True)
class RollUp:
    contributions: list[Contribution] = field(default_factory=list)
    # every designated intermediate material in the tree, with its determination
    intermediates: list[tuple[Material, Any]] = field(default_factory=list)
    # every material qualified by its own rule (intermediates and CTC units), at any level
    qualified: list[tuple[Material, Any]] = field(default_factory=list)

    @property
    def vnm_tv(self) -> Decimal:
        return sum((c.vnm_tv for c in self.contributions), ZERO)

    @property
    def vnm_nc(self) -> Decimal:
        return sum((c.vnm_nc for c in self.contributions), ZERO)

    @property
    def units(self) -> list[Unit]:
        return [u for c in self.contributions for u in c.units]

    @property
    def inputs(self) -> list[Unit]:
        """The materials used, for criterion C ("exclusively from originating materials")."""
        return [u for c in self.contributions for u in (c.units if c.inputs is None else c.inputs)]


def _purchased_vnm(m: Material) -> tuple[Decimal, Decimal, str, str]:
    if m.originating or m.role == "indirect":
        why = "indirect material: originating" if m.role == "indirect" else "originating"
        return ZERO, ZERO, why, ref.INDIRECT if m.role == "indirect" else ref.ROLL_UP
    acc = m.accumulation
    if acc is None and m.deductions:
        deducted = sum(m.deductions.values(), ZERO)
        vnm = m.value - deducted
        listed = ", ".join(f"{k} {v}" for k, v in m.deductions.items())
        word = "origin unknown" if m.origin == "unknown" else "non-originating"
        return vnm, vnm, f"{word}: value {m.value} less documented {listed} = {vnm}", ref.DEDUCTIONS
    if acc is None:
        word = "origin unknown: counted as non-originating" if m.origin == "unknown" else "non-originating"
        return m.value, m.value, word, ref.UNKNOWN_ORIGIN if m.origin == "unknown" else ref.VNM
    if acc.vnm is not None and acc.net_cost is None:
        # A transaction-value statement (UR s.9(3)); the net cost method needs the producer's net cost
        # with it (s.9(2)(a)), so under net cost the material still counts at its value.
        how = (
            f"accumulation statement for the TV method: VNM {acc.vnm}; under net cost its value {m.value} "
            "counts (no net cost stated)"
        )
        return acc.vnm, m.value, how, ref.ACCUMULATION_TV
    if acc.vnm is not None:
        vnm = acc.vnm
        how = f"accumulation statement: VNM {vnm}, net cost {acc.net_cost}"
    else:
        assert acc.non_vnm_amount is not None
        if acc.non_vnm_amount > m.value:
            raise InputError(
                f"the non-VNM amount {acc.non_vnm_amount} exceeds the material's value {m.value}",
                field=f"{m.field}.accumulation.non_vnm_amount",
            )
        vnm = m.value - acc.non_vnm_amount
        how = f"accumulation statement: non-VNM amount {acc.non_vnm_amount}, VNM {vnm}"
    return vnm, vnm, how, ref.ACCUMULATION_NC


def _units_of(m: Material, top: int, originating: bool, vnm_tv: Decimal, vnm_nc: Decimal) -> Unit:
    return Unit(m, top, originating, m.role in CTC_DISREGARDED, vnm_tv, vnm_nc)


def _self_produced(
    m: Material, top: int, qualify_sub: SubQualifier, depth: int, out: RollUp
) -> tuple[Decimal, Decimal, list[Unit]]:
    """A self-produced material not designated intermediate: its non-originating inputs, level by level."""
    vnm_tv = vnm_nc = ZERO
    units: list[Unit] = []
    for child in m.materials:
        c = _contribution(child, top, qualify_sub, depth + 1, out)
        vnm_tv += c.vnm_tv
        vnm_nc += c.vnm_nc
        units.extend(c.units)
    return vnm_tv, vnm_nc, units


def _contribution(m: Material, top: int, qualify_sub: SubQualifier, depth: int, out: RollUp) -> Contribution:
    if m.role == "packing":
        return Contribution(m, top, ZERO, ZERO, (), "packing for shipment: disregarded", ref.PACKING)
    if not m.self_produced or (not m.materials and not m.intermediate and not m.ctc_unit):
        vnm_tv, vnm_nc, how, reference = _purchased_vnm(m)
        if m.self_produced:
            how = f"self-produced, no inputs listed: {how} as stated"
        originating = m.originating or m.role == "indirect"
        return Contribution(
            m, top, vnm_tv, vnm_nc, (_units_of(m, top, originating, vnm_tv, vnm_nc),), how, reference
        )
    if m.intermediate or m.ctc_unit:
        if m.hs is None:
            raise InputError(
                "a material designated intermediate or elected as the CTC unit needs its own hs code",
                field=f"{m.field}.hs",
            )
        sub = qualify_sub(m, depth)
        out.qualified.append((m, sub))
        if m.intermediate:
            out.intermediates.append((m, sub))
            vnm = ZERO if sub.originating else m.value
            word = "originating" if sub.originating else "non-originating"
            how = (
                f"intermediate material, {word} under its own rule: "
                f"{'all' if sub.originating else 'none'} of its value {m.value} (its total cost) "
                "is originating"
            )
            return Contribution(
                m, top, vnm, vnm, (_units_of(m, top, sub.originating, vnm, vnm),), how, ref.INTERMEDIATE, sub
            )
        vnm_tv, vnm_nc, inputs = _self_produced(m, top, qualify_sub, depth, out)
        how = (
            "self-produced, elected as the CTC unit "
            f"({'originating' if sub.originating else 'non-originating'}); "
            f"its non-originating inputs count in VNM"
        )
        return Contribution(
            m,
            top,
            vnm_tv,
            vnm_nc,
            (_units_of(m, top, sub.originating, vnm_tv, vnm_nc),),
            how,
            ref.CTC_UNIT,
            sub,
            tuple(inputs),
        )
    vnm_tv, vnm_nc, units = _self_produced(m, top, qualify_sub, depth, out)
    how = f"self-produced, not designated intermediate: its non-originating inputs count ({vnm_nc} in VNM)"
    return Contribution(m, top, vnm_tv, vnm_nc, tuple(units), how, ref.SELF_PRODUCED)


def roll_up(materials: Sequence[Material], qualify_sub: SubQualifier, depth: int = 0) -> RollUp:
    """VNM and tariff-shift units of a bill of materials (one good)."""
    out = RollUp()
    for i, m in enumerate(materials):
        c = _contribution(m, i, qualify_sub, depth, out)
        out.contributions.append(c)
    return out


def describe(m: Material) -> str:
    """``M3 (7208.51)`` — how a material is named in explanations and questions."""
    return f"{m.id} ({hs.format(m.hs)})" if m.hs else m.id
