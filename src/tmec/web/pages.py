"""The pages: qualify, verify (public), duty, impact, rules, portfolio/exposure jobs, monitor (public).

Each handler reads the form, calls :mod:`tmec.api.service` (the API's own functions) and renders
the result; an input error is shown on the page beside what caused it, with status 422.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from tmec.api import service
from tmec.api.bodies import form_files
from tmec.api.errors import ApiError
from tmec.api.jobs import Jobs
from tmec.api.uploads import Upload
from tmec.core.errors import InputError
from tmec.i18n import Locale, locale_for
from tmec.origin import parse_case
from tmec.reports.impact import impact_document
from tmec.reports.rules import rule_document
from tmec.store.access import ApiKey
from tmec.web.context import SESSION_COOKIE, check_csrf, language, render, secure, who
from tmec.web.grid import grid_of
from tmec.web.monitor import monitor_view

router = APIRouter(include_in_schema=False)
MATERIAL_ROWS = 6


def _loc(request: Request) -> Locale:
    return locale_for(language(request))


def _local_next(target: str | None) -> str:
    """Only a path on this site (``/qualify``), never another host (``//evil``, ``https://...``)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


class SignInFirst(Exception):
    """A page that needs a key (or a stronger one) than the reader's session has."""

    def __init__(self, role: str, forbidden: bool) -> None:
        super().__init__(role)
        self.forbidden = forbidden


def _page_role(role: str) -> Any:
    def dependency(request: Request) -> ApiKey:
        key = who(request)
        if key is None or not key.can(role):
            raise SignInFirst(role, forbidden=key is not None)
        return key

    return Depends(dependency)


VIEWER, ANALYST = _page_role("viewer"), _page_role("analyst")


def sign_in_first(request: Request, exc: SignInFirst) -> Response:
    if exc.forbidden:
        return render(
            request, "error.html", 403, message=_loc(request).gettext("Your key's role cannot use this page.")
        )
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


async def _form(request: Request, sets: tuple[str, ...] = ()) -> tuple[dict[str, Upload], dict[str, str]]:
    files, fields = await form_files(request, sets)
    check_csrf(request, fields.get("csrf"))
    return files, fields


def _error(exc: InputError) -> dict[str, Any]:
    return {"error": str(exc), "field": exc.field, "line": exc.line}


@router.get("/")
def home(request: Request) -> Response:
    return render(request, "home.html")


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", next=_local_next(next))


@router.post("/login")
async def login(request: Request) -> Response:
    _, fields = await _form(request)
    key = fields.get("key", "").strip()
    found = request.app.state.keys.lookup(key) if key else None
    if found is None:
        return render(
            request,
            "login.html",
            401,
            next=_local_next(fields.get("next")),
            error=_loc(request).gettext("Unknown or revoked API key."),
        )
    session = request.app.state.sessions.open(key)  # in the store: every server process knows it
    response = RedirectResponse(_local_next(fields.get("next")), status_code=303)
    response.set_cookie(
        SESSION_COOKIE, session, httponly=True, samesite="strict", secure=secure(request), max_age=8 * 3600
    )
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    await _form(request)
    request.app.state.sessions.close(request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


# -- qualify ----------------------------------------------------------------------------------


def _qualify_page(request: Request, status: int = 200, **context: Any) -> Response:
    rows = context.pop("rows", None) or [{} for _ in range(MATERIAL_ROWS)]
    return render(request, "qualify.html", status, rows=rows, values=context.pop("values", {}), **context)


@router.get("/qualify")
def qualify_page(request: Request, _key: ApiKey = ANALYST) -> Response:
    return _qualify_page(request)


@router.post("/qualify")
async def qualify_post(request: Request, key: ApiKey = ANALYST) -> Response:
    files, fields = await _form(request)
    mode = fields.get("mode", "case")
    day, method = fields.get("date") or None, fields.get("method") or None
    try:
        if mode == "bom":
            if "bom" not in files or "good" not in files:
                raise InputError(
                    _loc(request).gettext("Choose the BOM spreadsheet and the good's file."),
                    field="bom" if "bom" not in files else "good",
                )
            case, det = service.qualify_bom(files["bom"], files["good"], day, method, _statements(request))
        elif mode == "form":
            return _qualify_form(request, fields)
        else:
            if "case" not in files:
                raise InputError(_loc(request).gettext("Choose a case file (.yaml or .json)."), field="case")
            case, det = service.qualify_case(files["case"], day, method, _statements(request))
    except InputError as exc:
        grid = None
        if mode == "bom" and "bom" in files and exc.source == files["bom"].name:
            grid = grid_of(files["bom"], exc.line, exc.field, str(exc))
        return _qualify_page(request, 422, mode=mode, error=_error(exc), grid=grid)
    return render(request, "qualify_result.html", case=case, det=det.to_dict())


def _statements(request: Request) -> service.StatementsOn:
    return service.statements_in(request.app.state.reads)


def _qualify_form(request: Request, fields: dict[str, str]) -> Response:
    """A case from the page's form: amounts as the reader's locale writes them, checked strictly."""
    loc = _loc(request)
    rows = [
        {k: fields.get(f"m{i}_{k}", "") for k in ("id", "hs", "origin", "value")}
        for i in range(MATERIAL_ROWS)
    ]
    try:
        materials: list[dict[str, str]] = []
        for i, row in enumerate(rows):
            if not any(row.values()):
                continue
            value = loc.parse_amount(row["value"], f"materials[{len(materials)}].value")
            materials.append(
                {
                    "id": row["id"] or f"M{i + 1}",
                    "hs": row["hs"],
                    "origin": row["origin"] or "unknown",
                    "value": str(value),
                }
            )
        costs = ("transaction_value", "other_product_costs", "period_costs", "other_costs")
        amount = {k: str(loc.parse_amount(fields[k], k)) for k in costs if fields.get(k)}
        data = {
            "format": 1,
            "id": fields.get("id") or "web-form",
            "date": fields.get("date") or "",
            "good": {"hs": fields.get("hs", ""), "description": fields.get("description") or None},
            "valuation": {"transaction_value": amount["transaction_value"]}
            if "transaction_value" in amount
            else None,
            "costs": {k: v for k, v in amount.items() if k != "transaction_value"},
            "materials": materials,
        }
        case = parse_case(data, source=None)
        _, det = service.determine(case, None, fields.get("method") or None, _statements(request))
    except InputError as exc:
        return _qualify_page(request, 422, mode="form", error=_error(exc), values=fields, rows=rows)
    return render(request, "qualify_result.html", case=case, det=det.to_dict())


# -- verify (public) --------------------------------------------------------------------------


@router.get("/verify")
def verify_page(request: Request) -> Response:
    return render(request, "verify.html")


@router.post("/verify")
async def verify_post(request: Request) -> Response:
    from tmec.api.routes_certs import verify_upload

    files, fields = await _form(request)
    try:
        if "file" not in files:
            raise InputError(_loc(request).gettext("Choose a certificate (.json or .pdf)."), field="file")
        result = verify_upload(request, files["file"], [], fields.get("date") or None)
    except InputError as exc:
        return render(request, "verify.html", 422, error=_error(exc))
    return render(request, "verify.html", result=result.to_dict(), filename=files["file"].name)


# -- duty, impact, rules ----------------------------------------------------------------------

DUTY_FIELDS = (
    "hts",
    "origin",
    "value",
    "entry_date",
    "steel_value",
    "aluminum_value",
    "non_us_content",
    "us_parts_value",
    "melted_poured",
    "smelted_cast",
    "copper_value",
    "quantity",
    "weight_kg",
    "metal_weight_kg",
    "program",
    "metals_relief",
)
# Numbers written in the reader's locale (a quantity or a weight too: "1.234,5" in Spanish).
AMOUNTS = {
    "value",
    "steel_value",
    "aluminum_value",
    "non_us_content",
    "us_parts_value",
    "copper_value",
    "quantity",
    "weight_kg",
    "metal_weight_kg",
}


@router.get("/duty")
def duty_page(request: Request, _key: ApiKey = ANALYST) -> Response:
    return render(request, "duty.html", values={})


@router.post("/duty")
async def duty_post(request: Request, key: ApiKey = ANALYST) -> Response:
    _, fields = await _form(request, sets=("metals_relief",))  # several facts may be declared
    loc = _loc(request)
    try:
        line: dict[str, Any] = {}
        for name in DUTY_FIELDS:
            text = fields.get(name, "").strip()
            if text:
                line[name] = str(loc.parse_amount(text, name)) if name in AMOUNTS else text
        if fields.get("usmca"):
            line["usmca"] = "yes"
        duty = service.price_line(line, service.check_basis(fields.get("basis") or "liability"))
    except InputError as exc:
        return render(request, "duty.html", 422, values=fields, error=_error(exc))
    return render(request, "duty.html", values=fields, duty=duty.to_dict())


@router.get("/impact")
def impact_page(request: Request, _key: ApiKey = ANALYST) -> Response:
    return render(request, "impact.html", values={"scenario": "mx-steel-2025"})


@router.post("/impact")
async def impact_post(request: Request, key: ApiKey = ANALYST) -> Response:
    _, fields = await _form(request)
    loc = _loc(request)
    try:
        nums = {
            k: str(loc.parse_amount(fields[k], f"--{k.replace('_', '-')}"))
            for k in ("flow", "from_rate", "to_rate")
            if fields.get(k)
        }
        model = fields.get("model") or "ces"
        if model not in ("ces", "smart"):
            raise InputError(f"expected ces or smart, found {model!r}", field="--model")
        run = impact_document(
            nums.get("flow"),
            nums.get("from_rate"),
            nums.get("to_rate"),
            model=model,
            scenario=fields.get("scenario") or None,
        )
    except InputError as exc:
        return render(request, "impact.html", 422, values=fields, error=_error(exc))
    chart = base64.b64encode(run.chart_svg().encode()).decode()
    return render(request, "impact.html", values=fields, result=run.result, title=run.title, chart=chart)


@router.get("/rules")
def rules_page(
    request: Request, hs: str | None = None, date: str | None = None, _key: ApiKey = VIEWER
) -> Response:
    if not hs:
        return render(request, "rules.html", hs="", date=date or dt.date.today().isoformat())
    try:
        when = service.optional_date(date) or dt.date.today()
        rule = rule_document(hs, when)
    except InputError as exc:
        return render(request, "rules.html", 422, hs=hs, date=date, error=_error(exc))
    return render(request, "rules.html", hs=hs, date=when.isoformat(), rule=rule)


# -- jobs -------------------------------------------------------------------------------------


def _jobs(request: Request) -> Jobs:
    return request.app.state.jobs  # type: ignore[no-any-return]


@router.get("/jobs")
def jobs_page(request: Request, _key: ApiKey = ANALYST) -> Response:
    return render(request, "jobs.html")


@router.post("/jobs")
async def jobs_post(request: Request, key: ApiKey = ANALYST) -> Response:
    files, fields = await _form(request)
    try:
        if fields.get("kind") == "exposure":
            job = _jobs(request).exposure(key, files, fields.get("basis") or "liability")
        else:
            job = _jobs(request).portfolio(
                key, files, fields.get("date"), fields.get("method"), _statements(request)
            )
    except InputError as exc:
        return render(request, "jobs.html", 422, error=_error(exc), kind=fields.get("kind"))
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/jobs/{job_id}")
def job_page(job_id: str, request: Request, key: ApiKey = ANALYST) -> Response:
    try:
        job = _jobs(request).get(job_id, key)
    except ApiError as exc:
        return render(request, "error.html", exc.status, message=exc.message)
    return render(request, "job.html", job=job.to_dict())


# -- monitor (public) -------------------------------------------------------------------------


@router.get("/monitor")
def monitor(request: Request) -> Response:
    return render(request, "monitor.html", **monitor_view(request.app.state.reads))
