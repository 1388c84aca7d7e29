"""An entry line as customs sees it: what, from where, worth what, on which day.

:class:`Entry` is the input of the per-entry pricing path and the row the bulk
engine loads: one flat record, every field a plain value.  ``entry_from_mapping``
builds one from a CSV row or JSON object and names the field of every bad value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from tmec.core import hs
from tmec.core.countries import UNKNOWN, country
from tmec.core.dates import parse_date
from tmec.core.errors import InputError
from tmec.core.money import to_decimal
from tmec.core.numbers import BLANKS, LINE_AMOUNT
from tmec.tariffs.declared import RELIEFS, canonical, joined
from tmec.tariffs.declared import declared as facts_of

__all__ = ["RELIEFS", "UNKNOWN", "Entry", "country", "entry_from_mapping"]


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry line.  Amounts in US dollars (customs value, 19 USC 1401a).

    ``non_us_content`` is the Commerce-approved non-US content of a USMCA vehicle
    (Proc. 10908); ``us_parts_value`` the value of the parts of a good produced in the United
    States (Proc. 11032 clause (2)(d), U.S. note 16(j): a USMCA steel derivative of list (c)(xi)
    pays 25 % on the rest of its value; not the vehicles' "U.S. content", which counts parts
    wholly obtained, produced or substantially transformed there, as Commerce approved);
    ``melted_poured`` / ``smelted_cast`` are the countries reported
    for steel and aluminum (``UNKNOWN`` when not reported, ``None`` when the good
    has none).
    """

    entry_date: dt.date
    hts: str
    origin: str
    value: Decimal
    usmca: bool = False
    steel_value: Decimal | None = None
    aluminum_value: Decimal | None = None
    non_us_content: Decimal | None = None
    melted_poured: str | None = None
    smelted_cast: str | None = None
    line: str | None = None  # the importer's own line id, carried to the output
    quantity: Decimal | None = None  # in the line's unit of quantity (the schedule's "units" column)
    weight_kg: Decimal | None = None  # net weight in kilograms
    program: str | None = None  # a special program claimed other than USMCA, by its symbol (KR, AU, A+)
    metal_weight_kg: Decimal | None = None  # weight of the steel, aluminum or copper in it (note 16(c))
    copper_value: Decimal | None = None  # value of the copper content (Proc. 10962, 2025: note 36)
    # the facts of RELIEFS the line declares, as one text (tmec.tariffs.declared: "a;b", sorted)
    metals_relief: str | None = None
    us_parts_value: Decimal | None = None  # value of the parts produced in the US (note 16(j))

    @property
    def declared(self) -> frozenset[str]:
        """The facts the line declares (``metals_relief`` as a set)."""
        return facts_of(self.metals_relief)

    @property
    def metal_share(self) -> Decimal | None:
        """The metal's share of the article's weight, in percent (None unless both weights are given)."""
        if self.metal_weight_kg is None or not self.weight_kg:
            return None
        return self.metal_weight_kg * 100 / self.weight_kg

    def __post_init__(self) -> None:
        # Codes as people write them ("7208.39.00") become digits: scope matching works on digits.
        object.__setattr__(self, "hts", hs.compact(self.hts))
        object.__setattr__(self, "origin", self.origin.upper())
        if self.value < 0:
            raise InputError(f"expected an amount not less than 0, found {self.value}", field="value")
        for name in ("quantity", "weight_kg", "metal_weight_kg"):
            amount = getattr(self, name)
            if amount is not None and amount < 0:
                raise InputError(f"expected a quantity not less than 0, found {amount}", field=name)
        for name in ("steel_value", "aluminum_value", "non_us_content", "copper_value", "us_parts_value"):
            amount = getattr(self, name)
            if amount is not None and amount > self.value:
                raise InputError(
                    f"{name.replace('_', ' ')} {amount} is more than the entered value {self.value}",
                    field=name,
                )
        if (
            self.steel_value is not None
            and self.aluminum_value is not None
            and self.steel_value + self.aluminum_value > self.value
        ):
            raise InputError(
                f"steel value plus aluminum value ({self.steel_value + self.aluminum_value}) "
                f"is more than the entered value {self.value}",
                field="aluminum_value",
            )
        if (share := self.metal_share) is not None and share > 100:
            raise InputError(
                f"metal weight {self.metal_weight_kg} kg is more than the weight {self.weight_kg} kg",
                field="metal_weight_kg",
            )
        if self.metals_relief is not None:
            object.__setattr__(self, "metals_relief", canonical(self.metals_relief))
        if self.program is not None:
            object.__setattr__(self, "program", self.program.strip().upper() or None)
        if self.program in {"S", "S+"}:
            raise InputError(
                "the USMCA preference is claimed with usmca (--usmca), not as a program", field="program"
            )
        if self.program is not None and self.usmca:
            raise InputError(f"claim either USMCA or program {self.program}, not both", field="program")
        if self.usmca and self.origin not in {"CA", "MX"}:
            raise InputError(
                f"a USMCA claim needs a good of Canada or Mexico; origin is {self.origin}", field="usmca"
            )


_TRUE = {"1", "true", "yes", "y", "s", "x"}
_FALSE = {"0", "false", "no", "n", ""}


def _flag(value: object, *, field: str, source: str | None) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InputError(f"expected yes/no (true/false), found {value!r}", field=field, source=source)


def _amount(row: Mapping[str, object], name: str, source: str | None, locale: str | None) -> Decimal | None:
    raw = row.get(name)
    if raw is None or (isinstance(raw, str) and not raw.strip(BLANKS)):
        return None
    # An entry line's amounts are the engine's DECIMAL(18,4): both paths read a file alike.
    return to_decimal(raw, field=name, source=source, locale=locale, limit=LINE_AMOUNT)


def _place(row: Mapping[str, object], name: str, source: str | None) -> str | None:
    raw = row.get(name)
    if raw is None:
        return None
    if isinstance(raw, str) and not raw.strip():
        return None
    return country(raw, field=name, source=source, allow_unknown=True)


def entry_from_mapping(
    row: Mapping[str, object],
    *,
    source: str | None = None,
    line: int | None = None,
    locale: str | None = None,
) -> Entry:
    """Build an :class:`Entry` from a CSV/JSON row; every error names its field (and line).

    Amounts are read in ``locale`` (:func:`tmec.core.numbers.parse_number`)."""
    try:
        raw_date = row.get("entry_date", row.get("date"))
        if raw_date is None or raw_date == "":
            raise InputError("an entry date is required (ISO YYYY-MM-DD)", field="entry_date")
        raw_hts = row.get("hts")
        if raw_hts is None or raw_hts == "":
            raise InputError("an HTS code is required", field="hts")
        raw_origin = row.get("origin")
        if raw_origin is None or raw_origin == "":
            raise InputError("a country of origin is required", field="origin")
        raw_value = row.get("value")
        if raw_value is None or (isinstance(raw_value, str) and not raw_value.strip(BLANKS)):
            raise InputError("the entered value is required", field="value")
        value = to_decimal(raw_value, field="value", locale=locale, limit=LINE_AMOUNT)
        if value == 0:
            raise InputError(f"expected a number greater than 0, found {raw_value!r}", field="value")
        hts_digits = hs.compact(raw_hts)
        line_id = row.get("line")
        return Entry(
            entry_date=parse_date(raw_date, field="entry_date"),
            hts=hts_digits,
            origin=country(raw_origin, field="origin"),
            value=value,
            usmca=_flag(row.get("usmca", ""), field="usmca", source=source),
            steel_value=_amount(row, "steel_value", source, locale),
            aluminum_value=_amount(row, "aluminum_value", source, locale),
            non_us_content=_amount(row, "non_us_content", source, locale),
            melted_poured=_place(row, "melted_poured", source),
            smelted_cast=_place(row, "smelted_cast", source),
            line=str(line_id) if line_id not in (None, "") else None,
            quantity=_amount(row, "quantity", source, locale),
            weight_kg=_amount(row, "weight_kg", source, locale),
            program=str(row["program"]) if row.get("program") not in (None, "") else None,
            metal_weight_kg=_amount(row, "metal_weight_kg", source, locale),
            copper_value=_amount(row, "copper_value", source, locale),
            metals_relief=joined(row.get("metals_relief")) or None,
            us_parts_value=_amount(row, "us_parts_value", source, locale),
        )
    except InputError as exc:
        raise exc.located(source=source, line=line) from None
