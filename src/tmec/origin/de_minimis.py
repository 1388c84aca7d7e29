"""De minimis (USMCA Art. 4.12; 19 USC 4531(f); UR s.5).

* CTC de minimis (UR s.5(1)): a good that fails its tariff shift is still
  originating when the value of all non-originating materials that do not
  undergo the change is not more than 10 % of the adjusted transaction value
  *or* of the total cost of the good.  Those materials stay in VNM when the rule
  also asks for an RVC.
* RVC de minimis (UR s.5(4)): a good subject to an RVC need not meet it when the
  value of *all* non-originating materials is not more than 10 % of either base.

The exceptions (Annex 4-A; HTSUS GN 11(e)(ii)-(iv)) are compiled from the text
with the GN 11(o) rules (``tools/law/build_psr.py``) and applied material by
material:

* (ii): a non-originating material of the listed codes used in a good of the
  listed codes (dairy, citrus juice, coffee, fats, sugar, cocoa, fruit, spirits)
  is outside de minimis: when it fails the change, the good fails;
* (iii): for a good of chapters 1-27, de minimis covers only the materials of a
  subheading other than the good's;
* (iv): a textile or apparel good of chapters 50-60 or heading 9619 (of the
  component that determines the classification, chapters 61-63) counts by
  weight: the failing materials may weigh not more than 10 % of the total.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any, cast

from tmec.core.hs import HSRange
from tmec.core.money import percent
from tmec.core.params import ParamValue
from tmec.law.rules import gn11o_index

__all__ = [
    "DeMinimis",
    "Exclusion",
    "TextileRule",
    "annex_4a_excepted",
    "de_minimis",
    "excluded",
    "textile_rule",
]


@dataclass(frozen=True, slots=True)
class DeMinimis:
    value: Decimal  # value of the materials tested, on the base where the test is decided
    limit_percent: Decimal
    base: str  # "transaction_value" (adjusted TV) or "total_cost": the most favourable base
    base_amount: Decimal
    share: Decimal  # value as a percentage of that base
    reference: str

    @property
    def passed(self) -> bool:
        return self.share <= self.limit_percent

    def to_dict(self) -> dict[str, object]:
        return {
            "value": str(self.value),
            "limit_percent": str(self.limit_percent),
            "base": self.base,
            "base_amount": str(self.base_amount),
            "share": str(self.share),
            "passed": self.passed,
            "reference": self.reference,
        }


@dataclass(frozen=True, slots=True)
class Exclusion:
    """Why a failing material is outside de minimis: the paragraph of GN 11(e) and its words."""

    para: str
    text: str


@dataclass(frozen=True, slots=True)
class TextileRule:
    """GN 11(e)(iv): de minimis by weight for a textile or apparel good."""

    para: str
    max_percent: Decimal
    of: str  # "good" or "component" (the component that determines the classification)
    elastomeric_max_percent: Decimal


def _rules() -> Mapping[str, Any]:
    return cast(Mapping[str, Any], gn11o_index()["de_minimis"])


def _codes(items: Any) -> tuple[HSRange, ...]:
    return tuple(HSRange.parse(c) for c in items)


@cache
def _exceptions() -> tuple[tuple[str, str, tuple[HSRange, ...], tuple[HSRange, ...]], ...]:
    return tuple(
        (e["para"], e["text"], _codes(e["materials"]), _codes(e["goods"])) for e in _rules()["exceptions"]
    )


def _in(ranges: tuple[HSRange, ...], code: str) -> bool:
    return any(r.contains(code) for r in ranges if len(code) >= r.level)


# A portfolio asks this of the same few (good code, material code) pairs for thousands of goods;
# the answer depends on them and the law only (loaded once).
@lru_cache(maxsize=1 << 16)
def excluded(good_hs: str, material_hs: str | None, good_codes: tuple[str, ...] = ()) -> Exclusion | None:
    """Whether GN 11(e)(ii)/(iii) keep this failing material out of de minimis.  ``good_codes``
    are the good's codes in the rules' HS 2012 (2202.99 -> 2202.90), besides its own."""
    if material_hs is None:
        return None
    same = _rules()["same_subheading"]
    first, last = same["chapters"]
    if first <= good_hs[:2] <= last and material_hs[:6] == good_hs[:6]:
        return Exclusion(
            same["para"],
            f"for a good of chapters {int(first)}-{int(last)}, de minimis covers only materials of "
            "another subheading",
        )
    for para, text, materials, goods in _exceptions():
        if any(_in(goods, c) for c in (good_hs, *good_codes)) and _in(materials, material_hs):
            return Exclusion(para, text)
    return None


def textile_rule(good_hs: str) -> TextileRule | None:
    """The weight rule of GN 11(e)(iv) for a good of chapters 50-63 or heading 9619, else None."""
    for rule in _rules()["textiles"]:
        first, last = rule["chapters"]
        if first <= good_hs[:2] <= last or good_hs[:4] in rule["headings"]:
            return TextileRule(
                rule["para"],
                Decimal(rule["max_weight_percent"]),
                rule["of"],
                Decimal(rule["elastomeric_max_percent"]),
            )
    return None


def annex_4a_excepted(good_hs: str) -> bool:
    """Whether de minimis for this good is by weight (GN 11(e)(iv)), not by value: the value
    what-ifs of the questions do not apply to it."""
    return textile_rule(good_hs) is not None


def de_minimis(amounts: Mapping[str, tuple[Decimal, Decimal | None]], limit: ParamValue) -> DeMinimis | None:
    """Test each ``base name -> (value, base amount)`` against ``limit`` percent; the most
    favourable base decides ("of either", UR s.5(1)).  None when no base is known."""
    best: DeMinimis | None = None
    for name, (value, base) in amounts.items():
        if base is None or base <= 0:
            continue
        share = percent(value, base)
        if best is None or share < best.share:
            best = DeMinimis(value, limit.decimal, name, base, share, limit.cite())
    return best
