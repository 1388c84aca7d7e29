"""The duty form declares several facts (a multiple select): each chosen one is priced, and shown chosen."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tmec.api import Settings, create_app
from tmec.store.access import create_key
from tmec.store.db import open_store


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(home=tmp_path, database_url=f"sqlite:///{tmp_path / 'tmec.db'}", rate_limit=0)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        store = open_store(settings.database_url, home=tmp_path)
        key = create_key(store, "analyst", "analyst")
        store.close()
        c.get("/login")
        c.post("/login", data={"key": key, "csrf": c.cookies.get("tmec_csrf")})
        yield c


def _post(client: TestClient, facts: list[str]) -> tuple[int, str]:
    form = {
        "csrf": client.cookies.get("tmec_csrf") or "",
        "hts": "8511.40.00.00",
        "origin": "CN",
        "value": "1000",
        "entry_date": "2026-03-02",
        "metals_relief": facts,
    }
    r = client.post("/duty?lang=en", data=form, files={"none": ("", b"")})
    return r.status_code, r.text


def test_the_form_declares_a_vehicle_part_and_an_exclusion_at_once(client: TestClient) -> None:
    page = client.get("/duty?lang=en").text
    assert re.search(r'<select id="d-metals_relief" name="metals_relief" multiple', page)
    status, text = _post(client, ["vehicle_part", "s301_exclusion"])
    assert status == 200, text
    assert "9903.94.05" in text and "9903.88.69" in text and 'id="total-duty">275.00<' in text
    chosen = re.findall(r'<option value="([a-z0-9_]+)" selected>', text)
    assert chosen == ["vehicle_part", "s301_exclusion"]  # the form shows what was declared


def test_the_form_refuses_an_exclusive_pair(client: TestClient) -> None:
    status, text = _post(client, ["none", "vehicle_part"])
    assert status == 422
    assert "none and vehicle_part cannot both be declared for one line" in text
