"""Rate texts of the HTSUS columns, parsed.

The schedule writes rates as text: ``"Free"``, ``"2.5%"``, ``"4.4¢/kg"``,
``"2.5% + 4.4¢/kg"``, and in chapter 99 ``"The duty provided in the applicable
subheading + 25%"``.  The "special" column groups rates by program:
``"Free (A+,AU,...,S,SG) 7 cents/kg (KR)"`` (spec tariffs.md §2.1, §2.3).

>>> parse_rate("2.5%").ad_valorem
Decimal('2.5')
>>> parse_rate("Free").ad_valorem
Decimal('0')
>>> parse_rate("The duty provided in the applicable subheading + 25%").ad_valorem
Decimal('25')
>>> parse_rate("2.5% + 4.4¢/kg").specific
True
>>> special_programs("Free (A+,AU,B,S,SG) 7 cents/kg (KR)")["S"].ad_valorem
Decimal('0')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["Rate", "parse_rate", "special_programs"]

_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_SPECIFIC = re.compile(r"¢|\$|cents?\b|/kg|/each|/liter|/doz|/pf\.? ?liter|/t\b|/m2", re.IGNORECASE)
_GROUP = re.compile(r"([^()]+?)\s*\(([^)]*)\)")


@dataclass(frozen=True, slots=True)
class Rate:
    """A parsed rate: its ad valorem part in percent and whether a specific part exists."""

    text: str
    ad_valorem: Decimal | None  # None when the text has no rate (e.g. "See 9823.04.01")
    specific: bool = False

    @property
    def computable(self) -> bool:
        """True when the whole rate is ad valorem (a specific part needs a quantity)."""
        return self.ad_valorem is not None and not self.specific


def parse_rate(text: str | None) -> Rate:
    raw = (text or "").strip()
    lowered = raw.lower()
    if not raw:
        return Rate(raw, None)
    if lowered in {"free", "no change"} or (
        lowered.startswith("the duty provided in the applicable subheading") and ("+" not in lowered)
    ):
        return Rate(raw, Decimal(0))
    if lowered.startswith("free"):
        return Rate(raw, Decimal(0))
    percents = _PERCENT.findall(raw)
    specific = bool(_SPECIFIC.search(raw))
    if percents:
        return Rate(raw, sum((Decimal(p) for p in percents), Decimal(0)), specific)
    if specific:
        return Rate(raw, Decimal(0), True)
    return Rate(raw, None)


def special_programs(text: str | None) -> dict[str, Rate]:
    """Map each program symbol of a "special" column text to its rate."""
    out: dict[str, Rate] = {}
    for rate_text, programs in _GROUP.findall(text or ""):
        rate = parse_rate(rate_text)
        for symbol in programs.split(","):
            symbol = symbol.strip()
            if symbol and symbol not in out:
                out[symbol] = rate
    return out
