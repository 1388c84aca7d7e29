import pytest
from hypothesis import given
from hypothesis import strategies as st

from tmec.core import hs
from tmec.core.errors import InvalidHSCode


@pytest.mark.parametrize(
    ("code", "compact", "formatted"),
    [
        ("7208.51", "720851", "7208.51"),
        ("72 08 51", "720851", "7208.51"),
        ("8703.23.01", "87032301", "8703.23.01"),
        ("8703.23.0190", "8703230190", "8703.23.0190"),
        ("72.08", "7208", "72.08"),
        ("72", "72", "72"),
    ],
)
def test_compact_and_format(code: str, compact: str, formatted: str) -> None:
    assert hs.validate(code) == compact
    assert hs.format(code) == formatted


@pytest.mark.parametrize("bad", ["", "7", "720", "72085", "72O8.51", "0012.34", "77.01", "12345678901"])
def test_bad_codes_name_the_code(bad: str) -> None:
    with pytest.raises(InvalidHSCode) as info:
        hs.validate(bad, field="good.hs")
    assert "good.hs" in str(info.value)
    assert repr(bad) in str(info.value)


def test_levels() -> None:
    assert hs.chapter("7208.51.00") == "72"
    assert hs.heading("7208.51.00") == "7208"
    assert hs.subheading("7208.51.00") == "720851"
    assert hs.tariff_item("7208.51.0030") == "72085100"
    with pytest.raises(InvalidHSCode):
        hs.subheading("7208")


def test_ranges() -> None:
    r = hs.HSRange.parse("72.08-72.29")
    assert r.level == 4
    assert r.contains("7208.51") and r.contains("7229") and not r.contains("7230.10")
    assert not r.contains("7207.11")
    single = hs.HSRange.parse("8708.99")
    assert single.contains("8708.99.81") and not single.contains("8708.10")
    assert not hs.HSRange.parse("8708.10").contains("8708")  # coarser code: not known to be inside
    with pytest.raises(InvalidHSCode):
        hs.HSRange.parse("72.29-72.08")
    with pytest.raises(InvalidHSCode):
        hs.HSRange.parse("72.08-7229.10")


def test_nomenclature_hs2022() -> None:
    assert hs.exists("7208.51")
    assert not hs.exists("8701.20")  # split into 8701.21-.29 in HS 2017
    assert hs.exists("8701.21")
    assert "hot-rolled" in (hs.describe("7208.51") or "")
    assert hs.describe("7299.99") is None


@given(st.integers(min_value=10, max_value=9_999_999_999))
def test_format_round_trips(n: int) -> None:
    digits = str(n)
    if len(digits) not in (2, 4, 6, 8, 10) or digits.startswith(("00", "77")):
        assert not hs.is_valid(digits) or len(digits) in (2, 4, 6, 8, 10)
        return
    assert hs.compact(hs.format(digits)) == digits
