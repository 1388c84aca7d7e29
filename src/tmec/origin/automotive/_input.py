"""Small readers for the ``automotive:`` block: each error names the field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from tmec.core.dates import parse_date
from tmec.core.errors import InputError
from tmec.core.money import to_decimal
from tmec.core.numbers import parse_count


class Reader:
    """Reads one mapping of the block, locating every error at ``field``."""

    def __init__(self, data: Any, field: str, source: str | None, allowed: set[str] | None = None) -> None:
        if not isinstance(data, Mapping):
            raise InputError(f"expected a mapping, found {type(data).__name__}", field=field, source=source)
        if allowed is not None:
            unknown = set(data) - allowed
            if unknown:
                raise InputError(
                    f"unknown key(s) {sorted(unknown)}; expected some of {sorted(allowed)}",
                    field=field,
                    source=source,
                )
        self.data: Mapping[str, Any] = data
        self.field = field
        self.source = source

    def at(self, key: str) -> str:
        return f"{self.field}.{key}"

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def amount(self, key: str) -> Decimal:
        if not self.has(key):
            raise InputError("required amount is missing", field=self.at(key), source=self.source)
        return to_decimal(self.data[key], field=self.at(key), source=self.source)

    def opt_amount(self, key: str) -> Decimal | None:
        return self.amount(key) if self.has(key) else None

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise InputError(
                f"expected true or false, found {value!r}", field=self.at(key), source=self.source
            )
        return value

    def text(self, key: str, default: str | None = None) -> str | None:
        value = self.data.get(key, default)
        if value is None:
            return None
        return str(value)

    def choice(self, key: str, choices: Sequence[str], default: str | None = None) -> str:
        value = self.data.get(key, default)
        if value not in choices:
            raise InputError(
                f"expected one of {list(choices)}, found {value!r}", field=self.at(key), source=self.source
            )
        return str(value)

    def date(self, key: str) -> dt.date | None:
        if not self.has(key):
            return None
        return parse_date(self.data[key], field=self.at(key), source=self.source)

    def integer(self, key: str) -> int | None:
        if not self.has(key):
            return None
        # A count (engines, vehicles, months) is a bounded whole number: 1e999999999 is refused at
        # once, not counted to.
        return parse_count(self.data[key], field=self.at(key), source=self.source)

    def items(self, key: str) -> list[Any]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, Sequence) or isinstance(value, str):
            raise InputError("expected a list", field=self.at(key), source=self.source)
        return list(value)

    def child(self, key: str, allowed: set[str] | None = None) -> Reader:
        return Reader(self.data[key], self.at(key), self.source, allowed)
