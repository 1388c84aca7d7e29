"""The rules a portfolio is qualified under: the bundled Annex 4-B rules, or a ``rules.yaml``.

``BOM_DIR/rules.yaml`` (optional) lists rules by code, in the case file's
``rule:`` form, for a company's own rulings or to try a rule out::

    - hs: "8708"                 # a code or range (HS digits; the most specific match wins)
      rule: {any_of: [{change: heading}, {rvc: {net_cost: 50}}]}
      reference: "advance ruling N123456"   # optional

A good whose code no entry covers gets the bundled rule in force on the date
(:func:`tmec.origin.find_rule`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tmec.core.errors import InputError
from tmec.core.hs import HSRange, compact
from tmec.law import load_yaml
from tmec.origin import find_rule
from tmec.origin.rules import Rule, parse_rule

__all__ = ["RuleBook"]


@dataclass
class RuleBook:
    entries: list[tuple[HSRange, int, Rule]] = field(default_factory=list)
    source: str | None = None

    @classmethod
    def for_directory(cls, directory: Path) -> RuleBook:
        path = directory / "rules.yaml"
        return cls.load(path) if path.is_file() else cls()

    @classmethod
    def load(cls, path: Path) -> RuleBook:
        data = load_yaml(path)
        src = str(path)
        if not isinstance(data, Sequence) or isinstance(data, str):
            raise InputError("expected a list of {hs, rule} entries", source=src)
        book = cls(source=src)
        for i, item in enumerate(data):
            where = f"[{i}]"
            if not isinstance(item, Mapping) or "hs" not in item or "rule" not in item:
                raise InputError("expected a mapping with hs and rule", source=src, field=where)
            rng = HSRange.parse(str(item["hs"]), field=f"{where}.hs", source=src)
            reference = str(item.get("reference") or f"rule given in {path.name}")
            rule = parse_rule(item["rule"], field=f"{where}.rule", source=src, reference=reference)
            book.entries.append((rng, len(compact(str(item["hs"]).split("-")[0])), rule))
        return book

    def rule(self, code: str, day: dt.date) -> Rule:
        """The rule for a good's code: the most specific entry of the file, else the bundled rule."""
        best: tuple[int, Rule] | None = None
        for rng, digits, rule in self.entries:
            if rng.contains(code) and (best is None or digits > best[0]):
                best = (digits, rule)
        if best is not None:
            return best[1]
        return find_rule(code, day)
