"""``/api/v1/jobs``: portfolio and exposure runs in the background (analyst role)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from tmec.api.access import ANALYST
from tmec.api.bodies import form_files
from tmec.api.jobs import FORMATS, Jobs
from tmec.api.routes_core import _body_doc, json_response
from tmec.api.service import statements_in
from tmec.core.errors import InputError
from tmec.store.access import ApiKey

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])
_FILE = {"type": "string", "format": "binary"}


def jobs(request: Request) -> Jobs:
    return request.app.state.jobs  # type: ignore[no-any-return]


async def _form(request: Request):  # type: ignore[no-untyped-def]
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise InputError("expected multipart/form-data with the tables as files", field="Content-Type")
    return await form_files(request)


@router.post(
    "/portfolio",
    status_code=202,
    openapi_extra=_body_doc(
        form={
            "goods": _FILE,
            "parts": _FILE,
            "edges": _FILE,
            "rules": _FILE,
            "date": {"type": "string"},
            "method": {"type": "string"},
        }
    ),
)
async def portfolio(request: Request, who: ApiKey = ANALYST) -> Response:
    """`tmec portfolio qualify BOM_DIR --date D`: the `goods`, `parts` and `edges` tables (CSV or Parquet)."""
    files, fields = await _form(request)
    job = jobs(request).portfolio(
        who, files, fields.get("date"), fields.get("method"), statements_in(request.app.state.reads)
    )
    return json_response(job.to_dict(), status=202)


@router.post(
    "/exposure",
    status_code=202,
    openapi_extra=_body_doc(form={"entries": _FILE, "scenario": _FILE, "basis": {"type": "string"}}),
)
async def exposure(request: Request, who: ApiKey = ANALYST) -> Response:
    """`tmec exposure ENTRIES [--scenario FILE]`: the entry lines (CSV or Parquet), optionally a scenario."""
    files, fields = await _form(request)
    job = jobs(request).exposure(who, files, fields.get("basis") or "liability")
    return json_response(job.to_dict(), status=202)


@router.get("/{job_id}")
def job(job_id: str, request: Request, who: ApiKey = ANALYST) -> Response:
    """The job's state, progress, summary (the CLI's `--json` document) or error, and result links."""
    return json_response(jobs(request).get(job_id, who).to_dict())


@router.get("/{job_id}/results.{fmt}", responses={200: {"content": {t: {} for t in FORMATS.values()}}})
def results(job_id: str, fmt: str, request: Request, who: ApiKey = ANALYST) -> FileResponse:
    """The results as Parquet, CSV or XLSX."""
    j = jobs(request)
    path = j.results(j.get(job_id, who), fmt)
    return FileResponse(path, media_type=FORMATS[fmt], filename=f"{job_id}-{j.get(job_id, who).kind}.{fmt}")


@router.delete("/{job_id}", status_code=204)
def delete(job_id: str, request: Request, who: ApiKey = ANALYST) -> Response:
    """Forget a finished job and remove its files (409 while it runs); finished jobs also expire by
    themselves after `$TMEC_JOB_TTL_HOURS` (24)."""
    jobs(request).delete(job_id, who)
    return Response(status_code=204)
