"""Opening the store: the engine, SQLite settings, and migrations that run by themselves.

SQLite (the default) runs in WAL mode and every transaction starts with
``BEGIN IMMEDIATE``: one writer at a time, so two processes can never read the
same log size and append at the same index (the primary key would refuse it
anyway).  On PostgreSQL a transaction-scoped advisory lock plays that role.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session

from tmec.core.errors import InputError
from tmec.store.paths import database_url, tmec_home
from tmec.store.revision import MIGRATIONS, migration_head

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["Store", "open_store"]

_MIGRATION_LOCK = 0x746D6563  # "tmec": advisory lock ids for PostgreSQL
_WRITE_LOCK = 0x746D6564


@dataclass
class Store:
    """An open store.  ``session()`` is one transaction holding the write lock."""

    engine: Engine
    home: Path
    url: str
    _closed: bool = field(default=False, repr=False)

    @property
    def is_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as s, s.begin():
            if self.is_postgresql:
                s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _WRITE_LOCK})
            yield s

    def close(self) -> None:
        if not self._closed:
            self.engine.dispose()
            self._closed = True


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout = 60000")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _at_head(engine: Engine) -> bool:
    """Is the database at the migrations' head?  One read of ``alembic_version``; False on any doubt."""
    head = migration_head()
    if head is None:
        return False
    with engine.connect() as conn:
        try:
            rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
        except DBAPIError:  # no such table yet (a new store): Alembic creates it
            rows = []
        conn.rollback()
    return [r[0] for r in rows] == [head]


def _migrate(engine: Engine) -> None:
    if _at_head(engine):
        return
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cfg = _alembic_config()
    head = ScriptDirectory.from_config(cfg).get_current_head()
    with engine.connect() as conn:
        if MigrationContext.configure(conn).get_current_revision() == head:
            conn.rollback()
            return
        conn.rollback()
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def _create_private(db: Path) -> None:
    """The store holds bills of materials: its directory 0700 and the file 0600, like the keys.

    SQLite gives its -wal and -shm files the database file's permissions.  Existing files and
    directories are left as their owner set them.
    """
    if str(db) in {"", ".", ":memory:"}:
        return
    if not db.parent.exists():
        try:
            db.parent.mkdir(parents=True, mode=0o700)
            os.chmod(db.parent, 0o700)  # mkdir's mode is masked by the umask
        except FileExistsError:  # another process created it meanwhile
            pass
    if not db.exists():
        try:
            os.close(os.open(db, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:  # another process created it meanwhile
            return
        os.chmod(db, 0o600)


def open_store(url: str | None = None, *, home: Path | None = None, create: bool = True) -> Store:
    """Open (and create and migrate, when ``create``) the store at ``url`` or the default location."""
    home = home or tmec_home()
    url = url or database_url(home)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InputError(f"not a database URL: {url!r}", source="TMEC_DATABASE_URL") from None
    if parsed.get_backend_name() == "sqlite":
        db = Path(parsed.database or "")
        if not db.exists() and not create:
            raise InputError(f"no tmec store at {db}: run `tmec init` first", source=str(db))
        try:
            _create_private(db)
        except OSError as exc:
            raise InputError(f"cannot create the store: {exc.strerror}", source=str(db)) from None
        engine = _sqlite_engine(url)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    try:
        _migrate(engine)
    except OperationalError as exc:
        engine.dispose()
        raise InputError(f"cannot open the database: {exc.orig}", source=parsed.render_as_string()) from None
    return Store(engine, home, url)
