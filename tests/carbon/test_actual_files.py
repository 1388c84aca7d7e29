"""Actual data from its documented forms: YAML, CSV, and the EU communication template."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tmec.carbon.actual import parse_actual, parse_actual_csv
from tmec.carbon.law import CarbonLaw
from tmec.cli._carbon_files import read_actual
from tmec.core.errors import InputError

from .conftest import DATA, calc

STEEL_1 = "2 CBAM SEE V2.1_Example Steel 1 Blast furnace_final.xlsx"


@pytest.mark.shared_data
def test_commission_template_example_steel_1(shared_data: Path, law: CarbonLaw) -> None:
    actual = read_actual(shared_data / "cbam" / "templates" / STEEL_1)
    assert actual.installation.country == "CN"
    assert [g.cns[0] for g in actual.goods] == ["72081000", "72122000", "72139120", "73021028"]
    a = calc(law, "72081000", "CN", "100", actual=actual)
    assert a.see == Decimal("1.53897606455787")  # direct only (Annex II); indirect 0.2035539825 kept apart
    assert a.see_indirect == Decimal("0.2035539825")
    assert a.sefa == Decimal("0.975") * Decimal("0.044")  # column A of 7208 10 00
    assert any("before the definitive period" in f for f in a.flags)  # a 2023 reporting period
    assert any("not verified" in f for f in a.flags)


def test_yaml_errors_name_the_field() -> None:
    with pytest.raises(InputError, match=r"f\.yaml: goods\[0\]\.precursors\[0\]\.source"):
        parse_actual(
            {
                "goods": [
                    {
                        "cn": "73181568",
                        "process_direct": 1,
                        "precursors": [{"cn": "72139110", "mass_per_tonne": 1, "source": "guess"}],
                    }
                ]
            },
            source="f.yaml",
        )
    with pytest.raises(InputError, match="give see_direct"):
        parse_actual({"goods": [{"cn": "73181568"}]}, source="f.yaml")
    with pytest.raises(InputError, match="goods: expected a non-empty list"):
        parse_actual({"goods": []}, source="f.yaml")


def test_csv_errors_name_the_line() -> None:
    with pytest.raises(InputError, match=r"a\.csv:3: see_direct: expected a number"):
        parse_actual_csv("cn,route,see_direct\n72071114,E,0.4\n72071114,E,lots\n", source="a.csv")
    with pytest.raises(InputError, match="missing column"):
        parse_actual_csv("cn,route\n72071114,E\n", source="a.csv")


def test_precursor_sources_default_unknown_and_eu(law: CarbonLaw) -> None:
    actual = parse_actual(
        {
            "verified": True,
            "goods": [
                {
                    "cn": "73181568",
                    "route": "C",
                    "process_direct": "0.1",
                    "precursors": [
                        {"cn": "72139110", "mass_per_tonne": "0.5", "source": "default", "origin": "MX"},
                        {"cn": "72139110", "mass_per_tonne": "0.3", "source": "unknown"},
                        {"cn": "72139110", "mass_per_tonne": "0.2", "source": "eu"},
                    ],
                }
            ],
        },
        source="mem",
    )
    a = calc(law, "73181568", "MX", "1", actual=actual)
    mx = law.tables.default_value("72139110", "MX", 2026).see
    annex_iv = law.tables.annex_iv("72139110", 2026).see
    assert a.see == Decimal("0.1") + Decimal("0.5") * mx + Decimal("0.3") * annex_iv
    assert any("EU-origin precursor" in f for f in a.flags)


def test_actual_file_for_another_cn_is_refused(law: CarbonLaw) -> None:
    with pytest.raises(InputError, match="no actual data for CN 72085120"):
        calc(law, "72085120", "MX", "1", actual=read_actual(DATA / "billet_actual.csv"))
