"""``tmec certify CASE --certifier FILE.yaml``: issue a signed, logged USMCA certification of origin."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tmec.certify.certificate import NotOriginating, Scope
from tmec.certify.parties import parse_parties
from tmec.cli._common import EXIT_FAIL, console, emit_json, err_console, handles_errors
from tmec.cli._issuer import issuer, passphrase, passphrase_option
from tmec.core.dates import parse_date
from tmec.core.errors import InputError
from tmec.core.input_limits import read_input
from tmec.law import load_yaml
from tmec.origin import load_case

if TYPE_CHECKING:
    from tmec.certify.issuer import BeforeCommit, Issued


def certify_options(func: Any) -> Any:
    for option in reversed(
        [
            click.option(
                "--certifier",
                "certifier_file",
                type=click.Path(dir_okay=False, path_type=Path),
                help="YAML with certifier: (role, name, title, company, address, country, phone, email) "
                "and optionally exporter:, producer:, importer:",
            ),
            click.option("--blanket-from", help="first day of a blanket period (ISO date)"),
            click.option("--blanket-to", help="last day of a blanket period, at most 12 months on"),
            click.option("--invoice", help="invoice number, for a single shipment"),
            click.option(
                "--language",
                type=click.Choice(["en", "es", "fr"]),
                default="en",
                show_default=True,
                help="language of the certification's labels",
            ),
            click.option("--date", "day", help="certification date (default today)"),
            click.option(
                "--retention-years",
                type=int,
                help="keep the records longer than the jurisdiction's minimum (never below five)",
            ),
            click.option(
                "--out",
                "out_dir",
                type=click.Path(file_okay=False, path_type=Path),
                help="directory for the files (default ./certificates/<id>)",
            ),
            passphrase_option,
            click.option("--json", "as_json", is_flag=True, help="machine-readable output"),
        ]
    ):
        func = option(func)
    return func


def run_certify(
    case_path: Path,
    *,
    certifier_file: Path | None,
    blanket_from: str | None,
    blanket_to: str | None,
    invoice: str | None,
    language: str,
    day: str | None,
    retention_years: int | None,
    out_dir: Path | None,
    passphrase_file: Path | None,
    as_json: bool,
    amends: str | None = None,
    reason: str | None = None,
) -> None:
    if certifier_file is None:
        raise InputError("missing option --certifier FILE.yaml", field="--certifier")
    if not certifier_file.is_file():
        raise InputError("no such file", source=str(certifier_file))
    parties = parse_parties(load_yaml(certifier_file), source=str(certifier_file))
    scope = Scope(
        invoice=invoice,
        start=parse_date(blanket_from, field="--blanket-from") if blanket_from else None,
        end=parse_date(blanket_to, field="--blanket-to") if blanket_to else None,
    )
    case_bytes = read_input(case_path)
    case = load_case(case_path)
    # The supplier statements in force on the case's date, as `tmec qualify` uses them: the
    # worksheet's determination lists them, so a withdrawal finds this certificate.
    from tmec.cli._statements_store import case_statements
    from tmec.statements import qualify_with_statements

    determination, _ = qualify_with_statements(case, case_statements(case))
    iss = issuer()
    signer = iss.signer(passphrase(passphrase_file))
    certification_date = parse_date(day, field="--date") if day else None

    def call(certificate_id: str, before_commit: BeforeCommit) -> Issued:
        return iss.issue(
            signer,
            case,
            determination,
            parties,
            scope,
            language=language,
            certification_date=certification_date,
            retention_override=retention_years,
            case_file=case_bytes,
            amends=amends,
            reason=reason,
            certificate_id=certificate_id,
            before_commit=before_commit,
        )

    from tmec.certify.outputs import issue_with_files

    try:
        issued, files = issue_with_files(iss, out_dir, call, signer, with_worksheet=True)
    except NotOriginating as exc:
        if as_json:
            emit_json(
                {
                    "certificate_id": None,
                    "originating": False,
                    "reason": str(exc),
                    "determination": determination.to_dict(),
                }
            )
        else:
            err_console.print(f"[red]refused:[/red] {exc}", highlight=False, soft_wrap=True)
            for step in determination.to_dict().get("explanation", []):
                if step.get("passed") is False:
                    err_console.print(
                        f"  {step['step']}: {step['result']} ({step['reference']})",
                        highlight=False,
                        soft_wrap=True,
                    )
        sys.exit(EXIT_FAIL)
    if as_json:
        emit_json(
            {
                "certificate_id": issued.certificate_id,
                "log_index": issued.log_index,
                "files": [str(f) for f in files],
            }
        )
        return
    p = issued.envelope["payload"]
    console.print(
        f"[bold]{issued.certificate_id}[/bold] certified: {p['good']['description']} "
        f"(HS {p['good']['hs']}), origin criterion {p['origin_criterion']}",
        highlight=False,
        soft_wrap=True,
    )
    console.print(
        f"  log entry {issued.log_index} of {issued.envelope['log']['origin']}; "
        f"records kept until {p['retention']['retain_until']}",
        highlight=False,
        soft_wrap=True,
    )
    for f in files:
        console.print(f"  wrote {f}", highlight=False, soft_wrap=True)


def resume_pending(as_json: bool) -> None:
    """Finish every issue a dead process left without its files; print the ids."""
    from tmec.certify.outputs import finish_pending

    done = finish_pending(issuer(), other_hosts=True)
    if as_json:
        emit_json(
            [
                {
                    "certificate_id": d.certificate_id,
                    "log_index": d.log_index,
                    "issued": bool(d.files),
                    "files": [str(f) for f in d.files],
                }
                for d in done
            ]
        )
        return
    for d in done:
        if d.files:
            console.print(f"{d.certificate_id} (log entry {d.log_index}): wrote its files", highlight=False)
            for f in d.files:
                console.print(f"  wrote {f}", highlight=False, soft_wrap=True)
        else:
            console.print(
                f"{d.certificate_id}: never issued; its temporary files were removed", highlight=False
            )
    if not done:
        console.print("nothing to resume: every logged certificate has its files", highlight=False)


@click.command("certify")
@click.argument("case_path", metavar="CASE", required=False, type=click.Path(dir_okay=False, path_type=Path))
@certify_options
@click.option(
    "--resume",
    is_flag=True,
    help="finish the certificates whose files an interrupted run did not write, and print their ids",
)
@handles_errors
def command(case_path: Path | None, resume: bool, **options: Any) -> None:
    """Qualify CASE and, when the good is originating, issue its certification of origin.

    Writes certificate.json (payload, signature, log inclusion proof, checkpoint),
    certificate.pdf (the nine Annex 5-A elements, a QR code, the JSON attached),
    certificate.vc.json (W3C Verifiable Credential) and worksheet.json (the audit
    worksheet).  Exit 1 when the good does not qualify, 2 for bad input.
    """
    if resume:
        if case_path is not None:
            raise InputError("--resume takes no CASE", field="--resume")
        resume_pending(options["as_json"])
        return
    if case_path is None:
        raise InputError("missing argument CASE", field="CASE")
    run_certify(case_path, **options)
