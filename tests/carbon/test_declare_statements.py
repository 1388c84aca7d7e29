"""``tmec carbon declare`` takes, per import line, the supplier's emissions declaration in force on
that line's date (issue 17: emissions declarations used by the batch declaration too)."""

from __future__ import annotations

import datetime as dt
import json
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
from tmec.statements import load_statements
from tmec.statements.emissions import to_actual
from tmec.statements.model import Statement

from .conftest import DATA, run
from .test_declare import same

MILL = "Acería Ejemplo"
PRICE = Decimal("75.36")  # 2026-Q1's published price, held for the year (Q3 has none published)
DECLARATION = """statements:
  - kind: emissions
    supplier: {supplier}
    installation: {installation}
    installation_country: MX
    cn: "{cn}"
    route: E
    see_direct: "{see}"
    verified: true
    period_from: 2025-01-01
    period_to: 2025-12-31
    valid_from: 2026-01-01
    valid_to: 2026-06-30
    signed_by: R. Pérez
"""
# (cn, origin, net_mass, date, supplier): inside the validity (case and spaces aside), after its
# expiry, another supplier's line, and a line naming no supplier
LINES = [
    ("72071114", "MX", "1000", "2026-03-01", " acería   EJEMPLO "),
    ("72071114", "MX", "1000", "2026-07-01", MILL),
    ("72071114", "MX", "1000", "2026-03-01", "Other Mill"),
    ("72071114", "MX", "10", "2026-03-02", ""),
]


@pytest.fixture
def duck() -> Iterator[Engine]:
    e = connect("duckdb", threads=2)
    yield e
    e.close()


def statements(
    tmp_path: Path,
    supplier: str = MILL,
    installation: str = "MX-0001",
    see: str = "0.45",
    cn: str = "72071114",
) -> Statement:
    path = tmp_path / f"{installation}.yaml"
    path.write_text(
        DECLARATION.format(supplier=supplier, installation=installation, see=see, cn=cn),
        encoding="utf-8",
    )
    (st,) = load_statements(path)
    return st


def imports(tmp_path: Path, lines: list[tuple[str, ...]]) -> Path:
    path = tmp_path / "imports.csv"
    body = "\n".join(",".join(f'"{v}"' for v in ln) for ln in lines)
    path.write_text("cn,origin,net_mass,date,supplier\n" + body + "\n", encoding="utf-8")
    return path


def reference(law: CarbonLaw, uses: dict[int, Statement]) -> Declaration:
    """The pure path, the lines that take a declaration given its data as an installation's."""
    lines = [
        DeclarationLine(
            line=i,
            cn=cn,
            origin=o,
            mass=Decimal(m),
            date=dt.date.fromisoformat(d),
            installation=uses[i].emissions.installation if i in uses and uses[i].emissions else None,
        )
        for i, (cn, o, m, d, _) in enumerate(LINES, start=2)
    ]
    actuals = {st.emissions.installation: to_actual(st) for st in uses.values() if st.emissions}
    return declare(law, lines, year=2026, price=PRICE, actuals=actuals)


def test_a_line_in_the_validity_takes_it_and_after_expiry_or_of_another_supplier_the_defaults(
    duck: Engine, law: CarbonLaw, tmp_path: Path
) -> None:
    st = statements(tmp_path)
    path = imports(tmp_path, LINES)
    got = declare_lines(duck, path, law, year=2026, price=PRICE, declarations=[st])
    same(got, reference(law, {2: st}))
    q1, q3 = got.rows
    assert q1["statements"] == [st.id] and "statements" not in q3
    assert [c["id"] for c in got.statements] == [st.id]
    assert any(st.id in s for s in got.sources)
    # the defaults are what the lines cost without any declaration
    plain = declare_lines(duck, path, law, year=2026, price=PRICE)
    assert q3["cost"] == plain.rows[1]["cost"] and q1["cost"] < plain.rows[0]["cost"]


def test_a_declaration_changes_nothing_for_the_lines_it_does_not_match(
    duck: Engine, law: CarbonLaw, tmp_path: Path
) -> None:
    path = imports(tmp_path, [ln for ln in LINES if ln[4] != LINES[0][4]])
    st = statements(tmp_path)
    with_it = declare_lines(duck, path, law, year=2026, price=PRICE, declarations=[st])
    without = declare_lines(duck, path, law, year=2026, price=PRICE)
    assert with_it.to_dict() == without.to_dict()
    # the import lines of the existing example, with a store full of declarations: unchanged
    bolts = {"MX-BOLTS-01": read_actual(DATA / "bolts_actual.yaml")}
    example = DATA / "imports_2026.csv"
    assert (
        declare_lines(duck, example, law, year=2026, actuals=bolts, declarations=[st]).to_dict()
        == declare_lines(duck, example, law, year=2026, actuals=bolts).to_dict()
    )


def test_a_lines_own_actual_data_wins_over_the_store(duck: Engine, law: CarbonLaw, tmp_path: Path) -> None:
    st = statements(tmp_path, see="2.5", cn="73181568")
    path = tmp_path / "own.csv"
    path.write_text(
        f"cn,origin,net_mass,date,supplier,installation\n73181568,MX,30,2026-03-01,{MILL},MX-BOLTS-01\n",
        encoding="utf-8",
    )
    bolts = {"MX-BOLTS-01": read_actual(DATA / "bolts_actual.yaml")}
    got = declare_lines(duck, path, law, year=2026, actuals=bolts, declarations=[st])
    assert got.to_dict() == declare_lines(duck, path, law, year=2026, actuals=bolts).to_dict()
    assert got.statements == []


def test_withdrawal_removes_it_from_its_date_on(duck: Engine, law: CarbonLaw, tmp_path: Path) -> None:
    st = statements(tmp_path).withdrawn(dt.date(2026, 3, 1), "the mill changed")
    path = imports(tmp_path, LINES)
    got = declare_lines(duck, path, law, year=2026, price=PRICE, declarations=[st])
    assert got.statements == []
    same(got, reference(law, {}))
    before = [("72071114", "MX", "1000", "2026-02-28", MILL)]
    early = declare_lines(duck, imports(tmp_path, before), law, year=2026, price=PRICE, declarations=[st])
    assert early.rows[0]["statements"] == [st.id]


def test_two_installations_in_force_name_the_line(duck: Engine, law: CarbonLaw, tmp_path: Path) -> None:
    both = [statements(tmp_path), statements(tmp_path, installation="MX-0002", see="0.90")]
    path = imports(tmp_path, [LINES[1], LINES[0]])  # the first line is after the validity
    with pytest.raises(InputError) as info:
        declare_lines(duck, path, law, year=2026, price=PRICE, declarations=both)
    assert f"{path}:3" in str(info.value) and "MX-0001, MX-0002" in str(info.value)
    assert info.value.field == "supplier"


def test_a_bad_supplier_names_line_and_field(duck: Engine, law: CarbonLaw, tmp_path: Path) -> None:
    path = imports(tmp_path, [LINES[0], ("72071114", "MX", "1", "2026-03-01", "Mill\tTwo")])
    with pytest.raises(InputError, match=rf"{path}:3: supplier: expected the supplier's name"):
        declare_lines(duck, path, law, year=2026, price=PRICE)


def test_the_cli_reads_the_store_cites_and_pins_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from tmec.cli import main

    monkeypatch.setenv("TMEC_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TMEC_DATABASE_URL", raising=False)
    bad = imports(tmp_path, [LINES[0], ("72071114", "MX", "1", "2026-03-01", "Mill\tTwo")])
    r = run("declare", str(bad), "--year", "2026")
    assert r.exit_code == 2 and ":3: supplier: expected the supplier's name" in r.output
    path = imports(tmp_path, LINES)
    args = ("declare", str(path), "--year", "2026", "--price", str(PRICE), "--json")
    before = run(*args)
    assert before.exit_code == 0, before.output
    st = statements(tmp_path)
    r = CliRunner().invoke(main, ["statements", "import", str(tmp_path / "MX-0001.yaml")])
    assert r.exit_code == 0, r.output
    after = json.loads(run(*args).output)
    assert after["by_cn_origin_quarter"][0]["statements"] == [st.id]
    assert after["statements"][0]["id"] == st.id and after["statements"][0]["supplier"] == MILL
    assert run(*args, "--no-statements").output == before.output
    r = CliRunner().invoke(main, ["statements", "withdraw", st.id, "--date", "2026-01-01"])
    assert r.exit_code == 0, r.output
    assert run(*args).output == before.output


@pytest.mark.spark
def test_spark_takes_the_same_declarations(law: CarbonLaw, tmp_path: Path) -> None:
    why = spark_available()
    if why:
        if os.environ.get("TMEC_REQUIRE_SPARK"):
            pytest.fail(f"TMEC_REQUIRE_SPARK is set but Spark cannot run: {why}")
        pytest.skip(f"Spark tests skipped: {why}")
    st = statements(tmp_path)
    with connect("spark", spark_conf={"spark.driver.memory": "1g"}) as e:
        got = declare_lines(e, imports(tmp_path, LINES), law, year=2026, price=PRICE, declarations=[st])
    same(got, reference(law, {2: st}))
    assert got.rows[0]["statements"] == [st.id]
