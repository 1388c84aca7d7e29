"""``tmec export --evidence CERT_ID`` (verification pack) or ``--certificate CERT_ID`` (its files)."""

from __future__ import annotations

from pathlib import Path

import click

from tmec.certify.canonical import loads
from tmec.cli._common import console, emit_json, handles_errors
from tmec.cli._issuer import issuer
from tmec.core.errors import InputError


@click.command("export")
@click.option("--evidence", "evidence_id", metavar="CERT_ID", help="write the evidence pack (zip) of CERT_ID")
@click.option(
    "--certificate",
    "certificate_id",
    metavar="CERT_ID",
    help="write CERT_ID's certificate.json, certificate.pdf and worksheet.json again",
)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    help="zip file (default ./<CERT_ID>-evidence.zip) or directory (default ./certificates/<CERT_ID>)",
)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def command(evidence_id: str | None, certificate_id: str | None, out: Path | None, as_json: bool) -> None:
    """Write the response pack for a customs verification, or a certificate's files, from the store.

    The evidence pack holds the certificate, the audit worksheet, the bill of materials, the law
    files and parameters in force, their SHA-256 hashes, and the record's status and history.
    """
    if (evidence_id is None) == (certificate_id is None):
        raise InputError("give one of --evidence CERT_ID or --certificate CERT_ID", field="--evidence")
    from tmec.certify.artifacts import evidence_pack, write_atomic, write_certificate_files

    iss = issuer()
    if certificate_id is not None:
        row = iss.get(certificate_id)
        sheet = loads(bytes(row.worksheet)) if row.worksheet else None
        files = write_certificate_files(
            out or Path("certificates") / certificate_id, iss.envelope(certificate_id), sheet, None
        )
        if as_json:
            emit_json({"certificate_id": certificate_id, "files": [str(f) for f in files]})
        else:
            for f in files:
                console.print(f"wrote {f}", highlight=False, soft_wrap=True)
        return
    assert evidence_id is not None
    row = iss.get(evidence_id)
    env = iss.envelope(evidence_id)
    history = [
        {"certificate_id": r.id, "kind": r.kind, "log_index": r.log_index, "payload": loads(bytes(r.payload))}
        for r in iss.history(evidence_id)
    ]
    data = evidence_pack(
        env, bytes(row.worksheet) if row.worksheet else None, iss.status(evidence_id), history
    )
    target = out or Path(f"{evidence_id}-evidence.zip")
    write_atomic(target, data)
    if as_json:
        emit_json({"certificate_id": evidence_id, "file": str(target), "bytes": len(data)})
    else:
        console.print(f"wrote {target} ({len(data)} bytes)", highlight=False, soft_wrap=True)
