"""RFC 8785 canonical JSON, checked against the reference implementation ``rfc8785``."""

from __future__ import annotations

import json
from typing import Any

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from tmec.certify.canonical import b64decode_strict, canonical_json, loads
from tmec.core.errors import InputError

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)


@given(json_values)
def test_matches_the_reference_implementation(value: Any) -> None:
    assert canonical_json(value) == rfc8785.dumps(value)


def test_members_sort_by_utf16_code_units() -> None:
    # U+1F600 is the surrogate pair D83D DE00, which sorts before U+FB01 in UTF-16 but not in code points.
    value = {"\ufb01": 1, "\U0001f600": 2, "a": 3}
    assert canonical_json(value) == rfc8785.dumps(value)
    assert canonical_json(value).index("\U0001f600".encode()) < canonical_json(value).index("\ufb01".encode())


def test_escapes_like_ecmascript() -> None:
    assert canonical_json('\u0001\n"\\/é\u007f') == b'"\\u0001\\n\\"\\\\/\xc3\xa9\x7f"'


@pytest.mark.parametrize("bad", [1.5, 2**53, {1: "x"}, object()])
def test_refuses_what_it_cannot_sign_exactly(bad: Any) -> None:
    with pytest.raises(InputError):
        canonical_json(bad)


def test_loads_refuses_floats_and_duplicate_names() -> None:
    assert loads(b'{"a": [1, "2"]}') == {"a": [1, "2"]}
    with pytest.raises(ValueError, match="fraction"):
        loads(b'{"a": 1.5}')
    with pytest.raises(ValueError, match="repeats"):
        loads(b'{"a": 1, "a": 2}')


def test_only_canonical_base64_is_accepted() -> None:
    assert b64decode_strict("AAE=") == b"\x00\x01"
    with pytest.raises(ValueError, match="canonical"):
        b64decode_strict("AAF=")  # same bytes with a non-zero unused bit
    with pytest.raises(ValueError, match="padding"):
        b64decode_strict("AAE")


def test_a_lone_surrogate_is_refused() -> None:
    with pytest.raises(InputError, match="surrogate"):
        canonical_json({"a": "\ud800"})


plain_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(st.characters(max_codepoint=127), max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(plain_values)
def test_the_c_encoder_writes_what_the_general_one_writes(value: Any) -> None:
    """Values of plain types with ASCII names go through the standard library's C encoder (a
    batch of certificates canonicalises several large documents each): the same bytes."""
    from tmec.certify import canonical

    assert canonical._plain(value)
    out: list[str] = []
    canonical._encode(value, out, "")
    assert canonical_json(value) == "".join(out).encode("utf-8")  # (hypothesis draws no lone surrogates)


@pytest.mark.parametrize(
    "odd", [True, 2**53, -(2**53), {"é": 1}, {1: 2}, 1.0, [object()], type("S", (str,), {})("x")]
)
def test_values_the_c_encoder_might_print_otherwise_take_the_general_one(odd: Any) -> None:
    from tmec.certify import canonical

    assert canonical._plain(odd) is (odd is True)


pretty_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.floats(allow_nan=False),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(pretty_values)
def test_pretty_json_is_what_json_dumps_indents(value: Any) -> None:
    """The certificate's files are pretty JSON written without json's pure-Python indenting
    encoder (floats and other odd values still go through it): the same bytes."""
    from tmec.certify.artifacts import pretty_json

    assert pretty_json(value) == (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode()


def test_pretty_json_leaves_what_it_does_not_know_to_json_dumps() -> None:
    from tmec.certify import artifacts

    out: list[str] = []
    for odd in (1.5, {1: "a"}, type("S", (str,), {})("x"), [True, {"k": 2.0}]):
        with pytest.raises(artifacts._NotPlain):
            artifacts._pretty(odd, out, "\n")
    assert artifacts.pretty_json({1: [1.5]}) == b'{\n  "1": [\n    1.5\n  ]\n}\n'
