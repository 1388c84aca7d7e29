"""Chapter 87's hand-written rules against the rules the parser reads from GN 11(o) ch. 87.

The two are compared by what they require of a good, for each code, end use and good kind
(``tools/law/psr_automotive.py``; the bundled compiled chapter is enough, no ../shared needed).
Every difference left is named here with the side the text supports; a new one fails.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from tmec.origin import psr
from tmec.origin.rules import TariffChange
from tmec.origin.tariff_shift import material_fails, undecided

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools" / "law"))

import psr_automotive  # noqa: E402


def test_the_hand_written_chapter_87_requires_what_the_text_does() -> None:
    # every difference is resolved against the text; the parser carries the scopes of rules 25
    # ("any other good" than rule 24's body stampings) and 53/55 (printed without opening words:
    # the "any other good" branches of rules 52/54, not chassis frames, not the tariff items)
    found = psr_automotive.differences()
    assert found == {}


def test_each_staged_threshold_applies_to_the_vehicle_class_of_its_gn11k_schedule() -> None:
    assert psr_automotive.staging_errors() == []


def test_the_annotation_names_only_kinds_the_parser_reads() -> None:
    parsed = {
        k
        for r in psr.compiled_chapter("87")
        for a in r.alternatives
        for k in (a.kind or set()) | (a.except_kind or set())
    }
    annotated = (
        set(psr_automotive.KIND_NAMES) | set(psr_automotive.VEHICLE_KINDS) | set(psr_automotive.TARIFF_ITEMS)
    )
    assert annotated <= parsed
    assert parsed - annotated == {"body_stamping", "chassis_frame", "mounted_brake_linings"}  # same name


DAY = dt.date(2024, 1, 1)


def _changes(code: str, end_use: str, kind: str | None) -> list[TariffChange]:
    rule = psr.find_rule(code, DAY)
    return [a.change for a in rule.applicable(end_use, kind) if a.change is not None and a.change.from_]


def test_mounted_brake_linings_take_only_the_8708_30_materials_the_text_names() -> None:
    """GN 11(o) ch. 87 rules 27-28: mounted brake linings may come from *parts of* mounted brake
    linings, brakes or servo-brakes of 8708.30; any other good of 8708.30 from mounted brake
    linings or parts of brakes.  The hand-written rule took any 8708.30 material for both."""
    (linings,) = _changes("8708.30", "passenger_vehicle", "mounted_brake_linings")
    (other,) = _changes("8708.30", "passenger_vehicle", None)
    assert linings.kind_of(linings.from_[0]) == "parts_mounted_brake_linings_brakes_servo"
    assert other.kind_of(other.from_[0]) == "mounted_brake_linings_parts_brakes_servo"
    # a complete brake of 8708.30 made from a complete brake of 8708.30 of unknown kind: a question
    question = undecided(other, "870830", "870830")
    assert question is not None and "mounted brake linings parts brakes servo" in question
    assert material_fails(other, "870830", "870830", "mounted_brake_linings_parts_brakes_servo") is None
    assert material_fails(other, "870830", "870830", "complete_brake") is not None
    assert material_fails(other, "870830", "870899") is None  # 8708.99 materials are not narrowed


def test_drive_axles_for_8703_take_parts_of_drive_axles_of_8708_50_only() -> None:
    # GN 11(o) ch. 87 rules 33-34 (B): "from ... parts of drive-axles of subheading 8708.50"
    (change,) = _changes("8708.50", "heavy_truck", "drive_axle_for_8703")
    assert material_fails(change, "870850", "870850", "parts_drive_axles") is None
    assert material_fails(change, "870850", "870850", "drive_axle") is not None


def test_radiators_and_silencers_each_change_from_their_own_subheading() -> None:
    # GN 11(o) ch. 87 rules 40-42: radiators "from any other good of subheading 8708.91",
    # silencers "of subheading 8708.92"; one shared rule let each come from the other's subheading
    (radiators,) = _changes("8708.91", "passenger_vehicle", "radiator")
    (silencers,) = _changes("8708.92", "passenger_vehicle", "silencer_or_exhaust_pipe")
    assert [str(r) for r in radiators.from_] == ["8708.91"]
    assert [str(r) for r in silencers.from_] == ["8708.92"]
    assert _changes("8708.91", "passenger_vehicle", "silencer_or_exhaust_pipe") == []


def test_suspension_systems_and_their_parts_need_the_rvc_of_8708_80() -> None:
    # GN 11(o) ch. 87 rules 38-39 (B) "A change to any other good [of] subheading 8708.80 from any
    # other heading" (the text omits "of"; the parser reads it since this change): a good of none
    # of the kinds (A), (C), (D) name; the hand-written (B) excluded only McPherson struts
    rule = psr.find_rule("8708.80", DAY)
    for kind in ("mcpherson_strut", "suspension_system", "suspension_part"):
        assert all(a.rvc is not None for a in rule.applicable("heavy_truck", kind)), kind
    assert any(a.rvc is None for a in rule.applicable("heavy_truck", None))


def test_no_change_in_8708_94_is_for_parts_of_steering_wheels_columns_or_boxes() -> None:
    # GN 11(o) ch. 87 rules 46-47 (C): "No change ... to parts of steering wheels, steering columns
    # or steering boxes": a good of 8708.94 of no named kind has (A), a change of heading, only
    rule = psr.find_rule("8708.94", DAY)
    assert all(a.change is not None for a in rule.applicable("heavy_truck", None))
    parts = rule.applicable("heavy_truck", "steering_wheel_column_or_box_part")
    assert any(a.change is None and a.rvc is not None for a in parts)


def test_a_chassis_frame_for_the_aftermarket_is_any_other_good_of_8708_99() -> None:
    # GN 11(o) ch. 87 rules 50 and 54-55: the chassis-frame rule is for use in a passenger vehicle
    # or light truck; a chassis frame for any other use has (A) a change of heading too
    for code in ("8708.99", "8708.99.06"):
        rule = psr.find_rule(code, DAY)
        aftermarket = rule.applicable("aftermarket", "chassis_frame")
        assert any(a.change is not None and a.rvc is None for a in aftermarket), code
        vehicle = rule.applicable("passenger_vehicle", "chassis_frame")
        assert all(a.rvc is not None for a in vehicle), code
