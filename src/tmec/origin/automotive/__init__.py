"""The USMCA automotive rules of origin (Appendix to Annex 4-B; UR Part 6): pure domain code.

* ``block`` — the ``automotive:`` block of a case file, read and checked
* ``classes`` — vehicle classes by HS code and attributes (UR s.12)
* ``tables`` — Tables A.1, A.2, B, C, D, E and S as data
* ``parts`` — a part's table and staged thresholds by end use (UR s.14-s.15)
* ``core_parts`` — the Table A.2 requirement and the super-core (UR s.14)
* ``steel_aluminum`` — the two 70 % purchase tests, melted and poured (UR s.17)
* ``lvc`` — labor value content (UR s.18; 29 CFR 810)
* ``averaging`` — averaging categories and periods (UR s.16)
* ``assess`` — a vehicle against all of them: ``assess_vehicle``, ``VehicleAssessor``
* ``fleet`` — a model year: configurations and a vehicle list (``tmec average --vehicles``)
* ``integrate`` — the seam with ``tmec.origin.qualify`` (vehicle cases, OE parts)
"""

from tmec.origin.automotive.assess import (
    AutomotiveInput,
    VehicleAssessor,
    assess_vehicle,
    parse_automotive,
    vehicle_record,
)
from tmec.origin.automotive.averaging import (
    CATEGORIES,
    AverageGroup,
    VehicleRecord,
    average,
    averaging_period,
    fiscal_year,
)
from tmec.origin.automotive.classes import VEHICLE_CATEGORIES, Classification, VehicleAttributes, classify
from tmec.origin.automotive.fleet import Configuration, FleetResult, Vehicle, assess_fleet, read_vehicles
from tmec.origin.automotive.lvc import average_base_wage
from tmec.origin.automotive.parts import PartThresholds, part_thresholds
from tmec.origin.automotive.result import REQUIREMENTS, AutomotiveResult, Requirement
from tmec.origin.automotive.steel_aluminum import melted_and_poured

__all__ = [
    "CATEGORIES",
    "REQUIREMENTS",
    "VEHICLE_CATEGORIES",
    "AutomotiveInput",
    "AutomotiveResult",
    "AverageGroup",
    "Classification",
    "Configuration",
    "FleetResult",
    "PartThresholds",
    "Requirement",
    "Vehicle",
    "VehicleAssessor",
    "VehicleAttributes",
    "VehicleRecord",
    "assess_fleet",
    "assess_vehicle",
    "average",
    "average_base_wage",
    "averaging_period",
    "classify",
    "fiscal_year",
    "melted_and_poured",
    "parse_automotive",
    "part_thresholds",
    "read_vehicles",
    "vehicle_record",
]
