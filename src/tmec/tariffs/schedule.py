"""HTS tariff lines with dated rates, and the lookup of the line in force for an entry.

An :class:`HtsLine` is one 8-digit tariff item or 10-digit statistical line with
its general (column 1), special and column 2 rate texts, valid over the
half-open period ``[valid_from, valid_to)``.  A statistical line with no rates
of its own inherits the rates of its 8-digit item (spec tariffs.md §2.1).

A :class:`Schedule` holds lines either as objects (an imported file, a test) or
as the compiled rows of the bundled law (``law/tariffs/hts_schedule.tsv``,
sorted text rows read lazily: one look-up parses only the rows of its code),
and knows the revisions it was compiled from, so that a code missing on a date
is refused naming the revision in force then.  ``extended_with`` puts a newer
revision after the timeline (``tmec tariff import --valid-from``).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from tmec.core import hs
from tmec.core.errors import InputError, InvalidHSCode, NotInForce
from tmec.tariffs.rates import Rate, parse_rate, special_programs

__all__ = ["HtsLine", "Revision", "Schedule", "SortedRows", "parse_row"]


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
    units: str = ""  # the units of quantity the schedule reports the line in, comma-separated
    general_rate: Rate = field(init=False, compare=False, repr=False)
    column2_rate: Rate = field(init=False, compare=False, repr=False)
    programs: dict[str, Rate] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "general_rate", parse_rate(self.general))
        object.__setattr__(self, "column2_rate", parse_rate(self.other))
        object.__setattr__(self, "programs", special_programs(self.special))

    @property
    def rated(self) -> bool:
        """True when the line carries rates (a statistical line without them inherits its item's)."""
        return bool(self.general or self.special or self.other)

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


@dataclass(frozen=True, slots=True)
class Revision:
    """One release of the HTSUS and the day it took effect."""

    name: str
    effective: dt.date

    def label(self) -> str:
        """``HTSUS 2026 rev 10 (effective 2026-06-08)``; an imported file by its name."""
        name = f"HTSUS {self.name.replace('_', ' ')}" if self.name[:4].isdigit() else self.name
        return f"{name} (effective {self.effective.isoformat()})"


def parse_row(row: str, source: str = "") -> HtsLine:
    """One compiled row: ``hts, valid_from, valid_to, general, special, other, units, description``."""
    code, start, end, general, special, other, units, description = row.split("\t")
    return HtsLine(
        hts=code,
        description=description,
        general=general,
        special=special,
        other=other,
        valid_from=dt.date.fromisoformat(start) if start else None,
        valid_to=dt.date.fromisoformat(end) if end else None,
        source=source,
        confidence="T",
        units=units,
    )


class SortedRows:
    """Text rows sorted by their bytes, one per line, searched by prefix without splitting them all
    (a look-up reads a few rows of a 2 MB block in microseconds)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def __bool__(self) -> bool:
        return bool(self._data)

    def _first_at_or_after(self, key: bytes) -> int:
        data, lo, hi = self._data, 0, len(self._data)
        while lo < hi:
            mid = (lo + hi) // 2
            start = data.rfind(b"\n", 0, mid) + 1
            end = data.find(b"\n", start)
            end = len(data) if end < 0 else end
            if data[start:end] < key:
                lo = end + 1
            else:
                hi = start
        return lo

    def with_prefix(self, prefix: str) -> list[str]:
        key = prefix.encode()
        data, pos, out = self._data, self._first_at_or_after(key), []
        while pos < len(data) and data.startswith(key, pos):
            end = data.find(b"\n", pos)
            end = len(data) if end < 0 else end
            out.append(data[pos:end].decode("utf-8"))
            pos = end + 1
        return out

    def __iter__(self) -> Iterator[str]:
        return iter(r for r in self._data.decode("utf-8").split("\n") if r)


def _cut(line: HtsLine, end: dt.date) -> HtsLine:
    if line.valid_to is not None and line.valid_to <= end:
        return line
    return replace(line, valid_to=end)


class Schedule:
    """Tariff lines by code, each code with its versions sorted by date.

    ``lines``: line objects.  ``rows``: compiled rows (sorted text, see :func:`parse_row`) read on
    demand.  ``revisions``: the releases the lines come from, oldest first.  ``strict``: a 10-digit
    code must itself be a line (a compiled schedule has every statistical line); otherwise it is
    rated at its 8-digit item when it has no line of its own (an 8-digit tariff database).
    """

    def __init__(
        self,
        lines: Iterable[HtsLine] = (),
        *,
        name: str = "bundled",
        rows: SortedRows | None = None,
        revisions: Sequence[Revision] = (),
        strict: bool | None = None,
        source: str = "",
    ) -> None:
        self.name = name
        self.revisions = tuple(revisions)
        self.strict = bool(rows) if strict is None else strict
        self._rows = rows or SortedRows(b"")
        self._source = source
        self._base: Schedule | None = None
        self._start: dt.date | None = None
        self._first: dt.date | None = None
        self._first_known = False
        by_code: dict[str, list[HtsLine]] = {}
        for line in lines:
            by_code.setdefault(line.hts, []).append(line)
        self._lines = {
            code: sorted(versions, key=lambda v: v.valid_from or dt.date.min)
            for code, versions in by_code.items()
        }
        self._parsed: dict[str, list[HtsLine]] = {}  # compiled rows read so far, by code
        self._preloaded = False  # every compiled row in _parsed
        # look-ups repeat (a portfolio prices the same codes again and again): kept once made
        self._versions: dict[str, list[HtsLine]] = {}
        self._starts: dict[str, list[dt.date]] = {}
        self._codes: dict[str, set[str]] = {}
        self._unit_lines: dict[tuple[int, str], HtsLine] = {}

    # ---------------------------------------------------------------- storage
    def _own(self, code: str) -> list[HtsLine]:
        found = self._lines.get(code) or self._parsed.get(code)
        if found is None and self._rows:
            found = [parse_row(row, self._row_source(row)) for row in self._rows.with_prefix(code + "\t")]
            found.sort(key=lambda v: v.valid_from or dt.date.min)
            self._parsed[code] = found
        return found or []

    def _row_source(self, row: str) -> str:
        start = row.split("\t", 2)[1]
        rev = self.revision_on(dt.date.fromisoformat(start)) if start else None
        return f"{self._source}, {rev.name.replace('_', ' ')}" if rev else self._source

    def _own_codes(self, prefix: str = "") -> set[str]:
        codes = {c for c, vs in self._lines.items() if vs and c.startswith(prefix)}
        rows = self._rows.with_prefix(prefix) if prefix else self._rows
        codes.update(row.split("\t", 1)[0] for row in rows)
        return codes

    def versions(self, code: str) -> list[HtsLine]:
        """Every version of one code, oldest first (a newer revision's after the ones it cuts)."""
        found = self._versions.get(code)
        if found is None:
            found = self._versions[code] = self._layered(code)
            self._starts[code] = [v.valid_from or dt.date.min for v in found]
        return found

    def _layered(self, code: str) -> list[HtsLine]:
        own = self._own(code)
        if self._base is None:
            return own
        if self._start is None:
            return own or self._base.versions(code)
        start = self._start
        older = [_cut(v, start) for v in self._base.versions(code) if (v.valid_from or dt.date.min) < start]
        return older + own

    def codes(self, prefix: str = "") -> set[str]:
        found = self._codes.get(prefix)
        if found is None:
            own = self._own_codes(prefix)
            found = self._codes[prefix] = own | self._base.codes(prefix) if self._base is not None else own
        return found

    def __iter__(self) -> Iterator[HtsLine]:
        for code in sorted(self.codes()):
            yield from self.versions(code)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def change_dates(self) -> set[dt.date]:
        """Every day on which some line starts or ends (the revisions' dates for a compiled one)."""
        days = {r.effective for r in self.revisions}
        for versions in self._lines.values():
            for v in versions:
                days.update(d for d in (v.valid_from, v.valid_to) if d is not None)
        if self._base is not None:
            base = self._base.change_dates()
            days |= {d for d in base if self._start is None or d < self._start}
        if self._start is not None:
            days.add(self._start)
        return days

    def first_date(self) -> dt.date | None:
        """The earliest day a line is known (asked for every entry priced: kept, not recomputed)."""
        if not self._first_known:
            starts = [r.effective for r in self.revisions]
            starts += [v.valid_from for vs in self._lines.values() for v in vs if v.valid_from is not None]
            if self._base is not None and (base := self._base.first_date()) is not None:
                starts.append(base)
            self._first, self._first_known = min(starts, default=None), True
        return self._first

    def strict_on(self, day: dt.date) -> bool:
        """Whether the lines in force on ``day`` come from a schedule that lists every 10-digit line."""
        if self._base is not None and self._start is not None and day < self._start:
            return self._base.strict_on(day)
        return self.strict

    def revision_on(self, day: dt.date) -> Revision | None:
        """The release in force on ``day`` (None before the first, or when none is known)."""
        i = bisect_right([r.effective for r in self.revisions], day)
        return self.revisions[i - 1] if i else None

    def preload(self) -> None:
        """Read every compiled row now, in one pass (a reader of every line, such as the statutory-rate
        table, would otherwise search the rows once per code)."""
        if self._rows and not self._preloaded:
            self._preloaded = True
            by_code: dict[str, list[str]] = {}
            for row in self._rows:
                by_code.setdefault(row.split("\t", 1)[0], []).append(row)
            sources: dict[str, str] = {}  # rows of one start share their revision
            for code, rows in by_code.items():
                if code in self._parsed:
                    continue
                found = []
                for row in rows:
                    start = row.split("\t", 2)[1]
                    source = sources.get(start)
                    if source is None:
                        source = sources[start] = self._row_source(row)
                    found.append(parse_row(row, source))
                found.sort(key=lambda v: v.valid_from or dt.date.min)
                self._parsed[code] = found
        if self._base is not None:
            self._base.preload()

    def _layer(self, other: Schedule, start: dt.date | None, name: str) -> Schedule:
        out = Schedule(name=name, strict=other.strict if start is not None else other.strict or self.strict)
        out._base, out._start = self, start
        out._lines, out._parsed = other._lines, other._parsed
        out._rows, out._source = other._rows, other._source
        revisions = [r for r in self.revisions if start is None or r.effective < start]
        if start is not None:
            revisions.extend(other.revisions or [Revision(other.name, start)])
        out.revisions = tuple(revisions)
        return out

    def merged_with(self, other: Schedule) -> Schedule:
        """This schedule with every code of ``other`` replacing its own versions."""
        return self._layer(other, None, f"{other.name} over {self.name}")

    def extended_with(self, other: Schedule, start: dt.date) -> Schedule:
        """The timeline continued by ``other`` (a whole newer revision) from ``start``: every line of
        this schedule ends at ``start`` at the latest; a code ``other`` lacks exists no more."""
        return self._layer(other, start, f"{self.name}, then {other.name} from {start.isoformat()}")

    # ---------------------------------------------------------------- look-up
    def _in_force(self, code: str, day: dt.date) -> HtsLine | None:
        versions = self.versions(code)
        i = bisect_right(self._starts[code], day)
        if i and versions[i - 1].in_force(day):
            return versions[i - 1]
        return None

    def _missing(self, digits: str, day: dt.date, field: str, source: str | None) -> InputError:
        rev = self.revision_on(day)
        first = self.first_date()
        if first is not None and day < first:
            return NotInForce(
                f"no rate for HTS {hs.format(digits)} before {first.isoformat()} "
                f"(asked for {day.isoformat()}): the date is before the data",
                field="entry_date",
                source=source,
            )
        where = rev.label() if rev is not None else f"the {self.name} schedule"
        hint = "" if self.strict_on(day) else " (import the full schedule with `tmec tariff import FILE`)"
        if self.versions(digits) or (not self.strict_on(day) and self.versions(digits[:8])):
            return NotInForce(
                f"HTS {hs.format(digits)} does not exist in {where}, in force on {day.isoformat()}",
                field=field,
                source=source,
            )
        return InputError(f"HTS {hs.format(digits)} is not in {where}{hint}", field=field, source=source)

    def line(self, code: object, day: dt.date, *, field: str = "hts", source: str | None = None) -> HtsLine:
        """The rate line in force for ``code`` on ``day``: the code's own line, or its 8-digit item's
        when a statistical line has no rates; a code that does not exist then is bad input naming
        the revision in force."""
        try:
            digits = hs.validate(code, min_digits=8, field=field, source=source)
        except InvalidHSCode as exc:
            raise InputError(
                f"expected an HTS tariff item of 8 or 10 digits, found {code!r}", field=field, source=source
            ) from exc
        if len(digits) not in (8, 10):
            raise InputError(
                f"expected an HTS tariff item of 8 or 10 digits, found {code!r}", field=field, source=source
            )
        found = self._in_force(digits, day)
        if found is None and len(digits) == 10 and not self.strict_on(day):
            found = self._in_force(digits[:8], day)
        if found is None and len(digits) == 8:
            return self._rated_children(digits, day, field, source)
        if found is None:
            raise self._missing(digits, day, field, source)
        if len(digits) == 8:
            if found.units or not self.strict_on(day):
                return found
            # the units of quantity are reported at the statistical lines: one unit for all, or none
            units = {ln.units for c in self.codes(digits) if (ln := self._in_force(c, day)) is not None}
            units.discard("")
            return self._with_units(found, units.pop()) if len(units) == 1 else found
        if found.rated:
            return found
        item = self._in_force(digits[:8], day)
        if item is None:
            raise self._missing(digits[:8], day, field, source)
        return self._with_units(item, found.units) if found.units and not item.units else item

    def _with_units(self, line: HtsLine, units: str) -> HtsLine:
        """``line`` reporting ``units`` (made once: a copy parses its rates again)."""
        key = (id(line), units)
        found = self._unit_lines.get(key)
        if found is None:
            found = self._unit_lines[key] = replace(line, units=units)
        return found

    def _rated_children(self, digits: str, day: dt.date, field: str, source: str | None) -> HtsLine:
        """An 8-digit code rated only at its 10-digit lines (e.g. 0101.30.00.00): one rate for all."""
        children = [c for c in sorted(self.codes(digits)) if len(c) == 10]
        lines = [ln for c in children if (ln := self._in_force(c, day)) is not None and ln.rated]
        if not lines:
            raise self._missing(digits, day, field, source)
        if len({(ln.general, ln.special, ln.other) for ln in lines}) > 1:
            raise InputError(
                f"HTS {hs.format(digits)} is rated at its 10-digit lines, which differ: give one of "
                + ", ".join(hs.format(ln.hts) for ln in lines),
                field=field,
                source=source,
            )
        return lines[0]
