"""What a running service needs to know: where its store is, its limits, the signing passphrase."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from tmec.store.paths import tmec_home

MIB = 1024 * 1024


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value and value.isdigit() else default


@dataclass(frozen=True)
class Settings:
    """``home`` holds the SQLite store and the jobs' files; ``database_url`` (PostgreSQL) overrides
    the store.  ``rate_limit`` is requests per minute per API key (or per client address without
    one); 0 turns it off."""

    home: Path = field(default_factory=tmec_home)
    database_url: str | None = None
    max_upload_bytes: int = 20 * MIB
    rate_limit: int = 600
    passphrase: bytes | None = field(default=None, repr=False)
    job_workers: int = 1
    job_ttl_seconds: int = 24 * 3600  # a finished job's files are removed this long after it ended

    @classmethod
    def from_env(cls) -> Settings:
        """``$TMEC_HOME``, ``$TMEC_DATABASE_URL``, ``$TMEC_KEY_PASSPHRASE``, ``$TMEC_RATE_LIMIT``,
        ``$TMEC_MAX_UPLOAD_MB``, ``$TMEC_JOB_TTL_HOURS`` (0: keep jobs until deleted)."""
        passphrase = os.environ.get("TMEC_KEY_PASSPHRASE")
        return cls(
            home=tmec_home(),
            database_url=os.environ.get("TMEC_DATABASE_URL") or None,
            max_upload_bytes=_int_env("TMEC_MAX_UPLOAD_MB", 20) * MIB,
            rate_limit=_int_env("TMEC_RATE_LIMIT", 600),
            job_ttl_seconds=_int_env("TMEC_JOB_TTL_HOURS", 24) * 3600,
            passphrase=passphrase.encode() if passphrase else None,
        )
