"""The portfolio engine joins supplier statements to `parts` by supplier and part id."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tmec.cli import main
from tmec.engine import connect, load_portfolio, qualify_goods
from tmec.statements import Statement, parse_rows

DAY = dt.date(2025, 3, 3)


def write_bom(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    tables = {
        "goods": [
            {"good_id": "G", "hs": "870829", "transaction_value": "2000", "period_costs": "10"},
            {"good_id": "H", "hs": "870829", "transaction_value": "2000", "period_costs": "10"},
            {"good_id": "K", "hs": "870829", "transaction_value": "3000", "period_costs": "10"},
        ],
        "parts": [
            dict(zip(("part_id", "hs", "origin", "value", "supplier"), row, strict=True))
            for row in (
                ("G", "870829", "", "", ""),
                ("H", "870829", "", "", ""),
                ("K", "870829", "", "", ""),
                ("P1", "870830", "unknown", "500", "Acme  Stampings"),
                ("P2", "731815", "originating", "100", "Tornillos"),
                ("Q1", "870830", "unknown", "500", "Other Co"),
            )
        ],
        "edges": [
            {"parent": "G", "child": "P1", "quantity": "1"},
            {"parent": "G", "child": "P2", "quantity": "2"},
            {"parent": "H", "child": "Q1", "quantity": "1"},
            {"parent": "H", "child": "P2", "quantity": "1"},
            {"parent": "K", "child": "P1", "quantity": "2"},
        ],
    }  # fmt: skip
    for name, rows in tables.items():
        with (directory / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
    (directory / "rules.yaml").write_text('- hs: "87"\n  rule: {change: heading}\n', encoding="utf-8")
    return directory


def statement(supplier: str, part: str, **over: str) -> Statement:
    row = {
        "kind": "origin",
        "supplier": supplier,
        "part": part,
        "hs": "8708.30",
        "origin": "originating",
        "valid_from": "2025-01-01",
        "valid_to": "2025-12-31",
        "signed_by": "JS",
        **over,
    }
    (st,) = parse_rows([(2, row)], source="t")
    return st


def outcomes(directory: Path, statements: list[Statement]) -> dict[str, bool | None]:
    with connect("duckdb") as e:
        p = load_portfolio(e, directory, DAY, statements=statements)
        return {g.good_id: g.originating for g in qualify_goods(p).goods}


def test_a_statement_settles_the_part_of_its_supplier_only(tmp_path: Path) -> None:
    bom = write_bom(tmp_path / "bom")
    none = {"G": False, "H": False, "K": False}
    assert outcomes(bom, []) == none
    # supplier names compare without case or extra spaces; Q1's supplier gave no statement
    assert outcomes(bom, [statement("acme stampings", "P1")]) == {"G": True, "H": False, "K": True}
    assert outcomes(bom, [statement("Acme Stampings", "Q1")]) == none  # not its supplier
    expired = statement("Acme Stampings", "P1", valid_to="2025-03-02")
    assert outcomes(bom, [expired]) == none
    withdrawn = statement("Acme Stampings", "P1").withdrawn(dt.date(2025, 2, 1), None)
    assert outcomes(bom, [withdrawn]) == none


@pytest.fixture
def store_and_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A portfolio, an empty store under $TMEC_HOME, and a statement file for P1 of Acme."""
    monkeypatch.setenv("TMEC_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TMEC_DATABASE_URL", raising=False)
    src = tmp_path / "s.csv"
    src.write_text(
        "kind,supplier,part,hs,origin,valid_from,valid_to,signed_by\n"
        "origin,Acme Stampings,P1,8708.30,originating,2025-01-01,2025-12-31,JS\n",
        encoding="utf-8",
    )
    return write_bom(tmp_path / "bom"), src


def test_portfolio_qualify_uses_the_store(store_and_file: tuple[Path, Path]) -> None:
    bom, src = store_and_file
    runner = CliRunner()
    args = ["portfolio", "qualify", str(bom), "--date", "2025-03-03", "--json"]
    before = json.loads(runner.invoke(main, args).output)
    assert before["qualifying"] == 0 and before["statements"]["parts"] == 0
    (sid,) = json.loads(runner.invoke(main, ["statements", "import", str(src), "--json"]).output)["ids"]
    after = json.loads(runner.invoke(main, args).output)
    assert after["qualifying"] == 2 and after["statements"] == {"parts": 1, "ids": [sid]}
    assert json.loads(runner.invoke(main, [*args, "--no-statements"]).output)["qualifying"] == 0


def test_portfolio_requests_most_settling_first(tmp_path: Path) -> None:
    from tmec.engine.requests import portfolio_requests

    bom = write_bom(tmp_path / "bom")
    with connect("duckdb") as e:
        found = portfolio_requests(e, bom, DAY, [])
    assert [(r.priority, r.supplier, r.part, r.goods) for r in found] == [
        (1, "Acme  Stampings", "P1", ["G", "K"]),  # settles two goods
        (2, "Other Co", "Q1", ["H"]),
    ]
    assert str(found[0].value_at_stake) == "5000.0000" and str(found[0].material_value).startswith("1500")
    # a statement due for renewal: the goods that would lose their origin without it
    st = statement("Acme Stampings", "P1", valid_to="2025-04-01")
    with connect("duckdb") as e:
        found = portfolio_requests(e, bom, DAY, [st])
    assert [(r.kind, r.part, r.goods, r.statement) for r in found] == [
        ("renewal", "P1", ["G", "K"], st.id),
        ("origin", "Q1", ["H"], None),
    ]


def test_withdrawal_requalifies_the_goods_that_relied_on_it(store_and_file: tuple[Path, Path]) -> None:
    bom, src = store_and_file
    runner = CliRunner()
    (sid,) = json.loads(runner.invoke(main, ["statements", "import", str(src), "--json"]).output)["ids"]
    r = runner.invoke(
        main, ["statements", "withdraw", sid, "--date", "2025-03-03", "--bom", str(bom), "--json"]
    )
    assert r.exit_code == 0, r.output
    found = json.loads(r.output)["portfolio"]
    assert (found["parts"], found["goods_no_longer_originating"]) == (["P1"], ["G", "K"])
    assert [(g["good_id"], g["before"], g["after"]) for g in found["goods_requalified"]] == [
        ("G", True, False),
        ("K", True, False),
    ]  # where-used: H does not use P1


def write_accumulation_bom(directory: Path) -> Path:
    """Good A passes its 60 % RVC only when the VNM of M1 (made in Mexico, non-originating as a
    whole) comes from its producer's accumulation statement (UR s.9); B does not use M1."""
    directory.mkdir(parents=True, exist_ok=True)
    tables = {
        "goods.csv": "good_id,hs,transaction_value,period_costs\nA,870829,1000,10\nB,870829,1000,10\n",
        "parts.csv": "part_id,hs,origin,value,supplier,country\nA,870829,,,,\nB,870829,,,,\n"
        "M1,870830,non_originating,600,Maquila Norte,MX\nO1,870830,originating,300,Propia,US\n",
        "edges.csv": "parent,child,quantity\nA,M1,1\nA,O1,1\nB,O1,2\n",
        "rules.yaml": '- hs: "87"\n  rule: {rvc: {transaction_value: 60}}\n',
    }
    for name, text in tables.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


@pytest.mark.parametrize("how", ["withdraw", "expire"])
def test_an_accumulation_statement_that_lapses_lists_the_goods_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """Issue 17 item 5: withdrawal or expiry of an accumulation statement (not only an origin one)
    re-qualifies where it was used and lists each good with its new outcome."""
    monkeypatch.setenv("TMEC_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TMEC_DATABASE_URL", raising=False)
    bom = write_accumulation_bom(tmp_path / "bom")
    src = tmp_path / "s.csv"
    src.write_text(
        "tipo,proveedor,parte,vmn,paises,vigente_desde,vigente_hasta,firmado_por\n"
        "acumulacion,Maquila Norte,M1,100,,2025-01-01,2025-03-02,JS\n"
        "fusion_vertido,Maquila Norte,M1,,MX,2025-01-01,2025-03-02,JS\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    args = ["portfolio", "qualify", str(bom), "--date", "2025-03-02", "--json"]
    assert json.loads(runner.invoke(main, args).output)["qualifying"] == 1  # B
    r = runner.invoke(main, ["statements", "import", str(src), "--json"])
    assert r.exit_code == 0, r.output
    acc, melt = json.loads(r.output)["ids"]
    assert json.loads(runner.invoke(main, args).output)["qualifying"] == 2  # A, on the statement
    if how == "withdraw":
        cmd = ["statements", "withdraw", acc, "--date", "2025-03-02", "--bom", str(bom), "--json"]
    else:  # on 3 March it has expired; today's sweep has logged that on import already
        cmd = ["statements", "expire", "--date", "2025-03-03", "--bom", str(bom), "--json"]
    r = runner.invoke(main, cmd)
    assert r.exit_code == 0, r.output
    found = json.loads(r.output)["portfolio"]
    assert found["parts"] == ["M1"] and found["goods_no_longer_originating"] == ["A"]
    ((good, before, after),) = [(g["good_id"], g["before"], g["after"]) for g in found["goods_requalified"]]
    assert (good, before, after) == ("A", True, False)
    assert "bulk" in found["paths"]  # the engine's incremental (delta) path, not a new roll-up
    if how == "withdraw":  # a melt-and-pour declaration settles nothing a BOM determination uses
        r = runner.invoke(main, ["statements", "withdraw", melt, "--bom", str(bom), "--date", "2025-03-02",
                                 "--json"])  # fmt: skip
        assert json.loads(r.output)["portfolio"]["goods_requalified"] == []
