"""The requests as ``--json`` prints them, written out as they come, without the general encoder.

``json.dumps`` with an indent runs its pure-Python encoder: for a portfolio's requests (56,594
items naming 4.1 M goods, 92 MB at 20,000 goods) that is two seconds of CPU, and a dict per
request kept until the whole text is made.  A request's document is flat (text, numbers, null,
lists of text) and its keys are always the same, so each item is one template filled with the
pieces the encoder would write: the same two-space layout, each string escaped by the encoder's
own C function (``ensure_ascii=False``), a list of names that need no escape joined as it is
(any other good's name escaped once however many requests name it).  The text comes in pieces
of about a megabyte, for the caller to write as they are made.  It is the same byte for byte as
:func:`tmec.reports.jsondoc.dumps` of ``to_dict()`` (a test compares them); a request holding a
value of any other type is written by that encoder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from json.encoder import encode_basestring

from tmec.reports.jsondoc import dumps
from tmec.statements.requests import Request

__all__ = ["requests_json"]

ITEM = ",\n  "
GOOD = ",\n      "
QUOTED = '"' + GOOD + '"'
ESCAPED = len(encode_basestring(QUOTED)) - len(QUOTED) - 2  # what escaping adds to one separator
CHUNK = 1 << 20  # characters handed to the writer at a time
# ``to_dict``'s keys in its order, each value's text in its place (a test holds it to ``dumps``)
TEMPLATE = "{\n    " + ",\n    ".join(
    f'"{key}": %s'
    for key in (
        "priority", "supplier", "part", "kind", "hs", "description", "goods", "value_at_stake",
        "material_value", "certificates", "statement", "expires",
    )
) + "\n  }"  # fmt: skip


class _Other(Exception):
    """A value the template does not write (the general encoder does)."""


def _text(value: object) -> str:
    if type(value) is str:
        return str(encode_basestring(value))
    if value is None:
        return "null"
    raise _Other


def _texts(values: object, memo: dict[str, str]) -> str:
    if type(values) is not list:
        raise _Other
    if not values:
        return "[]"
    try:
        joined = QUOTED.join(values)
    except TypeError:
        raise _Other from None
    # Names that need no escape (the usual case) are written as they are: the escaped text of the
    # whole join is longer than the join only by its quotes and the separators' own escapes.
    if len(encode_basestring(joined)) == len(joined) + 2 + ESCAPED * (len(values) - 1):
        return '[\n      "' + joined + '"\n    ]'
    for v in values:
        if type(v) is not str:
            raise _Other
        if v not in memo:
            memo[v] = str(encode_basestring(v))
    return "[\n      " + GOOD.join([memo[v] for v in values]) + "\n    ]"


def _item(r: Request, memo: dict[str, str]) -> str:
    if type(r.priority) is not int or not (r.expires is None or type(r.expires) is dt.date):
        raise _Other
    return TEMPLATE % (
        int.__repr__(r.priority),
        _text(r.supplier),
        _text(r.part),
        _text(r.kind),
        _text(r.hs),
        _text(r.description),
        _texts(r.goods, memo),
        encode_basestring(str(r.value_at_stake)),
        encode_basestring(str(r.material_value)),
        _texts(r.certificates, memo),
        _text(r.statement),
        "null" if r.expires is None else f'"{r.expires.isoformat()}"',
    )


def _general(r: Request) -> str:
    # an item of a list indented by two: the encoder's own text of it, every line two deeper
    # (a JSON string holds no raw line break, so every newline is the layout's)
    return dumps(r.to_dict()).replace("\n", "\n  ")


def requests_json(requests: Iterable[Request]) -> Iterator[str]:
    """The text of ``dumps([r.to_dict() for r in requests])`` in pieces, in order (no final newline)."""
    memo: dict[str, str] = {}
    buffer, size, n = ["["], 0, 0
    for n, r in enumerate(requests, start=1):
        try:
            text = _item(r, memo)
        except _Other:
            text = _general(r)
        buffer.append(ITEM + text if n > 1 else "\n  " + text)
        size += len(text)
        if size >= CHUNK:
            yield "".join(buffer)
            buffer, size = [], 0
    buffer.append("\n]" if n else "]")
    yield "".join(buffer)
