"""``tmec carbon``: the CLI contract (JSON keys, exit codes) and the group's two shapes."""

from __future__ import annotations

from .conftest import D8, DATA, run, run_json


def test_json_contract_d1() -> None:
    out = run_json("--cn", "72085120", "--origin", "mx", "--mass", "100", "--year", "2026")
    for key in (
        "embedded_emissions",
        "free_allocation",
        "certificates",
        "cost",
        "see",
        "route",
        "default_table",
        "sources",
        "flags",
    ):
        assert key in out
    assert out["certificates"] == "168.925000"
    assert out["cost"] == "12730.19"
    assert out["default_table"] == "MX"
    assert any("2025/2621" in s for s in out["sources"])


def test_price_overrides_the_period() -> None:
    out = run_json("--cn", "72071111", "--origin", "TR", "--mass", "100", "--year", "2026", "--price", "80")
    assert out["cost"] == "9688.80"


def test_actual_file_is_cited() -> None:
    out = run_json(
        *D8,
        "--actual",
        str(DATA / "bolts_actual.yaml"),
    )
    assert out["data"] == "actual" and out["cost"] == "4464.95"
    assert any("bolts_actual.yaml" in s for s in out["sources"])


def test_unknown_cn_exit_2_naming_it() -> None:
    r = run("--cn", "72085100", "--origin", "MX", "--mass", "100", "--year", "2026")
    assert r.exit_code == 2
    assert "72085100" in r.output and "not a CBAM good" in r.output


def test_bad_inputs_exit_2() -> None:
    for args, needle in (
        (("--cn", "72085120", "--origin", "ZZ", "--mass", "1", "--year", "2026"), "--origin"),
        (("--cn", "72085120", "--origin", "MX", "--mass", "-1", "--year", "2026"), "--mass"),
        (("--cn", "72085120", "--origin", "MX", "--mass", "1", "--year", "2025"), "transitional"),
        (("--cn", "72085120", "--origin", "MX"), "missing --mass, --year"),
        (
            ("--cn", "72085120", "--origin", "MX", "--mass", "1", "--year", "2026", "--actual", "nope.yaml"),
            "nope.yaml",
        ),
    ):
        r = run(*args)
        assert r.exit_code == 2, (args, r.output)
        assert needle in r.output, (args, r.output)


def test_proposal_is_an_explicit_scenario() -> None:
    r = run("--cn", "87084020", "--origin", "MX", "--mass", "1", "--year", "2028")
    assert r.exit_code == 2  # not law
    out = run_json("--cn", "87084020", "--year", "2028", "--proposal")
    assert out["status"] == "proposal, not law"


def test_human_output() -> None:
    r = run("--cn", "76061250", "--origin", "MX", "--mass", "50", "--year", "2026")
    assert r.exit_code == 0
    assert "7,165.61" in r.output
