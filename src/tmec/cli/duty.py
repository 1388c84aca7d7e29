"""``tmec duty``: what duty an entry line owes on a date, with every measure and its law.

One line from options, or many from ``--entries FILE.csv`` (columns ``entry_date, hts, origin,
value`` and optionally ``usmca, steel_value, aluminum_value, non_us_content, melted_poured,
smelted_cast, quantity, weight_kg, metal_weight_kg, metals_relief, us_parts_value, program,
line``; ``metals_relief`` may declare several facts, separated by ``;``).  Exit 2 on bad input,
naming the option or the file, line and column.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from tmec.cli._common import console, emit_json, handles_errors
from tmec.cli._locale import locale_option
from tmec.cli._table import Column, format_option, show_table
from tmec.core.errors import InputError
from tmec.core.input_limits import read_input
from tmec.core.money import quantize
from tmec.reports.duty import batch_document, entries_from_csv, latest_warning
from tmec.tariffs import Duty, DutyLine, Entry, TariffTables, entry_from_mapping, price_entry
from tmec.tariffs.pricing import default_tables

# Entry fields -> the options that set them, so an error names what the user typed.
_OPTION = {
    "entry_date": "--date",
    "hts": "--hts",
    "origin": "--origin",
    "value": "--value",
    "usmca": "--usmca",
    "steel_value": "--steel-value",
    "aluminum_value": "--aluminum-value",
    "non_us_content": "--non-us-content",
    "melted_poured": "--melted-poured",
    "smelted_cast": "--smelted-cast",
    "quantity": "--quantity",
    "weight_kg": "--weight-kg",
    "program": "--program",
    "metal_weight_kg": "--metal-weight-kg",
    "copper_value": "--copper-value",
    "metals_relief": "--metals-relief",
    "us_parts_value": "--us-parts-value",
}


def _as_option(exc: InputError) -> InputError:
    field = _OPTION.get(exc.field or "", exc.field)
    return InputError(exc.message, source=exc.source, field=field, line=exc.line)


def _single(options: dict[str, Any], locale: str | None) -> Entry:
    missing = [o for o in ("hts", "origin", "value", "entry_date") if options.get(o) in (None, "")]
    if missing:
        raise InputError(
            "required with a single entry (or give --entries FILE.csv): "
            + ", ".join(_OPTION[m] for m in missing)
        )
    return entry_from_mapping({k: v for k, v in options.items() if v is not None}, locale=locale)


def _read_entries(path: Path, locale: str | None) -> list[Entry]:
    source = str(path)
    try:
        data = read_input(path)
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", source=source) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} at byte {exc.start} (save the file as UTF-8)",
            source=source,
            line=line,
        ) from None
    return entries_from_csv(text, source, locale=locale)


def _price(
    entry: Entry,
    tables: TariffTables,
    *,
    basis: str = "liability",
    source: str | None = None,
    line: int | None = None,
) -> Duty:
    try:
        return price_entry(entry, tables=tables, basis=basis)
    except InputError as exc:
        raise exc.located(source=source, line=line) from None


COLUMNS = (Column("measure"), Column("heading"), Column("rate %", numeric=True), Column("base", numeric=True),
           Column("duty", numeric=True), Column("reference"))  # fmt: skip


def _rate(ln: DutyLine) -> str:
    """A percent, or dollars per unit for a specific rate."""
    return f"${ln.rate}/{ln.unit}" if ln.unit else str(ln.rate)


def _rows(duty: Duty) -> list[list[str]]:
    return [
        [ln.measure, ln.heading, _rate(ln), str(ln.base), str(ln.duty), ln.reference] for ln in duty.lines
    ]


def _print_rows(duties: list[Duty], fmt: str) -> None:
    """Every duty line of every entry line, for programs (``--format csv|json``)."""
    columns = (Column("line"), Column("hts"), Column("origin"), Column("entry_date"), *COLUMNS)
    rows = [[d.entry.line or "", d.entry.hts, d.entry.origin, str(d.entry.entry_date), *r]
            for d in duties for r in _rows(d)]  # fmt: skip
    show_table(columns, rows, fmt=fmt)


def _print(duty: Duty) -> None:
    e = duty.entry
    claim = (" USMCA claimed" if e.usmca else "") + (f" ({duty.basis})" if duty.basis != "liability" else "")
    head = f"{e.line}: " if e.line else ""
    title = f"{head}HTS {e.hts} from {e.origin}, value {e.value}, entered {e.entry_date}{claim}"
    show_table(COLUMNS, _rows(duty), title=title)
    console.print(
        f"total duty {duty.total_duty}  effective rate {quantize(duty.effective_rate, 2)} %"
        + ("  (includes unverified data)" if duty.unverified else ""),
        highlight=False,
        markup=False,
    )
    if duty.warning:
        console.print(f"  warning: {duty.warning}", highlight=False, markup=False, soft_wrap=True)
    for note in duty.notes:
        console.print(f"  note: {note}", highlight=False, markup=False)
    for q in duty.questions:
        console.print(f"  question: {q.text}", highlight=False, markup=False)


@click.command("duty")
@click.option("--hts", help="HTS code, 8 or 10 digits (7208.39.00, 8703.23.01.90)")
@click.option("--origin", help="country of origin, ISO code (MX, CA)")
@click.option("--value", help="entered (customs) value in USD")
@click.option("--date", "entry_date", help="entry date YYYY-MM-DD")
@click.option("--usmca", is_flag=True, default=None, help="the USMCA preference is claimed (SPI S)")
@click.option("--steel-value", help="value of the steel content (derivatives)")
@click.option("--aluminum-value", help="value of the aluminum content (derivatives)")
@click.option("--non-us-content", help="approved non-US content value of a USMCA vehicle")
@click.option(
    "--us-parts-value",
    help="value of the parts produced in the United States (USMCA steel derivatives, U.S. note 16(j))",
)
@click.option("--copper-value", help="value of the copper content (Section 232 copper, 2025)")
@click.option("--melted-poured", help="country where the steel was melted and poured (or 'unknown')")
@click.option("--smelted-cast", help="country where the aluminum was smelted and cast (or 'unknown')")
@click.option(
    "--quantity", help="quantity in the line's unit of quantity (for specific rates: per No., liter…)"
)
@click.option("--weight-kg", help="net weight in kg (for rates per kg)")
@click.option(
    "--metal-weight-kg", help="weight of the steel, aluminum or copper in it (2026 metals: under 15 %)"
)
@click.option("--program", help="special program claimed other than USMCA, by its symbol (KR, AU, A+, D)")
@click.option(
    "--metals-relief",
    multiple=True,
    help="the facts only the importer knows that the line declares (several: repeat the option or "
    "separate them with ';'; two the law makes exclusive are refused): a metals relief of U.S. note 16, "
    "commerce_quota (9903.82.18/.19), motorcycle_parts (9903.82.13), equipment_parts (9903.82.23-.26); "
    "vehicle_part (a part of a passenger vehicle or light truck of a general-purpose provision of note "
    "33(g), 9903.94.05); not_wood_cabinet "
    "(note 37(g), 9903.76.04); semiconductor_article (note 39(b), 9903.79.01); s301_exclusion (the "
    "description of a Section 301 product exclusion, U.S. note 20(vvv)/(www), 9903.88.69/.70); "
    "uk_vehicle_quota (a UK passenger vehicle within the quota of U.S. note 33(i), 9903.94.31); "
    "auto_part_certified (a part certified for US automobile production or repair, note 33(p), (r), "
    "9903.94.07 and the EU's, Japan's, Korea's, Taiwan's headings); uk_auto_part_certified (a UK part "
    "certified for UK automobiles, note 33(q), 9903.94.33); "
    "unpatented_pharma (an EU, Swiss or Liechtenstein product not patented for pharmaceutical use, "
    "9903.02.77/.86/.91); or none",
)
@click.option(
    "--basis",
    type=click.Choice(["liability", "deposited"]),
    default="liability",
    show_default=True,
    help="the law as it stands (retroactive orders included) or the duty deposited at entry",
)
@click.option(
    "--entries", type=click.Path(path_type=Path), help="CSV of entry lines instead of the options above"
)
@format_option
@click.option("--json", "as_json", is_flag=True, help="machine-readable output, every field")
@locale_option
@handles_errors
def command(
    entries: Path | None, basis: str, fmt: str, as_json: bool, locale: str | None, **options: Any
) -> None:
    """The duty an entry line owes on its date: ordinary duty plus Section 232, IEEPA and Section 122,
    stacked as the law says, with USMCA relief where it applies."""
    if entries is not None:
        tables = default_tables()
        duties = [
            _price(e, tables, basis=basis, source=str(entries), line=n)
            for n, e in enumerate(_read_entries(entries, locale), start=2)
        ]
        if as_json:
            emit_json(batch_document(duties, basis, tables))
            return
        if fmt != "table":
            _print_rows(duties, fmt)
            return
        for d in duties:
            _print(d)
        total = sum((d.total_duty for d in duties), Decimal(0))
        console.print(f"{len(duties)} entry lines, total duty {total}", highlight=False, markup=False)
        if (warning := latest_warning(duties)) is not None:
            console.print(f"warning: {warning}", highlight=False, markup=False, soft_wrap=True)
        return
    try:
        duty = _price(_single(options, locale), default_tables(), basis=basis)
    except InputError as exc:
        raise _as_option(exc) from None
    if as_json:
        emit_json(duty.to_dict())
        return
    if fmt != "table":
        _print_rows([duty], fmt)
        return
    _print(duty)
