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
