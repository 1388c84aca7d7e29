"""Fixtures for certification tests: a store in a temp dir, an issuer with a key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from certify_fixtures import CERTIFIER, ORIGIN, PASSPHRASE

from tmec.certify.issuer import Issuer
from tmec.certify.keys import Ed25519Signer
from tmec.certify.parties import Parties, parse_parties
from tmec.store.db import Store, open_store


@pytest.fixture
def parties() -> Parties:
    return parse_parties(CERTIFIER)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    st = open_store(f"sqlite:///{tmp_path / 'tmec.db'}", home=tmp_path)
    yield st
    st.close()


@pytest.fixture
def issuer(store: Store) -> Issuer:
    iss = Issuer(store)
    iss.init(ORIGIN, PASSPHRASE)
    return iss


@pytest.fixture
def signer(issuer: Issuer) -> Ed25519Signer:
    return issuer.signer(PASSPHRASE)


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, issuer: Issuer) -> Path:
    """The CLI at home in the issuer fixture's store (tmp_path/tmec.db), run from tmp_path."""
    monkeypatch.setenv("TMEC_HOME", str(tmp_path))
    monkeypatch.delenv("TMEC_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path
