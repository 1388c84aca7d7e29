"""A product-specific rule in words and as data: for `tmec rules show`, explanations and JSON.

Thresholds that name a dated parameter are resolved on the day asked for, with the
parameter's reference; without a day they print as ``@usmca.staging.pv_lt_75``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tmec.core.params import ParameterSnapshot
from tmec.origin.rules import Alternative, Rule, TariffChange, Threshold

__all__ = ["LEVEL_WORDS", "alternative_to_dict", "describe_alternative", "rule_to_dict", "threshold_to_dict"]

LEVEL_WORDS = {
    "chapter": "a change of chapter (CC)",
    "heading": "a change of heading (CTH)",
    "subheading": "a change of subheading (CTSH)",
    "tariff_item": "a change of tariff item (CTI)",
}
METHOD_WORDS = {"transaction_value": "transaction value", "net_cost": "net cost"}


def _codes(ranges: tuple[Any, ...]) -> str:
    return ", ".join(str(r) for r in ranges)


def _change_words(change: TariffChange) -> str:
    if change.level is None:
        return f"non-originating materials only from {_codes(change.from_)}"
    words = LEVEL_WORDS[change.level]
    if change.except_:
        words += f", except from {_codes(change.except_)}"
    if change.from_:
        words += f"; or from {_codes(change.from_)}, whether or not there is also that change"
    if change.material_kinds:
        named = ", ".join(f"{k.replace('_', ' ')} of {r}" for r, k in change.material_kinds)
        words += f" (of those codes, only materials that are: {named})"
    if change.except_more_than_one:
        groups = " / ".join(_codes(g) for g in change.except_more_than_one)
        words += f"; except from more than one of: {groups}"
    return words


def threshold_to_dict(threshold: Threshold, params: ParameterSnapshot | None) -> dict[str, Any]:
    out: dict[str, Any] = {"value": threshold.value, "parameter": threshold.parameter}
    if threshold.parameter is not None and params is not None:
        resolved = threshold.resolve(params)
        found = params[threshold.parameter]
        out.update(
            value=resolved.value,
            reference=found.cite(),
            since=found.since,
            unverified=resolved.unverified,
        )
    return out


def _threshold_words(threshold: Threshold, params: ParameterSnapshot | None) -> str:
    if threshold.parameter is None:
        return f"{threshold.value} %"
    if params is None:
        return f"@{threshold.parameter}"
    found = params[threshold.parameter]
    return f"{found.decimal} % ({threshold.parameter} since {found.since.isoformat()}: {found.cite()})"


def describe_alternative(alt: Alternative, params: ParameterSnapshot | None = None) -> str:
    """One alternative in words, e.g. ``a change of heading (CTH); RVC >= 70 % net cost``."""
    parts: list[str] = []
    if alt.process is not None:
        from tmec.origin.alternatives import PROCESS_WORDS

        parts.append(
            f"origin by {PROCESS_WORDS.get(alt.process, alt.process)} in the territory "
            f"({alt.paragraph or 'process claimed in good.processes'}); the case claims it in good.processes"
        )
        if alt.goods_except:
            parts.append(f"not for goods of {_codes(alt.goods_except)}")
    if alt.change is not None:
        parts.append(_change_words(alt.change))
    elif alt.rvc is not None or alt.weight_share is not None:
        parts.append("no change in tariff classification required")
    if alt.weight_share is not None:
        ws = alt.weight_share
        parts.append(
            f"at least {ws.min_percent} % by weight of the materials of {_codes(ws.headings)} originating"
        )
    if alt.rvc is not None:
        terms = []
        for method in alt.rvc.methods():
            threshold = alt.rvc.threshold(method)
            assert threshold is not None
            terms.append(f"{_threshold_words(threshold, params)} under the {METHOD_WORDS[method]} method")
        parts.append("RVC not less than " + " or ".join(terms))
    if alt.proviso:
        parts.append(f"proviso to confirm: {alt.proviso.strip()}")
    return "; ".join(parts)


def _applies_words(alt: Alternative) -> str:
    parts = []
    if alt.end_use is not None:
        parts.append("for " + ", ".join(sorted(u.replace("_", " ") for u in alt.end_use)))
    if alt.kind is not None:
        parts.append("kind " + " or ".join(sorted(alt.kind)))
    if alt.except_kind is not None:
        parts.append("not kind " + " or ".join(sorted(alt.except_kind)))
    return "; ".join(parts) or "any good"


def alternative_to_dict(alt: Alternative, params: ParameterSnapshot | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "words": describe_alternative(alt, params),
        "applies_to": _applies_words(alt),
        "end_use": sorted(alt.end_use) if alt.end_use is not None else None,
        "kind": sorted(alt.kind) if alt.kind is not None else None,
        "except_kind": sorted(alt.except_kind) if alt.except_kind is not None else None,
        "change": None,
        "rvc": None,
        "weight_share": None,
        "proviso": alt.proviso,
        "text": alt.text,
        "process": alt.process,
        "paragraph": alt.paragraph,
        "goods_except": [str(r) for r in alt.goods_except],
    }
    if alt.change is not None:
        out["change"] = {
            "level": alt.change.level,
            "except": [str(r) for r in alt.change.except_],
            "from": [str(r) for r in alt.change.from_],
            "except_more_than_one": [[str(r) for r in g] for g in alt.change.except_more_than_one],
            "material_kinds": {str(r): k for r, k in alt.change.material_kinds},
        }
    if alt.rvc is not None:
        rvc = alt.rvc
        out["rvc"] = {
            m: threshold_to_dict(t, params) for m in rvc.methods() if (t := rvc.threshold(m)) is not None
        }
    if alt.weight_share is not None:
        out["weight_share"] = {
            "headings": [str(r) for r in alt.weight_share.headings],
            "min_percent": alt.weight_share.min_percent,
        }
    return out


def rule_to_dict(
    rule: Rule, params: ParameterSnapshot | None = None, day: dt.date | None = None
) -> dict[str, Any]:
    """The rule as JSON-ready data (Decimals and dates left for the caller's encoder)."""
    return {
        "hs": str(rule.hs) if rule.hs is not None else None,
        "vintage": rule.vintage,
        "date": day,
        "valid_from": rule.valid.start if rule.valid else None,
        "valid_to": rule.valid.end if rule.valid else None,
        "confidence": rule.confidence,
        "unverified": rule.confidence in {"M", "L"},
        "reference": rule.reference,
        "text": rule.text,
        "note": rule.note,
        "alternatives": [alternative_to_dict(a, params) for a in rule.alternatives],
    }
