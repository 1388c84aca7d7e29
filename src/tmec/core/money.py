"""Money and ratios as :class:`decimal.Decimal`, end to end.

Amounts arrive from YAML/JSON/CSV as strings, integers or floats.  A float is
converted through its shortest ``repr`` (``3.15`` -> ``Decimal("3.15")``), never
through its binary value.  Ratios are computed unrounded; rounding happens only
for display, with the policy given by a dated legal parameter.
"""

from __future__ import annotations

import decimal
from decimal import ROUND_HALF_UP, Decimal

from tmec.core.numbers import AMOUNT, Limit, parse_number

# 28 significant digits are the Decimal default; RVC ratios keep 28 digits, far
# beyond any threshold comparison's need.
CONTEXT = decimal.Context(prec=28, rounding=ROUND_HALF_UP)

# For sums and products of engine amounts (at most 38 digits each) that must not round at all.
EXACT = decimal.Context(prec=60)

ZERO = Decimal(0)
HUNDRED = Decimal(100)

__all__ = ["EXACT", "HUNDRED", "ZERO", "percent", "quantize", "to_decimal"]


def to_decimal(
    value: object,
    *,
    field: str | None = None,
    source: str | None = None,
    allow_negative: bool = False,
    locale: str | None = None,
    limit: Limit = AMOUNT,
) -> Decimal:
    """Parse an amount, strictly and by locale (:func:`tmec.core.numbers.parse_number`).

    >>> to_decimal("1,234.50")
    Decimal('1234.50')
    >>> to_decimal(3.15)
    Decimal('3.15')
    >>> to_decimal(-1, field="value")
    Traceback (most recent call last):
    ...
    tmec.core.errors.InputError: value: expected a number not less than 0, found -1
    """
    return parse_number(
        value, field=field, source=source, locale=locale, limit=limit, allow_negative=allow_negative
    )


def percent(numerator: Decimal, denominator: Decimal) -> Decimal:
    """``numerator / denominator * 100``, unrounded (28 significant digits).

    >>> percent(Decimal(48), Decimal(88))
    Decimal('54.54545454545454545454545455')
    """
    if denominator == 0:
        raise ZeroDivisionError("percentage of a zero base")
    return CONTEXT.multiply(CONTEXT.divide(numerator, denominator), HUNDRED)


def quantize(value: Decimal, places: int = 2, rounding: str = ROUND_HALF_UP) -> Decimal:
    """Round for display or for a per-line amount, with an explicit policy.

    >>> quantize(Decimal("54.54545"), 4)
    Decimal('54.5455')
    """
    return value.quantize(Decimal(1).scaleb(-places), rounding=rounding)
