"""A model year of vehicles: configurations (case files) and one CSV line per vehicle.

A producer does not write 300,000 case files.  It has a few configurations — each a
vehicle case with its ``automotive:`` block (core parts, purchases, LVC, model line,
plant) — and a list of the vehicles built, each with its configuration, build date,
net cost and VNM.  ``read_vehicles`` reads that list (CSV, header row)::

    vehicle,date,config,net_cost,vnm,exported
    1GCUY-0001,2026-01-05,MX-PICKUP-CREW-2026,27220.00,4100.00,true

``config`` is the ``id`` of a configuration case (or its file name without
extension); ``exported`` is optional (default: the configuration's).
``assess_fleet`` assesses every vehicle with what its configuration shares computed
once per period of unchanged law (``VehicleAssessor``) and returns the records that
averaging needs (UR s.16).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from tmec.core.dates import parse_date
from tmec.core.errors import InputError
from tmec.core.input_limits import check_input_file
from tmec.core.money import to_decimal
from tmec.origin.automotive.assess import VehicleAssessor, vehicle_record
from tmec.origin.automotive.averaging import VehicleRecord
from tmec.origin.automotive.block import AutomotiveInput, parse_automotive

__all__ = ["Configuration", "FleetResult", "Vehicle", "assess_fleet", "read_vehicles"]

COLUMNS = ("vehicle", "date", "config", "net_cost", "vnm")
TRUE = {"true", "yes", "1", "y"}
FALSE = {"false", "no", "0", "n", ""}


@dataclass(frozen=True, slots=True)
class Configuration:
    """One vehicle configuration: what every vehicle built to it shares."""

    id: str
    hs: str
    category: str | None
    block: AutomotiveInput


@dataclass(frozen=True, slots=True)
class Vehicle:
    id: str
    day: dt.date
    config: str
    net_cost: Decimal
    vnm: Decimal
    exported: bool | None
    line: int


@dataclass(frozen=True, slots=True)
class FleetResult:
    records: tuple[VehicleRecord, ...]
    passed: int  # vehicles meeting every requirement on their own figures
    failing: dict[str, int]  # requirement -> vehicles failing it on their own figures


def configuration(
    id: str, hs: str, category: str | None, automotive: object, *, source: str | None
) -> Configuration:
    return Configuration(id, hs, category, parse_automotive(automotive, source=source))


def read_vehicles(path: str | Path) -> list[Vehicle]:
    """The vehicles of a CSV file; every bad cell names its line and column."""
    source = str(path)
    check_input_file(path, whole=False)  # a device or a pipe is refused, not read forever
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(
                    f"missing column(s) {missing}; expected {list(COLUMNS)} (+ exported)",
                    source=source,
                    line=1,
                )
            out = []
            for row in reader:
                line = reader.line_num
                out.append(replace(_vehicle(row, source=source, line=line), line=line))
    except OSError as exc:
        raise InputError(f"cannot read the vehicle list: {exc.strerror}", source=source) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 text: byte 0x{exc.object[exc.start]:02x} (save the vehicle list as UTF-8)",
            source=source,
        ) from None
    if not out:
        raise InputError("no vehicles in the list", source=source)
    return out


def _vehicle(row: Mapping[str, str | None], *, source: str, line: int) -> Vehicle:
    try:
        return _read_row(row)
    except InputError as exc:
        raise exc.located(source=source, line=line) from None


def _read_row(row: Mapping[str, str | None]) -> Vehicle:
    def cell(name: str) -> str:
        value = (row.get(name) or "").strip()
        if not value and name in COLUMNS:
            raise InputError("empty cell", field=name)
        return value

    exported_text = cell("exported").lower() if "exported" in row else ""
    if exported_text not in TRUE | FALSE:
        raise InputError(f"expected true or false, found {exported_text!r}", field="exported")
    return Vehicle(
        id=cell("vehicle"),
        day=parse_date(cell("date"), field="date"),
        config=cell("config"),
        net_cost=to_decimal(cell("net_cost"), field="net_cost"),
        vnm=to_decimal(cell("vnm"), field="vnm"),
        exported=None if exported_text == "" else exported_text in TRUE,
        line=0,
    )


def assess_fleet(
    configs: Mapping[str, Configuration],
    vehicles: Iterable[Vehicle],
    *,
    assessor: VehicleAssessor | None = None,
    source: str | None = None,
) -> FleetResult:
    """Every vehicle against all its requirements; the records averaging needs."""
    assessor = assessor or VehicleAssessor()
    records = []
    passed = 0
    failing: dict[str, int] = {}
    for v in vehicles:
        config = configs.get(v.config)
        if config is None:
            raise InputError(
                f"unknown configuration {v.config!r}; expected one of {sorted(configs)}",
                source=source,
                line=v.line,
                field="config",
            )
        result = assessor.assess(
            config.block, hs=config.hs, day=v.day, category=config.category, net_cost=v.net_cost, vnm=v.vnm
        )
        if result.passed:
            passed += 1
        for name in result.failed:
            failing[name] = failing.get(name, 0) + 1
        record = vehicle_record(result, config.block, id=v.id, day=v.day)
        if v.exported is not None:
            record = replace(record, exported=v.exported)
        records.append(record)
    return FleetResult(tuple(records), passed, failing)
