"""What every command shares: error handling, JSON output, console."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from decimal import Decimal
from typing import Any, NoReturn, ParamSpec, TypeVar

import click
from rich.console import Console

from tmec.core.errors import InputError, TmecError

P = ParamSpec("P")
R = TypeVar("R")

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_BAD_INPUT = 2

console = Console()
err_console = Console(stderr=True)


def fail_input(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def handles_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn input errors into one line on stderr and exit 2, with no traceback."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            fail_input(str(exc))
        except TmecError as exc:
            fail_input(str(exc))

    return wrapper


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(obj: Any) -> str:
    return json.dumps(obj, default=_default, ensure_ascii=False, indent=2)


def emit_json(obj: Any) -> None:
    click.echo(dumps(obj))
