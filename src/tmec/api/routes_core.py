"""``/api/v1``: health, qualify, rules, duty, impact — each the CLI's ``--json`` document."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from tmec._version import __version__
from tmec.api import service
from tmec.api.access import ANALYST, VIEWER
from tmec.api.bodies import body_upload, form_files, is_form, json_object, parse_json
from tmec.core.dates import parse_date
from tmec.core.errors import InputError
from tmec.core.money import to_decimal
from tmec.reports.duty import batch_document, entries_from_csv
from tmec.reports.impact import ImpactRun, impact_document, rate_fraction
from tmec.reports.rules import check_kind, rule_document
from tmec.store.access import ApiKey
from tmec.tariffs import price_entry
from tmec.tariffs.impact.ces import CesPartner
from tmec.tariffs.pricing import default_tables

router = APIRouter(prefix="/api/v1")

JSON = "application/json"


def json_response(obj: Any, status: int = 200) -> Response:
    return Response(service.json_text(obj), status_code=status, media_type=JSON)


def _body_doc(*kinds: str, form: dict[str, Any] | None = None) -> dict[str, Any]:
    content: dict[str, Any] = {
        k: {"schema": {"type": "string" if "json" not in k else "object"}} for k in kinds
    }
    if form is not None:
        content["multipart/form-data"] = {"schema": {"type": "object", "properties": form}}
    return {"requestBody": {"required": True, "content": content}}


_FILE = {"type": "string", "format": "binary"}


@router.get("/health", tags=["service"])
def health(request: Request) -> dict[str, Any]:
    """Public: the service is up, and its store answers."""
    from tmec.store import ledger

    with request.app.state.reads.session() as s:
        size = ledger.log_size(s)
    return {"status": "ok", "version": __version__, "log_size": size}


@router.post(
    "/qualify",
    tags=["origin"],
    openapi_extra=_body_doc(
        "application/json",
        "application/yaml",
        form={
            "case": _FILE,
            "bom": _FILE,
            "good": _FILE,
            "date": {"type": "string"},
            "method": {"type": "string"},
        },
    ),
    responses={200: {"description": "the `tmec qualify --json` document"}},
)
async def qualify(
    request: Request,
    date: str | None = Query(None, description="apply the law of this ISO date (default: the case's)"),
    method: str | None = Query(None, description="net_cost or transaction_value"),
    no_statements: bool = Query(False, description="ignore the supplier statements in the store"),
    _who: ApiKey = ANALYST,
) -> Response:
    """A case (JSON or YAML body, or a `case` file), or a BOM spreadsheet (`bom`) with its good (`good`).

    The response is byte for byte what `tmec qualify --json` prints (status 200 whether or not the good
    is originating: see `originating`).  The supplier statements in the server's store settle materials
    of unknown origin, as they do for `tmec qualify` (`no_statements` or `statements: off` in the case
    to ignore them)."""
    statements = None if no_statements else service.statements_in(request.app.state.reads)
    if is_form(request):
        files, fields = await form_files(request)
        date, method = date or fields.get("date") or None, method or fields.get("method") or None
        if "bom" in files or "good" in files:
            if "bom" not in files or "good" not in files or "case" in files:
                raise InputError(
                    "give either case, or both bom and good", field="bom" if "bom" not in files else "good"
                )
            _, det = service.qualify_bom(files["bom"], files["good"], date, method, statements)
        elif "case" in files:
            _, det = service.qualify_case(files["case"], date, method, statements)
        else:
            raise InputError("give a case file (or bom with good)", field="case")
    else:
        upload = body_upload(request, await request.body(), "case")
        _, det = service.qualify_case(upload, date, method, statements)
    return json_response(det.to_dict())


@router.get("/rules/{hs}", tags=["origin"])
def rules(
    hs: str,
    date: str | None = None,
    end_use: str | None = None,
    kind: str | None = None,
    _who: ApiKey = VIEWER,
) -> Response:
    """`tmec rules show HS --json`: the rule in force on `date` (default today)."""
    when = parse_date(date, field="--date") if date else dt.date.today()
    check_kind(kind)
    return json_response(rule_document(hs, when, end_use, kind))


@router.post(
    "/duty",
    tags=["tariffs"],
    openapi_extra=_body_doc("application/json", "text/csv"),
)
async def duty(
    request: Request,
    basis: str = Query("liability", description="liability or deposited"),
    _who: ApiKey = ANALYST,
) -> Response:
    """One entry line (an object: `entry_date, hts, origin, value`, ...) as `tmec duty --json`, or a batch
    (`{"entries": [...]}` or a CSV body) as `tmec duty --entries FILE --json`."""
    service.check_basis(basis)
    if service.media_type_is_csv(request):
        tables = default_tables()
        source = "entries.csv"
        lines = entries_from_csv((await request.body()).decode("utf-8-sig", errors="replace"), source)
        duties = []
        for n, e in enumerate(lines, start=2):
            try:
                duties.append(price_entry(e, tables=tables, basis=basis))
            except InputError as exc:
                raise exc.located(source=source, line=n) from None
        return json_response(batch_document(duties, basis, tables))
    body = await json_object(request)
    if "entries" in body:
        if not isinstance(body["entries"], list) or not body["entries"]:
            raise InputError("expected a non-empty list of entry lines", field="entries")
        duties = [service.price_line(x, basis, f"entries[{i}]") for i, x in enumerate(body["entries"])]
        return json_response(batch_document(duties, basis, default_tables()))
    return json_response(service.price_line(body, basis).to_dict())


def _impact_run(body: dict[str, Any]) -> ImpactRun:
    allowed = {"flow", "from_rate", "to_rate", "em", "es", "ex", "model", "scenario", "date", "partners"}
    for key in body:
        if key not in allowed:
            raise InputError(f"unknown field; expected one of {', '.join(sorted(allowed))}", field=key)
    model = str(body.get("model", "ces"))
    if model not in ("ces", "smart"):
        raise InputError(f"expected ces or smart, found {model!r}", field="--model")
    others = []
    partners = body.get("partners") or []
    if not isinstance(partners, list):
        raise InputError("expected a list of {partner, flow, from_rate, to_rate}", field="partners")
    for i, p in enumerate(partners):
        where = f"partners[{i}]"
        if not isinstance(p, dict) or not all(
            p.get(k) not in (None, "") for k in ("partner", "flow", "from_rate", "to_rate")
        ):
            raise InputError("expected partner, flow, from_rate, to_rate", field=where)
        others.append(
            CesPartner(
                name=str(p["partner"]),
                flow=to_decimal(p["flow"], field=f"{where}.flow"),
                t0=rate_fraction(p["from_rate"], f"{where}.from_rate"),
                t1=rate_fraction(p["to_rate"], f"{where}.to_rate"),
            )
        )

    def text(key: str) -> str | None:
        value = body.get(key)
        return None if value is None else str(value)

    return impact_document(
        text("flow"),
        text("from_rate"),
        text("to_rate"),
        em=text("em"),
        es=text("es"),
        ex=text("ex"),
        model=model,
        others=others,
        scenario=text("scenario"),
        day=text("date"),
    )


@router.post("/impact", tags=["tariffs"], openapi_extra=_body_doc("application/json"))
async def impact(request: Request, _who: ApiKey = ANALYST) -> Response:
    """`tmec impact --json`: `{"flow", "from_rate", "to_rate"}` in percent (or `{"scenario":
    "mx-steel-2025"}`), optional `em, es, ex, model, date, partners`."""
    return json_response(_impact_run(await json_object(request)).result)


@router.post(
    "/impact/chart",
    tags=["tariffs"],
    openapi_extra=_body_doc("application/json"),
    responses={200: {"content": {"image/svg+xml": {}}}},
)
async def impact_chart(request: Request, _who: ApiKey = ANALYST) -> Response:
    """The SVG chart `tmec impact --chart` writes: loss against the import-demand elasticity."""
    return Response(_impact_run(await json_object(request)).chart_svg(), media_type="image/svg+xml")


__all__ = ["json_response", "parse_json", "router"]
