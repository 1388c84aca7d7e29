"""Emissions declarations (statement kind ``emissions``, issue 17 item 1) and their use by ``tmec carbon``."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tmec.cli import main
from tmec.statements import BadRows, load_statements
from tmec.statements.emissions import declaration_for, to_actual
from tmec.store.statement_body import from_body

MILL = "Acería Ejemplo"
# spec carbon.md D5/D6: 1,000 t of billet 72071114 from MX; verified scrap-EAF actual 0.45 t/t, route E
LINE = ("carbon", "--cn", "72071114", "--origin", "MX", "--mass", "1000", "--year", "2026")
ACTUAL_COST = "29136.06"  # D6 (actual, verified): 386.625 certificates at 75.36


def declaration(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "kind": "emissions",
        "supplier": MILL,
        "installation": "MX-0001",
        "installation_country": "MX",
        "cn": "72071114",
        "route": "E",
        "see_direct": "0.45",
        "verified": "true",
        "period_from": "2025-01-01",
        "period_to": "2025-12-31",
        "valid_from": "2026-01-01",
        "valid_to": "2026-06-30",
        "signed_by": "R. Pérez",
    }
    base.update(over)
    return {k: v for k, v in base.items() if v is not None}


def write_yaml(path: Path, *items: dict[str, Any]) -> Path:
    lines = ["statements:"]
    for item in items:
        for n, (k, v) in enumerate(item.items()):
            lines.append(f"  {'-' if n == 0 else ' '} {k}: {json.dumps(v)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def carbon(*extra: str) -> dict[str, Any]:
    r = run(*LINE, "--json", *extra)
    assert r.exit_code == 0, r.output
    out: dict[str, Any] = json.loads(r.output)
    return out


def imported(path: Path) -> list[str]:
    r = run("statements", "import", str(path), "--json")
    assert r.exit_code == 0, r.output
    ids: list[str] = json.loads(r.output)["ids"]
    return ids


# -- the record ----------------------------------------------------------------------------------


def test_a_declaration_reads_and_round_trips_through_its_stored_body(tmp_path: Path) -> None:
    (st,) = load_statements(write_yaml(tmp_path / "e.yaml", declaration(see_indirect="0.05")))
    e = st.emissions
    assert e is not None and st.kind == "emissions"
    assert (e.installation, e.installation_country, e.cn, e.route) == ("MX-0001", "MX", "72071114", "E")
    assert (e.see_direct, e.see_indirect, e.verified) == (Decimal("0.45"), Decimal("0.05"), True)
    assert (e.period_from, e.period_to) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    back = from_body(st.body())
    assert back == st and back.id == st.id
    assert from_body(b"".join([st.body()])).emissions == e


def test_spanish_headers_in_csv_and_xlsx(tmp_path: Path) -> None:
    header = (
        "tipo,proveedor,instalacion,pais_instalacion,codigo_nc,ruta,eei_directas,verificado,"
        "periodo_desde,periodo_hasta,vigente_desde,vigente_hasta,firmado_por"
    )
    row = (
        f"emisiones,{MILL},MX-0001,MX,72071114,E,0.45,no,2025-01-01,2025-12-31,2026-01-01,2026-06-30,R. Pérez"
    )
    csv = tmp_path / "e.csv"
    csv.write_text(f"{header}\n{row}\n", encoding="utf-8")
    (st,) = load_statements(csv)
    assert st.emissions is not None and st.emissions.verified is False
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header.split(","))
    sheet.append(row.split(","))
    book.save(tmp_path / "e.xlsx")
    assert load_statements(tmp_path / "e.xlsx") == [st]


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"cn": "72071199"}, "cn", "not a CBAM good"),
        ({"cn": "7207"}, "cn", "8-digit CN code"),
        ({"see_direct": None}, "see_direct", "missing required field"),
        ({"see_direct": "-1"}, "see_direct", "not less than 0"),
        ({"verified": "perhaps"}, "verified", "expected true or false"),
        ({"installation": None}, "installation", "missing required field"),
        ({"installation_country": "XX"}, "installation_country", ""),
        ({"route": "Q"}, "route", "unknown production route"),
        ({"period_to": "2024-12-31"}, "period_to", "before it starts"),
        ({"kind": "melt_pour", "countries": "MX"}, "installation", "only an emissions statement"),
    ],
)
def test_a_bad_row_names_its_line_and_field(
    tmp_path: Path, over: dict[str, Any], field: str, message: str
) -> None:
    path = write_yaml(tmp_path / "e.yaml", declaration(), declaration(**over))
    with pytest.raises(BadRows) as err:
        load_statements(path)
    (problem,) = err.value.problems
    assert problem.line == 15 and problem.field == field and message in problem.message


def test_bad_rows_exit_2_and_write_nothing(tmp_path: Path, home: Path) -> None:
    path = write_yaml(tmp_path / "e.yaml", declaration(), declaration(see_direct="lots"))
    r = run("statements", "import", str(path))
    assert r.exit_code == 2
    assert "e.yaml:15: see_direct:" in r.output
    assert not (home / "tmec.db").exists()
    assert carbon("--supplier", MILL)["data"] == "default"


# -- used by tmec carbon -------------------------------------------------------------------------


def test_the_carbon_answer_changes_when_imported_and_back_when_withdrawn(tmp_path: Path, home: Path) -> None:
    before = carbon("--supplier", MILL)
    assert before["data"] == "default" and "statements" not in before
    (sid,) = imported(write_yaml(tmp_path / "e.yaml", declaration()))
    after = carbon("--supplier", " acería   EJEMPLO ")  # case and spaces do not make another supplier
    assert after["data"] == "actual" and after["cost"] == ACTUAL_COST and after["see"] == "0.45"
    cited = after["statements"][0]
    assert (cited["id"], cited["supplier"], cited["valid_to"]) == (sid, MILL, "2026-06-30")
    assert after["explanation"][0]["step"] == "statement.applied" and sid in after["explanation"][0]["result"]
    assert after["actual_data"]["source"] == f"statement {sid}"
    assert carbon("--supplier", MILL, "--no-statements") == before  # pinned off
    assert carbon() == before  # no supplier named: the defaults
    r = run("statements", "withdraw", sid, "--date", "2026-02-01", "--json")
    assert r.exit_code == 0, r.output
    assert carbon("--supplier", MILL, "--date", "2026-01-31")["cost"] == ACTUAL_COST
    assert carbon("--supplier", MILL, "--date", "2026-02-01")["data"] == "default"


def test_an_expired_declaration_is_no_longer_used(tmp_path: Path, home: Path) -> None:
    imported(write_yaml(tmp_path / "e.yaml", declaration()))
    on, after = "2026-06-30", "2026-07-01"  # the last day of its validity, and the next
    assert carbon("--supplier", MILL, "--date", on, "--price", "75.36")["cost"] == ACTUAL_COST
    assert carbon("--supplier", MILL, "--date", after, "--price", "75.36")["data"] == "default"


def test_another_suppliers_or_another_goods_declaration_never_matches(tmp_path: Path, home: Path) -> None:
    imported(write_yaml(tmp_path / "e.yaml", declaration(supplier="Other Mill"), declaration(cn="72071210")))
    assert carbon("--supplier", MILL)["data"] == "default"
    assert carbon("--supplier", "Other Mill")["data"] == "actual"


def test_an_unverified_declaration_is_flagged_as_unverified_actual_data_is(
    tmp_path: Path, home: Path
) -> None:
    imported(write_yaml(tmp_path / "e.yaml", declaration(verified="false")))
    out = carbon("--supplier", MILL)
    assert out["data"] == "actual" and out["actual_data"]["verified"] is False
    assert any("not verified by an accredited CBAM verifier" in f for f in out["flags"])


def test_given_actual_data_wins_over_the_store(tmp_path: Path, home: Path) -> None:
    imported(write_yaml(tmp_path / "e.yaml", declaration(see_direct="0.90")))
    actual = tmp_path / "a.csv"
    actual.write_text("cn,route,see_direct,verified\n72071114,E,0.45,true\n", encoding="utf-8")
    out = carbon("--supplier", MILL, "--actual", str(actual))
    assert out["cost"] == ACTUAL_COST and "statements" not in out


def test_two_installations_declaring_the_good_must_be_told_apart(tmp_path: Path, home: Path) -> None:
    imported(
        write_yaml(tmp_path / "e.yaml", declaration(), declaration(installation="MX-0002", see_direct="0.90"))
    )
    r = run(*LINE, "--supplier", MILL)
    assert r.exit_code == 2 and "MX-0001, MX-0002" in r.output and "--installation" in r.output
    assert carbon("--supplier", MILL, "--installation", "MX-0001")["cost"] == ACTUAL_COST
    assert carbon("--supplier", MILL, "--installation", "MX-0002")["see"] == "0.90"
    assert run(*LINE, "--installation", "MX-0001").exit_code == 2


def test_the_latest_period_of_one_installation_wins(tmp_path: Path) -> None:
    older, newer = load_statements(
        write_yaml(
            tmp_path / "e.yaml",
            declaration(),
            declaration(valid_from="2026-03-01", valid_to="2026-12-31", see_direct="0.40"),
        )
    )
    day = dt.date(2026, 4, 1)
    assert declaration_for([older, newer], MILL, "72071114", day) == newer
    assert declaration_for([older, newer], MILL, "72071114", dt.date(2026, 2, 1)) == older
    assert to_actual(newer).for_cn("72071114").see_direct == Decimal("0.40")


def test_recording_withdrawal_and_expiry_are_log_leaves_and_the_store_keeps_the_figures(
    tmp_path: Path, home: Path
) -> None:
    from sqlalchemy import select

    from tmec.store.db import open_store
    from tmec.store.models import LogEntry
    from tmec.store.statements import StatementBook

    path = write_yaml(tmp_path / "e.yaml", declaration(see_indirect="0.05"), declaration(cn="72071210"))
    given = load_statements(path)
    store = open_store()
    try:
        book = StatementBook(store)
        ids = book.record(given).ids
        assert book.all() == given  # every figure back from the store, the same ids
        book.withdraw(ids[0], dt.date(2026, 2, 1), None)
        assert book.record_expiries(dt.date(2026, 7, 2)) == [ids[1]]
        with store.session() as s:
            kinds = [e.kind for e in s.scalars(select(LogEntry).order_by(LogEntry.idx))]
        assert kinds == ["statement.record"] * 2 + ["statement.withdrawal", "statement.expiry"]
    finally:
        store.close()
