"""``tmec revoke CERT_ID --reason R``: a signed revocation record pointing to the certificate."""

from __future__ import annotations

from pathlib import Path

import click

from tmec.cli._common import confirm, console, emit_json, handles_errors
from tmec.cli._issuer import issuer, passphrase, passphrase_option
from tmec.core.errors import InputError
from tmec.store.paths import tmec_home


@click.command("revoke")
@click.argument("certificate_id", metavar="CERT_ID")
@click.option("--reason", required=True, help="why the certification is revoked")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="directory for the revocation record's files (default $TMEC_HOME/certificates/<id>)",
)
@click.option("--yes", is_flag=True, help="revoke without asking (needed when not on a terminal)")
@click.option("--dry-run", is_flag=True, help="check CERT_ID can be revoked; sign, log and write nothing")
@passphrase_option
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def command(
    certificate_id: str,
    reason: str,
    out_dir: Path | None,
    yes: bool,
    dry_run: bool,
    passphrase_file: Path | None,
    as_json: bool,
) -> None:
    """Revoke CERT_ID: irreversible (the log keeps it).  The original stays; `tmec verify` reports it
    revoked when the log is at hand."""
    from tmec.certify.issuer import BeforeCommit, Issued
    from tmec.certify.outputs import issue_with_files

    iss = issuer()
    original = iss.get(certificate_id)
    if original.kind == "revocation":
        raise InputError(f"{certificate_id} is a revocation record, not a certification", field="CERT_ID")
    for later in iss.history(certificate_id):
        done = {"revocation": "revoked", "amendment": "amended"}.get(later.kind, later.kind)
        raise InputError(f"certificate {certificate_id} was already {done} by {later.id}", field="CERT_ID")
    if dry_run:
        if as_json:
            emit_json({"dry_run": True, "revokes": certificate_id, "reason": reason})
        else:
            console.print(
                f"would revoke {certificate_id} ({reason}); nothing signed or written", highlight=False
            )
        return
    confirm(f"Revoke {certificate_id}? This cannot be undone", yes=yes)
    signer = iss.signer(passphrase(passphrase_file))

    def call(revocation_id: str, before_commit: BeforeCommit) -> Issued:
        return iss.revoke(
            signer, certificate_id, reason, revocation_id=revocation_id, before_commit=before_commit
        )

    issued, files = issue_with_files(
        iss, out_dir, call, None, with_worksheet=False, default_root=tmec_home() / "certificates"
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
        console.print(f"revocation record written to {files[0].parent}", highlight=False, soft_wrap=True)
