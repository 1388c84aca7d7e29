"""USMCA rules of origin (Chapter 4, Annex 4-B, the Uniform Regulations): pure domain code."""

from tmec.origin.psr import (
    RuleMatch,
    bundled_rules,
    correlate,
    find_rule,
    lookup,
    rules_for_chapter,
)
from tmec.origin.rule_text import describe_alternative, rule_to_dict
from tmec.origin.rules import Rule, parse_rule

__all__ = [
    "Rule",
    "RuleMatch",
    "bundled_rules",
    "correlate",
    "describe_alternative",
    "find_rule",
    "lookup",
    "parse_rule",
    "rule_to_dict",
    "rules_for_chapter",
]
