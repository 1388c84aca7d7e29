"""Reading request bodies: raw JSON/YAML/CSV/PDF or multipart forms, numbers never as floats."""

from __future__ import annotations

import json
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile

from tmec.api.uploads import Upload, display_name
from tmec.core.errors import InputError
from tmec.tariffs.declared import SEPARATOR

YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def is_form(request: Request) -> bool:
    return media_type(request) in ("multipart/form-data", "application/x-www-form-urlencoded")


def parse_json(data: bytes, field: str = "body") -> Any:
    """JSON with its numbers as Decimal (an amount never passes through a float)."""
    try:
        return json.loads(data, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"malformed JSON: {exc}", field=field) from None


async def json_object(request: Request) -> dict[str, Any]:
    data = parse_json(await request.body())
    if not isinstance(data, dict):
        raise InputError(f"expected a JSON object, found {type(data).__name__}", field="body")
    return data


async def form_files(
    request: Request, sets: Collection[str] = ()
) -> tuple[dict[str, Upload], dict[str, str]]:
    """The uploaded files and the text fields of a form; a field of ``sets`` given several times
    (a multiple select) is its values joined with ``;`` (a set of declared facts), any other the last."""
    files: dict[str, Upload] = {}
    fields: dict[str, str] = {}
    async with request.form() as form:  # closes the spooled files of the upload
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                data = await value.read()
                if data:
                    files[key] = Upload(display_name(value.filename, key), data)
            elif key in sets and key in fields:
                fields[key] = f"{fields[key]}{SEPARATOR}{value}"
            else:
                fields[key] = value
    return files, fields


def body_upload(request: Request, data: bytes, default: str) -> Upload:
    """A raw body as an upload named by its media type (``case.yaml``, ``case.json``...)."""
    kind = media_type(request)
    if kind in YAML_TYPES:
        return Upload(f"{default}.yaml", data)
    if kind == "application/json" or kind.endswith("+json"):
        return Upload(f"{default}.json", data)
    if kind == "application/pdf":
        return Upload(f"{default}.pdf", data)
    if kind == "text/csv":
        return Upload(f"{default}.csv", data)
    raise InputError(
        "expected a body of type application/json, application/yaml or multipart/form-data, "
        f"found {kind or 'none'}",
        field="Content-Type",
    )
