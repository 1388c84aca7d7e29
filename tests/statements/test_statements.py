"""Supplier statements: validation, the store and its log, and their use by `tmec qualify`."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.statements.statement_files import (
    DOOR,
    LAKESHORE,
    ROOT,
    a_statement,
    coil,
    door_variant,
    qualify_json,
    run,
    statement_yaml,
)

from tmec.cli import main
from tmec.origin import load_case
from tmec.statements import BadRows, Statement, apply_to_case, load_statements, qualify_with_statements
from tmec.statements.files import read_rows
from tmec.statements.parse import parse_rows


def test_a_good_file_reads_every_kind(tmp_path: Path) -> None:
    path = statement_yaml(
        tmp_path / "s.yaml",
        coil(),
        coil(kind="accumulation", part="RING", hs="7326.90", origin=None, vnm="1.20", net_cost="4.00"),
        {
            "kind": "melt_pour",
            "supplier": "Acme Mill",
            "countries": "MX;US",
            "valid_from": "2025-01-01",
            "shipment": "INV-9",
            "signed_by": "R",
        },
    )
    text = path.read_text().replace("    origin: None\n", "")
    path.write_text(text)
    found = load_statements(path)
    assert [s.kind for s in found] == ["origin", "accumulation", "melt_pour"]
    assert found[1].vnm is not None and str(found[1].vnm) == "1.20"
    assert found[2].countries == ("MX", "US") and found[2].valid_to == found[2].valid_from
    assert found[2].part is None  # a supplier's whole supply


def test_every_bad_row_is_named_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(
        "kind,supplier,part,hs,origin,valid_from,valid_to,signed_by\n"
        "origin,Lakeshore,COIL,7210.49,originating,2025-01-01,2025-12-31,JS\n"
        "origin,Lakeshore,NUTS,7318.16,maybe,2025-01-01,2025-12-31,JS\n"
        "origin,Lakeshore,CLIPS,7320.90,originating,2025-01-01,2026-01-01,JS\n"
        "origin,,SEAL,3214.10,originating,2025-01-01,2025-06-30,JS\n",
        encoding="utf-8",
    )
    with pytest.raises(BadRows) as err:
        load_statements(path)
    text = str(err.value)
    assert "3 bad statement row(s); nothing was imported" in text
    assert f"{path}:3: origin: expected one of originating, non_originating; found 'maybe'" in text
    assert f"{path}:4: valid_to: a blanket period is at most 12 months" in text
    assert "Annex 5-A element 8" in text  # the rule it cites
    assert f"{path}:5: supplier: missing required field" in text


def test_spanish_headers_and_values(tmp_path: Path) -> None:
    path = tmp_path / "declaraciones.csv"
    path.write_text(
        "tipo,proveedor,parte,fracción,origen_declarado,vigente_desde,vigente_hasta,firmado_por\n"
        "origen,Aceros del Norte,BOB-1,7208.51,originaria,2025-02-01,2026-01-31,Ana Pérez\n",
        encoding="utf-8",
    )
    (st,) = load_statements(path)
    assert (st.kind, st.origin, st.supplier, st.hs) == ("origin", "originating", "Aceros del Norte", "720851")


def test_the_same_statement_twice_in_a_file_is_a_bad_row(tmp_path: Path) -> None:
    path = statement_yaml(tmp_path / "s.yaml", coil(), coil())
    with pytest.raises(BadRows, match=r"s.yaml:10: the same statement as line 2"):
        load_statements(path)


def test_yaml_rows_carry_their_lines(tmp_path: Path) -> None:
    path = statement_yaml(tmp_path / "s.yaml", coil(), coil(part="X", supplier="B"))
    assert [line for line, _ in read_rows(path)] == [2, 10]


# -- applying them --------------------------------------------------------------------------------


def test_a_statement_settles_the_material_and_is_cited() -> None:
    case = load_case(DOOR)
    before, _ = qualify_with_statements(case, [])
    after, applied = qualify_with_statements(case, [a_statement()])
    assert before.originating is False and after.originating is True
    (use,) = applied.uses
    assert use.material == "COIL"
    cited = after.to_dict()["statements"][0]
    assert (
        cited["id"] == a_statement().id
        and cited["supplier"] == LAKESHORE
        and cited["valid_to"] == "2025-12-31"
    )
    assert after.explanation[0].step == "statement.applied"


@pytest.mark.parametrize(
    "over",
    [
        {"supplier": "Another Steel Co"},  # another supplier never matches
        {"part": "SEALER"},  # another part
        {"valid_from": "2025-03-04", "valid_to": "2025-12-31"},  # not yet in force on the case's date
        {"valid_from": "2024-03-04", "valid_to": "2025-03-02"},  # expired the day before
    ],
)
def test_a_statement_that_does_not_match_or_is_not_in_force_is_not_used(over: dict[str, Any]) -> None:
    det, applied = qualify_with_statements(load_case(DOOR), [a_statement(**over)])
    assert not applied.uses and det.originating is False and "statements" not in det.to_dict()


def test_supplier_names_compare_without_case_or_spaces() -> None:
    _, applied = qualify_with_statements(
        load_case(DOOR), [a_statement(supplier="  lakeshore   STEEL service center")]
    )
    assert len(applied.uses) == 1


def test_a_withdrawn_statement_is_not_used_from_its_withdrawal() -> None:
    st = a_statement()
    case = load_case(DOOR)
    assert apply_to_case(case, [st.withdrawn(dt.date(2025, 3, 4), None)]).uses
    assert not apply_to_case(case, [st.withdrawn(dt.date(2025, 3, 3), None)]).uses


def test_a_stated_origin_is_never_overridden() -> None:
    case = load_case(DOOR)
    nuts = a_statement(part="NUTS", hs="7318.16", supplier="x")
    assert not apply_to_case(case, [nuts]).uses  # NUTS is non_originating in the case, no supplier


# -- the command line and the store ---------------------------------------------------------------


def test_a_good_flips_when_imported_and_back_when_withdrawn(tmp_path: Path, home: Path) -> None:
    code, det = qualify_json()
    assert code == 1 and "statements" not in det
    assert not (home / "tmec.db").exists()  # qualifying never creates a store
    path = statement_yaml(
        tmp_path / "s.yaml", coil(), coil(supplier="Other Steel", part="SEALER", hs="3214.10")
    )
    r = run("statements", "import", str(path), "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["imported"] == 2 and len(out["ids"]) == 2
    code, det = qualify_json()
    assert code == 0 and [s["id"] for s in det["statements"]] == [out["ids"][0]]
    assert det["statements"][0]["supplier"] == LAKESHORE
    assert run("qualify", str(DOOR), "--no-statements").exit_code == 1
    again = json.loads(run("statements", "import", str(path), "--json").output)
    assert again["imported"] == 0 and again["ids"] == out["ids"]  # recorded once
    r = run("statements", "withdraw", out["ids"][0], "--date", "2025-02-01", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["certificates"] == []
    code, det = qualify_json()
    assert code == 1 and "statements" not in det


def test_a_good_flips_back_when_the_statement_expires(tmp_path: Path, home: Path) -> None:
    path = statement_yaml(tmp_path / "s.yaml", coil(valid_to="2025-03-10"))
    assert run("statements", "import", str(path)).exit_code == 0
    assert qualify_json("--date", "2025-03-10")[0] == 0
    assert qualify_json("--date", "2025-03-11")[0] == 1


def test_a_case_pins_statements_off(tmp_path: Path, home: Path) -> None:
    path = statement_yaml(tmp_path / "s.yaml", coil())
    assert run("statements", "import", str(path)).exit_code == 0
    pinned = tmp_path / "door.yaml"
    pinned.write_text(DOOR.read_text() + "statements: off\n")
    assert run("qualify", str(pinned)).exit_code == 1
    assert run("qualify", str(DOOR)).exit_code == 0


def test_bad_rows_write_nothing(tmp_path: Path, home: Path) -> None:
    path = statement_yaml(tmp_path / "s.yaml", coil(), coil(part="X", origin="perhaps"))
    r = CliRunner().invoke(main, ["statements", "import", str(path)])
    assert r.exit_code == 2
    assert "s.yaml:10: origin: expected one of originating, non_originating" in r.output
    assert not (home / "tmec.db").exists()


def test_every_recording_withdrawal_and_expiry_is_a_log_leaf(tmp_path: Path, home: Path) -> None:
    from sqlalchemy import select

    from tmec.certify import merkle
    from tmec.store import ledger
    from tmec.store.db import open_store
    from tmec.store.models import LogEntry
    from tmec.store.statements import StatementBook

    path = statement_yaml(
        tmp_path / "s.yaml", coil(), coil(part="P2"), coil(part="P3", valid_to="2025-06-30")
    )
    store = open_store()
    try:
        book = StatementBook(store)
        ids = book.record(load_statements(path)).ids
        book.withdraw(ids[1], dt.date(2025, 5, 1), "mill changed")
        assert book.record_expiries(dt.date(2025, 7, 2)) == [ids[2]]
        assert book.record_expiries(dt.date(2025, 7, 3)) == []  # logged once
        with store.session() as s:
            kinds = [e.kind for e in s.scalars(select(LogEntry).order_by(LogEntry.idx))]
            size = ledger.log_size(s)
            # the subtree hashes the bulk append stored give the root of the leaves rehashed
            tree = merkle.HashTree(merkle.leaf_hash(body) for _, body, _ in ledger.entries(s))
            assert ledger.root(s, size) == tree.root()
            for i in range(size):
                proof = ledger.inclusion_proof(s, i, size)
                assert merkle.verify_inclusion(i, size, tree.levels[0][i], proof, tree.root())
        assert kinds == ["statement.record"] * 3 + ["statement.withdrawal", "statement.expiry"]
        assert {st.id: st.status(dt.date(2025, 7, 2)) for st in book.all()} == {
            ids[0]: "in_force",
            ids[1]: "withdrawn",
            ids[2]: "expired",
        }
    finally:
        store.close()


def test_due_lists_what_to_renew(tmp_path: Path, home: Path) -> None:
    path = statement_yaml(tmp_path / "s.yaml", coil(), coil(part="P2", valid_to="2025-04-15"))
    ids = json.loads(run("statements", "import", str(path), "--json").output)["ids"]
    r = run("statements", "due", "--within", "30d", "--date", "2025-04-01", "--json")
    assert [x["id"] for x in json.loads(r.output)] == [ids[1]]
    assert json.loads(r.output)[0]["days_left"] == 14
    assert CliRunner().invoke(main, ["statements", "due", "--within", "soon"]).exit_code == 2


def test_kill_9_during_an_import_leaves_all_or_none(tmp_path: Path) -> None:
    n = 20_000
    path = tmp_path / "many.csv"
    rows = ["kind,supplier,part,hs,origin,valid_from,valid_to,signed_by"]
    rows += [f"origin,S{i % 50},P{i},7210.49,originating,2025-01-01,2025-12-31,JS" for i in range(n)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    env = {**os.environ, "TMEC_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT / "src")}
    env.pop("TMEC_DATABASE_URL", None)
    from sqlalchemy import func, select

    from tmec.store.db import open_store
    from tmec.store.models import LogEntry, StatementRow

    db = tmp_path / "home" / "tmec.db"

    def counts() -> tuple[int, int]:
        store = open_store(f"sqlite:///{db}", home=tmp_path / "home")
        try:
            with store.session() as s:
                return (
                    s.scalar(select(func.count()).select_from(StatementRow)) or 0,
                    s.scalar(
                        select(func.count()).select_from(LogEntry).where(LogEntry.kind == "statement.record")
                    )
                    or 0,
                )
        finally:
            store.close()

    command = [sys.executable, "-c", "from tmec.cli import main; main()", "statements", "import", str(path)]
    wal = db.with_name("tmec.db-wal")
    mid_write = 0
    for _ in range(3):
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        start = wal.stat().st_size if wal.exists() else 0
        # Die while the import's transaction is being written: once the write-ahead log has grown
        # by a megabyte (the import writes about ten), before its commit.
        while proc.poll() is None and (not wal.exists() or wal.stat().st_size < start + 1_000_000):
            time.sleep(0.002)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            found = counts()
            mid_write += found == (0, 0)
        else:
            found = counts()
        assert found in ((0, 0), (n, n))  # a whole import or none, its log leaves with it
        if found == (n, n) or mid_write:
            break
    assert mid_write >= 1  # at least one kill landed in the middle of the transaction
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    assert counts() == (n, n)


def test_withdrawal_lists_the_certificates_that_relied_on_it(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMEC_KEY_PASSPHRASE", "a long passphrase for the test key")
    monkeypatch.chdir(tmp_path)
    path = statement_yaml(tmp_path / "s.yaml", coil())
    (sid,) = json.loads(run("statements", "import", str(path), "--json").output)["ids"]
    assert run("init", "--origin", "tmec.example/stamping").exit_code == 0
    certifier = ROOT / "examples" / "certifier.yaml"
    r = run("certify", str(DOOR), "--certifier", str(certifier), "--invoice", "INV-1", "--out", "c", "--json")
    assert r.exit_code == 0, r.output  # originating only because of the statement
    cert_id = json.loads(r.output)["certificate_id"]
    sheet = json.loads((tmp_path / "c" / "worksheet.json").read_text())
    assert [s["id"] for s in sheet["determination"]["statements"]] == [sid]
    r = run("statements", "withdraw", sid, "--date", "2025-02-01", "--json")
    (cert,) = json.loads(r.output)["certificates"]
    assert (cert["certificate_id"], cert["action"], cert["originating"]) == (cert_id, "revoke", False)
    assert CliRunner().invoke(main, ["statements", "withdraw", sid]).exit_code == 2  # already withdrawn
    r = run("log", "verify", "--json")  # the statement leaves sit in a consistent log, and the
    assert r.exit_code == 0, r.output  # withdrawal's checkpoint (signed: the passphrase is set) covers them
    audit = json.loads(r.output)
    assert any(f"(size {audit['size']}) is signed" in c["detail"] for c in audit["checks"])


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"hs": 7210.49}, "hs: write HS codes as text (quoted), found the number 7210.49"),
        ({"hs": "9903.01"}, "is not in the HS 2022 nomenclature"),
        ({"kind": "guess"}, "kind: expected one of origin, accumulation"),
        ({"valid_to": "2024-12-31"}, "valid_to: the statement ends (2024-12-31) before it starts"),
        ({"evidence_sha256": "abc"}, "evidence_sha256: expected 64 hexadecimal digits"),
        (
            {"kind": "accumulation", "origin": None, "net_cost": "4", "non_vnm_amount": "1"},
            "vnm: a net cost statement",
        ),
        ({"vnm": "3"}, "only an accumulation statement gives"),
        ({"signed_by": None}, "signed_by: missing required field"),
    ],
)
def test_a_bad_value_names_its_field_and_line(over: dict[str, Any], message: str) -> None:
    row = {k: v for k, v in coil(**over).items() if v is not None}
    with pytest.raises(BadRows, match="t:7: ") as err:
        parse_rows([(7, row)], source="t")
    assert message in str(err.value)


def test_statements_pinned_with_a_value_that_is_not_on_or_off_is_bad_input(
    tmp_path: Path, home: Path
) -> None:
    path = statement_yaml(tmp_path / "s.yaml", coil())
    assert run("statements", "import", str(path)).exit_code == 0
    case = tmp_path / "door.yaml"
    case.write_text(DOOR.read_text() + "statements: maybe\n")
    r = CliRunner().invoke(main, ["qualify", str(case)])
    assert r.exit_code == 2 and "statements: expected on or off, found 'maybe'" in r.output


# -- expiry, an event like withdrawal (issue 17 item 5) -----------------------------------------


def _certify(tmp_path: Path, out: str, *scope: str) -> str:
    certifier = ROOT / "examples" / "certifier.yaml"
    r = run(
        "certify", str(DOOR), "--certifier", str(certifier), *scope, "--out", str(tmp_path / out), "--json"
    )
    assert r.exit_code == 0, r.output
    return str(json.loads(r.output)["certificate_id"])


def test_an_expired_statement_lists_the_certificates_that_cited_it(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A good flips when its statement is imported and back when it expires; the blanket
    certification that relied on it past its end is listed (revoke, then amend once renewed),
    every time until it is acted on; a single shipment qualified while it was in force is not."""
    monkeypatch.setenv("TMEC_KEY_PASSPHRASE", "a long passphrase for the test key")
    assert qualify_json("--date", "2025-06-30")[0] == 1
    path = statement_yaml(tmp_path / "s.yaml", coil(valid_to="2025-06-30"))
    (sid,) = json.loads(run("statements", "import", str(path), "--json").output)["ids"]
    assert qualify_json("--date", "2025-06-30")[0] == 0  # flips with the statement ...
    assert qualify_json("--date", "2025-07-01")[0] == 1  # ... and back when it has expired
    assert run("init", "--origin", "tmec.example/stamping").exit_code == 0
    blanket = _certify(tmp_path, "b", "--blanket-from", "2025-03-03", "--blanket-to", "2026-03-02")
    _certify(tmp_path, "i", "--invoice", "INV-1")  # one shipment of the good qualified on 2025-03-03
    early = json.loads(run("statements", "expire", "--date", "2025-06-30", "--json").output)
    assert early["expired"] == [] and early["certificates"] == []  # still in force that day
    r = run("statements", "expire", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["expired"] == []  # the import's sweep noticed it (today is past 2025): one log leaf
    (cert,) = out["certificates"]
    assert (cert["certificate_id"], cert["statements"], cert["action"]) == (blanket, [sid], "revoke")
    assert cert["requalified_on"] == "2025-07-01" and cert["originating"] is False
    again = json.loads(run("statements", "expire", "--json").output)
    assert again["expired"] == [] and [c["certificate_id"] for c in again["certificates"]] == [blanket]
    r = run("statements", "due", "--date", "2026-12-01")  # the renewal routine shows it too
    assert f"certificate {blanket}: REVOKE" in r.output.replace("\n", " ")
    # the supplier renews from 1 July: the certification is still originating, to amend
    renewal = statement_yaml(tmp_path / "r.yaml", coil(valid_from="2025-07-01", valid_to="2026-06-30"))
    r = CliRunner().invoke(main, ["statements", "import", str(renewal), "--json"])
    assert r.exit_code == 0 and f"({blanket})" in r.stderr  # warned on stderr, stdout stays JSON
    assert json.loads(r.stdout)["imported"] == 1
    (cert,) = json.loads(run("statements", "expire", "--json").output)["certificates"]
    assert (cert["certificate_id"], cert["action"], cert["originating"]) == (blanket, "amend", True)
    r = run(
        "revoke", blanket, "--reason", "the coil statement expired", "--yes", "--out", str(tmp_path / "r")
    )
    assert r.exit_code == 0, r.output
    assert json.loads(run("statements", "expire", "--json").output)["certificates"] == []
    r = CliRunner().invoke(main, ["statements", "expire", "--date", "2999-01-01"])
    assert r.exit_code == 2 and "not foreseen" in r.output


def test_the_fast_import_path_writes_what_the_general_one_does() -> None:
    """The recording leaf written out, the checks shared by rows of one supplier, code and period,
    and the id's base 32 give the same bytes as the general encoders (issue 17 item 3)."""
    import base64
    import hashlib

    from tmec.store.statements import _event_leaf, _record_leaf

    sid, digest = "ST-ABCDEFGHIJKLMNOP", "0f" * 32
    assert _record_leaf(sid, digest) == _event_leaf("record", sid, record_sha256=digest)
    rows = [(2, {k: str(v) for k, v in coil(part=f"P{i}").items()}) for i in range(3)]
    first, again = parse_rows(rows, source="a.csv"), parse_rows(rows, source="a.csv")
    assert first == again and [s.part for s in again] == ["P0", "P1", "P2"]
    fresh = Statement(**{k: getattr(first[1], k) for k in ("kind", "supplier", "valid_from", "valid_to",
                                                          "signed_by", "part", "hs", "origin")})  # fmt: skip
    assert fresh.body() == first[1].body() and fresh.id == first[1].id
    assert fresh.id == "ST-" + base64.b32encode(hashlib.sha256(fresh.body()).digest()[:10]).decode()
    # a row the shared checks refuse is refused every time, and named by its own line
    bad = [(5, {**rows[0][1], "origin": "perhaps"}), (9, {**rows[0][1], "origin": "perhaps", "part": "Q"})]
    with pytest.raises(BadRows) as exc:
        parse_rows(bad, source="a.csv")
    assert [(e.line, e.field) for e in exc.value.problems] == [(5, "origin"), (9, "origin")]


@pytest.mark.parametrize(("supplier", "used"), [(LAKESHORE, True), ("Another Steel Co", False)])
def test_a_statement_by_description_matches_its_supplier_only(supplier: str, used: bool) -> None:
    """Without a part number a statement matches by description, and still only its supplier's."""
    st = a_statement(supplier=supplier, part="", description="Hot-dip galvanized steel coil, 0.8 mm")
    assert st.part is None
    det, applied = qualify_with_statements(load_case(DOOR), [st])
    assert bool(applied.uses) is used and det.originating is used


def test_an_expired_statement_lists_each_good_of_a_multi_good_certification(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A blanket certification of several goods (`certify --blanket`) keeps one worksheet per good:
    the expiry of the statement they relied on lists the certification for each good."""
    monkeypatch.setenv("TMEC_KEY_PASSPHRASE", "a long passphrase for the test key")
    path = statement_yaml(tmp_path / "s.yaml", coil(valid_to="2025-06-30"))
    (sid,) = json.loads(run("statements", "import", str(path), "--json").output)["ids"]
    assert run("init", "--origin", "tmec.example/stamping").exit_code == 0
    other = door_variant(tmp_path, "B")
    certifier = ROOT / "examples" / "certifier.yaml"
    r = run("certify", str(DOOR), str(other), "--blanket", "--certifier", str(certifier),
            "--blanket-from", "2025-03-03", "--blanket-to", "2026-03-02", "--out", str(tmp_path / "m"),
            "--json")  # fmt: skip
    assert r.exit_code == 0, r.output
    found = json.loads(run("statements", "expire", "--json").output)["certificates"]
    assert sorted((c["case_id"], c["statements"], c["action"]) for c in found) == [
        ("B", [sid], "revoke"),
        ("US-STAMP-DOOR-2025", [sid], "revoke"),
    ]
    assert len({c["certificate_id"] for c in found}) == 1
