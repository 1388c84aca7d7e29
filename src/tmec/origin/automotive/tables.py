"""The Automotive Appendix tables as data: A.1, A.2, B, C, D, E and S (UR Part 6).

The tables live in ``tmec/law/tables/automotive/*.yaml`` with their source; this
module only reads them into typed values and answers "which table lists this
code?".  Codes are HS 2012, the nomenclature the Uniform Regulations use.  An
"ex" entry (``ex: true``) covers only the goods it describes, so a code match on
an ex entry means "may be listed": the case says what the good is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from tmec.core.dates import parse_date
from tmec.core.errors import InputError
from tmec.core.hs import HSRange
from tmec.law import LAW_DIR, load_yaml

__all__ = [
    "A2_PART_IDS",
    "TABLES_DIR",
    "A2Part",
    "Entry",
    "PartsTable",
    "TableS",
    "parts_table",
    "table_a2",
    "table_s",
]

TABLES_DIR = LAW_DIR / "tables" / "automotive"
PARTS_TABLES = ("A.1", "B", "C", "D", "E")


@dataclass(frozen=True, slots=True)
class Entry:
    hs: tuple[HSRange, ...]
    description: str
    ex: bool = False
    tag: str | None = None  # e.g. heavy_truck_core: engine | transmission | chassis
    kind: str | None = None  # an ex entry that names its goods: body_stamping, chassis_frame...

    def covers(self, code: str) -> bool:
        return any(r.contains(code) for r in self.hs)

    def covers_good(self, code: str, kind: str | None) -> bool:
        """The code is listed, and the good is of the kind an entry with a kind names."""
        return self.covers(code) and (self.kind is None or self.kind == kind)


@dataclass(frozen=True, slots=True)
class PartsTable:
    table: str
    title: str
    reference: str
    source: str
    vintage: str
    valid_from: dt.date
    entries: tuple[Entry, ...]

    def find(self, code: str, kind: str | None = None) -> Entry | None:
        """The first entry listing the good; entries with a kind come before the general one."""
        return next((e for e in self.entries if e.covers_good(code, kind)), None)


@dataclass(frozen=True, slots=True)
class A2Part:
    """A Table A.2 column-1 part and its column-2 components."""

    id: str
    description: str
    hs: tuple[HSRange, ...]
    components: tuple[Entry, ...]

    def covers(self, code: str) -> bool:
        return any(r.contains(code) for r in self.hs)


@dataclass(frozen=True, slots=True)
class TableA2:
    reference: str
    source: str
    parts: tuple[A2Part, ...]

    def part(self, part_id: str) -> A2Part | None:
        return next((p for p in self.parts if p.id == part_id), None)


@dataclass(frozen=True, slots=True)
class TableS:
    reference: str
    source: str
    steel: tuple[Entry, ...]
    aluminum: tuple[Entry, ...]
    raw_materials: tuple[Entry, ...]  # melted-and-poured exceptions, UR s.17(5)(b)

    def metal(self, code: str) -> str | None:
        """``"steel"``, ``"aluminum"`` or None; 8708.29/8708.99 stampings are listed on both sides."""
        if any(e.covers(code) for e in self.steel):
            return "steel"
        if any(e.covers(code) for e in self.aluminum):
            return "aluminum"
        return None

    def lists(self, metal: str, code: str) -> bool:
        return any(e.covers(code) for e in (self.steel if metal == "steel" else self.aluminum))

    def is_raw_material(self, code: str) -> bool:
        return any(e.covers(code) for e in self.raw_materials)


def _entries(raw: Any, *, source: str, field: str) -> tuple[Entry, ...]:
    if not isinstance(raw, Sequence):
        raise InputError("expected a list of entries", source=source, field=field)
    out = []
    for i, item in enumerate(raw):
        where = f"{field}[{i}]"
        if not isinstance(item, Mapping) or "hs" not in item:
            raise InputError("expected an entry with hs and description", source=source, field=where)
        out.append(
            Entry(
                hs=tuple(HSRange.parse(c, field=f"{where}.hs", source=source) for c in item["hs"]),
                description=str(item.get("description", "")),
                ex=bool(item.get("ex", False)),
                tag=item.get("heavy_truck_core"),
                kind=item.get("kind"),
            )
        )
    return tuple(out)


def _load(name: str) -> tuple[Mapping[str, Any], str]:
    path = TABLES_DIR / name
    data = load_yaml(path)
    if not isinstance(data, Mapping) or "reference" not in data:
        raise InputError("expected a table with a reference", source=str(path))
    return data, str(path)


@cache
def parts_table(table: str) -> PartsTable:
    """Table A.1, B, C, D or E."""
    if table not in PARTS_TABLES:
        raise InputError(f"expected one of {list(PARTS_TABLES)}, found {table!r}", field="table")
    data, source = _load(f"table_{table.replace('.', '').lower()}.yaml")
    return PartsTable(
        table=table,
        title=str(data["title"]),
        reference=str(data["reference"]),
        source=str(data["source"]),
        vintage=str(data["vintage"]),
        valid_from=parse_date(data["valid_from"], source=source, field="valid_from"),
        entries=_entries(data["entries"], source=source, field="entries"),
    )


@cache
def table_a2() -> TableA2:
    data, source = _load("table_a2.yaml")
    parts = []
    for i, item in enumerate(data["parts"]):
        where = f"parts[{i}]"
        parts.append(
            A2Part(
                id=str(item["id"]),
                description=str(item["description"]),
                hs=tuple(HSRange.parse(c, field=f"{where}.hs", source=source) for c in item["hs"]),
                components=_entries(item["components"], source=source, field=f"{where}.components"),
            )
        )
    return TableA2(reference=str(data["reference"]), source=str(data["source"]), parts=tuple(parts))


A2_PART_IDS: tuple[str, ...] = (
    "engine",
    "transmission",
    "body_chassis",
    "axle",
    "suspension",
    "steering",
    "advanced_battery",
)


@cache
def table_s() -> TableS:
    data, source = _load("table_s.yaml")
    exceptions = data["melted_and_poured_exceptions"]
    return TableS(
        reference=str(data["reference"]),
        source=str(data["source"]),
        steel=_entries(data["steel"], source=source, field="steel"),
        aluminum=_entries(data["aluminum"], source=source, field="aluminum"),
        raw_materials=_entries(
            exceptions["raw_materials"], source=source, field="melted_and_poured_exceptions.raw_materials"
        ),
    )
