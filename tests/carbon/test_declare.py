"""The importer's year: engine (DuckDB, Spark) against the pure path, de minimis cliff, holding."""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from tmec.carbon.declaration import Declaration, DeclarationLine, declare
from tmec.carbon.law import CarbonLaw
from tmec.cli._carbon_files import read_actual
from tmec.core.errors import InputError
from tmec.engine import Engine, connect, spark_available
from tmec.engine.cbam import declare_lines

from .conftest import DATA, run

IMPORTS = DATA / "imports_2026.csv"


def pure(path: Path, law: CarbonLaw, year: int, **kw: object) -> Declaration:
    with path.open(encoding="utf-8") as fh:
        lines = [
            DeclarationLine(
                line=i,
                cn=r["cn"].replace(" ", ""),
                origin=r["origin"],
                mass=Decimal(r["net_mass"]),
                date=dt.date.fromisoformat(r["date"]),
                installation=r.get("installation") or None,
            )
            for i, r in enumerate(csv.DictReader(fh), start=2)
        ]
    return declare(law, lines, year=year, source=str(path), **kw)  # type: ignore[arg-type]


def engine_run(e: Engine, path: Path, law: CarbonLaw, year: int, **kw: object) -> Declaration:
    return declare_lines(e, path, law, year=year, **kw)  # type: ignore[arg-type]


def same(a: Declaration, b: Declaration) -> None:
    assert [(r["cn"], r["origin"], r["quarter"]) for r in a.rows] == [
        (r["cn"], r["origin"], r["quarter"]) for r in b.rows
    ]
    for ra, rb in zip(a.rows, b.rows, strict=True):
        for k in ("lines", "mass", "embedded_emissions", "free_allocation", "certificates", "cost"):
            assert Decimal(ra[k]) == Decimal(rb[k]), (ra, rb, k)
    assert a.totals == b.totals
    assert a.de_minimis == b.de_minimis
    assert a.holding == b.holding


@pytest.fixture
def duck() -> Iterator[Engine]:
    e = connect("duckdb", threads=2)
    yield e
    e.close()


def test_engine_equals_the_pure_path(duck: Engine, law: CarbonLaw) -> None:
    actuals = {"MX-BOLTS-01": read_actual(DATA / "bolts_actual.yaml")}
    got = engine_run(duck, IMPORTS, law, 2026, actuals=actuals)
    ref = pure(IMPORTS, law, 2026, actuals=actuals)
    same(got, ref)
    assert got.totals["lines"] == 7
    assert got.de_minimis["exempt"] is False
    q1_mx = next(r for r in got.rows if (r["cn"], r["origin"], r["quarter"]) == ("72085120", "MX", "2026-Q1"))
    assert q1_mx["cost"] == Decimal("12730.19")  # D1 as one line of the year
    assert got.holding == []  # no holding in 2026: certificates are sold from 1 Feb 2027


def _write(tmp_path: Path, rows: list[str], name: str = "imports.csv") -> Path:
    path = tmp_path / name
    path.write_text("cn,origin,net_mass,date\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("second", "exempt"), [("20", True), ("20.000001", False)])
def test_de_minimis_cliff_at_exactly_50_t(
    duck: Engine, law: CarbonLaw, tmp_path: Path, second: str, exempt: bool
) -> None:
    path = _write(tmp_path, ["72085120,MX,30,2026-02-01", f"76061250,US,{second},2026-03-01"])
    got = engine_run(duck, path, law, 2026)
    same(got, pure(path, law, 2026))
    assert got.de_minimis["exempt"] is exempt
    if exempt:
        assert got.totals["certificates_owed"] == 0 and got.totals["cost_owed"] == 0
    else:  # a cliff: every tonne of the year counts, not only what is above 50 t
        assert got.totals["certificates_owed"] == got.totals["certificates"] > 0


def test_quarterly_holding_from_2027(duck: Engine, law: CarbonLaw, tmp_path: Path) -> None:
    path = _write(tmp_path, ["72085120,MX,100,2027-02-01", "72085120,MX,100,2027-08-01"])
    got = engine_run(duck, path, law, 2027, price=Decimal("80"))
    same(got, pure(path, law, 2027, price=Decimal("80")))
    per_line = got.rows[0]["certificates"]
    assert [h["to_hold"] for h in got.holding] == [per_line / 2, per_line / 2, per_line, per_line]


def test_bad_lines_are_named_and_nothing_is_computed(duck: Engine, law: CarbonLaw, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        [
            "72085120,MX,30,2026-02-01",
            "72085100,MX,1,2026-02-01",
            "72085120,DE,1,2026-02-01",
            "72085120,MX,-1,2026-02-01",
            "72085120,MX,1,2025-12-31",
        ],
    )
    with pytest.raises(InputError) as info:
        engine_run(duck, path, law, 2026)
    text = str(info.value)
    assert "4 malformed row(s)" in text
    assert f"{path}:3: cn: CN 72085100 is not a CBAM good" in text
    assert f"{path}:4: origin: DE is an EU member state" in text
    assert f"{path}:5: net_mass" in text
    assert f"{path}:6: date: not in 2026" in text


def test_unpublished_price_names_the_first_line(duck: Engine, law: CarbonLaw, tmp_path: Path) -> None:
    path = _write(tmp_path, ["72085120,MX,30,2026-02-01", "72085120,MX,30,2026-08-01"])
    with pytest.raises(InputError, match=r":3: date: no published CBAM certificate price for 2026-Q3"):
        engine_run(duck, path, law, 2026)


def test_declare_cli_json() -> None:
    r = run("declare", str(IMPORTS), "--year", "2026", "--actual", str(DATA / "bolts_actual.yaml"), "--json")
    assert r.exit_code == 0, r.output
    assert '"cost_owed": "21295.10"' in r.output
    bad = run("declare", str(IMPORTS), "--year", "2026")
    assert bad.exit_code == 2 and "installation: no actual data for 'MX-BOLTS-01'" in bad.output


def test_group_options_before_a_subcommand_are_refused() -> None:
    r = run("--cn", "72085120", "declare", str(IMPORTS), "--year", "2026")
    assert r.exit_code == 2 and "put them after the subcommand" in r.output


@pytest.mark.spark
def test_spark_equals_duckdb(law: CarbonLaw) -> None:
    why = spark_available()
    if why:
        if os.environ.get("TMEC_REQUIRE_SPARK"):
            pytest.fail(f"TMEC_REQUIRE_SPARK is set but Spark cannot run: {why}")
        pytest.skip(f"Spark tests skipped: {why}")
    actuals = {"MX-BOLTS-01": read_actual(DATA / "bolts_actual.yaml")}
    with connect("spark", spark_conf={"spark.driver.memory": "1g"}) as e:
        got = engine_run(e, IMPORTS, law, 2026, actuals=actuals)
    same(got, pure(IMPORTS, law, 2026, actuals=actuals))


def test_declare_rows_as_csv_for_programs() -> None:
    r = run(
        "declare",
        str(IMPORTS),
        "--year",
        "2026",
        "--actual",
        str(DATA / "bolts_actual.yaml"),
        "--format",
        "csv",
    )
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == "CN,origin,quarter,lines,net mass t,embedded t,certificates,cost EUR"
    assert '72085120,MX,2026-Q1,1,100.000000,302.500,168.925,"12,730.19"' in lines
