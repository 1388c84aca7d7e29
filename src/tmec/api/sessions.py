"""Web sessions in the store, so that every server process (``tmec serve --workers N``) knows who
signed in.  The store keeps the SHA-256 of the session cookie and of the API key it signed in
with, never either: a copy of the database opens no session and reveals no key."""

from __future__ import annotations

import secrets
import time

from sqlalchemy import delete

from tmec.store.access import key_hash
from tmec.store.db import Store
from tmec.store.models import WebSessionRow

SESSION_SECONDS = 8 * 3600


class WebSessions:
    def __init__(self, store: Store, reads: Store) -> None:
        self.store = store  # writes: sign in, sign out
        self.reads = reads  # every page's look-up, without the write lock

    def open(self, key: str) -> str:
        """A new session for ``key`` (already checked); its cookie value."""
        token = secrets.token_urlsafe(32)
        now = time.time()
        with self.store.session() as s:
            s.execute(delete(WebSessionRow).where(WebSessionRow.expires_at < now))
            s.add(
                WebSessionRow(
                    token_hash=key_hash(token), key_hash=key_hash(key), expires_at=now + SESSION_SECONDS
                )
            )
        return token

    def key_hash_of(self, token: str) -> str | None:
        """The SHA-256 of the API key a live session signed in with, or None."""
        if not token or len(token) > 100:
            return None
        with self.reads.session() as s:
            row = s.get(WebSessionRow, key_hash(token))
            if row is None or row.expires_at < time.time():
                return None
            return row.key_hash

    def close(self, token: str) -> None:
        if token and len(token) <= 100:
            with self.store.session() as s:
                s.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == key_hash(token)))
