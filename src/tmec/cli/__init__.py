"""The ``tmec`` command line: thin commands over the library.

Exit status: 0 success, 1 "does not qualify / verification failed", 2 bad input.
Each command lives in its own module and exposes ``command``; add new ones to
``COMMANDS``.
"""

from __future__ import annotations

import importlib

import click

from tmec._version import __version__

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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tmec")
def main() -> None:
    """tmec: USMCA rules of origin, certification of origin and US duties, with the law attached."""


for _name in COMMANDS:
    main.add_command(importlib.import_module(f"tmec.cli.{_name}").command)

__all__ = ["main"]
