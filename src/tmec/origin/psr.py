"""The bundled USMCA product-specific rules of origin (Annex 4-B; HTSUS GN 11(o); UR Sch. 1).

Every rule of GN 11(o) is compiled from the USITC text by ``tools/law/build_psr.py`` into
``tmec/law/rules/usmca_gn11o.json`` (one entry per rule or operative note, each with its GN
rule number, page, verbatim text, dates and bilateral ``scope``); a chapter's rules are read
only when a code of that chapter is asked for.  Hand-written files
``tmec/law/rules/usmca/chNN.yaml`` replace the compiled rules of their chapter where the law
needs more than GN 11(o) says (chapter 87: the staged thresholds of GN 11(k) and the
Appendix to Annex 4-B).  Both are in the nomenclature the rules were written in (the
*vintage*, HS 2012 for Annex 4-B and the Uniform Regulations)::

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from tmec.core import hs as hscode
from tmec.core.errors import InputError, InvalidHSCode, NoRuleError
from tmec.core.hs import HSRange
from tmec.law.correlation import CORRELATION_FILE, correlation_document
from tmec.law.rules import GN11O_DIR, gn11o_chapter, gn11o_document, gn11o_index
from tmec.origin.averaging import ENTRY_INTO_FORCE  # the dated parameter usmca.entry_into_force
from tmec.origin.rule_files import (
    RULES_DIR,
    load_rule_file,
    parse_entry,
    rule_files,
    thresholds,
    validate_rules,
)
from tmec.origin.rules import Rule

__all__ = [
    "CORRELATION_FILE",
    "ENTRY_INTO_FORCE",
    "RULES_DIR",
    "RuleMatch",
    "bundled_rules",
    "correlate",
    "correlation_row",
    "correlation_table",
    "find_rule",
    "kinds",
    "load_rule_file",
    "lookup",
    "paragraph_reference",
    "provisions",
    "rule_files",
    "rules_for_chapter",
    "search",
    "tariff_items_with_rules",
    "thresholds",
    "validate_rules",
]


@dataclass(frozen=True, slots=True)
class RuleMatch:
    """The rule found for a code, and how it was found."""

    rule: Rule
    code: str  # the code asked for, compact
    vintage_codes: tuple[str, ...]  # the codes of the rule's vintage it was looked up under

    @property
    def correlated(self) -> bool:
        return self.vintage_codes != (self.code,)


@cache
def _overlays() -> Mapping[str, Path]:
    """Hand-written chapter files that replace the compiled rules of their chapter."""
    return {path.stem[2:]: path for path in rule_files() if path.stem.startswith("ch")}


@cache
def provisions() -> Mapping[str, Mapping[str, Any]]:
    """The process provisions of GN 11(n)(iv)-(v) and of chapter rules (ch. 27 chapter rule 1), by
    paragraph ("GN 11(n)(iv)(A)"): process, goods, goods_except, text, conditions, page."""
    return {p["para"]: p for p in gn11o_index().get("processes", [])}


def paragraph_reference(paragraph: str) -> str:
    """``HTSUS GN 11(n)(iv)(A) (GN p. 21)`` for a bundled provision, the paragraph as given else."""
    found = provisions().get(paragraph)
    return f"HTSUS {paragraph}" + (f" (GN p. {found['page']})" if found is not None else "")


def _with_words(alt: Mapping[str, Any]) -> Mapping[str, Any]:
    # A process alternative is compiled as its paragraph only; its words are kept once in the index.
    found = provisions().get(alt.get("paragraph", "")) if "process" in alt else None
    if found is None:
        return alt
    return {"text": found["text"], "proviso": " ".join([found["text"], *found["conditions"]]), **alt}


@cache
def compiled_chapter(chapter: str) -> tuple[Rule, ...]:
    """The rules compiled from GN 11(o) for one chapter ("84"), parsed on first use."""
    body = gn11o_chapter(chapter)
    vintage = str(gn11o_index().get("vintage", "HS2012"))
    source = str(GN11O_DIR / f"ch{chapter}.json")
    rules: list[Rule] = []
    for i, entry in enumerate(body["rules"]):
        if any("process" in a for a in entry["any_of"]):
            entry = {**entry, "any_of": [_with_words(a) for a in entry["any_of"]]}
        rules.extend(parse_entry(entry, i, vintage=vintage, confidence="V", source=source))
    return tuple(rules)


@cache
def chapter_rules(chapter: str) -> tuple[Rule, ...]:
    """The bundled rules of one chapter: its hand-written file if there is one, else GN 11(o)."""
    overlay = _overlays().get(chapter)
    return load_rule_file(overlay) if overlay is not None else compiled_chapter(chapter)


def chapters() -> list[str]:
    return sorted(set(gn11o_index()["chapters"]) | set(_overlays()))


def search(text: str, chapter: str | None = None) -> list[Mapping[str, Any]]:
    """The GN 11(o) rules and notes whose words contain every word of ``text`` (any case), in
    document order: ``{"gn", "page", "hs" (None for a note), "chapter", "text"}``.  Reads the
    compiled text, not the parsed rules, so a search does not parse every chapter."""
    words = text.lower().split()
    if not words:
        raise InputError("expected words to search for", field="TEXT")
    found: list[Mapping[str, Any]] = []
    for ch, body in gn11o_document()["chapters"].items():
        if chapter is not None and ch != chapter:
            continue
        items = [(e, e["hs"]) for e in body["rules"]] + [(n, None) for n in body["notes"]]
        for item, codes in items:
            lowered = item["text"].lower()
            if all(w in lowered for w in words):
                shown = [str(HSRange.parse(c)) for c in codes] if codes is not None else None
                found.append(
                    {"gn": item["gn"], "page": item["page"], "hs": shown, "chapter": ch, "text": item["text"]}
                )
    return found


def chapter_notes(chapter: str) -> list[Mapping[str, Any]]:
    """The notes of a chapter of GN 11(o) that are not rules (definitions, chapter rules)."""
    return list(gn11o_chapter(chapter)["notes"])


@cache
def bundled_rules() -> tuple[Rule, ...]:
    """Every bundled rule, loaded and validated once (every chapter: for listings and tests)."""
    rules = tuple(r for chapter in chapters() for r in chapter_rules(chapter))
    validate_rules(rules)
    return rules


def rule_kinds(rules: Sequence[Rule]) -> frozenset[str]:
    return frozenset(
        k
        for r in rules
        for a in r.alternatives
        for k in (a.kind or frozenset()) | (a.except_kind or frozenset())
    )


@cache
def kinds() -> frozenset[str]:
    """Every ``good.kind`` tag a bundled rule distinguishes (body_stamping, chassis_frame, ...)."""
    return rule_kinds(bundled_rules())


def _by_chapter(chapter: str) -> tuple[Rule, ...]:
    # A rule's codes never leave its chapter (chNN.yaml and GN 11(o) are written per chapter).
    return chapter_rules(chapter)


def rules_for_chapter(chapter: str | int, day: dt.date | None = None) -> list[Rule]:
    """The bundled rules of a chapter (in force on ``day`` when given), in code order."""
    key = f"{int(chapter):02d}" if isinstance(chapter, int) else hscode.chapter(chapter)
    rules = [r for r in _by_chapter(key) if day is None or (r.valid is not None and day in r.valid)]
    return sorted(
        rules, key=lambda r: (r.hs.start if r.hs else "", r.valid.start if r.valid else dt.date.min)
    )


@cache
def correlation_table() -> Mapping[str, tuple[str, ...]]:
    """HS 2022 subheadings that are not HS 2012 codes -> the HS 2012 subheadings their goods
    could have been classified in (UNSD correlation, compiled by tools/law/build_hs_correlation.py)."""
    return {code: tuple(row["hs2012"]) for code, row in correlation_document()["codes"].items()}


def correlation_row(code: str) -> Mapping[str, Any] | None:
    """The compiled correlation row of an HS 2022 subheading: hs2012, relationship, conversion,
    confidence; None for a code that is an HS 2012 code too."""
    row = correlation_document()["codes"].get(hscode.validate(code, min_digits=6)[:6])
    return dict(row) if row is not None else None


@cache
def _vintage_only_codes() -> frozenset[str]:
    """HS 2012 subheadings that HS 2022 no longer has (8701.20): still valid rule keys."""
    return frozenset(correlation_document()["vintage_only"])


def correlate(hs2022_code: str) -> list[str]:
    """The HS 2012 subheadings (compact) an HS 2022 code corresponds to.

    A code absent from the table did not change between the vintages and maps to itself.

    >>> correlate("8701.21")
    ['870120']
    """
    digits = hscode.validate(hs2022_code, min_digits=6)
    found = correlation_table().get(digits[:6])
    return list(found) if found is not None else [digits]


_Entry = tuple[str, str, int, int, Rule]  # start, end, level, width of the range, rule


@cache
def _index(chapter: str) -> Mapping[str, tuple[_Entry, ...]]:
    """A chapter's rules by the headings they may cover, each as (start, end, level, width, rule),
    most specific first (a tariff item before a subheading before a heading range; the narrower
    range first): a look-up scans the few rules of one heading, compares prefixes of already
    validated digits and stops after the first matches.  Key "" holds them all."""
    entries = sorted(
        (
            (r.hs.start, r.hs.end, r.hs.level, int(r.hs.end) - int(r.hs.start), r)
            for r in _by_chapter(chapter)
            if r.hs is not None
        ),
        key=lambda e: (-e[2], e[3]),
    )
    out: dict[str, list[_Entry]] = defaultdict(list)
    for entry in entries:
        start, end, level = entry[:3]
        if level >= 4:
            first, last = int(start[:4]), int(end[:4])
        else:  # a chapter range covers every heading of its chapters
            first, last = int(start) * 100, int(end) * 100 + 99
        for heading in range(first, last + 1):
            out[f"{heading:04d}"].append(entry)
    out[""] = entries
    return {k: tuple(v) for k, v in out.items()}


def _candidates(digits: str, day: dt.date) -> list[Rule]:
    """The most specific rules in force for ``digits`` on ``day``: one, or several of one level and
    width (one per bilateral scope)."""
    index = _index(digits[:2])
    bucket = index.get(digits[:4], ()) if len(digits) >= 4 else index[""]
    found: list[Rule] = []
    best: tuple[int, int] | None = None
    n = len(digits)
    for start, end, level, width, r in bucket:
        if best is not None and best != (level, width):
            break
        if n >= level and start <= digits[:level] <= end and r.valid is not None and day in r.valid:
            found.append(r)
            best = (level, width)
    return found


TRADE_WORDS = {
    "CA-US": "trade between Canada and the United States",
    "MX-US": "trade between Mexico and the United States",
    "other": "all other trade",
}


def _most_specific(top: list[Rule], trade: str | None = None) -> Rule:
    # ``_candidates`` keeps only the most specific level and width; two rules there differ by
    # bilateral scope (validation forbids any other overlap): then the trade decides.
    if len(top) == 1:
        return top[0]
    scopes = {str(r.extra.get("scope")): r for r in top}
    if trade is not None and trade in scopes:
        return scopes[trade]
    if trade is not None and "other" in scopes:
        return scopes["other"]
    shown = "; ".join(f"{TRADE_WORDS.get(s, s)} ({r.extra.get('gn')})" for s, r in sorted(scopes.items()))
    raise NoRuleError(
        f"the rule for {top[0].hs} depends on the trade: {shown}; give the trade "
        f"(tmec rules show --trade {'|'.join(TRADE_WORDS)}) or `rule:` in the case"
    )


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
        for r in _by_chapter(digits[:2])
    ):
        return NoRuleError(f"the rules for {shown} differ by subheading; give the 6-digit subheading")
    dated = sorted(
        (
            r
            for start, end, level, _, r in _index(digits[:2]).get(digits[:4], ())
            if len(digits) >= level and start <= digits[:level] <= end and r.valid is not None
        ),
        key=lambda r: r.valid.start if r.valid else ENTRY_INTO_FORCE,
    )
    if dated:
        spans = "; ".join(
            f"{r.extra.get('gn', r.hs)} from {r.valid.start.isoformat()}"
            + (f" until {r.valid.end.isoformat()}" if r.valid.end else "")
            for r in dated
            if r.valid is not None
        )
        return NoRuleError(
            f"no rule for {shown} in force on {day.isoformat()}: the text dates its rules so that none "
            f"covers that day ({spans}); give `rule:` in the case"
        )
    explained = gn11o_index().get("no_rule", {}).get(digits[:6])
    if explained is not None:
        return NoRuleError(f"no rule of its own for {shown}: {explained['reason']}")
    return NoRuleError(f"no bundled rule for {shown}; give `rule:` in the case")


def lookup(hs: str, day: dt.date, trade: str | None = None) -> RuleMatch:
    """The rule in force for ``hs`` on ``day``, with the vintage codes it was found under.

    ``trade`` (CA-US, MX-US, other) chooses between the bilateral rules some textile codes have
    (5509.31, 5703.20-.30, 6103.23 ...); without it such a code is refused, saying why."""
    if trade is not None and trade not in TRADE_WORDS:
        raise InputError(f"expected one of {list(TRADE_WORDS)}, found {trade!r}", field="trade")
    found = _lookup_or_refusal(str(hs), day, trade)
    if isinstance(found, str):
        raise NoRuleError(found)
    return found


@lru_cache(maxsize=16384)
def _lookup_or_refusal(hs: str, day: dt.date, trade: str | None) -> RuleMatch | str:
    # Cached, refusals too (as their message: a fresh error is raised each time): a portfolio asks
    # for the same few codes and dates again and again; the rules are immutable once loaded.
    # Malformed or unknown codes are not cached (they propagate).
    try:
        return _lookup(hs, day, trade)
    except NoRuleError as exc:
        if exc.field or exc.source:
            raise
        return str(exc)


def _one_requirement(rules: tuple[Rule, ...]) -> bool:
    """Whether rules printed for different codes state one requirement: the same alternatives
    word for word in the model ("a change to ... from any other chapter"), apart from the text."""
    shapes = {
        (tuple(replace(a, text=None) for a in r.alternatives), repr(r.extra.get("limits"))) for r in rules
    }
    return len(shapes) == 1


def _correlated_rule(code: str, targets: tuple[str, ...], rules: tuple[Rule, ...]) -> Rule:
    """An HS 2022 code whose HS 2012 counterparts have rules that state one requirement: that
    requirement, under the rule of UNSD's one-code conversion when it is one of them, tagged S (a
    correlation read by tmec, not a published table) and saying so."""
    row = correlation_document()["codes"].get(code[:6], {})
    conversion = row.get("conversion")
    chosen = next(
        (r for r in rules if r.hs is not None and conversion and r.hs.contains(conversion)), rules[0]
    )
    cited = ", ".join(str(r.extra.get("gn", r.hs)) for r in rules)
    note = (
        f"{hscode.format(code)} is an HS 2022 code; its goods were classified in HS 2012 subheadings "
        f"{', '.join(hscode.format(t) for t in targets)} (UNSD correlation), whose rules ({cited}) state "
        "the same requirement; it is applied to the HS 2022 code"
    )
    return replace(chosen, confidence="S", note="; ".join(n for n in (chosen.note, note) if n))


def _lookup(hs: str, day: dt.date, trade: str | None) -> RuleMatch:
    digits = hscode.validate(hs, field="hs")
    if not hscode.exists(digits) and digits[:6] not in _vintage_only_codes():
        raise InvalidHSCode(
            f"unknown HS code {hscode.format(digits)}: not in the HS 2022 nomenclature", field="hs"
        )
    if len(digits) >= 6 and digits[:6] in correlation_table():
        targets = tuple(correlate(digits))
        found: dict[int, Rule] = {}
        missing: list[str] = []
        for target in targets:
            candidates = _candidates(target, day)
            if candidates:
                rule = _most_specific(candidates, trade)
                found[id(rule)] = rule
            else:
                missing.append(target)
            if len(found) > 1 and len(missing) > 0:
                break  # the answer is already "whose rules differ"
        if missing and (len(found) == 0 or len(targets) == 1 or day < ENTRY_INTO_FORCE):
            raise _no_rule(missing[0], day)
        if len(found) > 1 and not missing and _one_requirement(tuple(found.values())):
            return RuleMatch(_correlated_rule(digits, targets, tuple(found.values())), digits, targets)
        if len(found) > 1 or missing:
            shown = ", ".join(hscode.format(t) for t in targets[:8])
            if len(targets) > 8:
                shown += f" and {len(targets) - 8} more"
            raise NoRuleError(
                f"{hscode.format(digits)} is an HS 2022 code; its goods were classified in HS 2012 "
                f"subheadings {shown} (UNSD correlation), whose rules differ; give the HS 2012 "
                "subheading of the good or `rule:` in the case"
            )
        return RuleMatch(next(iter(found.values())), digits, targets)
    candidates = _candidates(digits, day)
    if not candidates:
        raise _no_rule(digits, day)
    return RuleMatch(_most_specific(candidates, trade), digits, (digits,))


def tariff_items_with_rules(hs: str, day: dt.date) -> list[str]:
    """The tariff items of a 6-digit code that have rules of their own on ``day`` (8482.99.05 ...).

    A good given at 6 digits gets its subheading's rule; when some of its tariff items have
    their own, the answer depends on the 8-digit item, and the caller asks for it."""
    digits = hscode.validate(hs, field="hs")
    if len(digits) != 6:
        return []
    return sorted(
        {
            str(r.hs)
            for r in _by_chapter(digits[:2])
            if r.hs is not None
            and r.hs.level == 8
            and r.hs.start[:6] <= digits <= r.hs.end[:6]
            and r.valid is not None
            and day in r.valid
        }
    )


def find_rule(hs: str, day: dt.date, trade: str | None = None) -> Rule:
    """The bundled rule in force for a good's code on a day (most specific match).

    Raises :class:`~tmec.core.errors.NoRuleError` ("no bundled rule for 8471.30; give
    `rule:` in the case") when there is none, and ``InvalidHSCode`` for a malformed code.
    """
    return lookup(hs, day, trade).rule
