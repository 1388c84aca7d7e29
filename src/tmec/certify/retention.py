"""How long the issuer keeps a certificate's records: the dated parameter of the importing
jurisdiction, an issuer's longer period, never below the five years of the law."""

from __future__ import annotations

import datetime as dt

from tmec.core.errors import InputError
from tmec.law import load_parameters

__all__ = ["MIN_RETENTION_YEARS", "retention_years"]

MIN_RETENTION_YEARS = 5  # 19 USC 1508(b)(2); USMCA Art. 5.8(1): "at least five years"


def retention_years(jurisdiction: str, day: dt.date, override: int | None = None) -> tuple[int, str]:
    """Years to keep records for ``jurisdiction``: the dated parameter, an override, never below five."""
    params = load_parameters().at(day)
    name = f"usmca.retention.{jurisdiction.lower()}"
    years, reference = MIN_RETENTION_YEARS, "USMCA Art. 5.8(1) [unverified]"
    if name in params:
        value = params[name]
        years, reference = int(value.decimal), value.cite()
    if override is not None:
        if override < MIN_RETENTION_YEARS:
            raise InputError(
                f"records are kept at least {MIN_RETENTION_YEARS} years (19 USC 1508(b)(2); "
                f"USMCA Art. 5.8), found {override}",
                field="--retention-years",
            )
        years, reference = max(years, override), f"{reference}; extended by the issuer"
    return max(years, MIN_RETENTION_YEARS), reference
