"""Priced pricing keys kept on disk, so that a second exposure on the same law prices no key again.

A pricing key's template (its duty lines with their rates, bases and rounding, and the questions
that leave part of its duty uncounted) is a function of the key's columns, the law and the code
that prices it, nothing else (:mod:`tmec.engine.pricing_keys`).  So the templates priced by one
run are kept under ``$TMEC_HOME/cache/pricing/<digest>/``, where the digest is a SHA-256 of every
file of the bundled law (and of an imported schedule), of the source of the code that prices a
key, of tmec's version and of the basis: a change to any of them is another directory, and a
stale template is never read.  A scenario's law is not cached (its measures are the user's own).

The cache is an optimisation only: parts that cannot be read are dropped, a home that cannot be
written is passed over (the keys are priced as if there were no cache), and
``TMEC_PRICING_CACHE=0`` turns it off.  Each run that prices new keys adds one Parquet part,
written aside and renamed into place (a reader sees whole parts only); the parts are merged into
one when they grow many.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

import tmec
from tmec.engine.session import tmec_home
from tmec.law.digest import files_digest, package_files
from tmec.tariffs import TariffTables, default_tables

__all__ = ["CACHE_ENV", "KeyCache", "cache_for", "cached_table"]

CACHE_ENV = "TMEC_PRICING_CACHE"  # "0": no cache
MERGE_FROM = 8  # parts: merged into one when a run leaves more
_PACKAGE = Path(tmec.__file__).resolve().parent
# What a key's template is made by: the law as shipped and the code that reads and prices it.
_SOURCES = ("law", "tariffs", "core", "engine/pricing_keys.py", "engine/pricing_periods.py")


def cache_for(tables: TariffTables, basis: str) -> KeyCache | None:
    """The cache of ``tables``' keys priced on ``basis``, or None (a scenario, or turned off)."""
    if os.environ.get(CACHE_ENV, "1") == "0":
        return None
    bundled = default_tables()
    if not (
        tables.measures is bundled.measures
        and tables.schedule is bundled.schedule
        and tables.parameters is bundled.parameters
    ):
        return None  # a scenario: measures of the user's own
    from tmec.law.tariffs import imported_schedule_path

    imported = imported_schedule_path()
    try:
        seen = imported.stat()
        stamp: tuple[Any, ...] = (str(imported), seen.st_size, seen.st_mtime_ns)
    except OSError:
        stamp = ()
    return KeyCache(tmec_home() / "cache" / "pricing" / _digest(basis, stamp))


@cache
def _digest(basis: str, imported: tuple[Any, ...]) -> str:
    files = package_files(_PACKAGE, _SOURCES)
    if imported:
        files.append(Path(imported[0]))
    return files_digest(f"tmec {tmec.__version__}\nbasis {basis}\n", files, _PACKAGE)


class KeyCache:
    """Rows kept by key in Parquet parts under ``directory/<name>/``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _parts(self, name: str) -> list[Path]:
        return sorted((self.directory / name).glob("part-*.parquet"))

    def take(
        self, conn: duckdb.DuckDBPyConnection, name: str, wanted: str, key: Sequence[str], out: str
    ) -> int:
        """Table ``out``: each row of ``wanted`` (a table with the ``key`` columns, one row per key)
        found in the cache, with the cached columns, once per cached row of its key (from the first
        part holding it); how many keys were found."""
        parts = self._parts(name)
        keys = ", ".join(f"w.{k}" for k in key)
        if parts:
            files = ", ".join(_literal(p) for p in parts)
            same = " AND ".join(f"w.{k} IS NOT DISTINCT FROM c.{k}" for k in key)
            # (a key in one part only: no part to choose, no window over every row found)
            first = f"QUALIFY dense_rank() OVER (PARTITION BY {keys} ORDER BY c.filename) = 1"
            try:
                conn.execute(
                    f"""CREATE OR REPLACE TABLE {out} AS SELECT w.*, c.* EXCLUDE ({", ".join(key)}, filename)
                    FROM {wanted} w JOIN read_parquet([{files}], filename = true) c ON {same}
                    {first if len(parts) > 1 else ""}"""
                )
                found = f"SELECT count(*) FROM (SELECT DISTINCT {', '.join(key)} FROM {out})"
                return int(conn.execute(found).fetchall()[0][0])
            except duckdb.Error:
                # a part damaged (or merged away meanwhile): the keys are priced as if it were
                # absent, and the parts are dropped, for this run's to take their place
                for part in parts:
                    part.unlink(missing_ok=True)
        conn.execute(f"CREATE OR REPLACE TABLE {out} AS SELECT * FROM {wanted} WHERE false")
        return 0

    def add(self, conn: duckdb.DuckDBPyConnection, name: str, sql: str) -> None:
        """The rows of ``sql`` (key columns and cached columns) as a new part; best effort."""
        folder = self.directory / name
        aside = folder / f".part-{uuid.uuid4().hex}.parquet"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            conn.execute(f"COPY ({sql}) TO {_literal(aside)} (FORMAT parquet)")
            os.replace(aside, folder / f"part-{uuid.uuid4().hex}.parquet")
            parts = self._parts(name)
            if len(parts) >= MERGE_FROM:
                self._merge(conn, folder, parts)
        except (OSError, duckdb.Error):
            aside.unlink(missing_ok=True)  # a home that cannot be written: the next run prices again

    def _merge(self, conn: duckdb.DuckDBPyConnection, folder: Path, parts: list[Path]) -> None:
        aside = folder / f".part-{uuid.uuid4().hex}.parquet"
        files = ", ".join(_literal(p) for p in parts)
        conn.execute(
            f"COPY (SELECT DISTINCT * FROM read_parquet([{files}])) TO {_literal(aside)} (FORMAT parquet)"
        )
        os.replace(aside, folder / f"part-{uuid.uuid4().hex}.parquet")
        for p in parts:
            p.unlink(missing_ok=True)


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def cached_table(
    conn: duckdb.DuckDBPyConnection,
    cache: KeyCache | None,
    name: str,
    wanted: str,
    make: Callable[[pa.Table], pa.Table],
    out: str,
) -> None:
    """Table ``out``: ``make(keys)`` of the keys ``wanted`` (a query; rows by its columns), the rows
    of the keys an earlier run made taken from the cache, the others made now and kept."""
    conn.execute(f"CREATE OR REPLACE TEMP TABLE __wanted_keys AS {wanted}")
    key = [str(r[0]) for r in conn.execute("DESCRIBE __wanted_keys").fetchall()]
    found = cache.take(conn, name, "__wanted_keys", key, "__found") if cache else 0
    same = " AND ".join(f"w.{k} IS NOT DISTINCT FROM f.{k}" for k in key)
    missing = conn.sql(
        f"SELECT w.* FROM __wanted_keys w ANTI JOIN __found f ON {same}"
        if found
        else "SELECT * FROM __wanted_keys"
    ).to_arrow_table()
    made = make(missing) if missing.num_rows or not found else None
    if made is not None:
        conn.register("__made", made)
    try:
        if made is not None and cache is not None and missing.num_rows:
            cache.add(conn, name, "SELECT * FROM __made")
        parts = [
            *(["SELECT * FROM __made"] if made is not None else []),
            *(["SELECT * FROM __found"] if found else []),
        ]
        conn.execute(f"CREATE OR REPLACE TABLE {out} AS {' UNION ALL BY NAME '.join(parts)}")
    finally:
        if made is not None:
            conn.unregister("__made")
        conn.execute("DROP TABLE IF EXISTS __found")
        conn.execute("DROP TABLE IF EXISTS __wanted_keys")
