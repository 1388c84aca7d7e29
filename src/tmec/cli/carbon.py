"""``tmec carbon``: what the EU CBAM charges a steel or aluminium good, from the official tables.

    tmec carbon --cn CN8 --origin CC --mass TONNES --year YYYY [--price EUR] [--actual FILE] [--json]
    tmec carbon ... --supplier NAME [--installation ID]   the supplier's emissions declaration in force
    tmec carbon declare IMPORTS.csv --year YYYY      the importer's annual declaration
    tmec carbon compare --cn CN8 --origins MX,CN     certificates per tonne, 2026-2034
    tmec carbon sign-emissions ACTUAL.yaml --out X.json   a producer's signed emissions declaration

``carbon`` is a group that also runs on its own: its options are the single calculation's, and
``declare`` / ``compare`` are subcommands.  Exit 0 success, 2 bad input (an unknown or non-CBAM
CN code is bad input: it is never priced at zero).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tmec.carbon.actual import ActualData
from tmec.carbon.certificates import Assessment, ImportLine, assess
from tmec.cli._carbon_files import read_actual
from tmec.cli._common import console, emit_json, handles_errors
from tmec.cli._issuer import issuer, passphrase, passphrase_option
from tmec.cli._table import Column, format_option, show_table
from tmec.core.countries import country
from tmec.core.dates import parse_date
from tmec.core.errors import InputError
from tmec.core.money import to_decimal
from tmec.core.trace import Step
from tmec.engine.session import ENGINES

if TYPE_CHECKING:
    from tmec.statements.model import Statement

__all__ = ["command"]


def _say(text: str) -> None:
    console.print(text, highlight=False, markup=False)


def _amount(value: str | None, option: str, *, positive: bool = False) -> Decimal | None:
    if value is None:
        return None
    amount = to_decimal(value, field=option)
    if positive and amount <= 0:
        raise InputError(f"expected a number above 0, found {value!r}", field=option)
    return amount


def _proposal(cn: str, year: int, as_json: bool) -> bool:
    """The 2028 downstream proposal as an explicit scenario: a scope screen, labelled."""
    from tmec.law.carbon import load_tables

    tables = load_tables()
    scope = tables.proposal_scope(cn, field="--cn")
    if scope is None or tables.is_good(scope.cn):
        return False
    out = {
        "cn": scope.cn,
        "scenario": "COM(2025) 989 downstream extension",
        "status": scope.status,
        "in_scope_from": scope.proposed_application,
        "entry": scope.entry,
        "ex": scope.ex,
        "description": scope.description,
        "note": scope.note,
        "applies_in_year": year >= int(scope.proposed_application[:4]),
        "flags": ["proposal, not law: no default values or benchmarks are published for this code"],
    }
    if as_json:
        emit_json(out)
    else:
        _say(
            f"CN {scope.cn}: in scope under COM(2025) 989 from {scope.proposed_application} "
            f"(proposal, not law; entry {scope.entry}{' ex' if scope.ex else ''}: {scope.description}). "
            "No default values or benchmarks are published for it."
        )
    return True


@click.group("carbon", invoke_without_command=True)
@click.option("--cn", help="CN code of the good, 8 digits")
@click.option("--origin", help="country of origin, ISO 3166 (MX, CN, ...)")
@click.option("--mass", help="net mass, tonnes")
@click.option("--year", type=int, help="year of import (2026 on)")
@click.option("--date", "day", help="import date (selects the price period); default 1 January")
@click.option("--price", help="certificate price, EUR per t CO2e (overrides the published price)")
@click.option(
    "--actual",
    type=click.Path(dir_okay=False, path_type=Path),
    help="the producer's actual data (YAML, CSV, EU template .xlsx, signed declaration .json)",
)
@click.option("--route", help="production route letter, when the data's marker does not name one")
@click.option(
    "--supplier",
    help="the producer: without --actual, its emissions declaration in force (tmec statements) is used",
)
@click.option("--installation", help="with --supplier: the installation whose declaration is used")
@click.option("--no-statements", is_flag=True, help="ignore the emissions declarations in the store")
@click.option(
    "--paid-abroad", help="carbon price effectively paid abroad, EUR per t CO2e (Art. 9, provisional)"
)
@click.option("--rate", help="units of --currency per EUR, to show the cost in another currency")
@click.option("--currency", default=None, help="the other currency's code (with --rate)")
@click.option("--proposal", is_flag=True, help="screen CN codes of the 2028 downstream proposal (not law)")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@handles_errors
def command(
    ctx: click.Context,
    cn: str | None,
    origin: str | None,
    mass: str | None,
    year: int | None,
    day: str | None,
    price: str | None,
    actual: Path | None,
    route: str | None,
    supplier: str | None,
    installation: str | None,
    no_statements: bool,
    paid_abroad: str | None,
    rate: str | None,
    currency: str | None,
    proposal: bool,
    as_json: bool,
) -> None:
    """Certificates and cost of one CBAM good: embedded emissions less the free-allocation adjustment."""
    if ctx.invoked_subcommand is not None:
        given = [
            o
            for o, v in (
                ("--cn", cn),
                ("--origin", origin),
                ("--mass", mass),
                ("--year", year),
                ("--actual", actual),
                ("--price", price),
            )
            if v is not None
        ]
        if given:
            raise InputError(
                f"{', '.join(given)} belong to the single calculation, not to "
                f"'carbon {ctx.invoked_subcommand}': put them after the subcommand"
            )
        return
    missing = [
        o for o, v in (("--cn", cn), ("--origin", origin), ("--mass", mass), ("--year", year)) if v is None
    ]
    if missing and not (proposal and cn and year):
        raise InputError(f"missing {', '.join(missing)} (or a subcommand: declare, compare)")
    assert cn is not None and year is not None
    if proposal and _proposal(cn, year, as_json):
        return
    if rate is not None and not currency:
        raise InputError("give the currency's code with --rate", field="--currency")
    if installation is not None and supplier is None:
        raise InputError(
            "--installation names a supplier's installation: give --supplier", field="--supplier"
        )
    when = parse_date(day, field="--date") if day else None
    data = read_actual(actual) if actual is not None else None
    declaration = None
    if data is None and supplier is not None and not no_statements:
        declaration = _declaration(supplier, cn, when or dt.date(year, 1, 1), installation)
        if declaration is not None:
            from tmec.statements.emissions import to_actual

            data = to_actual(declaration)
    line = ImportLine(
        cn=cn,
        origin=country(origin, field="--origin"),
        mass=_amount(mass, "--mass") or Decimal(0),
        year=year,
        date=when,
        price=_amount(price, "--price"),
        actual=data,
        route=route,
        carbon_price_paid=_amount(paid_abroad, "--paid-abroad"),
        rate=_amount(rate, "--rate", positive=True),
        currency=currency.upper() if currency else None,
    )
    from tmec.law.carbon import load_carbon_law

    try:
        result = assess(load_carbon_law(), line)
    except InputError as exc:
        raise _as_option(exc) from None
    out = result.to_dict()
    if declaration is not None:
        from tmec.statements.emissions import REFERENCE

        step = Step(
            "statement.applied",
            f"actual data {declaration.what()}, by statement {declaration.id} of "
            f"{declaration.supplier} (valid {declaration.validity}, signed by {declaration.signed_by})",
            REFERENCE,
            detail=declaration.citation(),
        )
        result.steps.insert(0, step)
        out["explanation"].insert(0, step.to_dict())
        out["statements"] = [declaration.citation()]
    if as_json:
        emit_json(out)
        return
    _print(result)
    if declaration is not None:
        _say(result.steps[0].result)


def _declaration(supplier: str, cn: str, day: dt.date, installation: str | None) -> Statement | None:
    """The supplier's emissions declaration for ``cn`` in force on ``day``, from the store."""
    from tmec.carbon.tables import cn_digits
    from tmec.cli._statements_store import statements_in_force
    from tmec.statements.emissions import declaration_for

    digits = cn_digits(cn, field="--cn")
    found = statements_in_force(day, [supplier], kinds=("emissions",))
    return declaration_for(found, supplier, digits, day, installation)


_OPTIONS = {
    "cn": "--cn",
    "origin": "--origin",
    "mass": "--mass",
    "year": "--year",
    "date": "--date",
    "price": "--price",
    "route": "--route",
}


def _as_option(exc: InputError) -> InputError:
    return InputError(
        exc.message, source=exc.source, field=_OPTIONS.get(exc.field or "", exc.field), line=exc.line
    )


def _print(a: Assessment) -> None:
    title = f"CBAM {a.line.year}: {a.line.mass} t of CN {a.good.cn} from {a.line.origin} ({a.data} data)"
    rows: list[tuple[str, Any]] = [
        ("specific embedded emissions, t CO2e/t", a.see),
        ("route", a.route or "none"),
        ("default table", a.default_table or "—"),
        ("embedded emissions, t CO2e", a.embedded_emissions),
        ("free-allocation adjustment (SEFA per t)", a.sefa),
        ("free-allocation adjustment, t CO2e", a.free_allocation),
        ("carbon price paid abroad, certificates", a.deduction),
        ("certificates", a.certificates),
        (f"price, EUR ({a.price_period})", a.price),
        ("cost, EUR", f"{a.cost:,.2f}"),
    ]
    if a.cost_other is not None:
        rows.append((f"cost, {a.line.currency}", f"{a.cost_other:,.2f}"))
    show_table(
        [Column("quantity"), Column("value", numeric=True)], [(k, str(v)) for k, v in rows], title=title
    )
    for f in a.flags:
        _say(f"[flag] {f}")


@command.command("declare")
@click.argument("imports", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--year", type=int, required=True, help="the calendar year declared")
@click.option(
    "--price", help="certificate price, EUR per t CO2e, for every line (else each date's published price)"
)
@click.option(
    "--actual",
    "actual_files",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="actual data of an installation named in the 'installation' column (repeatable)",
)
@click.option("--no-statements", is_flag=True, help="ignore the emissions declarations in the store")
@click.option("--engine", type=click.Choice(ENGINES), default="duckdb", show_default=True)
@format_option
@click.option("--json", "as_json", is_flag=True, help="the whole declaration, with totals and flags")
@handles_errors
def declare(
    imports: Path,
    year: int,
    price: str | None,
    actual_files: tuple[Path, ...],
    no_statements: bool,
    engine: str,
    fmt: str,
    as_json: bool,
) -> None:
    """The annual CBAM declaration of IMPORTS (CSV or Parquet: cn, origin, net_mass in tonnes, date,
    optional installation, supplier): certificates and cost by CN code, origin and quarter."""
    from tmec.cli._statements_store import emissions_declarations
    from tmec.engine import connect
    from tmec.engine.cbam import declare_lines
    from tmec.law.carbon import load_carbon_law

    actuals: dict[str, ActualData] = {}
    for file in actual_files:
        data = read_actual(file)
        key = data.installation.id
        if not key:
            raise InputError(
                "an actual-data file for a declaration needs its installation id",
                source=str(file),
                field="installation.id",
            )
        if key in actuals:
            raise InputError(
                f"installation {key!r} is given twice", source=str(file), field="installation.id"
            )
        actuals[key] = data
    declarations = [] if no_statements else emissions_declarations()
    with connect(engine) as e:  # type: ignore[arg-type]
        result = declare_lines(
            e,
            imports,
            load_carbon_law(),
            year=year,
            price=_amount(price, "--price"),
            actuals=actuals,
            declarations=declarations,
        )
    out = {"imports": str(imports), "engine": engine, **result.to_dict()}
    if as_json:
        emit_json(out)
        return
    columns = [Column("CN"), Column("origin"), Column("quarter"), Column("lines", numeric=True),
               Column("net mass t", numeric=True), Column("embedded t", numeric=True),
               Column("certificates", numeric=True), Column("cost EUR", numeric=True)]  # fmt: skip
    rows = [
        (r["cn"], r["origin"], r["quarter"], f"{r['lines']:,}", f"{r['mass']:,}",
         f"{r['embedded_emissions']:,.3f}", f"{r['certificates']:,.3f}", f"{r['cost']:,.2f}")
        for r in result.rows
    ]  # fmt: skip
    show_table(columns, rows, fmt=fmt, title=f"CBAM declaration {year}: {imports.name}")
    if fmt != "table":
        return
    tot = result.totals
    _say(
        f"net mass {tot['mass']:,} t; certificates owed {tot['certificates_owed']:,.3f}; "
        f"cost owed EUR {tot['cost_owed']:,.2f}"
    )
    for h in result.holding:
        _say(f"hold at end of {h['quarter_end']}: {h['to_hold']:,.3f} certificates")
    for r in result.rows:
        if r.get("statements"):
            ids = ", ".join(r["statements"])
            _say(f"{r['cn']} {r['origin']} {r['quarter']}: actual data by statement {ids}")
    for c in result.statements:
        _say(
            f"statement {c['id']} of {c['supplier']}: {c['states']} (valid {c['valid_from']} to "
            f"{c['valid_to']}, signed by {c['signed_by']})"
        )
    for f in result.flags:
        _say(f"[flag] {f}")


@command.command("compare")
@click.option("--cn", required=True, help="CN code of the good, 8 digits")
@click.option("--origins", required=True, help="origins to compare, ISO codes separated by commas")
@click.option(
    "--price", help="certificate price held for every year, EUR (default: 2026-Q1's published price)"
)
@click.option(
    "--actual",
    type=click.Path(dir_okay=False, path_type=Path),
    help="a producer's actual data (any --actual form) to show beside the defaults",
)
@click.option(
    "--actual-see", help="a specific embedded emissions value to show beside the defaults, t CO2e/t"
)
@click.option("--actual-route", help="the route of --actual-see (benchmark column A)")
@click.option("--route", help="route for defaults whose marker does not name one")
@click.option(
    "--claim",
    "claims",
    multiple=True,
    help="a published claim shown beside, never ranked: ORIGIN:VALUE:WHO, UNIT AND SCOPE (repeatable)",
)
@click.option(
    "--chart", type=click.Path(dir_okay=False, path_type=Path), help="write the chart (.svg or .png)"
)
@format_option
@click.option("--json", "as_json", is_flag=True, help="the whole comparison, with scopes, claims and flags")
@handles_errors
def compare_command(
    cn: str,
    origins: str,
    price: str | None,
    actual: Path | None,
    actual_see: str | None,
    actual_route: str | None,
    route: str | None,
    claims: tuple[str, ...],
    chart: Path | None,
    fmt: str,
    as_json: bool,
) -> None:
    """Certificates and EUR per tonne, 2026-2034, per origin: defaults vs a given actual value."""
    from tmec.carbon.actual import parse_actual
    from tmec.carbon.chart import comparison_figure, to_svg
    from tmec.carbon.compare import compare, parse_claim
    from tmec.law.carbon import load_carbon_law

    codes = [country(o, field="--origins") for o in origins.split(",") if o.strip()]
    if not codes:
        raise InputError("expected at least one origin", field="--origins")
    if actual is not None and actual_see is not None:
        raise InputError("give --actual or --actual-see, not both", field="--actual-see")
    data = read_actual(actual) if actual is not None else None
    if actual_see is not None:
        good: dict[str, Any] = {"cn": cn, "see_direct": _amount(actual_see, "--actual-see")}
        if actual_route:
            good["route"] = actual_route
        data = parse_actual({"verified": False, "goods": [good]}, source="--actual-see")
    result = compare(
        load_carbon_law(),
        cn,
        codes,
        price=_amount(price, "--price"),
        actual=data,
        route=route,
        claims=[parse_claim(c) for c in claims],
    )
    out = result.to_dict()
    if chart is not None:
        fig = comparison_figure(result)
        if chart.suffix.lower() == ".png":
            from tmec.cli._carbon_png import to_png

            blob = to_png(fig)
        elif chart.suffix.lower() == ".svg":
            blob = to_svg(fig).encode("utf-8")
        else:
            raise InputError(f"expected a .svg or .png file, found {chart.name!r}", field="--chart")
        tmp = chart.with_name(f".{chart.name}.tmp")
        tmp.write_bytes(blob)
        tmp.replace(chart)
        out["chart"] = str(chart)
    if as_json:
        emit_json(out)
        return
    years = [p["year"] for p in result.series[0].points]
    columns = [Column("series"), *(Column(str(y), numeric=True) for y in years)]
    for what, key, pattern in (
        ("certificates per tonne", "certificates_per_t", "{:.3f}"),
        ("EUR per tonne", "eur_per_t", "{:,.2f}"),
    ):
        rows = [
            (
                (s.origin or "actual") + (f" {s.route}" if s.route else ""),
                *(pattern.format(p[key]) for p in s.points),
            )
            for s in result.series
        ]
        show_table(columns, rows, fmt=fmt, title=f"CN {result.cn}: {what}")
    if fmt != "table":
        return
    _say(f"price: {result.price_note}")
    for c in result.claims:
        _say(f"claim, not ranked (other scope): {c.origin} {c.value} — {c.label}")
    for f in result.flags:
        _say(f"[flag] {f}")
    if chart is not None:
        _say(f"chart written to {chart}")


@command.command("sign-emissions")
@click.argument("actual_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="where to write the signed declaration (.json)",
)
@click.option("--date", "day", help="declaration date (default today)")
@passphrase_option
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def sign_emissions(
    actual_file: Path, out: Path, day: str | None, passphrase_file: Path | None, as_json: bool
) -> None:
    """Sign a producer's emissions data (the --actual YAML form) and append it to the transparency log."""
    from tmec.certify.canonical import canonical_json
    from tmec.certify.emissions import build_payload, issue_emissions
    from tmec.law import load_yaml

    if actual_file.suffix.lower() not in {".yaml", ".yml"}:
        raise InputError("expected the YAML form of actual data", source=str(actual_file))
    if not actual_file.is_file():
        raise InputError("no such file", source=str(actual_file))
    if out.suffix.lower() != ".json":
        raise InputError(f"expected a .json file, found {out.name!r}", field="--out")
    iss = issuer()
    signer = iss.signer(passphrase(passphrase_file))
    payload = build_payload(
        load_yaml(actual_file),
        source=str(actual_file),
        day=parse_date(day, field="--date") if day else dt.date.today(),
        issuer={"log_origin": signer.public.name, "key_id": signer.public.key_id},
    )
    env = issue_emissions(iss, signer, payload)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_bytes(canonical_json(env) + b"\n")
    tmp.replace(out)
    info = {"declaration_id": payload["certificate_id"], "log_index": env["log"]["index"], "file": str(out)}
    if as_json:
        emit_json(info)
        return
    _say(f"signed emissions declaration {info['declaration_id']}, log entry {info['log_index']}: {out}")
