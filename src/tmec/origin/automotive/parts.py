"""Staged thresholds for auto parts by table and end use (UR s.14(13)-(18), s.15(2)-(4)).

A part for original equipment use in a vehicle takes the staged RVC of the
table that lists it, in place of the RVC of its own Schedule 1 rule:

==========  ==================  ==========================  =====================================
table       vehicles            net cost / transaction value  rule
==========  ==================  ==========================  =====================================
A.1         PV, LT (core)       PV/LT-75 / 76→85            RVC only
B           PV, LT (principal)  PV/LT-70 / 72.5→80          its CTC, or the staged RVC (s.14(14))
C           PV, LT (compl.)     62→65 / 72→75               its CTC, or the staged RVC (s.14(16))
D           HT (principal)      HT-70 / 70→80               engines, gear boxes, chassis: RVC only
                                                            (s.15(4)); others CTC or staged RVC
E           HT (compl.)         50→60 / 60→70               its CTC, or the staged RVC
==========  ==================  ==========================  =====================================

The transaction value figure applies only where the part's own rule has a
transaction value method.  Aftermarket parts keep their Schedule 1 rule
(s.14(18)).  Lithium-ion batteries of 8507.60 that propel an electric PV or LT
are carved out of Table A.1: they follow their Schedule 1 rule (s.14(2)-(3),
(6)).  An "ex" entry covers only the goods it names, so the case's ``kind``
(``body_stamping``, ``chassis_frame``, ``propulsion_battery``) decides between
Table A.1 and Table B for 8708.29, 8708.99 and 8507.60.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from tmec.core.errors import InputError
from tmec.core.hs import validate
from tmec.core.params import ParameterSnapshot, ParamValue
from tmec.origin.automotive.tables import Entry, parts_table
from tmec.origin.rules import Alternative, Rule, RVCRequirement, Threshold

__all__ = ["END_USES", "KINDS", "PartThresholds", "other_reading", "part_thresholds", "staged_part_rule"]

END_USES = ("passenger_vehicle", "light_truck", "heavy_truck", "aftermarket", "other", "any")
KINDS = ("body_stamping", "chassis_frame", "propulsion_battery")

_P = "usmca.automotive."
_THRESHOLDS = {
    "A.1": ("usmca.staging.pv_lt_75", _P + "core_parts_tv"),
    "B": ("usmca.staging.pv_lt_70", _P + "principal_parts_tv"),
    "C": (_P + "complementary_parts_nc", _P + "complementary_parts_tv"),
    "D": ("usmca.staging.ht_70", _P + "ht_principal_parts_tv"),
    "E": (_P + "ht_complementary_parts_nc", _P + "ht_complementary_parts_tv"),
}
# Where the primary texts disagree on a table's dates, the other reading's parameters: Table B's
# levels (3)-(4) begin on 1 July 2022 / 2023 under the Automotive Appendix Art. 3.3 and UR s.14(15)
# (applied), on 1 January under HTSUS GN 11(k)(iii)(D) as printed (a flagged note).
_OTHER_READING = {
    "B": ("usmca.staging.pv_lt_70_gn11", _P + "principal_parts_tv_gn11", "HTSUS GN 11(k)(iii)(D)"),
}
_REFS = {
    "A.1": "UR s.14(1), s.14(13)",
    "B": "UR s.14(14)-(15)",
    "C": "UR s.14(16)-(17)",
    "D": "UR s.15(2), s.15(4)",
    "E": "UR s.15(3)",
}


@dataclass(frozen=True, slots=True)
class PartThresholds:
    table: str
    entry: Entry
    net_cost: ParamValue
    transaction_value: ParamValue
    rvc_only: bool  # True: the staged RVC alone; False: the part's CTC, or the staged RVC
    reference: str

    def describe(self) -> str:
        how = "RVC only" if self.rvc_only else "its tariff shift, or the staged RVC"
        return (
            f"Table {self.table} ({self.entry.description}): {how}, "
            f"{self.net_cost.decimal} NC / {self.transaction_value.decimal} TV where the rule has TV"
        )


def part_thresholds(
    hs: str, *, end_use: str, params: ParameterSnapshot, kind: str | None = None, field: str = "good.hs"
) -> PartThresholds | None:
    """The table and staged thresholds of a part for its end use on the parameters' day, or None.

    None means the part's own Schedule 1 rule applies unchanged: an aftermarket
    part, a part no table lists, or a propulsion battery (the carve-out).

    >>> import datetime as dt
    >>> from tmec.law import load_parameters
    >>> snap = load_parameters().at(dt.date(2022, 7, 1))
    >>> p = part_thresholds("8708.40", end_use="light_truck", params=snap)
    >>> p.table, p.net_cost.value, p.rvc_only
    ('A.1', Decimal('72'), True)
    """
    code = validate(hs, min_digits=6, field=field)
    if end_use not in END_USES:
        raise InputError(f"expected one of {list(END_USES)}, found {end_use!r}", field="good.end_use")
    if kind is not None and kind not in KINDS:
        raise InputError(f"expected one of {list(KINDS)}, found {kind!r}", field="good.kind")
    if end_use in ("passenger_vehicle", "light_truck"):
        if code[:6] == "850760" and kind == "propulsion_battery":
            return None  # UR s.14(2)-(3), (6): Sch. 1 CTC or RVC rule
        order: tuple[str, ...] = ("A.1", "B", "C")
    elif end_use == "heavy_truck":
        order = ("D", "E")
    else:
        return None  # UR s.14(18): aftermarket and other uses keep their Schedule 1 rule
    for name in order:
        # An entry with a kind lists only goods of that kind: 8708.29 that is not a body
        # stamping is a Table B part, not Table A.1.
        entry = parts_table(name).find(code, kind)
        if entry is None:
            continue
        nc, tv = _THRESHOLDS[name]
        rvc_only = name == "A.1" or (name == "D" and entry.tag is not None)
        return PartThresholds(
            table=name,
            entry=entry,
            net_cost=params[nc],
            transaction_value=params[tv],
            rvc_only=rvc_only,
            reference=f"{_REFS[name]}; {parts_table(name).reference}",
        )
    return None


def other_reading(found: PartThresholds, params: ParameterSnapshot) -> PartThresholds | None:
    """The thresholds of ``found``'s table under the other reading of its dates, when on the
    parameters' day they differ from the applied ones; None otherwise."""
    names = _OTHER_READING.get(found.table)
    if names is None:
        return None
    nc, tv = params[names[0]], params[names[1]]
    if nc.decimal == found.net_cost.decimal and tv.decimal == found.transaction_value.decimal:
        return None
    return replace(found, net_cost=nc, transaction_value=tv, reference=f"{names[2]}; {found.reference}")


def _staged(a: Alternative, nc: Threshold, tv: Threshold, *, split: bool) -> tuple[Alternative, ...]:
    """One alternative with the staged RVC; for Tables B and C, its tariff shift *or* its RVC.

    UR s.14(14), (16): a Table B or C part is originating if it meets "the applicable
    change in tariff classification requirement or the applicable RVC requirement".
    An alternative whose change is a plain CTC (a level, no "from" proviso) and that
    also asks for an RVC becomes two alternatives.  A "from ..., provided RVC"
    alternative is not split: its "from" is a permission tied to the RVC, not a CTC.
    """
    if a.rvc is None:
        return (a,)
    staged = RVCRequirement(transaction_value=tv if a.rvc.transaction_value else None, net_cost=nc)
    if split and a.change is not None and a.change.level is not None and not a.change.from_:
        return (replace(a, rvc=None), replace(a, change=None, rvc=staged))
    return (replace(a, rvc=staged),)


def staged_part_rule(rule: Rule, found: PartThresholds, *, end_use: str, kind: str | None) -> Rule:
    """The part's rule with the table's staged thresholds in place of its own RVC.

    Tables D and E keep their alternatives, each RVC replaced by the staged figure,
    a transaction value figure only where the alternative had one (UR s.15(2)-(3));
    Tables B and C the same, the tariff shift and the RVC of an alternative each
    sufficing alone (UR s.14(14)-(17); see ``_staged``).  Table A.1 parts and
    heavy-truck engines, gear boxes and chassis must meet the RVC, so the rule
    becomes RVC only (UR s.14(1)-(2), s.15(4)), with a transaction value figure
    when the rule had one.
    """
    applicable = rule.applicable(end_use, kind)
    nc = Threshold(parameter=found.net_cost.name)
    tv = Threshold(parameter=found.transaction_value.name)
    if found.rvc_only:
        had_tv = any(a.rvc is not None and a.rvc.transaction_value is not None for a in applicable)
        alternatives: tuple[Alternative, ...] = (
            Alternative(
                rvc=RVCRequirement(transaction_value=tv if had_tv else None, net_cost=nc),
                text=f"Table {found.table}: regional value content only",
            ),
        )
    else:
        split = found.table in ("B", "C")
        alternatives = tuple(alt for a in applicable for alt in _staged(a, nc, tv, split=split))
    return replace(
        rule,
        alternatives=alternatives,
        reference=f"{rule.reference}; {found.reference}",
        note=((rule.note + " ") if rule.note else "") + found.describe(),
    )
