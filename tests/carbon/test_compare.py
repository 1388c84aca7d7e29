"""``tmec carbon compare``: per-tonne paths 2026-2034 (spec §5.4 extract), claims beside, the chart."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from tmec.carbon.chart import comparison_figure, nice_ticks, to_svg
from tmec.carbon.compare import compare, parse_claim
from tmec.carbon.law import CarbonLaw
from tmec.core.errors import InputError

from .conftest import run, run_json


def test_per_tonne_paths_match_the_spec_extract(law: CarbonLaw) -> None:
    c = compare(law, "72085120", ["MX", "CN", "IN", "CA", "US"])
    got = {s.origin: {p["year"]: p for p in s.points} for s in c.series}
    # spec carbon.md §5.4 table: certificates/t and €/t at €75.36 held
    for origin, year, certs, eur in (
        ("MX", 2026, "1.689", "127.30"),
        ("MX", 2030, "2.869", "216.24"),
        ("MX", 2034, "3.575", "269.41"),
        ("CN", 2030, "3.437", "259.05"),
        ("IN", 2034, "5.564", "419.30"),
        ("CA", 2026, "0.237", "17.88"),
        ("US", 2030, "1.114", "83.98"),
    ):
        p = got[origin][year]
        assert round(p["certificates_per_t"], 3) == Decimal(certs), (origin, year)
        assert p["eur_per_t"] == Decimal(eur), (origin, year)


def test_aluminium_sheet_path(law: CarbonLaw) -> None:
    c = compare(law, "76061250", ["MX", "US", "CN"])
    got = {s.origin: {p["year"]: p["eur_per_t"] for p in s.points} for s in c.series}
    assert (got["MX"][2026], got["US"][2030], got["CN"][2034]) == (
        Decimal("143.31"),
        Decimal("209.82"),
        Decimal("403.63"),
    )


def test_claims_are_beside_never_ranked(law: CarbonLaw) -> None:
    claim = parse_claim("MX:1.6:CANACERO Jan 2025, t CO2/t crude steel, Scope 1+2")
    c = compare(law, "72085120", ["MX"], claims=[claim])
    out = c.to_dict()
    assert out["claims"] == [
        {"origin": "MX", "value": "1.6", "label": claim.label, "scope": "claim", "comparable": False}
    ]
    assert all(s["scope"] != "claim" for s in out["series"])  # never a series of its own
    assert "not comparable" in out["scopes"]["claim"]
    with pytest.raises(InputError, match="ORIGIN:VALUE"):
        parse_claim("MX:1.6")


def test_nice_ticks() -> None:
    assert nice_ticks(419.3) == [0, 100, 200, 300, 400, 500]
    assert nice_ticks(0.9) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert nice_ticks(23) == [0, 5, 10, 15, 20, 25]


def test_svg_has_readable_ticks_and_the_scope_labels(law: CarbonLaw) -> None:
    c = compare(
        law,
        "72085120",
        ["MX", "US"],
        price=Decimal(80),
        claims=[parse_claim("MX:1.6:CANACERO, per t crude steel")],
    )
    svg = to_svg(comparison_figure(c))
    ticks = re.findall(r'text-anchor="end">([0-9,.]+)</text>', svg)
    assert ticks == ["0", "100", "200", "300"]  # top 3.575 × 80 = 286: round steps, none unlabelled
    for year in range(2026, 2035):
        assert f">{year}</text>" in svg
    assert "CBAM default value: direct emissions" in svg
    assert "Published claims (other scope, not ranked)" in svg


def test_cli_writes_svg_and_png(tmp_path: Path) -> None:
    svg, png = tmp_path / "c.svg", tmp_path / "c.png"
    out = run_json(
        "compare",
        "--cn",
        "72085120",
        "--origins",
        "MX,CN,IN,US,CA",
        "--actual-see",
        "0.45",
        "--actual-route",
        "E",
        "--claim",
        "MX:1.6:CANACERO 2025",
        "--chart",
        str(svg),
    )
    assert [s["name"].split()[0] for s in out["series"]] == ["MX", "CN", "IN", "US", "CA", "actual"]
    assert out["series"][-1]["points"][0]["eur_per_t"] == "30.68"  # (0.45 − 0.975 × 0.044) × 75.36
    assert svg.read_text(encoding="utf-8").startswith("<svg")
    r = run("compare", "--cn", "72085120", "--origins", "MX", "--chart", str(png))
    assert r.exit_code == 0, r.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_bad_input() -> None:
    assert run("compare", "--cn", "87084020", "--origins", "MX").exit_code == 2
    assert run("compare", "--cn", "72085120", "--origins", "MX,XX").exit_code == 2
    r = run("compare", "--cn", "72085120", "--origins", "MX", "--chart", "c.pdf")
    assert r.exit_code == 2 and ".svg or .png" in r.output
