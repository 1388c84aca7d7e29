"""What every command shares: the error boundary, JSON output, console.

Exit status of every command:

* 0 success;
* 1 "does not qualify" / "verification failed" (a command's own verdict, never an error);
* 2 bad input or an unusable path: one line on stderr naming the file, line or field
  (JSON on stderr with ``--json``);
* 3 internal error: a bug in tmec, never the user's fault.  One line on stderr, no
  traceback; ``TMEC_DEBUG=1`` lets the exception (and its traceback) through for a bug
  report.  Kept apart from 1 so that a script never reads a crash as "does not qualify".
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn, ParamSpec, TypeVar

import click
from rich.console import Console

from tmec.core.errors import InputError, TmecError
from tmec.reports import dumps as dumps  # re-exported: commands import it from here

P = ParamSpec("P")
R = TypeVar("R")

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3

DEBUG_ENV = "TMEC_DEBUG"

# Markup and emoji codes off: what is printed is the text as given.  A description, supplier,
# part number or file name holding ``[coil]`` or ``:cd:`` would otherwise lose it to Rich's markup
# (or become an emoji; ``[/]`` is an error).  A command that styles its own words passes
# ``markup=True`` and escapes every value it puts in the markup (:func:`rich.markup.escape`).
console = Console(markup=False, emoji=False)
err_console = Console(stderr=True, markup=False, emoji=False)


def _error_document(kind: str, message: str, exit_code: int, **where: Any) -> dict[str, Any]:
    return {"error": {"kind": kind, "message": message, **where, "exit": exit_code}}


def report_error(
    message: str,
    *,
    as_json: bool,
    exit_code: int = EXIT_BAD_INPUT,
    kind: str = "input",
    source: str | None = None,
    field: str | None = None,
    line: int | None = None,
) -> NoReturn:
    """One line on stderr (a JSON document with ``--json``), then exit."""
    if as_json:
        where = {"source": source, "field": field, "line": line}
        doc = _error_document(kind, message, exit_code, **where)
        click.echo(json.dumps(doc, ensure_ascii=False), err=True)
    else:
        prefix = "internal error" if exit_code == EXIT_INTERNAL else "error"
        click.echo(f"{prefix}: {' '.join(message.split())}", err=True)
    sys.exit(exit_code)


def fail_input(message: str, *, as_json: bool = False) -> NoReturn:
    report_error(message, as_json=as_json)


def _os_message(exc: OSError) -> tuple[str, str | None]:
    reason = exc.strerror or str(exc)
    if exc.filename is None:
        return reason, None
    return f"{exc.filename}: {reason}", str(exc.filename)


@contextmanager
def error_boundary(as_json: bool) -> Iterator[None]:
    """Turn every exception into one line and an exit status (see the module docstring)."""
    try:
        yield
    except (click.exceptions.Exit, click.Abort):
        raise
    except click.ClickException as exc:
        if not as_json:
            raise  # click prints its usage error itself (exit 2)
        report_error(exc.format_message(), as_json=True, exit_code=exc.exit_code, kind="usage")
    except InputError as exc:
        report_error(str(exc), as_json=as_json, source=exc.source, field=exc.field, line=exc.line)
    except TmecError as exc:
        report_error(str(exc), as_json=as_json)
    except OSError as exc:  # a path that cannot be read or written is bad input
        message, source = _os_message(exc)
        report_error(message, as_json=as_json, source=source)
    except Exception as exc:
        if os.environ.get(DEBUG_ENV):
            raise
        report_error(
            f"{type(exc).__name__}: {exc} (a bug in tmec; run again with {DEBUG_ENV}=1 for the traceback)",
            as_json=as_json,
            exit_code=EXIT_INTERNAL,
            kind="internal",
        )


def wants_json(args: Sequence[str]) -> bool:
    """Whether the command line asks for JSON (``--json`` before any ``--``)."""
    for arg in args:
        if arg == "--":
            return False
        if arg == "--json":
            return True
    return False


def handles_errors(func: Callable[P, R]) -> Callable[P, R]:
    """The error boundary around one command (the ``tmec`` group has the same one around all)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with error_boundary(bool(kwargs.get("as_json"))):
            return func(*args, **kwargs)

    return wrapper


def writable_file(path: Path, *, option: str) -> Path:
    """Check, before any work, that ``path`` can be written (its directory exists or can be made)."""
    parent = path.parent
    for folder in (parent, *parent.parents):
        if folder.exists():
            if not folder.is_dir():
                raise InputError(f"cannot write {path}: {folder} is not a directory", field=option)
            if not os.access(folder, os.W_OK | os.X_OK):
                raise InputError(f"cannot write {path}: {folder} is not writable", field=option)
            break
    if path.is_dir():
        raise InputError(f"cannot write {path}: it is a directory", field=option)
    return path


def emit_json(obj: Any) -> None:
    click.echo(dumps(obj))


def interactive() -> bool:
    """Whether there is someone at a terminal to ask."""
    return sys.stdin.isatty()


def confirm(question: str, *, yes: bool) -> None:
    """Ask before an irreversible step; ``--yes`` skips the question.  Without a terminal to ask on,
    refuse (exit 2) rather than guess: a script must say ``--yes``."""
    if yes:
        return
    if not interactive():
        raise InputError(
            "needs confirmation: give --yes (or --dry-run to see what would be done)", field="--yes"
        )
    if not click.confirm(question, default=False, err=True):
        click.echo("nothing done", err=True)
        sys.exit(EXIT_FAIL)
