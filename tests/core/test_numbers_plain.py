"""A plain number in the default locale is read without the locale's grammar (Babel's data): the
same value, the same refusals."""

from __future__ import annotations

import pytest

from tmec.core import numbers
from tmec.core.errors import InputError
from tmec.core.numbers import DEFAULT_LOCALE, grammar, parse_number

PLAIN = ["1000", "1000.50", "0.0001", "-3", "1e9", "1.5E+06", " 42 ", "007"]


def test_the_default_locale_writes_its_decimals_after_a_point() -> None:
    """What the shortcut rests on: in the default locale "." is never a group separator."""
    assert grammar(DEFAULT_LOCALE).decimal == "."
    assert not grammar(DEFAULT_LOCALE).ambiguous_overlap


@pytest.mark.parametrize("text", PLAIN)
def test_plain_text_in_the_default_locale_needs_no_grammar(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = numbers._from_text(text.strip(), grammar(DEFAULT_LOCALE))
    if text.startswith("-"):
        expected = None  # refused below as negative, with either path
    monkeypatch.setattr(numbers, "grammar", lambda *_: pytest.fail("the grammar was loaded"))
    if expected is None:
        with pytest.raises(InputError, match="not less than 0"):
            parse_number(text)
    else:
        assert parse_number(text) == expected
        assert parse_number(text, locale=DEFAULT_LOCALE) == expected


OTHER = [
    ("1,234.5", None, "1234.5"),
    ("1.234,5", "de", "1234.5"),
    ("1234", "de", "1234"),
    ("12.5", "en", "12.5"),
]


@pytest.mark.parametrize(("text", "locale", "value"), OTHER)
def test_other_writings_as_before(text: str, locale: str | None, value: str) -> None:
    assert str(parse_number(text, locale=locale)) == value


def test_a_point_where_it_groups_digits_is_still_ambiguous() -> None:
    with pytest.raises(InputError, match="locale de writes it"):
        parse_number("1.234", locale="de")
    with pytest.raises(InputError, match="locale en writes it"):
        parse_number("3,60")
