"""USMCA rules of origin (Chapter 4, Annex 4-B, the Uniform Regulations): pure domain code.

>>> from tmec.origin import load_case, qualify
>>> det = qualify(load_case("examples/hot_rolled_coil.yaml"))   # run from the repository root
>>> det.originating, det.criterion
(True, 'B')
"""

from typing import TYPE_CHECKING

from tmec._lazy import lazy_attributes

if TYPE_CHECKING:
    from tmec.origin.case import (
        Accumulation,
        Case,
        Costs,
        ExcludedCosts,
        Good,
        Material,
        Valuation,
        parse_case,
    )
    from tmec.origin.case_file import load_case
    from tmec.origin.determination import Determination
    from tmec.origin.psr import (
        RuleMatch,
        bundled_rules,
        correlate,
        find_rule,
        lookup,
        rules_for_chapter,
    )
    from tmec.origin.qualify import bundled_rule, qualify
    from tmec.origin.rule_text import describe_alternative, rule_to_dict
    from tmec.origin.rules import Rule, parse_rule


__all__ = [
    "Accumulation",
    "Case",
    "Costs",
    "Determination",
    "ExcludedCosts",
    "Good",
    "Material",
    "Rule",
    "RuleMatch",
    "Valuation",
    "bundled_rule",
    "bundled_rules",
    "correlate",
    "describe_alternative",
    "find_rule",
    "load_case",
    "lookup",
    "parse_case",
    "parse_rule",
    "qualify",
    "rule_to_dict",
    "rules_for_chapter",
]

# Each name loads its module on first use: `tmec rules show` needs the rules (psr), not the
# qualification and the automotive tables that `qualify` pulls in.
_LAZY = {
    **dict.fromkeys(
        ["Accumulation", "Case", "Costs", "ExcludedCosts", "Good", "Material", "Valuation", "parse_case"],
        "tmec.origin.case",
    ),
    "load_case": "tmec.origin.case_file",
    "Determination": "tmec.origin.determination",
    **dict.fromkeys(
        ["RuleMatch", "bundled_rules", "correlate", "find_rule", "lookup", "rules_for_chapter"],
        "tmec.origin.psr",
    ),
    "bundled_rule": "tmec.origin.qualify",
    "qualify": "tmec.origin.qualify",
    "describe_alternative": "tmec.origin.rule_text",
    "rule_to_dict": "tmec.origin.rule_text",
    "Rule": "tmec.origin.rules",
    "parse_rule": "tmec.origin.rules",
}

__getattr__ = lazy_attributes(__name__, _LAZY, globals())
