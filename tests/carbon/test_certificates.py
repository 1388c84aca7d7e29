"""The worked examples of spec carbon.md §5.4 (D1-D9, the opencbam README case) and §9.2 item 12."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tmec.carbon.certificates import ImportLine, assess
from tmec.carbon.law import CarbonLaw
from tmec.cli._carbon_files import read_actual
from tmec.core.errors import InputError

from .conftest import DATA, calc

D = Decimal


@pytest.mark.parametrize(
    ("origin", "embedded", "certificates", "cost"),
    [
        ("MX", "302.5", "168.925", "12730.19"),  # D1
        ("CN", "350.6", "217.025", "16355.00"),  # D2
        ("IN", "470.8", "337.225", "25413.28"),  # D3
        ("US", "154.0", "20.425", "1539.23"),  # D4
        ("CA", "157.3", "23.725", "1787.92"),  # D4
    ],
)
def test_d1_to_d4_hot_rolled_plate_by_origin(
    law: CarbonLaw, origin: str, embedded: str, certificates: str, cost: str
) -> None:
    a = calc(law, "72085120", origin, "100")
    assert a.embedded_emissions == D(embedded)
    assert a.free_allocation == D("133.575")  # 100 × 0.975 × 1.370 (column B, route C)
    assert a.certificates == D(certificates)
    assert a.cost == D(cost)
    assert a.route == "C"
    assert a.price == D("75.36")


def test_d5_billet_default(law: CarbonLaw) -> None:
    a = calc(law, "72071114", "MX", "1000")
    assert (a.embedded_emissions, a.sefa, a.certificates, a.cost) == (
        D("3014"),
        D("1.3299"),
        D("1684.1"),
        D("126913.78"),
    )


def test_d6_billet_actual_scrap_eaf_uses_column_a_route_e(law: CarbonLaw) -> None:
    a = calc(law, "72071114", "MX", "1000", actual=read_actual(DATA / "billet_actual.csv"))
    assert a.data == "actual"
    assert a.default_table is None
    assert (a.embedded_emissions, a.sefa, a.certificates, a.cost) == (
        D("450"),
        D("0.063375"),
        D("386.625"),
        D("29136.06"),
    )


def test_d7_bolts_default(law: CarbonLaw) -> None:
    a = calc(law, "73181568", "MX", "100")
    assert (a.embedded_emissions, a.free_allocation, a.certificates, a.cost) == (
        D("319"),
        D("132.99"),
        D("186.01"),
        D("14017.71"),
    )


def test_d8_bolts_actual_through_their_precursors(law: CarbonLaw) -> None:
    a = calc(law, "73181568", "MX", "100", actual=read_actual(DATA / "bolts_actual.yaml"))
    assert a.see == D("0.74")  # (8 + 110 × 0.60) / 100
    # 0.975 × 0.038 + 1.10 × [0.975 × (0.038 + 1.0 × 0.065)]
    assert a.sefa == D("0.1475175")
    assert a.free_allocation == D("14.75175")
    assert a.certificates == D("59.24825")
    assert a.cost == D("4464.95")


def test_d9_aluminium_sheet_secondary_route(law: CarbonLaw) -> None:
    a = calc(law, "76061250", "MX", "50")
    assert a.route == "L"
    assert (a.embedded_emissions, a.free_allocation, a.certificates, a.cost) == (
        D("102.3"),
        D("7.215"),
        D("95.085"),
        D("7165.61"),
    )


def test_opencbam_readme_case(law: CarbonLaw) -> None:
    a = calc(law, "72071111", "TR", "100", price=D(80))
    assert (a.embedded_emissions, a.free_allocation, a.certificates, a.cost) == (
        D("254.100"),
        D("132.990"),
        D("121.110"),
        D("9688.80"),
    )


@pytest.mark.parametrize(
    ("cn", "origin", "year", "see", "table"),
    [
        ("72085120", "MX", 2026, "3.025", "MX"),
        ("76011010", "CN", 2028, "3.900", "CN"),
        ("73181568", "IN", 2027, "6.864", "IN"),
        ("72085120", "HT", 2026, "4.454", "OTHER"),  # Haiti has no steel table: other countries
        ("76011010", "MX", 2034, "0.468", "MX"),  # 2028+ column from 2028 on
    ],
)
def test_golden_default_values(law: CarbonLaw, cn: str, origin: str, year: int, see: str, table: str) -> None:
    dv = law.tables.default_value(cn, origin, year)
    assert dv.see == D(see)
    assert dv.table == table


def test_country_without_a_table_falls_back_and_says_why(law: CarbonLaw) -> None:
    a = calc(law, "72085120", "HT", "100")
    assert a.default_table == "other"
    assert any("HT has no iron/steel or aluminium table" in f for f in a.flags)


def test_dash_in_the_country_row_falls_back_to_other(law: CarbonLaw) -> None:
    dv = law.tables.default_value("72031000", "TR", 2026)  # Türkiye's DRI row is "–"
    assert dv.table == "OTHER"
    assert dv.fallback_reason is not None and "'–'" in dv.fallback_reason
    missing = law.tables.default_value("72031000", "CN", 2026)  # China's table has no DRI row
    assert missing.table == "OTHER"
    assert missing.fallback_reason == "no row for CN 72031000 in the table of China"


def test_longest_prefix_wins(law: CarbonLaw) -> None:
    assert law.tables.default_value("72071114", "MX", 2026).row_cn == "72071114"
    assert law.tables.default_value("72085120", "MX", 2026).row_cn == "7208"


@pytest.mark.parametrize("cn", ["72085100", "72044100", "76020000", "76151010", "87084020", "7208512"])
def test_not_a_cbam_good_is_refused(law: CarbonLaw, cn: str) -> None:
    # 72085100 does not exist (opencbam priced it with no free allocation, +79 %); 7204 and 7602 are
    # scrap; 7615 is listed in the default workbook but is not an Annex I good; 8708 is a 2028 proposal.
    with pytest.raises(InputError, match=cn):
        calc(law, cn, "MX", "100")


def test_cement_is_a_cbam_good_not_computed_here(law: CarbonLaw) -> None:
    with pytest.raises(InputError, match="cement sector"):
        calc(law, "25232900", "TR", "1")


def test_eu_origin_is_not_an_import(law: CarbonLaw) -> None:
    with pytest.raises(InputError, match="EU member state"):
        calc(law, "72085120", "DE", "1")


def test_floor_at_zero_per_good(law: CarbonLaw) -> None:
    # A verified actual SEE below its own benchmark owes nothing, not a negative number.
    from tmec.carbon.actual import parse_actual

    actual = parse_actual(
        {"verified": True, "goods": [{"cn": "72071114", "route": "E", "see_direct": 0.01}]}, source="mem"
    )
    a = calc(law, "72071114", "MX", "10", actual=actual)
    assert a.embedded_emissions - a.free_allocation < 0
    assert a.certificates == 0 and a.cost == 0


def test_factor_schedule_multiplies_the_benchmark_only(law: CarbonLaw) -> None:
    for year, factor in ((2026, "0.975"), (2030, "0.515"), (2033, "0.14"), (2034, "0")):
        a = calc(law, "72085120", "MX", "1", year=year, price=D(100))
        assert a.sefa == D(factor) * D("1.370")
    assert calc(law, "72085120", "MX", "1", year=2034, price=D(100)).certificates == D("3.575")


def test_provisional_values_are_flagged(law: CarbonLaw) -> None:
    a = calc(law, "72085120", "MX", "100")
    assert any("CSCF" in f and "provisional" in f for f in a.flags)
    q2 = calc(law, "72085120", "MX", "100", date=__import__("datetime").date(2026, 5, 2))
    assert q2.price == D("75.28") and any("single secondary source" in f for f in q2.flags)


def test_no_published_price_is_an_error_not_a_guess(law: CarbonLaw) -> None:
    import datetime as dt

    with pytest.raises(InputError, match="no published CBAM certificate price for 2027-W"):
        calc(law, "72085120", "MX", "1", year=2027, date=dt.date(2027, 3, 1))


def test_article_9_deduction_is_capped_and_flagged(law: CarbonLaw) -> None:
    a = calc(law, "72085120", "MX", "100", carbon_price_paid=D("37.68"))
    assert a.deduction == a.embedded_emissions / 2
    assert a.certificates == D("17.675")  # 302.5 - 133.575 - 151.25
    capped = calc(law, "72085120", "MX", "100", carbon_price_paid=D("200"))
    assert capped.deduction == capped.embedded_emissions  # never more than the emissions
    assert capped.certificates == 0
    assert any("draft Art. 9" in f for f in a.flags)


def test_other_currency_with_a_given_rate(law: CarbonLaw) -> None:
    a = assess(law, ImportLine("72085120", "MX", D(100), 2026, rate=D("20.5"), currency="MXN"))
    assert a.cost_other == D("260968.85")  # 168.925 × 75.36 × 20.5 = 260968.854, rounded once
