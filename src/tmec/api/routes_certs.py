"""``/api/v1``: verify (public), the log (public, for monitors), certificates (certifier), audit (admin).

The issuer's private key is only ever read inside this process, to sign (its passphrase from the
server's ``TMEC_KEY_PASSPHRASE``); no endpoint returns it.
"""

from __future__ import annotations

import base64
import time
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from tmec.api.access import ADMIN, CERTIFIER, VIEWER
from tmec.api.bodies import body_upload, form_files, is_form, json_object
from tmec.api.errors import ApiError, error_document
from tmec.api.routes_core import _body_doc, json_response
from tmec.api.service import json_text
from tmec.api.uploads import Upload, workdir
from tmec.certify.canonical import loads
from tmec.certify.certificate import NotOriginating, Scope
from tmec.certify.consistency import consistency_document
from tmec.certify.issuer import Issuer
from tmec.certify.keys import Keyring, PublicKey
from tmec.certify.note import Checkpoint, NoteError, note_text
from tmec.certify.parties import parse_parties
from tmec.core.dates import parse_date
from tmec.core.errors import InputError
from tmec.origin import load_case, qualify
from tmec.reports.verify import Verified, verify_file
from tmec.store import ledger
from tmec.store.access import ApiKey, audit, audit_events

router = APIRouter(prefix="/api/v1")


def issuer(request: Request) -> Issuer:
    return Issuer(request.app.state.store)


class KnownKeys(Issuer):
    """The issuer with its keys remembered for a few seconds: verify reads them on every request, and
    they change only when a key is added or rotated (revocation status is always read fresh)."""

    SECONDS = 5.0

    def __init__(self, store: Any) -> None:
        super().__init__(store)
        self._at = -1e9
        self._keys: list[Any] = []
        self._keyring: Keyring | None = None

    def _fresh(self) -> None:
        if time.monotonic() - self._at > self.SECONDS:
            self._keys, self._at = super().keys(), time.monotonic()
            self._keyring = super().keyring()  # built from self.keys(), now fresh

    def keys(self) -> list[Any]:
        self._fresh()
        return self._keys

    def keyring(self) -> Keyring:
        self._fresh()
        assert self._keyring is not None
        return self._keyring


def known_keys(request: Request) -> KnownKeys:
    state = request.app.state
    if getattr(state, "known_keys", None) is None:
        state.known_keys = KnownKeys(state.reads)
    return state.known_keys  # type: ignore[no-any-return]


def verify_upload(request: Request, upload: Upload, keys: list[str], day: str | None) -> Verified:
    """``tmec verify FILE --json`` on an uploaded certificate, with this server's log as the local one."""
    on = parse_date(day, field="--date") if day else None
    keyring = Keyring(PublicKey.parse(k, source="--key") for k in keys) if keys else None
    iss = known_keys(request)

    def local(origin: Any) -> Issuer | None:
        known = iss.keys()
        return iss if known and known[-1].name == origin else None

    with workdir() as wd:
        path = wd.put("certificate", upload, (".json", ".pdf"), "file")
        return verify_file(path, keyring, on=on, local=local)


@router.post(
    "/verify",
    tags=["certificates"],
    openapi_extra=_body_doc(
        "application/json", "application/pdf", form={"file": {"type": "string", "format": "binary"}}
    ),
)
async def verify(
    request: Request,
    date: str | None = Query(None, description="check the blanket period covers this ISO date"),
    key: list[str] = Query(
        default_factory=list, description="the issuer's verifier key(s); default the server's log"
    ),
) -> Response:
    """Public: `tmec verify FILE --json` — every check of a certificate (JSON, PDF or VC JSON).

    Status 200 with `valid: false` for a certificate that fails a check; 422 for what is not a certificate."""
    if is_form(request):
        files, fields = await form_files(request)
        if "file" not in files:
            raise InputError("give the certificate file (.json or .pdf)", field="file")
        upload, date = files["file"], date or fields.get("date") or None
    else:
        upload = body_upload(request, await request.body(), "certificate")
    return json_response(verify_upload(request, upload, key, date).to_dict())


# -- the log: public, for monitors --------------------------------------------------------------


def _b64(items: list[bytes]) -> list[str]:
    return [base64.b64encode(p).decode() for p in items]


@router.get("/log/checkpoint", tags=["log"])
def checkpoint(request: Request) -> Response:
    """Public: `tmec log checkpoint --json` — the latest signed checkpoint (C2SP signed note)."""
    with request.app.state.reads.session() as s:
        row = ledger.latest_checkpoint(s)
    if row is None:
        raise InputError("the log is empty: run `tmec init`")
    return json_response({"size": row.size, "note": row.note})


@router.get("/log/inclusion", tags=["log"])
def inclusion(request: Request, index: int = Query(ge=0), size: int | None = Query(None, ge=1)) -> Response:
    """Public: the RFC 9162 inclusion proof of leaf `index` in the tree of `size` (default: the latest)."""
    with request.app.state.reads.session() as s:
        head = ledger.latest_checkpoint(s)
        tree = size or (head.size if head else 0)
        if head is None or tree > head.size:
            raise InputError(f"the log has no signed tree of size {tree}", field="size")
        if index >= tree:
            raise InputError(f"expected an index below the tree size {tree}, found {index}", field="index")
        proof = ledger.inclusion_proof(s, index, tree)
        root = ledger.root(s, tree)
    return json_response(
        {"index": index, "size": tree, "root": base64.b64encode(root).decode(), "proof": _b64(proof)}
    )


@router.get("/log/consistency", tags=["log"])
def consistency(
    request: Request, first: int = Query(ge=1), second: int | None = Query(None, ge=1)
) -> Response:
    """Public: the RFC 9162 consistency proof from the tree of `first` to `second` (default: the latest)."""
    with request.app.state.reads.session() as s:
        head = ledger.latest_checkpoint(s)
        to = second or (head.size if head else 0)
        if head is None or to > head.size:
            raise InputError(f"the log has no signed tree of size {to}", field="second")
        if first > to:
            raise InputError(f"expected a size not above {to}, found {first}", field="first")
        proof = ledger.consistency_proof(s, first, to)
    return json_response({"first": first, "second": to, "proof": _b64(proof)})


@router.post("/log/prove", tags=["log"], openapi_extra=_body_doc("text/plain"))
async def prove(request: Request) -> Response:
    """Public: `tmec log prove --from CHECKPOINT` — the body is an earlier signed checkpoint; the answer is
    the latest checkpoint and the consistency proof, for `tmec log check FILE --key KEY` offline."""
    earlier = (await request.body()).decode("utf-8", errors="replace")
    try:
        old = Checkpoint.parse_text(note_text(earlier))
    except NoteError as exc:
        raise InputError(f"not a checkpoint: {exc}", field="body") from None
    with request.app.state.reads.session() as s:
        head = ledger.latest_checkpoint(s)
        if head is None or old.size > head.size:
            raise InputError(f"the log has no tree of size {old.size}", field="body")
        proof = ledger.consistency_proof(s, old.size, head.size)
    return json_response(consistency_document(earlier, head.note, proof))


# -- certificates: the certifier role --------------------------------------------------------


def _case_upload(body: dict[str, Any]) -> Upload:
    if isinstance(body.get("case"), dict):
        return Upload("case.json", json_text(body["case"]).encode())
    if isinstance(body.get("case_yaml"), str):
        return Upload("case.yaml", body["case_yaml"].encode())
    raise InputError("expected the case as an object (case) or YAML text (case_yaml)", field="case")


def _issue(request: Request, who: ApiKey, body: dict[str, Any], amends: str | None = None) -> Response:
    settings = request.app.state.settings
    parties = parse_parties(body.get("parties"), source="parties")
    scope = Scope(
        invoice=body.get("invoice"),
        start=parse_date(body["blanket_from"], field="--blanket-from") if body.get("blanket_from") else None,
        end=parse_date(body["blanket_to"], field="--blanket-to") if body.get("blanket_to") else None,
    )
    language = str(body.get("language", "en"))
    if language not in ("en", "es", "fr"):
        raise InputError(f"expected en, es or fr, found {language!r}", field="--language")
    reason = body.get("reason")
    if amends is not None and not reason:
        raise InputError("why the certification is amended", field="--reason")
    upload = _case_upload(body)
    with workdir() as wd:
        case = load_case(wd.put("case", upload, (".json", ".yaml"), "case"))
    determination = qualify(case)
    iss = issuer(request)
    try:
        issued = iss.issue(
            iss.signer(settings.passphrase),
            case,
            determination,
            parties,
            scope,
            language=language,
            certification_date=parse_date(body["date"], field="--date") if body.get("date") else None,
            retention_override=body.get("retention_years"),
            case_file=upload.data,
            amends=amends,
            reason=reason,
        )
    except NotOriginating as exc:
        doc = {
            "certificate_id": None,
            "originating": False,
            "reason": str(exc),
            "determination": determination.to_dict(),
            **error_document(str(exc), 422, field="case"),
        }
        return json_response(doc, status=422)
    audit(
        request.app.state.store,
        who,
        "certificate.amend" if amends else "certificate.issue",
        issued.certificate_id,
        f"amends {amends}" if amends else None,
    )
    return json_response(_issued_doc(issued.certificate_id, issued.log_index), status=201)


def _issued_doc(cert_id: str, log_index: int, **extra: Any) -> dict[str, Any]:
    base = f"/api/v1/certificates/{cert_id}"
    return {
        "certificate_id": cert_id,
        **extra,
        "log_index": log_index,
        "files": [base, f"{base}/pdf"],
    }


@router.post(
    "/certificates", tags=["certificates"], status_code=201, openapi_extra=_body_doc("application/json")
)
async def certify(request: Request, who: ApiKey = CERTIFIER) -> Response:
    """`tmec certify`: `{"case": {...} | "case_yaml": "...", "parties": {certifier, exporter?, producer?,
    importer?} (the --certifier file), "blanket_from"?, "blanket_to"?, "invoice"?, "language"?, "date"?,
    "retention_years"?}`."""
    return _issue(request, who, await json_object(request))


@router.post(
    "/certificates/{certificate_id}/amend",
    tags=["certificates"],
    status_code=201,
    openapi_extra=_body_doc("application/json"),
)
async def amend(certificate_id: str, request: Request, who: ApiKey = CERTIFIER) -> Response:
    """`tmec amend`: the body of a certification plus `reason`."""
    return _issue(request, who, await json_object(request), amends=certificate_id)


@router.post(
    "/certificates/{certificate_id}/revoke",
    tags=["certificates"],
    openapi_extra=_body_doc("application/json"),
)
async def revoke(certificate_id: str, request: Request, who: ApiKey = CERTIFIER) -> Response:
    """`tmec revoke`: `{"reason": "..."}`."""
    body = await json_object(request)
    reason = body.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise InputError("why the certification is revoked", field="--reason")
    iss = issuer(request)
    issued = iss.revoke(iss.signer(request.app.state.settings.passphrase), certificate_id, reason)
    audit(request.app.state.store, who, "certificate.revoke", certificate_id, f"by {issued.certificate_id}")
    doc = {
        "certificate_id": issued.certificate_id,
        "revokes": certificate_id,
        "log_index": issued.log_index,
        "files": [f"/api/v1/certificates/{issued.certificate_id}"],
    }
    return json_response(doc, status=201)


@router.get("/certificates/{certificate_id}", tags=["certificates"])
def certificate(certificate_id: str, request: Request, _who: ApiKey = VIEWER) -> Response:
    """The certificate.json envelope (payload, signature, inclusion proof, checkpoint)."""
    return Response(_pretty(issuer(request).envelope(certificate_id)), media_type="application/json")


@router.get("/certificates/{certificate_id}/pdf", tags=["certificates"])
def certificate_pdf(certificate_id: str, request: Request, _who: ApiKey = VIEWER) -> Response:
    from tmec.certify.pdf import render_pdf

    env = issuer(request).envelope(certificate_id)
    if env["payload"]["kind"] == "revocation":
        raise ApiError(404, "a revocation record has no PDF", field="certificate_id")
    return Response(
        render_pdf(env),
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="{certificate_id}.pdf"'},
    )


def _pretty(obj: Any) -> bytes:
    return json_text(loads(json_text(obj).encode())).encode()


@router.get("/audit", tags=["service"])
def audit_trail(request: Request, _who: ApiKey = ADMIN) -> Response:
    """Who issued, amended or revoked what, and API keys created and revoked (latest first)."""
    return json_response([e.__dict__ for e in audit_events(request.app.state.store)])
