"""What a DuckDB error means: the input file could not be read (bad input, exit 2, naming the file),
or DuckDB failed on an input it could read (out of memory, an overflow, an interruption), which is
not the input's fault and must never be reported as "cannot read the file"."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from tmec.core.errors import InputError

__all__ = ["EngineFailure", "read_failure", "reading"]


class EngineFailure(RuntimeError):
    """DuckDB failed while working on an input that it could read (out of memory, an overflow, an
    interruption...): not the input's fault, so not bad input; the message says what was being done."""


# DuckDB failing on its own account, whatever the input: memory, an interruption, an internal error,
# an overflow of a computation (tmec's arithmetic works on values the validation has bounded).
ENGINE_FAILURES: tuple[type[duckdb.Error], ...] = (
    duckdb.OutOfMemoryException,
    duckdb.InterruptException,
    duckdb.InternalException,
    duckdb.FatalException,
    duckdb.OutOfRangeException,
)


def read_failure(exc: duckdb.Error, path: Path) -> bool:
    """Whether DuckDB's error is a failure to read or parse the file ``path`` itself: an I/O error,
    invalid input naming the file or its format, or any error that is not DuckDB failing on its own
    account (a damaged Parquet page fails in many ways, some naming nothing: "Variable-length int
    over 10 bytes")."""
    if isinstance(exc, duckdb.IOException):
        return True
    text = str(exc)
    if isinstance(exc, duckdb.InvalidInputException) and (
        str(path) in text or path.name in text or "Parquet" in text or "parquet" in text or "CSV" in text
    ):
        return True
    return not isinstance(exc, ENGINE_FAILURES)


@contextmanager
def reading(path: Path, doing: str = "reading the entry lines", what: str = "the file") -> Iterator[None]:
    """A file DuckDB cannot read to the end (a damaged Parquet file fails as its pages are read, in
    many ways, at any pass) is bad input naming the file; any other failure of DuckDB meanwhile is
    an :class:`EngineFailure` naming what it was ``doing``, never "cannot read the file"."""
    try:
        yield
    except (duckdb.BinderException, duckdb.ParserException, duckdb.CatalogException):
        raise  # a query of tmec's own that is wrong: not the file's fault
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0]
        if read_failure(exc, path):
            raise InputError(f"cannot read {what}: {first}", source=str(path)) from None
        raise EngineFailure(f"DuckDB failed while {doing} of {path}: {first}") from exc
