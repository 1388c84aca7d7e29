"""``tmec amend CERT_ID CASE --certifier FILE --reason R``: a new certification that replaces an old one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from tmec.cli._common import handles_errors
from tmec.cli.certify import certify_options, run_certify


@click.command("amend")
@click.argument("certificate_id", metavar="CERT_ID")
@click.argument(
    "case_paths", metavar="CASE...", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@click.option("--reason", required=True, help="why the certification is amended")
@certify_options
@click.option("--blanket", is_flag=True, help="the amendment is one certification covering every CASE")
@handles_errors
def command(certificate_id: str, case_paths: tuple[Path, ...], reason: str, **options: Any) -> None:
    """Issue an amended certification pointing to CERT_ID; the original stays in the log, marked amended."""
    run_certify(case_paths, amends=certificate_id, reason=reason, **options)
