"""Vehicle classes of the Automotive Appendix, from the HS code and the vehicle's attributes.

UR s.12 (Appendix Art. 1) defines *passenger vehicle*, *light truck* and *heavy
truck*; every other vehicle of 87.01-87.06 is an Art. 10 "other vehicle" (UR
s.20), at 62.5 % or 60 % net cost.  The definitions use HS 2012 codes; the HS
2017/2022 splits of 8701.20 (8701.21-.24), 8703 (8703.40-.80, electrified) and
8704 (8704.41-.60) are mapped to the HS 2012 code they came from.  For 8704.60
(electric trucks of any weight) the gross vehicle weight decides, and must be
given.

Also the *class of motor vehicles* for averaging (UR s.12, (a)-(d)).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tmec.core.errors import InputError
from tmec.core.hs import HSRange, format, subheading

__all__ = [
    "VEHICLE_CATEGORIES",
    "Classification",
    "VehicleAttributes",
    "classify",
]

VEHICLE_CATEGORIES = ("passenger_vehicle", "light_truck", "heavy_truck", "other_vehicle")

PV_LT_75 = "usmca.staging.pv_lt_75"
HT_70 = "usmca.staging.ht_70"
OTHER_62_5 = "usmca.automotive.other_vehicle_rvc_62_5"
OTHER_60 = "usmca.automotive.other_vehicle_rvc_60"

DEFINITIONS = "UR s.12 (Automotive Appendix Art. 1)"
OTHER = "UR s.20(2); Automotive Appendix Art. 10"

LIGHT_TRUCK_TONNES = Decimal(5)  # 8704.21/.31 are g.v.w. not exceeding 5 tonnes

_PV = HSRange.parse("8703.21-8703.90")
_PV_DIESEL = HSRange.parse("8703.31-8703.33")  # compression-ignition by the heading text
_LIGHT = frozenset({"870421", "870431", "870441", "870451"})
_HEAVY = frozenset({"870422", "870423", "870432", "870442", "870443", "870452", "870490"})
_ROAD_TRACTORS = frozenset({"870120", "870121", "870122", "870123", "870124"})


@dataclass(frozen=True, slots=True)
class VehicleAttributes:
    """The facts besides the HS code that the definitions turn on (UR s.12)."""

    compression_ignition: bool = False  # the primary motor of propulsion (UR s.20(2)(b))
    electric_motor: bool = False
    motorcycle: bool = False  # three- or four-wheeled
    all_terrain: bool = False
    motorhome: bool = False  # or entertainer coach
    ambulance_hearse_prison_van: bool = False
    off_road: bool = False  # solely or principally for off-road use
    persons: int | None = None  # 87.02: persons transported, including the driver
    gvw_tonnes: Decimal | None = None  # 8704.60: gross vehicle weight
    chassis_for: str | None = None  # 87.06: the vehicle the chassis is for


@dataclass(frozen=True, slots=True)
class Classification:
    vehicle_class: str  # one of VEHICLE_CATEGORIES
    rvc_parameter: str  # the dated parameter holding the vehicle RVC (net cost)
    averaging_class: str  # "a" | "b" | "c" | "d": the class of motor vehicles (UR s.12)
    reason: str
    reference: str

    @property
    def covered(self) -> bool:
        """Subject to core parts, steel, aluminum and LVC (PV, LT, HT)."""
        return self.vehicle_class != "other_vehicle"


def _other(rate: str, avg: str, reason: str) -> Classification:
    return Classification("other_vehicle", rate, avg, reason, OTHER)


def classify(hs: str, attrs: VehicleAttributes, *, field: str = "good.hs") -> Classification:
    """The vehicle class of a good of 87.01-87.06.

    >>> classify("8703.23", VehicleAttributes()).vehicle_class
    'passenger_vehicle'
    >>> classify("8703.32", VehicleAttributes()).rvc_parameter
    'usmca.automotive.other_vehicle_rvc_62_5'
    """
    code = subheading(hs)
    shown = format(code)
    if code.startswith("8703"):
        if code == "870310":
            raise InputError(
                "8703.10 (snow vehicles, golf cars) is not a vehicle of the Automotive Appendix; "
                "its rule is 60 TV / 50 NC under Annex 4-B (UR s.13): use good.category 'other'",
                field=field,
            )
        if not _PV.contains(code):
            raise InputError(f"{shown} is not a vehicle subheading of 87.03", field=field)
        # UR s.20(2)(b): a compression-ignition engine as the primary motor of propulsion
        # (8703.31-.33 are such vehicles by their heading text).
        diesel = _PV_DIESEL.contains(code) or attrs.compression_ignition
        excluded = [
            ("a compression-ignition vehicle (UR s.12 'passenger vehicle' (a); s.20(2)(b))", diesel),
            ("a three- or four-wheeled motorcycle (UR s.12 (b))", attrs.motorcycle),
            ("an all-terrain vehicle (UR s.12 (c))", attrs.all_terrain),
            ("a motorhome or entertainer coach (UR s.12 (d))", attrs.motorhome),
            ("an ambulance, hearse or prison van (UR s.12 (e))", attrs.ambulance_hearse_prison_van),
            ("solely or principally for off-road use", attrs.off_road),
        ]
        for why, hit in excluded:
            if hit:
                return _other(OTHER_62_5, "d", f"{shown} is {why}: an Art. 10 other vehicle at 62.5 % NC")
        return Classification(
            "passenger_vehicle", PV_LT_75, "d", f"{shown} is a passenger vehicle", DEFINITIONS
        )
    if code == "870460":
        if attrs.gvw_tonnes is None:
            raise InputError(
                "8704.60 (electric trucks) is a light or a heavy truck by gross vehicle weight: "
                "give automotive.vehicle.gvw_tonnes",
                field=field,
            )
        light = attrs.gvw_tonnes <= LIGHT_TRUCK_TONNES
        return _truck(shown, light=light, off_road=attrs.off_road)
    if code in _LIGHT or code in _HEAVY:
        return _truck(shown, light=code in _LIGHT, off_road=attrs.off_road)
    if code == "870410":
        return _other(OTHER_60, "a", f"{shown} (dumpers for off-highway use) is an Art. 10 other vehicle")
    if code in _ROAD_TRACTORS:
        if attrs.off_road:
            return _other(OTHER_60, "b", f"{shown} for off-road use is an Art. 10 other vehicle")
        return Classification(
            "heavy_truck",
            HT_70,
            "a",
            f"{shown} (road tractor for semi-trailers) is a heavy truck",
            DEFINITIONS,
        )
    if code.startswith("8701"):
        return _other(
            OTHER_60, "b", f"{shown} (tractor other than a road tractor) is an Art. 10 other vehicle"
        )
    if code.startswith("8702"):
        if attrs.persons is None:
            raise InputError(
                "a vehicle of 87.02 is classed by the persons it transports: give automotive.vehicle.persons",
                field=field,
            )
        if attrs.persons >= 16:
            return _other(OTHER_60, "a", f"{shown} for {attrs.persons} persons is an Art. 10 other vehicle")
        return _other(OTHER_62_5, "c", f"{shown} for {attrs.persons} persons is an Art. 10 other vehicle")
    if code.startswith("8705"):
        return _other(OTHER_60, "a", f"{shown} (special purpose vehicle) is an Art. 10 other vehicle")
    if code.startswith("8706"):
        if attrs.chassis_for == "heavy_truck":
            return Classification(
                "heavy_truck", HT_70, "a", f"{shown} is a chassis with engine for a heavy truck", DEFINITIONS
            )
        if attrs.chassis_for in ("passenger_vehicle", "light_truck"):
            raise InputError(
                "a chassis with engine for a passenger vehicle or light truck is a Table A.1 core part, "
                "not a vehicle: qualify it as an auto_part",
                field=field,
            )
        return _other(OTHER_60, "a", f"{shown} (chassis not for a PV, LT or HT) is an Art. 10 other vehicle")
    raise InputError(f"{shown} is not a motor vehicle of 87.01-87.06", field=field)


def _truck(shown: str, *, light: bool, off_road: bool) -> Classification:
    if light:
        if off_road:
            return _other(OTHER_62_5, "c", f"{shown} for off-road use is an Art. 10 other vehicle")
        return Classification("light_truck", PV_LT_75, "c", f"{shown} is a light truck", DEFINITIONS)
    if off_road:
        return _other(OTHER_60, "a", f"{shown} for off-road use is an Art. 10 other vehicle")
    return Classification("heavy_truck", HT_70, "a", f"{shown} is a heavy truck", DEFINITIONS)
