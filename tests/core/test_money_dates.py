import datetime as dt
from decimal import Decimal

import pytest

from tmec.core.dates import Period, parse_date
from tmec.core.errors import InputError
from tmec.core.money import percent, quantize, to_decimal


def test_to_decimal_forms() -> None:
    assert to_decimal("1,234.50") == Decimal("1234.50")
    assert to_decimal(3.15) == Decimal("3.15")
    assert to_decimal(7) == Decimal(7)
    assert to_decimal("-2", allow_negative=True) == Decimal(-2)


@pytest.mark.parametrize("bad", ["abc", None, True, "nan", "inf", [1], -0.5])
def test_to_decimal_rejects(bad: object) -> None:
    with pytest.raises(InputError) as info:
        to_decimal(bad, field="materials[0].value", source="case.yaml")
    assert str(info.value).startswith("case.yaml: materials[0].value: ")


def test_percent_is_unrounded() -> None:
    assert percent(Decimal(48), Decimal(88)) > Decimal("54.5454")
    assert quantize(percent(Decimal(48), Decimal(88)), 4) == Decimal("54.5455")


def test_period_half_open() -> None:
    p = Period(dt.date(2025, 3, 12), dt.date(2025, 6, 4))
    assert dt.date(2025, 3, 12) in p
    assert dt.date(2025, 6, 4) not in p
    assert dt.date(2030, 1, 1) in Period(dt.date(2025, 1, 1))
    with pytest.raises(InputError):
        Period(dt.date(2025, 1, 1), dt.date(2025, 1, 1))


def test_parse_date() -> None:
    assert parse_date("2023-07-01") == dt.date(2023, 7, 1)
    with pytest.raises(InputError, match="date"):
        parse_date("July 1", field="date")
