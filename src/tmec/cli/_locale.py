"""The ``--locale`` option: how the user's files and flags write numbers (tmec.core.numbers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from tmec.core.numbers import DEFAULT_LOCALE, locale_name

F = TypeVar("F", bound=Callable[..., Any])


def _check(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return locale_name(value, field="--locale")
    except Exception as exc:  # InputError: click reports it as a usage error, exit 2
        raise click.BadParameter(str(exc).removeprefix("--locale: ")) from None


def locale_option(func: F) -> F:
    return click.option(
        "--locale",
        callback=_check,
        help=f"how amounts are written: a plain 1234.56, or grouped as this locale writes them "
        f"(default {DEFAULT_LOCALE} and es-MX: 1,234.56; de: 1.234,56; fr: 1 234,56)",
    )(func)
