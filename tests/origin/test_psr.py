"""The bundled Annex 4-B rules: loading, validation and lookup by code and date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tmec.core.errors import InputError, InvalidHSCode, NoRuleError
from tmec.origin import psr
from tmec.origin.psr import bundled_rules, correlate, find_rule, load_rule_file, lookup, rule_files

DAY = dt.date(2024, 1, 15)


@pytest.mark.parametrize("path", rule_files(), ids=lambda p: p.name)
def test_every_rule_file_loads(path: Path) -> None:
    rules = load_rule_file(path)
    assert rules
    for rule in rules:
        assert rule.reference.strip()
        assert rule.text and rule.text.strip()
        assert rule.vintage == "HS2012"
        assert rule.valid is not None and rule.valid.start >= psr.ENTRY_INTO_FORCE
        assert rule.confidence in {"V", "T", "S", "M", "L"}
        assert rule.alternatives


def test_all_rules_validate_together() -> None:
    assert len(bundled_rules()) == sum(len(load_rule_file(p)) for p in rule_files())


def test_hot_rolled_coil_rule() -> None:
    rule = find_rule("7208.51", DAY)
    assert rule.hs is not None and str(rule.hs) == "72.08-72.16"
    (alt,) = rule.alternatives
    assert alt.change is not None and alt.change.level == "heading"
    assert alt.change.except_[0].contains("7209.16")
    assert not alt.change.except_[0].contains("7207.11")


def test_ten_digit_code_finds_its_subheading_rule() -> None:
    assert find_rule("7202.70.00.00", DAY) is find_rule("7202.70", DAY)
    assert find_rule("7202.70", DAY).alternatives[0].change.except_[0].contains("2613.10")  # type: ignore[union-attr]


def test_no_rule_outside_the_bundled_chapters() -> None:
    with pytest.raises(NoRuleError, match=r"^no bundled rule for 8471\.30; give `rule:` in the case$"):
        find_rule("847130", DAY)


def test_no_rule_before_entry_into_force() -> None:
    with pytest.raises(NoRuleError, match="entered into force"):
        find_rule("7208.51", dt.date(2020, 6, 30))


def test_malformed_code_is_named() -> None:
    with pytest.raises(InvalidHSCode, match="72O8"):
        find_rule("72O8.51", DAY)


def test_correlation_of_road_tractors() -> None:
    assert correlate("8701.21") == ["870120"]
    assert correlate("7208.51") == ["720851"]


def test_lookup_reports_the_vintage_code() -> None:
    match = lookup("7208.51", DAY)
    assert not match.correlated and match.vintage_codes == ("720851",)


def test_bad_rule_file_names_file_and_rule(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "source: x\nvintage: HS2012\nrules:\n  - hs: '72.01'\n    text: t\n    any_of: [{change: chapter}]\n"
    )
    with pytest.raises(InputError, match=r"bad\.yaml: rules\[0\]\.reference"):
        load_rule_file(bad)
