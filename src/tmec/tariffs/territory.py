"""The customs territory of the United States as an origin: its goods are not imports rated by
origin (goods of U.S. origin returned from abroad are entered under chapter 98, 9801.00.10, Free),
so an entry line, or a statutory-rate row, of that origin is refused rather than priced."""

from __future__ import annotations

from tmec.core.params import ParameterSet, ParamValue

__all__ = ["TERRITORY", "inside_territory", "territory_codes"]

TERRITORY = "tariffs.customs_territory"


def inside_territory(code: str, territory: ParamValue) -> str | None:
    """Why ``code`` cannot be an origin (``territory`` is the parameter's value in force), or None."""
    if code not in territory.value:
        return None
    return (
        f"expected an origin outside the customs territory of the United States, found {code!r}: its goods "
        f"are not imports rated by origin (goods of U.S. origin returned are entered under 9801.00.10, Free; "
        f"{territory.cite()})"
    )


def territory_codes(parameters: ParameterSet) -> frozenset[str]:
    """Every code the territory has held at any date (a check that knows no entry date)."""
    p = parameters[TERRITORY]
    return frozenset(c for v in p.values if v is not None for c in v.value)
