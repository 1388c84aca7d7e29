"""The ``tmec`` command line: thin commands over the library.

Exit status: 0 success, 1 "does not qualify / verification failed", 2 bad input,
3 internal error (see :mod:`tmec.cli._common`).
Each command lives in its own module and exposes ``command``; add new ones to
``COMMANDS``.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from tmec._version import __version__
from tmec.cli._common import error_boundary, wants_json

# module name under tmec.cli -> its click command (or group) is `command`
COMMANDS: tuple[str, ...] = (
    "law",
    "duty",
    "measures",
    "tariff",
    "impact",
    "qualify",
    "rules",
    "average",
    "automotive",
    "init",
    "keys",
    "certify",
    "amend",
    "revoke",
    "verify",
    "log",
    "export",
    "purge",
    "rules",
    "qualify",
    "portfolio",
    "generate",
    "exposure",
    "carbon",
    "statements",
)


class TmecGroup(click.Group):
    """The ``tmec`` group: one error boundary around every command, whatever it raises."""

    def invoke(self, ctx: click.Context) -> Any:
        with error_boundary(wants_json(ctx.args)):
            return super().invoke(ctx)


@click.group(cls=TmecGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tmec")
def main() -> None:
    """tmec: USMCA rules of origin, certification of origin and US duties, with the law attached."""


for _name in COMMANDS:
    main.add_command(importlib.import_module(f"tmec.cli.{_name}").command)

__all__ = ["main"]
