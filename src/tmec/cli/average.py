"""``tmec average CASE... --category C --fiscal-year-start MM-DD``: average vehicles over a period.

Qualifies every vehicle case (each must be a vehicle class), then averages their
RVC — and their Table A.2 core parts, per part and as a super-core — by the UR
s.16(1) category over the averaging period each falls in.  With ``--vehicles
LIST.csv`` the CASES are configurations and the list holds one line per vehicle
built (its configuration, date, net cost and VNM; ``tmec.origin.automotive.fleet``):
a model year of a plant.  Exit 0 when every group meets its threshold, 1 when one
does not, 2 for bad input.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.markup import escape

from tmec.cli._common import EXIT_FAIL, EXIT_OK, console, emit_json, handles_errors
from tmec.cli._table import Column, show_table
from tmec.core.errors import InputError
from tmec.law import load_parameters
from tmec.origin import load_case, qualify
from tmec.origin.automotive.averaging import CATEGORIES, OPTIONS, VehicleRecord, average, parse_month_day
from tmec.origin.automotive.fleet import Configuration, assess_fleet, configuration, read_vehicles
from tmec.origin.automotive.integrate import is_vehicle, record_from_result


def _files(paths: tuple[str, ...]) -> list[Path]:
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.suffix in (".yaml", ".yml", ".json")))
        elif p.is_file():
            out.append(p)
        else:
            raise InputError(f"no such file or directory: {raw}", field="CASES")
    if not out:
        raise InputError("no vehicle case files given", field="CASES")
    return out


@click.command("average")
@click.argument("cases", nargs=-1, required=True)
@click.option(
    "--category",
    type=click.Choice(CATEGORIES),
    default="class_plant",
    show_default=True,
    help="UR s.16(1) category: (a) model_line_class_plant, (b) class_plant, (c) model_line/class_country",
)
@click.option(
    "--fiscal-year-start", default="01-01", show_default=True, help="MM-DD the producer's fiscal year starts"
)
@click.option(
    "--period",
    "option",
    type=click.Choice(OPTIONS),
    default="fiscal_year",
    show_default=True,
    help="fiscal_year, or the transitional July-June periods (UR s.16(5))",
)
@click.option(
    "--exported-only", is_flag=True, help="average only the vehicles exported to another USMCA country"
)
@click.option(
    "--vehicles",
    type=click.Path(dir_okay=False),
    help="CSV, a line per vehicle: vehicle,date,config,net_cost,vnm[,exported]; CASES: its configurations",
)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def command(
    cases: tuple[str, ...],
    category: str,
    fiscal_year_start: str,
    option: str,
    exported_only: bool,
    vehicles: str | None,
    as_json: bool,
) -> None:
    """Average the RVC and core parts of many vehicle CASES (files or folders) by category and period."""
    start = parse_month_day(fiscal_year_start)
    failing_other: dict[str, list[str]] = {}
    failing_count: dict[str, int] = {}
    below_alone = 0
    if vehicles is not None:
        fleet = assess_fleet(_configurations(cases), read_vehicles(vehicles), source=vehicles)
        records: list[VehicleRecord] = list(fleet.records)
        failing_count = {k: v for k, v in fleet.failing.items() if k != "vehicle_rvc"}
        below_alone = fleet.failing.get("vehicle_rvc", 0)
    else:
        records = []
        for path in _files(cases):
            case = load_case(str(path))
            det = qualify(case)
            rec = record_from_result(det, source=str(path))
            records.append(rec)
            other = [n for n in (det.automotive or {}).get("failed", []) if n != "vehicle_rvc"]
            below_alone += "vehicle_rvc" in (det.automotive or {}).get("failed", [])
            if other:
                failing_other[rec.id] = other
                for n in other:
                    failing_count[n] = failing_count.get(n, 0) + 1
    groups = average(
        records,
        category=category,
        fiscal_year_start=start,
        params_at=load_parameters().at,
        exported_only=exported_only,
        option=option,
    )
    ok = bool(groups) and all(g.passed for g in groups)
    if as_json:
        emit_json(
            {
                "category": category,
                "fiscal_year_start": fiscal_year_start,
                "period_option": option,
                "exported_only": exported_only,
                "groups": [g.to_dict() | ({} if vehicles else {"ids": g.vehicles}) for g in groups],
                "vehicles_failing_other_requirements": failing_other,
                "failing_other_requirements": failing_count,
                "vehicles_below_rvc_alone": below_alone,
                "passed": ok,
            }
        )
    else:
        rows = []
        for g in groups:
            d = g.to_dict()
            rows.append(
                [
                    " / ".join(f"{v}" for v in g.key.values()),
                    f"{d['period']['start']}\n{d['period']['end']}",
                    str(g.count),
                    f"{g.value:.4f}",
                    str(g.threshold),
                    "pass" if g.passed else "fail",
                ]
            )
        columns = [
            Column("group"),
            Column("period"),
            Column("vehicles", numeric=True),
            Column("RVC %", numeric=True),
        ]
        columns += [Column("threshold %", numeric=True), Column("")]
        show_table(columns, rows, title=f"Vehicle RVC averaged by {category} (UR s.16)")
        for g in groups:
            console.print(
                f"  {' / '.join(map(str, g.key.values()))}: Σ net cost {g.net_cost}, Σ VNM {g.vnm}",
                highlight=False,
            )
            parts = g.core_parts()
            if parts:
                shown = ", ".join(f"{k} {v['value']:.2f}" for k, v in parts.items())
                console.print(
                    f"  core parts averaged ({', '.join(map(str, g.key.values()))}): {shown}", highlight=False
                )
        for vid, names in failing_other.items():
            console.print(
                f"  [yellow]{escape(vid)}[/] "
                + escape(f"also fails {', '.join(names)} (not cured by averaging the RVC)"),
                highlight=False,
                markup=True,
            )
        console.print(
            f"  {below_alone} of {len(records)} vehicle(s) are below their RVC threshold on their own",
            highlight=False,
        )
        if vehicles:
            for name, n in sorted(failing_count.items()):
                console.print(
                    f"  [yellow]{n}[/] " + escape(f"vehicle(s) fail {name} (not cured by averaging the RVC)"),
                    markup=True,
                )
    sys.exit(EXIT_OK if ok else EXIT_FAIL)


def _configurations(cases: tuple[str, ...]) -> dict[str, Configuration]:
    """The configuration cases, by id and by file name."""
    out: dict[str, Configuration] = {}
    for path in _files(cases):
        case = load_case(str(path))
        if not is_vehicle(case):
            raise InputError(
                f"a configuration must be a vehicle case, found good.category {case.good.category!r}",
                source=str(path),
                field="good.category",
            )
        config = configuration(
            case.id or path.stem, case.good.hs, case.good.category, case.automotive, source=str(path)
        )
        out[config.id] = config
        out.setdefault(path.stem, config)
    return out
