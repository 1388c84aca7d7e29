"""The law a CBAM calculation reads: the compiled tables and the dated parameters, in one bundle."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from tmec.carbon.tables import CbamTables
from tmec.core.errors import InputError, NotInForce
from tmec.core.params import ParameterSet, ParamValue

__all__ = ["CarbonLaw", "period_of"]


def period_of(day: dt.date) -> str:
    """The price period of an import date: the quarter in 2026, the ISO week from 2027."""
    if day.year <= 2026:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


@dataclass(frozen=True, slots=True)
class CarbonLaw:
    tables: CbamTables
    params: ParameterSet

    def param(self, name: str, day: dt.date) -> ParamValue:
        return self.params[f"carbon.{name}"].at(day)

    def factor(self, year: int) -> tuple[ParamValue, ParamValue]:
        """(CBAM factor, CSCF) in force for goods imported in ``year``."""
        day = dt.date(year, 1, 1)
        return self.param("cbam_factor", day), self.param("cscf", day)

    def price(self, day: dt.date) -> ParamValue:
        """The published certificate price for goods imported on ``day``; none published is an error."""
        try:
            return self.param("certificate_price", day)
        except NotInForce:
            raise InputError(
                f"no published CBAM certificate price for {period_of(day)} (import date {day.isoformat()}); "
                "give the price (--price)",
                field="price",
            ) from None

    def eu_member(self, origin: str, day: dt.date) -> bool:
        members = self.param("eu_member_states", day).value
        return origin in members

    def de_minimis(self, year: int) -> Decimal:
        return self.param("de_minimis_mass", dt.date(year, 1, 1)).decimal
