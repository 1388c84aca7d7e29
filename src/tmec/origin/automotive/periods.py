"""The periods a producer may take its steel and aluminum purchases and its labor value content over.

The Uniform Regulations give the same options for the purchase requirement (UR s.17) and for
the LVC (UR s.18); the purchase requirement adds the transitional period of UR s.17 for the
first years after entry into force.
"""

from __future__ import annotations

__all__ = ["LVC_PERIODS", "PURCHASE_PERIODS"]

LVC_PERIODS = (
    "previous_fiscal_year",
    "previous_calendar_year",
    "quarter_to_date",
    "month_to_date",
    "fiscal_year_to_date",
    "calendar_year_to_date",
)
PURCHASE_PERIODS = (*LVC_PERIODS, "transitional")
