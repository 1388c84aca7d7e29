"""Who is calling: ``Authorization: Bearer KEY`` checked against the store's hashed keys.

Looked-up keys are cached for a few seconds, so a busy client costs one hash, not one
database round trip, per request; a key revoked through this server is dropped at once, one
revoked with the CLI stops working within ``CACHE_SECONDS``.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from fastapi import Depends, Request

from tmec.api.errors import ApiError
from tmec.store.access import KEY_PREFIX, ApiKey, find_key_hash, key_hash

if TYPE_CHECKING:
    from tmec.store.db import Store

CACHE_SECONDS = 5.0


class KeyCache:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._seen: dict[str, tuple[float, ApiKey | None]] = {}
        self._lock = threading.Lock()

    def lookup(self, key: str) -> ApiKey | None:
        if not key.startswith(KEY_PREFIX):
            return None
        return self.lookup_hash(key_hash(key))

    def lookup_hash(self, digest: str) -> ApiKey | None:
        now = time.monotonic()
        with self._lock:
            hit = self._seen.get(digest)
        if hit is not None and now - hit[0] < CACHE_SECONDS:
            return hit[1]
        found = find_key_hash(self.store, digest)
        with self._lock:
            if len(self._seen) > 10_000:  # wrong keys must not grow it without bound
                self._seen.clear()
            self._seen[digest] = (now, found)
        return found

    def forget(self) -> None:
        with self._lock:
            self._seen.clear()


def bearer(request: Request) -> str | None:
    auth = request.headers.get("authorization")
    if not auth:
        return None
    scheme, _, token = auth.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "expected 'Authorization: Bearer KEY'", field="Authorization")
    return token.strip()


def caller(request: Request) -> ApiKey | None:
    """The API key of a request (header), or of the web session (cookie), or None."""
    token = bearer(request)
    cache: KeyCache = request.app.state.keys
    if token is not None:
        found = cache.lookup(token)
        if found is None:
            raise ApiError(401, "unknown or revoked API key", field="Authorization")
        return found
    session = request.cookies.get("tmec_session")
    # The web session's cookie opens the API for reading only (a page polling its job): a POST to
    # the API needs the header, which another site's form cannot send.
    api_write = request.url.path.startswith("/api/") and request.method not in ("GET", "HEAD")
    if session and not api_write:
        digest = request.app.state.sessions.key_hash_of(session)
        return cache.lookup_hash(digest) if digest else None
    return None


def require(role: str):  # type: ignore[no-untyped-def]
    """A dependency: the caller's key, with at least ``role``."""

    def dependency(request: Request) -> ApiKey:
        who = caller(request)
        if who is None:
            raise ApiError(401, f"an API key with the {role} role is required", field="Authorization")
        if not who.can(role):
            raise ApiError(
                403, f"the key {who.name!r} has the {who.role} role; this needs {role}", field="Authorization"
            )
        return who

    return dependency


# The route parameters' markers, one per role (``who: ApiKey = ANALYST``).
VIEWER = Depends(require("viewer"))
ANALYST = Depends(require("analyst"))
CERTIFIER = Depends(require("certifier"))
ADMIN = Depends(require("admin"))
