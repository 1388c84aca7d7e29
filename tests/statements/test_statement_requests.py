"""Requests to suppliers: ordered by what they settle, renewals naming goods and certificates, the
letters filled in and read back, the certificates to amend."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.statements.statement_files import (
    DOOR,
    LAKESHORE,
    ROOT,
    a_statement,
    coil,
    door_variant,
    load_case_text,
    qualify_json,
    run,
    statement_yaml,
)

from tmec.cli import main
from tmec.statements import qualify_with_statements


def test_requests_are_ordered_by_what_they_settle(tmp_path: Path, home: Path) -> None:
    a, b = door_variant(tmp_path, "A"), door_variant(tmp_path, "B")
    c = door_variant(tmp_path, "C", supplier="Other Coil Co")
    r = run("statements", "requests", str(c), str(a), str(b), "--json")
    assert r.exit_code == 0, r.output
    found = [(x["priority"], x["supplier"], x["part"], x["goods"]) for x in json.loads(r.output)]
    assert found == [
        (1, LAKESHORE, "COIL", ["A", "B"]),  # settles two goods
        (2, "Other Coil Co", "COIL", ["C"]),
        (3, None, "SEALER", []),  # would raise the RVC, settles none
    ]


def test_a_statement_due_is_a_renewal_naming_its_goods_and_certificates(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMEC_KEY_PASSPHRASE", "a long passphrase for the test key")
    monkeypatch.chdir(tmp_path)
    path = statement_yaml(tmp_path / "s.yaml", coil(valid_to="2025-04-15"))
    (sid,) = json.loads(run("statements", "import", str(path), "--json").output)["ids"]
    assert run("init", "--origin", "tmec.example/stamping").exit_code == 0
    certifier = ROOT / "examples" / "certifier.yaml"
    r = run("certify", str(DOOR), "--certifier", str(certifier), "--invoice", "INV-1", "--out", "c", "--json")
    cert_id = json.loads(r.output)["certificate_id"]
    (renewal,) = json.loads(run("statements", "requests", str(DOOR), "--within", "60d", "--json").output)[:1]
    assert (renewal["kind"], renewal["statement"], renewal["goods"]) == (
        "renewal",
        sid,
        ["US-STAMP-DOOR-2025"],
    )
    assert renewal["certificates"] == [cert_id]
    later = json.loads(run("statements", "requests", str(DOOR), "--within", "30d", "--json").output)
    assert all(x["kind"] != "renewal" for x in later)


def test_a_letter_filled_in_is_read_back_by_import(tmp_path: Path, home: Path) -> None:
    import openpyxl  # type: ignore[import-untyped]

    letters = tmp_path / "letters"
    r = run("statements", "requests", str(DOOR), "--letters", str(letters))
    assert r.exit_code == 0, r.output
    path = letters / "lakeshore-steel-service-center.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book["declaraciones"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["tipo", "proveedor", "parte", "descripcion", "fraccion"]
    assert [c.value for c in sheet[2]][:5] == [
        "origen",
        LAKESHORE,
        "COIL",
        "Hot-dip galvanized steel coil, 0.8 mm",
        "7210.49",
    ]
    assert {"carta", "letter"} <= set(book.sheetnames)
    unfilled = CliRunner().invoke(main, ["statements", "import", str(path)])
    assert unfilled.exit_code == 2 and f"{path}:2: " in unfilled.output
    fill = {"origen_declarado": "originaria", "vigente_desde": "2025-01-01", "vigente_hasta": "2025-12-31",
            "firmado_por": "J. Smith"}  # fmt: skip
    for name, value in fill.items():
        sheet.cell(row=2, column=header.index(name) + 1, value=value)
    book.save(path)
    assert run("statements", "import", str(path)).exit_code == 0
    assert qualify_json()[0] == 0  # the answer settles the good


def test_a_certificate_still_originating_without_the_statement_is_to_amend(tmp_path: Path) -> None:
    import yaml

    from tmec.statements.impact import certificate_actions

    text = DOOR.read_text().replace("origin: unknown, value: 21.60", "origin: originating, value: 21.60")
    text = text.replace("value: 0.85}", 'value: 0.85, supplier: "Sealants SA"}')
    raw = yaml.safe_load(text)
    sealer = a_statement(supplier="Sealants SA", part="SEALER", hs="3214.10")
    det, applied = qualify_with_statements(load_case_text(tmp_path, text), [sealer])
    assert det.originating and [u.material for u in applied.uses] == ["SEALER"]
    sheet = {"case_id": raw["id"], "case": raw, "determination": det.to_dict()}
    unrelated = {"case": raw, "determination": {"statements": []}}
    (action,) = certificate_actions([("CO-1", sheet), ("CO-2", unrelated)], [sealer.id], [sealer])
    assert (action["certificate_id"], action["action"], action["originating"]) == ("CO-1", "amend", True)
