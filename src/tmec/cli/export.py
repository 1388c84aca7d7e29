"""``tmec export --evidence CERT_ID``: the response pack for a customs verification."""

from __future__ import annotations

from pathlib import Path

import click

from tmec.certify.artifacts import evidence_pack, write_atomic
from tmec.certify.canonical import loads
from tmec.cli._common import console, emit_json, handles_errors
from tmec.cli._issuer import issuer


@click.command("export")
@click.option(
    "--evidence",
    "certificate_id",
    required=True,
    metavar="CERT_ID",
    help="the certificate whose evidence pack to write",
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="zip file to write (default ./<CERT_ID>-evidence.zip)",
)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def command(certificate_id: str, out: Path | None, as_json: bool) -> None:
    """Write a zip with the certificate, audit worksheet, bill of materials, law versions and their hashes."""
    iss = issuer()
    row = iss.get(certificate_id)
    env = iss.envelope(certificate_id)
    history = [
        {"certificate_id": r.id, "kind": r.kind, "log_index": r.log_index, "payload": loads(bytes(r.payload))}
        for r in iss.history(certificate_id)
    ]
    data = evidence_pack(
        env, bytes(row.worksheet) if row.worksheet else None, iss.status(certificate_id), history
    )
    target = out or Path(f"{certificate_id}-evidence.zip")
    write_atomic(target, data)
    if as_json:
        emit_json({"certificate_id": certificate_id, "file": str(target), "bytes": len(data)})
    else:
        console.print(f"wrote {target} ({len(data)} bytes)", highlight=False, soft_wrap=True)
