"""The tariff classification change (Annex 4-B; UR s.3(1)(b)).

Every non-originating material (unknown origin counts as non-originating) must
undergo the change the rule requires; originating materials need not (Annex
4-B General Interpretative Note (d)).  Retail packaging, accessories and
indirect materials are disregarded (19 USC 4531(h)-(k)).

* ``level``: the material's code at that level must differ from the good's
  (chapter 2, heading 4, subheading 6, tariff item 8 digits);
* ``except``: the material may not come from these codes, change or not;
* ``from``: a material from these codes passes whether or not it also changes;
  with ``from`` and no ``level``, the materials must come from these codes;
* ``except_more_than_one``: non-originating materials of one of the groups pass,
  of two groups or more they all fail ("except from more than one of the following").

A material whose code is missing, or coarser than the level tested, cannot be
shown to change: it fails, and the questions ask for its classification.  So
does a material given at 6 digits (8482.99) when the rule names tariff items of
it (8482.99.05): whether it is excepted, or allowed, depends on the 8-digit
item; its failure carries the question "which tariff item?".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from tmec.core import hs
from tmec.core.hs import HSRange
from tmec.origin.rules import LEVEL_DIGITS, TariffChange
from tmec.origin.vnm import Unit

__all__ = ["Failure", "ShiftResult", "test_change", "undecided"]


@dataclass(frozen=True, slots=True)
class Failure:
    unit: Unit
    reason: str
    question: str | None = None  # the fact that would decide it (the 8-digit tariff item)


@dataclass(frozen=True, slots=True)
class ShiftResult:
    passed: bool
    failures: tuple[Failure, ...]
    tested: int  # how many non-originating materials were tested


# Reasons repeat the same few codes across thousands of materials: format each once.
_format = lru_cache(maxsize=4096)(hs.format)
_label = lru_cache(maxsize=4096)(str)


def _in(r: HSRange, code: str) -> bool:
    # ``code`` is already validated compact digits: compare prefixes without re-validating.
    n = len(r.start)
    return len(code) >= n and r.start <= code[:n] <= r.end


def _finer(ranges: tuple[HSRange, ...], code: str) -> list[HSRange]:
    """The ranges of finer codes the material's coarser code may fall in (8482.99 vs 8482.99.05)."""
    return [r for r in ranges if len(code) < r.level and r.start[: len(code)] <= code <= r.end[: len(code)]]


def _named(change: TariffChange, r: HSRange, code: str, kind: str | None) -> bool | None:
    """Whether a material of ``code`` (of kind ``kind``) is one the rule's code ``r`` names: None
    when the rule names only a kind of that code's materials and the material's kind is not given."""
    if not _in(r, code):
        return False
    want = change.kind_of(r) if change.material_kinds else None
    if want is None:
        return True
    return None if kind is None else kind == want


def _kind_question(change: TariffChange, good_hs: str, code: str) -> str | None:
    """A material of a code the rule names only by kind ("housings of 8508.70"), without its kind:
    the question, when its kind decides the outcome."""
    for r, want in change.material_kinds:
        if not _in(r, code):
            continue
        if (material_fails(change, good_hs, code, want) is None) != (
            material_fails(change, good_hs, code, "") is None
        ):
            verb = "excepts" if r in change.except_ else "allows"
            return (
                f"the rule {verb} only {want.replace('_', ' ')} of {r}: is this material one? "
                f"give materials[].kind ({want} or another word)"
            )
    return None


def undecided(change: TariffChange, good_hs: str, code: str | None, kind: str | None = None) -> str | None:
    """The question a material's code leaves open for ``change``, or None: a 6-digit material that
    the rule's exception (or its 'from' list) names only some tariff items of; a material of a code
    the rule names by kind, whose kind is not given."""
    if code is None:
        return None
    if change.material_kinds and kind is None:
        question = _kind_question(change, good_hs, code)
        if question is not None:
            return question
    excepted, allowed = _finer(change.except_, code), _finer(change.from_, code)
    plain = material_fails(change, good_hs, code)
    if (excepted and plain is None) or (allowed and plain is not None):
        named = ", ".join(str(r) for r in excepted or allowed)
        return (
            f"material classified only to {len(code)} digits ({_format(code)}); the rule "
            f"{'excepts' if excepted else 'allows'} tariff items {named}: which 8-digit tariff item is it?"
        )
    return None


def material_fails(
    change: TariffChange, good_hs: str, code: str | None, kind: str | None = None
) -> str | None:
    """Why a non-originating material of code ``code`` fails ``change``, or None when it passes.
    A material of a code the rule names by kind, without a kind, is taken as excepted and not
    allowed (never a silent pass; ``undecided`` asks for the kind)."""
    if code is None:
        return "classification not given"
    for r in change.except_:
        if _named(change, r, code, kind) is not False:
            return f"from {_label(r)}, which the rule excepts" + (
                f" ({want.replace('_', ' ')})" if (want := change.kind_of(r)) else ""
            )
    for r in change.from_:
        if _named(change, r, code, kind):
            return None
    if change.level is None:
        return "not from " + ", ".join(str(r) for r in change.from_)
    n = LEVEL_DIGITS[change.level]
    if len(code) < n:
        return f"classified only to {len(code)} digits; the {change.level} cannot be compared"
    if len(good_hs) < n:
        # The good is given at HS-6 and the rule asks for a tariff-item change.
        return f"the good is classified only to {len(good_hs)} digits; give its {n}-digit tariff item"
    if code[:n] == good_hs[:n]:
        return f"same {change.level} as the good ({_format(code[:n])})"
    return None


def _groups_used(change: TariffChange, units: Sequence[Unit]) -> dict[int, list[Unit]]:
    used: dict[int, list[Unit]] = {}
    for u in units:
        code = u.material.hs
        for i, group in enumerate(change.except_more_than_one):
            if code is not None and any(_in(r, code) for r in group):
                used.setdefault(i, []).append(u)
                break
    return used


def test_change(change: TariffChange, good_hs: str, units: Sequence[Unit]) -> ShiftResult:
    failures: list[Failure] = []
    tested: list[Unit] = []
    for u in units:
        if u.originating or u.ctc_disregarded:
            continue
        tested.append(u)
        question = undecided(change, good_hs, u.material.hs, u.material.kind)
        if question is not None:
            failures.append(Failure(u, question, question))
            continue
        reason = material_fails(change, good_hs, u.material.hs, u.material.kind)
        if reason is not None:
            failures.append(Failure(u, reason))
    if change.except_more_than_one:
        used = _groups_used(change, tested)
        if len(used) > 1:
            groups = "; ".join(
                ", ".join(str(r) for r in change.except_more_than_one[i]) for i in sorted(used)
            )
            failed = {id(f.unit) for f in failures}
            failures.extend(
                Failure(u, f"materials of more than one of the groups the rule excepts together ({groups})")
                for i in sorted(used)
                for u in used[i]
                if id(u) not in failed
            )
    return ShiftResult(not failures, tuple(failures), len(tested))
