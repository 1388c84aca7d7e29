"""``tmec revoke CERT_ID --reason R``: a signed revocation record pointing to the certificate."""

from __future__ import annotations

from pathlib import Path

import click

from tmec.cli._common import console, emit_json, handles_errors
from tmec.cli._issuer import issuer, passphrase, passphrase_option


@click.command("revoke")
@click.argument("certificate_id", metavar="CERT_ID")
@click.option("--reason", required=True, help="why the certification is revoked")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="directory for the revocation record (default ./certificates/<id>)",
)
@passphrase_option
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def command(
    certificate_id: str, reason: str, out_dir: Path | None, passphrase_file: Path | None, as_json: bool
) -> None:
    """Revoke CERT_ID.  The original stays; `tmec verify` reports it revoked when the log is at hand."""
    from tmec.certify.artifacts import write_certificate_files

    iss = issuer()
    issued = iss.revoke(iss.signer(passphrase(passphrase_file)), certificate_id, reason)
    files = write_certificate_files(
        out_dir or Path("certificates") / issued.certificate_id, issued.envelope, None, None
    )
    if as_json:
        emit_json(
            {
                "certificate_id": issued.certificate_id,
                "revokes": certificate_id,
                "log_index": issued.log_index,
                "files": [str(f) for f in files],
            }
        )
    else:
        console.print(
            f"{certificate_id} revoked by {issued.certificate_id} (log entry {issued.log_index})",
            highlight=False,
        )
