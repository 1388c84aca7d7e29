"""Chapter 87: the hand-written rules (with the GN 11(k) staging) against the rules the parser
reads from GN 11(o), compared by what they require, not by how they are written.

GN 11(o) ch. 87 prints the final thresholds (75 / 70 %) and names goods and vehicle classes in
words; the hand-written file names the dated staging parameters and uses end uses for the
vehicle classes.  The annotation below is the whole translation between the two:

* ``KIND_NAMES``: the parser's kind names (from the words of the text) and the names the rules
  ship with (``good.kind`` in a case);
* ``VEHICLE_KINDS``: the goods of 87.03 / 87.04 the text names by vehicle class ("a passenger
  vehicle of subheadings 8703.21 through 8703.90", "a vehicle solely or principally for off-road
  use"), which the rules express as end uses;
* ``TARIFF_ITEMS``: the 8708.99 tariff items the text names inside its rules 52 and 54, which the
  rules carry as 8-digit rules of their own;
* ``STAGING``: which dated parameter a threshold follows, by the vehicle class it applies to
  (GN 11(k)(iii)(A), (D), (J)); checked by ``staging_errors``.

``differences`` then lists, per code, end use and kind, the requirements only one side has.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from decimal import Decimal

from tmec.law import load_parameters
from tmec.origin import psr
from tmec.origin.rules import Alternative, Rule, Threshold

END_USES = ("passenger_vehicle", "light_truck", "heavy_truck", "aftermarket", "other")
PV_LT = frozenset({"passenger_vehicle", "light_truck"})
ANY_OTHER = frozenset({"aftermarket", "other"})

KIND_NAMES: Mapping[str, str] = {
    "motor_vehicle_for_transport_15_or": "up_to_15_persons",
    "motor_vehicle_for_transport_16_or": "16_or_more_persons",
    "gear_boxes": "gear_box",
    "drive_axles_with_differential_whether_or": "drive_axle_for_8703",
    "other_drive_axles_with_differential_whether": "drive_axle_other",
    "non_driving_axles_and_parts_thereof": "non_driving_axle_for_8703",
    "other_non_driving_axles_and_parts": "non_driving_axle_other",
    "mcpherson_struts": "mcpherson_strut",
    "suspension_systems": "suspension_system",
    "parts_suspension_systems": "suspension_part",
    "radiators": "radiator",
    "silencers_or_exhaust_pipes": "silencer_or_exhaust_pipe",
    "steering_wheels_steering_columns_or_steering": "steering_wheel_column_or_box",
    "parts_steering_wheels_steering_columns_or": "steering_wheel_column_or_box_part",
    "chassis": "chassis_frame",  # rule 51 "a chassis ... for use in a heavy truck"
}

VEHICLE_KINDS: Mapping[str, frozenset[str]] = {
    "passenger_vehicle": frozenset({"passenger_vehicle"}),
    "light_truck": frozenset({"light_truck"}),
    "heavy_truck": frozenset({"heavy_truck"}),
    "vehicle_solely_or_principally_for_off": ANY_OTHER,
    "vehicle_that_solely_or_principally_for": ANY_OTHER,
}

# "Any other good" than the vehicle a rule names, as a vehicle class: a good of 8703.21-8703.90
# that is not a passenger vehicle is none (GN 11(k)(ii)); an on-road good of 8704.32-8704.90 is a
# heavy truck.
OTHER_THAN_VEHICLE: Mapping[str, frozenset[str]] = {
    "passenger_vehicle": ANY_OTHER,
    "vehicle_that_solely_or_principally_for": frozenset({"heavy_truck"}),
}

TARIFF_ITEMS: Mapping[str, tuple[str, ...]] = {
    "tariff_items_8708_99_03_8708": ("87089903", "87089927", "87089955"),
    "tariff_items_8708_99_06_8708": ("87089906", "87089931", "87089958"),
}

# GN 11(k)(iii): the staging of a threshold follows the vehicle class of the good's end use.
STAGING: Mapping[str, tuple[Decimal, frozenset[str]]] = {
    "usmca.staging.pv_lt_75": (Decimal(75), PV_LT),  # (A): vehicles and Table A.1 parts
    "usmca.staging.pv_lt_70": (Decimal(70), PV_LT),  # (D): Table B parts
    "usmca.staging.ht_70": (Decimal(70), frozenset({"heavy_truck"})),  # (J): heavy trucks and parts
}
# Codes that are heavy trucks themselves (GN 11(k)(ii)): their threshold follows (J) with no end use.
HEAVY_TRUCK_CODES = ("870120", "870422", "870423", "870432")

FINAL_DAY = dt.date(2030, 1, 1)  # after the last staging step

Signature = tuple[object, ...]
Key = tuple[str, str, str | None]  # code, end use, kind


def _value(threshold: Threshold | None) -> Decimal | None:
    if threshold is None:
        return None
    if threshold.value is not None:
        return threshold.value
    return load_parameters().at(FINAL_DAY)[threshold.parameter or ""].decimal


def _signature(alt: Alternative) -> Signature:
    """What an alternative requires, apart from whom it applies to."""
    c = alt.change
    change = None
    if c is not None:
        kinds = tuple(sorted((str(r), k) for r, k in c.material_kinds))
        change = (str(c.level), tuple(sorted(map(str, c.from_))), tuple(sorted(map(str, c.except_))), kinds)
    rvc = None if alt.rvc is None else (_value(alt.rvc.transaction_value), _value(alt.rvc.net_cost))
    return (change, rvc)


def _renamed(names: frozenset[str] | None) -> frozenset[str] | None:
    return None if names is None else frozenset(KIND_NAMES.get(k, k) for k in names)


def _normalised(alt: Alternative) -> Alternative:
    """A parsed alternative in the hand-written vocabulary: vehicle kinds as end uses, kinds renamed."""
    end_use = alt.end_use if alt.end_use is not None else frozenset(END_USES)
    if alt.kind is not None and alt.kind <= set(VEHICLE_KINDS):
        classes = frozenset().union(*(VEHICLE_KINDS[k] for k in alt.kind))
        return replace(alt, kind=None, end_use=end_use & classes)
    if alt.except_kind is not None and alt.except_kind <= set(OTHER_THAN_VEHICLE):
        classes = frozenset().union(*(OTHER_THAN_VEHICLE[k] for k in alt.except_kind))
        return replace(alt, except_kind=None, end_use=end_use & classes)
    return replace(alt, kind=_renamed(alt.kind), except_kind=_renamed(alt.except_kind))


def _requirements(alts: Iterable[Alternative], end_use: str, kind: str | None) -> frozenset[Signature]:
    return frozenset(_signature(a) for a in alts if a.applies_to(end_use, kind))


def _kinds(alts: Iterable[Alternative]) -> set[str]:
    return {k for a in alts for k in (a.kind or frozenset()) | (a.except_kind or frozenset())}


def _hand_rule(code: str) -> Rule:
    found = [
        r
        for r in psr.chapter_rules("87")
        if r.hs is not None and r.hs.contains(code) and r.valid is not None and FINAL_DAY in r.valid
    ]
    return max(found, key=lambda r: len(r.hs.start) if r.hs else 0)  # the most specific


def _compare(
    code: str, text: Iterable[Alternative], hand: Iterable[Alternative]
) -> Iterator[tuple[Key, str]]:
    text, hand = list(text), list(hand)
    for kind in [*sorted(_kinds(text) | _kinds(hand)), None]:
        for end_use in END_USES:
            a, b = _requirements(text, end_use, kind), _requirements(hand, end_use, kind)
            if a != b:
                yield (
                    (code, end_use, kind),
                    f"text only {sorted(a - b, key=str)}; hand only {sorted(b - a, key=str)}",
                )


def _not_items(alt: Alternative, items: set[str]) -> Alternative:
    """An alternative for a good that is none of the tariff items: their kinds need no excluding."""
    if alt.except_kind is None or not alt.except_kind & items:
        return alt
    return replace(alt, except_kind=(alt.except_kind - items) or None)


def differences() -> dict[Key, str]:
    """Every (code, end use, good kind) whose requirements differ between the parsed GN 11(o)
    chapter and the hand-written rules, with what each side alone requires."""
    found: dict[Key, str] = {}
    for rule in psr.compiled_chapter("87"):
        assert rule.hs is not None
        code = rule.hs.start if len(rule.hs.start) >= 6 else rule.hs.start + "10"
        text = [_normalised(a) for a in rule.alternatives]
        items = {k for k in _kinds(text) if k in TARIFF_ITEMS}
        general = [_not_items(a, items) for a in text if not (a.kind or frozenset()) & items]
        found.update(_compare(code, general, _hand_rule(code).alternatives))
        for kind in sorted(items):
            # the hand-written 8-digit rule stands for the text's branches of that tariff item,
            # with those of the subheading's other goods (a chassis frame) that reach it; the
            # "any other good" branches (rules 53, 55) leave the tariff items out
            of_item = [replace(a, kind=None) if kind in (a.kind or ()) else a for a in text]
            of_item = [
                _not_items(a, items)
                for a in of_item
                if not ((a.kind or frozenset()) | (a.except_kind or frozenset())) & {kind}
                and not (a.kind or frozenset()) & items
            ]
            for item in TARIFF_ITEMS[kind]:
                found.update(_compare(item, of_item, _hand_rule(item).alternatives))
    return found


def staging_errors() -> list[str]:
    """Each staged threshold of the hand-written chapter applies to the vehicle class its GN 11(k)
    schedule is for, and ends at the value the text prints (the parameter's last value)."""
    errors: list[str] = []
    final = load_parameters().at(FINAL_DAY)
    for rule in psr.chapter_rules("87"):
        for alt in rule.alternatives:
            for method in alt.rvc.methods() if alt.rvc else ():
                t = alt.rvc.threshold(method) if alt.rvc else None
                if t is None or t.parameter is None:
                    continue
                value, classes = STAGING[t.parameter]
                code = rule.hs.start if rule.hs else ""
                uses = (
                    alt.end_use
                    if alt.end_use is not None
                    else (frozenset({"heavy_truck"}) if code.startswith(HEAVY_TRUCK_CODES) else None)
                )
                if uses is None or not uses <= classes:
                    errors.append(f"{rule.hs}: {t.parameter} applies to {sorted(uses or ['any'])}")
                if final[t.parameter].decimal != value:
                    errors.append(
                        f"{t.parameter} ends at {final[t.parameter].decimal}, the text prints {value}"
                    )
    return errors
