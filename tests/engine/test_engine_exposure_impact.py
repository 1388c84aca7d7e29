"""A scenario fed to the trade-impact model: the figures of every flow (HS chapter x origin) are the
impact functions called on the flow's aggregates, which are ``price_entry`` summed by hand."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_engine_exposure import by_hand, engine_lines

from tmec.cli import main
from tmec.core.money import quantize
from tmec.engine import Engine, generate_entries
from tmec.engine.exposure import load_scenario, price_exposure, trade_flows
from tmec.law import load_parameters
from tmec.tariffs import default_tables, entry_from_mapping, price_entry
from tmec.tariffs.impact import ces, smart
from tmec.tariffs.impact.ces import CesPartner
from tmec.tariffs.tables import TariffTables

SCENARIO = (Path(__file__).parents[2] / "examples" / "scenarios" / "steel-mx-75.yaml").read_text(
    encoding="utf-8"
)
NO_CHANGE = """\
name: "232 steel at 50 % on Brazil (no entry of the file comes from Brazil)"
scopes:
  steel:
    items: ["72", "73"]
measures:
  - id: scenario_br_steel_50
    program: s232_steel
    title: "Scenario: 232 steel at 50 % on Brazil"
    heading: "9903.81.99"
    rate: 50
    base: full
    scope: steel
    origins: ["BR"]
    valid_from: 2025-01-01
    reference: "scenario"
    confidence: L
"""


def flows_by_hand(
    path: Path, tables: TariffTables, basis: str = "liability"
) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    """(value, duty) per HS chapter and origin, every line priced alone."""
    out: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    with path.open(newline="", encoding="utf-8") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            entry = entry_from_mapping(row, source=str(path), line=line)
            acc = out[(entry.hts[:2], entry.origin)]
            acc[0] += entry.value
            acc[1] += price_entry(entry, tables=tables, basis=basis).total_duty
    return {k: (v[0], v[1]) for k, v in out.items()}


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["exposure", *args])
    return result.exit_code, result.output


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    entries = tmp_path / "entries.csv"
    generate_entries(entries, lines=1200, seed=11, year=2025)
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    return entries, scenario


def test_flows_are_price_entry_summed(duck: Engine, files: tuple[Path, Path]) -> None:
    entries, scenario = files
    _, tables = load_scenario(scenario, default_tables())
    flows = trade_flows(price_exposure(duck, entries), price_exposure(duck, entries, tables=tables))
    before, after = flows_by_hand(entries, default_tables()), flows_by_hand(entries, tables)
    assert {f.key: (f.value, f.duty_before, f.duty_after) for f in flows} == {
        k: (v, d, after[k][1]) for k, (v, d) in before.items()
    }
    assert any(f.duty_after > f.duty_before for f in flows)  # the scenario changes something


@pytest.mark.parametrize("model", ["smart", "ces"])
def test_each_flow_is_the_impact_model_on_its_aggregates(files: tuple[Path, Path], model: str) -> None:
    entries, scenario = files
    code, out = invoke(str(entries), "--scenario", str(scenario), "--impact", "--model", model, "--json",
                       "--em", "-1.25", "--date", "2026-01-01")  # fmt: skip
    assert code == 0, out
    impact = json.loads(out)["impact"]
    assert impact["model"] == model and impact["assumptions"]["em"] == "-1.25"
    es = load_parameters().at(dt.date(2026, 1, 1))["tariffs.elasticity.armington_substitution"].decimal
    _, tables = load_scenario(scenario, default_tables())
    before, after = flows_by_hand(entries, default_tables()), flows_by_hand(entries, tables)
    assert {(g["chapter"], g["origin"]) for g in impact["groups"]} == set(before)
    changed = 0
    for g in impact["groups"]:
        value, d0 = before[(g["chapter"], g["origin"])]
        d1 = after[(g["chapter"], g["origin"])][1]
        t0, t1 = d0 / value, d1 / value
        if model == "smart":
            s = smart(value, t0, t1, Decimal("-1.25"))  # Ex 99: infinitely elastic
            want = (s.trade_creation, s.tariff_revenue_before, s.tariff_revenue_after, s.welfare)
        else:
            c = ces([CesPartner("x", value, t0, t1)], Decimal("-1.25"), es)
            want = (c.partners[0].change, c.tariff_revenue_before, c.tariff_revenue_after, c.welfare)
        got = tuple(Decimal(g[k]) for k in ("trade_change", "tariff_revenue_before", "tariff_revenue_after",
                                            "welfare"))  # fmt: skip
        assert got == tuple(quantize(x, 2) for x in want)
        assert Decimal(g["rate_before"]) == quantize(t0 * 100, 4)
        assert Decimal(g["tariff_revenue_before"]) == quantize(d0, 2)  # revenue now = the duty now
        changed += d1 != d0
        assert (Decimal(g["trade_change"]) < 0) == (d1 > d0)
    assert changed > 0
    total = sum((Decimal(g["trade_change"]) for g in impact["groups"]), Decimal(0))
    assert abs(Decimal(impact["totals"]["trade_change"]) - total) <= Decimal("0.01") * len(impact["groups"])


def test_a_scenario_that_changes_nothing_changes_no_trade(files: tuple[Path, Path], tmp_path: Path) -> None:
    entries, _ = files
    scenario = tmp_path / "none.yaml"
    scenario.write_text(NO_CHANGE, encoding="utf-8")
    for model in ("smart", "ces"):
        code, out = invoke(str(entries), "--scenario", str(scenario), "--impact", "--model", model, "--json")
        assert code == 0, out
        impact = json.loads(out)["impact"]
        assert impact["groups"]
        for g in [*impact["groups"], impact["totals"]]:
            assert Decimal(g["trade_change"]) == 0 and Decimal(g["welfare"]) == 0
            assert g["tariff_revenue_before"] == g["tariff_revenue_after"]
    code, out = invoke(str(entries), "--scenario", str(scenario), "--impact")
    assert code == 0 and "the scenario changes the duty of no flow" in out


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (("rate: 75", "rate: lots"), "measures[0].rate"),
        (("program: s232_steel", "program: s999"), "measures[0].program"),
        (('origins: ["MX"]', 'origins: ["ZZ"]'), "measures[0].origins"),
        (("valid_from: 2025-08-01", "valid_from: someday"), "measures[0].valid_from"),
        (('scopes:\n  steel_chapters:\n    items: ["72", "73"]', "scopes: [1]"), "scopes"),
    ],
)
def test_bad_scenario_files_exit_2_naming_the_field(
    files: tuple[Path, Path], tmp_path: Path, edit: tuple[str, str], field: str
) -> None:
    entries, _ = files
    bad = tmp_path / "bad.yaml"
    assert edit[0] in SCENARIO
    bad.write_text(SCENARIO.replace(*edit), encoding="utf-8")
    code, out = invoke(str(entries), "--scenario", str(bad), "--impact")
    assert code == 2
    assert f"bad.yaml: {field}" in out, out


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--impact"], "--impact"),
        (["--impact", "--em", "2"], "--em"),
        (["--impact", "--ex", "0"], "--ex"),
        (["--es", "2"], "--es"),  # the model's options without --impact: refused, not ignored
    ],
)
def test_bad_impact_options_exit_2(files: tuple[Path, Path], args: list[str], field: str) -> None:
    entries, scenario = files
    extra = ["--scenario", str(scenario)] if field != "--impact" else []
    code, out = invoke(str(entries), *extra, *args)
    assert code == 2 and f"{field}:" in out, out


def test_deposited_basis_equals_price_entry_on_every_line(duck: Engine, tmp_path: Path) -> None:
    entries = tmp_path / "entries.csv"
    generate_entries(entries, lines=1500, seed=5, year=2025)
    out = tmp_path / "lines.parquet"
    x = price_exposure(duck, entries, lines_out=out, basis="deposited")
    want = by_hand(entries, default_tables(), basis="deposited")
    assert engine_lines(out) == want
    assert x.basis == "deposited"
    assert x.duty == sum(d for lines in want.values() for _, _, d in lines)
    # The two bases differ in 2025 (EO 14289 was retroactive), so this test can tell them apart.
    assert want != by_hand(entries, default_tables())


def test_cli_basis(files: tuple[Path, Path]) -> None:
    entries, _ = files
    totals = {}
    for basis in ("liability", "deposited"):
        code, out = invoke(str(entries), "--basis", basis, "--json")
        assert code == 0, out
        data = json.loads(out)
        assert data["basis"] == basis
        totals[basis] = Decimal(data["duty"])
    assert totals["deposited"] >= totals["liability"]


@pytest.mark.spark
def test_flows_and_deposited_basis_on_spark(spark_engine: Engine, tmp_path: Path) -> None:
    entries = tmp_path / "entries.csv"
    generate_entries(entries, lines=150, seed=9, year=2025)
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    _, tables = load_scenario(scenario, default_tables())
    out = tmp_path / "lines.parquet"
    base = price_exposure(spark_engine, entries, lines_out=out, basis="deposited")
    assert engine_lines(out) == by_hand(entries, default_tables(), basis="deposited")
    alt = price_exposure(spark_engine, entries, tables=tables, basis="deposited")
    flows = trade_flows(base, alt)
    before = flows_by_hand(entries, default_tables(), basis="deposited")
    after = flows_by_hand(entries, tables, basis="deposited")
    assert {f.key: (f.value, f.duty_before, f.duty_after) for f in flows} == {
        k: (v, d, after[k][1]) for k, (v, d) in before.items()
    }
