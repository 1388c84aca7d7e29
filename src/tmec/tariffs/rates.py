"""Rate texts of the HTSUS columns, parsed into a structured rate (the raw text is kept).

The schedule writes rates as text: ``"Free"``, ``"2.5%"``, ``"4.4¢/kg"``, ``"$1.034/kg"``,
``"2.5% + 4.4¢/kg"``, ``"37.5¢ each + 5.5%"``, and in chapter 99 ``"The duty provided in the
applicable subheading + 25%"``.  The "special" column groups rates by program:
``"Free (A+,AU,...,S,SG) 7 cents/kg (KR)"`` (spec tariffs.md §2.1, §2.3).

A :class:`Rate` is an ad valorem part (percent) plus specific parts (an amount in dollars per
unit of quantity).  A text that is not a sum of such parts ("4.4¢/kg on drained weight",
"The rate applicable to each garment...", "... on the case + ... on the battery") is kept
with ``complete=False``: the duty cannot be computed from value and quantity alone, and the
answer says so instead of counting 0.

>>> parse_rate("2.5%").ad_valorem
Decimal('2.5')
>>> parse_rate("Free").ad_valorem
Decimal('0')
>>> parse_rate("The duty provided in the applicable subheading + 25%").ad_valorem
Decimal('25')
>>> r = parse_rate("2.5% + 4.4¢/kg")
>>> r.ad_valorem, r.parts[0].amount, r.parts[0].unit
(Decimal('2.5'), Decimal('0.044'), 'kg')
>>> special_programs("Free (A+,AU,B,S,SG) 7 cents/kg (KR)")["S"].ad_valorem
Decimal('0')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

__all__ = ["UNITS", "Rate", "SpecificPart", "parse_rate", "quantity_unit", "special_programs"]

_PERCENT = re.compile(r"(\d+(?:\.\d+)?(?:\s+\d+/\d+)?)\s*%")
_GROUP = re.compile(r"([^()]+?)\s*\(([^)]*)\)")
# ``4.4¢/kg``, ``$1.034/kg``, ``37.5¢ each``, ``7 cents/kg``, ``$2 each``, ``0.8¢/m2``
_SPECIFIC = re.compile(
    r"^(?:\$\s*(?P<dollars>\d+(?:\.\d+)?)|(?P<cents>\d+(?:\.\d+)?)\s*(?:¢|cents?))"
    r"\s*(?:/\s*(?P<per>[^\s+]+(?:\s?[a-z]+\.?)?)|\s+(?P<each>each))$",
    re.IGNORECASE,
)
# The rate texts' units -> the unit of quantity of the schedule's "units" column.
UNITS = {
    "kg": "kg",
    "clean kg": "kg",
    "each": "No.",
    "no.": "No.",
    "liter": "liters",
    "liters": "liters",
    "pf.liter": "pf.liters",
    "pf. liter": "pf.liters",
    "doz.": "doz.",
    "doz": "doz.",
    "pr.": "prs.",
    "prs.": "prs.",
    "pair": "prs.",
    "bbl": "bbl",
    "t": "t",
    "m2": "m2",
    "m²": "m2",
    "m3": "m3",
    "gross": "gross",
    "g": "g",
}
_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class SpecificPart:
    """``amount`` US dollars per ``unit`` of quantity (a unit of the schedule's "units" column)."""

    text: str
    amount: Decimal
    unit: str


@dataclass(frozen=True, slots=True)
class Rate:
    """A parsed rate: its ad valorem part in percent and its specific parts, with the raw text.

    ``ad_valorem`` is None when the text states no rate at all (e.g. "See 9823.04.01").
    ``complete`` is False when the text is not a plain sum of those parts.
    """

    text: str
    ad_valorem: Decimal | None
    parts: tuple[SpecificPart, ...] = ()
    complete: bool = True

    @property
    def specific(self) -> bool:
        """True when the duty needs more than the value: a quantity, or a text read by a person."""
        return bool(self.parts) or (not self.complete and self.ad_valorem is not None)

    @property
    def computable(self) -> bool:
        """True when the whole rate is ad valorem (a specific part needs a quantity)."""
        return self.ad_valorem is not None and not self.specific

    def kind(self) -> str:
        """``free``, ``ad valorem``, ``specific``, ``compound`` or ``other`` (not computed)."""
        if not self.complete or self.ad_valorem is None:
            return "other"
        if self.parts:
            return "compound" if self.ad_valorem else "specific"
        return "free" if self.ad_valorem == 0 else "ad valorem"


def _number(text: str) -> Decimal:
    """``2.5`` or ``33 1/3`` (a few rates are written with a fraction)."""
    whole, _, fraction = text.partition(" ")
    if not fraction:
        return Decimal(whole)
    num, den = fraction.split("/")
    return Decimal(whole) + Decimal(num) / Decimal(den)


def _specific(term: str) -> SpecificPart | None:
    m = _SPECIFIC.match(term.strip())
    if m is None:
        return None
    unit_text = "each" if m["each"] else (m["per"] or "").strip().lower()
    unit = UNITS.get(unit_text)
    if unit is None:
        return None
    amount = Decimal(m["dollars"]) if m["dollars"] else Decimal(m["cents"]) / _HUNDRED
    return SpecificPart(term.strip(), amount, unit)


# the schedule repeats a few thousand texts over its 40,000 rows and columns (a Rate is immutable)
@lru_cache(maxsize=1 << 14)
def parse_rate(text: str | None) -> Rate:
    raw = " ".join((text or "").split())
    lowered = raw.lower()
    if not raw:
        return Rate(raw, None)
    if lowered in {"free", "no change"} or (
        lowered.startswith("the duty provided in the applicable subheading")
        and "+" not in lowered
        and " plus " not in lowered  # 9903.88.01 writes "plus 25%"
    ):
        return Rate(raw, Decimal(0))
    if lowered.startswith("free"):
        return Rate(raw, Decimal(0))
    if lowered.startswith("the duty provided in the applicable subheading"):
        percents = _PERCENT.findall(raw)
        return Rate(raw, sum((_number(p) for p in percents), Decimal(0)), (), bool(percents))
    ad_valorem: Decimal | None = None
    parts: list[SpecificPart] = []
    complete = True
    for term in re.split(r"\s*\+\s*", raw):
        pct = _PERCENT.fullmatch(term)
        if pct:
            ad_valorem = (ad_valorem or Decimal(0)) + _number(pct[1])
            continue
        part = _specific(term)
        if part is None:
            complete = False
            continue
        parts.append(part)
    if not complete:
        # keep what the text says in percent (as before), but the whole is not computed
        percents = _PERCENT.findall(raw)
        total = sum((_number(p) for p in percents), Decimal(0)) if percents else None
        return Rate(raw, total if total is not None else (Decimal(0) if parts else None), tuple(parts), False)
    return Rate(raw, ad_valorem if ad_valorem is not None else Decimal(0), tuple(parts))


def quantity_unit(part: SpecificPart, units: str) -> tuple[str, ...]:
    """The inputs that give the quantity a specific part is on, preferred first: ``weight_kg`` for a
    rate per kg, ``quantity`` when the line reports its quantity in the part's unit; none: neither."""
    reported = [u.strip() for u in units.split(",") if u.strip()]
    in_unit = bool(reported) and UNITS.get(reported[0].lower(), reported[0]) == part.unit
    if part.unit == "kg":
        return ("weight_kg", "quantity") if in_unit else ("weight_kg",)
    return ("quantity",) if in_unit else ()


def special_programs(text: str | None) -> dict[str, Rate]:
    """Map each program symbol of a "special" column text to its rate."""
    return dict(_special_programs(text))  # a dict of its own: the caller may change it


@lru_cache(maxsize=1 << 14)
def _special_programs(text: str | None) -> tuple[tuple[str, Rate], ...]:
    out: dict[str, Rate] = {}
    for rate_text, programs in _GROUP.findall(text or ""):
        rate = parse_rate(rate_text)
        for symbol in programs.split(","):
            symbol = symbol.strip()
            if symbol and symbol not in out:
                out[symbol] = rate
    return tuple(out.items())
