"""HTS tariff lines with dated rates, and the lookup of the line in force for an entry.

An :class:`HtsLine` is one 8-digit tariff item (or a 10-digit statistical line
when a schedule rates at that level) with its general (column 1), special and
column 2 rate texts, valid over the half-open period ``[valid_from, valid_to)``.
A 10-digit entry code is rated at the longest code of the schedule that it
starts with (statistical lines inherit the rate of their 8-digit item,
spec tariffs.md §2.1).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from tmec.core import hs
from tmec.core.errors import InputError, InvalidHSCode, NotInForce
from tmec.tariffs.rates import Rate, parse_rate, special_programs

__all__ = ["HtsLine", "Schedule"]


@dataclass(frozen=True, slots=True)
class HtsLine:
    hts: str  # compact digits, 8 or 10
    description: str
    general: str
    special: str
    other: str
    valid_from: dt.date | None = None  # None: since the beginning of the data
    valid_to: dt.date | None = None  # None: open-ended
    source: str = ""
    confidence: str = "T"
    general_rate: Rate = field(init=False, compare=False, repr=False)
    column2_rate: Rate = field(init=False, compare=False, repr=False)
    programs: dict[str, Rate] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "general_rate", parse_rate(self.general))
        object.__setattr__(self, "column2_rate", parse_rate(self.other))
        object.__setattr__(self, "programs", special_programs(self.special))

    @property
    def unverified(self) -> bool:
        return self.confidence in {"M", "L"}

    def in_force(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day < self.valid_to
        )

    def preference(self, symbols: Iterable[str]) -> Rate | None:
        """The rate of the first program symbol given that this line grants, or None."""
        for symbol in symbols:
            if symbol in self.programs:
                return self.programs[symbol]
        return None

    def to_row(self) -> dict[str, object]:
        return {
            "hts": self.hts,
            "description": self.description,
            "general": self.general,
            "special": self.special,
            "other": self.other,
            "general_ad_valorem": self.general_rate.ad_valorem,
            "general_specific": self.general_rate.specific,
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
            "source": self.source,
            "confidence": self.confidence,
        }


class Schedule:
    """Tariff lines by code, each code with its versions sorted by date."""

    def __init__(self, lines: Iterable[HtsLine], *, name: str = "bundled") -> None:
        self.name = name
        by_code: dict[str, list[HtsLine]] = {}
        for line in lines:
            by_code.setdefault(line.hts, []).append(line)
        self._lines = {
            code: sorted(versions, key=lambda v: v.valid_from or dt.date.min)
            for code, versions in by_code.items()
        }
        self._starts = {code: [v.valid_from or dt.date.min for v in vs] for code, vs in self._lines.items()}

    def __iter__(self) -> Iterator[HtsLine]:
        for versions in self._lines.values():
            yield from versions

    def __len__(self) -> int:
        return sum(len(v) for v in self._lines.values())

    def codes(self) -> set[str]:
        return set(self._lines)

    def merged_with(self, other: Schedule) -> Schedule:
        """This schedule with every code of ``other`` replacing its own versions."""
        lines = [line for code, vs in self._lines.items() if code not in other._lines for line in vs]
        return Schedule([*lines, *other], name=f"{other.name} over {self.name}")

    def _code_for(self, digits: str) -> str | None:
        for n in (10, 8):
            if len(digits) >= n and digits[:n] in self._lines:
                return digits[:n]
        return None

    def line(self, code: object, day: dt.date, *, field: str = "hts", source: str | None = None) -> HtsLine:
        """The line in force for ``code`` on ``day``; unknown code or date before the data: bad input."""
        try:
            digits = hs.validate(code, min_digits=8, field=field, source=source)
        except InvalidHSCode as exc:
            raise InputError(
                f"expected an HTS tariff item of 8 or 10 digits, found {code!r}", field=field, source=source
            ) from exc
        found = self._code_for(digits)
        if found is None:
            raise InputError(
                f"HTS {hs.format(digits)} is not in the {self.name} schedule "
                "(import the full schedule with `tmec tariff import FILE`)",
                field=field,
                source=source,
            )
        versions = self._lines[found]
        i = bisect_right(self._starts[found], day)
        if i == 0:
            first = versions[0].valid_from
            raise NotInForce(
                f"no rate for HTS {hs.format(found)} before {first.isoformat() if first else '?'} "
                f"(asked for {day.isoformat()}): the date is before the data",
                field="entry_date",
                source=source,
            )
        candidate = versions[i - 1]
        if not candidate.in_force(day):
            raise NotInForce(
                f"HTS {hs.format(found)} is not in force on {day.isoformat()} "
                f"(its last version ended {candidate.valid_to})",
                field="hts",
                source=source,
            )
        return candidate
