"""What an input may cost: documented limits, each configurable by an environment variable.

An input beyond a limit is bad input (exit 2) naming the limit and its variable, found before
the cost is paid: a file's size is checked before it is read, a YAML document's aliases and
depth while it is parsed, a bill of materials' size and depth before it is walked.  The
defaults are far beyond any real good's case; raise them for an unusual one.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tmec.core.errors import InputError

__all__ = [
    "LIMITS",
    "MAX_BOM_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_MATERIALS",
    "MAX_MATERIAL_DEPTH",
    "MAX_YAML_ALIASES",
    "MAX_YAML_DEPTH",
    "MAX_YAML_NODES",
    "Limit",
    "check_input_file",
    "check_materials",
    "read_input",
]


@dataclass(frozen=True)
class Limit:
    """A bound on an input, its default and the environment variable that changes it."""

    env: str
    default: int
    what: str  # what is counted, for the README and the messages

    def value(self) -> int:
        raw = os.environ.get(self.env)
        if raw is None or not raw.strip():
            return self.default
        try:
            value = int(raw.strip().replace("_", ""))
        except ValueError:
            value = 0
        if value < 1:
            raise InputError(
                f"expected a positive whole number ({self.what}), found {raw!r}", source=self.env
            )
        return value

    def exceeded(
        self, found: str, limit: int, *, source: str | None = None, field: str | None = None
    ) -> InputError:
        return InputError(
            f"{found} (the limit is {limit:,} {self.what}; raise it with {self.env})",
            source=source,
            field=field,
        )


MAX_FILE_BYTES = Limit("TMEC_MAX_FILE_BYTES", 16 * 1024 * 1024, "bytes in an input file read whole")
MAX_YAML_ALIASES = Limit("TMEC_MAX_YAML_ALIASES", 1_000, "aliases (*name) in a YAML document")
MAX_YAML_NODES = Limit("TMEC_MAX_YAML_NODES", 2_000_000, "values in a YAML/JSON document, aliases expanded")
MAX_YAML_DEPTH = Limit("TMEC_MAX_YAML_DEPTH", 100, "levels of nesting in a YAML/JSON document")
MAX_MATERIALS = Limit("TMEC_MAX_MATERIALS", 100_000, "materials in a case, nested ones included")
# Far above real bills of materials (a vehicle's has about a dozen levels): a deep chain is not a cycle.
MAX_MATERIAL_DEPTH = Limit("TMEC_MAX_MATERIAL_DEPTH", 100, "levels of self-produced materials in a case")
MAX_BOM_DEPTH = Limit("TMEC_MAX_BOM_DEPTH", 64, "levels in a portfolio's bill of materials (BOM_DIR)")

LIMITS = (
    MAX_FILE_BYTES,
    MAX_YAML_ALIASES,
    MAX_YAML_NODES,
    MAX_YAML_DEPTH,
    MAX_MATERIALS,
    MAX_MATERIAL_DEPTH,
    MAX_BOM_DEPTH,
)


def _check_opened(info: os.stat_result, source: str, limit: int | None) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise InputError("not a regular file (a device, pipe or directory): refused", source=source)
    if limit is not None and info.st_size > limit:
        raise MAX_FILE_BYTES.exceeded(f"{info.st_size:,} bytes", limit, source=source)


def check_input_file(path: str | Path, *, whole: bool = True) -> None:
    """Refuse, before it is opened, a file that is not regular or (read ``whole``) is over the size
    limit.  A reader that streams a table row by row passes ``whole=False``: only its rows count."""
    try:
        info = os.stat(path)
    except FileNotFoundError as exc:
        raise InputError(f"cannot read: no such file ({exc.strerror})", source=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=str(path)) from None
    _check_opened(info, str(path), MAX_FILE_BYTES.value() if whole else None)


def read_input(path: str | Path) -> bytes:
    """A whole input file, refused at once when it is not a regular file or is over the size limit.

    ``/dev/zero``, a pipe or a directory would be read forever or not at all; a file that grows
    while it is read stops at the limit.
    """
    source = str(path)
    limit = MAX_FILE_BYTES.value()
    check_input_file(path)  # before opening: opening a pipe waits for a writer
    try:
        with open(path, "rb") as fh:
            _check_opened(os.fstat(fh.fileno()), source, limit)
            data = fh.read(limit + 1)
    except FileNotFoundError as exc:
        raise InputError(f"cannot read: no such file ({exc.strerror})", source=source) from None
    except IsADirectoryError:
        raise InputError("not a regular file (a directory): refused", source=source) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=source) from None
    if len(data) > limit:
        raise MAX_FILE_BYTES.exceeded(f"more than {limit:,} bytes (it grew while read)", limit, source=source)
    return data


def check_materials(data: Any, *, source: str | None = None) -> None:
    """Count a case's materials (nested ones included) and their depth before any is parsed.

    Iterative, and it stops at the first limit passed: a case of a million materials, or one whose
    YAML anchors make a list contain itself, is refused without walking all of it.
    """
    if not isinstance(data, Mapping):
        return
    max_count, max_depth = MAX_MATERIALS.value(), MAX_MATERIAL_DEPTH.value()
    count = 0
    stack: list[tuple[Any, int, str, frozenset[int]]] = [(data.get("materials"), 1, "materials", frozenset())]
    while stack:
        items, depth, where, above = stack.pop()
        if not isinstance(items, Sequence) or isinstance(items, str | bytes):
            continue  # the parser names what is wrong with it
        if id(items) in above:  # a YAML alias: the list is one of its own parents'
            raise InputError(
                "a material contains itself (a YAML alias to one of its own parents)",
                source=source,
                field=where,
            )
        if items and depth > max_depth:
            raise MAX_MATERIAL_DEPTH.exceeded(
                f"materials nested too deep: more than {max_depth} levels",
                max_depth,
                source=source,
                field=where,
            )
        count += len(items)
        if count > max_count:
            raise MAX_MATERIALS.exceeded(
                f"more than {max_count:,} materials", max_count, source=source, field=where
            )
        for i, item in enumerate(items):
            if isinstance(item, Mapping) and item.get("materials"):
                stack.append((item["materials"], depth + 1, f"{where}[{i}].materials", above | {id(items)}))
