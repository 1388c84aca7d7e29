"""The bundled Annex 4-B rules: loading, validation and lookup by code and date."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tmec.core import hs
from tmec.core.errors import InputError, InvalidHSCode, NoRuleError
from tmec.law import load_parameters
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
    overlays = {p.stem[2:] for p in rule_files()}
    compiled = sum(len(psr.compiled_chapter(ch)) for ch in psr.chapters() if ch not in overlays)
    assert len(bundled_rules()) == compiled + sum(len(load_rule_file(p)) for p in rule_files())


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


def test_every_chapter_has_its_rules_now() -> None:
    # 8471.30 had no bundled rule when only chapters 72/73/76/87 were typed in; GN 11(o) ch. 84 has one.
    rule = find_rule("847130", DAY)
    assert rule.extra["gn"].startswith("gn11o-ch84-") and rule.confidence == "V"


def test_a_code_without_a_rule_of_its_own_says_why() -> None:
    with pytest.raises(NoRuleError, match=r"8471\.49.*chapter rule 2"):
        find_rule("8471.49", DAY)


def test_an_hs2022_code_split_over_several_rules_names_them() -> None:
    with pytest.raises(NoRuleError, match=r"8806\.21 is an HS 2022 code.*8525\.80, 8802\.11, 8802\.20"):
        find_rule("8806.21", DAY)
    # the HS 2012 code of the good, given instead, finds its rule
    assert find_rule("8802.20", DAY).extra["gn"].startswith("gn11o-ch88-")


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


def test_subheading_rule_beats_heading_range() -> None:
    # 7304.41 has its own subheading rule; 7304.41.30 a US tariff-item rule that beats both.
    sub = find_rule("7304.41", DAY)
    item = find_rule("7304.41.30", DAY)
    other = find_rule("7304.41.60", DAY)
    assert sub.hs is not None and str(sub.hs) == "7304.41"
    assert other is sub
    assert item.hs is not None and str(item.hs) == "7304.41.30"
    (alt,) = item.alternatives
    assert alt.change is not None and alt.change.from_[0].contains("7304.49")


def test_a_good_at_6_digits_where_tariff_items_have_rules_names_them() -> None:
    # 7304.41 alone could be 7304.41.30 (its own rule) or another item (the subheading rule).
    assert str(find_rule("7304.41", DAY).hs) == "7304.41"
    assert psr.tariff_items_with_rules("7304.41", DAY) == ["7304.41.30"]
    assert psr.tariff_items_with_rules("7304.49", DAY) == []


def test_narrow_range_beats_wide_range_on_the_phase_in_day() -> None:
    # Before 1 July 2022 one rule covers 7308.10-7308.90; on that day subheading rules take over.
    # GN 11(o) prints one dated note per subheading of 7308: the earlier ends the day the later begins.
    early = find_rule("7308.40", dt.date(2022, 6, 30))
    late = find_rule("7308.40", dt.date(2022, 7, 1))
    assert early.extra["gn"] == "gn11o-ch73-n09" and late.extra["gn"] == "gn11o-ch73-n10"


def test_road_tractor_of_hs2017_finds_the_heavy_truck_rule() -> None:
    match = lookup("8701.21", DAY)
    assert match.correlated and match.vintage_codes == ("870120",)
    assert match.rule is find_rule("8701.20", DAY)
    (alt,) = match.rule.alternatives
    assert alt.rvc is not None and alt.rvc.net_cost is not None
    assert alt.rvc.net_cost.parameter == "usmca.staging.ht_70"


def test_hybrid_light_truck_keeps_the_light_truck_rule() -> None:
    # 8704.41 (HS 2022) lies inside the HS 2012 range 8704.32-8704.90 by number, but its goods came
    # from 8704.21: the correlation must win over the numeric range.
    assert find_rule("8704.41", DAY) is find_rule("8704.21", DAY)
    assert find_rule("8704.60", DAY) is find_rule("8704.90", DAY)


def test_correlation_table_is_sound() -> None:
    table = psr.correlation_table()
    assert table
    for new, old in table.items():
        assert hs.exists(new), f"{new} is not an HS 2022 code"
        for code in old:
            if code == "847149":  # no rule of its own (GN 11(o) ch. 84 chapter rule 2)
                with pytest.raises(NoRuleError, match="no rule of its own"):
                    find_rule(code, DAY)
                continue
            assert find_rule(code, DAY, "other").vintage == "HS2012"


def test_bilateral_rules_need_the_trade() -> None:
    with pytest.raises(NoRuleError, match=r"5509\.31 depends on the trade.*Canada and the United States"):
        find_rule("5509.31", DAY)
    ca_us = find_rule("5509.31", DAY, "CA-US")
    other = find_rule("5509.31", DAY, "other")
    assert ca_us.extra["scope"] == "CA-US" and other.extra["scope"] == "other"
    assert find_rule("5509.31", DAY, "MX-US") is other  # no Mexico-US rule: all other trade
    (alt,) = ca_us.alternatives
    assert alt.change is not None and [str(r) for r in alt.change.from_] == ["5501.30"]
    assert find_rule("8413.30", DAY, "CA-US") is find_rule("8413.30", DAY)  # no bilateral rule


def test_unknown_code_is_named() -> None:
    with pytest.raises(InvalidHSCode, match=r"7210\.99"):
        find_rule("7210.99", DAY)


def test_heading_with_subheading_rules_asks_for_the_subheading() -> None:
    with pytest.raises(NoRuleError, match="6-digit subheading"):
        find_rule("8708", DAY)
    assert find_rule("7208", DAY) is find_rule("7208.51", DAY)


def test_rules_for_chapter() -> None:
    ch72 = psr.rules_for_chapter("72")
    assert [str(r.hs) for r in ch72][:2] == ["72.01", "7202.11-7202.60"]
    in_force = psr.rules_for_chapter(73, dt.date(2024, 1, 1))
    assert all(r.valid is not None and dt.date(2024, 1, 1) in r.valid for r in in_force)
    assert len(in_force) < len(psr.rules_for_chapter(73))


def test_overlapping_rules_are_rejected(tmp_path: Path) -> None:
    text = (
        "source: x\nvintage: HS2012\nrules:\n"
        "  - {hs: '72.08-72.16', text: t, reference: r, any_of: [{change: heading}]}\n"
        "  - {hs: '72.10-72.12', text: t, reference: r, valid_from: 2023-01-01,"
        " any_of: [{change: chapter}]}\n"
    )
    (tmp_path / "x.yaml").write_text(text)
    with pytest.raises(InputError, match="cover the same codes"):
        psr.validate_rules(load_rule_file(tmp_path / "x.yaml"))


def test_unknown_threshold_parameter_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(
        "source: x\nvintage: HS2012\nrules:\n"
        "  - {hs: '87.05', text: t, reference: r, any_of: [{rvc: {net_cost: usmca.staging.nope}}]}\n"
    )
    with pytest.raises(InputError, match=r"usmca\.staging\.nope"):
        psr.validate_rules(load_rule_file(tmp_path / "x.yaml"))


def test_every_threshold_parameter_resolves_on_every_rule_date() -> None:
    params = load_parameters()
    for rule in bundled_rules():
        assert rule.valid is not None
        for threshold in psr.thresholds(rule):
            if threshold.parameter is not None:
                assert threshold.resolve(params.at(rule.valid.start)).value > 0


@pytest.mark.shared_data
def test_every_hs2022_subheading_finds_a_rule(shared_data: Path) -> None:
    """Completeness: every HS 2022 subheading of chapters 72, 73, 76, 87 has a bundled rule."""
    with (shared_data / "hs2022" / "hs2022_ch72_73_76_87.csv").open(encoding="utf-8") as fh:
        codes = [row["hscode"] for row in csv.DictReader(fh) if row["level"] == "6"]
    assert len(codes) > 400
    missing = {}
    for code in codes:
        for day in (dt.date(2020, 7, 1), dt.date(2023, 7, 1), dt.date(2027, 7, 1)):
            try:
                rule = find_rule(code, day)
            except NoRuleError as exc:
                missing[code] = str(exc)
                continue
            assert rule.hs is not None and rule.hs.start[:2] == code[:2]
    assert not missing, missing


def test_known_kinds() -> None:
    assert {"body_stamping", "chassis_frame", "up_to_15_persons", "drive_axle_for_8703"} <= psr.kinds()


def test_rule_in_the_wrong_chapter_file_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "ch72.yaml").write_text(
        "source: x\nvintage: HS2012\nrules:\n"
        "  - {hs: '73.01', text: t, reference: r, any_of: [{change: chapter}]}\n"
    )
    with pytest.raises(InputError, match="not of chapter 72"):
        load_rule_file(tmp_path / "ch72.yaml")


_HS2022_CODES = sorted(
    {r.hs.start for r in bundled_rules() if r.hs is not None and r.hs.level == 6 and hs.exists(r.hs.start)}
    | {"720851", "721049", "730630", "760429", "870323", "870421", "870829", "870899", "871690"}
)


@given(
    code=st.sampled_from(_HS2022_CODES),
    day=st.dates(min_value=dt.date(2020, 7, 1), max_value=dt.date(2035, 12, 31)),
)
def test_found_rule_covers_the_code_on_the_day_and_nothing_beats_it(code: str, day: dt.date) -> None:
    match = lookup(code, day, "other")  # bilateral textile rules: the one for all other trade
    rule = match.rule
    assert rule.hs is not None and rule.valid is not None and day in rule.valid
    assert any(rule.hs.contains(c) for c in match.vintage_codes)
    assert rule.hs is not None
    for other in bundled_rules():
        if other is rule or other.hs is None or other.valid is None or day not in other.valid:
            continue
        if other.extra.get("scope") not in (None, "other"):
            continue  # the rule for Canada-US or Mexico-US trade only
        if any(other.hs.contains(c) for c in match.vintage_codes):
            assert other.hs.level < rule.hs.level or (
                other.hs.level == rule.hs.level
                and int(other.hs.end) - int(other.hs.start) >= int(rule.hs.end) - int(rule.hs.start)
            )


def test_a_gap_between_dated_rules_says_so() -> None:
    # GN 11(o) ch. 86: the rule for 8607.91 runs "until January 1, 2023", its successor "beginning
    # on July 1, 2023" (as printed): no rule in between, and the refusal says why.
    with pytest.raises(
        NoRuleError, match=r"8607\.91 in force on 2023-03-01.*gn11o-ch86-n05.*until 2023-01-01"
    ):
        find_rule("8607.91", dt.date(2023, 3, 1))
