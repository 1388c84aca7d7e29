"""The bundled USMCA product-specific rules of origin (Annex 4-B; HTSUS GN 11(o); UR Sch. 1).

The rules live as data in ``tmec/law/rules/usmca/chNN.yaml``, one file per
chapter, in the nomenclature they were written in (the *vintage*, HS 2012 for
Annex 4-B and the Uniform Regulations)::

    source: where the legal text was read
    vintage: HS2012
    confidence: T                     # default for the rules of the file (V/T/S/M/L)
    rules:
      - hs: "72.08-72.16"              # a code or range; a list gives one rule per range
        text: "A change to headings 72.08 through 72.16 from any heading outside that group."
        reference: "USMCA Annex 4-B, ch. 72; HTSUS GN 11(o); UR Sch. 1"
        valid_from: 2023-07-01         # optional, half-open [valid_from, valid_to);
        valid_to: 2027-07-01           #   default: from USMCA's entry into force
        confidence: V                  # optional, overrides the file's
        note: how the encoding simplifies the law, conflicts between sources
        any_of: [ {change: heading, except: ["72.08-72.16"]} ]   # the rules.py form

:func:`find_rule` returns the rule in force for a good's code on a day: the most
specific rule wins (a tariff-item rule over a subheading rule over a heading
range).  Codes of today's nomenclature that did not exist in the vintage (HS
2017/2022 splits such as 8701.21) go through the correlation table
``tmec/law/correlation/hs2022_hs2012.yaml`` first.  A code with no bundled rule is
an error, never a silent pass (:class:`~tmec.core.errors.NoRuleError`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from tmec.core import hs as hscode
from tmec.core.dates import Period, parse_date
from tmec.core.errors import InputError, InvalidHSCode, NoRuleError
from tmec.core.hs import HSRange
from tmec.core.params import CONFIDENCE
from tmec.law import LAW_DIR, load_parameters, load_yaml
from tmec.origin.rules import Rule, Threshold, parse_rule

__all__ = [
    "CORRELATION_FILE",
    "ENTRY_INTO_FORCE",
    "RULES_DIR",
    "RuleMatch",
    "bundled_rules",
    "correlate",
    "correlation_table",
    "find_rule",
    "kinds",
    "load_rule_file",
    "lookup",
    "rule_files",
    "rules_for_chapter",
    "thresholds",
    "validate_rules",
]

RULES_DIR = LAW_DIR / "rules" / "usmca"
CORRELATION_FILE = LAW_DIR / "correlation" / "hs2022_hs2012.yaml"
# USMCA entered into force on 1 July 2020 (Protocol replacing NAFTA; 19 USC 4511).
ENTRY_INTO_FORCE = dt.date(2020, 7, 1)
VINTAGES = {"HS2012", "HS2017", "HS2022"}
_RULE_KEYS = {"hs", "text", "reference", "valid_from", "valid_to", "confidence", "note", "any_of"}


@dataclass(frozen=True, slots=True)
class RuleMatch:
    """The rule found for a code, and how it was found."""

    rule: Rule
    code: str  # the code asked for, compact
    vintage_codes: tuple[str, ...]  # the codes of the rule's vintage it was looked up under

    @property
    def correlated(self) -> bool:
        return self.vintage_codes != (self.code,)


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


def _parse_entry(entry: Any, i: int, *, vintage: str, confidence: str, source: str) -> list[Rule]:
    field = f"rules[{i}]"
    if not isinstance(entry, Mapping):
        raise InputError("expected a mapping with hs, text, reference and any_of", field=field, source=source)
    unknown = set(entry) - _RULE_KEYS
    if unknown:
        raise InputError(
            f"unknown key(s) {sorted(unknown)}; expected {sorted(_RULE_KEYS)}", field=field, source=source
        )
    raw_hs = entry.get("hs")
    codes = raw_hs if isinstance(raw_hs, list) else [raw_hs]
    if not codes or any(c is None for c in codes):
        raise InputError("expected the codes the rule covers", field=f"{field}.hs", source=source)
    ranges = [HSRange.parse(str(c), field=f"{field}.hs", source=source) for c in codes]
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
        rules.extend(_parse_entry(entry, i, vintage=vintage, confidence=confidence, source=source))
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


@cache
def bundled_rules() -> tuple[Rule, ...]:
    """Every bundled rule, loaded and validated once."""
    rules = tuple(r for path in rule_files() for r in load_rule_file(path))
    validate_rules(rules)
    return rules


@cache
def kinds() -> frozenset[str]:
    """Every ``good.kind`` tag a bundled rule distinguishes (body_stamping, chassis_frame, ...)."""
    return frozenset(
        k
        for r in bundled_rules()
        for a in r.alternatives
        for k in (a.kind or frozenset()) | (a.except_kind or frozenset())
    )


@cache
def _by_chapter() -> Mapping[str, tuple[Rule, ...]]:
    out: dict[str, list[Rule]] = defaultdict(list)
    for rule in bundled_rules():
        assert rule.hs is not None
        for chapter in range(int(rule.hs.start[:2]), int(rule.hs.end[:2]) + 1):
            out[f"{chapter:02d}"].append(rule)
    return {k: tuple(v) for k, v in out.items()}


def rules_for_chapter(chapter: str | int, day: dt.date | None = None) -> list[Rule]:
    """The bundled rules of a chapter (in force on ``day`` when given), in code order."""
    key = f"{int(chapter):02d}" if isinstance(chapter, int) else hscode.chapter(chapter)
    rules = [r for r in _by_chapter().get(key, ()) if day is None or (r.valid is not None and day in r.valid)]
    return sorted(
        rules, key=lambda r: (r.hs.start if r.hs else "", r.valid.start if r.valid else dt.date.min)
    )


@cache
def correlation_table() -> Mapping[str, tuple[str, ...]]:
    """HS 2022 subheadings that did not exist in HS 2012 -> the HS 2012 subheadings they came from."""
    source = str(CORRELATION_FILE)
    data = load_yaml(CORRELATION_FILE)
    if not isinstance(data, Mapping) or not isinstance(data.get("codes"), Mapping):
        raise InputError("expected a mapping with source and codes", source=source)
    _required_str(data, "source", field="file", source=source)
    table: dict[str, tuple[str, ...]] = {}
    for key, targets in data["codes"].items():
        code = hscode.validate(str(key), min_digits=6, field=f"codes.{key}", source=source)
        items = targets if isinstance(targets, list) else [targets]
        table[code] = tuple(
            hscode.validate(str(t), min_digits=6, field=f"codes.{key}", source=source) for t in items
        )
    return table


@cache
def _vintage_only_codes() -> frozenset[str]:
    """HS 2012 subheadings that HS 2022 no longer has (8701.20): still valid rule keys."""
    return frozenset(code for targets in correlation_table().values() for code in targets)


def correlate(hs2022_code: str) -> list[str]:
    """The HS 2012 subheadings (compact) an HS 2022 code corresponds to.

    A code absent from the table did not change between the vintages and maps to itself.

    >>> correlate("8701.21")
    ['870120']
    """
    digits = hscode.validate(hs2022_code, min_digits=6)
    found = correlation_table().get(digits[:6])
    return list(found) if found is not None else [digits]


def _candidates(digits: str, day: dt.date) -> list[Rule]:
    return [
        r
        for r in _by_chapter().get(digits[:2], ())
        if r.hs is not None and r.valid is not None and day in r.valid and r.hs.contains(digits)
    ]


def _most_specific(rules: list[Rule]) -> Rule:
    # A tariff-item rule beats a subheading rule beats a heading range; within a level the
    # narrower range wins (validation forbids two rules of one level on one code and day).
    def key(r: Rule) -> tuple[int, int]:
        assert r.hs is not None
        return (r.hs.level, -(int(r.hs.end) - int(r.hs.start)))

    return max(rules, key=key)


def _no_rule(digits: str, day: dt.date) -> NoRuleError:
    shown = hscode.format(digits)
    if day < ENTRY_INTO_FORCE:
        return NoRuleError(
            f"no bundled rule for {shown} on {day.isoformat()}: USMCA entered into force on "
            f"{ENTRY_INTO_FORCE.isoformat()}"
        )
    if len(digits) < 6 and any(
        r.hs is not None
        and r.hs.level > len(digits)
        and r.hs.start[: len(digits)] <= digits <= r.hs.end[: len(digits)]
        for r in _by_chapter().get(digits[:2], ())
    ):
        return NoRuleError(f"the rules for {shown} differ by subheading; give the 6-digit subheading")
    return NoRuleError(f"no bundled rule for {shown}; give `rule:` in the case")


def lookup(hs: str, day: dt.date) -> RuleMatch:
    """The rule in force for ``hs`` on ``day``, with the vintage codes it was found under."""
    return _lookup(str(hs), day)


@lru_cache(maxsize=16384)
def _lookup(hs: str, day: dt.date) -> RuleMatch:
    # Cached: a portfolio asks for the same few codes and dates again and again; the rules are
    # immutable once loaded.  Errors are not cached (they propagate).
    digits = hscode.validate(hs, field="hs")
    if not hscode.exists(digits) and digits[:6] not in _vintage_only_codes():
        raise InvalidHSCode(
            f"unknown HS code {hscode.format(digits)}: not in the HS 2022 nomenclature", field="hs"
        )
    if len(digits) >= 6 and digits[:6] in correlation_table():
        targets = tuple(correlate(digits))
        found: dict[int, Rule] = {}
        for target in targets:
            candidates = _candidates(target, day)
            if not candidates:
                raise _no_rule(target, day)
            rule = _most_specific(candidates)
            found[id(rule)] = rule
        if len(found) > 1:
            shown = ", ".join(hscode.format(t) for t in targets)
            raise NoRuleError(
                f"{hscode.format(digits)} corresponds to HS 2012 subheadings {shown}, whose rules differ; "
                "give the HS 2012 subheading or `rule:` in the case"
            )
        return RuleMatch(next(iter(found.values())), digits, targets)
    candidates = _candidates(digits, day)
    if not candidates:
        raise _no_rule(digits, day)
    return RuleMatch(_most_specific(candidates), digits, (digits,))


def find_rule(hs: str, day: dt.date) -> Rule:
    """The bundled rule in force for a good's code on a day (most specific match).

    Raises :class:`~tmec.core.errors.NoRuleError` ("no bundled rule for 8471.30; give
    `rule:` in the case") when there is none, and ``InvalidHSCode`` for a malformed code.
    """
    return lookup(hs, day).rule
