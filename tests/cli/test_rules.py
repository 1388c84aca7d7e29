import json

import pytest
from click.testing import CliRunner

from tmec.cli import main


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["rules", *args])
    return result.exit_code, result.output


def test_show_json_resolves_staged_threshold_with_its_reference() -> None:
    code, out = run("show", "8708.29", "--date", "2022-08-01", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["hs"] == "8708.29" and data["vintage"] == "HS2012"
    stamping = next(a for a in data["alternatives"] if a["kind"] == ["body_stamping"])
    nc = stamping["rvc"]["net_cost"]
    assert nc["parameter"] == "usmca.staging.pv_lt_75"
    assert nc["value"] == "72" and nc["since"] == "2022-07-01"
    assert "s.14(13)" in nc["reference"]
    assert data["reference"].startswith("USMCA Annex 4-B, ch. 87")


def test_show_people_output_has_law_and_validity() -> None:
    code, out = run("show", "7306.30", "--date", "2023-06-30")
    assert code == 0, out
    assert "73.05-73.07" in out and "change of chapter" in out
    assert "until 2023-07-01" in out
    flat = " ".join(out.split())
    assert "HTSUS GN 11(o), ch. 73 Heading rule (GN p. 57)" in flat
    assert "Confidence" in out


def test_show_correlated_code_says_so() -> None:
    code, out = run("show", "8701.21", "--date", "2025-01-01", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["correlated"] is True and data["vintage_codes"] == ["8701.20"]
    (alt,) = data["alternatives"]
    assert alt["rvc"]["net_cost"]["value"] == "64"


def test_show_flags_unverified_rule() -> None:
    # 8415.10: the exception names materials by kind ("assemblies incorporating more than one of
    # the following: compressor, condenser ..."), read by their codes only: M, shown as unverified.
    code, out = run("show", "8415.10", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["confidence"] == "M" and data["unverified"] is True
    assert "read by their codes" in data["note"]


def test_no_bundled_rule_exits_2_with_the_message() -> None:
    code, out = run("show", "8471.49")
    assert code == 2
    assert "no rule of its own for 8471.49" in out and "chapter rule 2" in out


@pytest.mark.parametrize("bad", ["72O8.51", "7210.99", "123"])
def test_malformed_or_unknown_code_exits_2_naming_it(bad: str) -> None:
    code, out = run("show", bad)
    assert code == 2
    assert bad in out
    assert "Traceback" not in out


def test_bad_date_exits_2() -> None:
    code, out = run("show", "7208.51", "--date", "someday")
    assert code == 2 and "--date" in out


def test_list_chapter_on_a_date() -> None:
    code, out = run("list", "--chapter", "73", "--date", "2024-01-01", "--json")
    assert code == 0, out
    rows = json.loads(out)
    assert rows and all(r["hs"].startswith("73") for r in rows)
    assert all(
        r["valid_from"] <= "2024-01-01" and (r["valid_to"] is None or r["valid_to"] > "2024-01-01")
        for r in rows
    )
    welded = [r for r in rows if r["hs"] == "73.05-73.07"]
    assert len(welded) == 1 and welded[0]["valid_from"] == "2023-07-01"


def test_list_everything_for_people() -> None:
    code, out = run("list")
    assert code == 0, out
    assert "72.08-72.16" in out and "8708.99" in out


def test_list_bad_chapter_exits_2() -> None:
    code, out = run("list", "--chapter", "7x")
    assert code == 2 and "7x" in out


def test_show_filters_by_end_use_and_kind() -> None:
    code, out = run(
        "show",
        "8708.29",
        "--date",
        "2024-01-01",
        "--end-use",
        "passenger_vehicle",
        "--kind",
        "body_stamping",
        "--json",
    )
    assert code == 0, out
    data = json.loads(out)
    assert data["applicable"] == [1]
    assert data["alternatives"][0]["rvc"]["net_cost"]["value"] == "75"


def test_show_unknown_kind_exits_2() -> None:
    code, out = run("show", "8708.29", "--kind", "bodystamping")
    assert code == 2 and "bodystamping" in out


def test_search_finds_rules_and_notes_by_their_words() -> None:
    code, out = run("search", "smart cards", "--json")
    assert code == 0, out
    found = json.loads(out)
    # 8523.52: two rules printed apart (by kind of card) are one rule of the model
    assert {gn for f in found for gn in f["gn"].split(", ")} >= {"gn11o-ch85-r057", "gn11o-ch85-r058"}
    assert all("smart" in f["text"].lower() and "cards" in f["text"].lower() for f in found)


def test_search_within_a_chapter_and_nothing_found() -> None:
    code, out = run("search", "battery", "--chapter", "85", "--json")
    assert code == 0 and {f["chapter"] for f in json.loads(out)} == {"85"}
    code, out = run("search", "no such words anywhere", "--json")
    assert code == 0 and json.loads(out) == []


def test_list_every_chapter_from_the_compiled_text() -> None:
    code, out = run("list", "--chapter", "84", "--json")
    assert code == 0, out
    rules = json.loads(out)
    assert len(rules) > 200 and all(r["gn"].startswith("gn11o-ch84-") for r in rules)


def test_show_json_carries_the_gn_rule_and_page() -> None:
    code, out = run("show", "8482.10", "--date", "2024-01-01", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["gn"] == "gn11o-ch84-r246" and data["page"] == 95 and data["underscored"] is True
