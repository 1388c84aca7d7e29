"""Hypothesis strategies that damage a valid input: bytes, CSV cells and rows, YAML/JSON trees.

Every strategy starts from a real, bundled example, so most damaged inputs are *almost* valid:
the inputs that reach deep into the code rather than failing at the first byte.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import yaml
from hypothesis import strategies as st

# What a user (or an attacker) might put where a value belongs: the crash list of issue 11 item 8
# and the limits of issue 12 item 3 among them.
HOSTILE_TEXT: tuple[str, ...] = (
    "", " ", "-1", "0", "-0", "1e999999999", "1e400", "1e-400", "1e27", "9" * 4400, "NaN", "inf",
    "1,234.56", "1.234,56", "3,60", "0x10", "١٢٣", "2023-02-29", "0000-00-00", "9999-12-31",
    "\u202e", "💥", "\x00", "null", "~", "true", "[]", "{}", "ÿ", "a" * 300, "--json", "../../etc/passwd",
    "=1+1", "7208.39.00", "9903.81.99", "XX", "MX", "originating", "'", '"', "\\",
)  # fmt: skip
HOSTILE_VALUES: tuple[Any, ...] = (
    None, True, False, 0, -1, 10**30, 1e308, float("nan"), float("inf"), [], {}, [[[[[]]]]],
    {"a": {"b": {"c": 1}}}, *HOSTILE_TEXT,
)  # fmt: skip

hostile_text = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=20))
hostile_value = st.one_of(st.sampled_from(HOSTILE_VALUES), st.text(max_size=20), st.integers(), st.floats())


@st.composite
def damaged_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    """One to three byte-level changes: flip, truncate, insert, delete or duplicate a range."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, max(len(out) - 1, 0)))
        op = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "duplicate", "noise"]))
        if op == "flip" and out:
            out[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "truncate":
            del out[at:]
        elif op == "insert":
            out[at:at] = draw(hostile_text).encode("utf-8", "surrogatepass")
        elif op == "delete":
            del out[at : at + draw(st.integers(1, 64))]
        elif op == "duplicate":
            out[at:at] = out[at : at + draw(st.integers(1, 256))]
        else:
            out[at:at] = draw(st.binary(min_size=1, max_size=16))
    return bytes(out)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*path, i))


def _parent(tree: Any, path: tuple[Any, ...]) -> Any:
    for key in path[:-1]:
        tree = tree[key]
    return tree


@st.composite
def damaged_tree(draw: st.DrawFn, tree: Any) -> Any:
    """One to three structural changes: delete or duplicate a field, swap a value's type or
    replace it with a hostile one, nest it deeply."""
    tree = copy.deepcopy(tree)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(tree) if p]
        if not paths:
            return draw(hostile_value)
        path = draw(st.sampled_from(paths))
        parent, key = _parent(tree, path), path[-1]
        op = draw(
            st.sampled_from(["delete", "duplicate", "replace", "replace", "stringify", "listify", "nest"])
        )
        if op == "delete":
            del parent[key]
        elif op == "duplicate":
            if isinstance(parent, list):
                parent.insert(key, copy.deepcopy(parent[key]))
            else:
                parent[f"{key}"] = copy.deepcopy(parent[key])
                parent[f"{key}_copy"] = copy.deepcopy(parent[key])
        elif op == "replace":
            parent[key] = draw(hostile_value)
        elif op == "stringify":
            parent[key] = str(parent[key])
        elif op == "listify":
            parent[key] = [parent[key]]
        else:
            value: Any = parent[key]
            for _ in range(draw(st.integers(2, 60))):
                value = {"x": value} if draw(st.booleans()) else [value]
            parent[key] = value
    return tree


def dump_tree(tree: Any, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps(tree, default=str, ensure_ascii=False).encode("utf-8", "surrogatepass")
    text = yaml.safe_dump(tree, allow_unicode=True, sort_keys=False)
    return text.encode("utf-8", "surrogatepass")


@st.composite
def damaged_document(draw: st.DrawFn, text: bytes) -> bytes:
    """A YAML/JSON document damaged in its structure (re-serialised as YAML or JSON) or in its bytes."""
    if draw(st.integers(0, 3)) == 0:
        return draw(damaged_bytes(text))
    tree = draw(damaged_tree(yaml.safe_load(text)))
    return dump_tree(tree, draw(st.sampled_from(["yaml", "yaml", "json"])))


def read_rows(text: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


def write_rows(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8", "surrogatepass")


@st.composite
def damaged_rows(draw: st.DrawFn, rows: list[list[str]]) -> list[list[str]]:
    """One to three table changes: a hostile cell, a row or column deleted or duplicated, a renamed header."""
    rows = [list(r) for r in rows]
    for _ in range(draw(st.integers(1, 3))):
        if not rows:
            break
        r = draw(st.integers(0, len(rows) - 1))
        op = draw(st.sampled_from(["cell", "cell", "cell", "delete_row", "duplicate_row", "delete_column",
                                   "header", "short_row"]))  # fmt: skip
        if op == "cell" and rows[r]:
            c = draw(st.integers(0, len(rows[r]) - 1))
            rows[r][c] = draw(hostile_text)
        elif op == "delete_row":
            del rows[r]
        elif op == "duplicate_row":
            rows.insert(r, list(rows[r]))
        elif op == "delete_column" and rows[0]:
            c = draw(st.integers(0, len(rows[0]) - 1))
            rows = [row[:c] + row[c + 1 :] for row in rows]
        elif op == "header" and rows[0]:
            rows[0][draw(st.integers(0, len(rows[0]) - 1))] = draw(hostile_text)
        elif rows[r]:
            rows[r] = rows[r][: draw(st.integers(0, len(rows[r]) - 1))]
    return rows


@st.composite
def damaged_csv(draw: st.DrawFn, text: bytes) -> bytes:
    if draw(st.integers(0, 3)) == 0:
        return draw(damaged_bytes(text))
    return write_rows(draw(damaged_rows(read_rows(text))))
