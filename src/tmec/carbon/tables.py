"""The compiled CBAM tables (``tmec/law/carbon/cbam_tables.json``) and their look-ups.

Scope first (spec carbon.md §9.2 item 1): a CN code that is not an Annex I good is an error
naming it, never a silent default.  Default values follow §4.3 exactly: the longest CN prefix
in the origin's table, else the "Other countries and territories" table when the country has
no table, no row, or a "–"; the published marked-up column of the year (never recomputed).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tmec.core.errors import InputError

__all__ = [
    "OTHER",
    "AnnexIVValue",
    "BenchmarkEntry",
    "CbamTables",
    "DefaultValue",
    "Good",
    "NotCbamGood",
    "ProposalScope",
]

OTHER = "OTHER"
COMPUTED_SECTORS = frozenset({"iron_steel", "aluminium"})
# Annex II of Reg. 2023/956: indirect emissions count for these CN codes among the computed sectors.
INDIRECT_COUNTS = frozenset({"26011200"})


class NotCbamGood(InputError):
    """A CN code outside Annex I (or malformed): refused, never priced at zero."""


@dataclass(frozen=True, slots=True)
class Good:
    cn: str
    sector: str
    category: str
    description: str

    @property
    def direct_only(self) -> bool:
        """Annex II: for iron/steel and aluminium only direct emissions count (2601 12 00 excepted)."""
        return self.cn not in INDIRECT_COUNTS


@dataclass(frozen=True, slots=True)
class DefaultValue:
    """One default value as published, with the table and row it came from."""

    cn: str  # the good asked for
    row_cn: str  # the row's CN prefix (4, 6 or 8 digits)
    table: str  # ISO code of the table used, or "OTHER"
    table_name: str  # the table's name as the act spells it
    direct: Decimal | None
    indirect: Decimal | None
    total: Decimal
    see: Decimal  # the year's published column, mark-up included
    year_column: str  # "2026", "2027" or "2028+"
    route_marker: str | None  # as published, e.g. "C", "C/F" or None
    fallback_reason: str | None  # why the "Other" table was used, if it was


@dataclass(frozen=True, slots=True)
class AnnexIVValue:
    cn: str
    row_cn: str
    highest: Decimal
    see: Decimal
    year_column: str
    route_marker: str | None


@dataclass(frozen=True, slots=True)
class BenchmarkEntry:
    value: Decimal
    route: str | None
    period: str | None  # "1" production years 2026-27, "2" 2028-30; None for all


@dataclass(frozen=True, slots=True)
class ProposalScope:
    cn: str
    entry: str
    description: str
    ex: bool
    status: str
    proposed_application: str
    note: str


def year_column(year: int) -> tuple[int, str]:
    """Index of the published column for ``year`` among 2026/2027/2028+, and its label."""
    if year < 2026:
        raise InputError(
            f"the CBAM definitive period starts in 2026 (Reg. (EU) 2023/956 Art. 36(3)); {year} is the "
            "transitional period (reporting only, no certificates)",
            field="year",
        )
    if year == 2026:
        return 0, "2026"
    if year == 2027:
        return 1, "2027"
    return 2, "2028+"


def cn_digits(cn: object, *, field: str = "cn") -> str:
    text = str(cn).strip().replace(" ", "").replace(".", "")
    if len(text) != 8 or not text.isdigit():
        raise NotCbamGood(f"expected an 8-digit CN code such as 72085120, found {cn!r}", field=field)
    return text


class CbamTables:
    """Look-ups over the compiled tables; rows are turned into Decimals only when used."""

    def __init__(self, raw: Mapping[str, Any], defaults: str) -> None:
        """``raw``: the compiled tables; ``defaults``: the default-value tables, one JSON line each."""
        self.sources: Mapping[str, Mapping[str, str]] = raw["sources"]
        self.licence: str = raw["licence"]
        self._goods = {g[0]: Good(*g) for g in raw["goods"]}
        # Country tables are parsed when first used: one look-up reads one or two of 73.
        self._raw_defaults: dict[str, str] = {
            line[9 : line.index('"', 9)]: line  # each line starts {"code":"MX",
            for line in defaults.splitlines()
            if line
        }
        self._defaults: dict[str, tuple[str, dict[str, Sequence[Any]]]] = {}
        self._annex_iv = {row[0]: row for row in raw["annex_iv"]}
        self._benchmarks: Mapping[str, Mapping[str, Sequence[Sequence[Any]]]] = raw["benchmarks"]
        self._downstream: Mapping[str, Any] = raw["downstream_2028"]

    # -- scope -------------------------------------------------------------------------------
    def good(self, cn: object, *, field: str = "cn") -> Good:
        digits = cn_digits(cn, field=field)
        found = self._goods.get(digits)
        if found is None:
            raise NotCbamGood(
                f"CN {digits} is not a CBAM good (Reg. (EU) 2023/956 Annex I) or does not exist", field=field
            )
        if found.sector not in COMPUTED_SECTORS:
            raise NotCbamGood(
                f"CN {digits} is a CBAM good of the {found.sector} sector; tmec computes iron/steel and "
                "aluminium only",
                field=field,
            )
        return found

    def is_good(self, cn: str) -> bool:
        good = self._goods.get(cn)
        return good is not None and good.sector in COMPUTED_SECTORS

    def proposal_scope(self, cn: object, *, field: str = "cn") -> ProposalScope | None:
        """The 2028 downstream proposal's entry covering ``cn``: a scenario, not law."""
        digits = cn_digits(cn, field=field)
        for entry, description, ex, excludes in self._downstream["entries"]:
            if digits.startswith(entry) and not any(digits.startswith(x) for x in excludes):
                return ProposalScope(
                    cn=digits,
                    entry=entry,
                    description=description,
                    ex=bool(ex),
                    status="proposal, not law",
                    proposed_application=self._downstream["proposed_application"],
                    note=self._downstream["note"],
                )
        return None

    # -- default values ----------------------------------------------------------------------
    def has_table(self, origin: str) -> bool:
        return origin in self._raw_defaults

    def _table(self, code: str) -> tuple[str, dict[str, Sequence[Any]]]:
        found = self._defaults.get(code)
        if found is None:
            raw = json.loads(self._raw_defaults[code])
            found = self._defaults[code] = (raw["name"], {row[0]: row for row in raw["rows"]})
        return found

    def default_value(self, cn: str, origin: str, year: int) -> DefaultValue:
        """IR 2025/2621 Annex I default for a good of ``origin`` (ISO code) imported in ``year``."""
        self.good(cn)
        column, label = year_column(year)
        reason: str | None
        if origin in self._raw_defaults:
            name = self._table(origin)[0]
            found = self._row(origin, cn)
            if found is None:
                reason = f"no row for CN {cn} in the table of {name}"
            elif found[4 + column] is None:
                reason = f"the table of {name} shows '–' for CN {found[0]}"
            else:
                return self._default(cn, origin, found, column, label, None)
        else:
            reason = f"{origin} has no iron/steel or aluminium table in IR 2025/2621 Annex I"
        other = self._row(OTHER, cn)
        if other is None or other[4 + column] is None:
            raise InputError(f"no default value for CN {cn}, not even in 'Other countries and territories'")
        return self._default(cn, OTHER, other, column, label, reason)

    def _row(self, table: str, cn: str) -> Sequence[Any] | None:
        rows = self._table(table)[1]
        for n in (8, 6, 4):
            row = rows.get(cn[:n])
            if row is not None:
                return row
        return None

    def _default(
        self, cn: str, table: str, row: Sequence[Any], column: int, label: str, reason: str | None
    ) -> DefaultValue:
        return DefaultValue(
            cn=cn,
            row_cn=row[0],
            table=table,
            table_name=self._table(table)[0],
            direct=_dec(row[1]),
            indirect=_dec(row[2]),
            total=Decimal(row[3]),
            see=Decimal(row[4 + column]),
            year_column=label,
            route_marker=row[7],
            fallback_reason=reason,
        )

    def annex_iv(self, cn: str, year: int) -> AnnexIVValue:
        """IR 2025/2621 Annex IV: the highest default value, for a precursor of unknown origin."""
        self.good(cn)
        column, label = year_column(year)
        for n in (8, 6, 4):
            row = self._annex_iv.get(cn[:n])
            if row is not None:
                return AnnexIVValue(
                    cn=cn,
                    row_cn=row[0],
                    highest=Decimal(row[1]),
                    see=Decimal(row[2 + column]),
                    year_column=label,
                    route_marker=row[5],
                )
        raise InputError(f"no Annex IV value for CN {cn}")

    # -- benchmarks --------------------------------------------------------------------------
    def benchmarks(self, cn: str, column: str) -> tuple[BenchmarkEntry, ...]:
        self.good(cn)
        found = self._benchmarks.get(cn)
        if found is None:
            raise InputError(f"no CBAM benchmark for CN {cn} in IR 2025/2620")
        return tuple(BenchmarkEntry(Decimal(v), r, p) for v, r, p in found[column])


def _dec(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)
