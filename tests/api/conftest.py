"""An app on a store in a temp dir, with an initialised issuer and one API key per role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tmec.api import Settings, create_app
from tmec.certify.issuer import Issuer
from tmec.store.access import ROLES, create_key
from tmec.store.db import open_store

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
PASSPHRASE = b"correct horse battery staple"
ORIGIN = "tmec.example/api-tests"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    store = open_store(f"sqlite:///{tmp_path / 'tmec.db'}", home=tmp_path)
    try:
        Issuer(store).init(ORIGIN, PASSPHRASE)
    finally:
        store.close()
    return tmp_path


@pytest.fixture
def settings(home: Path) -> Settings:
    return Settings(
        home=home, database_url=f"sqlite:///{home / 'tmec.db'}", passphrase=PASSPHRASE, rate_limit=0
    )


@pytest.fixture
def keys(settings: Settings) -> dict[str, str]:
    store = open_store(settings.database_url, home=settings.home)
    try:
        return {role: create_key(store, f"{role}-key", role) for role in ROLES}
    finally:
        store.close()


@pytest.fixture
def client(settings: Settings, keys: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
