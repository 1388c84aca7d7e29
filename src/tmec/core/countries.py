"""Countries as ISO 3166-1 alpha-2 codes (``pycountry``), one validator for every input."""

from __future__ import annotations

from functools import cache

from tmec.core.errors import InputError
from tmec.core.package_data import package_json

__all__ = ["UNKNOWN", "country"]

UNKNOWN = "unknown"  # a country that was not reported (melt-and-pour, smelt-and-cast)


@cache
def _iso_countries() -> frozenset[str]:
    # pycountry's ISO 3166-1 table, read once, lazily (the package's own import costs more)
    return frozenset(
        str(c["alpha_2"]) for c in package_json("pycountry", "databases/iso3166-1.json")["3166-1"]
    )


def country(value: object, *, field: str, source: str | None = None, allow_unknown: bool = False) -> str:
    """An ISO 3166 alpha-2 code, upper-cased; anything else is bad input naming ``field``.

    >>> country("mx", field="country")
    'MX'
    >>> country("ZZ", field="origin")
    Traceback (most recent call last):
    ...
    tmec.core.errors.InputError: origin: expected an ISO 3166 country code such as MX or CA, found 'ZZ'
    """
    text = str(value).strip()
    if allow_unknown and text.lower() in {UNKNOWN, "?", ""}:
        return UNKNOWN
    code = text.upper()
    if code == "UK":
        code = "GB"
    if code not in _iso_countries():
        raise InputError(
            f"expected an ISO 3166 country code such as MX or CA, found {text!r}", field=field, source=source
        )
    return code
