"""Security headers, a request-size limit and a rate limit per key, as one ASGI middleware.

Pure ASGI (no BaseHTTPMiddleware) so the hot path of ``/api/v1/qualify`` pays a few
microseconds for it.  The rate limit is a token bucket per API key (per client address for
calls without a key), in this process's memory: with ``tmec serve --workers N`` each process
counts on its own (up to N times the limit in all), because a bucket shared through the store
would cost a database write on every request.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from tmec.api.errors import error_document

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
# Scripts from this server only; the interactive docs (/docs) start Swagger UI with one inline script.
CSP = (
    b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; "
    b"form-action 'self'; script-src 'self'"
)
DOCS_CSP = CSP + b" 'unsafe-inline'"


class TokenBuckets:
    """``rate`` requests a minute per bucket, bursts up to ``rate``."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, who: str) -> float:
        """0 when allowed, else the seconds to wait."""
        now = time.monotonic()
        per_second = self.rate / 60
        with self._lock:
            tokens, last = self._buckets.get(who, (float(self.rate), now))
            tokens = min(float(self.rate), tokens + (now - last) * per_second)
            if tokens < 1:
                self._buckets[who] = (tokens, now)
                return (1 - tokens) / per_second
            self._buckets[who] = (tokens - 1, now)
            return 0.0


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value)
    return None


class Guard:
    def __init__(self, app: ASGIApp, *, max_body: int, rate: int) -> None:
        self.app = app
        self.max_body = max_body
        self.buckets = TokenBuckets(rate) if rate > 0 else None

    async def _refuse(self, send: Send, status: int, message: str, extra: list[tuple[bytes, bytes]]) -> None:
        body = json.dumps(error_document(message, status)).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [*headers, *extra, *SECURITY_HEADERS, (b"content-security-policy", CSP)],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = _header(scope, b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            await self._refuse(send, 413, f"request body over the limit of {self.max_body} bytes", [])
            return
        if self.buckets is not None and scope["path"].startswith("/api/"):
            auth = _header(scope, b"authorization")
            client = scope.get("client") or ("?", 0)
            who = hashlib.sha256(auth).hexdigest() if auth else f"addr:{client[0]}"
            wait = self.buckets.take(who)
            if wait:
                retry = str(int(wait) + 1).encode()
                await self._refuse(
                    send, 429, "rate limit reached: try again later", [(b"retry-after", retry)]
                )
                return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise BodyTooLarge
            return message

        csp = (b"content-security-policy", DOCS_CSP if scope["path"] == "/docs" else CSP)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS, csp]
            await send(message)

        await self.app(scope, limited, with_headers)  # BodyTooLarge: a 413 by the app's handler


class BodyTooLarge(Exception):
    """A chunked body went past the limit while it was read."""
