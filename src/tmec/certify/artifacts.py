"""Writing a certificate's files, and the evidence pack for a customs verification.

Files are written to a temporary name and renamed into place, so a crash never
leaves a half-written certificate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from tmec._version import __version__
from tmec.certify.canonical import loads
from tmec.certify.keys import Signer
from tmec.certify.pdf import render_pdf
from tmec.certify.vc import to_credential
from tmec.core.errors import InputError
from tmec.law import LAW_DIR, load_parameters

__all__ = [
    "certificate_files",
    "credential_file",
    "evidence_pack",
    "pretty_json",
    "write_atomic",
    "write_certificate_files",
]


def pretty_json(obj: Any) -> bytes:
    """``json.dumps(obj, ensure_ascii=False, indent=2)`` and a newline, in UTF-8."""
    try:
        out: list[str] = []
        _pretty(obj, out, "\n")
        text = "".join(out)
    except (_NotPlain, RecursionError):  # json.dumps prints it (or names what it cannot)
        text = json.dumps(obj, ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


class _NotPlain(Exception):
    """A value :func:`_pretty` leaves to json.dumps (a float, a subclass, a key not a string)."""


_string = json.encoder.encode_basestring  # what json.dumps(..., ensure_ascii=False) escapes with
_LITERALS = {None: "null", True: "true", False: "false"}


def _pretty(value: Any, out: list[str], newline: str) -> None:
    """What json.dumps's indenting encoder writes (it has no C version: a batch of certificates
    spent 1.5 ms each in it), for dicts with string keys, lists, tuples, strings, ints, booleans
    and None of exactly those types; anything else raises _NotPlain."""
    kind = type(value)
    if kind is str:
        out.append(_string(value))
    elif value is None or kind is bool:
        out.append(_LITERALS[value])
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner, sep = newline + "  ", "{"
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain
            out += (sep, inner, _string(key), ": ")
            _pretty(item, out, inner)
            sep = ","
        out += (newline, "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner, sep = newline + "  ", "["
        for item in value:
            out += (sep, inner)
            _pretty(item, out, inner)
            sep = ","
        out += (newline, "]")
    else:
        raise _NotPlain


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename; an I/O failure is an input error."""
    try:
        _write_atomic(path, data)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", source=str(path)) from None


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def credential_file(envelope: dict[str, Any], signer: Signer | None) -> bytes | None:
    """certificate.vc.json's bytes: only a certification has one, and only its signer can make it."""
    if signer is None or envelope["payload"]["kind"] == "revocation":
        return None
    return pretty_json(to_credential(envelope, signer))


def certificate_files(
    envelope: dict[str, Any], worksheet: dict[str, Any] | None, credential: bytes | None
) -> dict[str, bytes]:
    """certificate.json, certificate.pdf (not for a revocation), certificate.vc.json and worksheet.json."""
    files = {"certificate.json": pretty_json(envelope)}
    if envelope["payload"]["kind"] != "revocation":
        files["certificate.pdf"] = render_pdf(envelope)
    if credential is not None:
        files["certificate.vc.json"] = credential
    if worksheet is not None:
        files["worksheet.json"] = pretty_json(worksheet)
    return files


def write_certificate_files(
    out_dir: Path, envelope: dict[str, Any], worksheet: dict[str, Any] | None, signer: Signer | None
) -> list[Path]:
    """certificate.json, certificate.pdf, certificate.vc.json (needs the signer) and worksheet.json."""
    files = certificate_files(envelope, worksheet, credential_file(envelope, signer))
    written = []
    for name, data in files.items():
        write_atomic(out_dir / name, data)
        written.append(out_dir / name)
    return written


def _law_versions() -> dict[str, str]:
    """SHA-256 of every packaged law file (parameters, rule tables) in force in this build."""
    out = {}
    for path in sorted(LAW_DIR.rglob("*")):
        if path.is_file() and path.suffix in {".yaml", ".yml", ".csv", ".json"}:
            out[str(path.relative_to(LAW_DIR))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _parameters_on(day: str) -> dict[str, dict[str, Any]]:
    """Every legal parameter in force on the qualification date, with its value and reference."""
    snapshot = load_parameters().at(dt.date.fromisoformat(day))
    return {
        name: {"value": str(v.value), "since": v.since.isoformat(), "reference": v.cite()}
        for name, v in sorted(snapshot.items())
    }


def evidence_pack(
    envelope: dict[str, Any],
    worksheet_bytes: bytes | None,
    status: dict[str, Any],
    history: list[dict[str, Any]],
) -> bytes:
    """The zip answering a verification request (19 CFR 182.72): certificate, worksheet, BOM, law versions."""
    files: dict[str, bytes] = {
        "certificate.json": pretty_json(envelope),
        "certificate.pdf": render_pdf(envelope),
    }
    if worksheet_bytes is not None:
        sheet = loads(worksheet_bytes)
        files["worksheet.json"] = pretty_json(sheet)
        case = sheet.get("case") or {}
        files["bill_of_materials.json"] = pretty_json(
            {
                "case_id": sheet.get("case_id"),
                "good": case.get("good"),
                "costs": case.get("costs"),
                "valuation": case.get("valuation"),
                "materials": case.get("materials", []),
            }
        )
    files["status.json"] = pretty_json({"status": status, "history": history})
    versions: dict[str, Any] = {"tmec": __version__, "law_files_sha256": _law_versions()}
    if worksheet_bytes is not None and sheet.get("case_date"):
        versions["parameters_in_force"] = _parameters_on(str(sheet["case_date"]))
    files["versions.json"] = pretty_json(versions)
    manifest = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    if worksheet_bytes is not None:
        manifest["worksheet.json (canonical, as signed)"] = hashlib.sha256(worksheet_bytes).hexdigest()
    files["manifest.json"] = pretty_json(
        {"certificate_id": envelope["payload"]["certificate_id"], "sha256": manifest}
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(2020, 7, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buf.getvalue()
