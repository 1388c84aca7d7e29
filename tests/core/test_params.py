"""Every bundled legal parameter loads, has a reference on every value and well-formed dates."""

import datetime as dt
from decimal import Decimal

import pytest

from tmec.core.errors import InputError, NotInForce, UnknownParameter
from tmec.core.params import parse_parameter
from tmec.law import load_parameters, load_yaml, parameter_files, parameter_name


@pytest.mark.parametrize("path", parameter_files(), ids=lambda p: parameter_name(p))
def test_every_parameter_file_is_well_formed(path) -> None:  # type: ignore[no-untyped-def]
    data = load_yaml(path)
    assert isinstance(data.get("description"), str) and data["description"].strip(), "needs a description"
    assert data["values"], "needs values"
    for key, entry in data["values"].items():
        assert isinstance(key, dt.date), f"{key!r} is not an ISO date"
        if entry is not None:
            assert entry.get("reference", "").strip(), f"value of {key} has no legal reference"
    parse_parameter(parameter_name(path), data, source=str(path))


def test_required_parameters_present() -> None:
    params = load_parameters().at(dt.date(2024, 1, 1))
    assert params["usmca.de_minimis"].value == Decimal(10)
    assert params["usmca.criterion_d_transaction_value"].value == Decimal(60)
    assert params["usmca.criterion_d_net_cost"].value == Decimal(50)
    assert params["usmca.sets_de_minimis"].value == Decimal(10)
    assert params["usmca.non_allowable_interest_spread"].value == Decimal(700)
    assert "4531" in params["usmca.de_minimis"].reference


def test_resolution_by_date() -> None:
    p = parse_parameter(
        "x.rate",
        {
            "values": {
                "2020-07-01": {"value": 66, "reference": "a"},
                "2021-07-01": {"value": 69, "reference": "b", "confidence": "M"},
                "2030-01-01": None,
            }
        },
    )
    assert p.at(dt.date(2021, 6, 30)).value == 66
    assert p.at(dt.date(2021, 7, 1)).value == 69
    assert p.at(dt.date(2021, 7, 1)).unverified
    assert p.at(dt.date(2021, 7, 1)).cite() == "b [unverified]"
    with pytest.raises(NotInForce):
        p.at(dt.date(2020, 6, 30))
    with pytest.raises(NotInForce):
        p.at(dt.date(2030, 1, 1))


@pytest.mark.parametrize(
    "bad",
    [
        {"values": {"2020-07-01": {"value": 1}}},
        {"values": {"2020-13-01": {"value": 1, "reference": "x"}}},
        {"values": {}},
        {"values": {"2020-07-01": {"value": 1, "reference": "x", "confidence": "Q"}}},
    ],
)
def test_bad_parameter_files_are_rejected(bad: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(InputError):
        parse_parameter("x", bad, source="x.yaml")


def test_unknown_parameter() -> None:
    with pytest.raises(UnknownParameter):
        load_parameters().at(dt.date(2024, 1, 1))["usmca.nope"]
