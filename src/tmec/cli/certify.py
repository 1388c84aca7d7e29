"""``tmec certify CASE --certifier FILE.yaml``: issue a signed, logged USMCA certification of origin."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
from rich.markup import escape

from tmec.certify.certificate import NotOriginating, Scope
from tmec.certify.issuer import Certification
from tmec.certify.parties import parse_parties
from tmec.cli._common import EXIT_FAIL, console, emit_json, err_console, handles_errors
from tmec.cli._issuer import issuer, passphrase, passphrase_option
from tmec.core.dates import parse_date
from tmec.core.errors import InputError
from tmec.core.input_limits import read_input
from tmec.law import load_yaml
from tmec.origin import load_case

if TYPE_CHECKING:
    from tmec.certify.certificate import Good
    from tmec.certify.issuer import BeforeCommit, Issued
    from tmec.store.quick import QuickReader


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
                help="language of the certification's labels (default en; es for --blanket, with an "
                "English version alongside)",
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


def _qualified(case_path: Path, quick: QuickReader | None) -> tuple[Good, Path]:
    """One CASE qualified with the supplier statements in force on its date, as `tmec qualify` does:
    the worksheet's determination lists them, so a withdrawal finds the certificate.  ``quick``:
    the batch's reader of the store (:func:`tmec.cli._statements_store.one_reader`)."""
    from tmec.certify.certificate import Good
    from tmec.cli._statements_store import case_statements
    from tmec.statements import qualify_with_statements

    case_bytes = read_input(case_path)
    case = load_case(case_path)
    determination, _ = qualify_with_statements(case, case_statements(case, quick=quick))
    return Good(case, determination, case_bytes), case_path


def _portfolio_goods(
    bom_dir: Path, on: dt.date, as_json: bool
) -> tuple[list[tuple[Good, Path]], list[dict[str, str]]]:
    """The goods of BOM_DIR that qualify on ``on`` (supplier statements in force that day applied),
    each named ``BOM_DIR#good id``, and those left out with why (named on stderr without --json)."""
    from tmec.cli._statements_store import statements_in_force
    from tmec.engine import connect, load_portfolio, qualify_goods
    from tmec.engine.certifiable import certifiable_goods

    if not bom_dir.is_dir():
        raise InputError("no such directory", source=str(bom_dir), field="--portfolio")
    with connect("duckdb") as e:
        statements = statements_in_force(on)
        p = load_portfolio(e, bom_dir, on, statements=statements)
        result = qualify_goods(p, flips=0)
        found = certifiable_goods(p, result, statements=statements)
    if not found.goods:
        raise InputError(
            f"no good of the portfolio qualifies on {on}: nothing to certify", source=str(bom_dir)
        )
    if not as_json:
        for good_id, why in found.left_out:
            err_console.print(f"left out: {good_id}: {why}", highlight=False, soft_wrap=True)
    left_out = [{"good_id": good_id, "reason": why} for good_id, why in found.left_out]
    return [(g, Path(f"{bom_dir}#{g.case.id}")) for g in found.goods], left_out


def run_certify(
    case_paths: Sequence[Path],
    *,
    certifier_file: Path | None,
    blanket_from: str | None,
    blanket_to: str | None,
    invoice: str | None,
    language: str | None,
    day: str | None,
    retention_years: int | None,
    out_dir: Path | None,
    passphrase_file: Path | None,
    as_json: bool,
    blanket: bool = False,
    amends: str | None = None,
    reason: str | None = None,
    portfolio: Path | None = None,
    qualify_on: str | None = None,
) -> None:
    if certifier_file is None:
        raise InputError("missing option --certifier FILE.yaml", field="--certifier")
    if not certifier_file.is_file():
        raise InputError("no such file", source=str(certifier_file))
    if portfolio is not None and case_paths:
        raise InputError("give CASE files or --portfolio BOM_DIR, not both", field="--portfolio")
    if not case_paths and portfolio is None:
        raise InputError("missing argument CASE", field="CASE")
    if amends and len(case_paths) > 1 and not blanket:
        raise InputError("an amendment replaces one certification: one CASE, or --blanket", field="CASE")
    parties = parse_parties(load_yaml(certifier_file), source=str(certifier_file))
    scope = Scope(
        invoice=invoice,
        start=parse_date(blanket_from, field="--blanket-from") if blanket_from else None,
        end=parse_date(blanket_to, field="--blanket-to") if blanket_to else None,
    )
    if blanket and not scope.blanket:
        raise InputError(
            "--blanket covers the goods over a blanket period: give --blanket-from and --blanket-to",
            field="--blanket",
        )
    certification_date = parse_date(day, field="--date") if day else None
    goods: list[tuple[Good, Path]]
    left_out: dict[str, Any] = {}  # with --portfolio, the goods not certified and why (in --json)
    if portfolio is not None:
        on = parse_date(qualify_on, field="--on") if qualify_on else certification_date or dt.date.today()
        goods, left_out["left_out"] = _portfolio_goods(portfolio, on, as_json)
    else:
        from tmec.cli._statements_store import one_reader

        with one_reader() as quick:
            goods = [_qualified(path, quick) for path in case_paths]
    refused = [(g, path) for g, path in goods if not g.determination.originating]
    if refused:
        _refuse(refused, as_json, batch=len(goods) > 1)
    iss = issuer(quick=True)
    signer = iss.signer(passphrase(passphrase_file))
    each = [g for g, _ in goods]
    wanted = [Certification(goods=each)] if blanket else [Certification(g) for g in each]

    def call(ids: list[str], before_commit: BeforeCommit) -> list[Issued]:
        return iss.issue_many(
            signer,
            [replace(c, certificate_id=i) for c, i in zip(wanted, ids, strict=True)],
            parties,
            scope,
            language=language or ("es" if blanket else "en"),
            certification_date=certification_date,
            retention_override=retention_years,
            amends=amends,
            reason=reason,
            before_commit=before_commit,
        )

    from tmec.certify.outputs import issue_many_with_files

    # One certificate: its files in --out.  Many: each in --out/<id> (default certificates/<id>).
    many = len(wanted) > 1
    dirs: list[Path | None] = [None] * len(wanted) if many or out_dir is None else [out_dir]
    done = issue_many_with_files(
        iss, dirs, call, signer, with_worksheet=True, default_root=out_dir or Path("certificates")
    )
    if as_json:
        if many:
            emit_json(
                {
                    "certificates": [
                        {
                            "certificate_id": issued.certificate_id,
                            "log_index": issued.log_index,
                            "case": str(path),
                            "files": [str(f) for f in files],
                        }
                        for (issued, files), (_, path) in zip(done, goods, strict=True)
                    ],
                    **left_out,
                }
            )
            return
        ((issued, files),) = done
        emit_json(
            {
                "certificate_id": issued.certificate_id,
                "log_index": issued.log_index,
                "files": [str(f) for f in files],
                **left_out,
            }
        )
        return
    for issued, files in done:
        _print_issued(issued, files)


def _refuse(refused: list[tuple[Good, Path]], as_json: bool, *, batch: bool) -> NoReturn:
    """No certification when a good is not originating; in a batch, none at all (all or nothing)."""
    reasons = [(g, path, _not_originating_reason(g)) for g, path in refused]
    if as_json:
        if not batch:
            ((g, _, why),) = reasons
            emit_json(
                {
                    "certificate_id": None,
                    "originating": False,
                    "reason": why,
                    "determination": g.determination.to_dict(),
                }
            )
        else:
            emit_json(
                {
                    "certificates": [],
                    "originating": False,
                    "refused": [{"case": str(path), "reason": why} for _, path, why in reasons],
                }
            )
        sys.exit(EXIT_FAIL)
    for g, path, why in reasons:
        prefix = f"{path}: " if batch else ""
        err_console.print(
            f"[red]refused:[/red] {escape(prefix + why)}", highlight=False, soft_wrap=True, markup=True
        )
        for step in g.determination.to_dict().get("explanation", []):
            if step.get("passed") is False:
                err_console.print(
                    f"  {step['step']}: {step['result']} ({step['reference']})",
                    highlight=False,
                    soft_wrap=True,
                )
    if batch:
        err_console.print("nothing was issued: every good of a batch must be originating", highlight=False)
    sys.exit(EXIT_FAIL)


def _not_originating_reason(g: Good) -> str:
    from tmec.certify.certificate import _good_elements

    try:
        _good_elements(g.case, g.determination)
    except NotOriginating as exc:
        return str(exc)
    return "not originating"


def _print_issued(issued: Issued, files: list[Path]) -> None:
    p = issued.envelope["payload"]
    if "goods" in p:
        lines = [
            f"[bold]{issued.certificate_id}[/bold] certified {len(p['goods'])} goods "
            f"({p['blanket_period']['from']} to {p['blanket_period']['to']}):",
            *(
                escape(
                    f"  {good['description']} (HS {good['hs']}), origin criterion {good['origin_criterion']}"
                )
                for good in p["goods"]
            ),
        ]
    else:
        lines = [
            f"[bold]{issued.certificate_id}[/bold] certified: "
            + escape(
                f"{p['good']['description']} (HS {p['good']['hs']}), origin criterion {p['origin_criterion']}"
            )
        ]
    lines.append(
        escape(
            f"  log entry {issued.log_index} of {issued.envelope['log']['origin']}; "
            f"records kept until {p['retention']['retain_until']}"
        )
    )
    lines.extend(escape(f"  wrote {f}") for f in files)
    # One print a certificate: a batch of a hundred spent more in the console than in the log.
    console.print("\n".join(lines), highlight=False, soft_wrap=True, markup=True)


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
@click.argument("case_paths", metavar="CASE...", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@certify_options
@click.option(
    "--blanket",
    is_flag=True,
    help="one certification covering every CASE over the blanket period (labels in Spanish with "
    "English alongside unless --language says otherwise), instead of one certification per CASE",
)
@click.option(
    "--portfolio",
    type=click.Path(file_okay=False, path_type=Path),
    help="certify the goods of this BOM_DIR that qualify (as `tmec portfolio qualify`), each alone "
    "or, with --blanket, all under one certification; the others are listed and left out",
)
@click.option(
    "--on", "qualify_on", help="with --portfolio: qualify on this ISO date (default: --date, or today)"
)
@click.option(
    "--resume",
    is_flag=True,
    help="finish the certificates whose files an interrupted run did not write, and print their ids",
)
@handles_errors
def command(case_paths: tuple[Path, ...], resume: bool, **options: Any) -> None:
    """Qualify each CASE and, when every good is originating, issue its certification of origin.

    Writes certificate.json (payload, signature, log inclusion proof, checkpoint),
    certificate.pdf (the nine Annex 5-A elements, a QR code, the JSON attached),
    certificate.vc.json (W3C Verifiable Credential) and worksheet.json (the audit
    worksheet).  Several CASEs: one certificate per good, all issued in one
    transaction (each in --out/<id>), or with --blanket one certification listing
    every good.  Exit 1 when a good does not qualify (nothing is issued), 2 for bad input.
    """
    if resume:
        if case_paths:
            raise InputError("--resume takes no CASE", field="--resume")
        resume_pending(options["as_json"])
        return
    if not case_paths and options.get("portfolio") is None:
        raise InputError("missing argument CASE", field="CASE")
    run_certify(case_paths, **options)
