"""The ``automotive:`` block of a vehicle case, read and checked (every error names its field).

Every key is optional unless said; amounts are decimals::

    automotive:
      regime: standard                 # or alternative_staging (UR s.19)
      asr_period_end: 2026-06-30       # ASR approved beyond 30 June 2025
      asr_steel_aluminum_exempt: false # the approved ASR exempts the purchase tests
      importing_country: US            # picks the core-parts roll-up policy (spec 5.4(7), unverified)
      core_parts_roll_up: true         # overrides that policy
      vehicle:                         # facts the vehicle class turns on (UR s.12), averaging keys
        compression_ignition / electric_motor / motorcycle / all_terrain / motorhome /
        ambulance_hearse_prison_van / off_road: false
        persons: 15                    # 87.02
        gvw_tonnes: 4.5                # 8704.60
        chassis_for: heavy_truck       # 87.06
        model_line, plant, country (US|CA|MX), exported: true
        net_cost, vnm                  # when the case has no costs/materials
        new_plant_first_prototype, refit_first_prototype: dates   # Art. 10 50 % window (UR s.20(8))
      core_parts:                      # Table A.2 column-1 parts (UR s.14(4)-(12))
        - {part: engine, hs: "8407.34", net_cost: 3100, vnm: 900, vnm_traced: 400}
        - {part: axle, net_cost: 1700, components: [{hs: "8708.50", value: 120, origin: non_originating}]}
        - {part: steering, certified: true}          # certified originating by its producer
      core_parts_not_used: [advanced_battery]
      steel:                           # or the same with purchases: [lines]
        originating_purchases: 72000000
        total_purchases: 100000000
        melted_and_poured: true        # from 1 July 2027 (UR s.17(5)(b))
        period: previous_fiscal_year   # UR s.17(7)
        basis: all_vehicles            # UR s.17(9)
        estimate: false
        purchases:
          - {hs: "7208.51", value: 1000, origin: originating, kind: direct, use: vehicles,
             processes: {melting: MX, pouring: MX}, foreign_inputs: ["7204.49"]}
          - {hs: "8708.29", value: 5000, metal_value: 800, origin: originating, kind: body_chassis_stamping}
      aluminum: {originating_purchases: ..., total_purchases: ...}
      lvc:                             # UR s.18
        basis: net_cost                # or annual_purchase_value (apv, tapv, omit_hwlc)
        net_cost: 35000                # the vehicle's; leave out to use each vehicle's own net cost
        high_wage_labor: 2000          # or [{value, plant}]
        high_wage_materials: 8500      # or [{value, plant}]
        high_wage_transport: 0          # or [{value, plant}]: providers paying the high wage rate
        technology_wages: 1200000
        production_wages: 10000000
        assembly_credit: true          # or leave out to earn it from the plants' capacities
        plants:
          - {id: P1, country: US, base_wages: 3200000, hours: 100000, engines: 250000,
             operated: true, contract_years: 3}
        wage_thresholds: {MXN: 304.21}  # overrides the dated high-wage rates
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tmec.core.errors import InputError
from tmec.origin.automotive._input import Reader
from tmec.origin.automotive.classes import VEHICLE_CATEGORIES, VehicleAttributes
from tmec.origin.automotive.core_parts import CorePart, parse_core_parts
from tmec.origin.automotive.lvc import LVCInput, parse_lvc
from tmec.origin.automotive.steel_aluminum import Purchases, parse_purchases
from tmec.origin.automotive.tables import A2_PART_IDS

__all__ = ["REGIMES", "AutomotiveInput", "parse_automotive"]

REGIMES = ("standard", "alternative_staging")

_BLOCK_KEYS = {
    "regime",
    "vehicle",
    "core_parts",
    "core_parts_not_used",
    "steel",
    "aluminum",
    "lvc",
    "importing_country",
    "core_parts_roll_up",
    "asr_period_end",
    "asr_steel_aluminum_exempt",
}
_VEHICLE_KEYS = {
    "compression_ignition",
    "electric_motor",
    "motorcycle",
    "all_terrain",
    "motorhome",
    "ambulance_hearse_prison_van",
    "off_road",
    "persons",
    "gvw_tonnes",
    "chassis_for",
    "model_line",
    "plant",
    "country",
    "exported",
    "net_cost",
    "vnm",
    "new_plant_first_prototype",
    "refit_first_prototype",
    "description",
    "vin",
}


@dataclass(frozen=True, slots=True)
class AutomotiveInput:
    """The ``automotive:`` block, read and checked."""

    regime: str = "standard"
    attributes: VehicleAttributes = field(default_factory=VehicleAttributes)
    model_line: str | None = None
    plant: str | None = None
    country: str | None = None
    exported: bool = False
    net_cost: Decimal | None = None
    vnm: Decimal | None = None
    new_plant_first_prototype: dt.date | None = None
    refit_first_prototype: dt.date | None = None
    core_parts: tuple[CorePart, ...] = ()
    core_parts_not_used: tuple[str, ...] = ()
    steel: Purchases | None = None
    aluminum: Purchases | None = None
    lvc: LVCInput | None = None
    importing_country: str | None = None
    core_parts_roll_up: bool | None = None
    asr_period_end: dt.date | None = None
    asr_steel_aluminum_exempt: bool = False
    source: str | None = None
    # (part, NC, lower VNM) of each core part with figures, for averaging (UR s.14(12))
    averaging_parts: tuple[tuple[str, Decimal, Decimal | None, Decimal], ...] = ()


def _averaging_parts(parts: tuple[CorePart, ...]) -> tuple[tuple[str, Decimal, Decimal | None, Decimal], ...]:
    """(part, NC, full VNM, column-2 VNM or else the full VNM) of each part with figures."""
    out = []
    for p in parts:
        traced = p.vnm_traced if p.vnm_traced is not None else p.vnm
        if p.net_cost is not None and traced is not None:
            out.append((p.part, p.net_cost, p.vnm, traced))
    return tuple(out)


def parse_automotive(data: Any, *, source: str | None = None, field: str = "automotive") -> AutomotiveInput:
    """Read the ``automotive:`` block of a vehicle case (the contract of issue 3)."""
    if data is None:
        data = {}
    r = Reader(data, field, source, _BLOCK_KEYS)
    v = r.child("vehicle", _VEHICLE_KEYS) if r.has("vehicle") else Reader({}, r.at("vehicle"), source)
    attrs = VehicleAttributes(
        compression_ignition=v.flag("compression_ignition"),
        electric_motor=v.flag("electric_motor"),
        motorcycle=v.flag("motorcycle"),
        all_terrain=v.flag("all_terrain"),
        motorhome=v.flag("motorhome"),
        ambulance_hearse_prison_van=v.flag("ambulance_hearse_prison_van"),
        off_road=v.flag("off_road"),
        persons=v.integer("persons"),
        gvw_tonnes=v.opt_amount("gvw_tonnes"),
        chassis_for=v.choice("chassis_for", VEHICLE_CATEGORIES) if v.has("chassis_for") else None,
    )
    not_used = []
    for i, name in enumerate(r.items("core_parts_not_used")):
        if name not in A2_PART_IDS:
            raise InputError(
                f"expected a Table A.2 part {list(A2_PART_IDS)}, found {name!r}",
                field=f"{r.at('core_parts_not_used')}[{i}]",
                source=source,
            )
        not_used.append(str(name))
    country = v.text("country")
    if country is not None and country not in ("US", "CA", "MX"):
        raise InputError(f"expected US, CA or MX, found {country!r}", field=v.at("country"), source=source)
    roll_up = r.flag("core_parts_roll_up") if r.has("core_parts_roll_up") else None
    core_parts = parse_core_parts(r.data.get("core_parts"), field=r.at("core_parts"), source=source)
    return AutomotiveInput(
        regime=r.choice("regime", REGIMES, "standard"),
        attributes=attrs,
        model_line=v.text("model_line"),
        plant=v.text("plant"),
        country=country,
        exported=v.flag("exported"),
        net_cost=v.opt_amount("net_cost"),
        vnm=v.opt_amount("vnm"),
        new_plant_first_prototype=v.date("new_plant_first_prototype"),
        refit_first_prototype=v.date("refit_first_prototype"),
        core_parts=core_parts,
        averaging_parts=_averaging_parts(core_parts),
        core_parts_not_used=tuple(not_used),
        steel=parse_purchases(r.data["steel"], metal="steel", field=r.at("steel"), source=source)
        if r.has("steel")
        else None,
        aluminum=parse_purchases(r.data["aluminum"], metal="aluminum", field=r.at("aluminum"), source=source)
        if r.has("aluminum")
        else None,
        lvc=parse_lvc(r.data["lvc"], field=r.at("lvc"), source=source) if r.has("lvc") else None,
        importing_country=r.choice("importing_country", ("US", "CA", "MX"))
        if r.has("importing_country")
        else None,
        core_parts_roll_up=roll_up,
        asr_period_end=r.date("asr_period_end"),
        asr_steel_aluminum_exempt=r.flag("asr_steel_aluminum_exempt"),
        source=source,
    )
