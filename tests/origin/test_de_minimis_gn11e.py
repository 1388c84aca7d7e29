"""De minimis with the exceptions of GN 11(e) (Annex 4-A), compiled from the text."""

from __future__ import annotations

from typing import Any

from tmec.origin import parse_case, qualify
from tmec.origin.de_minimis import excluded, textile_rule


def _case(hs: str, materials: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "format": 1,
        "date": "2024-06-01",
        "good": {"hs": hs},
        "valuation": {"transaction_value": "100.00", "international_shipping": "0"},
        "costs": {"other_product_costs": "30.00", "period_costs": "10.00", "other_costs": "0"},
        "materials": materials,
    }


def _m(id_: str, hs: str, value: str, origin: str = "non_originating", **extra: Any) -> dict[str, Any]:
    return {"id": id_, "hs": hs, "value": value, "origin": origin, **extra}


def _dm_step(result: Any) -> str:
    return " | ".join(
        s["result"] for s in result.to_dict()["explanation"] if s["step"].endswith(".de_minimis")
    )


def test_the_exceptions_are_read_from_the_text() -> None:
    assert excluded("040610", "040120").para == "GN 11(e)(ii)(A)"  # milk in cheese
    assert excluded("210111", "090111").para == "GN 11(e)(ii)(D)"  # coffee in instant coffee
    assert excluded("200899", "200830").para == "GN 11(e)(ii)(H)"  # fruit of ch. 20 in heading 2008
    assert excluded("220299", "200911", ("220290",)).para == "GN 11(e)(ii)(C)"  # through HS 2012 2202.90
    assert excluded("040610", "170199") is None
    assert excluded("200599", "200599").para == "GN 11(e)(iii)"  # chapters 1-27: own subheading
    assert excluded("200599", "200510") is None
    assert excluded("841330", "841330") is None  # chapter 84: no exception


def test_milk_in_cheese_is_outside_de_minimis() -> None:
    # 0406.10 needs a change of chapter: 3 of milk (4 % of TV) would pass the 10 % de minimis,
    # but GN 11(e)(ii)(A) keeps materials of 04.01-04.06 out of it for goods of 04.01-04.06.
    milk = qualify(parse_case(_case("0406.10", [_m("MILK", "0401.20", "3"), _m("SALT", "2501.00", "1")])))
    assert milk.originating is False
    assert "GN 11(e)(ii)(A)" in _dm_step(milk)
    # the same value of a material no exception names is saved by de minimis
    other = qualify(parse_case(_case("0406.10", [_m("HONEY", "0409.00", "3"), _m("SALT", "2501.00", "1")])))
    assert other.originating is True


def test_chapters_1_to_27_only_materials_of_another_subheading() -> None:
    # (criterion D may still confer origin on the first: the step of criterion B is what is tested)
    own = qualify(parse_case(_case("2005.99", [_m("PREP", "2005.99", "3")])))
    assert "not applied" in _dm_step(own) and "GN 11(e)(iii)" in _dm_step(own)
    other = qualify(parse_case(_case("2005.99", [_m("PREP", "2005.10", "3")])))
    assert other.originating is True and "the change is treated as met" in _dm_step(other)


def test_textiles_count_by_weight() -> None:
    assert textile_rule("520811") is not None and textile_rule("961900") is not None
    assert textile_rule("841330") is None
    # 5208.11 needs a change of heading except from 52.05-52.06 (cotton yarn): the yarn fails.
    light = _case(
        "5208.11",
        [
            _m("YARN", "5205.11", "40", weight_kg="0.08"),
            _m("COTTON", "5201.00", "20", origin="originating", weight_kg="0.92"),
        ],
    )
    result = qualify(parse_case(light))
    assert result.originating is True  # 8 % by weight, although 40 % by value
    assert "GN 11(e)(iv)(A)" in _dm_step(result) and "8" in _dm_step(result)
    heavy = _case(
        "5208.11",
        [
            _m("YARN", "5205.11", "5", weight_kg="0.20"),
            _m("COTTON", "5201.00", "20", origin="originating", weight_kg="0.80"),
        ],
    )
    assert qualify(parse_case(heavy)).originating is False  # 20 % by weight, although 5 % by value


def test_textile_without_weights_is_not_passed_silently() -> None:
    case = _case("5208.11", [_m("YARN", "5205.11", "5"), _m("COTTON", "5201.00", "20", origin="originating")])
    result = qualify(parse_case(case))
    assert result.originating is False
    assert "cannot be tested: no weight_kg" in _dm_step(result)
