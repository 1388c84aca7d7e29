"""Every number tmec reads, parsed in one place: strictly, by locale, within limits.

A number arrives as text (a flag, a CSV or spreadsheet cell, a quoted YAML/JSON value) or as a
number (YAML/JSON, a typed spreadsheet cell).  Text is accepted in two forms only:

* **plain**: ``1234.56`` — ASCII digits, an optional ``.`` and decimals, an optional leading ``-``,
  an optional exponent (``1e9``, ``1.5E+06``: how programs and spreadsheets export large numbers);
* **the declared locale's own writing**: its group separator in valid positions and its decimal
  symbol, as Babel's strict parser reads it (``1,234.56`` in ``en`` and ``es-MX``, the default;
  ``1.234,56`` in ``de``; ``1 234,56`` in ``fr``).

Text that is neither, or that is both with two different values (``1.234`` in ``de``: 1.234
plain, 1234 grouped), is bad input naming the field and showing what was found — never guessed.
``NaN``, ``Infinity``, ``_`` separators, currency signs and non-ASCII digits
are refused: a spreadsheet or a person writing an amount writes none of them.

Every number is also checked against the :class:`Limit` of its kind (:data:`AMOUNT`,
:data:`RATIO`, :data:`QUANTITY`, :data:`COUNT`): a magnitude and a number of decimals far beyond
any real good, so that a value such as ``1e999999999`` or a 5,000-digit integer is refused at once
instead of costing minutes of arithmetic.  The limits are the constants below; a caller with a
narrower type (the engine's ``DECIMAL(18,4)``) passes its own.

The engine reads its files in SQL: :func:`sql_number` is the same grammar as a DuckDB expression,
so that a file is accepted or refused alike by both paths (tested).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Context, Decimal, DecimalException, InvalidOperation
from functools import cache

from tmec.core.errors import InputError

__all__ = [
    "AMOUNT",
    "BLANKS",
    "COUNT",
    "DEFAULT_LOCALE",
    "LINE_AMOUNT",
    "LINE_QUANTITY",
    "QUANTITY",
    "RATIO",
    "Grammar",
    "Limit",
    "escape",
    "example",
    "grammar",
    "locale_name",
    "parse_count",
    "parse_number",
    "within",
]

DEFAULT_LOCALE = "en"  # en and es-MX both write 1,234.56


@dataclass(frozen=True, slots=True)
class Limit:
    """What a number of one kind may be: below ``largest`` in magnitude, at most ``places`` decimals."""

    name: str  # what the number is, for messages
    largest: Decimal  # exclusive bound on the magnitude
    places: int
    constant: str  # where it is set, for messages

    def describe(self) -> str:
        return f"below {self.largest:,} with at most {self.places} decimals"


# The limits.  Far above any real good (world output is about 10^14 US dollars a year).  An amount
# keeps 18 decimals, as the engine's roll-up does per unit (DECIMAL(28,18)): a part's value times
# quantities over several levels of a bill of materials has that many.
AMOUNT = Limit("amount", Decimal(10) ** 14, 18, "AMOUNT")  # money: a value, a cost, a duty base
RATIO = Limit("ratio", Decimal(10) ** 6, 10, "RATIO")  # a percentage, a share, an elasticity
QUANTITY = Limit("quantity", Decimal(10) ** 9, 6, "QUANTITY")  # units, kilograms
COUNT = Limit("count", Decimal(10) ** 9, 0, "COUNT")  # a whole number of things: engines, plants, months
# The lines the engine reads in bulk (entry files, BOM directories) are typed DECIMAL(18,4) and
# DECIMAL(9,3); the per-line Python path reads the same files with the same limits.
LINE_AMOUNT = Limit("amount", Decimal(10) ** 14, 4, "LINE_AMOUNT")
LINE_QUANTITY = Limit("quantity", Decimal(10) ** 6, 3, "LINE_QUANTITY")


@dataclass(frozen=True, slots=True)
class Grammar:
    """How one locale writes a number: the symbols, and the two regular expressions of the module notes."""

    locale: str
    decimal: str
    groups: tuple[str, ...]  # the group separator first, then its look-alikes for a space
    plain: str
    grouped: str

    @property
    def ambiguous_overlap(self) -> bool:
        """Plain and locale text can both match with different values: ``.`` groups digits here."""
        return self.decimal != "."


_SPECIAL = frozenset("\\^$.|?*+()[]{}-")


def escape(text: str) -> str:
    """``text`` in a regular expression that Python and RE2 (DuckDB) read alike."""
    return "".join("\\" + c if c in _SPECIAL else c for c in text)


# What is trimmed around a number: the Unicode space separators (Zs), as DuckDB's trim() does,
# so that the engine and the Python path read the same cell alike.
BLANKS = (
    "\u0020\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
)

_SPACES = (" ", "\u00a0", "\u202f")  # a locale grouping by a space is typed with any of these
PLAIN = r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?"


def locale_name(value: object, *, field: str = "locale", source: str | None = None) -> str:
    """A Babel locale identifier (``en``, ``es-MX``, ``de_DE``), normalised.

    Unknown locales are bad input, and so are the few whose own writing of a number Babel's strict
    reader refuses (``de_CH`` in Babel 2.19): the engine reads a locale's grammar in SQL, which must
    accept exactly what the Python path accepts.
    """
    from babel import Locale, UnknownLocaleError
    from babel.numbers import NumberFormatError, parse_decimal

    text = str(value).strip().replace("-", "_")
    try:
        name = str(Locale.parse(text))
    except (UnknownLocaleError, ValueError, TypeError):
        raise InputError(
            f"expected a locale such as en, es-MX, de or fr-CA, found {value!r}", field=field, source=source
        ) from None
    g = grammar(name)
    written = _grouped_example(g)
    try:
        parse_decimal(written, locale=name, strict=True)
    except NumberFormatError:
        raise InputError(
            f"locale {name} is not supported: Babel's strict reader refuses {written!r}, "
            "which its number pattern allows",
            field=field,
            source=source,
        ) from None
    return name


@cache
def grammar(locale: str = DEFAULT_LOCALE) -> Grammar:
    """The grammar of ``locale`` (already valid: see :func:`locale_name`)."""
    from babel import Locale
    from babel.numbers import get_decimal_symbol, get_group_symbol

    loc = Locale.parse(locale)
    decimal, group = get_decimal_symbol(loc), get_group_symbol(loc)
    pattern = loc.decimal_formats[None]
    primary, secondary = pattern.grouping
    groups = (group, *(c for c in _SPACES if c != group)) if group in _SPACES else (group,)
    g = "[" + "".join(escape(c) for c in groups) + "]"
    first = max(secondary, 1)
    integer = f"([0-9]+|[1-9][0-9]{{0,{first - 1}}}({g}[0-9]{{{secondary}}})*{g}[0-9]{{{primary}}})"
    if primary > 9:  # a pattern without grouping (Babel gives it 1000): digits only
        integer = "[0-9]+"
    grouped = f"-?{integer}({escape(decimal)}[0-9]+)?"
    return Grammar(str(loc), decimal, groups, PLAIN, grouped)


def _grouped_example(g: Grammar) -> str:
    """12,345,678.5 grouped as ``g``'s pattern groups (two groups at least)."""
    from babel import Locale

    primary, secondary = Locale.parse(g.locale).decimal_formats[None].grouping
    if primary > 9:
        return "12345678" + g.decimal + "5"
    digits, parts = "12345678", []
    parts.append(digits[-primary:])
    rest = digits[:-primary]
    while rest:
        parts.insert(0, rest[-secondary:])
        rest = rest[:-secondary]
    return g.groups[0].join(parts) + g.decimal + "5"


def _from_text(text: str, g: Grammar) -> Decimal | None:
    """The value of ``text`` in grammar ``g``; None when it is not a number there or is ambiguous."""
    plain = re.fullmatch(g.plain, text) is not None
    grouped = re.fullmatch(g.grouped, text) is not None
    if plain and grouped and g.ambiguous_overlap and "." in text:
        return None  # 1.234: a decimal point plain, a group separator here
    if plain:
        return Decimal(text)
    if not grouped:
        return None
    from babel.numbers import NumberFormatError, parse_decimal

    canonical = text
    for c in g.groups[1:]:
        canonical = canonical.replace(c, g.groups[0])
    try:
        # Babel's strict reading checks the grouping once more against the locale's own pattern.
        return parse_decimal(canonical, locale=g.locale, strict=True)
    except (NumberFormatError, InvalidOperation):
        return None


def example(g: Grammar) -> str:
    """1234.56 as locale ``g`` writes it, for messages."""
    from babel.numbers import format_decimal

    return str(format_decimal(Decimal("1234.56"), locale=g.locale))


def parse_number(
    value: object,
    *,
    field: str | None = None,
    source: str | None = None,
    locale: str | None = None,
    limit: Limit = AMOUNT,
    allow_negative: bool = False,
) -> Decimal:
    """Parse a number of kind ``limit``, strictly and in ``locale`` (default :data:`DEFAULT_LOCALE`).

    >>> parse_number("1,234.56")
    Decimal('1234.56')
    >>> parse_number("1.234,56", locale="de")
    Decimal('1234.56')
    >>> for bad in ("3,60", "1e999999999"):
    ...     try:
    ...         parse_number(bad, field="value")
    ...     except InputError as exc:
    ...         print(exc)  # doctest: +ELLIPSIS
    value: expected a number written 1234.56 or as locale en writes it (1,234.56), found '3,60'
    value: expected an amount below 100,000,000,000,000 with at most 18 decimals ...
    """
    if isinstance(value, bool) or value is None:
        raise InputError(f"expected a number, found {value!r}", field=field, source=source)
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        if value.bit_length() > 64 * 8:  # decimal digits far past any limit: no conversion to text
            raise _beyond(value, limit, field, source)
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip(BLANKS)
        if len(text) > 64:  # longer than any number within a limit: not read at all
            raise _beyond(value, limit, field, source)
        # Plain text is its own value in every locale but those where "." groups digits (not in the
        # default locale, whose decimal symbol is "." — tested): the locale's grammar (Babel's data,
        # a twentieth of a second to load) is then not needed.
        own = locale in (None, DEFAULT_LOCALE) or "." not in text
        try:
            if own and re.fullmatch(PLAIN, text) is not None:
                found: Decimal | None = Decimal(text)
            else:
                found = _from_text(text, grammar(locale or DEFAULT_LOCALE))
        except DecimalException:  # an exponent past what Decimal holds: far beyond any limit
            raise _beyond(value, limit, field, source) from None
        if found is None:
            g = grammar(locale or DEFAULT_LOCALE)
            raise InputError(
                f"expected a number written 1234.56 or as locale {g.locale} writes it ({example(g)}), "
                f"found {value!r}",
                field=field,
                source=source,
            )
        result = found
    else:
        raise InputError(f"expected a number, found {value!r}", field=field, source=source)
    if not result.is_finite():
        raise InputError(f"expected a finite number, found {value!r}", field=field, source=source)
    if result < 0 and not allow_negative:
        raise InputError(f"expected a number not less than 0, found {value!r}", field=field, source=source)
    if not within(result, limit):
        raise _beyond(value, limit, field, source)
    return result


_WIDE = Context(prec=100)  # quantizes a value within any limit exactly


def within(number: Decimal, limit: Limit) -> bool:
    """``number`` (finite) is below the limit's magnitude and has no more decimals than it allows
    (trailing zeros do not count).  Cheap on any exponent: no arithmetic past a comparison."""
    if number.copy_abs() >= limit.largest:
        return False
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)  # a finite number's
    if exponent >= -limit.places:
        return True
    return number == number.quantize(Decimal(1).scaleb(-limit.places), context=_WIDE)


def _beyond(value: object, limit: Limit, field: str | None, source: str | None) -> InputError:
    if isinstance(value, int):
        found = (
            f"{value}"
            if value.bit_length() < 200
            else f"an integer of about {int(value.bit_length() * 0.30103) + 1:,} digits"
        )
    else:
        found = (
            repr(value)
            if len(str(value)) <= 64
            else f"{str(value)[:40]!r}... ({len(str(value)):,} characters)"
        )
    return InputError(
        f"expected {'an' if limit.name[0] in 'aeiou' else 'a'} {limit.name} {limit.describe()} "
        f"(tmec.core.numbers.{limit.constant}), found {found}",
        field=field,
        source=source,
    )


def parse_count(
    value: object, *, field: str | None = None, source: str | None = None, limit: Limit = COUNT
) -> int:
    """A whole number of things, bounded by ``limit`` (a count is never negative or fractional)."""
    number = parse_number(value, field=field, source=source, limit=limit)
    if number != number.to_integral_value():
        raise InputError(f"expected a whole number, found {value!r}", field=field, source=source)
    return int(number)
