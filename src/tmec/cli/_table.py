"""Tables that stay readable anywhere: at 80 columns, piped, or read by a program.

``--format table`` (people): numbers are never cut or wrapped and words are never broken; a
table too wide for the terminal (80 columns when piped, or ``$COLUMNS``) wraps its text
columns at spaces, and when even that cannot fit, switches to a record layout, one
``name: value`` line per column.  ``--format csv`` and ``--format json`` are for programs:
the same rows, unformatted by width.
"""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tmec.cli._common import console, dumps

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = ("table", "csv", "json")
_BORDER = 3  # "│ " + " " per column in rich's default box, plus one for the closing edge


@dataclass(frozen=True)
class Column:
    name: str
    numeric: bool = False  # right-aligned, never wrapped, never cut
    machine_only: bool = False  # an identifier for programs (csv, json): people read the column beside it


def format_option(f: F) -> F:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="table for people (fits the terminal); csv or json for programs",
    )(f)


def _longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


def _natural(col: Column, rows: Sequence[Sequence[str]], i: int) -> int:
    return max([len(col.name), *(max((len(x) for x in r[i].splitlines()), default=0) for r in rows)])


def _least(col: Column, rows: Sequence[Sequence[str]], i: int) -> int:
    if col.numeric:
        return _natural(col, rows, i)
    return max([_longest_word(col.name), *(_longest_word(r[i]) for r in rows)])


def _width(widths: Sequence[int]) -> int:
    return sum(widths) + _BORDER * len(widths) + 1


def show_table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    *,
    fmt: str = "table",
    title: str | None = None,
    caption: str | None = None,
    out: Console | None = None,
) -> None:
    """Print ``rows`` (already formatted strings) as a table, CSV or JSON (see the module docstring)."""
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow([c.name for c in columns])
        writer.writerows(rows)
        click.echo(buf.getvalue(), nl=False)
        return
    if fmt == "json":
        click.echo(dumps([dict(zip((c.name for c in columns), r, strict=True)) for r in rows]))
        return
    out = out or console
    shown = [i for i, c in enumerate(columns) if not c.machine_only]
    columns = [columns[i] for i in shown]
    rows = [[r[i] for i in shown] for r in rows]
    least = [_least(c, rows, i) for i, c in enumerate(columns)]
    if _width(least) > out.width:
        _records(columns, rows, title=title, caption=caption, out=out)
        return
    natural = [_natural(c, rows, i) for i, c in enumerate(columns)]
    fits = _width(natural) <= out.width
    table = Table(title=Text(title) if title else None, caption=caption, title_justify="left")
    for i, c in enumerate(columns):
        table.add_column(
            Text(c.name),
            justify="right" if c.numeric else "left",
            no_wrap=c.numeric or fits,
            min_width=natural[i] if c.numeric or fits else least[i],
            overflow="fold",
        )
    for r in rows:
        table.add_row(*(Text(x) for x in r))
    out.print(table)


def _records(
    columns: Sequence[Column], rows: Sequence[Sequence[str]], *, title: str | None, caption: str | None,
    out: Console,
) -> None:  # fmt: skip
    """One block a row, one ``name: value`` line a column: any width, nothing cut."""
    if title:
        out.print(Text(title, style="bold"), soft_wrap=True)
    pad = max(len(c.name) for c in columns)
    for r in rows:
        out.print()
        for c, value in zip(columns, r, strict=True):
            if value:  # wrapped at spaces under its value; a word longer than the line stays whole
                line = textwrap.fill(f"  {c.name:<{pad}}  {value}", width=max(out.width, pad + 20),
                                     subsequent_indent=" " * (pad + 4), break_long_words=False,
                                     break_on_hyphens=False)  # fmt: skip
                out.print(Text(line), soft_wrap=True)
    if caption:
        out.print(Text(caption, style="dim"), soft_wrap=True)
