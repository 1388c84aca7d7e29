"""``tmec rules show --json`` / ``GET /api/v1/rules/{hs}``: the rule in force for a code on a date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from tmec.core import hs as hscode
from tmec.core.errors import InputError
from tmec.law import LAW_DIR, load_parameters
from tmec.origin.psr import kinds, lookup, tariff_items_with_rules
from tmec.origin.rule_text import rule_to_dict
from tmec.origin.rules import Rule


def rule_source(rule: Rule) -> str | None:
    """The rule's data file, relative to the package's law directory (never a machine's path)."""
    if rule.source is None:
        return None
    path = Path(rule.source)
    return str(path.relative_to(LAW_DIR.parent)) if path.is_relative_to(LAW_DIR.parent) else str(path)


def check_kind(kind: str | None, field: str = "--kind") -> None:
    if kind is not None and kind not in kinds():
        raise InputError(f"unknown kind {kind!r}; the bundled rules know {sorted(kinds())}", field=field)


def rule_document(
    hs: str, when: dt.date, end_use: str | None = None, kind: str | None = None, trade: str | None = None
) -> dict[str, Any]:
    """The rule for ``hs`` on ``when``, its alternatives in words, and which apply to an end use/kind."""
    match = lookup(hs, when, trade)
    rule = match.rule
    params = load_parameters().at(when)
    filtered = end_use is not None or kind is not None
    applicable = rule.applicable(end_use, kind) if filtered else rule.alternatives
    return {
        "code": hscode.format(match.code),
        "vintage_codes": [hscode.format(c) for c in match.vintage_codes],
        "correlated": match.correlated,
        **rule_to_dict(rule, params, when),
        "applicable": [i for i, a in enumerate(rule.alternatives, 1) if a in applicable]
        if filtered
        else None,
        "source": rule_source(rule),
        "gn": rule.extra.get("gn"),
        "page": rule.extra.get("page"),
        "scope": rule.extra.get("scope"),
        "underscored": rule.extra.get("underscored", False),
        "tariff_items_with_rules": tariff_items_with_rules(match.code, when),
    }
