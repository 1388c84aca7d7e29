"""Store fixtures: the same tests on SQLite and, when a server is at hand, on PostgreSQL.

``scripts/test.sh`` starts a throwaway PostgreSQL when the server binaries are
installed and exports ``TMEC_TEST_POSTGRES_URL``; without it the PostgreSQL
cases skip and say why.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "certify"))

from certify_fixtures import ORIGIN, PASSPHRASE

from tmec.certify.issuer import Issuer

PG_URL = os.environ.get("TMEC_TEST_POSTGRES_URL")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tmec.db'}"
        return
    if not PG_URL:
        if os.environ.get("TMEC_REQUIRE_POSTGRES"):
            pytest.fail("TMEC_REQUIRE_POSTGRES is set (CI) but no PostgreSQL server was started")
        pytest.skip(
            "no PostgreSQL: install the Debian package `postgresql` (scripts/test.sh starts a "
            "throwaway server) or set TMEC_TEST_POSTGRES_URL"
        )
    import psycopg

    name = f"tmec_test_{secrets.token_hex(6)}"
    admin = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = PG_URL.rpartition("/")
    yield f"{base}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture
def issuer_at(db_url: str, home: Path) -> Iterator[Issuer]:
    from tmec.store.db import open_store

    store = open_store(db_url, home=home)
    iss = Issuer(store)
    iss.init(ORIGIN, PASSPHRASE)
    yield iss
    store.close()
