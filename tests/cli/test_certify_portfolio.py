"""Issue 17 item 6 / issue 18: certifying a portfolio's qualifying goods — one blanket certification
in Spanish with the English alongside, or one certificate per good — from a BOM directory."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pypdf
import pytest
from click.testing import Result
from test_certify_many import EXAMPLES, PERIOD, certify, env, tmec

__all__ = ["env"]  # the store with an issuer, from the batch tests

DAY = "2025-06-01"


@pytest.fixture
def bom_dir(env: Path) -> Path:
    """A generated portfolio of 12 goods, each given a description (a certification needs one)."""
    out = env / "bom"
    assert tmec("generate", "portfolio", str(out), "--goods", "12").exit_code == 0
    goods = pq.read_table(out / "goods.parquet")
    names = [f"Pieza {g[-2:]} — acero maquinado" for g in goods.column("good_id").to_pylist()]
    pq.write_table(goods.append_column("description", pa.array(names)), out / "goods.parquet")
    return out


def _qualifying(bom_dir: Path) -> list[str]:
    qualified = tmec("portfolio", "qualify", str(bom_dir), "--date", DAY, "--json", "--out", "q.parquet")
    assert qualified.exit_code in (0, 1), qualified.output
    failing = {g["good_id"] for g in json.loads(qualified.output)["failing"]}
    every = pq.read_table(bom_dir / "goods.parquet").column("good_id").to_pylist()
    return sorted(g for g in every if g not in failing)


def _run(bom_dir: Path, *args: str) -> Result:
    return certify("--portfolio", str(bom_dir), "--on", DAY, *args)


def test_a_blanket_certification_covers_every_qualifying_good_of_the_portfolio(
    bom_dir: Path, env: Path
) -> None:
    qualifying = _qualifying(bom_dir)
    assert 0 < len(qualifying) < 12  # some goods fail: they are left out, not refused
    result = _run(bom_dir, "--blanket", *PERIOD, "--out", "blanket")
    assert result.exit_code == 0, result.output
    payload = json.loads((env / "blanket" / "certificate.json").read_text())["payload"]
    assert payload["language"] == "es" and payload["translation"] == "en"
    assert [g["description"][6:8] for g in payload["goods"]] == [g[-2:] for g in qualifying]
    assert payload["certification"]["statement_translation"].startswith("I certify that the goods")
    sheet = json.loads((env / "blanket" / "worksheet.json").read_text())
    assert [g["case"]["source"]["good_id"] for g in sheet["goods"]] == qualifying
    assert all(g["determination"]["originating"] for g in sheet["goods"])
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(env / "blanket" / "certificate.pdf").pages)
    assert "Periodo general / 8. Blanket period" in text and "acero maquinado" in text
    verified = tmec("verify", str(env / "blanket" / "certificate.pdf"), "--date", "2025-06-30", "--json")
    assert verified.exit_code == 0, verified.output
    assert {c["check"]: c["passed"] for c in json.loads(verified.output)["checks"]}["document"] is True


def test_without_blanket_each_qualifying_good_gets_its_own_certificate(bom_dir: Path, env: Path) -> None:
    qualifying = _qualifying(bom_dir)
    result = _run(bom_dir, "--invoice", "INV-P1", "--out", "each")
    assert result.exit_code == 0, result.output
    issued = json.loads(result.output)["certificates"]
    assert [c["case"] for c in issued] == [f"{bom_dir}#{g}" for g in qualifying]
    for c in issued[:2]:
        path = env / "each" / c["certificate_id"] / "certificate.pdf"
        assert tmec("verify", str(path)).exit_code == 0


def test_a_qualifying_good_without_a_description_is_refused_by_name(bom_dir: Path, env: Path) -> None:
    goods = pq.read_table(bom_dir / "goods.parquet").drop_columns(["description"])
    pq.write_table(goods, bom_dir / "goods.parquet")
    before = json.loads(tmec("log", "verify", "--json").output)["size"]
    result = _run(bom_dir, "--blanket", *PERIOD, "--out", "blanket")
    assert result.exit_code == 2
    assert "have no description" in result.output and "G00000" in result.output
    assert json.loads(tmec("log", "verify", "--json").output)["size"] == before
    assert not (env / "blanket").exists()


def test_cases_and_a_portfolio_together_are_refused(bom_dir: Path) -> None:
    result = certify(str(EXAMPLES / "bearing.yaml"), "--portfolio", str(bom_dir), "--invoice", "X")
    assert result.exit_code == 2 and "not both" in result.output


def test_the_json_names_every_good_left_out_and_why(bom_dir: Path) -> None:
    qualifying = _qualifying(bom_dir)
    every = pq.read_table(bom_dir / "goods.parquet").column("good_id").to_pylist()
    for args in (["--blanket", *PERIOD, "--out", "blanket"], ["--invoice", "INV-P2", "--out", "each"]):
        result = _run(bom_dir, *args)
        assert result.exit_code == 0, result.output
        out = json.loads(result.output)
        left = out["left_out"]
        assert [g["good_id"] for g in left] == sorted(set(every) - set(qualifying))
        assert all(g["reason"] for g in left)  # its determination's error, or "not originating"
        issued = out.get("certificates", [out])
        assert len(issued) == (1 if "--blanket" in args else len(qualifying))


def _bom_with_a_supplier(directory: Path) -> Path:
    """G and K use P1 (Acme, origin unknown: a change of heading fails without a statement); H uses
    Q1 of another supplier.  Only an origin statement from Acme for P1 makes G and K qualify."""
    directory.mkdir()
    pq.write_table(
        pa.table(
            {
                "good_id": ["G", "H", "K"],
                "hs": ["870829"] * 3,
                "transaction_value": ["2000", "2000", "3000"],
                "period_costs": ["10"] * 3,
                "description": ["Defensa [tipo A]", "Defensa B", "Defensa C"],
            }
        ),
        directory / "goods.parquet",
    )
    pq.write_table(
        pa.table(
            {
                "part_id": ["G", "H", "K", "S1", "P1", "P2", "Q1"],
                "hs": ["870829", "870829", "870829", "870829", "870830", "731815", "870830"],
                "origin": [None, None, None, None, "unknown", "originating", "unknown"],
                "value": [None, None, None, None, "500", "100", "500"],
                "supplier": [None, None, None, None, "Acme Stampings", "Tornillos", "Other Co"],
            }
        ),
        directory / "parts.parquet",
    )
    pq.write_table(pa.table({
        "parent": ["G", "S1", "G", "H", "H", "K"], "child": ["S1", "P1", "P2", "Q1", "P2", "P1"],
        "quantity": ["1", "1", "2", "1", "1", "2"],
    }), directory / "edges.parquet")  # fmt: skip
    (directory / "rules.yaml").write_text('- hs: "87"\n  rule: {change: heading}\n', encoding="utf-8")
    return directory


def test_the_worksheet_names_the_statements_each_good_relied_on(env: Path) -> None:
    bom = _bom_with_a_supplier(env / "supplied")
    (env / "st.yaml").write_text(
        "statements:\n"
        + "".join(
            f"  - {{kind: origin, supplier: {who}, part: {part}, hs: '8708.30', origin: {origin}, "
            "valid_from: 2025-01-01, valid_to: 2025-12-31, signed_by: J. Smith}\n"
            for who, part, origin in (
                ("ACME stampings", "P1", "originating"),  # the part's supplier, named another way
                ("Someone Else", "Q1", "originating"),  # not Q1's supplier: never matches
            )
        ),
        encoding="utf-8",
    )
    imported = tmec("statements", "import", str(env / "st.yaml"), "--json")
    assert imported.exit_code == 0, imported.output
    acme, _ = json.loads(imported.output)["ids"]
    result = certify("--portfolio", str(bom), "--on", "2025-03-03", "--blanket", *PERIOD, "--out", "blanket")
    assert result.exit_code == 0, result.output
    assert [g["good_id"] for g in json.loads(result.output)["left_out"]] == ["H"]
    sheet = json.loads((env / "blanket" / "worksheet.json").read_text())
    relied = {g["case"]["source"]["good_id"]: g["determination"]["statements"] for g in sheet["goods"]}
    assert set(relied) == {"G", "K"}
    for good in ("G", "K"):  # G takes P1 through a subassembly, K directly
        (cited,) = relied[good]
        assert cited["id"] == acme and cited["material"] == "P1"
        assert (cited["supplier"], cited["valid_from"], cited["valid_to"]) == (
            "ACME stampings", "2025-01-01", "2025-12-31"
        )  # fmt: skip
    steps = [s for s in sheet["goods"][0]["determination"]["explanation"] if s["step"] == "statement.applied"]
    assert len(steps) == 1 and acme in steps[0]["result"]
    # A withdrawal now finds the certificate (it was never listed: its worksheet cited nothing).
    withdrawn = tmec("statements", "withdraw", acme, "--date", "2025-03-03", "--json")
    assert withdrawn.exit_code == 0, withdrawn.output
    actions = json.loads(withdrawn.output)["certificates"]  # one for each good citing it
    assert [a["case_id"] for a in actions] == ["G", "K"]
    for action in actions:
        assert action["certificate_id"] == json.loads(result.output)["certificate_id"]
        assert action["statements"] == [acme] and action["action"] == "review", action
        assert str(bom) in action["why"] and "--bom" in action["why"]
