"""The ``tmec`` command line: thin commands over the library.

Exit status: 0 success, 1 "does not qualify / verification failed", 2 bad input,
3 internal error (see :mod:`tmec.cli._common`).
Each command lives in its own module, named as the command, and exposes ``command``;
add new ones at the end of ``COMMANDS``.  A module is imported only when its command runs.
"""

from __future__ import annotations

import ast
import functools
import importlib
from pathlib import Path
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
    "portfolio",
    "generate",
    "exposure",
    "carbon",
    "statements",
    "rates",
    "serve",
    "api-keys",
)


def _module(name: str) -> str:
    """A command's module: its name, with ``_`` for ``-`` (``api-keys`` lives in ``api_keys.py``)."""
    return name.replace("-", "_")


@functools.cache
def _summary(name: str) -> str:
    """The docstring of module ``name``'s ``command``, read without importing the module."""
    tree = ast.parse((Path(__file__).parent / f"{_module(name)}.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "command":
            return ast.get_docstring(node) or ""
    return ""


class TmecGroup(click.Group):
    """The ``tmec`` group: commands imported only when run, one error boundary around each.

    ``tmec --version`` and ``tmec --help`` import no command module (the help's one-line
    summaries are read from the modules' source); ``tmec CMD`` imports only CMD's module,
    so a quick command does not pay for DuckDB, SQLAlchemy or fpdf2.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        if cmd_name not in COMMANDS:
            return None
        command: click.Command = importlib.import_module(f"tmec.cli.{_module(cmd_name)}").command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = [(n, click.Command(n, help=_summary(n)).get_short_help_str(limit)) for n in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        with error_boundary(wants_json(ctx.args)):
            return super().invoke(ctx)


@click.group(cls=TmecGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tmec")
def main() -> None:
    """tmec: USMCA rules of origin, certification of origin and US duties, with the law attached."""


__all__ = ["main"]
