"""`POST /api/v1/duty` with several declared facts: a JSON line's ``metals_relief`` as ``;``-joined
text or a list, a CSV body's column, each as `tmec duty` prices it; an exclusive pair is a 422 naming it."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import auth

LINE = {"hts": "8511.40.00.00", "origin": "CN", "value": "1000", "entry_date": "2026-03-02"}
BOTH = {"8511.40.0000": "25.00", "9903.94.05": "250.00", "9903.88.69": "0.00"}


def _headings(doc: dict[str, object]) -> dict[str, str]:
    lines = doc["lines"]
    assert isinstance(lines, list)
    return {ln["heading"]: ln["duty"] for ln in lines}


def test_a_line_declares_a_set(client: TestClient, keys: dict[str, str]) -> None:
    h = auth(keys["analyst"])
    for declared in ("vehicle_part;s301_exclusion", ["s301_exclusion", "vehicle_part"]):
        r = client.post("/api/v1/duty", json={**LINE, "metals_relief": declared}, headers=h)
        assert r.status_code == 200, r.text
        assert _headings(r.json()) == BOTH
        assert r.json()["entry"]["metals_relief"] == "s301_exclusion;vehicle_part"
    csv_text = (
        "entry_date,hts,origin,value,metals_relief\n"
        "2026-03-02,8511.40.00.00,CN,1000,s301_exclusion;vehicle_part\n"
    )
    r = client.post("/api/v1/duty", content=csv_text.encode(), headers={**h, "Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    assert _headings(r.json()["entries"][0]) == BOTH


def test_an_exclusive_pair_is_refused(client: TestClient, keys: dict[str, str]) -> None:
    h = auth(keys["analyst"])
    bad = {**LINE, "metals_relief": ["none", "vehicle_part"]}
    r = client.post("/api/v1/duty", json={"entries": [LINE, bad]}, headers=h)
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["field"] == "entries[1].metals_relief"
    assert "none and vehicle_part cannot both be declared for one line" in str(error)
