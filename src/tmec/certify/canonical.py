"""RFC 8785 JSON Canonicalization Scheme (JCS) for the payloads tmec signs.

tmec signs only JSON made of objects, arrays, strings, integers, booleans and
null: money and ratios travel as decimal *strings*, dates as ISO strings.  For
that subset JCS reduces to: object members sorted by the UTF-16 code units of
their names (RFC 8785 §3.2.3), no insignificant whitespace, strings escaped as
ECMAScript's ``JSON.stringify`` does (§3.2.2.2), and integers in their shortest
decimal form, which must be exact in an IEEE 754 double (§3.2.2.3).  Floats are
refused rather than rounded.  The test suite checks this against the reference
implementation ``rfc8785``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from tmec.core.errors import InputError

__all__ = ["b64decode_strict", "canonical_json", "loads", "sha256_hex"]

_encode_basestring = json.encoder.encode_basestring  # what json.dumps(s, ensure_ascii=False) calls
_MAX_SAFE_INTEGER = 2**53 - 1  # RFC 8785 §3.2.2.3 / ECMAScript Number.MAX_SAFE_INTEGER


def _string(s: str) -> str:
    # The standard library's encoder (ensure_ascii=False) escapes exactly what RFC 8785 §3.2.2.2
    # does: the two-character escapes for \b \t \n \f \r " \\, \u00xx (lower case) for the other
    # controls, nothing else.  Lone surrogates survive it and are refused when encoding to UTF-8.
    # Its C function is called directly: json.dumps per string cost a batch of certificates 1 ms each.
    return _encode_basestring(s)


def _encode(value: Any, out: list[str], path: str) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        if abs(value) > _MAX_SAFE_INTEGER:
            raise InputError(
                f"integer {value} is not exact in JSON (RFC 8785); send it as a string", field=path
            )
        out.append(str(value))
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, list | tuple):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _encode(item, out, f"{path}[{i}]")
        out.append("]")
    elif isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise InputError(f"object keys must be strings, found {key!r}", field=path)
        out.append("{")
        for i, key in enumerate(sorted(value, key=lambda k: k.encode("utf-16-be"))):
            if i:
                out.append(",")
            out.append(_string(key))
            out.append(":")
            _encode(value[key], out, f"{path}.{key}" if path else key)
        out.append("}")
    else:
        raise InputError(
            f"cannot sign a {type(value).__name__} in canonical JSON; use a string (decimals, dates)",
            field=path or None,
        )


# The standard library's C encoder, compact and sorted: for values of plain types (below) with
# ASCII member names it writes exactly what _encode writes (code-point order is UTF-16 order for
# ASCII; ints, strings, true, false and null alike), several times faster.
_C_ENCODE = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False
).encode


def _plain(value: Any) -> bool:
    """Whether ``value`` holds only dicts with ASCII string keys, lists, tuples, strings, safe
    integers, booleans and None, each of exactly that type (subclasses may print otherwise)."""
    kind = type(value)
    if kind is str or value is None or kind is bool:
        return True
    if kind is int:
        return -_MAX_SAFE_INTEGER <= value <= _MAX_SAFE_INTEGER  # type: ignore[no-any-return]
    if kind is dict:
        return all(type(k) is str and k.isascii() for k in value) and all(map(_plain, value.values()))
    if kind is list or kind is tuple:
        return all(map(_plain, value))
    return False


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of ``value``.

    >>> canonical_json({"b": [1, "é"], "a": None})
    b'{"a":null,"b":[1,"\\xc3\\xa9"]}'
    """
    if _plain(value):
        text = _C_ENCODE(value)
    else:  # the general encoder: UTF-16 order, and it names what it refuses
        out: list[str] = []
        _encode(value, out, "")
        text = "".join(out)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(
            f"a lone surrogate cannot be encoded in UTF-8 (RFC 8785 §3.2.2.2): {exc.reason}"
        ) from None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def loads(data: bytes | str) -> Any:
    """Parse JSON, refusing floats and duplicate names, so that what was signed reads back exactly."""

    def no_float(text: str) -> Any:
        raise ValueError(f"a JSON number with a fraction or exponent ({text}) is not allowed here")

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(pairs)
        if len(out) != len(pairs):
            raise ValueError("a JSON object repeats a name")
        return out

    return json.loads(data, parse_float=no_float, object_pairs_hook=no_duplicates)


def b64decode_strict(text: str) -> bytes:
    """Standard base64 with padding, in its one canonical spelling (unused bits zero).

    Lenient decoders map several spellings to the same bytes; accepting only the
    canonical one means any change to the text is a change to the data.
    """
    raw = base64.b64decode(text, validate=True)
    if base64.b64encode(raw).decode("ascii") != text:
        raise binascii.Error("not canonical base64")
    return raw
