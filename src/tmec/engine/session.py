"""One pipeline, two engines: DuckDB embedded (default) and Apache Spark.

The pipelines are written once against the PySpark DataFrame API.  On DuckDB
that API is SQLFrame (it compiles each DataFrame to DuckDB SQL through sqlglot);
on Spark it is PySpark itself.  An :class:`Engine` carries the session and the
matching ``functions`` and ``types`` modules, so a pipeline never imports either.

Portability rules learnt the hard way (spec/architecture.md s.3.3, and here):
every literal gets an explicit type; money is DECIMAL; results leave the engine
as Arrow (SQLFrame's ``collect()`` on DuckDB turns DECIMAL into float, Arrow
keeps it); unsigned integers (DuckDB ``hash()``) are cast before SQLFrame sees
them, because it cannot parse ``UBIGINT``.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import duckdb
import pyarrow as pa

from tmec.core.errors import InputError, TmecError
from tmec.home import tmec_home

EngineName = Literal["duckdb", "spark"]
ENGINES: tuple[EngineName, ...] = ("duckdb", "spark")

# A DataFrame of either engine: SQLFrame's and PySpark's share the API, not a type.
DataFrame = Any

__all__ = ["ENGINES", "DataFrame", "Engine", "EngineName", "connect", "spark_available", "tmec_home"]


_OPEN_DUCKDB: set[int] = set()


def spark_available() -> str | None:
    """None when PySpark and a Java runtime are present, else why Spark cannot run."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install 'tmec[spark]')"
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return None
    if any((Path(p) / "java").exists() for p in os.environ.get("PATH", "").split(os.pathsep) if p):
        return None
    return "no Java runtime (Java 17) on PATH or in JAVA_HOME"


@dataclass
class Engine:
    """A session on one engine with the functions and types modules that go with it."""

    name: EngineName
    session: Any
    F: ModuleType
    T: ModuleType
    conn: duckdb.DuckDBPyConnection  # DuckDB: the engine itself; Spark: the local validator
    _counter: itertools.count[int] = field(default_factory=itertools.count)
    _tmp: tempfile.TemporaryDirectory[str] | None = None

    # -- types -----------------------------------------------------------------
    def decimal(self, precision: int, scale: int) -> Any:
        return self.T.DecimalType(precision, scale)

    def lit(self, value: object, type_: Any) -> Any:
        """A literal with an explicit type (an untyped 0 is int8 here and int32 there)."""
        return self.F.lit(value).cast(type_)

    def is_overflow(self, exc: BaseException) -> bool:
        """Whether ``exc`` is the engine refusing a number beyond its type (never a rounding:
        DuckDB raises, and Spark runs in ANSI mode)."""
        if isinstance(exc, (duckdb.ConversionException, duckdb.OutOfRangeException)):
            return "out of range" in str(exc).lower() or isinstance(exc, duckdb.OutOfRangeException)
        return type(exc).__name__ == "ArithmeticException" or "NUMERIC_VALUE_OUT_OF_RANGE" in str(exc)

    # -- data in and out -------------------------------------------------------
    def table_from_duckdb(self, name: str) -> DataFrame:
        """A DataFrame over a table in :attr:`conn` (validated input, generated data)."""
        if self.name == "duckdb":
            return self.session.table(name)
        path = self.staging() / f"{name}-{next(self._counter)}.parquet"
        self.conn.execute(f"COPY \"{name}\" TO '{path}' (FORMAT parquet)")
        return self.session.read.parquet(str(path))

    def from_arrow(self, table: pa.Table, name: str) -> DataFrame:
        self.conn.register(f"__arrow_{name}", table)
        self.conn.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM "__arrow_{name}"')
        self.conn.unregister(f"__arrow_{name}")
        return self.table_from_duckdb(name)

    def materialize(self, df: DataFrame, name: str) -> DataFrame:
        """Compute ``df`` now and return a DataFrame over the stored result.

        Each level of a roll-up is materialised so that the next level's plan
        starts from a table, not from the whole history of the loop.
        """
        if self.name == "duckdb":
            sql = self._sql(df)
            self.conn.execute(f'CREATE OR REPLACE TABLE "{name}" AS {sql}')
            return self.session.table(name)
        return df.localCheckpoint(eager=True)

    def view(self, df: DataFrame, name: str) -> DataFrame:
        """``df`` under a name, computed where it is used (DuckDB: a view; Spark: the plan itself)."""
        if self.name == "duckdb":
            self.conn.execute(f'CREATE OR REPLACE VIEW "{name}" AS {self._sql(df)}')
            return self.session.table(name)
        return df

    def union_all(self, frames: list[DataFrame], name: str) -> DataFrame:
        """The rows of all ``frames`` (same columns), as a shallow plan.

        DuckDB: a view over the materialised tables, so SQLFrame does not carry
        (and deep-copy) the whole history of a loop in every later plan.
        """
        if len(frames) == 1:
            return frames[0]
        if self.name == "duckdb":
            parts = " UNION ALL BY NAME ".join(f"({self._sql(f)})" for f in frames)
            self.conn.execute(f'CREATE OR REPLACE VIEW "{name}" AS {parts}')
            return self.session.table(name)
        out = frames[0]
        for f in frames[1:]:
            out = out.unionByName(f)
        return out

    def _sql(self, df: DataFrame) -> str:
        return str(df.sql(dialect="duckdb", pretty=False, optimize=False))

    def to_arrow(self, df: DataFrame) -> pa.Table:
        """Results leave the engine as Arrow, DECIMAL intact."""
        if self.name == "duckdb":
            return self.conn.sql(self._sql(df)).to_arrow_table()
        return df.toArrow()

    def count(self, df: DataFrame) -> int:
        return int(df.count())

    def staging(self) -> Path:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="tmec-engine-")
        return Path(self._tmp.name)

    def close(self) -> None:
        # SQLFrame keeps one session per process: stop it, or the next connect() gets this one.
        self.session.stop()
        _OPEN_DUCKDB.discard(id(self.conn))
        self.conn.close()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _duckdb(path: Path | None, threads: int | None) -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect(str(path) if path else ":memory:")
    conn.execute("SET enable_progress_bar = false")
    if threads:
        conn.execute(f"SET threads = {int(threads)}")
    return conn


def connect(
    engine: EngineName = "duckdb",
    *,
    database: Path | None = None,
    threads: int | None = None,
    master: str | None = None,
    spark_conf: dict[str, str] | None = None,
) -> Engine:
    """Open an engine.

    ``duckdb``: in memory, or the file ``database`` (e.g. ``$TMEC_HOME/portfolio.duckdb``).
    ``spark``: ``master`` is a cluster URL, default ``local[2]`` (``$TMEC_SPARK_MASTER``).
    """
    if engine == "duckdb":
        if _OPEN_DUCKDB:
            raise TmecError(
                "a DuckDB engine is already open in this process (SQLFrame keeps one); close it first"
            )
        from sqlframe.duckdb import DuckDBSession
        from sqlframe.duckdb import functions as duck_functions
        from sqlframe.duckdb import types as duck_types

        conn = _duckdb(database, threads)
        _OPEN_DUCKDB.add(id(conn))
        # SQLFrame gets a cursor of its own: its unfinished results must not block ours (DuckDB 2.0).
        session = DuckDBSession(conn=conn.cursor())
        return Engine("duckdb", session, duck_functions, duck_types, conn)
    if engine == "spark":
        why = spark_available()
        if why:
            raise InputError(f"the Spark engine cannot start: {why}", field="--engine")
        from pyspark.sql import SparkSession
        from pyspark.sql import functions as spark_functions
        from pyspark.sql import types as spark_types

        tmp = tempfile.TemporaryDirectory(prefix="tmec-spark-")
        builder = (
            SparkSession.builder.master(master or os.environ.get("TMEC_SPARK_MASTER", "local[2]"))
            .appName("tmec")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.driver.host", os.environ.get("TMEC_SPARK_DRIVER_HOST", "127.0.0.1"))
            # A warehouse per session: a shared spark-warehouse/ collides (s.3.3, bug 3).
            .config("spark.sql.warehouse.dir", str(Path(tmp.name) / "warehouse"))
            # Never trade DECIMAL digits for range silently: overflow is an error.
            .config("spark.sql.decimalOperations.allowPrecisionLoss", "false")
            .config("spark.sql.ansi.enabled", "true")
        )
        for key, value in (spark_conf or {}).items():
            builder = builder.config(key, value)
        spark: Any = builder.getOrCreate()
        spark.sparkContext.setLogLevel("ERROR")
        return Engine("spark", spark, spark_functions, spark_types, _duckdb(None, threads), _tmp=tmp)

    raise InputError(f"expected one of {list(ENGINES)}, found {engine!r}", field="--engine")
