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


class _Names:
    """Each name's text, worked out once however many requests name it; ``plain``: the names
    that need no escape (the usual case), whose list is written as the plain join of them."""

    def __init__(self) -> None:
        self.text: dict[str, str] = {}
        self.plain: set[str] = set()

    def all_plain(self, values: list[str]) -> bool:
        if self.plain.issuperset(values):  # one C loop over names already seen
            return True
        every = True
        for v in values:
            if v not in self.text:
                if type(v) is not str:
                    raise _Other
                self.text[v] = text = str(encode_basestring(v))
                if len(text) == len(v) + 2:
                    self.plain.add(v)
            every = every and v in self.plain
        return every


def _texts(values: object, names: _Names) -> str:
    if type(values) is not list:
        raise _Other
    if not values:
        return "[]"
    try:
        joined = QUOTED.join(values)
    except TypeError:
        raise _Other from None
    if names.all_plain(values):
        return '[\n      "' + joined + '"\n    ]'
    return "[\n      " + GOOD.join([names.text[v] for v in values]) + "\n    ]"


def _item(r: Request, names: _Names) -> str:
    if type(r.priority) is not int or not (r.expires is None or type(r.expires) is dt.date):
        raise _Other
    return TEMPLATE % (
        int.__repr__(r.priority),
        _text(r.supplier),
        _text(r.part),
        _text(r.kind),
        _text(r.hs),
        _text(r.description),
        _texts(r.goods, names),
        encode_basestring(str(r.value_at_stake)),
        encode_basestring(str(r.material_value)),
        _texts(r.certificates, names),
        _text(r.statement),
        "null" if r.expires is None else f'"{r.expires.isoformat()}"',
    )


def _general(r: Request) -> str:
    # an item of a list indented by two: the encoder's own text of it, every line two deeper
    # (a JSON string holds no raw line break, so every newline is the layout's)
    return dumps(r.to_dict()).replace("\n", "\n  ")


def requests_json(requests: Iterable[Request]) -> Iterator[str]:
    """The text of ``dumps([r.to_dict() for r in requests])`` in pieces, in order (no final newline)."""
    names = _Names()
    buffer, size, n = ["["], 0, 0
    for n, r in enumerate(requests, start=1):
        try:
            text = _item(r, names)
        except _Other:
            text = _general(r)
        buffer.append(ITEM + text if n > 1 else "\n  " + text)
        size += len(text)
        if size >= CHUNK:
            yield "".join(buffer)
            buffer, size = [], 0
    buffer.append("\n]" if n else "]")
    yield "".join(buffer)
