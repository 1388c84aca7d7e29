"""The bundled rule files: reading and checking them.

A rule file (``tmec/law/rules/usmca/chNN.yaml``, the layout documented in :mod:`tmec.origin.psr`)
is parsed into :class:`~tmec.origin.rules.Rule` objects, every problem naming the file and the
rule; :func:`validate_rules` checks that thresholds name known parameters and that no two rules
cover one code on one day at one level.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from tmec.core.dates import Period, parse_date
from tmec.core.errors import InputError
from tmec.core.params import CONFIDENCE
from tmec.law import LAW_DIR, load_parameters, load_yaml
from tmec.origin.averaging import ENTRY_INTO_FORCE  # the dated parameter usmca.entry_into_force
from tmec.origin.rules import Rule, Threshold, hs_range, parse_rule

__all__ = [
    "RULES_DIR",
    "VINTAGES",
    "load_rule_file",
    "parse_entry",
    "rule_files",
    "thresholds",
    "validate_rules",
]

RULES_DIR = LAW_DIR / "rules" / "usmca"
VINTAGES = {"HS2012", "HS2017", "HS2022"}
_RULE_KEYS = {"hs", "text", "reference", "valid_from", "valid_to", "confidence", "note", "any_of"}
# Keys of a compiled GN 11(o) rule kept in ``Rule.extra``: where it is printed, its bilateral
# scope (CA-US, MX-US, other), whether its number is underscored (GN 11(k) may apply) and the
# "until" date as printed when it was read as the day the next rule begins.
# "limits": the processes that bar origin for the rule's goods (GN 11(n)(iv)(H)).
_EXTRA_KEYS = {"gn", "page", "scope", "underscored", "until_as_printed", "limits"}


def rule_files() -> list[Path]:
    return sorted(RULES_DIR.glob("*.yaml"))


def _required_str(data: Mapping[str, Any], key: str, *, field: str, source: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"expected a non-empty '{key}'", field=f"{field}.{key}", source=source)
    return value.strip()


def _confidence(value: Any, *, field: str, source: str) -> str:
    text = str(value)
    if text not in CONFIDENCE:
        raise InputError(f"expected one of {sorted(CONFIDENCE)}, found {value!r}", field=field, source=source)
    return text


def parse_entry(entry: Any, i: int, *, vintage: str, confidence: str, source: str) -> list[Rule]:
    field = f"rules[{i}]"
    if not isinstance(entry, Mapping):
        raise InputError("expected a mapping with hs, text, reference and any_of", field=field, source=source)
    unknown = set(entry) - _RULE_KEYS - _EXTRA_KEYS
    if unknown:
        raise InputError(
            f"unknown key(s) {sorted(unknown)}; expected {sorted(_RULE_KEYS)}", field=field, source=source
        )
    raw_hs = entry.get("hs")
    codes = raw_hs if isinstance(raw_hs, list) else [raw_hs]
    if not codes or any(c is None for c in codes):
        raise InputError("expected the codes the rule covers", field=f"{field}.hs", source=source)
    ranges = [hs_range(str(c), field=f"{field}.hs", source=source) for c in codes]
    start = parse_date(entry.get("valid_from", ENTRY_INTO_FORCE), field=f"{field}.valid_from", source=source)
    end = (
        parse_date(entry["valid_to"], field=f"{field}.valid_to", source=source)
        if entry.get("valid_to") is not None
        else None
    )
    if end is not None and end <= start:
        raise InputError(
            f"valid_to {end} is not after valid_from {start}", field=f"{field}.valid_to", source=source
        )
    if "any_of" not in entry:
        raise InputError("expected 'any_of': the rule's alternatives", field=f"{field}.any_of", source=source)
    base = parse_rule(
        {"any_of": entry["any_of"]},
        field=field,
        source=source,
        reference=_required_str(entry, "reference", field=field, source=source),
        vintage=vintage,
        valid=Period(start, end),
        confidence=_confidence(
            entry.get("confidence", confidence), field=f"{field}.confidence", source=source
        ),
        text=_required_str(entry, "text", field=field, source=source),
        note=entry.get("note"),
        extra={k: entry[k] for k in _EXTRA_KEYS if k in entry},
    )
    return [replace(base, hs=r) for r in ranges]


@cache
def load_rule_file(path: Path) -> tuple[Rule, ...]:
    """Parse one bundled rule file; every problem names the file and the rule."""
    source = str(path)
    data = load_yaml(path)
    if not isinstance(data, Mapping):
        raise InputError("expected a mapping with source, vintage, confidence and rules", source=source)
    _required_str(data, "source", field="file", source=source)
    vintage = _required_str(data, "vintage", field="file", source=source)
    if vintage not in VINTAGES:
        raise InputError(
            f"expected one of {sorted(VINTAGES)}, found {vintage!r}", field="vintage", source=source
        )
    confidence = _confidence(data.get("confidence", "V"), field="confidence", source=source)
    entries = data.get("rules")
    if not isinstance(entries, list) or not entries:
        raise InputError("expected a non-empty list of rules", field="rules", source=source)
    rules: list[Rule] = []
    for i, entry in enumerate(entries):
        rules.extend(parse_entry(entry, i, vintage=vintage, confidence=confidence, source=source))
    chapter = path.stem[2:] if path.stem.startswith("ch") else None
    for rule in rules:
        # chNN.yaml holds chapter NN only, so a typo in a code cannot hide in another file.
        if chapter is not None and rule.hs is not None and not rule.hs.start.startswith(chapter):
            raise InputError(f"rule for {rule.hs} is not of chapter {chapter}", field="rules", source=source)
    return tuple(rules)


def thresholds(rule: Rule) -> Iterator[Threshold]:
    for alt in rule.alternatives:
        if alt.rvc is not None:
            for method in alt.rvc.methods():
                found = alt.rvc.threshold(method)
                if found is not None:
                    yield found


def _overlap(a: Rule, b: Rule) -> bool:
    assert a.hs is not None and b.hs is not None and a.valid is not None and b.valid is not None
    if a.hs.level != b.hs.level or a.hs.end < b.hs.start or b.hs.end < a.hs.start:
        return False
    if a.extra.get("scope") != b.extra.get("scope"):
        return False  # one rule for Canada-US trade, another for all other trade
    a_end, b_end = a.valid.end or dt.date.max, b.valid.end or dt.date.max
    return a.valid.start < b_end and b.valid.start < a_end


def validate_rules(rules: Sequence[Rule]) -> None:
    """Thresholds name known parameters; no two rules cover one code on one day at one level."""
    known = set(load_parameters())  # ParameterSet raises UnknownParameter, not KeyError
    by_level: dict[int, list[Rule]] = defaultdict(list)
    for rule in rules:
        for threshold in thresholds(rule):
            if threshold.parameter is not None and threshold.parameter not in known:
                raise InputError(
                    f"rule for {rule.hs} names unknown parameter {threshold.parameter!r}", source=rule.source
                )
        assert rule.hs is not None
        by_level[rule.hs.level].append(rule)
    for level_rules in by_level.values():
        level_rules.sort(key=lambda r: r.hs.start if r.hs else "")
        for i, a in enumerate(level_rules):
            for b in level_rules[i + 1 :]:
                assert a.hs is not None and b.hs is not None
                if b.hs.start > a.hs.end:
                    break
                if _overlap(a, b):
                    raise InputError(
                        f"rules for {a.hs} ({a.source}) and {b.hs} ({b.source}) cover the same codes "
                        "on the same dates",
                        source=b.source,
                    )
