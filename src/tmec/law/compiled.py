"""The law as built, kept: the measures and the parameters read back at the next start.

Reading the bundled law (the YAML files of the measures, their product lists and the parameters)
and building it (every scope parsed, the measures' scope index) costs a quarter of a second, and
it grows with the law; reading back the objects it builds costs a tenth of that.  So the built
objects are pickled under ``$TMEC_HOME/cache/law/<name>-<digest>.pickle``, where the digest is a
SHA-256 of the files read, of the source of the code that reads them and defines the objects'
classes (``tmec.core``, ``tmec.tariffs`` and the law's loaders), of tmec's version and of
Python's: a change to any of them is another file, and a stale one is never read.  An imported
schedule is not part of it (the schedule is read as before, lazily).

The cache is an optimisation only: a file that is damaged (its SHA-256, kept in front of it, does
not match), that names a class outside those packages, or that holds another kind of object is
passed over and written again; a home that cannot be written is passed over (the law is built as
if there were no cache); ``TMEC_LAW_CACHE=0`` turns it off.  A file is written aside and renamed
into place, so that processes starting together each read a whole file or none.
"""

from __future__ import annotations

import gc
import hashlib
import io
import os
import pickle
import sys
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TypeVar

from tmec._version import __version__
from tmec.home import tmec_home
from tmec.law.digest import files_digest, package_files

__all__ = ["CACHE_ENV", "cache_path", "compiled"]

CACHE_ENV = "TMEC_LAW_CACHE"  # "0": no cache
PACKAGE = Path(__file__).resolve().parent.parent
# The code that reads the law and the classes of what it builds: the key covers their source, and
# a kept file may name no other class of tmec (anything else is read as a damaged file).
CODE = ("core", "tariffs", "law/__init__.py", "law/tariffs/__init__.py", "law/compiled.py", "law/digest.py")
MODULES = ("tmec.core.", "tmec.tariffs.")
STANDARD = frozenset({("datetime", "date"), ("decimal", "Decimal")})
MAGIC = b"tmec compiled law 1\n"
T = TypeVar("T")


def compiled(name: str, files: Sequence[Path], build: Callable[[], T], kind: type[T]) -> T:
    """``build()``, or what an earlier run built from the same ``files`` with the same code."""
    if os.environ.get(CACHE_ENV, "1") == "0":
        return build()
    try:
        path = cache_path(name, files)
    except OSError:
        return build()  # a law file unreadable: building it reports it
    kept = _read(path, kind)
    if kept is not None:
        return kept
    made = build()
    _write(path, made)
    return made


def cache_path(name: str, files: Sequence[Path]) -> Path:
    """Where the law ``name`` built from ``files`` is kept."""
    digest = files_digest(f"{_code_digest()}\nlaw {name}\n", files, PACKAGE)
    return tmec_home() / "cache" / "law" / f"{name}-{digest}.pickle"


@cache
def _code_digest() -> str:
    header = f"tmec {__version__}\npython {sys.implementation.cache_tag}\n"
    return files_digest(header, _code(), PACKAGE)


@cache
def _code() -> tuple[Path, ...]:
    return tuple(package_files(PACKAGE, CODE))


class _LawUnpickler(pickle.Unpickler):
    """Classes of tmec's law and the two standard types it uses, nothing else."""

    def find_class(self, module: str, name: str) -> type:
        if module.startswith(MODULES) or (module, name) in STANDARD:
            found = super().find_class(module, name)
            # a class defined there, not any name reachable from the module (a function, `os`...)
            if isinstance(found, type) and (found.__module__, found.__qualname__) == (module, name):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not a class of the law")


def _read(path: Path, kind: type[T]) -> T | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(MAGIC) + 32
    payload = memoryview(data)[head:]
    if data[: len(MAGIC)] != MAGIC or hashlib.sha256(payload).digest() != data[len(MAGIC) : head]:
        return None
    collecting = gc.isenabled()
    gc.disable()  # tens of thousands of objects, none of them garbage: no collection meanwhile
    try:
        found = _LawUnpickler(io.BytesIO(payload)).load()
    except Exception:  # a file that unpickles to nothing usable is a damaged one: built again
        return None
    finally:
        if collecting:
            gc.enable()
    return found if isinstance(found, kind) else None


def _write(path: Path, made: object) -> None:
    """Best effort: written aside, renamed into place; the law's earlier files removed."""
    import tempfile  # writing only (shutil, under it, is a hundredth of a second to import)

    payload = pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL)
    aside = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, aside = tempfile.mkstemp(prefix=f".{path.stem}-", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(MAGIC + hashlib.sha256(payload).digest() + payload)
        os.replace(aside, path)
        aside = None
        name = path.name.rsplit("-", 1)[0]
        for old in path.parent.glob(f"{name}-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a home that cannot be written: the next run builds the law again
    finally:
        if aside is not None:
            Path(aside).unlink(missing_ok=True)
